//! One stream of segments (the main variant ladder, or an alternate audio
//! rendition): its playlists, the segments held in the media store, the request in
//! flight, and the feeder that demuxes what arrived.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

use super::feed::{Feeder, SegmentRef};
use super::loader::{Backoff, Request};
use crate::hls::{MediaPlaylist, Segment, SubRange};
use crate::platform::Platform;

/// Half a millisecond: segment boundaries from EXTINF sums are exact, but a start
/// computed from timestamps may be a rounding away.
pub(crate) const EPSILON_US: i64 = 500;

/// One variant (or rendition) of a stream.
#[derive(Debug, Default)]
pub(crate) struct Rendition {
    /// Its media playlist URL.
    pub uri: String,
    /// Declared peak bitrate, bits per second.
    pub bandwidth: u32,
    /// Video size, when declared.
    pub width: u32,
    /// Video height, when declared.
    pub height: u32,
    /// Frame rate in thousandths, when declared.
    pub frame_rate_milli: u32,
    /// The device can play it (capability filtering).
    pub playable: bool,
    /// The playlist, once loaded.
    pub playlist: Option<MediaPlaylist>,
    /// Added to the playlist's segment start times to place them on the timeline
    /// (live renditions loaded at different times), µs.
    pub shift_us: i64,
    /// When the playlist should be reloaded (live), µs.
    pub reload_at_us: Option<i64>,
    /// The init segment (fragmented MP4): where it is and its bytes once loaded.
    pub init: Option<Init>,
    /// Left out until this time after failing, µs.
    pub excluded_until_us: i64,
}

/// An init segment (`EXT-X-MAP`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Init {
    /// Its URL.
    pub uri: String,
    /// Its byte range.
    pub range: Option<SubRange>,
    /// Its bytes once loaded.
    pub bytes: Option<Vec<u8>>,
}

impl Rendition {
    /// Start of a segment on the timeline, µs.
    pub(crate) fn start_us(&self, segment: &Segment) -> i64 {
        self.shift_us + micros(segment.start)
    }

    /// The segment covering `t` (timeline µs), or the first one after it.
    pub(crate) fn segment_at(&self, t: i64) -> Option<&Segment> {
        let playlist = self.playlist.as_ref()?;
        let local = t.saturating_sub(self.shift_us).saturating_add(EPSILON_US);
        let after = playlist
            .segments
            .partition_point(|s| micros(s.start) <= local);
        let index = after.saturating_sub(1);
        let candidate = playlist.segments.get(index)?;
        if micros(candidate.end()) > local {
            Some(candidate)
        } else {
            playlist.segments.get(after)
        }
    }

    /// The playlist's span on the timeline: (first start, last end), µs.
    pub(crate) fn span_us(&self) -> Option<(i64, i64)> {
        let playlist = self.playlist.as_ref()?;
        let first = playlist.segments.first()?;
        let last = playlist.segments.last()?;
        Some((self.start_us(first), self.shift_us + micros(last.end())))
    }
}

/// A segment held in the media store.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Buffered {
    /// Where and what it is.
    pub segment: SegmentRef,
    /// Its end on the timeline, µs.
    pub end_us: i64,
    /// The rendition it came from.
    pub rendition: usize,
}

/// A media segment being downloaded.
#[derive(Debug)]
pub(crate) struct SegmentJob {
    /// The request.
    pub request: Request,
    /// Where it goes once complete.
    pub segment: SegmentRef,
    /// Its end, µs.
    pub end_us: i64,
    /// The rendition it comes from.
    pub rendition: usize,
}

/// Which stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StreamKind {
    /// The variants (video, maybe muxed audio).
    Main,
    /// An alternate audio rendition.
    Audio,
}

