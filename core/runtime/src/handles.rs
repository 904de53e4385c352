//! Generational handle tables: how a guest names host objects.
//!
//! A handle packs a slot index, the table's kind and a generation
//! ([`wasp_abi::handle`]). Closing a slot bumps its generation, so a stale handle no
//! longer matches; a forged handle fails the kind, range or generation check. Tables are
//! capped: [`Status::TooManyHandles`] past the cap, never an allocation the guest
//! controls.

use alloc::vec::Vec;
use wasp_abi::handle::{self, Kind};
use wasp_abi::Status;

struct Slot<V> {
    generation: u16,
    value: Option<V>,
}

/// A table of open objects of one kind.
pub struct HandleTable<V> {
    kind: Kind,
    slots: Vec<Slot<V>>,
    free: Vec<u16>,
    open: usize,
    cap: usize,
}

impl<V> HandleTable<V> {
    /// An empty table of `kind` holding at most `cap` open handles (clamped to
    /// [`handle::MAX_SLOTS`]).
    pub fn new(kind: Kind, cap: usize) -> Self {
        Self {
            kind,
            slots: Vec::new(),
            free: Vec::new(),
            open: 0,
            cap: cap.min(handle::MAX_SLOTS),
        }
    }

    /// Stores `value` and returns its handle.
    ///
    /// # Errors
    /// [`Status::TooManyHandles`] at the cap; [`Status::BudgetExceeded`] if the host
    /// cannot allocate the slot.
    pub fn insert(&mut self, value: V) -> Result<u32, Status> {
        if self.open >= self.cap {
            return Err(Status::TooManyHandles);
        }
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                self.slots
                    .try_reserve(1)
                    .map_err(|_| Status::BudgetExceeded)?;
                self.free
                    .try_reserve(self.slots.len() + 1)
                    .map_err(|_| Status::BudgetExceeded)?;
                self.slots.push(Slot {
                    generation: 0,
                    value: None,
                });
                (self.slots.len() - 1) as u16
            }
        };
        let slot = self
            .slots
            .get_mut(usize::from(index))
            .ok_or(Status::Internal)?;
        slot.generation = match slot.generation.wrapping_add(1) {
            0 => 1,
            g => g,
        };
        slot.value = Some(value);
        self.open += 1;
        Ok(handle::pack(self.kind, index, slot.generation))
    }

    fn slot(&self, h: u32) -> Result<&Slot<V>, Status> {
        if handle::kind_bits(h) != self.kind as u8 {
            return Err(Status::BadHandle);
        }
        match self.slots.get(usize::from(handle::index(h))) {
            Some(slot) if slot.generation == handle::generation(h) && slot.value.is_some() => {
                Ok(slot)
            }
            _ => Err(Status::BadHandle),
        }
    }

    /// The object a handle names.
    ///
    /// # Errors
    /// [`Status::BadHandle`] for a forged, stale or foreign handle.
    pub fn get(&self, h: u32) -> Result<&V, Status> {
        self.slot(h)?.value.as_ref().ok_or(Status::BadHandle)
    }

    /// The object a handle names, mutably.
    ///
    /// # Errors
    /// [`Status::BadHandle`] for a forged, stale or foreign handle.
    pub fn get_mut(&mut self, h: u32) -> Result<&mut V, Status> {
        self.slot(h)?;
        self.slots
            .get_mut(usize::from(handle::index(h)))
            .and_then(|s| s.value.as_mut())
            .ok_or(Status::BadHandle)
    }

    /// Two distinct objects at once.
    ///
    /// # Errors
    /// [`Status::BadHandle`] for a bad handle; [`Status::InvalidArgument`] when both
    /// name the same object.
    pub fn get_pair_mut(&mut self, a: u32, b: u32) -> Result<(&mut V, &mut V), Status> {
        self.slot(a)?;
        self.slot(b)?;
        let (ia, ib) = (usize::from(handle::index(a)), usize::from(handle::index(b)));
        if ia == ib {
            return Err(Status::InvalidArgument);
        }
        let (lo, hi) = (ia.min(ib), ia.max(ib));
        let (left, right) = self.slots.split_at_mut(hi);
        let (first, second) = match (left.get_mut(lo), right.first_mut()) {
            (Some(x), Some(y)) => (x.value.as_mut(), y.value.as_mut()),
            _ => return Err(Status::BadHandle),
        };
        match (first, second) {
            (Some(x), Some(y)) if ia < ib => Ok((x, y)),
            (Some(x), Some(y)) => Ok((y, x)),
            _ => Err(Status::BadHandle),
        }
    }

    /// Closes a handle and returns its object.
    ///
    /// # Errors
    /// [`Status::BadHandle`] for a forged, stale or foreign handle.
    pub fn remove(&mut self, h: u32) -> Result<V, Status> {
        self.slot(h)?;
        let index = handle::index(h);
        let value = self
            .slots
            .get_mut(usize::from(index))
            .and_then(|s| s.value.take())
            .ok_or(Status::BadHandle)?;
        self.open -= 1;
        // Reserved in `insert`: the free list can hold every slot.
        self.free.push(index);
        Ok(value)
    }

    /// Removes every object (module stop or restart), generations kept so old
    /// handles stay stale.
    pub fn drain(&mut self) -> impl Iterator<Item = V> + '_ {
        self.open = 0;
        self.free.clear();
        self.free
            .extend((0..self.slots.len()).rev().map(|i| i as u16));
        self.slots.iter_mut().filter_map(|s| s.value.take())
    }

    /// Open handles.
    pub fn len(&self) -> usize {
        self.open
    }

    /// No open handles.
    pub fn is_empty(&self) -> bool {
        self.open == 0
    }

    /// Iterates the open objects.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.slots.iter().filter_map(|s| s.value.as_ref())
    }

    /// The handle whose object satisfies `f`, if any.
    pub fn find(&self, mut f: impl FnMut(&V) -> bool) -> Option<u32> {
        self.slots
            .iter()
            .enumerate()
            .find_map(|(i, s)| match &s.value {
                Some(v) if f(v) => Some(handle::pack(self.kind, i as u16, s.generation)),
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_forged_and_foreign_handles_are_refused() {
        let mut t = HandleTable::new(Kind::Fetch, 4);
        let a = t.insert(1).unwrap();
        assert_eq!(t.get(a), Ok(&1));
        assert_eq!(t.remove(a), Ok(1));
        assert_eq!(t.get(a), Err(Status::BadHandle), "stale");
        let b = t.insert(2).unwrap();
        assert_ne!(a, b, "a reused slot gets a new generation");
        assert_eq!(t.get(0), Err(Status::BadHandle));
        assert_eq!(
            t.get(b ^ 0x0001_0000),
            Err(Status::BadHandle),
            "wrong generation"
        );
        let foreign = handle::pack(Kind::Decoder, handle::index(b), handle::generation(b));
        assert_eq!(t.get(foreign), Err(Status::BadHandle), "another kind");
        assert_eq!(t.get(u32::MAX), Err(Status::BadHandle));
    }

    #[test]
    fn the_cap_is_enforced_and_drain_empties() {
        let mut t = HandleTable::new(Kind::Image, 2);
        let a = t.insert('a').unwrap();
        t.insert('b').unwrap();
        assert_eq!(t.insert('c'), Err(Status::TooManyHandles));
        assert_eq!(t.drain().count(), 2);
        assert!(t.is_empty());
        assert_eq!(t.get(a), Err(Status::BadHandle));
        t.insert('d').unwrap();
        t.insert('e').unwrap();
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn generations_skip_zero_when_they_wrap() {
        let mut t = HandleTable::new(Kind::StoreObject, 1);
        for _ in 0..70_000 {
            let h = t.insert(()).unwrap();
            assert_ne!(handle::generation(h), 0);
            t.remove(h).unwrap();
        }
    }
}
