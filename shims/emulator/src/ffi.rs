//! The FFI edge: libavcodec's send/receive decoding API behind a safe type.
//!
//! Everything unsafe in the crate lives here. The rest of the crate sees
//! [`AvDecoder`] (open, send a unit, send end of stream, receive frames, flush) and
//! owned outputs ([`Decoded`]): packed pictures exactly as `framemd5` hashes them
//! (`av_image_copy_to_buffer` with `align = 1`, FINDINGS.md) and interleaved s16 PCM.
//!
//! Every libavcodec object is owned by one [`AvDecoder`] and freed in its `Drop`;
//! no pointer into libavcodec memory outlives the call that read it.
#![allow(unsafe_code)]
// Every unsafe operation, in unsafe functions too, sits in a block with its reason.
#![deny(unsafe_op_in_unsafe_fn)]

use core::ptr;

use ffmpeg_sys_next as sys;
use sys::{AVCodecID, AVPixelFormat, AVSampleFormat};
use wasp_core::abi::media::Codec;

/// libavcodec's decoder id for a wasp codec.
fn codec_id(codec: Codec) -> Option<AVCodecID> {
    Some(match codec {
        Codec::H264 => AVCodecID::AV_CODEC_ID_H264,
        Codec::H265 => AVCodecID::AV_CODEC_ID_HEVC,
        Codec::Aac => AVCodecID::AV_CODEC_ID_AAC,
        Codec::Mp3 => AVCodecID::AV_CODEC_ID_MP3,
        Codec::Ac3 => AVCodecID::AV_CODEC_ID_AC3,
        Codec::Eac3 => AVCodecID::AV_CODEC_ID_EAC3,
        Codec::Opus => AVCodecID::AV_CODEC_ID_OPUS,
        Codec::Unknown => return None,
    })
}

/// Whether the linked libavcodec has a decoder for `codec`.
pub(crate) fn has_decoder(codec: Codec) -> bool {
    let Some(id) = codec_id(codec) else {
        return false;
    };
    // SAFETY: avcodec_find_decoder only reads libavcodec's static codec table.
    !unsafe { sys::avcodec_find_decoder(id) }.is_null()
}

/// Silences libavcodec's own log (hostile input makes it chatty on stderr); the
/// port counts errors instead.
pub(crate) fn quiet_logs() {
    // SAFETY: sets a global integer; no pointers involved.
    unsafe { sys::av_log_set_level(sys::AV_LOG_QUIET) };
}

/// Why a decoder could not be opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OpenError {
    /// No decoder for the codec in this libavcodec.
    Unsupported,
    /// libavcodec refused the configuration (or memory ran out).
    Refused,
}

/// A decoded picture, packed without padding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Picture {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Whether it is 8-bit planar 4:2:0 (I420; full-range `yuvj420p` included), so
    /// the packed bytes are Y, then U, then V with chroma of `ceil(w/2) x ceil(h/2)`.
    pub i420: bool,
    /// The planes as `av_image_copy_to_buffer(align = 1)` writes them.
    pub packed: Vec<u8>,
    /// Its timestamp (the unit's pts, reordered by the decoder), if any.
    pub pts: Option<i64>,
    /// libavcodec flagged it corrupt (concealed errors).
    pub corrupt: bool,
}

/// Decoded audio as interleaved signed 16-bit samples.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pcm {
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Channels interleaved in [`Pcm::samples`].
    pub channels: u32,
    /// `frames * channels` samples.
    pub samples: Vec<i16>,
    /// Its timestamp, if any.
    pub pts: Option<i64>,
}

/// One output of a decoder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Decoded {
    /// A picture.
    Video(Picture),
    /// Audio samples.
    Audio(Pcm),
}

/// What [`AvDecoder::receive`] found.
#[derive(Debug)]
pub(crate) enum Received {
    /// A frame.
    Frame(Decoded),
    /// A frame libavcodec produced in a format this port cannot convert.
    Unconvertible,
    /// Nothing until more input (or, after end of stream, nothing more at all).
    Nothing,
    /// A decoding error.
    Error,
}

/// A libavcodec decoder, single-threaded so its output is deterministic and its
/// delay is only the stream's own reordering.
#[derive(Debug)]
pub(crate) struct AvDecoder {
    ctx: *mut sys::AVCodecContext,
    pkt: *mut sys::AVPacket,
    frame: *mut sys::AVFrame,
}

/// libavcodec timestamps are in this time base: units carry microseconds.
const MICROSECONDS: sys::AVRational = sys::AVRational {
    num: 1,
    den: 1_000_000,
};

