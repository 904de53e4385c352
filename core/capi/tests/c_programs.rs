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

use wasp::cbuild;

fn work_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wasp-capi");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Compiles (with sanitizers when they link) and runs `source` on the hello module.
fn run(source: &str) -> String {
    let dir = work_dir();
    let module = dir.join("hello.wasm");
    std::fs::write(&module, wasp_modules::HELLO).unwrap();
    let exe = dir.join(source.trim_end_matches(".c"));
    let lib = cbuild::libwasp().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/c")
        .join(source);
    let sanitized = cbuild::compile_checked(|sanitize| {
        let mut cc = cbuild::cc(sanitize);
        cc.arg(&src)
            .arg("-o")
            .arg(&exe)
            .arg(&lib)
            .args(cbuild::LIBS);
        cc
    })
    .unwrap_or_else(|e| panic!("compiling {source}:\n{e}"));
    let mut program = Command::new(&exe);
    program.arg(&module);
    let ran = cbuild::sanitizer_env(&mut program).output().unwrap();
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
    cbuild::libwasp().unwrap();
    let pc = std::fs::read_to_string(cbuild::profile_dir().join("wasp.pc")).unwrap();
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
