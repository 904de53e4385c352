//! HLS playlists (RFC 8216, and draft-pantos-hls-rfc8216bis for the newer tags,
//! including Low-Latency HLS).
//!
//! Parse once, then read plain data: [`parse`] tells a master playlist from a media
//! playlist, [`MasterPlaylist::parse`] and [`MediaPlaylist::parse`] parse one kind.
//! Every URI comes out resolved against the playlist's URL ([`crate::url::resolve`]).
//!
//! * A [`MasterPlaylist`] lists [`Variant`]s (`EXT-X-STREAM-INF` + URI), their
//!   alternative [`Rendition`]s (`EXT-X-MEDIA`), [`IFrameStream`]s, session data and
//!   session keys.
//! * A [`MediaPlaylist`] lists [`Segment`]s. Each knows its media sequence number,
//!   discontinuity sequence number, exact start and duration on the playlist timeline
//!   ([`core::time::Duration`], nanoseconds, no float), resolved URI and byte range,
//!   its init section ([`Map`]) and keys ([`Key`], with the RFC 8216 §5.2 IV rule in
//!   [`Segment::iv`]), program date-time, gap flag and LL-HLS [`Part`]s.
//! * [`live`] says when to reload a live playlist (and, for LL-HLS, the blocking
//!   reload URL) and lays a reload on the previous timeline.
//!
//! Fatal problems (what RFC 8216 says clients must refuse) are an [`Error`] with the
//! line number; lesser ones are kept as [`Warning`]s and parsing goes on, leniently,
//! where real players are lenient: a BOM, CRLF, blank lines, no final newline,
//! whitespace in attribute lists, unquoted strings, lower-case hex. Unknown tags are
//! kept as written. Memory is proportional to the playlist: every list that grows with
//! the input is reserved fallibly.

mod attributes;
mod common;
mod context;
mod daterange;
pub mod datetime;
mod directives;
mod error;
mod key;
mod lines;
pub mod live;
mod low_latency;
mod master;
mod media;
mod media_parser;
mod media_tags;
mod rendition;
mod segment;
mod tags;
mod timeline;
mod value;
mod variables;
mod variant;

pub use common::{Start, UnknownTag};
pub use daterange::{Attribute, DateRange};
pub use error::{Error, ErrorKind, Warning, WarningKind, MAX_SUBSTITUTED, MAX_WARNINGS};
pub use key::{Key, KeyMethod, IDENTITY};
pub use low_latency::{HintKind, PreloadHint, RenditionReport, ServerControl, Skip};
pub use master::{MasterPlaylist, SessionData};
pub use media::{MediaPlaylist, PlaylistType};
pub use rendition::{MediaType, Rendition};
pub use segment::{Map, Part, Segment, SubRange};
pub use value::Resolution;
pub use variables::Variable;
pub use variant::{ClosedCaptions, HdcpLevel, IFrameStream, StreamInf, Variant, VideoRange};

use lines::{lines, Line};
use tags::{Scope, Tag};

/// A playlist of either kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Playlist {
    /// A master (multivariant) playlist.
    Master(MasterPlaylist),
    /// A media playlist.
    Media(MediaPlaylist),
}

/// Parses `text` as whichever kind it is: a master playlist if its first
/// kind-specific tag is a master tag (`EXT-X-STREAM-INF`, `EXT-X-MEDIA`, ...), else a
/// media playlist.
///
/// # Errors
/// As [`MasterPlaylist::parse`] or [`MediaPlaylist::parse`].
pub fn parse(text: &str, url: &str) -> Result<Playlist, Error> {
    // A playlist with tags of both kinds is refused by the parser of the kind it is
    // not, on the first offending line.
    let first_specific = lines(text).find_map(|(_, line)| match line {
        Line::Tag { name, .. } => Tag::from_name(name)
            .map(Tag::scope)
            .filter(|s| *s != Scope::Both),
        _ => None,
    });
    match first_specific {
        Some(Scope::Master) => MasterPlaylist::parse(text, url).map(Playlist::Master),
        _ => MediaPlaylist::parse(text, url).map(Playlist::Media),
    }
}

/// [`parse`] for bytes that must be UTF-8 (RFC 8216 §4.1).
///
/// # Errors
/// [`ErrorKind::NotUtf8`] at the line of the first bad byte, or as [`parse`].
pub fn parse_bytes(bytes: &[u8], url: &str) -> Result<Playlist, Error> {
    parse(media::utf8(bytes)?, url)
}
