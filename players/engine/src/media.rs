//! What demuxers produce: tracks and access units that name the input's bytes.

use alloc::string::String;
use alloc::vec::Vec;
pub use wasp_abi::media::{Bitstream, Codec, TrackKind};

use crate::time::Ticks;

/// A byte range of the demuxer's input, as absolute offsets from the first byte pushed
/// (or of the file, for random-access formats).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ByteRange {
    /// First byte.
    pub offset: u64,
    /// Length in bytes.
    pub length: u32,
}

/// Most byte ranges one access unit may span (the ABI's limit for one submit).
pub const MAX_RANGES: usize = wasp_abi::decoder::MAX_SAMPLE_RANGES;

/// A track (elementary stream) found in the input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrackInfo {
    /// Track id (MP4 `track_ID`, MPEG-TS PID).
    pub id: u32,
    /// The codec.
    pub codec: Codec,
    /// Timescale of this track's timestamps.
    pub timescale: u32,
    /// Video width in pixels (0 when unknown or audio).
    pub width: u32,
    /// Video height in pixels.
    pub height: u32,
    /// Audio sample rate in Hz.
    pub sample_rate: u32,
    /// Audio channels.
    pub channels: u32,
    /// Codec configuration record for the decoder: `avcC`, `hvcC`,
    /// AudioSpecificConfig, `dOps` payload; empty when the codec has none.
    pub config: Vec<u8>,
    /// How this track's access units are framed.
    pub bitstream: Bitstream,
    /// ISO 639 language, when the container says.
    pub language: Option<String>,
}

impl TrackInfo {
    /// Video, audio or text.
    pub fn kind(&self) -> TrackKind {
        self.codec.kind()
    }
}

/// One access unit (a video frame, an audio frame) and where its bytes are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccessUnit {
    /// The track it belongs to ([`TrackInfo::id`]).
    pub track: u32,
    /// Presentation timestamp, in the track's timescale, unwrapped.
    pub pts: i64,
    /// Decode timestamp, in the track's timescale, unwrapped.
    pub dts: i64,
    /// Duration in the track's timescale (0 when unknown).
    pub duration: i64,
    /// The track's timescale.
    pub timescale: u32,
    /// A random-access point.
    pub keyframe: bool,
    /// Total bytes over all ranges (the payload the decoder receives).
    pub size: u32,
    /// The bytes, in order, as ranges of the input (one for MP4, many for MPEG-TS).
    pub ranges: Vec<ByteRange>,
}

impl AccessUnit {
    /// The presentation timestamp with its timescale.
    pub fn pts_ticks(&self) -> Ticks {
        Ticks::new(self.pts, self.timescale)
    }

    /// The decode timestamp with its timescale.
    pub fn dts_ticks(&self) -> Ticks {
        Ticks::new(self.dts, self.timescale)
    }

    /// Gathers the unit's bytes from the whole input (tests and tools; players submit
    /// the ranges by reference instead). `None` when a range lies outside `input`.
    pub fn gather(&self, input: &[u8]) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(self.size as usize);
        for r in &self.ranges {
            let start = usize::try_from(r.offset).ok()?;
            out.extend_from_slice(input.get(start..start.checked_add(r.length as usize)?)?);
        }
        Some(out)
    }
}

/// Timed metadata carried in the stream (ID3 in MPEG-TS, `emsg` in MP4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metadata {
    /// The track or PID that carried it.
    pub track: u32,
    /// Presentation time, in `timescale`.
    pub pts: i64,
    /// Its timescale.
    pub timescale: u32,
    /// The payload (an ID3v2 tag, an `emsg` message body).
    pub data: Vec<u8>,
}

/// What a demuxer reports as it reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A track was found (before its first access unit), or its configuration changed.
    Track(TrackInfo),
    /// An access unit is complete.
    Sample(AccessUnit),
    /// Timed metadata.
    Metadata(Metadata),
}

/// Why a demuxer stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemuxError {
    /// The input breaks the format's rules; the message names the rule.
    Malformed(&'static str),
    /// A valid feature this engine does not handle.
    Unsupported(&'static str),
    /// A size in the input exceeds what the engine accepts (bounded memory).
    TooLarge(&'static str),
}

impl core::fmt::Display for DemuxError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DemuxError::Malformed(m) => write!(f, "malformed input: {m}"),
            DemuxError::Unsupported(m) => write!(f, "unsupported: {m}"),
            DemuxError::TooLarge(m) => write!(f, "too large: {m}"),
        }
    }
}

/// A push demuxer: bytes go in as they arrive, in chunks of any size; events come out.
pub trait Demuxer {
    /// Feeds the next chunk (it continues the bytes pushed before). Ranges in the
    /// events are offsets from the first byte ever pushed.
    ///
    /// # Errors
    /// A [`DemuxError`]; the demuxer may be [`reset`](Demuxer::reset) and fed again.
    fn push(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Event)) -> Result<(), DemuxError>;

    /// The input ended: emits what is still pending (the last access unit).
    ///
    /// # Errors
    /// A [`DemuxError`] when the input ended inside a structure.
    fn finish(&mut self, sink: &mut dyn FnMut(Event)) -> Result<(), DemuxError>;

    /// Forgets everything (a new segment after a discontinuity, or a seek).
    fn reset(&mut self);

    /// How many of the next input bytes the demuxer would only count, never look at
    /// (an MP4 `mdat` payload): a caller holding the input elsewhere (the media
    /// store) may [`skip`](Demuxer::skip) them instead of copying them in. 0 when it
    /// needs every byte (MPEG-TS) or cannot tell.
    fn skippable(&self) -> u64 {
        0
    }

    /// Moves over `n` input bytes as if they had been pushed; `n` must not exceed
    /// [`skippable`](Demuxer::skippable).
    ///
    /// # Errors
    /// [`DemuxError::Malformed`] when `n` exceeds what may be skipped; or what pushing
    /// the bytes would have reported.
    fn skip(&mut self, n: u64, sink: &mut dyn FnMut(Event)) -> Result<(), DemuxError> {
        let _ = sink;
        if n == 0 {
            Ok(())
        } else {
            Err(DemuxError::Malformed("skipped bytes the demuxer needs"))
        }
    }
}
