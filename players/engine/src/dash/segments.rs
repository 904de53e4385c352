//! The uniform view of a Representation's segments, whatever its addressing: numbers,
//! times in its timescale and on the presentation timeline, resolved URLs and byte
//! ranges; for a dynamic MPD, only those available at a wall-clock time
//! (ISO/IEC 23009-1 §5.3.9.5.3). Lazy: a timeline of 2^31 repeats or a 1 µs duration
//! over a century costs nothing until iterated, and [`Segments::from_time`] jumps by
//! arithmetic.

use alloc::string::String;

use super::addressing::Addressing;
use super::representation::Representation;
use super::slots::Slots;
use super::timeline::Slot;
use crate::media::ByteRange;
use crate::time::{Micros, Ticks};
use crate::url::resolve;

const US: i128 = 1_000_000;

/// The live parameters of a dynamic MPD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Live {
    /// `MPD@availabilityStartTime`, milliseconds since the Unix epoch.
    pub availability_start_time: i64,
    /// `MPD@timeShiftBufferDepth` (`None`: unbounded).
    pub time_shift_buffer_depth: Option<Micros>,
}

/// Where a Representation's Period sits, and the live parameters if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// The Period's start on the presentation timeline.
    pub period_start: Micros,
    /// The Period's duration, when known.
    pub period_duration: Option<Micros>,
    /// Set for a dynamic MPD.
    pub live: Option<Live>,
}

/// One media segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Its number (`$Number$`; the position from `@startNumber` for lists).
    pub number: u64,
    /// Its media time (`$Time$`, `S@t`), in the Representation's timescale; it includes
    /// `@presentationTimeOffset`.
    pub time: Ticks,
    /// Its duration, in the same timescale.
    pub duration: Ticks,
    /// Its start on the presentation timeline: Period start + (time − offset).
    pub start: Micros,
    /// Its resolved URL.
    pub url: String,
    /// The byte range to request, if only part of the resource.
    pub range: Option<ByteRange>,
}

/// An iterator over a Representation's segments (see [`Representation::segments`]).
#[derive(Clone, Debug)]
pub struct Segments<'a> {
    representation: &'a Representation,
    slots: Slots<'a>,
    offset: i64,
    timescale: u32,
    /// Slots starting at or after this media time are past the Period's end.
    end: Option<i64>,
    /// Live: slots ending after this media time are not available yet.
    edge: Option<i64>,
    end_number: Option<u64>,
    list_len: Option<u64>,
}

/// `floor(us × timescale / 10^6)`, saturated to `i64`.
fn ticks_floor(us: i128, timescale: u32) -> i64 {
    saturate((us * i128::from(timescale)).div_euclid(US))
}

/// `ceil(us × timescale / 10^6)`, saturated to `i64`.
fn ticks_ceil(us: i128, timescale: u32) -> i64 {
    saturate(-(-us * i128::from(timescale)).div_euclid(US))
}

