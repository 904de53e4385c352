//! `cargo xtask mcu`: the microcontroller firmware of each QEMU board folder booted
//! under `qemu-system-arm` by the folder's own `run-qemu.sh` (two runs with identical
//! decoded defmt logs equal to its `expected.log`, then a HardFault that must be
//! logged and fail the run), and the hardware-only `rtt` build compiled.

use std::path::PathBuf;
use std::process::Command;

use crate::{cargo, root, run};

#[path = "mcu_c.rs"]
mod mcu_c;

/// The board folders that boot under QEMU.
const BOARDS: &[&str] = &["targets/mcu-mps2-an386", "targets/mcu-mps2-an500"];
/// The defmt decoder the boards' runners pipe QEMU's output through.
const DEFMT_PRINT: &str = "1.2.0";

/// Where `defmt-print` is installed when the machine lacks it (kept with the build).
fn tools() -> PathBuf {
    root().join("target/tools")
}

/// `PATH` with the project's tools first.
pub(crate) fn path() -> std::ffi::OsString {
    let mut paths = vec![tools().join("bin")];
    if let Some(p) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(paths).unwrap_or_default()
}

pub(crate) fn has(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .env("PATH", path())
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Boots every board under QEMU and checks its log.
pub fn mcu() -> Result<(), String> {
    if !has("qemu-system-arm") {
        return Err(
            "qemu-system-arm not found (apt-get install qemu-system-arm; .ci/run installs it)"
                .into(),
        );
    }
    if !has("defmt-print") {
        run(
            "install defmt-print",
            cargo()
                .args([
                    "install",
                    "--locked",
                    "--quiet",
                    "--version",
                    DEFMT_PRINT,
                    "--root",
                ])
                .arg(tools())
                .arg("defmt-print"),
        )?;
    }
    for board in BOARDS {
        let dir = root().join(board);
        run(
            &format!("{board} under QEMU"),
            Command::new("bash")
                .arg(dir.join("run-qemu.sh"))
                .current_dir(&dir)
                .env("PATH", path()),
        )?;
    }
    mcu_c::run_c_firmware()?;
    let first = root().join(BOARDS.first().copied().unwrap_or_default());
    run(
        "mcu firmware with RTT logging (hardware only: built, not run)",
        cargo().current_dir(first).args([
            "build",
            "--release",
            "--quiet",
            "--no-default-features",
            "--features",
            "rtt",
        ]),
    )
}
