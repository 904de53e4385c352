//! Laying segments on the playlist timeline once they are all read: media sequence
//! numbers (RFC 8216 §3), discontinuity sequence numbers (§4.3.3.3), exact start times
//! and program date-times extrapolated from the last `EXT-X-PROGRAM-DATE-TIME`
//! (§4.3.2.6).

use core::time::Duration;

use super::context::Context;
use super::error::WarningKind;
use super::media::MediaPlaylist;
use super::segment::Segment;
use super::value::round_div;

/// RFC 8216 §4.3.3.1: "The EXTINF duration of each Media Segment in the Playlist file,
/// when rounded to the nearest integer, MUST be less than or equal to the target
/// duration". Players play such segments anyway, so it is a warning.
pub(crate) fn check_target(cx: &mut Context<'_>, line: u32, duration: Duration, target: Duration) {
    let rounded = duration
        .as_secs()
        .saturating_add(u64::from(duration.subsec_nanos() >= 500_000_000));
    if rounded > target.as_secs() {
        cx.warn_at(line, WarningKind::SegmentLongerThanTarget);
    }
}

/// Numbers the segments and lays them on the timeline, starting at zero.
pub(crate) fn finish(p: &mut MediaPlaylist) {
    let skipped = p.skip.as_ref().map_or(0, |s| s.skipped_segments);
    let mut sequence = p.media_sequence.saturating_add(skipped);
    let mut discontinuity = p.discontinuity_sequence;
    let mut start = Duration::ZERO;
    for s in &mut p.segments {
        s.sequence = sequence;
        sequence = sequence.saturating_add(1);
        if s.discontinuity {
            discontinuity = discontinuity.saturating_add(1);
        }
        s.discontinuity_sequence = discontinuity;
        s.start = start;
        start = start.saturating_add(s.duration);
    }
    fill_dates(&mut p.segments);
}

/// Gives every segment after an `EXT-X-PROGRAM-DATE-TIME` a date-time: the last
/// explicit one plus the time elapsed since, on the playlist timeline.
pub(crate) fn fill_dates(segments: &mut [Segment]) {
    // The last explicit date-time and where on the timeline it was.
    let mut anchor: Option<(i64, Duration)> = None;
    for s in segments {
        match (s.program_date_time, anchor) {
            (Some(ms), _) => anchor = Some((ms, s.start)),
            (None, Some((ms, at))) => {
                s.program_date_time = Some(extrapolate(ms, s.start.saturating_sub(at)));
            }
            (None, None) => {}
        }
    }
}

/// `ms` plus `elapsed` rounded to the millisecond (saturating).
pub(crate) fn extrapolate(ms: i64, elapsed: Duration) -> i64 {
    let add = i64::try_from(round_div(elapsed.as_nanos(), 1_000_000)).unwrap_or(i64::MAX);
    ms.saturating_add(add)
}
