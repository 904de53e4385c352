#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
#![allow(unsafe_code)] // calls the C API
//! Struct versioning from Rust: a port or config from a newer header (fields
//! appended) is accepted and its extra fields ignored; an older, shorter one is
//! refused; every refusal leaves `*out` untouched; limit overrides apply.

use std::ffi::c_void;

use wasp::sys;

unsafe extern "C" fn now(_: *mut c_void) -> i64 {
    0
}
unsafe extern "C" fn log(_: *mut c_void, _: u32, _: *const std::ffi::c_char, _: usize) {}

/// A port as a newer header would lay it out: ours plus two appended callbacks.
#[repr(C)]
struct NewerPort {
    v1: sys::wasp_port,
    appended: [usize; 2],
}

fn port() -> sys::wasp_port {
    sys::wasp_port {
        struct_size: std::mem::size_of::<sys::wasp_port>() as u32,
        version: sys::WASP_PORT_VERSION_MAJOR,
        now_us: Some(now),
        log: Some(log),
        ..Default::default()
    }
}

#[test]
fn a_newer_port_is_accepted_an_older_one_refused() {
    let mut newer = NewerPort {
        v1: port(),
        appended: [usize::MAX, 1],
    };
    newer.v1.struct_size = std::mem::size_of::<NewerPort>() as u32;
    let mut rt = std::ptr::null_mut();
    unsafe {
        assert_eq!(
            wasp::wasp_runtime_new(&newer.v1, std::ptr::null(), &mut rt),
            sys::WASP_OK
        );
        assert!(!rt.is_null());
        assert_eq!(wasp::wasp_runtime_destroy(rt), sys::WASP_OK);
        assert_eq!(wasp::wasp_runtime_destroy(rt), sys::WASP_ERR_BAD_HANDLE);
    }
    let sentinel = 0x10 as *mut sys::wasp_runtime;
    for size in [0u32, 4, 8, std::mem::size_of::<sys::wasp_port>() as u32 - 8] {
        let mut p = port();
        p.struct_size = size;
        let mut out = sentinel;
        let status = unsafe { wasp::wasp_runtime_new(&p, std::ptr::null(), &mut out) };
        assert_eq!((size, status), (size, sys::WASP_ERR_VERSION));
        assert_eq!(out, sentinel, "outputs are written only on success");
    }
}

#[test]
fn config_overrides_apply() {
    let p = port();
    let mut rt = std::ptr::null_mut();
    let config = sys::wasp_config {
        struct_size: std::mem::size_of::<sys::wasp_config>() as u32,
        limits_preset: sys::WASP_LIMITS_SMALL,
        max_module_bytes: 1024,
        ..Default::default()
    };
    unsafe {
        assert_eq!(wasp::wasp_runtime_new(&p, &config, &mut rt), sys::WASP_OK);
        // The hello module is larger than the 1 KiB cap set above.
        let hello = wasp_modules::HELLO;
        assert!(hello.len() > 1024);
        assert_eq!(
            wasp::wasp_runtime_load(rt, hello.as_ptr(), hello.len()),
            sys::WASP_ERR_LOAD
        );
        let mut text = [0 as std::ffi::c_char; 256];
        let mut len = 0usize;
        assert_eq!(
            wasp::wasp_runtime_last_error(rt, text.as_mut_ptr(), text.len(), &mut len),
            0
        );
        let msg = std::ffi::CStr::from_ptr(text.as_ptr()).to_str().unwrap();
        assert_eq!(msg.len(), len);
        assert!(msg.contains("1024"), "{msg}");
        assert_eq!(wasp::wasp_runtime_destroy(rt), sys::WASP_OK);
    }
}

#[test]
fn a_v1_0_config_without_the_appended_fields_is_accepted() {
    let p = port();
    let v1_0 = std::mem::offset_of!(sys::wasp_config, init_fuel) as u32;
    for (size, expected) in [(v1_0, sys::WASP_OK), (v1_0 - 8, sys::WASP_ERR_VERSION)] {
        let config = sys::wasp_config {
            struct_size: size,
            limits_preset: sys::WASP_LIMITS_SMALL,
            ..Default::default()
        };
        let mut rt = std::ptr::null_mut();
        unsafe {
            assert_eq!(
                wasp::wasp_runtime_new(&p, &config, &mut rt),
                expected,
                "{size}"
            );
            if expected == sys::WASP_OK {
                assert_eq!(wasp::wasp_runtime_destroy(rt), sys::WASP_OK);
            }
        }
    }
}
