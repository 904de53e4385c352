//! Compiles the C suite (`c/wasp_conformance.c`, against `wasp_port.h`) into
//! `libwasp_conformance.a`, linked into this crate so `run` drives it on Rust ports.
//! Warnings are errors (`-std=c11 -Wall -Wextra -Werror -pedantic`).

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let source = manifest.join("c/wasp_conformance.c");
    println!("cargo:rerun-if-changed={}", source.display());
    println!("cargo:rerun-if-changed=c/wasp_conformance.h");
    cc::Build::new()
        .std("c11")
        .warnings(true)
        .extra_warnings(true)
        .warnings_into_errors(true)
        .flag("-pedantic")
        .include(manifest.join("c"))
        .include(manifest.join("../../core/capi/include"))
        .file(source)
        .compile("wasp_conformance");
}
