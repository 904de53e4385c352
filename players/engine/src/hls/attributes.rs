//! Attribute lists (RFC 8216 §4.2): `NAME=value,NAME="quoted, value",...`.
//!
//! Lenient where players are: whitespace around names, values and commas is ignored,
//! an unterminated quoted string runs to the end of the line, a pair without `=` is
//! skipped, and the first of two attributes with the same name wins.

/// An attribute value as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Raw<'a> {
    /// The text, without quotes when it was quoted.
    pub text: &'a str,
    /// Whether it was a quoted-string.
    pub quoted: bool,
}

/// The attribute list of one tag.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Attributes<'a> {
    /// The tag, for error messages.
    pub tag: &'static str,
    list: &'a str,
}

impl<'a> Attributes<'a> {
    /// The attribute list `list` of `tag`.
    pub(crate) fn new(tag: &'static str, list: &'a str) -> Self {
        Self { tag, list }
    }

    /// The first value of `name` (names are case-sensitive, RFC 8216 §4.2).
    pub(crate) fn get(&self, name: &str) -> Option<Raw<'a>> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Every `(name, value)` in order.
    pub(crate) fn iter(&self) -> Iter<'a> {
        Iter { rest: self.list }
    }
}

/// Iterator over `(name, value)` pairs.
pub(crate) struct Iter<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, Raw<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let rest = self
                .rest
                .trim_start_matches(|c: char| c == ',' || c.is_whitespace());
            if rest.is_empty() {
                self.rest = rest;
                return None;
            }
            // The name runs to '=' (or, malformed, to ',').
            let Some(stop) = rest.find(['=', ',']) else {
                self.rest = "";
                return None;
            };
            let (name, after) = rest.split_at(stop);
            let Some(after) = after.strip_prefix('=') else {
                self.rest = after; // "NAME," without a value: skipped
                continue;
            };
            let after = after.trim_start();
            let (value, rest) = match after.strip_prefix('"') {
                Some(quoted) => {
                    let (text, rest) = quoted.split_once('"').unwrap_or((quoted, ""));
                    // Anything between the closing quote and the next comma is junk.
                    let rest = rest.find(',').map_or("", |i| rest.get(i..).unwrap_or(""));
                    (Raw { text, quoted: true }, rest)
                }
                None => {
                    let end = after.find(',').unwrap_or(after.len());
                    let (text, rest) = after.split_at(end);
                    (
                        Raw {
                            text: text.trim_end(),
                            quoted: false,
                        },
                        rest,
                    )
                }
            };
            self.rest = rest;
            return Some((name.trim(), value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn all(list: &str) -> Vec<(&str, &str, bool)> {
        Attributes::new("T", list)
            .iter()
            .map(|(n, v)| (n, v.text, v.quoted))
            .collect()
    }

    #[test]
    fn quoted_strings_may_hold_commas() {
        assert_eq!(
            all(r#"BANDWIDTH=1280000,CODECS="avc1.4d401e,mp4a.40.2",RESOLUTION=640x360"#),
            [
                ("BANDWIDTH", "1280000", false),
                ("CODECS", "avc1.4d401e,mp4a.40.2", true),
                ("RESOLUTION", "640x360", false),
            ]
        );
    }

    #[test]
    fn spaces_around_commas_and_equals_are_tolerated() {
        assert_eq!(
            all(r#" TYPE = AUDIO , GROUP-ID= "aac" ,  NAME="A B" "#),
            [
                ("TYPE", "AUDIO", false),
                ("GROUP-ID", "aac", true),
                ("NAME", "A B", true),
            ]
        );
    }

    #[test]
    fn malformed_pieces_are_skipped_not_fatal() {
        assert_eq!(
            all(r#"JUNK,A=1,,B="unterminated, still"#),
            [("A", "1", false), ("B", "unterminated, still", true)]
        );
        assert_eq!(
            all(r#"A="x"junk,B=2"#),
            [("A", "x", true), ("B", "2", false)]
        );
        assert_eq!(all("NOVALUE"), []);
        assert_eq!(all(""), []);
    }

    #[test]
    fn first_of_duplicate_names_wins() {
        let a = Attributes::new("T", "A=1,A=2");
        assert_eq!(a.get("A").map(|v| v.text), Some("1"));
        assert_eq!(a.get("a"), None);
    }
}
