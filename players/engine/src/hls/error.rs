//! What can go wrong in a playlist: fatal [`Error`]s (the playlist is refused, as
//! RFC 8216 §4 asks: "clients MUST fail to parse them") and [`Warning`]s (the parser
//! went on, the way players do, and says what it overlooked).

use core::fmt;

/// A fatal problem, with the 1-based line where it was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error {
    /// 1-based line number (0 when the problem is not on a line, e.g. invalid UTF-8
    /// before the first line break is still line 1).
    pub line: u32,
    /// What is wrong.
    pub kind: ErrorKind,
}

/// Why a playlist was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The first line is not `#EXTM3U` (RFC 8216 §4.3.1.1).
    MissingHeader,
    /// The bytes are not UTF-8 (RFC 8216 §4.1).
    NotUtf8,
    /// A URI line in a media playlist without an `EXTINF` before it (RFC 8216 §4.3.2.1).
    UriWithoutExtinf,
    /// A URI line in a master playlist without an `EXT-X-STREAM-INF` before it
    /// (RFC 8216 §4.3.4.2).
    UriWithoutStreamInf,
    /// A tag's required value is missing or malformed (`EXTINF:abc`).
    MalformedTag {
        /// The tag, e.g. `EXTINF`.
        tag: &'static str,
    },
    /// A required attribute is absent (RFC 8216 §4.2).
    MissingAttribute {
        /// The tag, e.g. `EXT-X-KEY`.
        tag: &'static str,
        /// The attribute, e.g. `URI`.
        name: &'static str,
    },
    /// A required or security-relevant attribute is malformed (RFC 8216 §4.2).
    MalformedAttribute {
        /// The tag, e.g. `EXT-X-KEY`.
        tag: &'static str,
        /// The attribute, e.g. `IV`.
        name: &'static str,
    },
    /// A master-playlist tag in a media playlist or the reverse (RFC 8216 §4.1: a
    /// playlist is one or the other).
    MixedPlaylist {
        /// The tag that does not belong.
        tag: &'static str,
    },
    /// A byte range without an offset whose previous segment is not a sub-range of the
    /// same resource (RFC 8216 §4.3.2.2: "the client MUST fail to parse").
    ByteRangeWithoutOffset,
    /// A `{$name}` reference to a variable that is not defined (rfc8216bis §4.3).
    UndefinedVariable,
    /// An `EXT-X-DEFINE` for a name already defined (rfc8216bis §4.4.2.3).
    VariableRedefined,
    /// Variable substitution made a value longer than [`MAX_SUBSTITUTED`] bytes.
    SubstitutionTooLong,
    /// Memory for the playlist could not be allocated.
    OutOfMemory,
}

/// The longest value variable substitution may produce (a guard against a small
/// playlist that expands into gigabytes).
pub const MAX_SUBSTITUTED: usize = 64 * 1024;

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::MissingHeader => f.write_str("missing #EXTM3U header"),
            ErrorKind::NotUtf8 => f.write_str("not UTF-8"),
            ErrorKind::UriWithoutExtinf => f.write_str("URI line without #EXTINF"),
            ErrorKind::UriWithoutStreamInf => f.write_str("URI line without #EXT-X-STREAM-INF"),
            ErrorKind::MalformedTag { tag } => write!(f, "malformed #{tag}"),
            ErrorKind::MissingAttribute { tag, name } => write!(f, "#{tag} without {name}"),
            ErrorKind::MalformedAttribute { tag, name } => {
                write!(f, "malformed {name} in #{tag}")
            }
            ErrorKind::MixedPlaylist { tag } => {
                write!(f, "#{tag} does not belong in this kind of playlist")
            }
            ErrorKind::ByteRangeWithoutOffset => {
                f.write_str("byte range without offset and no previous sub-range to follow")
            }
            ErrorKind::UndefinedVariable => f.write_str("reference to an undefined variable"),
            ErrorKind::VariableRedefined => f.write_str("variable defined twice"),
            ErrorKind::SubstitutionTooLong => f.write_str("variable substitution too long"),
            ErrorKind::OutOfMemory => f.write_str("out of memory"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.kind)
    }
}

/// Something the parser overlooked to keep going, with its 1-based line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Warning {
    /// 1-based line number (0 for the playlist as a whole).
    pub line: u32,
    /// What was overlooked.
    pub kind: WarningKind,
}

/// What the parser overlooked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarningKind {
    /// An `EXTINF` duration, rounded to the nearest integer, exceeds the target
    /// duration (RFC 8216 §4.3.3.1).
    SegmentLongerThanTarget,
    /// No `EXT-X-TARGETDURATION` (RFC 8216 §4.3.3.1); the longest segment's duration,
    /// rounded up, is used instead.
    MissingTargetDuration,
    /// A negative `EXTINF` duration (`-1`, from M3U radio lists), taken as zero.
    NegativeDuration,
    /// An optional tag with a malformed value, ignored.
    MalformedTag {
        /// The tag.
        tag: &'static str,
    },
    /// An optional attribute with a malformed value, ignored.
    MalformedAttribute {
        /// The tag.
        tag: &'static str,
        /// The attribute.
        name: &'static str,
    },
    /// A tag that may appear once appeared again; the later one wins.
    DuplicateTag {
        /// The tag.
        tag: &'static str,
    },
    /// An `EXTINF` (or `EXT-X-STREAM-INF`) with no URI line after it before the end.
    DanglingTag {
        /// The tag.
        tag: &'static str,
    },
}

/// Most warnings kept for one playlist (more are counted in `warnings_dropped`).
pub const MAX_WARNINGS: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_stays_small() {
        // A line, a discriminant and two `&'static str`: 48 bytes on 64-bit targets,
        // 24 on wasm32.
        assert!(core::mem::size_of::<Error>() <= 6 * core::mem::size_of::<usize>());
    }

    #[test]
    fn errors_name_tag_attribute_and_line() {
        let e = Error {
            line: 7,
            kind: ErrorKind::MalformedAttribute {
                tag: "EXT-X-KEY",
                name: "IV",
            },
        };
        assert_eq!(alloc::format!("{e}"), "line 7: malformed IV in #EXT-X-KEY");
    }
}
