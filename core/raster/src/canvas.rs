//! The target plane: RGBA8888 premultiplied pixels and the current clip.

use core::fmt;

use wasp_abi::gfx::Rect;

use crate::pixel::Pixel;

/// A half-open pixel area `[x0, x1) x [y0, y1)`; empty when `x0 >= x1` or
/// `y0 >= y1`. `i64` holds any `Rect` edge (`i32 + u32`) without overflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Area {
    pub(crate) x0: i64,
    pub(crate) y0: i64,
    pub(crate) x1: i64,
    pub(crate) y1: i64,
}

impl Area {
    /// The pixels a rectangle covers.
    pub(crate) fn of(rect: &Rect) -> Self {
        let (x0, y0) = (i64::from(rect.x), i64::from(rect.y));
        Self {
            x0,
            y0,
            x1: x0 + i64::from(rect.w),
            y1: y0 + i64::from(rect.h),
        }
    }

    /// The pixels in both.
    pub(crate) fn intersect(&self, other: &Self) -> Self {
        Self {
            x0: self.x0.max(other.x0),
            y0: self.y0.max(other.y0),
            x1: self.x1.min(other.x1),
            y1: self.y1.min(other.y1),
        }
    }

    /// No pixel.
    pub(crate) fn is_empty(&self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }
}

/// Why a buffer cannot be a [`Canvas`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CanvasError {
    /// Width or height above `i32::MAX` (draw coordinates are `i32`).
    TooLarge,
    /// `stride` is below `width * 4`.
    StrideTooSmall,
    /// The buffer is shorter than `stride * (height - 1) + width * 4` bytes (for a
    /// band, `stride * (rows - 1) + width * 4`).
    BufferTooShort,
    /// A band whose rows are not all inside the plane.
    BandOutsidePlane,
}

impl fmt::Display for CanvasError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CanvasError::TooLarge => "canvas width or height above i32::MAX",
            CanvasError::StrideTooSmall => "canvas stride below width * 4",
            CanvasError::BufferTooShort => "canvas buffer shorter than its rows",
            CanvasError::BandOutsidePlane => "canvas band reaches outside the plane",
        })
    }
}

/// The bytes `rows` rows of `row_bytes` bytes each, `stride` apart, occupy (the last
/// row need not be padded); `None` on overflow.
pub(crate) fn extent(rows: u32, stride: u64, row_bytes: u64) -> Option<usize> {
    if rows == 0 || row_bytes == 0 {
        return Some(0);
    }
    let bytes = stride
        .checked_mul(u64::from(rows) - 1)?
        .checked_add(row_bytes)?;
    usize::try_from(bytes).ok()
}

/// A graphics plane being drawn: `width x height` pixels of RGBA8888 premultiplied
/// (bytes R, G, B, A), rows `stride` bytes apart, and the current clip.
///
/// A canvas may hold only a band of the plane's rows ([`Canvas::band`]): coordinates
/// and the clip stay the plane's, and draws change only the band's pixels, exactly
/// as the same rows of a whole-plane canvas (a display with no room for a whole
/// frame renders a draw list once per stripe).
///
/// The clip starts as the whole plane. It is state of the frame being built: the
/// draw lists of one frame (`gfx_draw` appends to it) share it, so a port keeps one
/// canvas for the frame (or carries [`Canvas::clip`] into the next canvas with
/// [`Canvas::set_clip`], which gives back the same clip) and calls
/// [`Canvas::reset_clip`] when the frame is presented.
#[derive(Debug)]
pub struct Canvas<'a> {
    pixels: &'a mut [u8],
    width: u32,
    height: u32,
    stride: usize,
    clip: Area,
    /// The plane rows the buffer holds: `band_y0..band_y0 + band_rows`.
    band_y0: u32,
    band_rows: u32,
}

impl<'a> Canvas<'a> {
    /// A canvas over `pixels`, unclipped. The pixels are drawn over as they are.
    ///
    /// # Errors
    /// [`CanvasError`] when the sizes do not describe the buffer.
    pub fn new(
        pixels: &'a mut [u8],
        width: u32,
        height: u32,
        stride: u32,
    ) -> Result<Self, CanvasError> {
        if i32::try_from(width).is_err() || i32::try_from(height).is_err() {
            return Err(CanvasError::TooLarge);
        }
        let row_bytes = u64::from(width) * 4;
        if u64::from(stride) < row_bytes {
            return Err(CanvasError::StrideTooSmall);
        }
        let needed =
            extent(height, u64::from(stride), row_bytes).ok_or(CanvasError::BufferTooShort)?;
        if pixels.len() < needed {
            return Err(CanvasError::BufferTooShort);
        }
        let stride = usize::try_from(stride).map_err(|_| CanvasError::BufferTooShort)?;
        Ok(Self {
            pixels,
            width,
            height,
            stride,
            clip: Self::plane(width, height),
            band_y0: 0,
            band_rows: height,
        })
    }

