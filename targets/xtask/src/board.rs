//! `cargo xtask board`: the firmware of the real board class, built as a device team
//! builds it (`cargo build --release` in `targets/mcu-nucleo-h7a3`: the folder's
//! `.cargo/config.toml` gives the target, the profile and `DEFMT_LOG`). It cannot run
//! here (no probe, no board): the build is the check; `cargo xtask size` reports its
//! flash and RAM beside the other firmware.

use std::process::Command;

use crate::{root, run};

/// The real board's folder.
pub const FOLDER: &str = "targets/mcu-nucleo-h7a3";

/// Builds the NUCLEO-H7A3ZI-Q firmware (release, thumbv7em-none-eabihf).
pub fn build() -> Result<(), String> {
    run(
        "targets/mcu-nucleo-h7a3 (NUCLEO-H7A3ZI-Q, hardware only: built, not run)",
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(root().join(FOLDER))
            .args(["build", "--release", "--quiet"]),
    )
}
