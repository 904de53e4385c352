//! The media store: compressed media held by the runtime, outside guest memory.
//!
//! Objects are byte vectors owned by the runtime and named by generational handles.
//! Every byte counts against the device's budget (an object counts its reservation or
//! its length, whichever is larger); allocation is fallible, so a guest asking for more
//! than the device has gets [`Status::BudgetExceeded`], never an abort.

use alloc::vec::Vec;
use wasp_abi::handle::Kind;
use wasp_abi::Status;

use crate::handles::HandleTable;

/// One object.
pub struct Object {
    /// The bytes.
    pub data: Vec<u8>,
    reserved: usize,
}

impl Object {
    fn accounted(&self) -> usize {
        self.data.len().max(self.reserved)
    }
}

/// All objects of one module.
pub struct MediaStore {
    objects: HandleTable<Object>,
    used: usize,
    budget: usize,
}

impl MediaStore {
    /// An empty store with a byte budget and an object cap.
    pub fn new(budget: usize, max_objects: usize) -> Self {
        Self {
            objects: HandleTable::new(Kind::StoreObject, max_objects),
            used: 0,
            budget,
        }
    }

    fn room(&self, more: usize) -> Result<(), Status> {
        match self.used.checked_add(more) {
            Some(total) if total <= self.budget => Ok(()),
            _ => Err(Status::BudgetExceeded),
        }
    }

    /// A new object with `reserve` bytes set aside.
    ///
    /// # Errors
    /// `BudgetExceeded`, `TooManyHandles`, `InvalidArgument` for a negative reserve.
    pub fn create(&mut self, reserve: i64) -> Result<u32, Status> {
        if reserve < 0 {
            return Err(Status::InvalidArgument);
        }
        // More than the address space is more than any budget: the same answer on 32-
        // and 64-bit hosts.
        let reserve = usize::try_from(reserve).map_err(|_| Status::BudgetExceeded)?;
        self.room(reserve)?;
        let mut data = Vec::new();
        data.try_reserve_exact(reserve)
            .map_err(|_| Status::BudgetExceeded)?;
        let handle = self.objects.insert(Object {
            data,
            reserved: reserve,
        })?;
        self.used += reserve;
        Ok(handle)
    }

    /// Appends bytes produced by `fill` (given a zeroed tail of `len` bytes; returns how
    /// many it wrote).
    ///
    /// # Errors
    /// `BadHandle`, `BudgetExceeded`, or what `fill` returns (nothing is kept then).
    pub fn append_with(
        &mut self,
        handle: u32,
        len: usize,
        fill: impl FnOnce(&mut [u8]) -> Result<usize, Status>,
    ) -> Result<usize, Status> {
        let obj = self.objects.get(handle)?;
        let before = obj.accounted();
        let after = obj
            .data
            .len()
            .checked_add(len)
            .ok_or(Status::BudgetExceeded)?
            .max(obj.reserved);
        self.room(after - before)?;
        let obj = self.objects.get_mut(handle)?;
        let start = obj.data.len();
        obj.data
            .try_reserve(len)
            .map_err(|_| Status::BudgetExceeded)?;
        obj.data.resize(start + len, 0);
        let result = obj
            .data
            .get_mut(start..)
            .ok_or(Status::Internal)
            .and_then(fill);
        let written = match result {
            Ok(n) => n.min(len),
            Err(e) => {
                obj.data.truncate(start);
                return Err(e);
            }
        };
        obj.data.truncate(start + written);
        let after = obj.accounted();
        self.used = self.used - before + after;
        Ok(written)
    }

    /// Appends `bytes`.
    ///
    /// # Errors
    /// As [`MediaStore::append_with`].
    pub fn append(&mut self, handle: u32, bytes: &[u8]) -> Result<usize, Status> {
        self.append_with(handle, bytes.len(), |out| {
            out.copy_from_slice(bytes);
            Ok(bytes.len())
        })
    }

    /// Appends `len` bytes of `src` from `offset` to `dst` (distinct objects); returns
    /// where they start in `dst`.
    ///
    /// # Errors
    /// `BadHandle`; `InvalidArgument` when `src == dst`; `OutOfBounds` when the range is
    /// not inside `src`; `BudgetExceeded`.
    pub fn append_range(
        &mut self,
        dst: u32,
        src: u32,
        offset: u64,
        len: usize,
    ) -> Result<usize, Status> {
        self.range(src, offset, len as u64)?;
        let obj = self.objects.get(dst)?;
        let (start, before) = (obj.data.len(), obj.accounted());
        let after = start
            .checked_add(len)
            .ok_or(Status::BudgetExceeded)?
            .max(obj.reserved);
        self.room(after - before)?;
        let (s, d) = self.objects.get_pair_mut(src, dst)?;
        let from = usize::try_from(offset).map_err(|_| Status::OutOfBounds)?;
        let bytes = s.data.get(from..from + len).ok_or(Status::OutOfBounds)?;
        d.data
            .try_reserve(len)
            .map_err(|_| Status::BudgetExceeded)?;
        d.data.extend_from_slice(bytes);
        self.used = self.used - before + after;
        Ok(start)
    }

