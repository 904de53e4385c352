//! The decoder of the compressed atlas format (crate docs, "The compressed atlas
//! format"); the encoder is `encode.rs`.

use crate::format::{COPY_ABOVE, FULL, HEADER, LEVEL_A8, MAX_LENGTH_NIBBLES};
use crate::hash::fnv1a;
use crate::FontError;

/// Reads nibbles, high first, from a byte slice.
struct Nibbles<'a> {
    bytes: &'a [u8],
    /// Index of the next nibble.
    at: usize,
}

impl Nibbles<'_> {
    fn next(&mut self) -> Result<u8, FontError> {
        let byte = *self.bytes.get(self.at / 2).ok_or(FontError::Corrupt)?;
        let nibble = if self.at.is_multiple_of(2) {
            byte >> 4
        } else {
            byte & 15
        };
        self.at += 1;
        Ok(nibble)
    }

    /// A run's pixel count: its coded length plus one.
    fn run(&mut self) -> Result<usize, FontError> {
        let mut value = 0usize;
        for group in 0..MAX_LENGTH_NIBBLES {
            let n = self.next()?;
            value |= usize::from(n & 7) << (3 * group);
            if n & 8 == 0 {
                return Ok(value + 1);
            }
        }
        Err(FontError::Corrupt)
    }

    fn left(&self) -> usize {
        (self.bytes.len() * 2).saturating_sub(self.at)
    }
}

/// Decodes `packed`, an atlas `width` pixels wide, into `out`, which must be exactly
/// as long as the atlas; every byte of `out` is written on success.
pub(crate) fn unpack(packed: &[u8], width: usize, out: &mut [u8]) -> Result<(), FontError> {
    // The checksum first: a damaged stream is refused before any work, and what
    // decodes is exactly what the encoder wrote.
    let Some((hash, stream)) = packed.split_first_chunk::<HEADER>() else {
        return Err(FontError::Corrupt);
    };
    if fnv1a(stream) != u64::from_le_bytes(*hash) {
        return Err(FontError::Corrupt);
    }
    let mut input = Nibbles {
        bytes: stream,
        at: 0,
    };
    let mut filled = 0;
    while filled < out.len() {
        let code = input.next()?;
        let count = match code {
            0 | FULL | COPY_ABOVE => input.run()?,
            _ => 1,
        };
        let end = filled
            .checked_add(count)
            .filter(|&end| end <= out.len())
            .ok_or(FontError::Corrupt)?;
        if code == COPY_ABOVE {
            copy_above(out, width, filled, end)?;
        } else {
            let level = LEVEL_A8.get(usize::from(code)).ok_or(FontError::Corrupt)?;
            out.get_mut(filled..end)
                .ok_or(FontError::Corrupt)?
                .fill(*level);
        }
        filled = end;
    }
    match input.left() {
        0 => Ok(()),
        1 if input.next()? == 0 => Ok(()),
        _ => Err(FontError::Corrupt),
    }
}

