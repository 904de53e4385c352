//! Media playlists (RFC 8216 §4.3.3): the list of segments of one rendition, with the
//! playlist-wide tags and the LL-HLS additions. Parsed once by [`MediaPlaylist::parse`];
//! everything after that is plain data and infallible accessors.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use super::common::{Start, UnknownTag};
use super::daterange::DateRange;
use super::error::{Error, ErrorKind, Warning};
use super::low_latency::{PreloadHint, RenditionReport, ServerControl, Skip};
use super::segment::{Part, Segment};
use super::variables::Variable;

/// `EXT-X-PLAYLIST-TYPE` (RFC 8216 §4.3.3.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PlaylistType {
    /// `VOD`: the playlist never changes.
    Vod,
    /// `EVENT`: segments are only ever appended.
    Event,
}

/// A parsed media playlist.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MediaPlaylist {
    /// The URL it was parsed against (the base of every URI in it).
    pub url: String,
    /// `EXT-X-VERSION`.
    pub version: Option<u64>,
    /// `EXT-X-TARGETDURATION` in whole seconds (when absent, the longest segment's
    /// duration rounded up, with a warning).
    pub target_duration: Duration,
    /// `EXT-X-MEDIA-SEQUENCE` (0 when absent): the sequence number of the first
    /// segment, skipped ones included.
    pub media_sequence: u64,
    /// `EXT-X-DISCONTINUITY-SEQUENCE` (0 when absent).
    pub discontinuity_sequence: u64,
    /// `EXT-X-PLAYLIST-TYPE`.
    pub playlist_type: Option<PlaylistType>,
    /// `EXT-X-ENDLIST`: no segment will be added.
    pub end_list: bool,
    /// `EXT-X-I-FRAMES-ONLY`: each segment is one I-frame.
    pub i_frames_only: bool,
    /// `EXT-X-INDEPENDENT-SEGMENTS`.
    pub independent_segments: bool,
    /// `EXT-X-START`.
    pub start: Option<Start>,
    /// The segments, in order: sequence numbers increase by one, start times are
    /// the exact running sum of durations.
    pub segments: Vec<Segment>,
    /// `EXT-X-PART-INF` `PART-TARGET`.
    pub part_target: Option<Duration>,
    /// `EXT-X-SERVER-CONTROL`.
    pub server_control: Option<ServerControl>,
    /// `EXT-X-SKIP` (a delta update).
    pub skip: Option<Skip>,
    /// `EXT-X-PART`s after the last segment: the segment being produced.
    pub trailing_parts: Vec<Part>,
    /// `EXT-X-PRELOAD-HINT`s.
    pub preload_hints: Vec<PreloadHint>,
    /// `EXT-X-RENDITION-REPORT`s.
    pub rendition_reports: Vec<RenditionReport>,
    /// `EXT-X-DATERANGE`s, in order.
    pub date_ranges: Vec<DateRange>,
    /// Variables defined by `EXT-X-DEFINE`.
    pub variables: Vec<Variable>,
    /// Tags this parser does not know, as written.
    pub unknown_tags: Vec<UnknownTag>,
    /// What the parser overlooked (at most [`super::MAX_WARNINGS`]).
    pub warnings: Vec<Warning>,
    /// Warnings beyond that limit, counted.
    pub warnings_dropped: u32,
}

impl MediaPlaylist {
    /// Parses `text`, resolving URIs against `url` (the playlist's own URL).
    ///
    /// # Errors
    /// An [`Error`] with its line for what RFC 8216 says a client must refuse (see
    /// [`ErrorKind`]); lesser problems become [`MediaPlaylist::warnings`].
    pub fn parse(text: &str, url: &str) -> Result<Self, Error> {
        super::media_parser::parse(text, url, &[])
    }

    /// Parses `text` with the master playlist's variables available to
    /// `EXT-X-DEFINE:IMPORT` (rfc8216bis §4.4.2.3).
    ///
    /// # Errors
    /// As [`MediaPlaylist::parse`].
    pub fn parse_with_imports(text: &str, url: &str, imports: &[Variable]) -> Result<Self, Error> {
        super::media_parser::parse(text, url, imports)
    }

    /// Parses bytes that must be UTF-8 (RFC 8216 §4.1).
    ///
    /// # Errors
    /// [`ErrorKind::NotUtf8`] at the line of the first bad byte, or as
    /// [`MediaPlaylist::parse`].
    pub fn parse_bytes(bytes: &[u8], url: &str) -> Result<Self, Error> {
        Self::parse(utf8(bytes)?, url)
    }

    /// The total duration: the exact sum of the segments' durations.
    pub fn duration(&self) -> Duration {
        self.segments.last().map_or(Duration::ZERO, |s| {
            let first = self.segments.first().map_or(Duration::ZERO, |f| f.start);
            s.end().saturating_sub(first)
        })
    }

    /// Whether more segments may come (no `EXT-X-ENDLIST`).
    pub fn is_live(&self) -> bool {
        !self.end_list
    }

    /// The segment with media sequence number `sequence` (constant time: sequence
    /// numbers are consecutive).
    pub fn segment(&self, sequence: u64) -> Option<&Segment> {
        let first = self.segments.first()?.sequence;
        let index = usize::try_from(sequence.checked_sub(first)?).ok()?;
        self.segments.get(index)
    }

    /// The segment whose time span holds `time` on the playlist timeline (binary
    /// search); past the end, `None`.
    pub fn segment_at(&self, time: Duration) -> Option<&Segment> {
        let after = self.segments.partition_point(|s| s.start <= time);
        let candidate = self.segments.get(after.checked_sub(1)?)?;
        (time < candidate.end()).then_some(candidate)
    }
}

/// `bytes` as UTF-8, or [`ErrorKind::NotUtf8`] at the line of the first bad byte.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, Error> {
    core::str::from_utf8(bytes).map_err(|e| Error {
        line: super::lines::line_of(bytes, e.valid_up_to()),
        kind: ErrorKind::NotUtf8,
    })
}
