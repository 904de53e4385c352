//! What the `wasp-emu` binary's tests share: running a scenario script and the
//! screenshot tolerance.
#![allow(dead_code)] // each test file uses part of it
#![allow(clippy::unwrap_used)] // test code

use std::path::{Path, PathBuf};
use std::process::Command;

/// The crate's folder (scenarios, samples, goldens).
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Mean absolute difference per channel below which a screenshot matches: decoded
/// video is bit-exact here, but the bound leaves room for a libavcodec build whose
/// SIMD paths round differently, while a wrong picture (another frame, black, a
/// misplaced video) differs by tens.
pub const SCREENSHOT_TOLERANCE: f64 = 2.0;

/// A finished `wasp-emu run`.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Its standard output (the summary).
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
    /// The output folder.
    pub out: PathBuf,
}

/// Runs `scenarios/<scenario>.toml` with outputs in `<tmp>/<out_name>` and `extra`
/// arguments.
pub fn wasp_emu(scenario: &str, out_name: &str, extra: &[&str]) -> Run {
    wasp_emu_script(
        Path::new(&format!("{ROOT}/scenarios/{scenario}.toml")),
        out_name,
        extra,
    )
}

/// Runs the script at `script` with outputs in `<tmp>/<out_name>` and `extra`
/// arguments.
pub fn wasp_emu_script(script: &Path, out_name: &str, extra: &[&str]) -> Run {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(out_name);
    let _ = std::fs::remove_dir_all(&out);
    let output = Command::new(env!("CARGO_BIN_EXE_wasp-emu"))
        .args(["run", "--script"])
        .arg(script)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        out,
    }
}

/// The displayed pictures' hashes in a framemd5 log, in order.
pub fn hashes(framemd5: &str) -> Vec<String> {
    framemd5
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.rsplit(", ").next().unwrap().to_string())
        .collect()
}
