//! Runtime handles: registry, magic, reentrancy and the panic guard.
//!
//! A handle is the address of a boxed [`Handle`]. Every live address is kept in a
//! registry, so a NULL, never-created or already-destroyed handle is answered with
//! `WASP_ERR_BAD_HANDLE` before anything is dereferenced. The registry also marks a
//! handle busy during a call, so a port callback re-entering its own runtime is
//! refused (`WASP_ERR_INVALID_STATE`) instead of aliasing it.
//!
//! Limit: the allocator may give a destroyed handle's address to a later runtime; an
//! old copy of the pointer then names the new runtime. C cannot tell the two apart.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::string::String;
use std::sync::{Mutex, MutexGuard};

use wasp_core::Runtime;

use crate::port::CPort;
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

/// Live handles of one kind: address -> busy. A handle is checked here before it
/// is dereferenced, and marked busy for the duration of a call.
pub(crate) struct Registry(Mutex<BTreeMap<usize, bool>>);

impl Registry {
    /// No handles.
    pub(crate) const fn new() -> Self {
        Self(Mutex::new(BTreeMap::new()))
    }

    fn map(&self) -> MutexGuard<'_, BTreeMap<usize, bool>> {
        // Nothing panics while holding the lock; a poisoned map is still consistent.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a new handle's address (not busy).
    pub(crate) fn insert(&self, address: usize) {
        self.map().insert(address, false);
    }

    /// Marks a live handle busy; the status when it cannot be used.
    pub(crate) fn acquire(&self, address: usize) -> Result<(), sys::wasp_status> {
        if address == 0 {
            return Err(sys::WASP_ERR_INVALID_ARGUMENT);
        }
        match self.map().get_mut(&address) {
            None => Err(sys::WASP_ERR_BAD_HANDLE),
            Some(busy) if *busy => Err(sys::WASP_ERR_INVALID_STATE),
            Some(busy) => {
                *busy = true;
                Ok(())
            }
        }
    }

    /// Marks a handle no longer busy.
    pub(crate) fn release(&self, address: usize) {
        if let Some(busy) = self.map().get_mut(&address) {
            *busy = false;
        }
    }

    /// Unregisters a live handle that is not busy; after `Ok` no call reaches it.
    pub(crate) fn remove(&self, address: usize) -> Result<(), sys::wasp_status> {
        if address == 0 {
            return Err(sys::WASP_ERR_INVALID_ARGUMENT);
        }
        let mut map = self.map();
        match map.get(&address) {
            None => Err(sys::WASP_ERR_BAD_HANDLE),
            Some(true) => Err(sys::WASP_ERR_INVALID_STATE),
            Some(false) => {
                map.remove(&address);
                Ok(())
            }
        }
    }
}

/// Live runtimes.
static LIVE: Registry = Registry::new();

/// Boxes a runtime and registers it.
pub(crate) fn register(runtime: Runtime<CPort>) -> *mut sys::wasp_runtime {
    let handle = Box::new(Handle {
        magic: MAGIC,
        poisoned: false,
        runtime,
        last_error: String::new(),
    });
    let ptr = Box::into_raw(handle);
    LIVE.insert(ptr as usize);
    ptr.cast()
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
        match catch_unwind(AssertUnwindSafe(|| f(handle))) {
            Ok(Ok(())) => sys::WASP_OK,
            Ok(Err(fail)) => {
                handle.last_error = fail.text;
                fail.code
            }
            Err(_) => {
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
    match catch_unwind(AssertUnwindSafe(move || drop(handle))) {
        Ok(()) => sys::WASP_OK,
        Err(_) => sys::WASP_ERR_INTERNAL,
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
        register(Runtime::new(CPort::new(vt), Limits::small(), Vec::new()))
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
