//! Compiles the C port (`c/*.c`) into `libwasp_shim_linux.a` with `cc`, against
//! `include/` and libwasp's headers, with libavcodec and libavutil found by
//! pkg-config. Warnings are errors (`-std=c11 -Wall -Wextra -Werror -pedantic`).
//! Runs bindgen on `include/wasp_linux.h`: the Rust side (`src/device.rs`) is
//! written against the header, so a drift fails the build.

use std::env;
use std::path::PathBuf;
use std::process::Command;

const SOURCES: [&str; 12] = [
    "device", "media", "clock", "v4l2", "md5", "display", "drm", "input", "audio", "fetch", "http",
    "kv",
];

/// `pkg-config ARGS PACKAGES`, split into words; `None` when it fails.
fn pkg_config(args: &[&str], packages: &[&str]) -> Option<Vec<String>> {
    let out = Command::new(env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".into()))
        .args(args)
        .args(packages)
        .output()
        .ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .map(str::to_string)
            .collect()
    })
}

const AV: [&str; 2] = ["libavcodec", "libavutil"];

/// libavcodec's and libavutil's flags; the build cannot go on without them.
fn av(args: &[&str]) -> Vec<String> {
    match pkg_config(args, &AV) {
        Some(flags) => flags,
        None => {
            panic!("pkg-config libavcodec libavutil failed: install libavcodec-dev libavutil-dev")
        }
    }
}

/// `OUT_DIR/wasp_linux_sys.rs`: the header's types and functions; `wasp_port`
/// is libwasp's (`wasp::sys`), not generated again.
fn bind(manifest: &std::path::Path, capi: &std::path::Path) {
    let bindings = bindgen::Builder::default()
        .header(manifest.join("include/wasp_linux.h").display().to_string())
        .clang_arg(format!("-I{}", capi.display()))
        .allowlist_function("wasp_linux_.*")
        .allowlist_type("wasp_linux.*")
        .allowlist_var("WASP_LINUX_.*")
        // Only the header's own items; the port's types are libwasp's.
        .allowlist_recursively(false)
        .raw_line("use wasp::sys::{wasp_port, wasp_status};")
        .derive_default(true)
        .generate();
    let bindings = match bindings {
        Ok(b) => b,
        Err(e) => panic!("bindgen failed on include/wasp_linux.h: {e}"),
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(e) = bindings.write_to_file(out.join("wasp_linux_sys.rs")) {
        panic!("writing wasp_linux_sys.rs: {e}");
    }
}

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let capi = manifest.join("../../core/capi/include");
    let mut build = cc::Build::new();
    build
        .std("c11")
        .warnings(true)
        .extra_warnings(true)
        .warnings_into_errors(true)
        .flag("-pedantic")
        .include(manifest.join("include"))
        .include(&capi);
    for flag in av(&["--cflags"]) {
        build.flag(&flag);
    }
    // DRM/KMS needs only the kernel's uapi headers, which libdrm's package
    // installs (no library is linked); without them drm.c compiles to a stub.
    if let Some(flags) = pkg_config(&["--cflags"], &["libdrm"]) {
        for flag in flags {
            build.flag(&flag);
        }
        build.define("WASP_LINUX_HAVE_DRM", None);
    }
    // ALSA output when alsa-lib is installed (libasound2-dev); compiled out
    // otherwise.
    let alsa = pkg_config(&["--cflags"], &["alsa"]).zip(pkg_config(&["--libs"], &["alsa"]));
    if let Some((cflags, _)) = &alsa {
        for flag in cflags {
            build.flag(flag);
        }
        build.define("WASP_LINUX_HAVE_ALSA", None);
    }
    println!(
        "cargo:rustc-env=WASP_SHIM_LINUX_ALSA={}",
        u8::from(alsa.is_some())
    );
    for source in SOURCES {
        let path = manifest.join("c").join(format!("{source}.c"));
        println!("cargo:rerun-if-changed={}", path.display());
        build.file(path);
    }
    println!("cargo:rerun-if-changed=c/internal.h");
    println!("cargo:rerun-if-changed=c/fetch.h");
    println!("cargo:rerun-if-changed=c/v4l2.h");
    println!("cargo:rerun-if-changed=c/media.h");
    println!("cargo:rerun-if-changed=include/wasp_linux.h");
    build.compile("wasp_shim_linux");
    bind(&manifest, &capi);
    let mut libs = av(&["--libs"]);
    if let Some((_, alsa_libs)) = alsa {
        libs.extend(alsa_libs);
    }
    // What a C program linking the archive adds (lib.rs: `link_args`).
    println!(
        "cargo:rustc-env=WASP_SHIM_LINUX_LIBS={} -lpthread -lm",
        libs.join(" ")
    );
    for flag in libs {
        if let Some(lib) = flag.strip_prefix("-l") {
            println!("cargo:rustc-link-lib={lib}");
        } else if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={dir}");
        }
    }
    println!("cargo:rustc-link-lib=pthread");
    println!("cargo:rustc-link-lib=m");
}
