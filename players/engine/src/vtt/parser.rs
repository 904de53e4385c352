//! The streaming WebVTT parser (W3C WebVTT §6.1, "WebVTT file parsing"): bytes in, in
//! chunks of any size; lines cut at CR, LF or CRLF; blocks collected line by line
//! ([`super::block`]); items out as each block completes.

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::block::{Block, Line, Outcome, Step};
use super::cue::Cue;
use super::lines::{LineSplitter, RawLine};
use super::region::Region;
use super::timestamp_map::TimestampMap;

/// Default cap on one block (and one line): 64 KiB.
pub const DEFAULT_BLOCK_LIMIT: usize = 64 * 1024;

/// Most distinct region identifiers a file may define.
const MAX_REGIONS: usize = 64;

/// The file header: the signature line and the header block.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Header {
    /// The text after `WEBVTT` and a space or tab on the signature line.
    pub description: String,
    /// The lines of the header block (metadata such as `X-TIMESTAMP-MAP=…`).
    pub lines: Vec<String>,
    /// The HLS `X-TIMESTAMP-MAP`, when a header line holds a valid one.
    pub timestamp_map: Option<TimestampMap>,
}

/// What a skipped or ignored block was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WarningKind {
    /// A line with `-->` whose timings do not parse: the cue is skipped.
    BadTimings,
    /// A cue that ends before it starts: skipped.
    EndBeforeStart,
    /// A block longer than the limit: skipped.
    BlockTooLong,
    /// A block that is no cue, comment, style sheet or region (or a `STYLE` or
    /// `REGION` block after the first cue): ignored.
    UnknownBlock,
    /// A region beyond the most a file may define: cues cannot refer to it.
    TooManyRegions,
}

/// A block that was skipped, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Warning {
    /// The 1-based line number of the block's first line.
    pub line: u32,
    /// What was wrong.
    pub kind: WarningKind,
}

/// What the parser reports as blocks complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// The header (always the first item).
    Header(Header),
    /// A cue.
    Cue(Cue),
    /// A region definition.
    Region(Region),
    /// A `STYLE` block's CSS, as written.
    Style(String),
    /// A `NOTE` comment's text.
    Note(String),
    /// A block was skipped.
    Warning(Warning),
}

/// Why the parser stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VttError {
    /// The input does not start with the `WEBVTT` signature line.
    NotWebVtt,
}

impl core::fmt::Display for VttError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            VttError::NotWebVtt => f.write_str("not a WebVTT file: no WEBVTT signature"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Signature,
    AfterSignature,
    Between,
    InBlock,
    Failed,
}

/// A streaming WebVTT parser; see the [module documentation](super).
pub struct Parser {
    limit: usize,
    state: State,
    lines: LineSplitter,
    /// Lines completed so far.
    line_number: u32,
    block: Option<Block>,
    block_line: u32,
    description: String,
    seen_cue: bool,
    regions: Vec<String>,
    timestamp_map: Option<TimestampMap>,
}

impl Default for Parser {
    fn default() -> Self {
        Self::new()
    }
}

impl Parser {
    /// A parser with the [default block limit](DEFAULT_BLOCK_LIMIT).
    pub fn new() -> Self {
        Self::with_block_limit(DEFAULT_BLOCK_LIMIT)
    }

    /// A parser that skips blocks (and lines) longer than `limit` bytes.
    pub fn with_block_limit(limit: usize) -> Self {
        Self {
            limit,
            state: State::Signature,
            lines: LineSplitter::new(limit),
            line_number: 0,
            block: None,
            block_line: 0,
            description: String::new(),
            seen_cue: false,
            regions: Vec::new(),
            timestamp_map: None,
        }
    }

    /// Forgets the file (for the next HLS segment); keeps the limit.
    pub fn reset(&mut self) {
        *self = Self::with_block_limit(self.limit);
    }

    /// The `X-TIMESTAMP-MAP` of the header, once the header is complete.
    pub fn timestamp_map(&self) -> Option<TimestampMap> {
        self.timestamp_map
    }

    /// Bytes of input held while their line or block is incomplete: never more than
    /// twice the block limit (a line and a block).
    pub fn buffered_bytes(&self) -> usize {
        self.lines.pending().len() + self.block.as_ref().map_or(0, Block::buffered)
    }

