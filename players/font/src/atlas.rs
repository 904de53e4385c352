//! The decoder of the compressed atlas format (crate docs, "The compressed atlas
//! format"); the encoder is `encode.rs`, which it mirrors step for step.

use alloc::vec::Vec;

use crate::format::{context, ADAPT, HEADER, LEVEL_A8, PROBS, PROB_BITS, PROB_START, TOP};
use crate::hash::fnv1a;
use crate::FontError;

/// LZMA's range decoder (LZMA SDK `RangeDec_*`), reading a slice and failing, not
/// panicking, when the slice ends.
struct RangeDecoder<'a> {
    bytes: &'a [u8],
    at: usize,
    range: u32,
    code: u32,
}

impl<'a> RangeDecoder<'a> {
    fn new(bytes: &'a [u8]) -> Result<Self, FontError> {
        // The encoder's first byte is always 0 (its cache before any carry).
        let Some(&[0, b1, b2, b3, b4]) = bytes.first_chunk::<5>() else {
            return Err(FontError::Corrupt);
        };
        Ok(Self {
            bytes,
            at: 5,
            range: u32::MAX,
            code: u32::from_be_bytes([b1, b2, b3, b4]),
        })
    }

    fn bit(&mut self, prob: &mut u16) -> Result<u8, FontError> {
        // A well-formed stream keeps code below range; anything else is damage.
        if self.code >= self.range {
            return Err(FontError::Corrupt);
        }
        let bound = (self.range >> PROB_BITS) * u32::from(*prob);
        let bit = if self.code < bound {
            self.range = bound;
            *prob += ((1 << PROB_BITS) - *prob) >> ADAPT;
            0
        } else {
            self.code -= bound;
            self.range -= bound;
            *prob -= *prob >> ADAPT;
            1
        };
        while self.range < TOP {
            let byte = *self.bytes.get(self.at).ok_or(FontError::Corrupt)?;
            self.at += 1;
            self.range <<= 8;
            self.code = (self.code << 8) | u32::from(byte);
        }
        Ok(bit)
    }
}

