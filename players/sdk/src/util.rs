//! The calling conventions of [`wasp_abi::imports`] in one place: guest addresses,
//! lengths, fixed-struct and variable-length outputs.

use alloc::vec::Vec;
use wasp_abi::wire::{Reader, Wire};
use wasp_abi::Status;

/// Compile-time string equality (for `const` asserts on names).
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        // `i < a.len() == b.len()`: both in range.
        #[allow(clippy::indexing_slicing)]
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The guest address of a slice. wasm32 addresses are 32-bit, so this is exact there;
/// natively the value is never dereferenced (the imports are stubs).
#[inline]
pub(crate) fn addr<T>(data: &[T]) -> i32 {
    data.as_ptr() as usize as i32
}

/// The guest address of a slice the host will write.
#[inline]
pub(crate) fn addr_mut<T>(data: &mut [T]) -> i32 {
    data.as_mut_ptr() as usize as i32
}

/// A byte count as an import argument. Saturates, so the host never sees more than the
/// slice (on wasm32 a slice never exceeds `i32::MAX` bytes anyway).
#[inline]
pub(crate) fn len(bytes: usize) -> i32 {
    i32::try_from(bytes).unwrap_or(i32::MAX)
}

/// A handle as an import argument (the ABI's `u32` travels as `i32`).
#[inline]
pub(crate) const fn handle(handle: u32) -> i32 {
    handle as i32
}

/// A byte count or offset as an `i64` argument (saturating).
#[inline]
pub(crate) fn wide(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Largest fixed struct an import writes (checked per type at compile time).
const MAX_STRUCT: usize = 128;

/// Calls a fixed-struct output import `call(out, out_len)` and decodes the prefix it
/// wrote; fields it did not write (an older host) read as zero.
#[inline]
pub(crate) fn out_struct<T: Wire>(call: impl FnOnce(i32, i32) -> i32) -> Result<T, Status> {
    const { assert!(T::SIZE <= MAX_STRUCT) };
    let mut buf = [0u8; MAX_STRUCT];
    let out = buf.get_mut(..T::SIZE).ok_or(Status::Internal)?;
    let written = Status::check(call(addr_mut(out), len(out.len())))? as usize;
    let bytes = out.get(..written.min(T::SIZE)).ok_or(Status::Internal)?;
    T::read(&mut Reader::new(bytes))
}

/// First buffer size for a variable-length output.
const FIRST_GUESS: usize = 256;
/// Calls before giving up on a value that keeps growing between calls.
const ATTEMPTS: usize = 4;

/// Calls a variable-length output import `call(out, cap)` (snprintf-style: it returns
/// the full length and writes only when that fits), growing the buffer until it fits.
pub(crate) fn out_vec(mut call: impl FnMut(i32, i32) -> i32) -> Result<Vec<u8>, Status> {
    let mut buf = Vec::new();
    let mut want = FIRST_GUESS;
    for _ in 0..ATTEMPTS {
        grow(&mut buf, want)?;
        let full = Status::check(call(addr_mut(&mut buf), len(buf.len())))? as usize;
        if full <= buf.len() {
            buf.truncate(full);
            return Ok(buf);
        }
        want = full;
    }
    Err(Status::Internal)
}

/// Resizes `buf` to `size` zeroed bytes, failing instead of aborting when memory is out.
pub(crate) fn grow(buf: &mut Vec<u8>, size: usize) -> Result<(), Status> {
    buf.try_reserve(size.saturating_sub(buf.len()))
        .map_err(|_| Status::BudgetExceeded)?;
    buf.resize(size, 0);
    Ok(())
}

/// Text from the host: UTF-8 expected, anything else replaced rather than refused.
pub(crate) fn into_string(bytes: Vec<u8>) -> alloc::string::String {
    match alloc::string::String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => alloc::string::String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// Defines an owned handle type: the struct, `from_handle`, `handle`, `into_handle`,
/// the explicit release method (`close`/`free`) that reports the import's status, and
/// `Drop` that releases it and ignores the status.
macro_rules! owned_handle {
    (
        $(#[$meta:meta])*
        pub struct $name:ident;
        release: $import:ident, $verb:ident, $what:literal, $past:literal, $action:literal;
        handle_doc: $handle_doc:literal;
    ) => {
        $(#[$meta])*
        #[derive(Debug, PartialEq, Eq)]
        pub struct $name {
            handle: u32,
        }

        impl $name {
            #[doc = concat!("Takes ownership of a raw ", $what, " handle (it is ", $past, " on drop). A stale or")]
            /// forged handle makes every call fail with [`Status::BadHandle`]; it is never
            /// unsafe.
            pub const fn from_handle(handle: u32) -> Self {
                Self { handle }
            }

            #[doc = $handle_doc]
            pub const fn handle(&self) -> u32 {
                self.handle
            }

            #[doc = concat!("Gives up ownership: the ", $what, " stays open and the caller must release it.")]
            pub fn into_handle(self) -> u32 {
                let handle = self.handle;
                core::mem::forget(self);
                handle
            }

            #[doc = concat!($action, ", reporting the import's status (dropping does the same")]
            /// and ignores it).
            ///
            /// # Errors
            /// The import's status.
            pub fn $verb(self) -> Result<(), Status> {
                let handle = self.into_handle();
                // SAFETY: no pointer arguments.
                Status::check(unsafe { crate::sys::$import(crate::util::handle(handle)) }).map(drop)
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                // SAFETY: no pointer arguments.
                let _ = unsafe { crate::sys::$import(crate::util::handle(self.handle)) };
            }
        }
    };
}
pub(crate) use owned_handle;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn str_eq_compares_bytes() {
        assert!(str_eq("wasp.abi", "wasp.abi"));
        assert!(!str_eq("wasp.abi", "wasp.ab"));
        assert!(!str_eq("wasp", "wasm"));
    }

    #[test]
    fn variable_outputs_grow_until_they_fit() {
        let value = [7u8; 1000];
        let mut calls = 0;
        let got = out_vec(|_, cap| {
            calls += 1;
            assert!(cap == 256 || cap == 1000, "cap {cap}");
            value.len() as i32
        })
        .unwrap();
        assert_eq!(got.len(), 1000);
        assert_eq!(calls, 2);
        assert_eq!(
            out_vec(|_, _| Status::NotFound.code()),
            Err(Status::NotFound)
        );
    }

    #[test]
    fn short_struct_outputs_are_zero_extended() {
        // A host that wrote nothing (0 bytes) yields the zero struct.
        let info: wasp_abi::caps::DisplayInfo = out_struct(|_, _| 0).unwrap();
        assert_eq!(info, Default::default());
        let err = out_struct::<wasp_abi::caps::DisplayInfo>(|_, _| Status::Unsupported.code());
        assert_eq!(err, Err(Status::Unsupported));
    }
}