    /// Feeds the next chunk of the file and reports the blocks it completes.
    ///
    /// # Errors
    /// [`VttError::NotWebVtt`] as soon as the start of the input rules out the
    /// signature; later calls return it again until [`reset`](Self::reset).
    pub fn push(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Item)) -> Result<(), VttError> {
        let mut rest = chunk;
        while self.state != State::Failed {
            let Some(line) = self.lines.next_line(&mut rest) else {
                break;
            };
            self.end_line(line, sink);
        }
        if self.state == State::Signature && !signature_possible(self.lines.pending()) {
            self.state = State::Failed;
        }
        match self.state {
            State::Failed => Err(VttError::NotWebVtt),
            _ => Ok(()),
        }
    }

    /// The input ended: completes the last line and block and reports them, then
    /// resets for the next file.
    ///
    /// # Errors
    /// [`VttError::NotWebVtt`] when the input had no signature line.
    pub fn finish(&mut self, sink: &mut dyn FnMut(Item)) -> Result<(), VttError> {
        match self.lines.last_line() {
            Some(line) => self.end_line(line, sink),
            // An empty input fails the signature check.
            None if self.state == State::Signature => self.state = State::Failed,
            None => {}
        }
        let result = match self.state {
            State::Failed => Err(VttError::NotWebVtt),
            State::AfterSignature => {
                self.emit_header(None, sink);
                Ok(())
            }
            _ => {
                self.end_block(sink);
                Ok(())
            }
        };
        self.reset();
        result
    }

    /// A line is complete: runs it through the state machine.
    fn end_line(&mut self, line: RawLine, sink: &mut dyn FnMut(Item)) {
        self.line_number = self.line_number.saturating_add(1);
        if self.state == State::Signature {
            self.signature(&line.bytes, line.too_long);
            return;
        }
        let decoded = (!line.too_long).then(|| decode_line(&line.bytes));
        let line = Line {
            text: decoded.as_deref(),
            arrow: line.arrow,
        };
        self.block_line_step(&line, sink);
    }

    fn signature(&mut self, bytes: &[u8], too_long: bool) {
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        match bytes.strip_prefix(b"WEBVTT") {
            Some(rest) if !too_long && matches!(rest.first(), None | Some(b' ' | b'\t')) => {
                self.description = decode_line(rest.get(1..).unwrap_or_default()).into_owned();
                self.state = State::AfterSignature;
            }
            _ => self.state = State::Failed,
        }
    }

    fn block_line_step(&mut self, line: &Line<'_>, sink: &mut dyn FnMut(Item)) {
        let empty = line.text == Some("");
        match self.state {
            State::Signature | State::Failed => {}
            State::AfterSignature if empty => {
                self.emit_header(None, sink);
                self.state = State::Between;
            }
            State::AfterSignature => {
                self.start_block(true);
                self.block_line_step(line, sink);
            }
            State::Between if empty => {}
            State::Between => {
                self.start_block(false);
                self.block_line_step(line, sink);
            }
            State::InBlock => {
                let regions = &self.regions;
                let known = |id: &str| regions.iter().any(|r| r == id);
                let step = match self.block.as_mut() {
                    Some(block) => block.line(line, self.seen_cue, &known),
                    None => Step::End,
                };
                match step {
                    Step::Continue => {}
                    Step::End => self.end_block(sink),
                    Step::EndBefore => {
                        self.end_block(sink);
                        self.start_block(false);
                        self.block_line_step(line, sink);
                    }
                }
            }
        }
    }

    fn start_block(&mut self, in_header: bool) {
        self.block = Some(Block::new(in_header, self.limit));
        self.block_line = self.line_number;
        self.state = State::InBlock;
    }

    /// The block in progress is complete: reports what it was.
    fn end_block(&mut self, sink: &mut dyn FnMut(Item)) {
        self.state = State::Between;
        let Some(block) = self.block.take() else {
            return;
        };
        let in_header = block.is_header();
        let line = self.block_line;
        let warning = |kind| Item::Warning(Warning { line, kind });
        let mut warn = |kind| sink(warning(kind));
        match block.finish() {
            Outcome::Header(lines) => self.emit_header(Some(&lines), sink),
            Outcome::TooLong if in_header => {
                self.emit_header(None, sink);
                sink(warning(WarningKind::BlockTooLong));
            }
            Outcome::TooLong => warn(WarningKind::BlockTooLong),
            Outcome::BadTimings => warn(WarningKind::BadTimings),
            Outcome::EndBeforeStart => {
                self.seen_cue = true;
                warn(WarningKind::EndBeforeStart);
            }
            Outcome::Unknown => warn(WarningKind::UnknownBlock),
            Outcome::Cue(cue) => {
                self.seen_cue = true;
                sink(Item::Cue(cue));
            }
            Outcome::Style(css) => sink(Item::Style(css)),
            Outcome::Note(note) => sink(Item::Note(note)),
            Outcome::Region(region) => {
                if !self.regions.contains(&region.id) {
                    if self.regions.len() < MAX_REGIONS {
                        self.regions.push(region.id.clone());
                    } else {
                        warn(WarningKind::TooManyRegions);
                    }
                }
                sink(Item::Region(region));
            }
        }
    }

    fn emit_header(&mut self, lines: Option<&str>, sink: &mut dyn FnMut(Item)) {
        let lines: Vec<String> = lines
            .map(|l| l.split('\n').map(ToString::to_string).collect())
            .unwrap_or_default();
        self.timestamp_map = lines.iter().find_map(|l| TimestampMap::parse(l));
        sink(Item::Header(Header {
            description: core::mem::take(&mut self.description),
            lines,
            timestamp_map: self.timestamp_map,
        }));
    }
}

/// Whether `bytes`, the start of the first line, can still begin a signature line.
fn signature_possible(bytes: &[u8]) -> bool {
    const BOM: &[u8] = b"\xef\xbb\xbf";
    let after_bom = match bytes.strip_prefix(BOM) {
        Some(rest) => rest,
        None if BOM.starts_with(bytes) => return true,
        None => bytes,
    };
    let n = after_bom.len().min(6);
    after_bom.get(..n) == b"WEBVTT".get(..n)
        && after_bom.get(6).is_none_or(|b| *b == b' ' || *b == b'\t')
}

/// A line's text: UTF-8 with invalid sequences and NUL replaced by U+FFFD (§6.1).
fn decode_line(bytes: &[u8]) -> Cow<'_, str> {
    let text = String::from_utf8_lossy(bytes);
    if text.contains('\0') {
        Cow::Owned(text.replace('\0', "\u{fffd}"))
    } else {
        text
    }
}