impl AvDecoder {
    /// Opens a decoder of `codec` with `extradata` (`avcC`, `hvcC`, Annex B
    /// parameter sets, AudioSpecificConfig, OpusHead; may be empty). `sample_rate`
    /// and `channels` (0 = unknown) help codecs whose configuration omits them.
    pub(crate) fn open(
        codec: Codec,
        extradata: &[u8],
        sample_rate: u32,
        channels: u32,
    ) -> Result<Self, OpenError> {
        let id = codec_id(codec).ok_or(OpenError::Unsupported)?;
        // SAFETY: a lookup in libavcodec's static table.
        let decoder = unsafe { sys::avcodec_find_decoder(id) };
        if decoder.is_null() {
            return Err(OpenError::Unsupported);
        }
        let extra_len = i32::try_from(extradata.len()).map_err(|_| OpenError::Refused)?;
        // SAFETY: allocations; each null result is checked below, and whatever was
        // allocated is owned by `this`, whose Drop frees it on every early return.
        let this = unsafe {
            Self {
                ctx: sys::avcodec_alloc_context3(decoder),
                pkt: sys::av_packet_alloc(),
                frame: sys::av_frame_alloc(),
            }
        };
        if this.ctx.is_null() || this.pkt.is_null() || this.frame.is_null() {
            return Err(OpenError::Refused);
        }
        // SAFETY: `this.ctx` is a valid, not yet opened context that we own. The
        // extradata buffer is allocated with av_mallocz as the API requires (padded
        // and zeroed), filled within its bounds, and owned by the context from here.
        unsafe {
            let ctx = &mut *this.ctx;
            ctx.thread_count = 1;
            ctx.pkt_timebase = MICROSECONDS;
            if sample_rate > 0 {
                ctx.sample_rate = i32::try_from(sample_rate).unwrap_or(0);
            }
            if channels > 0 && channels <= 8 {
                sys::av_channel_layout_default(&mut ctx.ch_layout, channels as i32);
            }
            if !extradata.is_empty() {
                let size = extradata.len() + sys::AV_INPUT_BUFFER_PADDING_SIZE as usize;
                let buf = sys::av_mallocz(size).cast::<u8>();
                if buf.is_null() {
                    return Err(OpenError::Refused);
                }
                ptr::copy_nonoverlapping(extradata.as_ptr(), buf, extradata.len());
                ctx.extradata = buf;
                ctx.extradata_size = extra_len;
            }
            if sys::avcodec_open2(this.ctx, decoder, ptr::null_mut()) < 0 {
                return Err(OpenError::Refused);
            }
        }
        Ok(this)
    }

    /// Sends one unit (the pieces concatenated) with its timestamps in µs.
    ///
    /// # Errors
    /// `Err(())` when libavcodec rejects the unit (invalid data or no memory).
    pub(crate) fn send(&mut self, pieces: &[&[u8]], pts_us: i64, dts_us: i64) -> Result<(), ()> {
        let total: usize = pieces.iter().map(|p| p.len()).sum();
        let size = i32::try_from(total).map_err(|_| ())?;
        // SAFETY: `self.pkt` is our packet; av_new_packet gives it `size` bytes plus
        // zeroed padding, the copies below stay within `size`, and the packet is
        // unreferenced after the send whatever its result.
        unsafe {
            if sys::av_new_packet(self.pkt, size) < 0 {
                return Err(());
            }
            let pkt = &mut *self.pkt;
            let mut at = 0usize;
            for piece in pieces {
                ptr::copy_nonoverlapping(piece.as_ptr(), pkt.data.add(at), piece.len());
                at += piece.len();
            }
            pkt.pts = pts_us;
            pkt.dts = dts_us;
            let ret = sys::avcodec_send_packet(self.ctx, self.pkt);
            sys::av_packet_unref(self.pkt);
            // EAGAIN cannot happen: every output is received before the next send.
            if ret < 0 {
                return Err(());
            }
        }
        Ok(())
    }

    /// Signals the end of the stream: the decoder gives out the frames it holds.
    pub(crate) fn send_end(&mut self) {
        // SAFETY: a null packet is the documented flush packet; a repeated one only
        // returns AVERROR_EOF.
        unsafe {
            sys::avcodec_send_packet(self.ctx, ptr::null());
        }
    }

    /// Forgets every buffered frame and reference (a seek); the decoder accepts
    /// input again, including after end of stream.
    pub(crate) fn flush(&mut self) {
        // SAFETY: `self.ctx` is an opened decoder context.
        unsafe { sys::avcodec_flush_buffers(self.ctx) };
    }

