//! Puts the board's `memory.x` on the linker's search path and, for bare-metal builds,
//! links with cortex-m-rt's `link.x` and defmt's `defmt.x` (host builds are a stub and
//! link normally). The other mps2 board crates use this script with their own
//! `memory.x`.

use std::path::PathBuf;

fn main() {
    let (Some(out), Some(dir)) = (
        std::env::var_os("OUT_DIR").map(PathBuf::from),
        std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from),
    ) else {
        return;
    };
    if let Err(error) = std::fs::copy(dir.join("memory.x"), out.join("memory.x")) {
        println!("cargo:warning=memory.x not copied: {error}");
    }
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none") {
        println!("cargo:rustc-link-arg-bins=-Tlink.x");
        println!("cargo:rustc-link-arg-bins=-Tdefmt.x");
    }
}
