//! The media store (`store_*`): runtime-owned byte objects outside guest memory, where
//! fetched media waits until it is submitted to a decoder by reference.
#![allow(unsafe_code)] // FFI edge: calls the `store_*` imports.

use wasp_abi::store::StoreUsage;
use wasp_abi::Status;

use crate::{sys, util};

crate::util::owned_handle! {
    /// A media-store object; freed on drop (decoders keep what they already took).
    pub struct StoreObject;
    release: store_free, free, "object", "freed", "Frees the object and its bytes";
    handle_doc: "The raw handle (for [`SampleRange::object`](wasp_abi::decoder::SampleRange) and [`CryptoParams`](wasp_abi::store::CryptoParams)).";
}

impl StoreObject {
    /// A new empty object, reserving `reserve` bytes of the store's budget.
    ///
    /// # Errors
    /// [`Status::BudgetExceeded`], [`Status::TooManyHandles`], or the import's status.
    #[inline]
    pub fn create(reserve: u64) -> Result<Self, Status> {
        // SAFETY: no pointer arguments.
        let ret = unsafe { sys::store_create(util::wide(reserve)) };
        Status::check(ret).map(|handle| Self { handle })
    }

    /// Appends `bytes`; returns how many were appended (all of them).
    ///
    /// # Errors
    /// [`Status::BudgetExceeded`] or the import's status.
    #[inline]
    pub fn write(&self, bytes: &[u8]) -> Result<usize, Status> {
        // SAFETY: `bytes` is a live shared borrow the host only reads.
        let ret = unsafe {
            sys::store_write(
                util::handle(self.handle),
                util::addr(bytes),
                util::len(bytes.len()),
            )
        };
        Status::check(ret).map(|n| n as usize)
    }

    /// Copies bytes from `offset` into `buf`; returns how many (0 at the end).
    ///
    /// # Errors
    /// The import's status.
    #[inline]
    pub fn read(&self, offset: u64, buf: &mut [u8]) -> Result<usize, Status> {
        // SAFETY: `buf` is exclusively borrowed and `buf.len()` bytes long.
        let ret = unsafe {
            sys::store_read(
                util::handle(self.handle),
                util::wide(offset),
                util::addr_mut(buf),
                util::len(buf.len()),
            )
        };
        Status::check(ret).map(|n| n as usize)
    }

    /// The object's length in bytes.
    ///
    /// # Errors
    /// The import's status.
    #[inline]
    pub fn size(&self) -> Result<u64, Status> {
        let mut out = [0u8; 8];
        // SAFETY: `out` is an exclusively borrowed 8-byte buffer, the size written.
        let ret = unsafe { sys::store_size(util::handle(self.handle), util::addr_mut(&mut out)) };
        Status::check(ret)?;
        Ok(u64::from_le_bytes(out))
    }
}

/// Store occupancy: bytes used, budget, objects.
///
/// # Errors
/// The import's status.
#[inline]
pub fn usage() -> Result<StoreUsage, Status> {
    // SAFETY: `out_struct` passes an exclusively borrowed buffer of `len` bytes.
    util::out_struct(|out, len| unsafe { sys::store_usage(out, len) })
}
