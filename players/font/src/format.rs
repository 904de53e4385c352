//! The constants of the compressed atlas format (crate docs), shared by the encoder
//! (`encode.rs`, run by the build script, which includes this file) and the decoder
//! (`atlas.rs`).

/// The A8 value of each level: `(level * 255 + 7) / 14`, 255/14 per step rounded to
/// nearest (a half rounds up).
pub(crate) const LEVEL_A8: [u8; 15] = [
    0, 18, 36, 55, 73, 91, 109, 128, 146, 164, 182, 200, 219, 237, 255,
];
/// The level of a fully covered pixel; its nibble starts a run.
pub(crate) const FULL: u8 = 14;
/// The nibble that starts a run of copies of the pixel one row above.
pub(crate) const COPY_ABOVE: u8 = 15;
/// The most nibbles a run length may take: 24 bits, far beyond any atlas, and few
/// enough that a length never overflows a 32-bit `usize`.
pub(crate) const MAX_LENGTH_NIBBLES: u32 = 8;
/// Bytes before the nibble stream: the FNV-1a of the stream, little-endian.
pub(crate) const HEADER: usize = 8;
