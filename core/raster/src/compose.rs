//! The display output: the video plane scaled to the display, converted to RGB, and
//! the graphics plane blended over it.

use core::fmt;

use crate::canvas::{extent, Canvas};
use crate::pixel::div255;
use crate::sample::Stepper;

/// A decoded I420 picture: full-size Y, and U and V at half size rounded up
/// (`(width + 1) / 2 x (height + 1) / 2`), 8 bits each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VideoFrame<'a> {
    /// Luma rows, `y_stride` bytes apart.
    pub y: &'a [u8],
    /// Cb rows, `uv_stride` bytes apart.
    pub u: &'a [u8],
    /// Cr rows, `uv_stride` bytes apart.
    pub v: &'a [u8],
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes from one luma row to the next.
    pub y_stride: u32,
    /// Bytes from one chroma row to the next (both chroma planes).
    pub uv_stride: u32,
}

/// The layout of [`compose`]'s output: rows of `width` pixels, packed with no padding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// Bytes R, G, B.
    Rgb888,
    /// Bytes R, G, B, A with A = 255 (the display is opaque).
    Rgba8888,
}

impl OutputFormat {
    /// Bytes per pixel.
    pub const fn bytes_per_pixel(self) -> usize {
        match self {
            OutputFormat::Rgb888 => 3,
            OutputFormat::Rgba8888 => 4,
        }
    }
}

/// Why [`compose`] wrote nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComposeError {
    /// The output is shorter than `width * height * bytes_per_pixel`.
    OutputTooShort,
    /// A plane's stride is below its width or its bytes are too few for its rows.
    BadVideo,
}

impl fmt::Display for ComposeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ComposeError::OutputTooShort => "output shorter than the display",
            ComposeError::BadVideo => "video planes shorter than their sizes",
        })
    }
}

/// Fixed-point (x 65536) BT.709 limited-range coefficients (ITU-R BT.709-6 Table 3:
/// K_R = 0.2126, K_B = 0.0722; luma 16..=235 spans 219 steps, chroma 16..=240 spans
/// 224): `255/219`, `2(1 - K_R) 255/224`, `2 K_B (1 - K_B) / K_G 255/224`,
/// `2 K_R (1 - K_R) / K_G 255/224`, `2(1 - K_B) 255/224`, each rounded.
const CY: i32 = 76_309; // 1.164384
const CRV: i32 = 117_489; // 1.792741
const CGU: i32 = 13_975; // 0.213249
const CGV: i32 = 34_925; // 0.532909
const CBU: i32 = 138_438; // 2.112402

/// One BT.709 limited-range Y'CbCr sample to full-range R'G'B':
///
/// ```text
/// c = y - 16, d = u - 128, e = v - 128
/// R = clamp((76309 c             + 117489 e + 32768) >> 16)
/// G = clamp((76309 c -  13975 d  -  34925 e + 32768) >> 16)
/// B = clamp((76309 c + 138438 d             + 32768) >> 16)
/// ```
///
/// `>>` is an arithmetic shift (floor), so `+ 32768` rounds half up; `clamp` limits
/// to `0..=255`. No colour-space or transfer conversion beyond the matrix.
pub const fn yuv_to_rgb(y: u8, u: u8, v: u8) -> [u8; 3] {
    let c = y as i32 - 16;
    let d = u as i32 - 128;
    let e = v as i32 - 128;
    // |terms| < 2^25: no i32 overflow.
    [
        clamp((CY * c + CRV * e + 32_768) >> 16),
        clamp((CY * c - CGU * d - CGV * e + 32_768) >> 16),
        clamp((CY * c + CBU * d + 32_768) >> 16),
    ]
}

const fn clamp(v: i32) -> u8 {
    if v < 0 {
        0
    } else if v > 255 {
        255
    } else {
        v as u8
    }
}

/// The planes of a checked video frame.
struct Planes<'a> {
    frame: &'a VideoFrame<'a>,
    y_stride: usize,
    uv_stride: usize,
}

impl<'a> Planes<'a> {
    fn new(frame: &'a VideoFrame<'a>) -> Result<Self, ComposeError> {
        let (w, h) = (frame.width, frame.height);
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        let fits = |plane: &[u8], rows: u32, stride: u32, row: u32| {
            stride >= row
                && extent(rows, stride.into(), row.into()).is_some_and(|n| n <= plane.len())
        };
        if !(fits(frame.y, h, frame.y_stride, w)
            && fits(frame.u, ch, frame.uv_stride, cw)
            && fits(frame.v, ch, frame.uv_stride, cw))
        {
            return Err(ComposeError::BadVideo);
        }
        Ok(Self {
            frame,
            y_stride: usize::try_from(frame.y_stride).map_err(|_| ComposeError::BadVideo)?,
            uv_stride: usize::try_from(frame.uv_stride).map_err(|_| ComposeError::BadVideo)?,
        })
    }

