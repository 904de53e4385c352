//! Runtime handles: registry, magic, reentrancy and the panic guard.
//!
//! A handle is the address of a boxed [`Handle`]. Every live address is kept in a
//! registry ([`crate::registry`]), so a NULL, never-created or already-destroyed handle is answered with
//! `WASP_ERR_BAD_HANDLE` before anything is dereferenced. The registry also marks a
//! handle busy during a call, so a port callback re-entering its own runtime is
//! refused (`WASP_ERR_INVALID_STATE`) instead of aliasing it.
//!
//! Limit: the allocator may give a destroyed handle's address to a later runtime; an
//! old copy of the pointer then names the new runtime. C cannot tell the two apart.

use alloc::boxed::Box;
use alloc::string::String;

use wasp_core::Runtime;

use crate::port::CPort;
use crate::registry::{contain, Registry};
use crate::sys;

/// "wasp-rt\0" as a little-endian `u64`, cleared on destroy.
const MAGIC: u64 = u64::from_le_bytes(*b"wasp-rt\0");

/// What a `wasp_runtime*` points to.
pub(crate) struct Handle {
    magic: u64,
    /// A panic escaped the runtime once: it answers `WASP_ERR_INTERNAL` from then on.
    poisoned: bool,
    /// The runtime.
    pub(crate) runtime: Runtime<CPort>,
    /// The text of the last failure.
    pub(crate) last_error: String,
}

/// A failure: its code and the text kept for `wasp_runtime_last_error`.
pub(crate) struct Fail {
    pub(crate) code: sys::wasp_status,
    pub(crate) text: String,
}

impl Fail {
    /// A failure with text.
    pub(crate) fn new(code: sys::wasp_status, text: impl Into<String>) -> Self {
        Self {
            code,
            text: text.into(),
        }
    }
}

/// Live runtimes.
static LIVE: Registry = Registry::new();

/// Boxes a runtime and registers it; `WASP_ERR_TOO_MANY_HANDLES` when the registry
/// is full (a bounded one, without `std`).
pub(crate) fn register(
    runtime: Runtime<CPort>,
) -> Result<*mut sys::wasp_runtime, sys::wasp_status> {
    let handle = Box::new(Handle {
        magic: MAGIC,
        poisoned: false,
        runtime,
        last_error: String::new(),
    });
    let ptr = Box::into_raw(handle);
    if let Err(code) = LIVE.insert(ptr as usize) {
        // SAFETY: `ptr` came from `Box::into_raw` just above and was never shared.
        drop(unsafe { Box::from_raw(ptr) });
        return Err(code);
    }
    Ok(ptr.cast())
}

/// Runs `f` on a live handle inside the panic guard; its failure text is kept.
pub(crate) fn with(
    ptr: *mut sys::wasp_runtime,
    f: impl FnOnce(&mut Handle) -> Result<(), Fail>,
) -> sys::wasp_status {
    if let Err(code) = LIVE.acquire(ptr as usize) {
        return code;
    }
    let raw = ptr.cast::<Handle>();
    // SAFETY: `raw` is in the registry, so it came from `Box::into_raw` in `register`
    // and was not destroyed; marking it busy above makes this the only reference
    // until `release` (a reentrant call is refused by `acquire`).
    let handle = unsafe { &mut *raw };
    let code = if handle.magic != MAGIC {
        sys::WASP_ERR_BAD_HANDLE
    } else if handle.poisoned {
        sys::WASP_ERR_INTERNAL
    } else {
        match contain(|| f(handle)) {
            Some(Ok(())) => sys::WASP_OK,
            Some(Err(fail)) => {
                handle.last_error = fail.text;
                fail.code
            }
            None => {
                handle.poisoned = true;
                handle.last_error = String::from("wasp: internal panic; destroy this runtime");
                sys::WASP_ERR_INTERNAL
            }
        }
    };
    LIVE.release(raw as usize);
    code
}

/// Unregisters and frees a handle (its runtime closes what the module held).
pub(crate) fn destroy(ptr: *mut sys::wasp_runtime) -> sys::wasp_status {
    if let Err(code) = LIVE.remove(ptr as usize) {
        return code;
    }
    // SAFETY: the address was registered (so it is a `Box<Handle>` from `register`)
    // and was just removed, so no other call can reach it again.
    let mut handle = unsafe { Box::from_raw(ptr.cast::<Handle>()) };
    handle.magic = 0;
    // Unloading closes what the module held through the port (fetches, decoders,
    // images: a C port's raster frees its copies), as `wasp.h` promises.
    match contain(move || {
        handle.runtime.unload();
        drop(handle);
    }) {
        Some(()) => sys::WASP_OK,
        None => sys::WASP_ERR_INTERNAL,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
mod tests {
    use super::*;
    use core::ffi::{c_char, c_void};
    use wasp_core::Limits;

    unsafe extern "C" fn now(_: *mut c_void) -> i64 {
        0
    }
    unsafe extern "C" fn log(_: *mut c_void, _: u32, _: *const c_char, _: usize) {}

    fn runtime() -> *mut sys::wasp_runtime {
        let vt = sys::wasp_port {
            struct_size: core::mem::size_of::<sys::wasp_port>() as u32,
            version: sys::WASP_PORT_VERSION_MAJOR,
            now_us: Some(now),
            log: Some(log),
            ..Default::default()
        };
        register(Runtime::new(CPort::new(vt), Limits::small(), Vec::new())).unwrap()
    }

    #[test]
    fn a_panic_is_contained_and_poisons_only_its_runtime() {
        let rt = runtime();
        let other = runtime();
        let code = with(rt, |_| panic!("a bug inside the library"));
        assert_eq!(code, sys::WASP_ERR_INTERNAL);
        // The runtime is in a defined state: it refuses work, and is not left busy.
        assert_eq!(with(rt, |_| Ok(())), sys::WASP_ERR_INTERNAL);
        assert_eq!(with(other, |_| Ok(())), sys::WASP_OK);
        assert_eq!(destroy(rt), sys::WASP_OK);
        assert_eq!(destroy(rt), sys::WASP_ERR_BAD_HANDLE);
        assert_eq!(destroy(other), sys::WASP_OK);
    }

    #[test]
    fn failures_keep_their_text_and_reentry_is_refused() {
        let rt = runtime();
        let code = with(rt, |_| Err(Fail::new(sys::WASP_ERR_LOAD, "too big")));
        assert_eq!(code, sys::WASP_ERR_LOAD);
        let mut inner = 0;
        let code = with(rt, |h| {
            assert_eq!(h.last_error, "too big");
            inner = with(rt, |_| Ok(()));
            Ok(())
        });
        assert_eq!((code, inner), (sys::WASP_OK, sys::WASP_ERR_INVALID_STATE));
        assert_eq!(destroy(rt), sys::WASP_OK);
    }
}
