//! Bounds-checked access to guest linear memory.
//!
//! Every `(ptr, len)` from the guest goes through [`GuestMemory`]: both are read as
//! `u32`, `ptr + len` is computed without overflow and checked against the memory's
//! current size. Structs are decoded field by field from the bytes (never cast), and
//! outputs are written only after every check passed.

use wasp_abi::wire::Wire;
use wasp_abi::Status;

/// Guest linear memory for the duration of one host call.
pub struct GuestMemory<'a> {
    bytes: &'a mut [u8],
}

/// Largest fixed-struct input read from the guest (longer inputs are refused).
pub const MAX_STRUCT: usize = 1024;

fn range(ptr: i32, len: i32, size: usize) -> Result<core::ops::Range<usize>, Status> {
    let start = ptr as u32 as usize;
    let end = start
        .checked_add(len as u32 as usize)
        .ok_or(Status::OutOfBounds)?;
    if end > size {
        return Err(Status::OutOfBounds);
    }
    Ok(start..end)
}

impl<'a> GuestMemory<'a> {
    /// Wraps the memory's bytes.
    pub fn new(bytes: &'a mut [u8]) -> Self {
        Self { bytes }
    }

    /// The guest bytes at `(ptr, len)`.
    ///
    /// # Errors
    /// [`Status::OutOfBounds`] outside memory or on overflow.
    pub fn bytes(&self, ptr: i32, len: i32) -> Result<&[u8], Status> {
        let r = range(ptr, len, self.bytes.len())?;
        self.bytes.get(r).ok_or(Status::OutOfBounds)
    }

    /// The guest bytes at `(ptr, len)`, writable.
    ///
    /// # Errors
    /// [`Status::OutOfBounds`] outside memory or on overflow.
    pub fn bytes_mut(&mut self, ptr: i32, len: i32) -> Result<&mut [u8], Status> {
        let r = range(ptr, len, self.bytes.len())?;
        self.bytes.get_mut(r).ok_or(Status::OutOfBounds)
    }

    /// UTF-8 text at `(ptr, len)`, at most `max` bytes.
    ///
    /// # Errors
    /// `OutOfBounds`; `InvalidArgument` if longer than `max` or not UTF-8.
    pub fn str(&self, ptr: i32, len: i32, max: usize) -> Result<&str, Status> {
        if len as u32 as usize > max {
            return Err(Status::InvalidArgument);
        }
        core::str::from_utf8(self.bytes(ptr, len)?).map_err(|_| Status::InvalidArgument)
    }

    /// Decodes a fixed struct from `(ptr, len)`; a short struct is zero-extended.
    ///
    /// # Errors
    /// `OutOfBounds`; `InvalidArgument` for an unknown enum value or an input longer
    /// than [`MAX_STRUCT`].
    pub fn read<T: Wire>(&self, ptr: i32, len: i32) -> Result<T, Status> {
        if len as u32 as usize > MAX_STRUCT {
            return Err(Status::InvalidArgument);
        }
        let mut r = wasp_abi::wire::Reader::new(self.bytes(ptr, len)?);
        T::read(&mut r)
    }

    /// Writes the prefix of `value` that fits in `(ptr, len)`; returns bytes written.
    ///
    /// # Errors
    /// `OutOfBounds`.
    pub fn write<T: Wire>(&mut self, ptr: i32, len: i32, value: &T) -> Result<i32, Status> {
        let out = self.bytes_mut(ptr, len)?;
        let mut w = wasp_abi::wire::Writer::new(out);
        value.write(&mut w);
        Ok(w.written() as i32)
    }

    /// Writes exactly `N` bytes at `ptr` (an out-parameter).
    ///
    /// # Errors
    /// `OutOfBounds`.
    pub fn put<const N: usize>(&mut self, ptr: i32, value: [u8; N]) -> Result<(), Status> {
        self.bytes_mut(ptr, N as i32)?.copy_from_slice(&value);
        Ok(())
    }

    /// Snprintf-style output: `fill(out)` writes the value into `out` when it fits
    /// and returns the full length either way.
    ///
    /// # Errors
    /// `OutOfBounds` for the buffer; what `fill` returns.
    pub fn output(
        &mut self,
        ptr: i32,
        cap: i32,
        fill: impl FnOnce(&mut [u8]) -> Result<usize, Status>,
    ) -> Result<i32, Status> {
        let out = self.bytes_mut(ptr, cap)?;
        let len = fill(out)?;
        i32::try_from(len).map_err(|_| Status::InvalidArgument)
    }

    /// Current memory size in bytes.
    pub fn size(&self) -> usize {
        self.bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_and_overflowing_lengths_are_refused() {
        let mut mem = [0u8; 64];
        let g = GuestMemory::new(&mut mem);
        assert_eq!(g.bytes(0, 64).map(<[u8]>::len), Ok(64));
        assert_eq!(g.bytes(64, 0).map(<[u8]>::len), Ok(0));
        assert_eq!(g.bytes(60, 5), Err(Status::OutOfBounds));
        assert_eq!(g.bytes(-1, 1), Err(Status::OutOfBounds));
        assert_eq!(g.bytes(1, -1), Err(Status::OutOfBounds));
        assert_eq!(g.bytes(i32::MAX, i32::MAX), Err(Status::OutOfBounds));
        assert_eq!(g.str(0, 65, 1024), Err(Status::OutOfBounds));
        assert_eq!(g.str(0, 8, 4), Err(Status::InvalidArgument));
        assert_eq!(g.read::<u64>(0, 2048), Err(Status::InvalidArgument));
    }
}
