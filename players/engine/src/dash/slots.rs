//! Segment positions before they become URLs: a uniform `@duration` sequence
//! (ISO/IEC 23009-1 §5.3.9.5.2), a `SegmentTimeline` (§5.3.9.6), or the one resource
//! of a `SegmentBase`. All lazy, all seekable by arithmetic.

use super::timeline::{Slot, TimelineCursor, TimelineEntry};

/// Where the segments of a Representation come from.
#[derive(Clone, Debug)]
pub(crate) enum Slots<'a> {
    /// Segment `k` starts at `offset + k × duration` and is numbered `start + k`.
    Uniform {
        next: u64,
        end: Option<u64>,
        start_number: u64,
        offset: i64,
        duration: i64,
    },
    Timeline(TimelineCursor<'a>),
    /// One slot (a whole resource), taken or not.
    Single(Option<Slot>),
}

impl<'a> Slots<'a> {
    pub fn timeline(
        entries: &'a [TimelineEntry],
        start_number: u64,
        open_end: Option<i64>,
    ) -> Self {
        Self::Timeline(TimelineCursor::new(entries, start_number, open_end))
    }

    /// Skips the slots whose `time + lead × duration <= threshold`.
    pub fn seek(&mut self, threshold: i64, lead: i64) {
        match self {
            Self::Uniform {
                next,
                offset,
                duration,
                ..
            } => {
                // Smallest k with offset + (k + lead) × d > threshold.
                let d = i128::from(*duration);
                let span = i128::from(threshold) - i128::from(*offset) - i128::from(lead) * d;
                if span >= 0 {
                    let k = u64::try_from(span / d + 1).unwrap_or(u64::MAX);
                    *next = (*next).max(k);
                }
            }
            Self::Timeline(cursor) => cursor.seek(threshold, lead),
            Self::Single(slot) => {
                if slot.is_some_and(|s| {
                    i128::from(s.time) + i128::from(lead) * i128::from(s.duration)
                        <= i128::from(threshold)
                }) {
                    *slot = None;
                }
            }
        }
    }
}

impl Iterator for Slots<'_> {
    type Item = Slot;

    fn next(&mut self) -> Option<Slot> {
        match self {
            Self::Uniform {
                next,
                end,
                start_number,
                offset,
                duration,
            } => {
                if end.is_some_and(|end| *next >= end) {
                    return None;
                }
                let time = i128::from(*offset) + i128::from(*next) * i128::from(*duration);
                let time = i64::try_from(time).ok()?;
                time.checked_add(*duration)?;
                let slot = Slot {
                    number: start_number.checked_add(*next)?,
                    index: *next,
                    time,
                    duration: *duration,
                };
                *next = next.checked_add(1)?;
                Some(slot)
            }
            Self::Timeline(cursor) => cursor.next(),
            Self::Single(slot) => slot.take(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uniform(end: Option<u64>) -> Slots<'static> {
        Slots::Uniform {
            next: 0,
            end,
            start_number: 5,
            offset: 100,
            duration: 10,
        }
    }

    #[test]
    fn uniform_slots_number_from_the_start_number() {
        let got: alloc::vec::Vec<_> = uniform(Some(3)).map(|s| (s.number, s.time)).collect();
        assert_eq!(got, [(5, 100), (6, 110), (7, 120)]);
    }

    #[test]
    fn uniform_seek_lands_on_the_segment_containing_the_threshold() {
        let mut s = uniform(None);
        s.seek(125, 1);
        assert_eq!(s.next().map(|s| (s.number, s.time)), Some((7, 120)));
        let mut s = uniform(None);
        s.seek(125, 2);
        assert_eq!(s.next().map(|s| s.time), Some(110));
        let mut s = uniform(None);
        s.seek(i64::MAX, 1);
        assert_eq!(s.next(), None, "past the end of i64 time");
    }
}
