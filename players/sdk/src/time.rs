//! The port's monotonic clock (`time_now`).
#![allow(unsafe_code)] // FFI edge: calls the `time_now` import.

use wasp_abi::Status;

use crate::{sys, util};

/// The port's monotonic time in microseconds (the same clock as `wasp_tick`'s
/// argument).
///
/// # Errors
/// The import's status.
#[inline]
pub fn now() -> Result<i64, Status> {
    let mut out = [0u8; 8];
    // SAFETY: `out` is an exclusively borrowed 8-byte buffer, the size `time_now` writes.
    Status::check(unsafe { sys::time_now(util::addr_mut(&mut out)) })?;
    Ok(i64::from_le_bytes(out))
}
