//! # wasp-shim-linux: the wasp port for embedded Linux, in C
//!
//! The port is C11 (`c/`, public header `include/wasp_linux.h`), so a device team
//! builds it with its own toolchain (see the README's Makefile recipe). This crate
//! compiles the same sources with `cc` so that cargo builds and tests them, and
//! tells C programs built by tests where the archive and the headers are.

use std::path::{Path, PathBuf};

mod device;
pub use device::{Device, Settings};

/// `libwasp_shim_linux.a`, compiled by this crate's build script.
pub fn static_lib() -> PathBuf {
    Path::new(env!("OUT_DIR")).join("libwasp_shim_linux.a")
}

/// The folder of `wasp_linux.h`.
pub fn include_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("include")
}

/// Whether the port was built with ALSA output (alsa-lib found by pkg-config).
pub fn has_alsa() -> bool {
    env!("WASP_SHIM_LINUX_ALSA") == "1"
}

/// The linker arguments the archive needs after it (libavcodec, libavutil,
/// pthread, libm).
pub fn link_args() -> Vec<String> {
    env!("WASP_SHIM_LINUX_LIBS")
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// Building C programs against libwasp and this port, for the tests of this
/// crate and of the firmware (`targets/tv-stick`); libwasp's part is
/// [`wasp::cbuild`].
pub mod cbuild {
    use std::path::{Path, PathBuf};

    pub use wasp::cbuild::{libwasp, profile_dir, sanitizer_env};

    /// Compiles `sources` into the executable `out` with libwasp's strict flags,
    /// this port's and libwasp's headers, linked with this port, libwasp and
    /// libavcodec; with ASan and UBSan when their runtimes link. Returns whether
    /// the program is sanitized.
    ///
    /// # Errors
    /// libwasp could not be built, or the compiler's messages.
    pub fn compile_checked(sources: &[PathBuf], out: &Path) -> Result<bool, String> {
        compile_checked_with(sources, &[], out)
    }

    /// [`compile_checked`] with more include folders (`-I`), searched first.
    ///
    /// # Errors
    /// libwasp could not be built, or the compiler's messages.
    pub fn compile_checked_with(
        sources: &[PathBuf],
        includes: &[PathBuf],
        out: &Path,
    ) -> Result<bool, String> {
        let lib = libwasp()?;
        wasp::cbuild::compile_checked(|sanitize| {
            let mut cc = wasp::cbuild::cc(sanitize);
            for include in includes {
                cc.arg("-I").arg(include);
            }
            // libwasp's C test helpers (`common.h`) for the port's own tests.
            cc.arg("-I")
                .arg(super::include_dir())
                .arg("-I")
                .arg(wasp::cbuild::include_dir().join("../tests/c"))
                .args(sources)
                .arg("-o")
                .arg(out)
                .arg(super::static_lib())
                .arg(&lib)
                .args(super::link_args())
                .args(wasp::cbuild::LIBS);
            cc
        })
    }
}
