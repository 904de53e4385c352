//! One block of a WebVTT file, line by line (W3C WebVTT §6.1, "collect a WebVTT
//! block"): a cue, a `STYLE` or `REGION` block, a `NOTE`, the header, or something
//! else (ignored).

use alloc::string::String;

use super::cue::Cue;
use super::region::Region;
use super::settings::{is_space, parse_timing_line, CueSettings};
use crate::time::Micros;

/// A complete line as the block sees it.
pub(crate) struct Line<'a> {
    /// The text; `None` when the line was longer than the block limit (dropped).
    pub text: Option<&'a str>,
    /// Whether it contains `-->`.
    pub arrow: bool,
}

/// What a line did to the block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// The line belongs to the block; more may follow.
    Continue,
    /// The line (empty) ended the block.
    End,
    /// The line (a timing line) ended the block and begins the next one.
    EndBefore,
}

/// What a complete block was.
pub(crate) enum Outcome {
    /// A cue.
    Cue(Cue),
    /// A `STYLE` block's style sheet.
    Style(String),
    /// A `REGION` block.
    Region(Region),
    /// A `NOTE` comment.
    Note(String),
    /// The header block's lines (after the signature line).
    Header(String),
    /// A timing line that does not parse: the block is skipped.
    BadTimings,
    /// A cue whose end is before its start: skipped.
    EndBeforeStart,
    /// Longer than the limit: skipped.
    TooLong,
    /// Anything else (text without timings, `STYLE`/`REGION` after a cue): ignored.
    Unknown,
}

enum Kind {
    Plain,
    Cue {
        start: Micros,
        end: Micros,
        settings: CueSettings,
        id: String,
    },
    BadCue,
    Style,
    Region,
}

/// The block being collected.
pub(crate) struct Block {
    in_header: bool,
    line_count: u32,
    seen_arrow: bool,
    kind: Kind,
    buffer: String,
    /// Bytes of text taken so far (identifier included): at most `limit`.
    used: usize,
    too_long: bool,
    limit: usize,
}

impl Block {
    /// A new block; `in_header` for the header block.
    pub fn new(in_header: bool, limit: usize) -> Self {
        Self {
            in_header,
            line_count: 0,
            seen_arrow: false,
            kind: Kind::Plain,
            buffer: String::new(),
            used: 0,
            too_long: false,
            limit,
        }
    }

    /// Bytes of text held.
    pub fn buffered(&self) -> usize {
        self.used
    }

    /// Whether this is the header block.
    pub fn is_header(&self) -> bool {
        self.in_header
    }

    /// Takes one line. `seen_cue` is whether a cue came before in the file (`STYLE`
    /// and `REGION` blocks are only recognized before); `known_region` whether a
    /// region identifier is defined.
    pub fn line(
        &mut self,
        line: &Line<'_>,
        seen_cue: bool,
        known_region: &dyn Fn(&str) -> bool,
    ) -> Step {
        self.line_count = self.line_count.saturating_add(1);
        if line.arrow {
            // A timing line starts a cue as the block's first line, or as its second
            // after an identifier; anywhere else it starts the next block.
            let starts_cue = !self.in_header
                && (self.line_count == 1 || (self.line_count == 2 && !self.seen_arrow));
            if !starts_cue {
                return Step::EndBefore;
            }
            self.seen_arrow = true;
            let parsed = line
                .text
                .and_then(|text| parse_timing_line(text, known_region));
            match parsed {
                Some((start, end, settings)) if !self.too_long => {
                    self.kind = Kind::Cue {
                        start,
                        end,
                        settings,
                        id: core::mem::take(&mut self.buffer),
                    };
                }
                Some(_) => {}
                None if line.text.is_none() => self.too_long = true,
                None => self.kind = Kind::BadCue,
            }
            return Step::Continue;
        }
        let Some(text) = line.text else {
            self.too_long = true;
            self.buffer = String::new();
            return Step::Continue;
        };
        if text.is_empty() {
            return Step::End;
        }
        if !self.in_header && self.line_count == 2 && !seen_cue && matches!(self.kind, Kind::Plain)
        {
            if is_keyword_line(&self.buffer, "STYLE") {
                self.kind = Kind::Style;
                self.buffer.clear();
            } else if is_keyword_line(&self.buffer, "REGION") {
                self.kind = Kind::Region;
                self.buffer.clear();
            }
        }
        self.append(text);
        Step::Continue
    }

    /// Appends a line to the buffer, or drops the block's text when it gets too long.
    fn append(&mut self, text: &str) {
        if self.too_long {
            return;
        }
        let separator = usize::from(!self.buffer.is_empty());
        let needed = text.len() + separator;
        if self.used.saturating_add(needed) > self.limit || self.buffer.try_reserve(needed).is_err()
        {
            self.too_long = true;
            self.buffer = String::new();
            return;
        }
        self.used += needed;
        if separator == 1 {
            self.buffer.push('\n');
        }
        self.buffer.push_str(text);
    }

    /// The block is complete: what it was.
    pub fn finish(self) -> Outcome {
        if self.too_long {
            return Outcome::TooLong;
        }
        if self.in_header {
            return Outcome::Header(self.buffer);
        }
        match self.kind {
            Kind::Cue {
                start,
                end,
                settings,
                id,
            } => match Cue::new(id, start, end, settings, self.buffer) {
                Some(cue) => Outcome::Cue(cue),
                None => Outcome::EndBeforeStart,
            },
            Kind::BadCue => Outcome::BadTimings,
            Kind::Style => Outcome::Style(self.buffer),
            Kind::Region => Outcome::Region(Region::parse(&self.buffer)),
            Kind::Plain => match note_text(&self.buffer) {
                Some(note) => Outcome::Note(String::from(note)),
                None => Outcome::Unknown,
            },
        }
    }
}

/// `STYLE` or `REGION` alone on its line (trailing whitespace allowed).
fn is_keyword_line(buffer: &str, keyword: &str) -> bool {
    buffer
        .strip_prefix(keyword)
        .is_some_and(|rest| rest.chars().all(is_space))
}

/// The text of a `NOTE` block: `NOTE` then a space, tab or line break, or nothing.
fn note_text(buffer: &str) -> Option<&str> {
    let rest = buffer.strip_prefix("NOTE")?;
    if rest.is_empty() {
        return Some(rest);
    }
    rest.strip_prefix([' ', '\t', '\n'])
}
