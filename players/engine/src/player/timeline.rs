//! The presentation timeline: container timestamps rebased onto the playlist's time.
//!
//! Every access unit reaches the device in microseconds on one wrap-free timeline,
//! the playlist's (segment start times, RFC 8216 §6.2.2 via EXTINF sums). Each
//! discontinuity domain (RFC 8216 §4.3.2.3: timestamps may restart at a
//! discontinuity) gets one offset, taken from the first access unit the player sees
//! in it and shared by every stream (video, alternate audio), so audio and video stay
//! aligned and a variant switch inside a domain keeps its timestamps. MPEG-TS
//! timestamps wrap at 2^33 ticks (ISO/IEC 13818-1 §2.4.3.7, ~26.5 h): a demuxer sees
//! one segment at a time, so a value is moved to the lap nearest to where the
//! playlist says its segment starts.

use alloc::vec::Vec;

use crate::time::{Ticks, MPEG_TIMESCALE};

/// Offsets per discontinuity domain.
#[derive(Clone, Debug, Default)]
pub(crate) struct Timeline {
    domains: Vec<(u64, i64)>,
}

/// A 33-bit lap of the MPEG clock, in 90 kHz ticks.
const MPEG_LAP: i64 = 1 << 33;
/// Most domains remembered (oldest forgotten first; a long live session has many).
const MAX_DOMAINS: usize = 64;

impl Timeline {
    /// Forgets every offset (a new presentation).
    pub(crate) fn clear(&mut self) {
        self.domains.clear();
    }

    /// Whether `domain` has its offset.
    pub(crate) fn knows(&self, domain: u64) -> bool {
        self.domains.iter().any(|(d, _)| *d == domain)
    }

    /// Sets the offset of a new `domain` so that `earliest_us` (the earliest
    /// timestamp of its first units, µs in the container's time) lands on
    /// `segment_start_us`: audio and video that start a few milliseconds apart keep
    /// that gap instead of one of them landing before the segment.
    pub(crate) fn open(&mut self, domain: u64, segment_start_us: i64, earliest_us: i64) {
        if self.knows(domain) {
            return;
        }
        if self.domains.len() >= MAX_DOMAINS {
            self.domains.remove(0);
        }
        self.domains.push((domain, segment_start_us - earliest_us));
    }

    /// `value` (ticks of `timescale`, from a segment of domain `domain` that starts at
    /// `segment_start_us` on the timeline) in microseconds on the timeline.
    pub(crate) fn place(
        &mut self,
        domain: u64,
        segment_start_us: i64,
        value: i64,
        timescale: u32,
    ) -> i64 {
        let mut value = value;
        let offset = match self.domains.iter().find(|(d, _)| *d == domain) {
            Some(&(_, offset)) => offset,
            None => {
                let offset = segment_start_us - Ticks::new(value, timescale).to_micros().0;
                if self.domains.len() >= MAX_DOMAINS {
                    self.domains.remove(0);
                }
                self.domains.push((domain, offset));
                offset
            }
        };
        if timescale == MPEG_TIMESCALE {
            // Move to the lap nearest to the segment's start.
            let expected = Ticks::new(segment_start_us - offset, 1_000_000).rescale(timescale);
            let laps = (expected - value + MPEG_LAP / 2).div_euclid(MPEG_LAP);
            value = value.saturating_add(laps.saturating_mul(MPEG_LAP));
        }
        Ticks::new(value, timescale)
            .to_micros()
            .0
            .saturating_add(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_unit_of_a_domain_lands_on_its_segment_start() {
        let mut t = Timeline::default();
        // A stream whose first PTS is 10 s lands at 0.
        assert_eq!(t.place(0, 0, 900_000, 90_000), 0);
        assert_eq!(t.place(0, 4_000_000, 1_260_000, 90_000), 4_000_000);
        // A new domain restarts its timestamps at 0 and lands on its own segment.
        assert_eq!(t.place(1, 8_000_000, 0, 90_000), 8_000_000);
        assert_eq!(t.place(1, 8_000_000, 3_000, 90_000), 8_000_000 + 33_333);
    }

    #[test]
    fn mpeg_wrap_between_segments_keeps_the_timeline_continuous() {
        let mut t = Timeline::default();
        let near_wrap = MPEG_LAP - 90_000; // 1 s before the wrap
        assert_eq!(t.place(0, 0, near_wrap, 90_000), 0);
        // The next segment's demuxer starts fresh after the wrap: raw 90 000 (1 s).
        assert_eq!(t.place(0, 2_000_000, 90_000, 90_000), 2_000_000);
    }

    #[test]
    fn other_timescales_are_not_wrapped() {
        let mut t = Timeline::default();
        assert_eq!(t.place(0, 0, 0, 1000), 0);
        assert_eq!(t.place(0, 0, 5_000, 1000), 5_000_000);
    }
}
