//! Time in the units media uses. Timestamps keep their track's timescale
//! ([`Ticks`]) until they reach the device, which wants microseconds ([`Micros`]);
//! mixing timescales silently is the classic media bug, so conversions are explicit.

/// Microseconds on the presentation timeline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Micros(pub i64);

/// A timestamp or duration in a timescale (units per second).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ticks {
    /// The count of units.
    pub value: i64,
    /// Units per second; never 0 in a value built by a parser.
    pub timescale: u32,
}

/// MPEG-TS timestamps: 90 kHz.
pub const MPEG_TIMESCALE: u32 = 90_000;

impl Ticks {
    /// A value in a timescale.
    pub const fn new(value: i64, timescale: u32) -> Self {
        Self { value, timescale }
    }

    /// Rescales to another timescale, rounding to nearest (ties away from zero), with
    /// 128-bit intermediates so no input overflows. A zero timescale gives 0.
    pub const fn rescale(self, timescale: u32) -> i64 {
        if self.timescale == 0 {
            return 0;
        }
        let num = self.value as i128 * timescale as i128;
        let den = self.timescale as i128;
        let half = den / 2;
        let rounded = if num >= 0 {
            (num + half) / den
        } else {
            (num - half) / den
        };
        if rounded > i64::MAX as i128 {
            i64::MAX
        } else if rounded < i64::MIN as i128 {
            i64::MIN
        } else {
            rounded as i64
        }
    }

    /// In microseconds.
    pub const fn to_micros(self) -> Micros {
        Micros(self.rescale(1_000_000))
    }
}

/// Unwraps timestamps that wrap at `2^bits` (33 bits in MPEG-TS, ISO/IEC 13818-1
/// §2.4.3.7) into a continuous 64-bit timeline: each value is placed at the lap that
/// is nearest to the previous one, so it follows forward wraps and small backward
/// steps (B-frames, audio/video interleave) alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unwrapper {
    bits: u32,
    last: Option<i64>,
}

impl Unwrapper {
    /// An unwrapper for `bits`-bit timestamps (1..=62).
    pub const fn new(bits: u32) -> Self {
        Self { bits, last: None }
    }

    /// The 33-bit MPEG-TS unwrapper.
    pub const fn mpeg() -> Self {
        Self::new(33)
    }

    /// Places a raw timestamp on the continuous timeline.
    pub fn unwrap(&mut self, raw: u64) -> i64 {
        let period = 1i64 << self.bits;
        let raw = (raw & (period as u64 - 1)) as i64;
        let value = match self.last {
            None => raw,
            Some(last) => {
                let base = last - last.rem_euclid(period);
                [base - period + raw, base + raw, base + period + raw]
                    .into_iter()
                    .min_by_key(|candidate| (candidate - last).unsigned_abs())
                    .unwrap_or(raw)
            }
        };
        self.last = Some(value);
        value
    }

    /// Forgets the history (after a discontinuity).
    pub fn reset(&mut self) {
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rescaling_rounds_to_nearest_without_overflow() {
        assert_eq!(Ticks::new(90_000, 90_000).to_micros(), Micros(1_000_000));
        assert_eq!(Ticks::new(1, 90_000).to_micros(), Micros(11));
        assert_eq!(Ticks::new(-1, 90_000).to_micros(), Micros(-11));
        assert_eq!(Ticks::new(3, 2).rescale(1), 2);
        assert_eq!(Ticks::new(i64::MAX, 1).rescale(1_000_000), i64::MAX);
        assert_eq!(Ticks::new(5, 0).rescale(1000), 0);
    }

    #[test]
    fn thirty_three_bit_timestamps_unwrap_across_the_wrap() {
        let mut u = Unwrapper::mpeg();
        let max = (1u64 << 33) - 1;
        assert_eq!(u.unwrap(max - 3000), (max - 3000) as i64);
        assert_eq!(
            u.unwrap(1000),
            (1i64 << 33) + 1000,
            "forward across the wrap"
        );
        assert_eq!(
            u.unwrap(max - 500),
            (max - 500) as i64,
            "a small step back across it"
        );
        assert_eq!(u.unwrap(4000), (1i64 << 33) + 4000);
        u.reset();
        assert_eq!(u.unwrap(7), 7);
    }
}
