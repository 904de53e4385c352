//! What every audio frame header says, whatever its codec: enough to cut the stream
//! into access units, time them, and describe the track.

use super::aac::AudioSpecificConfig;
use crate::media::Codec;

/// One audio frame's header, summarised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AudioHeader {
    /// The codec of the frame.
    pub codec: Codec,
    /// Bytes of the whole frame, its header included.
    pub frame_length: u32,
    /// Bytes at the start of the frame that are framing only and not given to the
    /// decoder (the ADTS header; 0 for codecs whose frames keep their header).
    pub header_length: u32,
    /// PCM samples per channel the frame decodes to.
    pub samples: u32,
    /// Sample rate in Hz (never 0).
    pub sample_rate: u32,
    /// Output channels (0 when the stream describes them in-band, ADTS with a PCE).
    pub channels: u32,
    /// The AudioSpecificConfig, for AAC.
    pub aac: Option<AudioSpecificConfig>,
    /// An E-AC-3 dependent substream, or an independent substream other than 0
    /// (A/52 §E.1.3.1.1): part of the access unit of the frame before it, adding
    /// channels or programs but no samples.
    pub dependent: bool,
}

impl AudioHeader {
    /// Whether two headers belong to the same stream configuration (a frame that
    /// follows another with a different one is a false sync or a new stream).
    pub fn same_stream(&self, other: &AudioHeader) -> bool {
        self.codec == other.codec
            && self.sample_rate == other.sample_rate
            && self.channels == other.channels
            && self.aac == other.aac
    }

    /// The frame's duration in `timescale` units, rounded to nearest.
    pub fn duration(&self, timescale: u32) -> i64 {
        crate::time::Ticks::new(i64::from(self.samples), self.sample_rate).rescale(timescale)
    }
}
