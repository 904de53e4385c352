#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a build script fails by panicking

//! Builds every player module for `wasm32-unknown-unknown` with the `wasm` profile and
//! the linker flags of `.cargo/config.toml`, so `cargo test` and `cargo build` of any
//! host crate always run the modules built from the sources in this checkout.
//!
//! The nested cargo uses its own target directory (`target/wasm-modules`) so it never
//! waits on the lock of the outer build, and it does not inherit the outer build's
//! flags or wrappers (coverage, clippy), which are meant for host code.

use std::env;
use std::path::PathBuf;
use std::process::Command;

/// (package, wasm file stem, constant name)
const MODULES: &[(&str, &str)] = &[
    ("wasp-probe", "wasp_probe"),
    ("wasp-hello", "wasp_hello"),
    ("wasp-engine-bench", "wasp_engine_bench"),
    ("wasp-tv", "wasp_tv"),
];

/// The audio module: (package, wasm file stem), built on its own with [`AUDIO_LINK`].
const AUDIO: (&str, &str) = ("wasp-audio", "wasp_audio");
/// The audio module's whole linear memory, stack + data + heap: two 64 KiB pages,
/// initial and maximum, so it can never grow (the microcontroller budget of issue 9).
const AUDIO_MEMORY: u32 = 2 * 65536;
/// Its link arguments: an 8 KiB shadow stack and a memory of exactly [`AUDIO_MEMORY`].
/// They replace `.cargo/config.toml`'s module flags, hence a build of its own (in its
/// own target directory, so the other modules' builds are not invalidated).
const AUDIO_LINK: &[&str] = &[
    "-Clink-arg=-zstack-size=8192",
    "-Clink-arg=--initial-memory=131072",
    "-Clink-arg=--max-memory=131072",
];

fn main() {
    let manifest =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest
        .join("../..")
        .canonicalize()
        .expect("workspace root");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let target_dir = root.join("target").join("wasm-modules");

    for path in [
        "players",
        "core/abi",
        "Cargo.toml",
        "Cargo.lock",
        ".cargo/config.toml",
        "rust-toolchain.toml",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(path).display());
    }

    let mut cmd = wasm_build(&root, &target_dir);
    for (package, _) in MODULES {
        cmd.args(["-p", package]);
    }
    let status = cmd.status().expect("run cargo to build the player modules");
    assert!(
        status.success(),
        "building the player modules for wasm32-unknown-unknown failed (see above)"
    );
    let audio_dir = root.join("target").join("wasm-modules-audio");
    build_audio(&root, &audio_dir);

    let built = target_dir.join("wasm32-unknown-unknown").join("wasm");
    let audio_built = audio_dir.join("wasm32-unknown-unknown").join("wasm");
    let mut consts = String::new();
    let all = MODULES
        .iter()
        .map(|m| (m, &built))
        .chain([(&AUDIO, &audio_built)]);
    for ((package, stem), built) in all {
        let file = format!("{stem}.wasm");
        std::fs::copy(built.join(&file), out.join(&file))
            .unwrap_or_else(|e| panic!("copy {file}: {e}"));
        let name = stem.trim_start_matches("wasp_").to_uppercase();
        consts.push_str(&format!(
            "/// `{package}` built for wasm32 (profile `wasm`).\npub const {name}: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{file}\"));\n"
        ));
    }
    std::fs::write(out.join("modules.rs"), consts).expect("write modules.rs");
}

/// A nested `cargo build --profile wasm --target wasm32-unknown-unknown` in
/// `target_dir`, without the outer build's flags and wrappers (packages to add).
fn wasm_build(root: &std::path::Path, target_dir: &std::path::Path) -> Command {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args([
            "build",
            "--profile",
            "wasm",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .env("CARGO_TARGET_DIR", target_dir);
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_PROFILE_RELEASE_DEBUG",
        "CARGO_LLVM_COV",
        "LLVM_PROFILE_FILE",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Builds the audio module with [`AUDIO_LINK`] and fails if its memory is not exactly
/// [`AUDIO_MEMORY`], initial and maximum.
fn build_audio(root: &std::path::Path, target_dir: &std::path::Path) {
    let mut cmd = wasm_build(root, target_dir);
    cmd.args(["-p", AUDIO.0])
        .env("CARGO_ENCODED_RUSTFLAGS", AUDIO_LINK.join("\x1f"));
    let status = cmd.status().expect("run cargo to build the audio module");
    assert!(
        status.success(),
        "building the audio module failed (see above)"
    );
    let file = target_dir
        .join("wasm32-unknown-unknown")
        .join("wasm")
        .join(format!("{}.wasm", AUDIO.1));
    let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let limits = memory_limits(&bytes);
    assert_eq!(
        limits,
        Some((AUDIO_MEMORY / 65536, Some(AUDIO_MEMORY / 65536))),
        "the audio module must declare exactly {AUDIO_MEMORY} bytes of memory (pages: initial, maximum)"
    );
}

/// The (initial, maximum) pages of a module's one memory, from its memory section.
fn memory_limits(wasm: &[u8]) -> Option<(u32, Option<u32>)> {
    fn leb(b: &[u8], i: &mut usize) -> Option<u32> {
        let (mut value, mut shift) = (0u32, 0);
        loop {
            let byte = *b.get(*i)?;
            *i += 1;
            value |= u32::from(byte & 0x7f).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                return Some(value);
            }
            shift += 7;
        }
    }
    let mut i = 8;
    while i < wasm.len() {
        let id = *wasm.get(i)?;
        i += 1;
        let size = leb(wasm, &mut i)? as usize;
        if id == 5 {
            let mut j = i;
            let _count = leb(wasm, &mut j)?;
            let flags = *wasm.get(j)?;
            j += 1;
            let min = leb(wasm, &mut j)?;
            let max = if flags & 1 == 1 {
                Some(leb(wasm, &mut j)?)
            } else {
                None
            };
            return Some((min, max));
        }
        i += size;
    }
    None
}
