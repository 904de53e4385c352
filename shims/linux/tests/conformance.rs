//! The port conformance suite (in C, `hardware-tests/conformance/c`) against the
//! Linux port, both compiled with `cc` under ASan and UBSan into one program
//! (`tests/c/conformance.c`) with file-backed devices and the virtual clock. Every
//! check is named in the output
//! (`cargo test -p wasp-shim-linux --test conformance -- --nocapture`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::path::Path;
use std::process::Command;

use wasp_conformance::{check_names, Outcome, Report};
use wasp_shim_linux::cbuild;

#[test]
fn the_linux_port_passes_the_conformance_suite() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasp-shim-linux/conformance");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let suite = wasp_conformance::c_dir();
    let exe = dir.join("conformance");
    let sanitized = cbuild::compile_checked_with(
        &[
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/conformance.c"),
            suite.join("wasp_conformance.c"),
        ],
        &[suite],
        &exe,
    )
    .unwrap_or_else(|e| panic!("compiling the suite:\n{e}"));
    let work = dir.join("work");
    std::fs::create_dir_all(&work).unwrap();
    let mut cmd = Command::new(&exe);
    cmd.arg(&work);
    let ran = cbuild::sanitizer_env(&mut cmd).output().unwrap();
    let stdout = String::from_utf8_lossy(&ran.stdout);
    let stderr = String::from_utf8_lossy(&ran.stderr);
    println!("{stdout}(sanitized: {sanitized})");
    assert!(ran.status.success(), "{stdout}\n{stderr}");
    let report = Report::parse(stdout.lines());
    let names: Vec<String> = report.results.iter().map(|r| r.name.clone()).collect();
    assert_eq!(names, check_names().collect::<Vec<_>>(), "{report}");
    // The port offers no crypto: that check alone is skipped; a crash is simulated.
    for r in &report.results {
        match &r.outcome {
            Outcome::Pass => {}
            Outcome::NotApplicable(_) => assert!(r.name.contains("decrypt"), "{report}"),
            Outcome::Fail(_) => panic!("{report}"),
        }
    }
}
