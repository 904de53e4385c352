//! Live playlists: when to reload (RFC 8216 §6.3.4) and how a reloaded sliding-window
//! playlist continues the previous one (RFC 8216 §6.3.5: segments are matched by media
//! sequence number), including LL-HLS delta updates (rfc8216bis §6.2.5.1).

use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use super::context::push;
use super::error::ErrorKind;
use super::media::MediaPlaylist;
use super::segment::Segment;
use super::timeline;

pub use super::directives::reload_url;

/// How long to wait before reloading `playlist` (RFC 8216 §6.3.4): the target
/// duration after a load that changed it (or the first load), half of it after a
/// reload that found it unchanged. `None` once it has `EXT-X-ENDLIST`.
pub fn reload_delay(playlist: &MediaPlaylist, changed: bool) -> Option<Duration> {
    if playlist.end_list {
        return None;
    }
    Some(if changed {
        playlist.target_duration
    } else {
        playlist.target_duration / 2
    })
}

/// A reloaded playlist laid on the previous one's timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reload {
    /// The reloaded playlist, complete (skipped segments of a delta update filled in
    /// from the previous one) and with start times continuing the previous timeline.
    pub playlist: MediaPlaylist,
    /// Index in `playlist.segments` of the first segment the previous playlist did
    /// not have (`playlist.segments.len()` when there is none).
    pub first_new: usize,
    /// Whether the playlist changed (RFC 8216 §6.3.4 uses it for the next delay).
    pub changed: bool,
    /// Segments that appeared and left the window between the two loads (the reload
    /// came too late); the new ones start at the previous end regardless.
    pub missed: u64,
    /// The media sequence went backwards: the stream restarted, and the reloaded
    /// playlist keeps its own timeline.
    pub restarted: bool,
}

/// Why a reload could not be merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeError {
    /// A delta update skipped segments that the previous playlist does not have.
    SkippedSegmentsUnknown,
    /// Memory could not be allocated.
    OutOfMemory,
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MergeError::SkippedSegmentsUnknown => "delta update skips unknown segments",
            MergeError::OutOfMemory => "out of memory",
        })
    }
}

/// Merges `reloaded` into the timeline of `previous` by media sequence number.
///
/// # Errors
/// [`MergeError::SkippedSegmentsUnknown`] when `reloaded` is a delta update whose
/// skipped segments `previous` does not hold (reload without `_HLS_skip`).
pub fn merge(previous: &MediaPlaylist, mut reloaded: MediaPlaylist) -> Result<Reload, MergeError> {
    if let Some(skip) = reloaded.skip.take() {
        fill_skipped(previous, &mut reloaded, skip.skipped_segments)?;
        keep_date_ranges(previous, &mut reloaded, &skip.recently_removed_dateranges)?;
    }
    let prev_first = previous.segments.first().map(|s| s.sequence);
    let prev_last = previous.segments.last().map(|s| s.sequence);
    let new_first = reloaded.segments.first().map(|s| s.sequence);
    let restarted = reloaded.media_sequence < previous.media_sequence
        || matches!((new_first, prev_first), (Some(n), Some(p)) if n < p);
    let mut missed = 0;
    if !restarted {
        // Anchor on the first segment both have; else continue from the previous end.
        let anchor = reloaded
            .segments
            .iter()
            .find_map(|s| previous.segment(s.sequence).map(|p| (p.start, s.start)));
        let (to, from) = match (anchor, previous.segments.last(), new_first) {
            (Some(pair), _, _) => pair,
            (None, Some(last), Some(first)) => {
                missed = first.saturating_sub(last.sequence.saturating_add(1));
                (last.end(), Duration::ZERO)
            }
            _ => (Duration::ZERO, Duration::ZERO),
        };
        shift(&mut reloaded.segments, to, from);
    }
    let first_new = match (restarted, prev_last) {
        (false, Some(last)) => reloaded.segments.partition_point(|s| s.sequence <= last),
        _ => 0,
    };
    let changed = restarted || differs(previous, &reloaded);
    Ok(Reload {
        playlist: reloaded,
        first_new,
        changed,
        missed,
        restarted,
    })
}

/// Moves every start by `to - from` (saturating at zero).
fn shift(segments: &mut [Segment], to: Duration, from: Duration) {
    for s in segments {
        s.start = if to >= from {
            s.start.saturating_add(to - from)
        } else {
            s.start.saturating_sub(from - to)
        };
    }
}

