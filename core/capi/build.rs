//! Generates the Rust view of `include/wasp.h` (which includes `wasp_port.h`) and
//! `include/wasp_raster.h` with
//! bindgen, so every export and every port callback is written against the header:
//! a drift between header and Rust fails the build. Also writes `wasp.pc`.

use std::env;
use std::fs;
use std::path::PathBuf;

use bindgen::callbacks::{IntKind, ParseCallbacks};

/// Status macros are `int32_t` (`wasp_status`); every other macro is `uint32_t`.
#[derive(Debug)]
struct MacroTypes;

impl ParseCallbacks for MacroTypes {
    fn int_macro(&self, name: &str, _value: i64) -> Option<IntKind> {
        if name == "WASP_OK" || name.starts_with("WASP_ERR_") {
            Some(IntKind::I32)
        } else {
            Some(IntKind::U32)
        }
    }
}

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let include = manifest.join("include");
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());
    println!("cargo:rerun-if-changed=include/wasp.h");
    println!("cargo:rerun-if-changed=include/wasp_port.h");
    println!("cargo:rerun-if-changed=include/wasp_raster.h");

    // Bare-metal targets (thumbv7em-none-eabihf): bindgen passes the target triple
    // (`--target`) from cargo's `TARGET`, so sizes are the target's; the headers need
    // only the freestanding `stdint.h`/`stddef.h`, taken from the cross compiler the
    // firmware is built with (libclang alone does not find its own here).
    let freestanding = env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none");
    let mut clang_args = Vec::new();
    if freestanding {
        clang_args.push(String::from("-ffreestanding"));
        clang_args.extend(cross_include().map(|dir| format!("-isystem{dir}")));
    }
    let bindings = bindgen::Builder::default()
        .clang_args(clang_args)
        .use_core()
        .header(include.join("wasp.h").display().to_string())
        .header(include.join("wasp_raster.h").display().to_string())
        .allowlist_function("wasp_.*")
        .allowlist_type("wasp_.*")
        .allowlist_var("WASP_.*")
        .derive_default(true)
        .derive_debug(true)
        .parse_callbacks(Box::new(MacroTypes))
        .generate();
    let bindings = match bindings {
        Ok(b) => b,
        Err(e) => panic!("bindgen failed on include/wasp.h: {e}"),
    };
    if let Err(e) = bindings.write_to_file(out.join("wasp_sys.rs")) {
        panic!("writing wasp_sys.rs: {e}");
    }

    // pkg-config file. `OUT_DIR` is `<target>/<profile>/build/<pkg>-<hash>/out`; the
    // libraries land in `<target>/<profile>`, where the file is copied too.
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let libdir = out
        .ancestors()
        .nth(3)
        .map(PathBuf::from)
        .unwrap_or_default();
    let pc = format!(
        "prefix={prefix}\nlibdir={libdir}\nincludedir={inc}\n\n\
         Name: wasp\nDescription: wasp runtime for player modules (C API)\n\
         Version: {version}\nLibs: -L${{libdir}} -lwasp\n\
         Libs.private: -lpthread -ldl -lm\nCflags: -I${{includedir}}\n",
        prefix = libdir.display(),
        libdir = libdir.display(),
        inc = include.display(),
    );
    let _ = fs::write(out.join("wasp.pc"), &pc);
    if libdir.is_dir() {
        let _ = fs::write(libdir.join("wasp.pc"), &pc);
    }
}

/// The freestanding include folder of the C cross compiler (`$WASP_CROSS_CC`, default
/// `arm-none-eabi-gcc`): `stddef.h`, `stdint.h`.
fn cross_include() -> Option<String> {
    println!("cargo:rerun-if-env-changed=WASP_CROSS_CC");
    let cc = env::var("WASP_CROSS_CC").unwrap_or_else(|_| String::from("arm-none-eabi-gcc"));
    let out = std::process::Command::new(&cc)
        .arg("-print-file-name=include")
        .output()
        .ok()?;
    let dir = String::from_utf8(out.stdout).ok()?.trim().to_string();
    if !out.status.success() || !PathBuf::from(&dir).join("stddef.h").is_file() {
        println!("cargo:warning={cc} gave no include folder with stddef.h");
        return None;
    }
    Some(dir)
}