    /// The next decoded frame, if the decoder has one.
    pub(crate) fn receive(&mut self) -> Received {
        // SAFETY: `self.frame` is ours; libavcodec fills it with references that we
        // only read (bounded by its own width/height/linesize/nb_samples fields)
        // before unreferencing it.
        unsafe {
            let ret = sys::avcodec_receive_frame(self.ctx, self.frame);
            if ret == sys::AVERROR(sys::EAGAIN) || ret == sys::AVERROR_EOF {
                return Received::Nothing;
            }
            if ret < 0 {
                return Received::Error;
            }
            let frame = &*self.frame;
            let out = if frame.nb_samples > 0 {
                pcm(frame).map(Decoded::Audio)
            } else {
                picture(frame).map(Decoded::Video)
            };
            sys::av_frame_unref(self.frame);
            match out {
                Some(decoded) => Received::Frame(decoded),
                None => Received::Unconvertible,
            }
        }
    }
}

fn timestamp(frame: &sys::AVFrame) -> Option<i64> {
    [frame.best_effort_timestamp, frame.pts]
        .into_iter()
        .find(|&t| t != sys::AV_NOPTS_VALUE)
}

/// Packs a picture as `framemd5` hashes it.
///
/// # Safety
/// `frame` must be a frame just returned by `avcodec_receive_frame`.
unsafe fn picture(frame: &sys::AVFrame) -> Option<Picture> {
    // Only the formats the supported decoders produce for 4:2:0 content; a raw
    // integer is never turned into the enum unchecked.
    let format = [
        AVPixelFormat::AV_PIX_FMT_YUV420P,
        AVPixelFormat::AV_PIX_FMT_YUVJ420P,
        AVPixelFormat::AV_PIX_FMT_YUV420P10LE,
    ]
    .into_iter()
    .find(|f| *f as i32 == frame.format)?;
    if frame.width <= 0 || frame.height <= 0 {
        return None;
    }
    // SAFETY: format, width and height are valid, as checked above.
    let size = unsafe { sys::av_image_get_buffer_size(format, frame.width, frame.height, 1) };
    let mut packed = vec![0u8; usize::try_from(size).ok()?];
    // SAFETY: `packed` holds exactly the `size` bytes the copy writes; the source
    // planes and linesizes are the frame's own, described by the same format/size.
    let written = unsafe {
        sys::av_image_copy_to_buffer(
            packed.as_mut_ptr(),
            size,
            frame.data.as_ptr().cast::<*const u8>(),
            frame.linesize.as_ptr(),
            format,
            frame.width,
            frame.height,
            1,
        )
    };
    if written != size {
        return None;
    }
    Some(Picture {
        width: frame.width as u32,
        height: frame.height as u32,
        i420: format != AVPixelFormat::AV_PIX_FMT_YUV420P10LE,
        packed,
        pts: timestamp(frame),
        corrupt: frame.flags & sys::AV_FRAME_FLAG_CORRUPT != 0 || frame.decode_error_flags != 0,
    })
}

/// Converts a float sample as libswresample does (`av_clip_int16(lrintf(x * 32768))`):
/// round half to even, then saturate. NaN becomes 0.
fn f32_to_s16(x: f32) -> i16 {
    let v = (x * 32768.0).round_ties_even();
    if v.is_nan() {
        0
    } else {
        v.clamp(-32768.0, 32767.0) as i16
    }
}

fn f64_to_s16(x: f64) -> i16 {
    let v = (x * 32768.0).round_ties_even();
    if v.is_nan() {
        0
    } else {
        v.clamp(-32768.0, 32767.0) as i16
    }
}

