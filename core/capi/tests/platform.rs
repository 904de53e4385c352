#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
#![allow(unsafe_code)] // calls the C API
//! `wasp_platform_init` / `wasp_platform_heap` in a build with `std`: the library
//! uses the system allocator, so both answer `WASP_ERR_UNSUPPORTED` once their
//! arguments are valid, and runtimes are created without them. (The freestanding
//! build's answers are checked by the C firmware under QEMU, `docs/mcu-c.md`.)

use std::ffi::CStr;

use wasp::sys;

fn platform(arena: &mut [u64]) -> sys::wasp_platform {
    sys::wasp_platform {
        struct_size: std::mem::size_of::<sys::wasp_platform>() as u32,
        heap_len: std::mem::size_of_val(arena) as u32,
        heap: arena.as_mut_ptr().cast(),
        panic: None,
        user: std::ptr::null_mut(),
    }
}

#[test]
fn a_std_build_refuses_an_arena_and_has_no_heap_figures() {
    let mut arena = [0u64; 64];
    let p = platform(&mut arena);
    assert_eq!(
        unsafe { wasp::platform::wasp_platform_init(&p) },
        sys::WASP_ERR_UNSUPPORTED
    );
    let mut stats = sys::wasp_heap_stats::default();
    assert_eq!(
        unsafe { wasp::platform::wasp_platform_heap(&mut stats) },
        sys::WASP_ERR_UNSUPPORTED
    );
}

#[test]
fn bad_platform_structs_are_refused_before_the_build_is_asked() {
    let mut arena = [0u64; 64];
    assert_eq!(
        unsafe { wasp::platform::wasp_platform_init(std::ptr::null()) },
        sys::WASP_ERR_INVALID_ARGUMENT
    );
    let mut p = platform(&mut arena);
    p.struct_size = 4;
    assert_eq!(
        unsafe { wasp::platform::wasp_platform_init(&p) },
        sys::WASP_ERR_VERSION
    );
    let mut p = platform(&mut arena);
    p.heap = std::ptr::null_mut();
    assert_eq!(
        unsafe { wasp::platform::wasp_platform_init(&p) },
        sys::WASP_ERR_INVALID_ARGUMENT
    );
    let mut p = platform(&mut arena);
    p.heap_len = 16;
    assert_eq!(
        unsafe { wasp::platform::wasp_platform_init(&p) },
        sys::WASP_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        unsafe { wasp::platform::wasp_platform_heap(std::ptr::null_mut()) },
        sys::WASP_ERR_INVALID_ARGUMENT
    );
}

#[test]
fn the_not_initialized_status_has_a_name() {
    let name = unsafe { CStr::from_ptr(wasp::wasp_status_name(sys::WASP_ERR_NOT_INITIALIZED)) };
    assert_eq!(name.to_str().unwrap(), "wasp_platform_init was not called");
}