/// Puts back, from `previous`, the `skipped` segments a delta update left out, and
/// renumbers the listed ones' discontinuity sequence from them.
fn fill_skipped(
    previous: &MediaPlaylist,
    reloaded: &mut MediaPlaylist,
    skipped: u64,
) -> Result<(), MergeError> {
    let oom = |_: ErrorKind| MergeError::OutOfMemory;
    let first = reloaded.media_sequence;
    // The previous playlist must hold both ends of the skipped run (sequence numbers
    // are consecutive, so then it holds all of it): checked before reserving.
    let last = first.checked_add(skipped.saturating_sub(1));
    let held = |q: Option<u64>| q.and_then(|q| previous.segment(q)).is_some();
    if skipped > 0 && !(held(Some(first)) && held(last)) {
        return Err(MergeError::SkippedSegmentsUnknown);
    }
    let mut merged: Vec<Segment> = Vec::new();
    let count = usize::try_from(skipped).map_err(|_| MergeError::SkippedSegmentsUnknown)?;
    merged
        .try_reserve(count.saturating_add(reloaded.segments.len()))
        .map_err(|_| MergeError::OutOfMemory)?;
    for i in 0..skipped {
        let s = previous
            .segment(first.saturating_add(i))
            .ok_or(MergeError::SkippedSegmentsUnknown)?;
        push(&mut merged, s.clone()).map_err(oom)?;
    }
    let mut discontinuity = merged.last().map_or(reloaded.discontinuity_sequence, |s| {
        s.discontinuity_sequence
    });
    let mut start = Duration::ZERO;
    for s in &mut merged {
        s.start = start;
        start = start.saturating_add(s.duration);
    }
    for mut s in core::mem::take(&mut reloaded.segments) {
        if s.discontinuity {
            discontinuity = discontinuity.saturating_add(1);
        }
        s.discontinuity_sequence = discontinuity;
        s.start = start;
        start = start.saturating_add(s.duration);
        push(&mut merged, s).map_err(oom)?;
    }
    timeline::fill_dates(&mut merged);
    reloaded.segments = merged;
    // Tags that pointed at listed segments now point `count` further.
    for r in &mut reloaded.date_ranges {
        r.segment_index = r.segment_index.saturating_add(count);
    }
    for t in &mut reloaded.unknown_tags {
        t.segment_index = t.segment_index.saturating_add(count);
    }
    Ok(())
}

/// A delta update may also skip old date ranges (`CAN-SKIP-DATERANGES`,
/// rfc8216bis §4.4.5.2): the previous ones stay unless redefined or listed in
/// `RECENTLY-REMOVED-DATERANGES`.
fn keep_date_ranges(
    previous: &MediaPlaylist,
    reloaded: &mut MediaPlaylist,
    removed: &[alloc::string::String],
) -> Result<(), MergeError> {
    let first = reloaded.segments.first().map_or(0, |s| s.sequence);
    let mut kept = Vec::new();
    for r in &previous.date_ranges {
        let known = reloaded.date_ranges.iter().any(|n| n.id == r.id);
        if known || removed.contains(&r.id) {
            continue;
        }
        let mut r = r.clone();
        let sequence = previous.segments.get(r.segment_index).map(|s| s.sequence);
        let index = sequence.map_or(0, |q| q.saturating_sub(first));
        r.segment_index = usize::try_from(index).unwrap_or(usize::MAX);
        push(&mut kept, r).map_err(|_| MergeError::OutOfMemory)?;
    }
    kept.try_reserve(reloaded.date_ranges.len())
        .map_err(|_| MergeError::OutOfMemory)?;
    kept.append(&mut reloaded.date_ranges);
    reloaded.date_ranges = kept;
    Ok(())
}

/// Whether `reloaded` says more than `previous` did.
fn differs(previous: &MediaPlaylist, reloaded: &MediaPlaylist) -> bool {
    fn tail(p: &MediaPlaylist) -> Option<(u64, usize, &str)> {
        p.segments
            .last()
            .map(|s| (s.sequence, s.parts.len(), s.uri.as_str()))
    }
    tail(previous) != tail(reloaded)
        || previous.trailing_parts.len() != reloaded.trailing_parts.len()
        || previous.end_list != reloaded.end_list
        || previous.preload_hints != reloaded.preload_hints
}
