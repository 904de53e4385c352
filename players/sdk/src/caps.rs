//! Capability queries (`caps_*`, `runtime_info`): what the device can decode, show
//! and hold. A module asks; it never names a device.
#![allow(unsafe_code)] // FFI edge: calls the `caps_*` and `runtime_info` imports.

use wasp_abi::caps::{
    AudioOutputInfo, DecodingInfo, DecodingQuery, DisplayInfo, MemoryBudget, RuntimeInfo,
};
use wasp_abi::Status;

use crate::{sys, util};

/// About the runtime: ABI version served, fuel per tick, runtime version.
///
/// # Errors
/// The import's status.
#[inline]
pub fn runtime_info() -> Result<RuntimeInfo, Status> {
    // SAFETY: `out_struct` passes an exclusively borrowed buffer of `len` bytes.
    util::out_struct(|out, len| unsafe { sys::runtime_info(out, len) })
}

/// Whether the device can decode `query` (with the RFC 6381 `codecs` string, which
/// may be empty), smoothly, power-efficiently.
///
/// # Errors
/// The import's status.
#[inline]
pub fn decoding(query: &DecodingQuery, codecs: &str) -> Result<DecodingInfo, Status> {
    let query = query.to_bytes();
    let codecs = codecs.as_bytes();
    util::out_struct(|out, len| {
        // SAFETY: `query` and `codecs` are live shared borrows the host only reads;
        // `out_struct` passes an exclusively borrowed buffer of `len` bytes.
        unsafe {
            sys::caps_decoding(
                util::addr(&query),
                util::len(query.len()),
                util::addr(codecs),
                util::len(codecs.len()),
                out,
                len,
            )
        }
    })
}

/// The graphics plane and display.
///
/// # Errors
/// The import's status.
#[inline]
pub fn display() -> Result<DisplayInfo, Status> {
    // SAFETY: `out_struct` passes an exclusively borrowed buffer of `len` bytes.
    util::out_struct(|out, len| unsafe { sys::caps_display(out, len) })
}

/// The audio output.
///
/// # Errors
/// The import's status.
#[inline]
pub fn audio() -> Result<AudioOutputInfo, Status> {
    // SAFETY: `out_struct` passes an exclusively borrowed buffer of `len` bytes.
    util::out_struct(|out, len| unsafe { sys::caps_audio(out, len) })
}

/// The device profile's byte budgets.
///
/// # Errors
/// The import's status.
#[inline]
pub fn memory() -> Result<MemoryBudget, Status> {
    // SAFETY: `out_struct` passes an exclusively borrowed buffer of `len` bytes.
    util::out_struct(|out, len| unsafe { sys::caps_memory(out, len) })
}

/// Whether the device offers one feature bit of
/// [`wasp_abi::player::feature`].
///
/// # Errors
/// The import's status ([`Status::InvalidArgument`] unless `bit` is one known bit).
#[inline]
pub fn feature(bit: u64) -> Result<bool, Status> {
    // SAFETY: no pointer arguments.
    let ret = unsafe { sys::caps_feature(bit as i64) };
    Status::check(ret).map(|v| v != 0)
}
