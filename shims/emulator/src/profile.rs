//! The device profile: what the emulated device is (display, decoders, budgets).
//!
//! The `wasp-emu` binary fills a [`DeviceProfile`] from a TOML file; this crate does
//! not parse TOML. [`DeviceProfile::default`] is a 1080p TV stick.

use wasp_core::abi::media::Codec;

/// What the device decodes of one codec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodecCaps {
    /// The codec.
    pub codec: Codec,
    /// Largest picture width (video; 0 = no limit).
    pub max_width: u32,
    /// Largest picture height (video; 0 = no limit).
    pub max_height: u32,
    /// Highest bitrate in bits per second (0 = no limit).
    pub max_bitrate_bps: u32,
}

impl CodecCaps {
    /// A codec with the given video size limit and no bitrate limit.
    pub const fn new(codec: Codec, max_width: u32, max_height: u32) -> Self {
        Self {
            codec,
            max_width,
            max_height,
            max_bitrate_bps: 0,
        }
    }

    /// Whether a stream of this size and bitrate is within the limits.
    pub fn allows(&self, width: u32, height: u32, bitrate_bps: u32) -> bool {
        let within = |value: u32, limit: u32| limit == 0 || value <= limit;
        within(width, self.max_width)
            && within(height, self.max_height)
            && within(bitrate_bps, self.max_bitrate_bps)
    }
}

/// The emulated device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceProfile {
    /// Display (graphics plane) width in pixels.
    pub display_width: u32,
    /// Display height in pixels.
    pub display_height: u32,
    /// Display refresh rate in millihertz.
    pub refresh_millihz: u32,
    /// Safe-area insets in pixels: left, top, right, bottom.
    pub safe_area: [u32; 4],
    /// The codecs the device decodes and their limits. A codec decodes only when it
    /// is listed here *and* the linked libavcodec has a decoder for it.
    pub decoders: Vec<CodecCaps>,
    /// Audio output channels (2: stereo).
    pub audio_channels: u32,
    /// Audio output sample rate in Hz. The emulator does not resample: streams at
    /// another rate play at their own rate (see the crate docs).
    pub audio_sample_rate: u32,
    /// Audio output latency the device reports, µs.
    pub audio_latency_us: u32,
    /// Guest linear memory cap in bytes (for the runtime's limits; the binary reads it).
    pub guest_memory_bytes: u64,
    /// Media store budget in bytes (for the runtime; the binary reads it).
    pub media_store_bytes: u64,
    /// Byte budget of each decoder's queue of submitted, not yet decoded units.
    pub decoder_queue_bytes: usize,
    /// Fuel per millisecond of tick budget (for the runtime; the binary reads it).
    pub fuel_per_ms: u64,
    /// Virtual-clock mode: device time one unit takes to decode, µs (0 = at once).
    pub decode_us: i64,
    /// Decoded pictures (or audio frames) a decoder may hold awaiting presentation;
    /// decoding pauses while the pool is full.
    pub output_frames: usize,
    /// Key-value store budget in bytes, keys and values together.
    pub kv_bytes: usize,
}

impl Default for DeviceProfile {
    fn default() -> Self {
        Self {
            display_width: 1920,
            display_height: 1080,
            refresh_millihz: 60_000,
            safe_area: [96, 54, 96, 54],
            decoders: vec![
                CodecCaps::new(Codec::H264, 1920, 1080),
                CodecCaps::new(Codec::H265, 1920, 1080),
                CodecCaps::new(Codec::Aac, 0, 0),
                CodecCaps::new(Codec::Mp3, 0, 0),
                CodecCaps::new(Codec::Ac3, 0, 0),
                CodecCaps::new(Codec::Eac3, 0, 0),
            ],
            audio_channels: 2,
            audio_sample_rate: 48_000,
            audio_latency_us: 20_000,
            guest_memory_bytes: 64 << 20,
            media_store_bytes: 64 << 20,
            decoder_queue_bytes: 4 << 20,
            fuel_per_ms: 10_000_000,
            decode_us: 1_000,
            output_frames: 8,
            kv_bytes: 64 << 10,
        }
    }
}

impl DeviceProfile {
    /// The limits for `codec`, if the device lists it.
    pub fn caps(&self, codec: Codec) -> Option<&CodecCaps> {
        self.decoders.iter().find(|c| c.codec == codec)
    }

    /// Largest listed video size (for the display's video plane answer).
    pub fn video_max(&self) -> (u32, u32) {
        self.decoders
            .iter()
            .filter(|c| c.codec.kind() == wasp_core::abi::media::TrackKind::Video)
            .fold((0, 0), |(w, h), c| {
                (w.max(c.max_width), h.max(c.max_height))
            })
    }
}
