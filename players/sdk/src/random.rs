//! The port's random source (`random_fill`): seeded, so deterministic under test.
//! Retry jitter and the like must come from here, never from anything else.
#![allow(unsafe_code)] // FFI edge: calls the `random_fill` import.

pub use wasp_abi::imports::MAX_RANDOM;
use wasp_abi::Status;

use crate::{sys, util};

/// Fills `buf` with random bytes, in calls of at most [`MAX_RANDOM`] bytes.
///
/// # Errors
/// The import's status.
#[inline]
pub fn fill(buf: &mut [u8]) -> Result<(), Status> {
    for chunk in buf.chunks_mut(MAX_RANDOM) {
        // SAFETY: `chunk` is exclusively borrowed and `chunk.len()` bytes long.
        let ret = unsafe { sys::random_fill(util::addr_mut(chunk), util::len(chunk.len())) };
        Status::check(ret)?;
    }
    Ok(())
}

/// A random `u64`.
///
/// # Errors
/// As [`fill`].
#[inline]
pub fn u64() -> Result<u64, Status> {
    let mut bytes = [0u8; 8];
    fill(&mut bytes)?;
    Ok(u64::from_le_bytes(bytes))
}