    /// Luma row `y` and the chroma rows it uses (`y / 2`); empty past the end
    /// (checked in `new`: cannot happen).
    fn rows(&self, y: usize) -> [&'a [u8]; 3] {
        let f = self.frame;
        let (w, cw) = (f.width as usize, f.width.div_ceil(2) as usize);
        let at = |plane: &'a [u8], start: usize, len: usize| {
            plane.get(start..start + len).unwrap_or_default()
        };
        let c = (y / 2) * self.uv_stride;
        [
            at(f.y, y * self.y_stride, w),
            at(f.u, c, cw),
            at(f.v, c, cw),
        ]
    }
}

/// Writes the display picture: the video (if any) stretched to the graphics plane's
/// size, then the graphics plane blended over it.
///
/// * **Scaling**: output pixel `(X, Y)` takes luma sample
///   `(source_index(X, vw, W), source_index(Y, vh, H))` ([`crate::source_index`],
///   nearest-neighbour, the draw commands' formula) and, I420 being 4:2:0, the chroma
///   sample at half those coordinates (rounded down). The whole picture fills the
///   display; a video with no pixels, or none, shows black.
/// * **Colour**: [`yuv_to_rgb`].
/// * **Graphics**: the plane's premultiplied pixel `g` over the video pixel `v`:
///   `out = min(255, g + div255(v * (255 - g.a)))` per channel ([`crate::blend`] over
///   an opaque pixel).
///
/// `out` holds `height` rows of `width` pixels in `format`, packed.
///
/// # Errors
/// [`ComposeError`]: then nothing is written.
pub fn compose(
    video: Option<&VideoFrame<'_>>,
    graphics: &Canvas<'_>,
    out: &mut [u8],
    format: OutputFormat,
) -> Result<(), ComposeError> {
    let (width, height) = (graphics.width(), graphics.height());
    let bpp = format.bytes_per_pixel();
    let row_bytes = (width as usize)
        .checked_mul(bpp)
        .ok_or(ComposeError::OutputTooShort)?;
    let needed = row_bytes
        .checked_mul(height as usize)
        .ok_or(ComposeError::OutputTooShort)?;
    let out = out.get_mut(..needed).ok_or(ComposeError::OutputTooShort)?;
    let planes = match video {
        Some(frame) if frame.width > 0 && frame.height > 0 => Some(Planes::new(frame)?),
        _ => None,
    };
    if width == 0 {
        return Ok(());
    }
    match format {
        OutputFormat::Rgb888 => write::<3>(planes.as_ref(), graphics, out, row_bytes),
        OutputFormat::Rgba8888 => write::<4>(planes.as_ref(), graphics, out, row_bytes),
    }
    Ok(())
}

/// The loop of [`compose`], one per output pixel size.
fn write<const N: usize>(
    planes: Option<&Planes<'_>>,
    graphics: &Canvas<'_>,
    out: &mut [u8],
    row_bytes: usize,
) {
    let (width, height) = (graphics.width(), graphics.height());
    let mut rows = planes.map(|p| Stepper::new(0, p.frame.height, height));
    for (y, line) in out.chunks_exact_mut(row_bytes).enumerate() {
        let (line, _) = line.as_chunks_mut::<N>();
        // y < height, which fits u32.
        let graphics_row = graphics.row(y as u32).unwrap_or_default();
        let pixels = line.iter_mut().zip(graphics_row);
        let (Some(p), Some(r)) = (planes, rows.as_mut()) else {
            // No video: the plane over black is its colour (div255(0) = 0).
            for (o, g) in pixels {
                put(o, [g[0], g[1], g[2]]);
            }
            continue;
        };
        let [luma, u, v] = p.rows(r.get() as usize);
        r.advance();
        let mut columns = Stepper::new(0, p.frame.width, width);
        for (o, g) in pixels {
            let x = columns.get() as usize;
            columns.advance();
            if g[3] == 255 {
                // Opaque: the video does not show (div255(v * 0) = 0).
                put(o, [g[0], g[1], g[2]]);
                continue;
            }
            let c = x / 2;
            let video = match (luma.get(x), u.get(c), v.get(c)) {
                (Some(&l), Some(&u), Some(&v)) => yuv_to_rgb(l, u, v),
                _ => [0; 3],
            };
            let k = 255 - u32::from(g[3]);
            let over = |g: u8, v: u8| (u32::from(g) + div255(u32::from(v) * k)).min(255) as u8;
            put(
                o,
                [
                    over(g[0], video[0]),
                    over(g[1], video[1]),
                    over(g[2], video[2]),
                ],
            );
        }
    }
}

/// Stores an output pixel: R, G, B, and A = 255 when there are four bytes.
#[inline]
fn put<const N: usize>(o: &mut [u8; N], rgb: [u8; 3]) {
    for (dst, src) in o.iter_mut().zip(rgb.iter().chain(&[255])) {
        *dst = *src;
    }
}
