//! Splitting a playlist into classified lines (RFC 8216 §4.1): tags, URIs, comments.
//!
//! Lenient where players are: a UTF-8 BOM is skipped, CRLF and LF both end a line, the
//! last line needs no line break, blank lines and surrounding whitespace are ignored.

/// One line, classified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Line<'a> {
    /// `#EXT<name>[:<value>]`; `name` is without the `#`.
    Tag {
        /// e.g. `EXT-X-KEY`.
        name: &'a str,
        /// What follows the first `:`.
        value: Option<&'a str>,
    },
    /// A URI line (anything that does not start with `#`).
    Uri(&'a str),
    /// A comment (`#` not followed by `EXT`) or a blank line.
    Ignored,
}

/// The UTF-8 byte order mark (RFC 8216 §4.1 forbids it; servers send it anyway).
const BOM: char = '\u{feff}';

/// The lines of `text` with their 1-based numbers.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (u32, Line<'_>)> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    text.split('\n').enumerate().map(|(i, raw)| {
        let number = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
        (number, classify(raw))
    })
}

fn classify(raw: &str) -> Line<'_> {
    let line = raw.trim();
    if line.is_empty() {
        return Line::Ignored;
    }
    match line.strip_prefix('#') {
        // RFC 8216 §4.1: tags begin with #EXT (case-sensitive); other # lines are
        // comments.
        Some(rest) if rest.starts_with("EXT") => match rest.split_once(':') {
            Some((name, value)) => Line::Tag {
                name: name.trim_end(),
                value: Some(value.trim()),
            },
            None => Line::Tag {
                name: rest,
                value: None,
            },
        },
        Some(_) => Line::Ignored,
        None => Line::Uri(line),
    }
}

/// The 1-based line of byte `offset` in `bytes` (for UTF-8 errors).
pub(crate) fn line_of(bytes: &[u8], offset: usize) -> u32 {
    let before = bytes.get(..offset).unwrap_or(bytes);
    let breaks = before.iter().filter(|&&b| b == b'\n').count();
    u32::try_from(breaks).unwrap_or(u32::MAX).saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn bom_crlf_blank_lines_and_missing_final_newline_are_tolerated() {
        let got: Vec<_> =
            lines("\u{feff}#EXTM3U\r\n\r\n# a comment\r\n#EXTINF:2.0,\r\n a.ts ").collect();
        assert_eq!(
            got,
            [
                (
                    1,
                    Line::Tag {
                        name: "EXTM3U",
                        value: None
                    }
                ),
                (2, Line::Ignored),
                (3, Line::Ignored),
                (
                    4,
                    Line::Tag {
                        name: "EXTINF",
                        value: Some("2.0,")
                    }
                ),
                (5, Line::Uri("a.ts")),
            ]
        );
    }

    #[test]
    fn value_is_everything_after_the_first_colon() {
        assert_eq!(
            classify("#EXT-X-PROGRAM-DATE-TIME:2010-02-19T14:54:23Z"),
            Line::Tag {
                name: "EXT-X-PROGRAM-DATE-TIME",
                value: Some("2010-02-19T14:54:23Z")
            }
        );
        assert_eq!(classify("#ext-x-lowercase"), Line::Ignored);
    }

    #[test]
    fn line_of_counts_line_breaks_before_the_offset() {
        assert_eq!(line_of(b"a\nb\nc", 0), 1);
        assert_eq!(line_of(b"a\nb\nc", 2), 2);
        assert_eq!(line_of(b"a\nb\nc", 4), 3);
        assert_eq!(line_of(b"a", 99), 1);
    }
}
