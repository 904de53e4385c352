//! Decoders and the media clock (`decoder_*`, `media_*` imports).
//!
//! A decoder is opened with a [`DecoderConfig`] plus the codec configuration bytes
//! (`avcC`, `hvcC`, AudioSpecificConfig, `dOps`). Access units are submitted whole, by
//! reference: a [`SampleInfo`] and a list of [`SampleRange`]s pointing into media-store
//! objects (scatter-gather, so a TS access unit split over packets is never copied
//! through the interpreter). The device presents frames against its media clock; A/V
//! sync is the device's job, as on every real platform.

use crate::media::{Bitstream, Codec, EncryptionScheme, TrackKind};
use crate::wire::{wire_enum, wire_struct};

wire_struct! {
    /// How to open a decoder (`decoder_open`). Zero means "not known yet".
    pub struct DecoderConfig {
        /// The codec.
        pub codec: Codec,
        /// Coded width (video).
        pub width: u32,
        /// Coded height (video).
        pub height: u32,
        /// Frame rate in thousandths of a frame per second (video).
        pub framerate_milli: u32,
        /// Sample rate in Hz (audio).
        pub sample_rate: u32,
        /// Channels (audio).
        pub channels: u32,
        /// Peak bitrate in bits per second.
        pub bitrate_bps: u32,
        /// Bit depth (0 = 8).
        pub bit_depth: u32,
        /// How access units are framed (H.264/H.265: length-prefixed or Annex B).
        pub bitstream: Bitstream,
    }
}

/// [`SampleInfo::flags`]: a random-access point (IDR / sync sample).
pub const SAMPLE_KEYFRAME: u32 = 1 << 0;
/// [`SampleInfo::flags`]: timestamps restart here (HLS discontinuity, new period).
pub const SAMPLE_DISCONTINUITY: u32 = 1 << 1;
/// [`SampleInfo::flags`]: decode but do not present (accurate seek pre-roll).
pub const SAMPLE_DECODE_ONLY: u32 = 1 << 2;
/// [`SampleInfo::flags`]: end of stream; the sample has no ranges.
pub const SAMPLE_END_OF_STREAM: u32 = 1 << 3;
/// Every flag known to ABI v1.
pub const SAMPLE_FLAGS_V1: u32 = (1 << 4) - 1;

/// Most ranges one access unit may have: enough for a 700 KiB access unit carried in
/// 188-byte MPEG-TS packets (184 payload bytes each).
pub const MAX_SAMPLE_RANGES: usize = 4096;
/// Most subsamples one encrypted access unit may have.
pub const MAX_SUBSAMPLES: usize = 256;

wire_struct! {
    /// One access unit (`decoder_submit`). Timestamps are microseconds on the
    /// presentation timeline the module maintains (wrap-free, 64-bit).
    pub struct SampleInfo {
        /// Presentation timestamp.
        pub pts_us: i64,
        /// Decode timestamp.
        pub dts_us: i64,
        /// Duration, 0 when unknown.
        pub duration_us: i64,
        /// `SAMPLE_*` flags.
        pub flags: u32,
        /// Total bytes over all ranges (checked by the host).
        pub size: u32,
    }
}

wire_struct! {
    /// A byte range of a media-store object, one piece of an access unit.
    pub struct SampleRange {
        /// Start offset within the object.
        pub offset: u64,
        /// Store object handle.
        pub object: u32,
        /// Length in bytes.
        pub length: u32,
    }
}

wire_struct! {
    /// Encryption of one access unit (optional argument of `decoder_submit`),
    /// followed on the wire by `subsample_count` [`Subsample`]s.
    pub struct EncryptionInfo {
        /// Key id (KID).
        pub key_id: [u8; 16],
        /// Initialisation vector; the first `iv_size` bytes are used.
        pub iv: [u8; 16],
        /// The scheme.
        pub scheme: EncryptionScheme,
        /// IV size in bytes: 8 or 16.
        pub iv_size: u32,
        /// Pattern encryption (`cbcs`): encrypted blocks.
        pub crypt_blocks: u32,
        /// Pattern encryption (`cbcs`): clear blocks.
        pub skip_blocks: u32,
        /// Number of subsample entries that follow; 0 = the whole sample is encrypted.
        pub subsample_count: u32,
    }
}

wire_struct! {
    /// A subsample: clear bytes followed by protected bytes (ISO/IEC 23001-7 §7.2.2).
    pub struct Subsample {
        /// Clear bytes.
        pub clear: u32,
        /// Protected bytes.
        pub protected: u32,
    }
}

wire_enum! {
    /// A decoder's state.
    pub enum DecoderState {
        /// Open, nothing submitted yet, or flushed.
        Idle = 0,
        /// Decoding.
        Running = 1,
        /// End of stream submitted and every frame output.
        Drained = 2,
        /// Failed; close and reopen.
        Failed = 3,
        /// Lost to the system (resource reclaimed); close and reopen.
        Lost = 4,
    }
}

wire_struct! {
    /// Queue levels and statistics (`decoder_info`).
    pub struct DecoderStats {
        /// Last presented timestamp, or `i64::MIN` before the first.
        pub last_pts_us: i64,
        /// Bytes queued, not yet decoded.
        pub queued_bytes: u64,
        /// Queue byte budget.
        pub queue_capacity: u64,
        /// Access units queued.
        pub queued_units: u32,
        /// Frames (or audio frames) decoded.
        pub decoded: u32,
        /// Frames dropped (late or by decode-only).
        pub dropped: u32,
        /// Access units the decoder rejected as corrupt.
        pub corrupt: u32,
        /// The state.
        pub state: DecoderState,
        /// The kind of decoder.
        pub kind: TrackKind,
    }
}

wire_struct! {
    /// The media clock (`media_clock`).
    pub struct MediaClockInfo {
        /// The presentation time being shown or heard now.
        pub position_us: i64,
        /// Rate in thousandths (1000 = normal, 0 = paused).
        pub rate_milli: u32,
        /// 1 when the clock advances (started, rate > 0, not starved).
        pub running: u32,
    }
}

/// Lowest non-zero rate `media_set_rate` accepts (live catch-up and slow motion).
pub const MIN_RATE_MILLI: u32 = 250;
/// Highest rate `media_set_rate` accepts.
pub const MAX_RATE_MILLI: u32 = 4000;
