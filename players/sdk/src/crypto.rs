//! Bulk AES-128 in the port (`crypto_decrypt`), from one store object into another.
//! Ports without it answer [`Status::Unsupported`]; the module then decrypts in
//! software.
#![allow(unsafe_code)] // FFI edge: calls the `crypto_decrypt` import.

use wasp_abi::store::CryptoParams;
use wasp_abi::Status;

use crate::{sys, util};

/// Decrypts `params.length` bytes of `params.src` from `params.src_offset` and appends
/// the plaintext to `params.dst`; returns the bytes appended (after PKCS#7 padding is
/// removed for `CbcPkcs7`).
///
/// # Errors
/// [`Status::Unsupported`] without bulk crypto, or the import's status.
#[inline]
pub fn decrypt(params: &CryptoParams) -> Result<u64, Status> {
    let params = params.to_bytes();
    // SAFETY: `params` is a live shared borrow the host only reads.
    let ret = unsafe { sys::crypto_decrypt(util::addr(&params), util::len(params.len())) };
    Status::check(ret).map(u64::from)
}
