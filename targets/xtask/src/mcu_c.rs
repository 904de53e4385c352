//! `cargo xtask mcu`'s C firmware step: `targets/mcu-c-firmware/run.sh` builds
//! `libwasp.a` without std for thumbv7em-none-eabihf, compiles the C firmware and the
//! conformance image with `arm-none-eabi-gcc`, boots the firmware twice under
//! `qemu-system-arm` and checks its log (expected.log, the decoder chip's stream md5,
//! the last frame's graphics md5, fault containment), then runs the port conformance
//! suite against the C port (`docs/mcu-c.md`).

use std::process::Command;

use crate::{root, run};

/// Runs the C firmware's checks.
pub fn run_c_firmware() -> Result<(), String> {
    let found = Command::new("arm-none-eabi-gcc")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        return Err(
            "arm-none-eabi-gcc not found (apt-get install gcc-arm-none-eabi \
                    libnewlib-arm-none-eabi; .ci/run installs them)"
                .into(),
        );
    }
    let dir = root().join("targets/mcu-c-firmware");
    run(
        "C firmware linking libwasp.a under QEMU",
        Command::new("bash")
            .arg(dir.join("run.sh"))
            .current_dir(&dir),
    )
}
