//! Breaking text into lines that fit a width.

use core::str::Lines;

use crate::Font;

/// The lines of a text wrapped to a width: the iterator [`Font::wrap`] returns.
///
/// Rules, in order:
/// * the text is first split into paragraphs at each `'\n'` (a `"\r\n"` counts as one),
///   as `str::lines` does: an empty text has no lines, a final newline adds none, and
///   an empty paragraph is one empty line;
/// * a paragraph is filled greedily: a line takes words (runs of characters other
///   than `' '`) while the line up to the end of the word fits `max_width`;
/// * a word is broken only when it alone is wider than `max_width`: the line then
///   ends before the first character that does not fit (a line holds at least one
///   character, so wrapping always advances);
/// * a line carries no trailing spaces, and a line that continues a paragraph starts
///   after the spaces it was broken at; spaces at the start of a paragraph are kept.
#[derive(Clone, Debug)]
pub struct Wrap<'a> {
    font: Font,
    max_width: u32,
    paragraphs: Lines<'a>,
    /// The rest of the paragraph being wrapped, if any is left.
    rest: Option<&'a str>,
}

impl Font {
    /// Wraps `text` into lines at most `max_width` px wide (see [`Wrap`] for the rules);
    /// the lines borrow from `text`.
    pub fn wrap<'a>(&self, text: &'a str, max_width: u32) -> Wrap<'a> {
        Wrap {
            font: *self,
            max_width,
            paragraphs: text.lines(),
            rest: None,
        }
    }

    /// Splits `para` into the first line that fits `max_width` and what follows it.
    fn break_line<'a>(&self, para: &'a str, max_width: u32) -> (&'a str, &'a str) {
        let mut width = 0u32;
        // End of the last word that fits, when one does.
        let mut fits_to = None;
        let mut in_word = false;
        for (i, c) in para.char_indices() {
            let advance = u32::from(self.glyph(c).advance);
            if c == ' ' {
                if in_word {
                    fits_to = Some(i);
                    in_word = false;
                }
            } else {
                if width.saturating_add(advance) > max_width {
                    let (line, rest) = match fits_to {
                        Some(end) => split(para, end),
                        // The word alone is too wide: break inside it.
                        None => split(para, if i == 0 { c.len_utf8() } else { i }),
                    };
                    return (line.trim_end_matches(' '), rest.trim_start_matches(' '));
                }
                in_word = true;
            }
            width = width.saturating_add(advance);
        }
        (para.trim_end_matches(' '), "")
    }
}

/// `text` split at byte `at` (always a character boundary here).
fn split(text: &str, at: usize) -> (&str, &str) {
    text.split_at_checked(at).unwrap_or((text, ""))
}

impl<'a> Iterator for Wrap<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let para = match self.rest.take() {
            Some(rest) => rest,
            None => self.paragraphs.next()?,
        };
        let (line, rest) = self.font.break_line(para, self.max_width);
        if !rest.is_empty() {
            self.rest = Some(rest);
        }
        Some(line)
    }
}

impl core::iter::FusedIterator for Wrap<'_> {}

#[cfg(test)]
mod tests {
    use crate::font;
    use alloc::vec::Vec;

    /// Wraps at the width of `fit` in the 20 px font.
    fn wrap<'a>(text: &'a str, fit: &str) -> Vec<&'a str> {
        let f = font(20);
        f.wrap(text, f.measure(fit)).collect()
    }

    #[test]
    fn short_text_is_one_line() {
        assert_eq!(wrap("Now playing", "Now playing"), ["Now playing"]);
    }

    #[test]
    fn breaks_at_the_last_space_that_fits() {
        assert_eq!(
            wrap("one two three four", "one two"),
            ["one two", "three", "four"]
        );
        // One pixel less: "two" no longer fits after "one".
        let f = font(20);
        let lines: Vec<_> = f.wrap("one two", f.measure("one two") - 1).collect();
        assert_eq!(lines, ["one", "two"]);
    }

    #[test]
    fn word_wider_than_the_line_is_broken_inside() {
        // Every 'x' has the same advance: four fit on a line.
        assert_eq!(
            wrap("a xxxxxxxxxx b", "xxxx"),
            ["a", "xxxx", "xxxx", "xx b"]
        );
        // Even a width of zero makes progress: one character per line.
        let f = font(20);
        assert_eq!(f.wrap("abc", 0).collect::<Vec<_>>(), ["a", "b", "c"]);
    }

    #[test]
    fn multiple_spaces_are_kept_inside_and_dropped_at_breaks() {
        assert_eq!(wrap("a   b", "a   b"), ["a   b"]);
        assert_eq!(wrap("one   two   ", "one two"), ["one", "two"]);
        assert_eq!(wrap("  indented", "  indented"), ["  indented"]);
        assert_eq!(wrap("   ", "x"), [""]);
    }

    #[test]
    fn newline_forces_a_break_and_empty_paragraphs_are_empty_lines() {
        assert_eq!(wrap("one\ntwo", "one two three"), ["one", "two"]);
        assert_eq!(wrap("one\r\n\ntwo\n", "one two three"), ["one", "", "two"]);
        assert_eq!(wrap("one two\nthree", "three"), ["one", "two", "three"]);
    }

    #[test]
    fn empty_text_has_no_lines() {
        assert!(wrap("", "anything").is_empty());
    }

    #[test]
    fn every_line_fits_unless_it_is_one_character() {
        let f = font(32);
        let text = "Ünïcödé subtitles — «with» some verylongwordsthatneedbreaking, and ½ more …";
        for width in [0, 5, 40, 100, 200, 400] {
            for line in f.wrap(text, width) {
                assert!(
                    f.measure(line) <= width || line.chars().count() == 1,
                    "{line:?} at {width}"
                );
                assert!(!line.ends_with(' '));
            }
        }
    }
}
