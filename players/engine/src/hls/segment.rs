//! Media segments and what applies to them (RFC 8216 §3, §4.3.2): byte ranges, the
//! media initialization section (`EXT-X-MAP`), keys, and LL-HLS partial segments.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::time::Duration;

use super::key::{Key, KeyMethod};

/// A sub-range of a resource (RFC 8216 §4.3.2.2 `EXT-X-BYTERANGE`), with the offset
/// always known (a missing `@o` is resolved by the parser).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SubRange {
    /// First byte.
    pub offset: u64,
    /// Length in bytes.
    pub length: u64,
}

impl SubRange {
    /// One past the last byte (saturating).
    pub fn end(&self) -> u64 {
        self.offset.saturating_add(self.length)
    }

    /// The last byte, inclusive, as an HTTP `Range: bytes=<offset>-<last>` wants it;
    /// `None` for an empty range.
    pub fn last(&self) -> Option<u64> {
        self.length
            .checked_sub(1)
            .and_then(|l| self.offset.checked_add(l))
    }
}

/// A media initialization section (`EXT-X-MAP`, RFC 8216 §4.3.2.5): the fMP4 `moov`
/// (or TS PAT/PMT) that the following segments need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Map {
    /// Resolved URI.
    pub uri: String,
    /// The section's bytes in the resource (`BYTERANGE`), when not the whole of it; a
    /// missing offset is 0.
    pub byte_range: Option<SubRange>,
    /// The keys in effect where the map tag appeared (rfc8216bis §4.4.4.5: an
    /// `EXT-X-KEY` before `EXT-X-MAP` encrypts the section too).
    pub keys: Option<Arc<[Key]>>,
}

/// An LL-HLS partial segment (`EXT-X-PART`, rfc8216bis §4.4.4.9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// `DURATION`.
    pub duration: Duration,
    /// Resolved `URI`.
    pub uri: String,
    /// `INDEPENDENT=YES`: it starts with an independent frame.
    pub independent: bool,
    /// `BYTERANGE`, with a missing offset resolved against the previous part.
    pub byte_range: Option<SubRange>,
    /// `GAP=YES`: it is not available.
    pub gap: bool,
}

/// One media segment, with everything that applies to it resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Media sequence number (RFC 8216 §3): `EXT-X-MEDIA-SEQUENCE` plus its position
    /// (plus `EXT-X-SKIP`'s `SKIPPED-SEGMENTS`).
    pub sequence: u64,
    /// Discontinuity sequence number (RFC 8216 §4.3.3.3): `EXT-X-DISCONTINUITY-SEQUENCE`
    /// plus the `EXT-X-DISCONTINUITY` tags up to and including this segment's.
    pub discontinuity_sequence: u64,
    /// An `EXT-X-DISCONTINUITY` precedes this segment.
    pub discontinuity: bool,
    /// Start on the playlist timeline: the exact sum of the previous durations.
    pub start: Duration,
    /// `EXTINF` duration, exact to the nanosecond.
    pub duration: Duration,
    /// `EXTINF` title (often empty).
    pub title: String,
    /// URI resolved against the playlist URL.
    pub uri: String,
    /// `EXT-X-BYTERANGE`, with a missing offset resolved (RFC 8216 §4.3.2.2).
    pub byte_range: Option<SubRange>,
    /// The `EXT-X-MAP` in effect.
    pub map: Option<Arc<Map>>,
    /// The `EXT-X-KEY`s in effect (several when they differ in `KEYFORMAT`); `None`
    /// when not encrypted.
    pub keys: Option<Arc<[Key]>>,
    /// `EXT-X-PROGRAM-DATE-TIME` in milliseconds since the Unix epoch: the tag's value
    /// for the segment it precedes, extrapolated by duration for the following ones.
    pub program_date_time: Option<i64>,
    /// `EXT-X-GAP`: the segment is missing; do not load it.
    pub gap: bool,
    /// `EXT-X-BITRATE` in bits per second (the tag says kbit/s); not applied to
    /// byte-range segments (rfc8216bis §4.4.4.8).
    pub bitrate: Option<u64>,
    /// LL-HLS partial segments that make up this segment.
    pub parts: Vec<Part>,
}

impl Segment {
    /// The end on the playlist timeline.
    pub fn end(&self) -> Duration {
        self.start.saturating_add(self.duration)
    }

    /// The key that decrypts this segment: the `identity` one if there is one, else
    /// the first; `None` when not encrypted.
    pub fn key(&self) -> Option<&Key> {
        let keys = self.keys.as_deref()?;
        keys.iter()
            .find(|k| k.is_identity())
            .or_else(|| keys.first())
            .filter(|k| k.method != KeyMethod::None)
    }

    /// The AES IV of this segment (RFC 8216 §5.2): its key's `IV`, or else its media
    /// sequence number as a 128-bit big-endian integer; `None` when not encrypted.
    pub fn iv(&self) -> Option<[u8; 16]> {
        self.key().map(|k| k.iv_for(self.sequence))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_range_ends() {
        let r = SubRange {
            offset: 100,
            length: 50,
        };
        assert_eq!(r.end(), 150);
        assert_eq!(r.last(), Some(149));
        assert_eq!(SubRange::default().last(), None);
        let huge = SubRange {
            offset: u64::MAX,
            length: 2,
        };
        assert_eq!(huge.end(), u64::MAX);
        assert_eq!(huge.last(), None);
    }
}