/// Interleaves a frame's samples as s16.
///
/// # Safety
/// `frame` must be an audio frame just returned by `avcodec_receive_frame`.
unsafe fn pcm(frame: &sys::AVFrame) -> Option<Pcm> {
    let channels = usize::try_from(frame.ch_layout.nb_channels).ok()?;
    let count = usize::try_from(frame.nb_samples).ok()?;
    if channels == 0 || channels > 8 || frame.sample_rate <= 0 {
        return None;
    }
    let formats = [
        AVSampleFormat::AV_SAMPLE_FMT_S16,
        AVSampleFormat::AV_SAMPLE_FMT_S32,
        AVSampleFormat::AV_SAMPLE_FMT_FLT,
        AVSampleFormat::AV_SAMPLE_FMT_DBL,
        AVSampleFormat::AV_SAMPLE_FMT_S16P,
        AVSampleFormat::AV_SAMPLE_FMT_S32P,
        AVSampleFormat::AV_SAMPLE_FMT_FLTP,
        AVSampleFormat::AV_SAMPLE_FMT_DBLP,
    ];
    let format = formats.into_iter().find(|f| *f as i32 == frame.format)?;
    let planar = (format as i32) >= AVSampleFormat::AV_SAMPLE_FMT_U8P as i32;
    let width = match format {
        AVSampleFormat::AV_SAMPLE_FMT_S16 | AVSampleFormat::AV_SAMPLE_FMT_S16P => 2,
        AVSampleFormat::AV_SAMPLE_FMT_DBL | AVSampleFormat::AV_SAMPLE_FMT_DBLP => 8,
        _ => 4,
    };
    // Planar: one plane per channel of `count` samples; packed: one plane of
    // `count * channels` interleaved samples.
    let (plane_count, per_plane) = if planar {
        (channels, count)
    } else {
        (1, count.checked_mul(channels)?)
    };
    let plane_bytes = per_plane.checked_mul(width)?;
    let mut planes: Vec<&[u8]> = Vec::with_capacity(plane_count);
    for c in 0..plane_count {
        // SAFETY: `extended_data` has one pointer per plane (per channel when
        // planar, so `c < channels` is in bounds), each to at least `nb_samples`
        // samples of the frame's format (times channels when packed), alive until
        // the frame is unreferenced, which happens after this function returns.
        let plane = unsafe {
            let ptr = frame.extended_data.add(c).read();
            if ptr.is_null() {
                return None;
            }
            core::slice::from_raw_parts(ptr.cast_const(), plane_bytes)
        };
        planes.push(plane);
    }
    let mut samples = Vec::with_capacity(count.checked_mul(channels)?);
    for i in 0..count {
        for c in 0..channels {
            let (plane, index) = if planar {
                (c, i)
            } else {
                (0, i * channels + c)
            };
            let at = index * width;
            let bytes = planes.get(plane)?.get(at..at + width)?;
            let s = match format {
                AVSampleFormat::AV_SAMPLE_FMT_S16 | AVSampleFormat::AV_SAMPLE_FMT_S16P => {
                    i16::from_ne_bytes(bytes.try_into().ok()?)
                }
                // libswresample's s32 -> s16: the high half, no rounding.
                AVSampleFormat::AV_SAMPLE_FMT_S32 | AVSampleFormat::AV_SAMPLE_FMT_S32P => {
                    (i32::from_ne_bytes(bytes.try_into().ok()?) >> 16) as i16
                }
                AVSampleFormat::AV_SAMPLE_FMT_FLT | AVSampleFormat::AV_SAMPLE_FMT_FLTP => {
                    f32_to_s16(f32::from_ne_bytes(bytes.try_into().ok()?))
                }
                _ => f64_to_s16(f64::from_ne_bytes(bytes.try_into().ok()?)),
            };
            samples.push(s);
        }
    }
    Some(Pcm {
        sample_rate: frame.sample_rate as u32,
        channels: channels as u32,
        samples,
        pts: timestamp(frame),
    })
}

impl Drop for AvDecoder {
    fn drop(&mut self) {
        // SAFETY: each pointer is ours (or null, which the free functions accept);
        // the free functions null them.
        unsafe {
            sys::avcodec_free_context(&mut self.ctx);
            sys::av_packet_free(&mut self.pkt);
            sys::av_frame_free(&mut self.frame);
        }
    }
}

// SAFETY: an AvDecoder owns its context exclusively (single-threaded decoding, no
// callbacks), so moving it to another thread moves all access with it.
unsafe impl Send for AvDecoder {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_conversion_rounds_like_libswresample() {
        assert_eq!(f32_to_s16(0.0), 0);
        assert_eq!(f32_to_s16(1.0), 32767);
        assert_eq!(f32_to_s16(-1.0), -32768);
        assert_eq!(f32_to_s16(-2.0), -32768);
        // 0.5 / 32768 and 1.5 / 32768: ties go to even.
        assert_eq!(f32_to_s16(0.5 / 32768.0), 0);
        assert_eq!(f32_to_s16(1.5 / 32768.0), 2);
        assert_eq!(f32_to_s16(f32::NAN), 0);
    }

    #[test]
    fn unknown_codec_has_no_decoder() {
        assert!(!has_decoder(Codec::Unknown));
        assert!(has_decoder(Codec::H264));
    }
}
