//! Reports to the embedder: the player state (`report_state`) and payloads (`report`).
#![allow(unsafe_code)] // FFI edge: calls the `report_state` and `report` imports.

pub use wasp_abi::imports::MAX_REPORT;
use wasp_abi::player::{PlayerState, QoeReport, ReportKind, StateReason};
use wasp_abi::Status;

use crate::{sys, util};

/// Tells the embedder the player's state and why it changed.
///
/// # Errors
/// The import's status.
#[inline]
pub fn state(state: PlayerState, reason: StateReason) -> Result<(), Status> {
    // SAFETY: no pointer arguments.
    let ret = unsafe { sys::report_state(state.as_u32() as i32, reason.as_u32() as i32) };
    Status::check(ret).map(drop)
}

/// Sends a quality-of-experience snapshot.
///
/// # Errors
/// The import's status.
#[inline]
pub fn qoe(report: &QoeReport) -> Result<(), Status> {
    payload(ReportKind::Qoe, &report.to_bytes())
}

/// Sends a UTF-8 payload of `kind` (`Event`, `Error`, `Metadata`); at most
/// [`MAX_REPORT`] bytes.
///
/// # Errors
/// The import's status.
#[inline]
pub fn text(kind: ReportKind, text: &str) -> Result<(), Status> {
    payload(kind, text.as_bytes())
}

fn payload(kind: ReportKind, bytes: &[u8]) -> Result<(), Status> {
    // SAFETY: `bytes` is a live shared borrow of `bytes.len()` bytes the host only reads.
    let ret = unsafe {
        sys::report(
            kind.as_u32() as i32,
            util::addr(bytes),
            util::len(bytes.len()),
        )
    };
    Status::check(ret).map(drop)
}
