#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Builds the C programs in `tests/c/` against `include/` and the static library
//! cargo built for this test run, and runs them.
//!
//! Where the library is: `cargo test -p wasp-capi` builds the package's library with
//! all its crate types, so `libwasp.a` sits in the profile directory, two levels
//! above this test executable (`target/<profile>/deps/<test>`). The programs are
//! compiled with `-std=c11 -Wall -Wextra -Werror -pedantic` and, when the compiler
//! can link them, `-fsanitize=address,undefined` (any report fails the run).

use std::path::{Path, PathBuf};
use std::process::Command;

fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

/// Builds the library's staticlib (cargo test builds only the rlib): the same
/// target directory and profile as this test, so it is up to date and incremental.
fn build_library() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let target = profile_dir().parent().unwrap().to_path_buf();
            let mut build = Command::new(cargo);
            build
                .args(["build", "-p", "wasp-capi", "--lib", "--target-dir"])
                .arg(&target);
            if profile_dir().file_name().is_some_and(|p| p == "release") {
                build.arg("--release");
            }
            let status = build
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .status()
                .unwrap();
            assert!(status.success(), "cargo build -p wasp-capi failed");
            profile_dir().join("libwasp.a")
        })
        .clone()
}

fn work_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wasp-capi");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn compile(source: &str, out: &Path, sanitize: bool) -> std::process::Output {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = build_library();
    assert!(lib.is_file(), "{} missing", lib.display());
    let mut cc = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()));
    cc.args([
        "-std=c11",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
        "-g",
        "-O1",
    ])
    .arg("-I")
    .arg(manifest.join("include"))
    .arg(manifest.join("tests/c").join(source))
    .arg("-o")
    .arg(out);
    if sanitize {
        cc.args(["-fsanitize=address,undefined", "-fno-sanitize-recover=all"]);
    }
    cc.arg(&lib).args(["-lpthread", "-ldl", "-lm"]);
    cc.output().unwrap()
}

/// Compiles (with sanitizers when they link) and runs `source` on the hello module.
fn run(source: &str) -> String {
    let dir = work_dir();
    let module = dir.join("hello.wasm");
    std::fs::write(&module, wasp_modules::HELLO).unwrap();
    let exe = dir.join(source.trim_end_matches(".c"));
    let mut sanitized = true;
    let mut built = compile(source, &exe, true);
    if !built.status.success() && !String::from_utf8_lossy(&built.stderr).contains("error:") {
        // Sanitizer runtimes missing (link failure without a compile error).
        sanitized = false;
        built = compile(source, &exe, false);
    }
    assert!(
        built.status.success(),
        "compiling {source}:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let ran = Command::new(&exe)
        .arg(&module)
        .env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&ran.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&ran.stderr);
    assert!(
        ran.status.success(),
        "{source} (sanitized: {sanitized}) failed:\n{stdout}\n{stderr}"
    );
    assert!(!stderr.contains("Sanitizer"), "{stderr}");
    stdout
}

#[test]
fn hello_module_runs_through_a_c_port() {
    let out = run("hello.c");
    // The port saw the module's log lines and the state sequence, in order.
    assert!(
        out.contains("log[2] hello: fetched 24 bytes: wasp over C"),
        "{out}"
    );
    let states: Vec<&str> = out.lines().filter(|l| l.starts_with("state ")).collect();
    assert_eq!(
        states,
        [
            "state 0 reason 0",
            "state 1 reason 1",
            "state 2 reason 1",
            "state 3 reason 1",
            "state 4 reason 1",
            "state 3 reason 1",
            "state 0 reason 1",
        ]
    );
    assert!(out.contains("states 7, logs"), "{out}");
    assert!(out.contains("failures 0"), "{out}");
}

#[test]
fn hostile_calls_return_errors() {
    let out = run("hostile.c");
    assert!(out.contains("hostile: failures 0"), "{out}");
}

#[test]
fn a_complete_stub_port_compiles_and_runs() {
    let out = run("stub_port.c");
    assert!(out.contains("state 7 reason 5"), "{out}");
    assert!(out.contains("failures 0"), "{out}");
}

#[test]
fn the_reference_rasteriser_draws_exact_pixels_and_refuses_hostile_calls() {
    let out = run("raster.c");
    assert!(out.contains("raster: failures 0"), "{out}");
}

#[test]
fn pkg_config_file_names_the_library_and_headers() {
    let pc = std::fs::read_to_string(profile_dir().join("wasp.pc")).unwrap();
    assert!(pc.contains("Libs: -L${libdir} -lwasp\n"), "{pc}");
    assert!(
        pc.contains(&format!(
            "includedir={}/include\n",
            env!("CARGO_MANIFEST_DIR")
        )),
        "{pc}"
    );
    assert!(pc.contains("Version: 0.1.0\n"), "{pc}");
}
