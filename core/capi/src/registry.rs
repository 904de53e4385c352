//! Live handles of one kind, and the panic guard every export runs in.
//!
//! A handle is checked here before it is dereferenced, and marked busy for the
//! duration of a call, so a port callback re-entering its own runtime is refused
//! (`WASP_ERR_INVALID_STATE`) instead of aliasing it.
//!
//! * With `std`: a map of addresses behind a `Mutex`, without a bound.
//! * Without `std` (microcontrollers): a fixed table of [`MAX_HANDLES`] slots of
//!   atomics (`Slots`), no lock and no allocation; a table that is full answers
//!   `WASP_ERR_TOO_MANY_HANDLES`. Its bytes are listed in `docs/mcu-c.md`.

use crate::sys;

/// Handles of one kind that may live at once in a build without `std`.
pub const MAX_HANDLES: usize = 4;

#[cfg(feature = "std")]
pub(crate) use mapped::Registry;

/// Live handles of one kind (without `std`): a fixed table.
#[cfg(not(feature = "std"))]
pub(crate) type Registry = Slots<MAX_HANDLES>;

/// Runs `f`; `None` when it panicked. With `std` the panic unwinds to here; without
/// it a panic aborts in the panic handler (`platform`), so `f` always returns.
pub(crate) fn contain<R>(f: impl FnOnce() -> R) -> Option<R> {
    #[cfg(feature = "std")]
    {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
    }
    #[cfg(not(feature = "std"))]
    {
        Some(f())
    }
}

#[cfg(feature = "std")]
mod mapped {
    use std::collections::BTreeMap;
    use std::sync::{Mutex, MutexGuard};

    use crate::sys;

    /// Live handles of one kind: address -> busy.
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

        /// Registers a new handle's address (not busy). Never full.
        pub(crate) fn insert(&self, address: usize) -> Result<(), sys::wasp_status> {
            self.map().insert(address, false);
            Ok(())
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
}

use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// A fixed table of `N` handles: each slot an address (0: free) and a busy flag.
/// Every change is one atomic compare-and-swap, so a call from an interrupt that
/// races the main loop is refused, never torn (the API still asks for one context:
/// `docs/mcu-c.md`).
#[cfg_attr(feature = "std", allow(dead_code))] // the std build uses the map
pub(crate) struct Slots<const N: usize> {
    address: [AtomicUsize; N],
    busy: [AtomicBool; N],
}

#[cfg_attr(feature = "std", allow(dead_code))]
impl<const N: usize> Slots<N> {
    /// No handles.
    pub(crate) const fn new() -> Self {
        Self {
            address: [const { AtomicUsize::new(0) }; N],
            busy: [const { AtomicBool::new(false) }; N],
        }
    }

    /// The slot holding `address`.
    fn find(&self, address: usize) -> Option<(&AtomicUsize, &AtomicBool)> {
        self.address
            .iter()
            .zip(&self.busy)
            .find(|(a, _)| a.load(Ordering::Acquire) == address)
    }

    /// Registers a new handle's address (not busy); `WASP_ERR_TOO_MANY_HANDLES`
    /// when every slot is taken.
    pub(crate) fn insert(&self, address: usize) -> Result<(), sys::wasp_status> {
        if address == 0 {
            return Err(sys::WASP_ERR_INVALID_ARGUMENT);
        }
        let taken = self.address.iter().any(|slot| {
            slot.compare_exchange(0, address, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        });
        if taken {
            Ok(())
        } else {
            Err(sys::WASP_ERR_TOO_MANY_HANDLES)
        }
    }

    /// Marks a live handle busy; the status when it cannot be used.
    pub(crate) fn acquire(&self, address: usize) -> Result<(), sys::wasp_status> {
        if address == 0 {
            return Err(sys::WASP_ERR_INVALID_ARGUMENT);
        }
        let (slot, busy) = self.find(address).ok_or(sys::WASP_ERR_BAD_HANDLE)?;
        if busy
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return Err(sys::WASP_ERR_INVALID_STATE);
        }
        // Removed between the lookup and the flag: not this handle any more.
        if slot.load(Ordering::Acquire) != address {
            busy.store(false, Ordering::Release);
            return Err(sys::WASP_ERR_BAD_HANDLE);
        }
        Ok(())
    }

    /// Marks a handle no longer busy.
    pub(crate) fn release(&self, address: usize) {
        if let Some((_, busy)) = self.find(address) {
            busy.store(false, Ordering::Release);
        }
    }

    /// Unregisters a live handle that is not busy; after `Ok` no call reaches it.
    pub(crate) fn remove(&self, address: usize) -> Result<(), sys::wasp_status> {
        self.acquire(address)?;
        if let Some((slot, busy)) = self.find(address) {
            slot.store(0, Ordering::Release);
            busy.store(false, Ordering::Release);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_table_refuses_a_new_handle_and_frees_a_slot_on_remove() {
        let slots = Slots::<2>::new();
        assert_eq!(slots.insert(0x1000), Ok(()));
        assert_eq!(slots.insert(0x2000), Ok(()));
        assert_eq!(slots.insert(0x3000), Err(sys::WASP_ERR_TOO_MANY_HANDLES));
        assert_eq!(slots.remove(0x1000), Ok(()));
        assert_eq!(slots.insert(0x3000), Ok(()));
        assert_eq!(slots.acquire(0x3000), Ok(()));
    }

    #[test]
    fn forged_stale_and_null_handles_are_refused() {
        let slots = Slots::<4>::new();
        assert_eq!(slots.insert(0x1000), Ok(()));
        assert_eq!(slots.acquire(0x1008), Err(sys::WASP_ERR_BAD_HANDLE));
        assert_eq!(slots.acquire(0), Err(sys::WASP_ERR_INVALID_ARGUMENT));
        assert_eq!(slots.insert(0), Err(sys::WASP_ERR_INVALID_ARGUMENT));
        assert_eq!(slots.remove(0x1000), Ok(()));
        assert_eq!(slots.acquire(0x1000), Err(sys::WASP_ERR_BAD_HANDLE));
        assert_eq!(slots.remove(0x1000), Err(sys::WASP_ERR_BAD_HANDLE));
    }

    #[test]
    fn a_busy_handle_is_refused_until_released_and_cannot_be_removed() {
        let slots = Slots::<4>::new();
        assert_eq!(slots.insert(0x1000), Ok(()));
        assert_eq!(slots.acquire(0x1000), Ok(()));
        assert_eq!(slots.acquire(0x1000), Err(sys::WASP_ERR_INVALID_STATE));
        assert_eq!(slots.remove(0x1000), Err(sys::WASP_ERR_INVALID_STATE));
        slots.release(0x1000);
        assert_eq!(slots.acquire(0x1000), Ok(()));
        slots.release(0x1000);
        assert_eq!(slots.remove(0x1000), Ok(()));
    }
}