    /// The bytes of an object, writable in place (length unchanged).
    ///
    /// # Errors
    /// `BadHandle`.
    pub fn bytes_mut(&mut self, handle: u32) -> Result<&mut [u8], Status> {
        Ok(&mut self.objects.get_mut(handle)?.data)
    }

    /// Shortens an object to `len` bytes (undoing an append).
    pub(crate) fn truncate(&mut self, handle: u32, len: usize) {
        if let Ok(obj) = self.objects.get_mut(handle) {
            let before = obj.accounted();
            obj.data.truncate(len);
            let after = obj.accounted();
            self.used = self.used - before + after;
        }
    }

    /// The bytes of an object.
    ///
    /// # Errors
    /// `BadHandle`.
    pub fn bytes(&self, handle: u32) -> Result<&[u8], Status> {
        Ok(&self.objects.get(handle)?.data)
    }

    /// The bytes `offset .. offset + len` of an object.
    ///
    /// # Errors
    /// `BadHandle`; `OutOfBounds` when the range is not inside the object.
    pub fn range(&self, handle: u32, offset: u64, len: u64) -> Result<&[u8], Status> {
        let data = self.bytes(handle)?;
        let start = usize::try_from(offset).map_err(|_| Status::OutOfBounds)?;
        let len = usize::try_from(len).map_err(|_| Status::OutOfBounds)?;
        let end = start.checked_add(len).ok_or(Status::OutOfBounds)?;
        data.get(start..end).ok_or(Status::OutOfBounds)
    }

    /// Frees an object and its bytes.
    ///
    /// # Errors
    /// `BadHandle`.
    pub fn free(&mut self, handle: u32) -> Result<(), Status> {
        let obj = self.objects.remove(handle)?;
        self.used -= obj.accounted();
        Ok(())
    }

    /// Frees every object.
    pub fn clear(&mut self) {
        self.objects.drain().for_each(drop);
        self.used = 0;
    }

    /// Bytes accounted.
    pub fn used(&self) -> usize {
        self.used
    }

    /// The budget.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Objects open.
    pub fn objects(&self) -> usize {
        self.objects.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_bounds_reservations_and_appends() {
        let mut s = MediaStore::new(100, 8);
        let a = s.create(60).unwrap();
        assert_eq!(s.create(41), Err(Status::BudgetExceeded));
        assert_eq!(s.append(a, &[1; 60]), Ok(60), "inside its own reservation");
        assert_eq!(s.used(), 60);
        let b = s.create(0).unwrap();
        assert_eq!(s.append(b, &[2; 41]), Err(Status::BudgetExceeded));
        assert_eq!(s.bytes(b), Ok(&[][..]), "a refused append leaves nothing");
        assert_eq!(s.append(b, &[2; 40]), Ok(40));
        assert_eq!(s.range(b, 38, 2), Ok(&[2, 2][..]));
        assert_eq!(s.range(b, 39, 2), Err(Status::OutOfBounds));
        assert_eq!(s.range(b, u64::MAX, 2), Err(Status::OutOfBounds));
        s.free(a).unwrap();
        assert_eq!(s.used(), 40);
        assert_eq!(s.free(a), Err(Status::BadHandle));
        assert_eq!(s.create(-1), Err(Status::InvalidArgument));
        s.clear();
        assert_eq!((s.used(), s.objects()), (0, 0));
    }

    #[test]
    fn a_failed_fill_keeps_nothing() {
        let mut s = MediaStore::new(100, 8);
        let a = s.create(0).unwrap();
        assert_eq!(s.append_with(a, 10, |_| Err(Status::Io)), Err(Status::Io));
        assert_eq!((s.bytes(a).unwrap().len(), s.used()), (0, 0));
        assert_eq!(
            s.append_with(a, 10, |out| {
                out[..3].copy_from_slice(b"abc");
                Ok(3)
            }),
            Ok(3)
        );
        assert_eq!((s.bytes(a).unwrap(), s.used()), (&b"abc"[..], 3));
    }
}
