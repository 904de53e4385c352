//! WebVTT (W3C "WebVTT: The Web Video Text Tracks Format"), for sidecar subtitle files
//! and the WebVTT segments of HLS streams.
//!
//! [`Parser`] follows the spec's parsing algorithm (§6.1) over a stream: text goes in
//! in chunks as segments arrive, and [`Item`]s (the header, cues, regions, style
//! sheets, comments and warnings) come out as their blocks complete. It buffers at
//! most one block (64 KiB by default; longer blocks are skipped with a warning).
//! [`Document::parse`] collects a whole file.
//!
//! Like browsers it is lenient: CR, LF and CRLF line ends, a byte-order mark, cues
//! without text, invalid settings ignored one by one, and bad cue blocks skipped
//! (reported as [`Warning`]s) without losing the rest. Its one departure: a cue whose
//! end is before its start is skipped too, so every cue has `start <= end`.
//!
//! Times are exact microseconds ([`Micros`](crate::time::Micros)); percentages and
//! line numbers are fixed point ([`Decimal`]), never floats. For HLS,
//! [`TimestampMap`] reads `X-TIMESTAMP-MAP` and [`to_media_time`] places cue times
//! on the MPEG-TS timeline; [`active_cues`] answers "what is on screen at `t`".

mod block;
mod cue;
mod document;
mod entity;
mod lines;
mod number;
mod parser;
mod region;
mod settings;
mod text;
mod timestamp;
mod timestamp_map;

pub use cue::{active_cues, Cue};
pub use document::Document;
pub use number::Decimal;
pub use parser::{Header, Item, Parser, VttError, Warning, WarningKind, DEFAULT_BLOCK_LIMIT};
pub use region::{Anchor, Region, Scroll};
pub use settings::{Align, CueSettings, Line, LineAlign, PositionAlign, Vertical};
pub use text::{parse_cue_text, plain_text, Element, ElementKind, Node, MAX_DEPTH};
pub use timestamp::parse_timestamp;
pub use timestamp_map::{to_media_time, TimestampMap};
