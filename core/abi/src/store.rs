//! The media store (`store_*` imports) and bulk crypto (`crypto_decrypt`).
//!
//! Compressed media lives outside guest memory, in runtime-owned objects bounded by the
//! device's byte budget: wasm memory grows but never shrinks, so buffering inside the
//! guest would pin its peak for ever. Fetched bytes land in objects; the guest copies
//! out only the small windows it must parse, and submits access units by reference.

use crate::wire::{wire_enum, wire_struct};

wire_struct! {
    /// Store occupancy (`store_usage`).
    pub struct StoreUsage {
        /// Bytes held by all objects.
        pub used: u64,
        /// The budget.
        pub budget: u64,
        /// Objects open.
        pub objects: u32,
        /// Most objects that may be open.
        pub max_objects: u32,
    }
}

wire_enum! {
    /// AES-128 cipher mode.
    pub enum CipherMode {
        /// CBC with PKCS#7 padding removed at the end (HLS `METHOD=AES-128`, RFC 8216
        /// §5.2).
        CbcPkcs7 = 0,
        /// CBC without padding handling (a middle piece of a segment).
        Cbc = 1,
        /// CTR.
        Ctr = 2,
    }
}

wire_struct! {
    /// One bulk decryption from a store object into another (`crypto_decrypt`).
    pub struct CryptoParams {
        /// Key.
        pub key: [u8; 16],
        /// IV (CBC) or initial counter block (CTR).
        pub iv: [u8; 16],
        /// Offset in the source object.
        pub src_offset: u64,
        /// Bytes to decrypt (a multiple of 16 for CBC).
        pub length: u64,
        /// Source object.
        pub src: u32,
        /// Destination object; the plaintext is appended.
        pub dst: u32,
        /// The mode.
        pub mode: CipherMode,
        /// Reserved, zero.
        pub reserved: u32,
    }
}
