//! The small persistent key-value store (`kv_*`): keys of 1..=[`MAX_KV_KEY`] bytes,
//! values of at most [`MAX_KV_VALUE`] bytes.
#![allow(unsafe_code)] // FFI edge: calls the `kv_*` imports.

use alloc::vec::Vec;
pub use wasp_abi::imports::{MAX_KV_KEY, MAX_KV_VALUE};
use wasp_abi::Status;

use crate::{sys, util};

/// The value stored under `key`.
///
/// # Errors
/// [`Status::NotFound`], or the import's status.
pub fn get(key: &str) -> Result<Vec<u8>, Status> {
    util::out_vec(|out, cap| {
        // SAFETY: `key` is a live shared borrow the host only reads; `out_vec` passes
        // an exclusively borrowed buffer of `cap` bytes.
        unsafe { sys::kv_get(util::addr(key.as_bytes()), util::len(key.len()), out, cap) }
    })
}

/// Stores `value` under `key`, durably.
///
/// # Errors
/// [`Status::BudgetExceeded`], [`Status::InvalidArgument`] for a bad key or value
/// length, or the import's status.
#[inline]
pub fn set(key: &str, value: &[u8]) -> Result<(), Status> {
    // SAFETY: `key` and `value` are live shared borrows the host only reads.
    let ret = unsafe {
        sys::kv_set(
            util::addr(key.as_bytes()),
            util::len(key.len()),
            util::addr(value),
            util::len(value.len()),
        )
    };
    Status::check(ret).map(drop)
}

/// Removes `key`.
///
/// # Errors
/// [`Status::NotFound`], or the import's status.
#[inline]
pub fn delete(key: &str) -> Result<(), Status> {
    // SAFETY: `key` is a live shared borrow the host only reads.
    let ret = unsafe { sys::kv_delete(util::addr(key.as_bytes()), util::len(key.len())) };
    Status::check(ret).map(drop)
}
