//! The C API libraries' sizes per target, as built and stripped, and what the archive
//! costs a program linked as firmware.

use std::path::Path;
use std::process::Command;

use super::{compile, output, Program, Target};
use crate::llvm_tool;

/// Prints the size of `libwasp.a` and `libwasp.so` per target, as built and stripped,
/// and of the `hello` program linked with `-Wl,--gc-sections -s` (what the archive
/// costs a program linked as firmware should be). The archive is stripped of debug
/// information only (`llvm-strip --strip-debug`: a link still needs its symbols), the
/// shared library of everything but its dynamic symbols (`--strip-all`).
pub(super) fn sizes<'a>(targets: impl Iterator<Item = &'a Target>) -> Result<(), String> {
    let strip = llvm_tool("llvm-strip");
    let len = |path: &Path| {
        std::fs::metadata(path)
            .map(|m| m.len())
            .map_err(|e| format!("{}: {e}", path.display()))
    };
    let stripped = |from: &Path, to: &Path, how: &str| -> Result<u64, String> {
        let done = output(
            Command::new(&strip).arg(how).arg(from).arg("-o").arg(to),
            &strip.display().to_string(),
        )?;
        if !done.status.success() {
            return Err(format!(
                "llvm-strip {how} {}: {}",
                from.display(),
                String::from_utf8_lossy(&done.stderr)
            ));
        }
        len(to)
    };
    println!("==> C API library sizes (release; bytes)");
    println!(
        "{:<8} {:>12} {:>12} {:>12} {:>12} {:>12}",
        "target", "libwasp.a", "stripped -g", "libwasp.so", "stripped", "hello gc -s"
    );
    for target in targets {
        let (lib, dir) = (target.lib_dir(), target.work_dir()?);
        let archive = lib.join("libwasp.a");
        let shared = lib.join("libwasp.so");
        let row = [
            len(&archive)?,
            stripped(&archive, &dir.join("libwasp.a"), "--strip-debug")?,
            len(&shared)?,
            stripped(&shared, &dir.join("libwasp.so"), "--strip-all")?,
            linked(target, &dir.join("hello-gc"))?,
        ];
        print!("{:<8}", target.name);
        for bytes in row {
            print!(" {bytes:>12}");
        }
        println!();
    }
    Ok(())
}

/// Links the first program (`hello`) for `target` with unused sections dropped and
/// symbols stripped; its size.
pub(super) fn linked(target: &Target, exe: &Path) -> Result<u64, String> {
    let program = Program::capi_test("hello", &[]);
    let done = output(
        compile(target, &program, exe).args(["-Wl,--gc-sections", "-s"]),
        target.cc,
    )?;
    if !done.status.success() {
        return Err(format!(
            "{} -Wl,--gc-sections -s: {}",
            target.cc,
            String::from_utf8_lossy(&done.stderr)
        ));
    }
    std::fs::metadata(exe)
        .map(|m| m.len())
        .map_err(|e| format!("{}: {e}", exe.display()))
}
