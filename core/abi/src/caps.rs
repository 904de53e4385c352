//! Capability queries (`caps_*` imports): what the device can decode, show and hold.
//!
//! Capabilities are questions, not a fixed table: "can you decode this codec at this
//! size, frame rate and bitrate; smoothly; power-efficiently", like the web's
//! MediaCapabilities. A module filters variants with them and never names a device.

use crate::media::{Codec, PixelFormat};
use crate::wire::wire_struct;
use crate::Status;

wire_struct! {
    /// A decoding question (`caps_decoding`). Zero means "any"/"unspecified".
    pub struct DecodingQuery {
        /// The codec.
        pub codec: Codec,
        /// Width in pixels (video).
        pub width: u32,
        /// Height in pixels (video).
        pub height: u32,
        /// Frame rate in thousandths of a frame per second (video).
        pub framerate_milli: u32,
        /// Peak bitrate in bits per second.
        pub bitrate_bps: u32,
        /// Channels (audio).
        pub channels: u32,
        /// Sample rate in Hz (audio).
        pub sample_rate: u32,
        /// Bit depth of samples (8 or 10 for video; 0 = 8).
        pub bit_depth: u32,
    }
}

wire_struct! {
    /// The answer to a [`DecodingQuery`]. Booleans are 0 or 1.
    pub struct DecodingInfo {
        /// The device can decode it.
        pub supported: u32,
        /// It decodes in real time without dropping frames.
        pub smooth: u32,
        /// It decodes in hardware or otherwise cheaply.
        pub power_efficient: u32,
        /// The largest number of decoders of this kind open at once.
        pub max_instances: u32,
    }
}

wire_struct! {
    /// The graphics plane and display (`caps_display`).
    pub struct DisplayInfo {
        /// Graphics plane width in pixels.
        pub width: u32,
        /// Graphics plane height in pixels.
        pub height: u32,
        /// Refresh rate in millihertz (60 Hz = 60000).
        pub refresh_millihz: u32,
        /// The graphics plane's pixel format.
        pub format: PixelFormat,
        /// TV safe-area insets in pixels: left.
        pub safe_left: u32,
        /// Safe-area inset: top.
        pub safe_top: u32,
        /// Safe-area inset: right.
        pub safe_right: u32,
        /// Safe-area inset: bottom.
        pub safe_bottom: u32,
        /// Largest video the display path can show, width.
        pub video_max_width: u32,
        /// Largest video the display path can show, height.
        pub video_max_height: u32,
    }
}

wire_struct! {
    /// The audio output (`caps_audio`).
    pub struct AudioOutputInfo {
        /// Output channels (2 stereo, 6 for 5.1).
        pub channels: u32,
        /// Output sample rate in Hz.
        pub sample_rate: u32,
        /// Output latency the device adds, microseconds.
        pub latency_us: u32,
        /// Bit set of passthrough codecs: `1 << Codec::as_u32()`.
        pub passthrough: u32,
    }
}

wire_struct! {
    /// Byte budgets set by the device profile (`caps_memory`).
    pub struct MemoryBudget {
        /// Guest linear memory cap.
        pub guest_memory: u64,
        /// Media store (compressed forward and back buffer).
        pub media_store: u64,
        /// Bytes queued in each decoder.
        pub decoder_queue: u64,
        /// Image memory on the graphics plane.
        pub images: u64,
        /// Key-value store, keys and values together.
        pub kv_store: u64,
        /// Open fetches at once.
        pub max_fetches: u32,
        /// Open store objects at once.
        pub max_store_objects: u32,
    }
}

wire_struct! {
    /// About the runtime (`runtime_info`).
    pub struct RuntimeInfo {
        /// Fuel (interpreter work units) allowed per tick.
        pub fuel_per_tick: u64,
        /// ABI major version served.
        pub abi_major: u32,
        /// Highest ABI minor version served.
        pub abi_minor: u32,
        /// Runtime version, `major << 16 | minor << 8 | patch`.
        pub runtime_version: u32,
        /// Reserved, zero.
        pub reserved: u32,
    }
}

/// Checks a `caps_feature` argument is a single v1 feature bit.
///
/// # Errors
/// [`Status::InvalidArgument`] for zero, several bits, or an unknown bit.
pub fn decode_feature(bit: i64) -> Result<u64, Status> {
    let bit = bit as u64;
    if bit.count_ones() == 1 && bit & crate::player::feature::ALL_V1 != 0 {
        Ok(bit)
    } else {
        Err(Status::InvalidArgument)
    }
}