fn saturate(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

impl<'a> Segments<'a> {
    pub(crate) fn new(rep: &'a Representation, now_ms: Option<i64>) -> Self {
        let base = rep.addressing.base();
        let (offset, timescale) = (base.presentation_time_offset as i64, base.timescale);
        let timing = rep.timing;
        let end = timing
            .period_duration
            .map(|d| offset.saturating_add(ticks_ceil(i128::from(d.0), timescale)));
        // Live: the wall clock relative to the Period's start, in µs.
        let live = timing.live.zip(now_ms).map(|(live, now)| {
            let elapsed = (i128::from(now) - i128::from(live.availability_start_time)) * 1000
                - i128::from(timing.period_start.0);
            (live, elapsed)
        });
        let ato = i128::from(base.availability_time_offset.0);
        let edge = live
            .filter(|_| base.availability_time_offset.0 != i64::MAX)
            .map(|(_, elapsed)| offset.saturating_add(ticks_floor(elapsed + ato, timescale)));
        // r = -1 runs stop at the Period's end or, live, at the edge.
        let open_end = match (end, edge) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let whole = |number| {
            Slots::Single(Some(Slot {
                number,
                index: 0,
                time: offset,
                duration: end.map_or(0, |e| e.saturating_sub(offset)),
            }))
        };
        let (slots, end_number, list_len) = match &rep.addressing {
            Addressing::Base(_) => (whole(1), None, None),
            Addressing::List(l) => {
                let s = &l.sequence;
                let len = l.urls.len() as u64;
                (
                    sequence_slots(s, offset, open_end, &whole),
                    s.end_number,
                    Some(len),
                )
            }
            Addressing::Template(t) => {
                let s = &t.sequence;
                (
                    sequence_slots(s, offset, open_end, &whole),
                    s.end_number,
                    None,
                )
            }
        };
        // A list is explicit and finite: its last segment may nominally start at the
        // Period's end (a short tail after uniform `@duration`s), and is still listed.
        let end = end.filter(|_| list_len.is_none());
        let mut segments = Self {
            representation: rep,
            slots,
            offset,
            timescale,
            end,
            edge,
            end_number,
            list_len,
        };
        if let Some((live, elapsed)) = live {
            if let Some(depth) = live.time_shift_buffer_depth {
                // Still available while now < SAST + d + depth, i.e. the segment's
                // time + 2d > now − depth (in media time).
                let oldest =
                    offset.saturating_add(ticks_floor(elapsed - i128::from(depth.0), timescale));
                segments.slots.seek(oldest, 2);
            }
        }
        segments
    }

    /// Skips the segments that end at or before `time` (presentation timeline), by
    /// arithmetic: the next segment is the one containing `time`.
    pub fn from_time(mut self, time: Micros) -> Self {
        let since_start =
            i128::from(time.0) - i128::from(self.representation.timing.period_start.0);
        let threshold = self
            .offset
            .saturating_add(ticks_floor(since_start, self.timescale));
        self.slots.seek(threshold, 1);
        self
    }

    fn segment(&self, slot: Slot) -> Segment {
        let rep = self.representation;
        let (url, range) = match &rep.addressing {
            Addressing::Base(_) => (String::from(&*rep.base_url), None),
            Addressing::List(l) => {
                let u = usize::try_from(slot.index).ok().and_then(|i| l.urls.get(i));
                let media = u.and_then(|u| u.media.as_deref());
                let url = media.map_or_else(
                    || String::from(&*rep.base_url),
                    |m| resolve(&rep.base_url, m),
                );
                (url, u.and_then(|u| u.media_range))
            }
            Addressing::Template(t) => {
                let values = rep.values(slot.number, slot.time.max(0) as u64);
                let url = match &t.media {
                    Some(m) => resolve(&rep.base_url, &m.expand(&values)),
                    None => String::from(&*rep.base_url),
                };
                (url, None)
            }
        };
        let since_offset = i128::from(slot.time) - i128::from(self.offset);
        let start = i128::from(rep.timing.period_start.0)
            + (since_offset * US).div_euclid(i128::from(self.timescale));
        Segment {
            number: slot.number,
            time: Ticks::new(slot.time, self.timescale),
            duration: Ticks::new(slot.duration, self.timescale),
            start: Micros(saturate(start)),
            url,
            range,
        }
    }
}

/// The slots of a `SegmentList` or `SegmentTemplate`: its timeline, its `@duration`, or
/// (neither given) one segment for the whole Period.
fn sequence_slots<'a>(
    s: &'a super::addressing::Sequence,
    offset: i64,
    open_end: Option<i64>,
    whole: &dyn Fn(u64) -> Slots<'a>,
) -> Slots<'a> {
    if !s.timeline.is_empty() {
        return Slots::timeline(&s.timeline, s.start_number, open_end);
    }
    match s.duration {
        Some(d) => Slots::Uniform {
            next: 0,
            end: None,
            start_number: s.start_number,
            offset,
            duration: d as i64,
        },
        None => whole(s.start_number),
    }
}

impl Iterator for Segments<'_> {
    type Item = Segment;

    fn next(&mut self) -> Option<Segment> {
        let slot = self.slots.next()?;
        let past_end = self.end.is_some_and(|end| slot.time >= end)
            || self
                .edge
                .is_some_and(|edge| slot.time.saturating_add(slot.duration) > edge)
            || self.end_number.is_some_and(|n| slot.number > n)
            || self.list_len.is_some_and(|n| slot.index >= n);
        if past_end {
            // Every later slot is past it too: stop for good.
            self.slots = Slots::Single(None);
            return None;
        }
        Some(self.segment(slot))
    }
}
