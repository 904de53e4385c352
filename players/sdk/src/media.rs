//! The media clock (`media_*`): the device presents frames against it; A/V sync is the
//! device's job.
#![allow(unsafe_code)] // FFI edge: calls the `media_*` imports.

use wasp_abi::decoder::MediaClockInfo;
pub use wasp_abi::decoder::{MAX_RATE_MILLI, MIN_RATE_MILLI};
use wasp_abi::Status;

use crate::{sys, util};

/// The position being presented, the rate, and whether the clock runs.
///
/// # Errors
/// The import's status.
#[inline]
pub fn clock() -> Result<MediaClockInfo, Status> {
    // SAFETY: `out_struct` passes an exclusively borrowed buffer of `len` bytes.
    util::out_struct(|out, len| unsafe { sys::media_clock(out, len) })
}

/// Sets the play rate in thousandths: 0 pauses, 1000 is normal, otherwise
/// [`MIN_RATE_MILLI`]`..=`[`MAX_RATE_MILLI`].
///
/// # Errors
/// [`Status::InvalidArgument`] for a rate out of range, or the import's status.
#[inline]
pub fn set_rate(rate_milli: u32) -> Result<(), Status> {
    let rate = i32::try_from(rate_milli).map_err(|_| Status::InvalidArgument)?;
    // SAFETY: no pointer arguments.
    Status::check(unsafe { sys::media_set_rate(rate) }).map(drop)
}

/// Re-anchors the clock after a flush: presentation restarts at the first frame at or
/// after `pts_us`.
///
/// # Errors
/// The import's status.
#[inline]
pub fn set_position(pts_us: i64) -> Result<(), Status> {
    // SAFETY: no pointer arguments.
    Status::check(unsafe { sys::media_set_position(pts_us) }).map(drop)
}
