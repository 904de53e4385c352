//! Source images: what a draw command's image id names, and how each pixel format
//! reads as a premultiplied pixel.

use wasp_abi::gfx::ImageDesc;
use wasp_abi::media::PixelFormat;

use crate::canvas::extent;
use crate::pixel::{rgb565, Pixel};

/// An image as the port holds it: its description and its bytes (row `y` starts at
/// `y * desc.stride`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Image<'a> {
    /// Width, height, stride and format.
    pub desc: ImageDesc,
    /// The pixel bytes, at least `stride * (height - 1) + width * bytes_per_pixel`.
    pub pixels: &'a [u8],
}

impl<'a> Image<'a> {
    /// The image's pixel `(x, y)` as a premultiplied pixel, before any tint:
    ///
    /// * `Rgba8888Premul`: the four bytes as they are;
    /// * `A8`: coverage `k` reads as white of alpha `k`, `[k, k, k, k]`, so the tint
    ///   (the text colour) times it is the colour at that coverage;
    /// * `Rgb565`: opaque, channels widened by bit replication ([`crate::rgb565`]).
    ///
    /// `None` outside the image, and for every pixel of an image that cannot be drawn:
    /// another format, a stride below `width * bytes_per_pixel`, or too few bytes.
    pub fn pixel(&self, x: u32, y: u32) -> Option<Pixel> {
        let source = Source::new(self)?;
        source.fetch(source.row(y.into())?, x.into())
    }
}

/// Looks up the images draw commands name.
pub trait Images {
    /// The image with this id (the port's id, as in a checked draw list); `None` when
    /// there is none, and the command that names it draws nothing.
    fn image(&self, id: u32) -> Option<Image<'_>>;
}

/// A slice of images is looked up by index: id `n` is the `n`th image.
impl Images for [Image<'_>] {
    fn image(&self, id: u32) -> Option<Image<'_>> {
        self.get(usize::try_from(id).ok()?).copied()
    }
}

/// An array of images is looked up by index, as a slice.
impl<const N: usize> Images for [Image<'_>; N] {
    fn image(&self, id: u32) -> Option<Image<'_>> {
        self.as_slice().image(id)
    }
}

/// The formats a draw can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Rgba,
    A8,
    Rgb565,
}

/// A drawable image: format known, rows all inside the bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Source<'a> {
    pub(crate) format: Format,
    width: u32,
    height: u32,
    stride: usize,
    row_bytes: usize,
    pixels: &'a [u8],
}

impl<'a> Source<'a> {
    /// `None` when the image cannot be drawn (see [`Image::pixel`]).
    pub(crate) fn new(image: &Image<'a>) -> Option<Self> {
        let d = &image.desc;
        let (format, bpp) = match d.format {
            PixelFormat::Rgba8888Premul => (Format::Rgba, 4),
            PixelFormat::A8 => (Format::A8, 1),
            PixelFormat::Rgb565 => (Format::Rgb565, 2),
            _ => return None,
        };
        let row_bytes = u64::from(d.width) * bpp;
        if u64::from(d.stride) < row_bytes
            || image.pixels.len() < extent(d.height, d.stride.into(), row_bytes)?
        {
            return None;
        }
        Some(Self {
            format,
            width: d.width,
            height: d.height,
            stride: usize::try_from(d.stride).ok()?,
            row_bytes: usize::try_from(row_bytes).ok()?,
            pixels: image.pixels,
        })
    }

    /// Width in pixels.
    pub(crate) fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub(crate) fn height(&self) -> u32 {
        self.height
    }

    /// Row `y`'s bytes; `None` outside the image.
    #[inline]
    pub(crate) fn row(&self, y: i64) -> Option<&'a [u8]> {
        let y = u32::try_from(y).ok().filter(|&y| y < self.height)?;
        let start = (y as usize).checked_mul(self.stride)?;
        self.pixels.get(start..start.checked_add(self.row_bytes)?)
    }

    /// Pixel `x` of a row from [`Source::row`]; `None` outside the image.
    #[inline]
    pub(crate) fn fetch(&self, row: &[u8], x: i64) -> Option<Pixel> {
        let x = usize::try_from(x)
            .ok()
            .filter(|&x| x < self.width as usize)?;
        match self.format {
            Format::Rgba => Rgba::at(row, x),
            Format::A8 => A8::at(row, x),
            Format::Rgb565 => Rgb565::at(row, x),
        }
    }
}

/// How one pixel format reads as a premultiplied pixel ([`Image::pixel`]).
pub(crate) trait Read {
    /// Bytes per pixel.
    const BPP: usize;
    /// The pixel in `bytes` (exactly `BPP` of them; anything else reads as
    /// transparent, which the callers' `chunks_exact` rules out).
    fn read(bytes: &[u8]) -> Pixel;
    /// Pixel `x` of a row; `None` past its end.
    #[inline]
    fn at(row: &[u8], x: usize) -> Option<Pixel> {
        let start = x.checked_mul(Self::BPP)?;
        row.get(start..start.checked_add(Self::BPP)?)
            .map(Self::read)
    }
}

/// `Rgba8888Premul`: the bytes as they are.
pub(crate) struct Rgba;
/// `A8`: coverage `k` is `[k, k, k, k]`.
pub(crate) struct A8;
/// `Rgb565`, little-endian: opaque, widened by bit replication.
pub(crate) struct Rgb565;

impl Read for Rgba {
    const BPP: usize = 4;
    #[inline]
    fn read(bytes: &[u8]) -> Pixel {
        match *bytes {
            [r, g, b, a] => [r, g, b, a],
            _ => [0; 4],
        }
    }
}

impl Read for A8 {
    const BPP: usize = 1;
    #[inline]
    fn read(bytes: &[u8]) -> Pixel {
        match *bytes {
            [k] => [k; 4],
            _ => [0; 4],
        }
    }
}

impl Read for Rgb565 {
    const BPP: usize = 2;
    #[inline]
    fn read(bytes: &[u8]) -> Pixel {
        match *bytes {
            [lo, hi] => rgb565(u16::from_le_bytes([lo, hi])),
            _ => [0; 4],
        }
    }
}
