//! `SegmentTimeline` (ISO/IEC 23009-1 §5.3.9.6, Table 17): runs of `S@t`, `@d`, `@r`
//! (`@r = -1`: repeat up to the next `S@t`, the end of the Period, or the live edge),
//! walked lazily: a run of 2^31 repeats is one entry, and seeking skips whole runs by
//! arithmetic.

use alloc::vec::Vec;

use super::attr::{push, El};
use super::error::MpdError;

/// One `S` element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimelineEntry {
    /// `@t`: the media time of the run's first segment, if given.
    pub t: Option<u64>,
    /// `@n`: the number of the run's first segment, if given (4th edition).
    pub n: Option<u64>,
    /// `@d`: each segment's duration, > 0.
    pub d: u64,
    /// `@r`: repeats after the first (`-1`: open-ended).
    pub r: i64,
}

/// Parses the `S` children of a `SegmentTimeline`.
pub(crate) fn parse_timeline(el: &El<'_, '_>) -> Result<Vec<TimelineEntry>, MpdError> {
    let mut entries = Vec::new();
    for s in el.children("S") {
        let d = s.required("d", s.u63("d"))?;
        let r = s.i64("r")?.unwrap_or(0);
        if d == 0 || r < -1 {
            return Err(MpdError::BadValue {
                element: "S",
                attribute: if d == 0 { "d" } else { "r" },
            });
        }
        let entry = TimelineEntry {
            t: s.u63("t")?,
            n: s.u63("n")?,
            d,
            r,
        };
        push(&mut entries, entry)?;
    }
    Ok(entries)
}

/// A position in a timeline: yields `(number, index, time, duration)` slots in order,
/// with times non-decreasing (an `S@t` earlier than the previous start is clamped to
/// it; one inside the previous segment is kept, overlapping, as the MPD says).
#[derive(Clone, Debug)]
pub(crate) struct TimelineCursor<'a> {
    entries: &'a [TimelineEntry],
    next_entry: usize,
    time: i64,
    /// The start of the last slot passed: an `S@t` is never placed before it.
    floor: i64,
    duration: i64,
    remaining: u64,
    number: u64,
    index: u64,
    /// Where open-ended runs stop when no later `S@t` says (media time).
    open_end: Option<i64>,
}

/// One segment position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Slot {
    pub number: u64,
    pub index: u64,
    pub time: i64,
    pub duration: i64,
}

impl<'a> TimelineCursor<'a> {
    pub fn new(entries: &'a [TimelineEntry], start_number: u64, open_end: Option<i64>) -> Self {
        Self {
            entries,
            next_entry: 0,
            time: 0,
            floor: 0,
            duration: 1,
            remaining: 0,
            number: start_number,
            index: 0,
            open_end,
        }
    }

    /// Moves to the next run; `false` at the end.
    fn enter(&mut self) -> bool {
        let Some(entry) = self.entries.get(self.next_entry) else {
            return false;
        };
        self.next_entry += 1;
        if let Some(t) = entry.t {
            self.time = (t as i64).max(self.floor);
        }
        if let Some(n) = entry.n {
            self.number = self.number.max(n);
        }
        self.duration = entry.d as i64;
        self.remaining = if entry.r >= 0 {
            entry.r as u64 + 1
        } else {
            let next_t = self.entries.get(self.next_entry).and_then(|e| e.t);
            match next_t.map(|t| t as i64).or(self.open_end) {
                // ceil((bound - t) / d) segments start before the bound.
                Some(bound) => {
                    let span = i128::from(bound) - i128::from(self.time);
                    let d = i128::from(self.duration);
                    u64::try_from((span + d - 1).div_euclid(d).max(0)).unwrap_or(u64::MAX)
                }
                // No known end (a static MPD without durations): just the one.
                None => 1,
            }
        };
        true
    }

