//! The constants of the compressed atlas format (crate docs), shared by the encoder
//! (`encode.rs`, run by the build script, which includes this file) and the decoder
//! (`atlas.rs`).

/// The A8 value of each level: `(level * 255 + 7) / 14`, 255/14 per step rounded to
/// nearest (a half rounds up).
pub(crate) const LEVEL_A8: [u8; 15] = [
    0, 18, 36, 55, 73, 91, 109, 128, 146, 164, 182, 200, 219, 237, 255,
];
/// Bits of a probability: `p / 2048` is the chance of a 0 bit.
pub(crate) const PROB_BITS: u32 = 11;
/// Every probability starts at one half.
pub(crate) const PROB_START: u16 = 1 << (PROB_BITS - 1);
/// A probability moves `1 / 2^ADAPT` of the way towards each bit seen.
pub(crate) const ADAPT: u32 = 4;
/// The range is renormalised (a byte shifted) whenever it falls below this.
pub(crate) const TOP: u32 = 1 << 24;
/// Probabilities per context: the nodes 1..=15 of a 4-level binary tree (0 unused).
pub(crate) const NODES: usize = 16;
/// Probabilities in all: one tree per context, the levels of the pixel above and of
/// the pixel to the left (15 x 15).
pub(crate) const PROBS: usize = 15 * 15 * NODES;
/// Bytes before the range-coded stream: the FNV-1a of the A8 atlas, little-endian.
pub(crate) const HEADER: usize = 8;

/// The index of the first probability of the tree that codes a pixel whose neighbours
/// above and to the left have these levels (0 outside the atlas).
pub(crate) fn context(above: u8, left: u8) -> usize {
    (usize::from(above) * 15 + usize::from(left)) * NODES
}
