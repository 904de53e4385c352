//! The encoder of the compressed atlas format (crate docs). The build script includes
//! this file to compress the atlases; the crate's tests include it for round trips.
//! The decoder, `atlas.rs`, mirrors it step for step.

use alloc::vec::Vec;

use super::format::{context, ADAPT, HEADER, LEVEL_A8, PROBS, PROB_BITS, PROB_START, TOP};
use super::hash::fnv1a;

/// LZMA's range encoder (Igor Pavlov, LZMA SDK `RangeEnc_*`): `low` carries into
/// bytes already produced through `cache`.
struct RangeEncoder {
    low: u64,
    range: u32,
    cache: u8,
    cache_size: u64,
    out: Vec<u8>,
}

impl RangeEncoder {
    fn bit(&mut self, prob: &mut u16, bit: u8) {
        let bound = (self.range >> PROB_BITS) * u32::from(*prob);
        if bit == 0 {
            self.range = bound;
            *prob += ((1 << PROB_BITS) - *prob) >> ADAPT;
        } else {
            self.low += u64::from(bound);
            self.range -= bound;
            *prob -= *prob >> ADAPT;
        }
        while self.range < TOP {
            self.range <<= 8;
            self.shift_low();
        }
    }

    fn shift_low(&mut self) {
        if (self.low as u32) < 0xFF00_0000 || (self.low >> 32) != 0 {
            let carry = (self.low >> 32) as u8;
            let mut byte = self.cache;
            loop {
                self.out.push(byte.wrapping_add(carry));
                byte = 0xFF;
                self.cache_size -= 1;
                if self.cache_size == 0 {
                    break;
                }
            }
            self.cache = (self.low >> 24) as u8;
        }
        self.cache_size += 1;
        self.low = (self.low & 0x00FF_FFFF) << 8;
    }
}

/// Compresses an atlas of levels 0..=14, `width` pixels wide.
pub(crate) fn encode(levels: &[u8], width: usize) -> Vec<u8> {
    let a8: Vec<u8> = levels.iter().map(|&l| LEVEL_A8[usize::from(l)]).collect();
    let mut rc = RangeEncoder {
        low: 0,
        range: u32::MAX,
        cache: 0,
        cache_size: 1,
        out: fnv1a(&a8).to_le_bytes().to_vec(),
    };
    assert_eq!(rc.out.len(), HEADER);
    let mut probs = [PROB_START; PROBS];
    for (i, &level) in levels.iter().enumerate() {
        let above = if i >= width { levels[i - width] } else { 0 };
        let left = if i % width != 0 { levels[i - 1] } else { 0 };
        let tree = context(above, left);
        let mut node = 1;
        for shift in (0..4).rev() {
            let bit = (level >> shift) & 1;
            rc.bit(&mut probs[tree + node], bit);
            node = node * 2 + usize::from(bit);
        }
    }
    for _ in 0..5 {
        rc.shift_low();
    }
    rc.out
}
