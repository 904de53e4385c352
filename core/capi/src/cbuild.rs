//! For tests that compile C programs against libwasp (this crate's, the Linux
//! port's, the firmware's): where `libwasp.a` is (built on demand for the running
//! test's profile), the strict flags every program is held to, and the sanitizer
//! settings. Nothing here is exported to C; a firmware link (LTO) drops it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::string::String;
use std::sync::OnceLock;

/// The C dialect and warnings every program is held to, with debug info.
pub const STRICT: [&str; 7] = [
    "-std=c11",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-pedantic",
    "-g",
    "-O1",
];

/// ASan and UBSan, every report fatal.
pub const SANITIZE: [&str; 2] = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"];

/// What the static library needs after it on a link line.
pub const LIBS: [&str; 3] = ["-lpthread", "-ldl", "-lm"];

/// The profile directory of the running test executable
/// (`target/<profile>/deps/<test>` -> `target/<profile>`).
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    exe.ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The headers (`wasp.h`, `wasp_port.h`, `wasp_raster.h`).
pub fn include_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("include")
}

/// `libwasp.a`, built with `cargo build -p wasp-capi --lib` in the running test's
/// target directory and profile (`cargo test` builds only the rlib; the nested
/// build is incremental). Built once per process.
///
/// # Errors
/// The build failed.
pub fn libwasp() -> Result<PathBuf, String> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let profile = profile_dir();
            let target = profile.parent().map(Path::to_path_buf).unwrap_or_default();
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut build = Command::new(cargo);
            build
                .args(["build", "-p", "wasp-capi", "--lib", "--target-dir"])
                .arg(&target);
            if profile.file_name().is_some_and(|p| p == "release") {
                build.arg("--release");
            }
            let status = build
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .status()
                .map_err(|e| format!("cargo: {e}"))?;
            if !status.success() {
                return Err(format!("cargo build -p wasp-capi: {status}"));
            }
            Ok(profile.join("libwasp.a"))
        })
        .clone()
}

/// Runs `cc` as `make` sets it up, with ASan and UBSan first and, when only their
/// runtimes fail to link (no `error:` from the compiler), again without them.
/// Returns whether the program is sanitized.
///
/// # Errors
/// The compiler's messages.
pub fn compile_checked(make: impl Fn(bool) -> Command) -> Result<bool, String> {
    let run = |sanitize: bool| -> Result<(), String> {
        let done = make(sanitize).output().map_err(|e| format!("cc: {e}"))?;
        if done.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&done.stderr).into_owned())
        }
    };
    match run(true) {
        Ok(()) => Ok(true),
        Err(e) if !e.contains("error:") => run(false).map(|()| false),
        Err(e) => Err(e),
    }
}

/// A `cc` command with [`STRICT`] flags, libwasp's headers and, when `sanitize`,
/// [`SANITIZE`].
pub fn cc(sanitize: bool) -> Command {
    let mut cc = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()));
    cc.args(STRICT).arg("-I").arg(include_dir());
    if sanitize {
        cc.args(SANITIZE);
    }
    cc
}

/// Environment for running a sanitized program: leaks and UB are failures.
pub fn sanitizer_env(cmd: &mut Command) -> &mut Command {
    cmd.env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
}
