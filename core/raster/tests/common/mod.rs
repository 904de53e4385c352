//! Shared by the tests: a draw-list builder, the test images and the canvas hash.
#![allow(dead_code)] // each test file uses a part

use md5::{Digest, Md5};
use wasp_abi::gfx::{op, Clear, Color, DrawImage, FillRect, GlyphQuad, Glyphs, ImageDesc, Rect};
use wasp_abi::media::PixelFormat;
use wasp_abi::wire::put_record;

/// A draw list being written (TLV records, as `gfx_draw` receives them).
#[derive(Default)]
pub struct List(pub Vec<u8>);

impl List {
    pub fn record(mut self, kind: u16, payload: &[u8]) -> Self {
        let mut pos = self.0.len();
        self.0.resize(pos + 4 + payload.len(), 0);
        assert!(put_record(&mut self.0, &mut pos, kind, payload));
        self
    }
    pub fn clear(self, color: Color) -> Self {
        self.record(op::CLEAR, &Clear { color }.to_bytes())
    }
    pub fn fill(self, rect: Rect, color: Color) -> Self {
        self.record(op::FILL_RECT, &FillRect { rect, color }.to_bytes())
    }
    pub fn image(self, image: u32, src: Rect, dst: Rect, tint: Color) -> Self {
        self.record(
            op::IMAGE,
            &DrawImage {
                src,
                dst,
                image,
                tint,
            }
            .to_bytes(),
        )
    }
    pub fn glyphs(self, image: u32, color: Color, quads: &[GlyphQuad]) -> Self {
        let mut payload = Glyphs { image, color }.to_bytes().to_vec();
        for q in quads {
            payload.extend_from_slice(&q.to_bytes());
        }
        self.record(op::GLYPHS, &payload)
    }
    pub fn clip(self, rect: Rect) -> Self {
        self.record(op::CLIP, &rect.to_bytes())
    }
    pub fn reset_clip(self) -> Self {
        self.record(op::RESET_CLIP, &[])
    }
}

pub const fn rect(x: i32, y: i32, w: u32, h: u32) -> Rect {
    Rect { x, y, w, h }
}

pub const fn quad(sx: u16, sy: u16, w: u16, h: u16, dx: i32, dy: i32) -> GlyphQuad {
    GlyphQuad {
        sx,
        sy,
        w,
        h,
        dx,
        dy,
    }
}

/// A premultiplied colour from its bytes.
pub const fn px(p: [u8; 4]) -> Color {
    u32::from_le_bytes(p)
}

/// An owned image.
pub struct Owned {
    pub desc: ImageDesc,
    pub pixels: Vec<u8>,
}

impl Owned {
    pub fn image(&self) -> wasp_raster::Image<'_> {
        wasp_raster::Image {
            desc: self.desc,
            pixels: &self.pixels,
        }
    }
}

/// A `w x h` image of `format` with `pad` bytes after each row, pixel `(x, y)`
/// given by `pixel` (as many bytes as the format has).
pub fn owned(
    w: u32,
    h: u32,
    format: PixelFormat,
    pad: u32,
    pixel: impl Fn(u32, u32) -> Vec<u8>,
) -> Owned {
    let bpp = format.bytes_per_pixel().unwrap();
    let stride = w * bpp + pad;
    let mut pixels = vec![0u8; (stride * h) as usize];
    for y in 0..h {
        for x in 0..w {
            let at = (y * stride + x * bpp) as usize;
            pixels[at..at + bpp as usize].copy_from_slice(&pixel(x, y));
        }
    }
    Owned {
        desc: ImageDesc {
            width: w,
            height: h,
            stride,
            format,
        },
        pixels,
    }
}

/// The test images: 0 RGBA 5x4 (valid premultiplied), 1 A8 8x8, 2 RGB565 6x5. The
/// same formulas are in `golden.py`.
pub fn images() -> Vec<Owned> {
    vec![
        owned(5, 4, PixelFormat::Rgba8888Premul, 4, |x, y| {
            let a = (37 * x + 91 * y + 50) & 255;
            vec![
                (40 * x).min(a) as u8,
                (60 * y).min(a) as u8,
                (25 * (x + y)).min(a) as u8,
                a as u8,
            ]
        }),
        owned(8, 8, PixelFormat::A8, 0, |x, y| {
            vec![((x * 50 + y * 30) & 255) as u8]
        }),
        owned(6, 5, PixelFormat::Rgb565, 2, |x, y| {
            (((x * 1234 + y * 4321 + 777) & 0xFFFF) as u16)
                .to_le_bytes()
                .to_vec()
        }),
    ]
}

pub fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
