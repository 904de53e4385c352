//! `wasp_platform_init` and `wasp_platform_heap`: what a freestanding build (without
//! `std`) gets from the firmware — its heap arena and its panic hook — and the heap
//! figures it reports back. With `std` the library uses the system allocator and
//! unwinds: both calls answer `WASP_ERR_UNSUPPORTED`.
//!
//! Without `std` (`docs/mcu-c.md`):
//! * the global allocator is a first-fit heap (`linked_list_allocator`) over the
//!   firmware's arena, counting bytes in use and their peak; before
//!   `wasp_platform_init` it has no memory, and the calls that would allocate first
//!   answer `WASP_ERR_NOT_INITIALIZED` ([`ready`]);
//! * the heap is guarded by a busy flag, not by masking interrupts: the library is
//!   called from one context (the main loop), and an allocation that finds the flag
//!   set (an interrupt calling in) fails instead of corrupting the heap;
//! * a panic calls the firmware's hook with the panic's static message (no
//!   `core::fmt`: formatting `PanicInfo` costs ~110 KB of flash, FINDINGS.md), then
//!   executes `udf`.
//!
//! # Safety (both functions)
//! Pointers are NULL or valid as `wasp.h` states for the call.

use crate::api::read_versioned;
use crate::sys;

/// Bytes of a v1.1 `wasp_platform`.
const PLATFORM_V1_SIZE: usize = core::mem::size_of::<sys::wasp_platform>();

/// Smallest arena accepted: the allocator's bookkeeping alone needs a few words.
const MIN_ARENA: usize = 64;

/// Whether the calls that allocate may run: always with `std`; without it, once
/// `wasp_platform_init` has given the library its heap.
pub(crate) fn ready() -> Result<(), sys::wasp_status> {
    #[cfg(not(feature = "std"))]
    if !bare::HEAP.ready() {
        return Err(sys::WASP_ERR_NOT_INITIALIZED);
    }
    Ok(())
}