    /// A canvas over rows `y0..y0 + rows` of a `width x height` plane, unclipped:
    /// `pixels` holds those rows only, the first at offset 0. Draws use the plane's
    /// coordinates and clip and change the band's pixels exactly as a whole-plane
    /// canvas changes the same rows; pixels outside the band are not drawn.
    ///
    /// [`crate::compose`] takes whole planes only ([`Canvas::new`]).
    ///
    /// # Errors
    /// [`CanvasError::BandOutsidePlane`] when the band leaves the plane; otherwise as
    /// [`Canvas::new`] with `rows` in place of `height`.
    pub fn band(
        pixels: &'a mut [u8],
        width: u32,
        height: u32,
        stride: u32,
        y0: u32,
        rows: u32,
    ) -> Result<Self, CanvasError> {
        if y0.checked_add(rows).is_none_or(|end| end > height) {
            return Err(CanvasError::BandOutsidePlane);
        }
        let mut canvas = Self::new(pixels, width, rows, stride)?;
        canvas.height = height;
        canvas.clip = Self::plane(width, height);
        canvas.band_y0 = y0;
        canvas.band_rows = rows;
        Ok(canvas)
    }

    fn plane(width: u32, height: u32) -> Area {
        Area {
            x0: 0,
            y0: 0,
            x1: width.into(),
            y1: height.into(),
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Bytes from one row to the next.
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// The whole buffer.
    pub fn pixels(&self) -> &[u8] {
        self.pixels
    }

    /// The plane rows this canvas holds, as (first row, row count): (0, height)
    /// unless it is a [`Canvas::band`].
    pub fn rows(&self) -> (u32, u32) {
        (self.band_y0, self.band_rows)
    }

    /// Index of plane row `y` in the buffer; `None` outside the band.
    fn buffer_row(&self, y: i64) -> Option<usize> {
        let row = u32::try_from(y).ok()?.checked_sub(self.band_y0)?;
        if row >= self.band_rows {
            return None;
        }
        usize::try_from(row).ok()
    }

    /// The pixel at `(x, y)`; `None` outside the plane (or the band).
    pub fn pixel(&self, x: u32, y: u32) -> Option<Pixel> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let at = self
            .buffer_row(y.into())?
            .checked_mul(self.stride)?
            .checked_add(x as usize * 4)?;
        self.pixels.get(at..at + 4)?.try_into().ok()
    }

    /// The current clip (always inside the plane; `w` or `h` is 0 when it is empty).
    pub fn clip(&self) -> Rect {
        let c = &self.clip;
        // Inside the plane, whose sizes fit i32: every conversion is exact.
        Rect {
            x: c.x0 as i32,
            y: c.y0 as i32,
            w: (c.x1 - c.x0).max(0) as u32,
            h: (c.y1 - c.y0).max(0) as u32,
        }
    }

    /// Clips every later draw to `rect` intersected with the plane (replacing the
    /// previous clip, not intersecting with it: `op::CLIP`).
    pub fn set_clip(&mut self, rect: &Rect) {
        let clip = Self::plane(self.width, self.height).intersect(&Area::of(rect));
        self.clip = if clip.is_empty() {
            Area {
                x0: 0,
                y0: 0,
                x1: 0,
                y1: 0,
            }
        } else {
            clip
        };
    }

    /// Removes the clip: later draws reach the whole plane.
    pub fn reset_clip(&mut self) {
        self.clip = Self::plane(self.width, self.height);
    }

    /// The pixels draws may change: the clip, within the band.
    pub(crate) fn clip_area(&self) -> Area {
        let band = Area {
            x0: 0,
            y0: self.band_y0.into(),
            x1: self.width.into(),
            y1: i64::from(self.band_y0) + i64::from(self.band_rows),
        };
        self.clip.intersect(&band)
    }

    /// Pixels `x0..x1` of plane row `y`, all inside the band (callers intersect with
    /// [`Canvas::clip_area`] first); `None` otherwise.
    pub(crate) fn span_mut(&mut self, y: i64, x0: i64, x1: i64) -> Option<&mut [Pixel]> {
        let row = self.buffer_row(y)?.checked_mul(self.stride)?;
        let start = row.checked_add(usize::try_from(x0).ok()?.checked_mul(4)?)?;
        let end = row.checked_add(usize::try_from(x1).ok()?.checked_mul(4)?)?;
        let (pixels, _) = self.pixels.get_mut(start..end)?.as_chunks_mut::<4>();
        Some(pixels)
    }

    /// Pixels `0..width` of plane row `y`; `None` outside the plane (or the band).
    pub(crate) fn row(&self, y: u32) -> Option<&[Pixel]> {
        let start = self.buffer_row(y.into())?.checked_mul(self.stride)?;
        let (pixels, _) = self
            .pixels
            .get(start..start + self.width as usize * 4)?
            .as_chunks::<4>();
        Some(pixels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_checked() {
        let mut buf = [0u8; 40];
        assert_eq!(
            Canvas::new(&mut buf, 3, 3, 11).err(),
            Some(CanvasError::StrideTooSmall)
        );
        // 16 * 2 + 12 = 44 > 40.
        assert_eq!(
            Canvas::new(&mut buf, 3, 3, 16).err(),
            Some(CanvasError::BufferTooShort)
        );
        // 12 * 2 + 12 = 36 <= 40: the last row needs no padding.
        assert!(Canvas::new(&mut buf, 3, 3, 12).is_ok());
        assert_eq!(
            Canvas::new(&mut buf, 1 << 31, 0, u32::MAX).err(),
            Some(CanvasError::TooLarge)
        );
        assert!(Canvas::new(&mut [], 0, 0, 0).is_ok());
        assert!(Canvas::new(&mut [], 5, 0, 20).is_ok());
        assert_eq!(
            Canvas::new(&mut [], 1, u32::MAX >> 1, u32::MAX).err(),
            Some(CanvasError::BufferTooShort)
        );
    }

    #[test]
    fn a_band_must_lie_inside_the_plane_and_its_buffer_hold_its_rows() {
        let mut buf = [0u8; 4 * 10 * 3];
        assert_eq!(
            Canvas::band(&mut buf, 10, 8, 40, 6, 3).err(),
            Some(CanvasError::BandOutsidePlane)
        );
        assert_eq!(
            Canvas::band(&mut buf, 10, 8, 40, u32::MAX, 2).err(),
            Some(CanvasError::BandOutsidePlane)
        );
        assert_eq!(
            Canvas::band(&mut buf, 10, 8, 40, 0, 4).err(),
            Some(CanvasError::BufferTooShort)
        );
        let band = Canvas::band(&mut buf, 10, 8, 40, 5, 3).unwrap();
        assert_eq!((band.height(), band.rows()), (8, (5, 3)));
        assert!(Canvas::band(&mut [], 10, 8, 40, 8, 0).is_ok());
    }

    #[test]
    fn clip_is_intersected_with_the_plane_and_replaced() {
        let mut buf = [0u8; 4 * 10 * 8];
        let mut c = Canvas::new(&mut buf, 10, 8, 40).unwrap();
        c.set_clip(&Rect {
            x: -5,
            y: 2,
            w: 8,
            h: 100,
        });
        assert_eq!(
            c.clip(),
            Rect {
                x: 0,
                y: 2,
                w: 3,
                h: 6
            }
        );
        c.set_clip(&Rect {
            x: 20,
            y: 0,
            w: 5,
            h: 5,
        });
        assert_eq!(
            c.clip(),
            Rect {
                x: 0,
                y: 0,
                w: 0,
                h: 0
            }
        );
        c.set_clip(&Rect {
            x: i32::MAX,
            y: i32::MIN,
            w: u32::MAX,
            h: u32::MAX,
        });
        assert_eq!(
            c.clip(),
            Rect {
                x: 0,
                y: 0,
                w: 0,
                h: 0
            }
        );
        // i32::MIN + u32::MAX = i32::MAX: the whole plane.
        c.set_clip(&Rect {
            x: i32::MIN,
            y: i32::MIN,
            w: u32::MAX,
            h: u32::MAX,
        });
        assert_eq!(
            c.clip(),
            Rect {
                x: 0,
                y: 0,
                w: 10,
                h: 8
            }
        );
        c.set_clip(&Rect {
            x: i32::MIN,
            y: 0,
            w: 1 << 31,
            h: 8,
        });
        assert_eq!(
            c.clip(),
            Rect {
                x: 0,
                y: 0,
                w: 0,
                h: 0
            }
        );
        c.set_clip(&Rect {
            x: -1,
            y: -1,
            w: u32::MAX,
            h: u32::MAX,
        });
        assert_eq!(
            c.clip(),
            Rect {
                x: 0,
                y: 0,
                w: 10,
                h: 8
            }
        );
        c.reset_clip();
        assert_eq!(
            c.clip(),
            Rect {
                x: 0,
                y: 0,
                w: 10,
                h: 8
            }
        );
    }
}