/// One stream.
pub(crate) struct Stream {
    /// The renditions (the main stream's variants by ascending bandwidth).
    pub renditions: Vec<Rendition>,
    /// The rendition of the next segment.
    pub current: usize,
    /// The timeline position of the next segment to fetch, µs.
    pub fetch_cursor_us: i64,
    /// Segments in the store, in timeline order, contiguous.
    pub buffered: VecDeque<Buffered>,
    /// The segment download in flight.
    pub job: Option<SegmentJob>,
    /// Its retry schedule.
    pub segment_backoff: Backoff,
    /// A playlist (or init segment) load in flight: the request and the rendition.
    pub playlist_job: Option<(Request, usize, bool)>,
    /// Its retry schedule.
    pub playlist_backoff: Backoff,
    /// The feeder.
    pub feeder: Feeder,
    /// Timeline position of the next segment to demux, µs.
    pub feed_cursor_us: i64,
    /// Every segment up to the end was fetched (VOD).
    pub fetched_all: bool,
    /// End of stream was submitted.
    pub eos_sent: bool,
    /// The last segment requested: (media sequence, start µs), which places a live
    /// playlist loaded later on the same timeline.
    pub anchor: Option<(u64, i64)>,
    /// A progressive file's movie and windows (its segments are the windows).
    pub progressive: Option<alloc::boxed::Box<super::progressive::Index>>,
}

impl Stream {
    /// A stream of `renditions`.
    pub(crate) fn new(renditions: Vec<Rendition>, wants_video: bool, wants_audio: bool) -> Self {
        Self {
            renditions,
            current: 0,
            fetch_cursor_us: 0,
            buffered: VecDeque::new(),
            job: None,
            segment_backoff: Backoff::default(),
            playlist_job: None,
            playlist_backoff: Backoff::default(),
            feeder: Feeder::new(wants_video, wants_audio),
            feed_cursor_us: 0,
            fetched_all: false,
            eos_sent: false,
            anchor: None,
            progressive: None,
        }
    }

    /// The rendition of the next segment.
    pub(crate) fn rendition(&self) -> Option<&Rendition> {
        self.renditions.get(self.current)
    }

    /// End of the buffered media that is contiguous from `position`, µs (`position`
    /// itself when nothing covers it).
    pub(crate) fn buffered_end_us(&self, position: i64) -> i64 {
        let mut end = position;
        for b in &self.buffered {
            if b.segment.start_us <= end + EPSILON_US && b.end_us > end {
                end = b.end_us;
            }
        }
        end
    }

    /// Frees every buffered segment and cancels the download.
    pub(crate) fn drop_all<P: Platform>(&mut self, p: &mut P) {
        for b in self.buffered.drain(..) {
            p.store_free(b.segment.object);
        }
        if let Some(job) = self.job.take() {
            job.request.abort(p);
        }
        self.feeder.reset();
    }

    /// Cancels the playlist load.
    pub(crate) fn cancel_playlist<P: Platform>(&mut self, p: &mut P) {
        if let Some((request, _, _)) = self.playlist_job.take() {
            request.abort(p);
        }
    }

    /// Frees segments that end before `keep_from` and are not being demuxed; returns
    /// the bytes freed.
    pub(crate) fn evict_before<P: Platform>(&mut self, p: &mut P, keep_from: i64) -> u64 {
        let mut freed = 0;
        while let Some(front) = self.buffered.front() {
            let in_use = self
                .feeder
                .current()
                .is_some_and(|s| s.object == front.segment.object);
            if front.end_us > keep_from || in_use || front.end_us > self.feed_cursor_us {
                break;
            }
            freed += front.segment.len;
            p.store_free(front.segment.object);
            self.buffered.pop_front();
        }
        freed
    }

    /// The next buffered segment to demux, if it has arrived.
    pub(crate) fn next_to_feed(&self) -> Option<&Buffered> {
        let b = self
            .buffered
            .iter()
            .find(|b| b.end_us > self.feed_cursor_us + EPSILON_US)?;
        (b.segment.start_us <= self.feed_cursor_us + EPSILON_US).then_some(b)
    }
}

/// A duration in whole microseconds (saturating).
pub(crate) fn micros(d: core::time::Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}
