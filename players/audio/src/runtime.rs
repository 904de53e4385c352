//! The module's global allocator and panic handler (wasm32 only).
//!
//! The module's linear memory is two pages, initial and maximum: the 8 KiB stack,
//! then the data (font atlases, tables), then the heap up to the end of memory,
//! about 45 KiB. The allocator is a first-fit free list over exactly that space
//! (`linked_list_allocator`); an allocation that does not fit fails (the callers use
//! `try_reserve` where the input decides a size) rather than grow memory, which the
//! runtime would refuse anyway. The panic handler logs the panic and traps, as the
//! SDK's does; the runtime reports the trap and restarts the module.
#![allow(unsafe_code)] // the allocator and the linker symbol: the module's runtime edge

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::{self, NonNull};

use linked_list_allocator::Heap;

extern "C" {
    /// The first byte after the data, placed by the linker.
    static __heap_base: u8;
}

/// Bytes of a wasm page.
const PAGE: usize = 65_536;

/// The heap and its largest use.
struct Allocator {
    heap: UnsafeCell<Option<Heap>>,
    peak: UnsafeCell<usize>,
}

// SAFETY: wasp modules are single-threaded (the SDK refuses the `atomics` feature), so
// the cells are never touched from two threads.
unsafe impl Sync for Allocator {}

#[global_allocator]
static ALLOCATOR: Allocator = Allocator {
    heap: UnsafeCell::new(None),
    peak: UnsafeCell::new(0),
};

impl Allocator {
    /// Runs `f` on the heap, set up on first use over `[__heap_base, end of memory)`.
    ///
    /// # Safety
    /// Not re-entrant: `f` must not allocate (single thread, so nothing else can).
    unsafe fn with_heap<R>(&self, f: impl FnOnce(&mut Heap) -> R) -> R {
        // SAFETY: one thread, and the caller does not re-enter: this is the only
        // reference to the heap while it lives.
        let slot = unsafe { &mut *self.heap.get() };
        let heap = slot.get_or_insert_with(|| {
            let base = ptr::addr_of!(__heap_base) as usize;
            let end = core::arch::wasm32::memory_size(0) * PAGE;
            let mut heap = Heap::empty();
            // SAFETY: `[base, end)` is linear memory nothing else uses: the linker
            // put the stack and the data below `__heap_base`, and memory never grows.
            unsafe { heap.init(base as *mut u8, end.saturating_sub(base)) };
            heap
        });
        f(heap)
    }
}

unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the closure does not allocate.
        unsafe {
            self.with_heap(|heap| {
                let block = heap
                    .allocate_first_fit(layout)
                    .map_or(ptr::null_mut(), NonNull::as_ptr);
                let used = heap.used();
                let peak = &mut *self.peak.get();
                *peak = (*peak).max(used);
                block
            })
        }
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        if let Some(block) = NonNull::new(block) {
            // SAFETY: `block` came from `alloc` with this `layout` (GlobalAlloc's
            // contract); the closure does not allocate.
            unsafe { self.with_heap(|heap| heap.deallocate(block, layout)) };
        }
    }
}

/// The heap's size and the most of it ever in use, bytes.
pub fn heap_use() -> (usize, usize) {
    // SAFETY: the closure does not allocate; `peak` is only written by `alloc`.
    unsafe { ALLOCATOR.with_heap(|heap| (heap.size(), *ALLOCATOR.peak.get())) }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    match info.location() {
        Some(at) => wasp_guest::error!("panic: {}:{}: {}", at.file(), at.line(), info.message()),
        None => wasp_guest::error!("panic: {}", info.message()),
    }
    core::arch::wasm32::unreachable()
}
