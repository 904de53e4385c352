//! Displayed video: the picture on screen and the `framemd5` log of every picture
//! shown.
//!
//! # The frame log
//! One line per *displayed* picture, in ffmpeg's `framemd5` format (FINDINGS.md):
//! `"%d, %10"PRId64", %10"PRId64", %8"PRId64", %8d, %s"` with the stream index, dts,
//! pts, duration, size and md5 of the picture packed as `av_image_copy_to_buffer`
//! with `align = 1` writes it. A decoder's output has no dts of its own; like ffmpeg's
//! rawvideo output, dts equals pts.
//!
//! Timestamps are written in a time base the caller chooses per decoder
//! ([`crate::EmulatorPort::set_frame_log`]), rounded to nearest as `av_rescale` does;
//! by default stream 0 in microseconds (`1/1000000`). To compare with ffmpeg, log in
//! the stream's time base and run ffmpeg so that it keeps the input's timestamps and
//! time base, e.g. for MPEG-TS:
//! `ffmpeg -copyts -i in.ts -map 0:v -fps_mode passthrough -enc_time_base 1:90000 -f framemd5 -`
//! (`make-goldens.sh` has the exact commands). The header written by
//! [`FrameLog::text`] names the time base (`#tb 0: 1/90000`).

use md5::{Digest, Md5};
use wasp_core::abi::decoder::SampleInfo;

use crate::decoder::hex;
use crate::ffi::Picture;

/// A decoded picture as shown: 8-bit planar Y, U, V (I420).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VideoFrame {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Luma, `strides[0] * height` bytes.
    pub y: Vec<u8>,
    /// Cb, `strides[1] * ceil(height / 2)` bytes.
    pub u: Vec<u8>,
    /// Cr, `strides[2] * ceil(height / 2)` bytes.
    pub v: Vec<u8>,
    /// Bytes per row of `y`, `u`, `v` (no padding: `width`, `ceil(width / 2)` twice).
    pub strides: [u32; 3],
    /// The picture's presentation timestamp, µs.
    pub pts_us: i64,
}

impl VideoFrame {
    /// The planes of a packed picture; 10-bit pictures are shown with their 8 most
    /// significant bits.
    pub(crate) fn from_picture(p: &Picture, pts_us: i64) -> Self {
        let (w, h) = (p.width as usize, p.height as usize);
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        let eight: Vec<u8> = if p.i420 {
            p.packed.clone()
        } else {
            // yuv420p10le: two bytes per sample, little-endian, 10 significant bits.
            p.packed
                .chunks_exact(2)
                .map(|s| match s {
                    [lo, hi] => (u16::from_le_bytes([*lo, *hi]) >> 2) as u8,
                    _ => 0,
                })
                .collect()
        };
        let plane = |from: usize, len: usize| -> Vec<u8> {
            eight
                .get(from..from.saturating_add(len))
                .map(<[u8]>::to_vec)
                .unwrap_or_default()
        };
        Self {
            width: p.width,
            height: p.height,
            y: plane(0, w * h),
            u: plane(w * h, cw * ch),
            v: plane(w * h + cw * ch, cw * ch),
            strides: [w as u32, cw as u32, cw as u32],
            pts_us,
        }
    }
}

/// The `framemd5` lines of the pictures a decoder displayed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameLog {
    /// Stream index written first on each line.
    pub stream: u32,
    /// Time base numerator.
    pub num: u32,
    /// Time base denominator.
    pub den: u32,
    /// The lines, without newlines.
    pub lines: Vec<String>,
}

impl Default for FrameLog {
    fn default() -> Self {
        Self {
            stream: 0,
            num: 1,
            den: 1_000_000,
            lines: Vec::new(),
        }
    }
}

impl FrameLog {
    /// µs in this log's time base, rounded to nearest, halves away from zero (as
    /// `av_rescale`).
    pub fn rescale(&self, us: i64) -> i64 {
        let n = i128::from(us) * i128::from(self.den);
        let d = i128::from(self.num.max(1)) * 1_000_000;
        let q = if n >= 0 {
            (n + d / 2) / d
        } else {
            (n - d / 2) / d
        };
        i64::try_from(q).unwrap_or(if q > 0 { i64::MAX } else { i64::MIN })
    }

    pub(crate) fn record(&mut self, picture: &Picture, info: &SampleInfo) {
        let pts = self.rescale(info.pts_us);
        let duration = self.rescale(info.duration_us.max(0));
        let md5 = hex(&Md5::digest(&picture.packed));
        self.lines.push(format!(
            "{}, {:>10}, {:>10}, {:>8}, {:>8}, {}",
            self.stream,
            pts,
            pts,
            duration,
            picture.packed.len(),
            md5
        ));
    }

    /// The log as a file: a header naming the time base, then one line per picture.
    pub fn text(&self) -> String {
        let mut s = format!(
            "#tb {}: {}/{}\n#stream#, dts,        pts, duration,     size, hash\n",
            self.stream, self.num, self.den
        );
        for line in &self.lines {
            s.push_str(line);
            s.push('\n');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rescale_rounds_to_nearest() {
        let log = FrameLog {
            num: 1,
            den: 90_000,
            ..FrameLog::default()
        };
        assert_eq!(log.rescale(1_440_000), 129_600);
        assert_eq!(log.rescale(40_000), 3_600);
        assert_eq!(log.rescale(5), 0);
        assert_eq!(log.rescale(6), 1); // 0.54 ticks
        assert_eq!(log.rescale(-6), -1);
    }

    #[test]
    fn a_line_has_ffmpegs_widths() {
        let mut log = FrameLog::default();
        let picture = Picture {
            width: 2,
            height: 2,
            i420: true,
            packed: vec![0; 6],
            pts: Some(0),
            corrupt: false,
        };
        let info = SampleInfo {
            pts_us: 40_000,
            dts_us: 0,
            duration_us: 40_000,
            flags: 0,
            size: 0,
        };
        log.record(&picture, &info);
        // md5 of six zero bytes.
        assert_eq!(
            log.lines,
            ["0,      40000,      40000,    40000,        6, 7319468847d7b1aee40dbf5dd963c999"]
        );
    }
}