    /// Skips the slots whose `time + lead * duration <= threshold` (lead 1: those
    /// ending at or before it), by arithmetic within each run.
    pub fn seek(&mut self, threshold: i64, lead: i64) {
        loop {
            while self.remaining == 0 {
                if !self.enter() {
                    return;
                }
            }
            let d = i128::from(self.duration);
            let first_end = i128::from(self.time) + i128::from(lead) * d;
            if first_end > i128::from(threshold) {
                return;
            }
            let skip = (i128::from(threshold) - first_end) / d + 1;
            let skip = u64::try_from(skip).unwrap_or(u64::MAX).min(self.remaining);
            if !self.advance(skip) {
                return;
            }
        }
    }

    /// Advances `count` slots in the current run; `false` once time overflows.
    fn advance(&mut self, count: u64) -> bool {
        let time = i128::from(self.time) + i128::from(count) * i128::from(self.duration);
        self.remaining -= count;
        self.number = self.number.saturating_add(count);
        self.index = self.index.saturating_add(count);
        match i64::try_from(time) {
            Ok(t) => {
                if count > 0 {
                    self.floor = t - self.duration;
                }
                self.time = t;
                true
            }
            Err(_) => {
                self.remaining = 0;
                self.next_entry = self.entries.len();
                false
            }
        }
    }
}

impl Iterator for TimelineCursor<'_> {
    type Item = Slot;

    fn next(&mut self) -> Option<Slot> {
        while self.remaining == 0 {
            if !self.enter() {
                return None;
            }
        }
        // The slot's end must be representable.
        self.time.checked_add(self.duration)?;
        let slot = Slot {
            number: self.number,
            index: self.index,
            time: self.time,
            duration: self.duration,
        };
        self.advance(1);
        Some(slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: Option<u64>, d: u64, r: i64) -> TimelineEntry {
        TimelineEntry { t, n: None, d, r }
    }

    fn times(c: TimelineCursor<'_>) -> Vec<(u64, i64, i64)> {
        c.map(|s| (s.number, s.time, s.duration)).collect()
    }

    #[test]
    fn repeats_and_implicit_times_follow_each_other() {
        let e = [s(Some(10), 5, 2), s(None, 3, 0), s(Some(40), 2, 0)];
        assert_eq!(
            times(TimelineCursor::new(&e, 1, None)),
            [(1, 10, 5), (2, 15, 5), (3, 20, 5), (4, 25, 3), (5, 40, 2)]
        );
    }

    #[test]
    fn open_repeat_stops_at_the_next_time_or_the_open_end() {
        let e = [s(Some(0), 4, -1), s(Some(10), 1, 0)];
        assert_eq!(
            times(TimelineCursor::new(&e, 0, None)),
            [(0, 0, 4), (1, 4, 4), (2, 8, 4), (3, 10, 1)]
        );
        let e = [s(Some(0), 4, -1)];
        assert_eq!(times(TimelineCursor::new(&e, 0, Some(9))).len(), 3);
        assert_eq!(times(TimelineCursor::new(&e, 0, None)).len(), 1);
    }

    #[test]
    fn seeking_skips_huge_runs_without_walking_them() {
        let e = [s(Some(0), 1, i64::from(i32::MAX)), s(None, 7, 0)];
        let mut c = TimelineCursor::new(&e, 1, None);
        c.seek(1_000_000_000, 1);
        assert_eq!(
            c.next().map(|s| (s.number, s.time)),
            Some((1_000_000_001, 1_000_000_000))
        );
        c.seek(i64::MAX - 1, 1);
        assert_eq!(c.next(), None, "every slot ends before the threshold");
    }

    #[test]
    fn times_never_go_backwards_and_never_overflow() {
        let e = [
            s(Some(100), 10, 0),
            s(Some(50), 10, 0),
            s(Some(u64::MAX >> 1), 10, 5),
        ];
        let got = times(TimelineCursor::new(&e, 0, None));
        assert_eq!(&got[..2], &[(0, 100, 10), (1, 100, 10)]);
        assert!(got.windows(2).all(|w| w[0].1 <= w[1].1));
        assert!(got.iter().all(|(_, t, d)| t.checked_add(*d).is_some()));
    }
}
