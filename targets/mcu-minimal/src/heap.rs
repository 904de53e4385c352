//! A global allocator that counts: bytes in use and their peak, over any other
//! allocator.

use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicUsize, Ordering};

/// `A` with a count of the bytes it has handed out and not taken back, and the
/// largest that count has been.
pub struct Counting<A> {
    inner: A,
    used: AtomicUsize,
    peak: AtomicUsize,
}

impl<A> Counting<A> {
    /// Counts what `inner` allocates.
    pub const fn new(inner: A) -> Self {
        Self {
            inner,
            used: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    /// The allocator counted.
    pub fn inner(&self) -> &A {
        &self.inner
    }

    /// Bytes in use now.
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    /// The most bytes in use at any time so far (since [`Counting::reset_peak`]).
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// Starts the peak again from the bytes in use now.
    pub fn reset_peak(&self) {
        self.peak.store(self.used(), Ordering::Relaxed);
    }
}

// SAFETY: forwards every call to `A`, which upholds `GlobalAlloc`'s contract; the
// counters only observe the sizes.
#[allow(unsafe_code)]
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract, passed on unchanged.
        let ptr = unsafe { self.inner.alloc(layout) };
        if !ptr.is_null() {
            let used = self.used.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            self.peak.fetch_max(used, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `dealloc`'s contract, passed on unchanged.
        unsafe { self.inner.dealloc(ptr, layout) };
        self.used.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::Counting;
    use core::alloc::{GlobalAlloc, Layout};
    use std::alloc::System;

    #[test]
    #[allow(unsafe_code)]
    fn keeps_the_peak_after_memory_is_given_back() {
        let heap = Counting::new(System);
        let big = Layout::from_size_align(1000, 8).unwrap();
        let small = Layout::from_size_align(24, 8).unwrap();
        // SAFETY: the layouts are non-zero; each pointer is freed once with its layout.
        unsafe {
            let a = heap.alloc(big);
            let b = heap.alloc(small);
            assert_eq!(heap.used(), 1024);
            heap.dealloc(a, big);
            assert_eq!(heap.used(), 24);
            heap.dealloc(b, small);
        }
        assert_eq!(heap.used(), 0);
        assert_eq!(heap.peak(), 1024);
    }

    #[test]
    #[allow(unsafe_code)]
    fn a_reset_peak_counts_from_what_is_in_use() {
        let heap = Counting::new(System);
        let layout = Layout::from_size_align(64, 8).unwrap();
        // SAFETY: the layout is non-zero; each pointer is freed once with it.
        unsafe {
            let a = heap.alloc(layout);
            let b = heap.alloc(layout);
            heap.dealloc(a, layout);
            heap.reset_peak();
            assert_eq!(heap.peak(), 64);
            heap.dealloc(b, layout);
        }
        assert_eq!(heap.peak(), 64);
    }
}
