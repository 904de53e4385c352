//! Conversions between the header's structs ([`crate::sys`]) and the ABI's ([`Conv`]), for
//! ports written in Rust behind the C vtable and for this crate's adapter.
//!
//! The ABI structs are `#[repr(C)]` with a little-endian wire form (`encode`/`decode`)
//! whose fields are those of the C structs in the same order. A conversion writes the
//! C fields in order into the wire form and decodes it with the ABI's own checks, so
//! an unknown enum value from a port is rejected exactly as one from a module is. A
//! compile-time check pins each C struct's size to the ABI's wire size, and the
//! struct literal in `from_abi` names every C field, so a field added on one side only
//! fails the build.

use wasp_abi::Status;

use crate::sys;

/// A fixed-size field of a header struct, in the ABI's little-endian wire form.
pub(crate) trait LeField: Sized {
    /// Bytes on the wire.
    const SIZE: usize;
    /// Appends the field to `out` at `pos`.
    fn put(&self, out: &mut [u8], pos: &mut usize);
    /// Reads the field at `pos` (zero when `bytes` is short).
    fn take(bytes: &[u8], pos: &mut usize) -> Self;
}

fn slot<'a>(out: &'a mut [u8], pos: &mut usize, n: usize) -> Option<&'a mut [u8]> {
    let start = *pos;
    *pos = start.saturating_add(n);
    out.get_mut(start..*pos)
}

macro_rules! le_int {
    ($($t:ty),*) => {$(
        impl LeField for $t {
            const SIZE: usize = core::mem::size_of::<$t>();
            fn put(&self, out: &mut [u8], pos: &mut usize) {
                if let Some(dst) = slot(out, pos, Self::SIZE) {
                    dst.copy_from_slice(&self.to_le_bytes());
                }
            }
            fn take(bytes: &[u8], pos: &mut usize) -> Self {
                let mut raw = [0u8; core::mem::size_of::<$t>()];
                let start = *pos;
                *pos = start.saturating_add(Self::SIZE);
                if let Some(src) = bytes.get(start..*pos) {
                    raw.copy_from_slice(src);
                }
                <$t>::from_le_bytes(raw)
            }
        }
    )*};
}
le_int!(u32, i32, u64, i64);

impl LeField for [u8; 16] {
    const SIZE: usize = 16;
    fn put(&self, out: &mut [u8], pos: &mut usize) {
        if let Some(dst) = slot(out, pos, 16) {
            dst.copy_from_slice(self);
        }
    }
    fn take(bytes: &[u8], pos: &mut usize) -> Self {
        let mut raw = [0u8; 16];
        let start = *pos;
        *pos = start.saturating_add(16);
        if let Some(src) = bytes.get(start..*pos) {
            raw.copy_from_slice(src);
        }
        raw
    }
}

/// A header struct with an ABI twin.
pub trait Conv: Sized {
    /// The ABI struct.
    type Abi;
    /// The ABI value, with the ABI's checks (unknown enum values rejected).
    fn to_abi(&self) -> Result<Self::Abi, Status>;
    /// The header value.
    fn from_abi(abi: &Self::Abi) -> Self;
}

/// Asserts a C field sits where the ABI's field of that name (or the renamed one,
/// `c_name = abi_name`) does.
macro_rules! same_offset {
    ($c:ident, $abi:ty, $f:ident) => {
        same_offset!($c, $abi, $f, $f);
    };
    ($c:ident, $abi:ty, $f:ident, $af:ident) => {
        const _: () = assert!(
            core::mem::offset_of!(sys::$c, $f) == core::mem::offset_of!($abi, $af),
            concat!(stringify!($c), ".", stringify!($f)),
        );
    };
}

macro_rules! conv {
    ($c:ident <=> $abi:ty { $($f:ident $(= $af:ident)?),* $(,)? }) => {
        impl Conv for sys::$c {
            type Abi = $abi;
            fn to_abi(&self) -> Result<$abi, Status> {
                let mut bytes = [0u8; <$abi>::SIZE];
                let mut pos = 0;
                $( LeField::put(&self.$f, &mut bytes, &mut pos); )*
                <$abi>::decode(&bytes)
            }
            fn from_abi(abi: &$abi) -> Self {
                let bytes = abi.to_bytes();
                let mut pos = 0;
                Self { $( $f: LeField::take(&bytes, &mut pos), )* }
            }
        }
        // The header struct has exactly the ABI's bytes (no field missing or extra),
        // and each field sits where the ABI's field of that name does (same order).
        const _: () = assert!(core::mem::size_of::<sys::$c>() == <$abi>::SIZE);
        $( same_offset!($c, $abi, $f $(, $af)?); )*
    };
}

use wasp_abi::caps::{AudioOutputInfo, DecodingInfo, DecodingQuery, DisplayInfo};
use wasp_abi::decoder::{
    DecoderConfig, DecoderStats, EncryptionInfo, MediaClockInfo, SampleInfo, Subsample,
};
use wasp_abi::event::{CommandEvent, DecoderEvent, DeviceEvent, FetchEvent, KeyEvent};
use wasp_abi::fetch::{FetchInfo, FetchRequest};
use wasp_abi::gfx::{ImageDesc, Rect};
use wasp_abi::player::QoeReport;

conv!(wasp_decoding_query <=> DecodingQuery { codec, width, height, framerate_milli, bitrate_bps, channels, sample_rate, bit_depth });
conv!(wasp_decoding_info <=> DecodingInfo { supported, smooth, power_efficient, max_instances });
conv!(wasp_display_info <=> DisplayInfo { width, height, refresh_millihz, format, safe_left, safe_top, safe_right, safe_bottom, video_max_width, video_max_height });
conv!(wasp_audio_output_info <=> AudioOutputInfo { channels, sample_rate, latency_us, passthrough });
conv!(wasp_fetch_request <=> FetchRequest { range_start, range_end, method, timeout_ms });
conv!(wasp_fetch_info <=> FetchInfo { content_length, received, consumed, state, http_status, error, first_byte_us });
conv!(wasp_decoder_config <=> DecoderConfig { codec, width, height, framerate_milli, sample_rate, channels, bitrate_bps, bit_depth, bitstream });
conv!(wasp_sample_info <=> SampleInfo { pts_us, dts_us, duration_us, flags, size });
conv!(wasp_encryption_info <=> EncryptionInfo { key_id, iv, scheme, iv_size, crypt_blocks, skip_blocks, subsample_count });
conv!(wasp_subsample <=> Subsample { clear, protected_bytes = protected });
conv!(wasp_decoder_stats <=> DecoderStats { last_pts_us, queued_bytes, queue_capacity, queued_units, decoded, dropped, corrupt, state, kind });
conv!(wasp_media_clock_info <=> MediaClockInfo { position_us, rate_milli, running });
conv!(wasp_image_desc <=> ImageDesc { width, height, stride, format });
conv!(wasp_rect <=> Rect { x, y, w, h });
conv!(wasp_key_event <=> KeyEvent { time_us, key, action });
conv!(wasp_command_event <=> CommandEvent { position_us, command, flags });
conv!(wasp_fetch_event <=> FetchEvent { handle, state });
conv!(wasp_decoder_event <=> DecoderEvent { handle, what });
conv!(wasp_device_event <=> DeviceEvent { value, what, reserved });
conv!(wasp_qoe <=> QoeReport { position_us, duration_us, buffered_us, startup_us, rebuffer_us, rebuffer_count, bitrate_bps, switch_count, dropped_frames, throughput_bps, width, height, state });
