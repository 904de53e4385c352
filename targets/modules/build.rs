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

fn main() {
    let manifest =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest
        .join("../..")
        .canonicalize()
        .expect("workspace root");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let target_dir = root.join("target").join("wasm-modules");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());

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

    let mut cmd = Command::new(cargo);
    cmd.current_dir(&root)
        .args([
            "build",
            "--profile",
            "wasm",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .env("CARGO_TARGET_DIR", &target_dir);
    for (package, _) in MODULES {
        cmd.args(["-p", package]);
    }
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
    let status = cmd.status().expect("run cargo to build the player modules");
    assert!(
        status.success(),
        "building the player modules for wasm32-unknown-unknown failed (see above)"
    );

    let built = target_dir.join("wasm32-unknown-unknown").join("wasm");
    let mut consts = String::new();
    for (package, stem) in MODULES {
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
