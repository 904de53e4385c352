//! `cargo xtask <command>`: the project's single entry point for builds that need
//! flags (see `cargo xtask help`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

mod board;
mod cross;
mod mcu;
mod package;
mod size;
mod sysroot;
mod tv_image;

const HELP: &str = "\
cargo xtask <command>

  demo      build the player modules and run the demo: the `hello` module on the
            deterministic test device, with scripted keys and a fetch
  test      every check CI runs: fmt, clippy, all tests (the modules are built to
            wasm by the test build), the C API on aarch64 and armv7 under qemu
            (`cross`), no_std builds for microcontrollers, the
            firmware size report, docs, benchmarks compiled (not run), every
            fuzz target for 10 s
  modules   write the player modules to target/modules/*.wasm and print their sizes
  size      build every Cortex-M firmware (targets/mcu-*) and the bare wasmi
            reference (hardware-tests/mcu/bare-wasmi) and print each one's flash,
            RAM and flash by crate, and what each adds over bare wasmi; then
            runs targets/mcu-minimal under QEMU: the heap each step of loading
            the audio module takes, heap and stack high-water through wasp
  cross     libwasp for aarch64 and armv7 Linux (release), the C programs of
            core/capi/tests/c cross-compiled against it and run under qemu-user,
            their output compared with x86_64's; prints the libraries' sizes per
            target (needs Debian's cross compilers and qemu-user-static, which
            .ci/run installs: see hardware-tests/qemu/README.md); then the
            TV-stick packages, installed and played (`package`)
  package --arch x86_64|aarch64|armv7
            the flashable TV-stick tarball: release firmware, the libraries it
            needs besides glibc, the TV module, configuration, init script,
            systemd unit, install.sh; target/package/*.tar.gz and .sha256
  mcu       the Cortex-M firmware of each QEMU board (targets/mcu-mps2-*) booted
            under qemu-system-arm twice with -icount: decoded defmt logs identical
            and equal to the board's expected.log, a HardFault logged and failing
            the run; the RTT build compiled (installs defmt-print when missing)
  board     the firmware of the real board class, NUCLEO-H7A3ZI-Q
            (targets/mcu-nucleo-h7a3), built in release (it runs on the board only,
            through probe-rs: see its README)
  fuzz [s]  run every fuzz target for s seconds (default 60; `test` runs each for 10);
            installs the nightly toolchain and cargo-fuzz when missing
  bench     run the criterion benchmarks (not part of `test`: figures go to docs/perf.md)
  tv-image  the TV stick's bootable image for qemu-system-aarch64 in target/tv-image:
            Debian's current arm64 kernel, busybox, the package of
            `package --arch aarch64` installed by its install.sh (docs/tv-system.md)
  tv-system the image booted under qemu-system-aarch64 and checked through the
            QEMU monitor and the serial console (hardware-tests/tv-system)
  engine-sizes
            build the `wasp-engine-bench` module (profile wasm) with no engine
            component, each one alone, and all; print sizes and deltas over none
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(rest),
        Some("test") => test(),
        Some("modules") => modules(),
        Some("size") => size::size(),
        Some("cross") => cross::cross(),
        Some("mcu") => mcu::mcu(),
        Some("board") => board::build(),
        Some("package") => package::package(rest),
        Some("tv-image") => tv_image::tv_image(),
        Some("tv-system") => tv_image::tv_system(rest),
        Some("fuzz") => fuzz(rest.first().and_then(|s| s.parse().ok()).unwrap_or(60)),
        Some("bench") => run(
            "benchmarks",
            cargo().args(["bench", "-p", "wasp-core"]).args(rest),
        ),
        Some("engine-sizes") => engine_sizes(),
        Some("help" | "--help" | "-h") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

/// Runs one step, printing its name and duration.
fn run(step: &str, cmd: &mut Command) -> Result<(), String> {
    let start = Instant::now();
    println!("==> {step}");
    let status = cmd
        .status()
        .map_err(|e| format!("{step}: cannot start: {e}"))?;
    let secs = start.elapsed().as_secs_f64();
    if status.success() {
        println!("==> {step}: ok ({secs:.1} s)");
        Ok(())
    } else {
        Err(format!("{step} failed ({status}) after {secs:.1} s"))
    }
}

/// The main job: the emulator plays the bundled sample through the TV module,
/// headless (`--window`: in a window, real time). Installs the system libraries the
/// emulator needs first (`targets/emulator/setup.sh`: libavcodec, libclang,
/// pkg-config; with `--window` also the X11 run-time libraries).
fn demo(extra: &[String]) -> Result<(), String> {
    let window = extra.iter().any(|a| a == "--window");
    let mut setup = Command::new("bash");
    setup.arg(root().join("targets/emulator/setup.sh"));
    if window {
        setup.arg("--window");
    }
    run("install the emulator's system libraries", &mut setup)?;
    let mut emu = cargo();
    emu.args(["run", "--quiet", "--release", "-p", "wasp-emu", "--"]);
    if window {
        emu.args(["play", "--window"])
            .arg(root().join("targets/emulator/samples/hls-ts/master.m3u8"));
    } else {
        emu.args(["run", "--script"])
            .arg(root().join("targets/emulator/scenarios/demo.toml"))
            .arg("--out")
            .arg(root().join("target/emu/demo"));
    }
    emu.args(extra.iter().filter(|a| *a != "--window"));
    run("demo", &mut emu)
}

fn test() -> Result<(), String> {
    let start = Instant::now();
    run("format", cargo().args(["fmt", "--all", "--", "--check"]))?;
    run(
        "clippy",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    run("tests", cargo().args(["test", "--workspace"]))?;
    cross::cross()?;
    // The TV-stick package booted on an emulated aarch64 board (issue 10's harness).
    tv_image::tv_system(&[])?;
    mcu::mcu()?;
    for target in ["thumbv7em-none-eabihf", "riscv32imac-unknown-none-elf"] {
        run(
            &format!("no_std build for {target}"),
            cargo().args([
                "build",
                "-p",
                "wasp-abi",
                "-p",
                "wasp-core",
                "-p",
                "wasp-raster",
                "-p",
                "wasp-engine",
                "-p",
                "wasp-font",
                "-p",
                "wasp-shim-mcu",
                "--target",
                target,
            ]),
        )?;
    }
    board::build()?;
    size::size()?;
    run(
        "docs",
        cargo().env("RUSTDOCFLAGS", "-D warnings").args([
            "doc",
            "--no-deps",
            "-p",
            "wasp-abi",
            "-p",
            "wasp-core",
            "-p",
            "wasp-raster",
            "-p",
            "wasp-engine",
            "-p",
            "wasp-font",
            "-p",
            "wasp-tv",
            "-p",
            "wasp-sim",
            "-p",
            "wasp-shim-mcu",
            "-p",
            "wasp-audio",
        ]),
    )?;
    run(
        "benchmarks compile",
        cargo().args([
            "bench",
            "--no-run",
            "-p",
            "wasp-core",
            "-p",
            "wasp-engine",
            "-p",
            "wasp-raster",
        ]),
    )?;
    fuzz(10)?;
    println!(
        "==> all checks passed in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The modules `targets/modules` builds (its build script is the one place that knows
/// how), copied to `target/modules`.
fn modules() -> Result<(), String> {
    run(
        "player modules",
        cargo().args(["build", "-p", "wasp-modules"]),
    )?;
    // The audio module is built on its own (two pages of memory, its own link
    // arguments): targets/modules/build.rs.
    let built = |tree: &str| root().join(format!("target/{tree}/wasm32-unknown-unknown/wasm"));
    let dir = root().join("target/modules");
    std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    for (tree, name) in [
        ("wasm-modules", "probe"),
        ("wasm-modules", "hello"),
        ("wasm-modules", "engine_bench"),
        ("wasm-modules", "tv"),
        ("wasm-modules-audio", "audio"),
    ] {
        let from = built(tree).join(format!("wasp_{name}.wasm"));
        let bytes = std::fs::read(&from).map_err(|e| format!("read {}: {e}", from.display()))?;
        let path = dir.join(format!("wasp-{}.wasm", name.replace('_', "-")));
        std::fs::write(&path, &bytes).map_err(|e| format!("write {}: {e}", path.display()))?;
        println!(
            "{:>8} bytes ({:>6.1} KiB)  {}",
            bytes.len(),
            bytes.len() as f64 / 1024.0,
            path.display()
        );
    }
    Ok(())
}

/// Fuzz targets: (crate folder, target).
const FUZZ_TARGETS: &[(&str, &str)] = &[
    ("core/abi", "abi_decode"),
    ("core/raster", "draw"),
    ("core/runtime", "host_calls"),
    ("core/runtime", "load_module"),
    ("players/engine", "m3u8"),
    ("players/engine", "mpd"),
    ("players/engine", "ts"),
    ("players/engine", "mp4"),
    ("players/engine", "webvtt"),
    ("players/font", "font_text"),
    ("players/font", "font_atlas"),
    ("players/audio", "icy_stream"),
];

/// Runs every fuzz target for `seconds` each (cargo fuzz needs nightly: the fuzz
/// crates are their own workspaces, outside the stable one).
fn fuzz(seconds: u32) -> Result<(), String> {
    let has = |args: &[&str]| {
        Command::new("rustup")
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has(&["run", "nightly", "rustc", "--version"]) {
        run(
            "install nightly (for cargo fuzz)",
            Command::new("rustup").args([
                "toolchain",
                "install",
                "nightly",
                "--profile",
                "minimal",
            ]),
        )?;
    }
    if !has(&["run", "nightly", "cargo", "fuzz", "--version"]) {
        run(
            "install cargo-fuzz",
            cargo().args(["install", "cargo-fuzz", "--locked"]),
        )?;
    }
    for (dir, target) in FUZZ_TARGETS {
        let corpus = root().join("target/fuzz-corpus").join(target);
        std::fs::create_dir_all(&corpus)
            .map_err(|e| format!("create {}: {e}", corpus.display()))?;
        run(
            &format!("fuzz {target} ({seconds} s)"),
            Command::new("cargo")
                .current_dir(root().join(dir))
                .env_remove("RUSTUP_TOOLCHAIN")
                .env("CARGO_TARGET_DIR", root().join("target/fuzz"))
                .args(["+nightly", "fuzz", "run", target])
                .arg(&corpus)
                // A fixed seed: CI replays one mutation sequence, so a red build is
                // reproducible; longer runs (`cargo xtask fuzz 600`) explore further.
                .args([
                    "--",
                    &format!("-max_total_time={seconds}"),
                    "-seed=1",
                    "-rss_limit_mb=2048",
                ]),
        )?;
    }
    Ok(())
}

/// A tool of rustup's `llvm-tools` component (the toolchain's own LLVM binutils, which
/// read every target's objects).
fn llvm_tool(name: &str) -> PathBuf {
    let sysroot = Command::new("rustc")
        .current_dir(root())
        .args(["--print", "sysroot"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    Path::new(&sysroot)
        .join("lib/rustlib/x86_64-unknown-linux-gnu/bin")
        .join(name)
}

/// The wasm size each engine component adds: `wasp-engine-bench` built with
/// `--no-default-features` and one feature at a time (plus none and all), in its own
/// target directory so the module builds of `test` are not invalidated.
fn engine_sizes() -> Result<(), String> {
    let configs: &[(&str, &[&str])] = &[
        ("none", &[]),
        ("ts", &["ts"]),
        ("mp4", &["mp4"]),
        ("hls", &["hls"]),
        ("dash", &["dash"]),
        ("vtt", &["vtt"]),
        ("all", &["ts", "mp4", "hls", "dash", "vtt"]),
    ];
    let wasm =
        root().join("target/engine-sizes/wasm32-unknown-unknown/wasm/wasp_engine_bench.wasm");
    let mut sizes = Vec::new();
    for (name, features) in configs {
        run(
            &format!("wasp-engine-bench [{name}]"),
            cargo().args([
                "build",
                "-p",
                "wasp-engine-bench",
                "--target",
                "wasm32-unknown-unknown",
                "--profile",
                "wasm",
                "--target-dir",
                "target/engine-sizes",
                "--no-default-features",
                "--features",
                &features.join(","),
            ]),
        )?;
        let len = std::fs::metadata(&wasm)
            .map_err(|e| format!("{}: {e}", wasm.display()))?
            .len();
        sizes.push((*name, len));
    }
    let none = sizes.first().map_or(0, |&(_, len)| len);
    println!(
        "{:<6} {:>9} {:>9} {:>10}",
        "engine", "bytes", "KiB", "+ over none"
    );
    for (name, len) in sizes {
        let delta = len as i64 - none as i64;
        println!(
            "{name:<6} {len:>9} {:>9.1} {delta:>+10} ({:+.1} KiB)",
            len as f64 / 1024.0,
            delta as f64 / 1024.0
        );
    }
    Ok(())
}