/// Sets `out[i] = out[i - width]` for `start <= i < end`, in order (a run longer than
/// a row repeats rows it has just written); the first row has nothing above it.
fn copy_above(out: &mut [u8], width: usize, start: usize, end: usize) -> Result<(), FontError> {
    if width == 0 || start < width || end > out.len() {
        return Err(FontError::Corrupt);
    }
    let mut at = start;
    while at < end {
        // Whole chunks of at most one row: the source lies entirely before `at`.
        let chunk = (end - at).min(width);
        out.copy_within(at - width..at - width + chunk, at);
        at += chunk;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::encode;
    use crate::{Font, FONTS};
    use alloc::vec;
    use alloc::vec::Vec;

    /// A nibble stream behind its checksum, as the encoder frames it.
    fn framed(stream: &[u8]) -> Vec<u8> {
        let mut packed = fnv1a(stream).to_le_bytes().to_vec();
        packed.extend_from_slice(stream);
        packed
    }

    /// Decodes a framed stream of an atlas `width` pixels wide, `len` pixels in all.
    fn decode(stream: &[u8], width: usize, len: usize) -> Result<Vec<u8>, FontError> {
        decode_packed(&framed(stream), width, len)
    }

    fn decode_packed(packed: &[u8], width: usize, len: usize) -> Result<Vec<u8>, FontError> {
        let mut out = vec![0xAA; len];
        unpack(packed, width, &mut out).map(|()| out)
    }

    fn decode_font(f: &Font, packed: &[u8]) -> Result<Vec<u8>, FontError> {
        decode_packed(packed, f.width as usize, (f.width * f.height) as usize)
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
    fn literals_runs_and_copies_decode() {
        // Width 4. Zero run of 3 (L = 2), literal 7, run of 9 full (L = 8: nibbles
        // 8|0, 1), copy-above run of 3 (L = 2).
        let stream = [0x02, 0x7E, 0x81, 0xF2];
        let mut want = vec![0, 0, 0, 128];
        want.extend([255; 9 + 3]);
        assert_eq!(decode(&stream, 4, 16), Ok(want));
        // A byte more is more than one padding nibble.
        assert_eq!(
            decode(&[0x02, 0x7E, 0x81, 0xF2, 0x00], 4, 16),
            Err(FontError::Corrupt)
        );
    }

    #[test]
    fn copy_longer_than_a_row_repeats_rows() {
        // Width 2: literals 1, 2, then a copy-above run of 5 (L = 4).
        assert_eq!(
            decode(&[0x12, 0xF4], 2, 7),
            Ok(vec![18, 36, 18, 36, 18, 36, 18])
        );
    }

    #[test]
    fn copy_in_the_first_row_is_corrupt() {
        // Width 4: one literal, then a copy of 2 from a row that does not exist.
        assert_eq!(decode(&[0x1F, 0x10], 4, 3), Err(FontError::Corrupt));
        assert_eq!(decode(&[0x1F, 0x10], 0, 3), Err(FontError::Corrupt));
    }

    #[test]
    fn odd_nibble_count_needs_a_zero_pad() {
        assert_eq!(decode(&[0x12, 0x30], 4, 3), Ok(vec![18, 36, 55]));
        assert_eq!(decode(&[0x12, 0x34], 4, 3), Err(FontError::Corrupt));
    }

    #[test]
    fn run_past_the_end_is_corrupt() {
        // A run of 4 zeros into 3 pixels.
        assert_eq!(decode(&[0x03], 4, 3), Err(FontError::Corrupt));
    }

    #[test]
    fn length_of_more_than_eight_nibbles_is_corrupt() {
        // Eight nibbles, the last one ending the length: L = 1, a run of 2 zeros.
        let eight = [0x09, 0x88, 0x88, 0x88, 0x01];
        assert_eq!(decode(&eight, 4, 3), Ok(vec![0, 0, 18]));
        // Eight nibbles that all ask for another one.
        let nine = [0x09, 0x88, 0x88, 0x88, 0x80];
        assert_eq!(decode(&nine, 4, 3), Err(FontError::Corrupt));
    }

    #[test]
    fn short_stream_is_corrupt() {
        assert_eq!(decode(&[], 4, 1), Err(FontError::Corrupt));
        assert_eq!(decode(&[0x77], 4, 3), Err(FontError::Corrupt));
        assert_eq!(decode(&[0x00], 4, 0), Err(FontError::Corrupt));
        assert_eq!(decode(&[], 4, 0), Ok(vec![]));
        // Shorter than the checksum.
        assert_eq!(decode_packed(&[0; 7], 4, 0), Err(FontError::Corrupt));
    }

    #[test]
    fn encoded_images_decode_to_their_a8_values() {
        for (width, height) in [(1, 1), (1, 9), (9, 1), (7, 5), (64, 48)] {
            let levels = ramp(width, height);
            let want: Vec<u8> = levels.iter().map(|&l| LEVEL_A8[usize::from(l)]).collect();
            let packed = encode(&levels, width);
            assert_eq!(
                decode_packed(&packed, width, levels.len()),
                Ok(want),
                "{width}x{height}"
            );
        }
        // Uniform images: one long run, or a row and a copy of it.
        for level in [0, 3, 14] {
            let packed = encode(&[level; 5000], 100);
            let want = vec![LEVEL_A8[usize::from(level)]; 5000];
            assert_eq!(decode_packed(&packed, 100, 5000), Ok(want));
        }
    }

    #[test]
    fn checksum_mismatch_is_corrupt() {
        let mut packed = encode(&ramp(16, 8), 16);
        assert!(decode_packed(&packed, 16, 128).is_ok());
        packed[0] ^= 1;
        assert_eq!(decode_packed(&packed, 16, 128), Err(FontError::Corrupt));
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
        // Corrupt every time, and never panics.
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

    #[test]
    fn damage_behind_a_matching_checksum_never_panics() {
        // The structural checks alone, on streams framed with their own checksum:
        // every byte of a real stream replaced, decoding ends in Ok or Corrupt.
        let f = &FONTS[0];
        let stream = &f.packed[HEADER..];
        let mut bytes = stream.to_vec();
        let mut caught = 0;
        let mut tried = 0;
        for i in (0..bytes.len()).step_by(97) {
            let original = bytes[i];
            for value in [0x00, 0xF8, original ^ 0x08] {
                bytes[i] = value;
                tried += 1;
                match decode(&bytes, f.width as usize, (f.width * f.height) as usize) {
                    Err(FontError::Corrupt) => caught += 1,
                    Err(e) => panic!("unexpected {e:?}"),
                    Ok(out) => assert_eq!(out.len(), (f.width * f.height) as usize),
                }
            }
            bytes[i] = original;
        }
        // A changed token shifts the pixels after it: the count rarely comes out exact.
        assert!(caught * 2 > tried, "{caught} of {tried}");
    }
}