/// Checks a caller's platform struct (NULL, size, arena) without using it.
///
/// # Safety
/// `platform` is NULL or readable as `wasp.h` states.
unsafe fn checked(
    platform: *const sys::wasp_platform,
) -> Result<sys::wasp_platform, sys::wasp_status> {
    if platform.is_null() {
        return Err(sys::WASP_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: non-NULL; readable per the contract.
    let p = unsafe { read_versioned(platform, PLATFORM_V1_SIZE) }?;
    if p.heap.is_null() || (p.heap_len as usize) < MIN_ARENA {
        return Err(sys::WASP_ERR_INVALID_ARGUMENT);
    }
    Ok(p)
}

/// Gives the library its heap and panic hook. See `wasp.h`.
///
/// # Safety
/// See the module documentation; the arena is the library's from then on.
#[no_mangle]
pub unsafe extern "C" fn wasp_platform_init(
    platform: *const sys::wasp_platform,
) -> sys::wasp_status {
    // SAFETY: forwarded with the caller's guarantees.
    let p = match unsafe { checked(platform) } {
        Ok(p) => p,
        Err(code) => return code,
    };
    #[cfg(feature = "std")]
    {
        let _ = p;
        sys::WASP_ERR_UNSUPPORTED
    }
    #[cfg(not(feature = "std"))]
    {
        // SAFETY: `checked` made the arena non-NULL; the contract gives the library
        // `heap_len` bytes at `heap` for good.
        unsafe { bare::init(&p) }
    }
}

/// The heap figures. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_platform_heap(out: *mut sys::wasp_heap_stats) -> sys::wasp_status {
    if out.is_null() {
        return sys::WASP_ERR_INVALID_ARGUMENT;
    }
    #[cfg(feature = "std")]
    {
        sys::WASP_ERR_UNSUPPORTED
    }
    #[cfg(not(feature = "std"))]
    {
        if !bare::HEAP.ready() {
            return sys::WASP_ERR_NOT_INITIALIZED;
        }
        // SAFETY: non-NULL and writable per the contract.
        unsafe { out.write(bare::HEAP.stats()) };
        sys::WASP_OK
    }
}

/// The freestanding build's heap and panic handler.
#[cfg(not(feature = "std"))]
mod bare {
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::UnsafeCell;
    use core::ptr::NonNull;
    use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, Ordering};

    use linked_list_allocator::Heap;

    use crate::sys;

    /// The global allocator: a first-fit heap over the firmware's arena.
    pub(super) struct Arena {
        heap: UnsafeCell<Heap>,
        /// Set while one call is inside `heap`.
        busy: AtomicBool,
        /// Set once by `init`.
        ready: AtomicBool,
        arena: AtomicU32,
        in_use: AtomicU32,
        high_water: AtomicU32,
        failed: AtomicU32,
    }

    // SAFETY: `heap` is only touched by the one caller that set `busy` (an atomic
    // swap), so no two contexts use it at once.
    unsafe impl Sync for Arena {}

    impl Arena {
        /// Whether `init` gave the heap its arena.
        pub(super) fn ready(&self) -> bool {
            self.ready.load(Ordering::Acquire)
        }

        /// Runs `f` on the heap if no other context is inside it.
        fn locked<R>(&self, f: impl FnOnce(&mut Heap) -> R) -> Option<R> {
            if self.busy.swap(true, Ordering::Acquire) {
                return None;
            }
            // SAFETY: `busy` was clear and is now ours: no other reference exists.
            let r = f(unsafe { &mut *self.heap.get() });
            self.busy.store(false, Ordering::Release);
            Some(r)
        }

        /// The figures for `wasp_platform_heap`.
        pub(super) fn stats(&self) -> sys::wasp_heap_stats {
            sys::wasp_heap_stats {
                arena_bytes: self.arena.load(Ordering::Relaxed),
                in_use: self.in_use.load(Ordering::Relaxed),
                high_water: self.high_water.load(Ordering::Relaxed),
                failed: self.failed.load(Ordering::Relaxed),
            }
        }
    }

    // SAFETY: allocations come from `Heap`, which hands out disjoint blocks of the
    // requested layout from the arena and takes them back by the same layout.
    unsafe impl GlobalAlloc for Arena {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let block = self.locked(|h| h.allocate_first_fit(layout).ok()).flatten();
            match block {
                Some(ptr) => {
                    let size = layout.size() as u32;
                    let used = self.in_use.fetch_add(size, Ordering::Relaxed) + size;
                    self.high_water.fetch_max(used, Ordering::Relaxed);
                    ptr.as_ptr()
                }
                None => {
                    self.failed.fetch_add(1, Ordering::Relaxed);
                    core::ptr::null_mut()
                }
            }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            let Some(ptr) = NonNull::new(ptr) else { return };
            // SAFETY: `ptr` came from `alloc` with this layout (GlobalAlloc's contract).
            let freed = self.locked(|h| unsafe { h.deallocate(ptr, layout) });
            if freed.is_some() {
                self.in_use
                    .fetch_sub(layout.size() as u32, Ordering::Relaxed);
            }
        }
    }

    #[global_allocator]
    pub(super) static HEAP: Arena = Arena {
        heap: UnsafeCell::new(Heap::empty()),
        busy: AtomicBool::new(false),
        ready: AtomicBool::new(false),
        arena: AtomicU32::new(0),
        in_use: AtomicU32::new(0),
        high_water: AtomicU32::new(0),
        failed: AtomicU32::new(0),
    };

    /// The firmware's panic hook and its user pointer (NULL until `init`).
    static PANIC: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());
    static PANIC_USER: AtomicPtr<core::ffi::c_void> = AtomicPtr::new(core::ptr::null_mut());

    /// Takes the arena and the hook.
    ///
    /// # Safety
    /// `p.heap` is non-NULL and the library's for `p.heap_len` bytes from now on.
    pub(super) unsafe fn init(p: &sys::wasp_platform) -> sys::wasp_status {
        let done = HEAP.locked(|h| {
            if HEAP.ready() {
                return sys::WASP_ERR_INVALID_STATE;
            }
            // SAFETY: per the caller, the arena is valid, unused and ours for good.
            unsafe { h.init(p.heap.cast(), p.heap_len as usize) };
            sys::WASP_OK
        });
        match done {
            Some(sys::WASP_OK) => {
                if let Some(hook) = p.panic {
                    PANIC_USER.store(p.user, Ordering::Relaxed);
                    PANIC.store(hook as *mut (), Ordering::Release);
                }
                HEAP.arena.store(p.heap_len, Ordering::Relaxed);
                HEAP.ready.store(true, Ordering::Release);
                sys::WASP_OK
            }
            Some(code) => code,
            None => sys::WASP_ERR_INVALID_STATE,
        }
    }

    #[panic_handler]
    fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
        // The message only when it is a plain string: formatting would pull in
        // `core::fmt` and the Debug code of everything panicking.
        let message = info
            .message()
            .as_str()
            .unwrap_or("wasp: panic (formatted message not kept)");
        let hook = PANIC.load(Ordering::Acquire);
        if !hook.is_null() {
            // SAFETY: `hook` was stored from a `wasp_panic_fn` in `init`.
            let hook: unsafe extern "C" fn(
                *mut core::ffi::c_void,
                *const core::ffi::c_char,
                usize,
            ) = unsafe { core::mem::transmute(hook) };
            // SAFETY: the firmware's own callback with its own user pointer; the
            // message is static for the call.
            unsafe {
                hook(
                    PANIC_USER.load(Ordering::Relaxed),
                    message.as_ptr().cast(),
                    message.len(),
                )
            };
        }
        loop {
            // SAFETY: a permanently undefined instruction: the CPU takes its fault.
            #[cfg(target_arch = "arm")]
            unsafe {
                core::arch::asm!("udf #0")
            };
            core::hint::spin_loop();
        }
    }
}