/// Decodes `packed`, an atlas `width` pixels wide, into `out`, which must be exactly
/// as long as the atlas; every byte of `out` is written on success.
pub(crate) fn unpack(packed: &[u8], width: usize, out: &mut [u8]) -> Result<(), FontError> {
    let (Some((hash, stream)), true) = (packed.split_first_chunk::<HEADER>(), width > 0) else {
        return Err(FontError::Corrupt);
    };
    let mut probs = Vec::new();
    probs
        .try_reserve_exact(PROBS)
        .map_err(|_| FontError::OutOfMemory)?;
    probs.resize(PROBS, PROB_START);
    let mut rc = RangeDecoder::new(stream)?;
    // Levels first (the contexts are levels), A8 values once all are known.
    let mut x = 0;
    for i in 0..out.len() {
        let above = match i.checked_sub(width) {
            Some(j) => out.get(j).copied().unwrap_or(0),
            None => 0,
        };
        let left = if x > 0 {
            out.get(i - 1).copied().unwrap_or(0)
        } else {
            0
        };
        let tree = context(above, left);
        let mut node = 1;
        for _ in 0..4 {
            let prob = probs.get_mut(tree + node).ok_or(FontError::Corrupt)?;
            node = node * 2 + usize::from(rc.bit(prob)?);
        }
        let level = node - 16;
        if level >= LEVEL_A8.len() {
            return Err(FontError::Corrupt);
        }
        if let Some(pixel) = out.get_mut(i) {
            *pixel = level as u8;
        }
        x = if x + 1 == width { 0 } else { x + 1 };
    }
    if rc.at != stream.len() {
        return Err(FontError::Corrupt);
    }
    for pixel in out.iter_mut() {
        *pixel = LEVEL_A8.get(usize::from(*pixel)).copied().unwrap_or(0);
    }
    if fnv1a(out) != u64::from_le_bytes(*hash) {
        return Err(FontError::Corrupt);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::encode;
    use crate::{Font, FONTS};
    use alloc::vec;

    /// Decodes an atlas `width` pixels wide and `len` pixels in all.
    fn decode(packed: &[u8], width: usize, len: usize) -> Result<Vec<u8>, FontError> {
        let mut out = vec![0xAA; len];
        unpack(packed, width, &mut out).map(|()| out)
    }

    fn decode_font(f: &Font, packed: &[u8]) -> Result<Vec<u8>, FontError> {
        decode(packed, f.width as usize, (f.width * f.height) as usize)
    }

    /// A test image of levels: a diagonal ramp with a full block and empty margins.
    fn ramp(width: usize, height: usize) -> Vec<u8> {
        (0..width * height)
            .map(|i| {
                let (x, y) = (i % width, i / width);
                match (x, y) {
                    (0, _) | (_, 0) => 0,
                    _ if x > width / 2 && y > height / 2 => 14,
                    _ => ((x + 2 * y) % 15) as u8,
                }
            })
            .collect()
    }

    #[test]
    fn level_table_is_255_over_14_rounded() {
        for (level, &a8) in LEVEL_A8.iter().enumerate() {
            assert_eq!(u32::from(a8), (level as u32 * 255 + 7) / 14);
        }
    }

    #[test]
    fn encoded_images_decode_to_their_a8_values() {
        for (width, height) in [(1, 1), (1, 9), (9, 1), (7, 5), (64, 48)] {
            let levels = ramp(width, height);
            let want: Vec<u8> = levels.iter().map(|&l| LEVEL_A8[usize::from(l)]).collect();
            let packed = encode(&levels, width);
            assert_eq!(
                decode(&packed, width, levels.len()),
                Ok(want),
                "{width}x{height}"
            );
        }
        // Uniform images (the coder's probabilities saturate).
        for level in [0, 14] {
            let packed = encode(&[level; 5000], 100);
            assert_eq!(
                decode(&packed, 100, 5000),
                Ok(vec![LEVEL_A8[usize::from(level)]; 5000])
            );
        }
    }

    #[test]
    fn empty_atlas_is_a_header_and_the_coder_flush() {
        let packed = encode(&[], 4);
        assert_eq!(packed.len(), HEADER + 5);
        assert_eq!(decode(&packed, 4, 0), Ok(vec![]));
    }

    #[test]
    fn wrong_geometry_is_corrupt() {
        let levels = ramp(16, 8);
        let packed = encode(&levels, 16);
        assert!(decode(&packed, 16, 128).is_ok());
        // Another width changes the contexts: the levels, then the checksum, differ.
        assert_eq!(decode(&packed, 8, 128), Err(FontError::Corrupt));
        assert_eq!(decode(&packed, 0, 128), Err(FontError::Corrupt));
        // Fewer pixels leave bytes over; more run out of bytes.
        assert_eq!(decode(&packed, 16, 112), Err(FontError::Corrupt));
        assert_eq!(decode(&packed, 16, 144), Err(FontError::Corrupt));
    }

    #[test]
    fn damaged_header_or_first_byte_is_corrupt() {
        let packed = encode(&ramp(16, 8), 16);
        let mut bad = packed.clone();
        bad[0] ^= 1;
        assert_eq!(decode(&bad, 16, 128), Err(FontError::Corrupt));
        let mut bad = packed.clone();
        bad[HEADER] = 1;
        assert_eq!(decode(&bad, 16, 128), Err(FontError::Corrupt));
        for cut in 0..packed.len() {
            assert_eq!(
                decode(&packed[..cut], 16, 128),
                Err(FontError::Corrupt),
                "{cut}"
            );
        }
    }

    #[test]
    fn truncated_or_extended_atlas_is_corrupt() {
        for f in &FONTS {
            assert!(decode_font(f, f.packed).is_ok());
            let cut = &f.packed[..f.packed.len() - 1];
            assert_eq!(decode_font(f, cut), Err(FontError::Corrupt), "{} px", f.px);
            let mut longer = f.packed.to_vec();
            longer.push(0);
            assert_eq!(
                decode_font(f, &longer),
                Err(FontError::Corrupt),
                "{} px",
                f.px
            );
        }
    }

    #[test]
    fn every_mutated_atlas_is_caught() {
        // Bytes all through the smallest atlas (every 41st: every byte would take
        // minutes in a debug build) replaced by a few values: decoding fails with
        // Corrupt every time (the checksum catches what the coder cannot), and never
        // panics.
        let f = &FONTS[0];
        let mut bytes = f.packed.to_vec();
        for i in (0..bytes.len()).step_by(41) {
            let original = bytes[i];
            for value in [0x00, 0xFF, original ^ 0x01, original ^ 0x80] {
                if value == original {
                    continue;
                }
                bytes[i] = value;
                assert_eq!(decode_font(f, &bytes), Err(FontError::Corrupt), "byte {i}");
            }
            bytes[i] = original;
        }
    }
}
