//! The encoder of the compressed atlas format (crate docs). The build script includes
//! this file to compress the atlases; the crate's tests include it for round trips.
//! The decoder, `atlas.rs`, mirrors it.

use alloc::vec::Vec;

use super::format::{COPY_ABOVE, FULL, HEADER, MAX_LENGTH_NIBBLES};
use super::hash::fnv1a;

/// Appends 4-bit values to a byte vector, high nibble first.
struct Nibbles {
    bytes: Vec<u8>,
    odd: bool,
}

impl Nibbles {
    fn push(&mut self, n: u8) {
        match (self.odd, self.bytes.last_mut()) {
            (true, Some(last)) => *last |= n,
            _ => self.bytes.push(n << 4),
        }
        self.odd = !self.odd;
    }

    /// A run: its nibble, then its length minus one, 3 bits per nibble, least
    /// significant first, bit 3 set on every nibble but the last.
    fn push_run(&mut self, code: u8, run: usize) {
        self.push(code);
        assert!(
            run <= 1 << (3 * MAX_LENGTH_NIBBLES),
            "a run too long to code"
        );
        let mut value = run - 1;
        loop {
            let low = (value & 7) as u8;
            value >>= 3;
            if value == 0 {
                self.push(low);
                return;
            }
            self.push(low | 8);
        }
    }
}

/// Compresses an atlas of levels 0..=14, `width` pixels wide. Greedy: at each pixel
/// the longer of a copy of the row above and a run of level 0 or 14 (the copy on a
/// tie, when at least 2 long), else one literal.
pub(crate) fn encode(levels: &[u8], width: usize) -> Vec<u8> {
    let mut out = Nibbles {
        bytes: Vec::new(),
        odd: false,
    };
    let mut i = 0;
    while i < levels.len() {
        let v = levels[i];
        let above = match i.checked_sub(width) {
            Some(_) if width > 0 => (i..levels.len())
                .take_while(|&j| levels[j] == levels[j - width])
                .count(),
            _ => 0,
        };
        let same = if v == 0 || v == FULL {
            levels[i..].iter().take_while(|&&l| l == v).count()
        } else {
            0
        };
        if above >= 2 && above >= same {
            out.push_run(COPY_ABOVE, above);
            i += above;
        } else if same > 0 {
            out.push_run(v, same);
            i += same;
        } else {
            out.push(v);
            i += 1;
        }
    }
    let mut packed = fnv1a(&out.bytes).to_le_bytes().to_vec();
    assert_eq!(packed.len(), HEADER);
    packed.extend_from_slice(&out.bytes);
    packed
}
