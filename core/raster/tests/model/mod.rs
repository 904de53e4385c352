//! A naive model of docs/raster.md: every pixel of the plane, one at a time, each
//! rule written as the page states it, no fast paths. The tests and the `draw` fuzz
//! target check that `wasp_raster` draws exactly what this draws.

use wasp_abi::gfx::{draw_commands, glyph_quads, DrawCommand, Rect};
use wasp_abi::media::PixelFormat;
use wasp_raster::{blend, source_index, tint, Image};

/// A plane as plain bytes.
pub struct Plane<'a> {
    pub bytes: &'a mut [u8],
    pub width: u32,
    pub height: u32,
    pub stride: usize,
    /// x0, y0, x1, y1 (half-open).
    clip: (i64, i64, i64, i64),
}

impl<'a> Plane<'a> {
    pub fn new(bytes: &'a mut [u8], width: u32, height: u32, stride: usize) -> Self {
        Plane {
            bytes,
            width,
            height,
            stride,
            clip: (0, 0, width.into(), height.into()),
        }
    }

    /// Draws a list if every record decodes (as `render_list`); `false` if not.
    pub fn draw(&mut self, list: &[u8], images: &[Image<'_>]) -> bool {
        if draw_commands(list).any(|c| c.is_err()) {
            return false;
        }
        for command in draw_commands(list).flatten() {
            match command {
                DrawCommand::Clear(c) => self.each(None, |_, _, _| Some(c.color.to_le_bytes())),
                DrawCommand::FillRect(f) => self.each(Some(&f.rect), |d, _, _| {
                    Some(blend(d, f.color.to_le_bytes()))
                }),
                DrawCommand::Image(d) => self.image(images, d.image, &d.src, &d.dst, d.tint),
                DrawCommand::Glyphs(g, quads) => {
                    for q in glyph_quads(quads) {
                        let (w, h) = (q.w.into(), q.h.into());
                        let src = Rect {
                            x: q.sx.into(),
                            y: q.sy.into(),
                            w,
                            h,
                        };
                        self.image(
                            images,
                            g.image,
                            &src,
                            &Rect {
                                x: q.dx,
                                y: q.dy,
                                w,
                                h,
                            },
                            g.color,
                        );
                    }
                }
                DrawCommand::Clip(r) => {
                    let (x, y) = (i64::from(r.x), i64::from(r.y));
                    self.clip = (
                        x.max(0),
                        y.max(0),
                        (x + i64::from(r.w)).min(self.width.into()),
                        (y + i64::from(r.h)).min(self.height.into()),
                    );
                }
                DrawCommand::ResetClip => self.clip = (0, 0, self.width.into(), self.height.into()),
            }
        }
        true
    }

    /// Applies `f(pixel, X, Y)` to every plane pixel in the clip (and in `rect`).
    fn each(&mut self, rect: Option<&Rect>, f: impl Fn([u8; 4], i64, i64) -> Option<[u8; 4]>) {
        for y in 0..i64::from(self.height) {
            for x in 0..i64::from(self.width) {
                let (x0, y0, x1, y1) = self.clip;
                let in_clip = x0 <= x && x < x1 && y0 <= y && y < y1;
                let in_rect = rect.is_none_or(|r| {
                    let (rx, ry) = (i64::from(r.x), i64::from(r.y));
                    rx <= x && x < rx + i64::from(r.w) && ry <= y && y < ry + i64::from(r.h)
                });
                if in_clip && in_rect {
                    let at = y as usize * self.stride + x as usize * 4;
                    let d: [u8; 4] = self.bytes[at..at + 4].try_into().unwrap();
                    if let Some(p) = f(d, x, y) {
                        self.bytes[at..at + 4].copy_from_slice(&p);
                    }
                }
            }
        }
    }

    fn image(&mut self, images: &[Image<'_>], id: u32, src: &Rect, dst: &Rect, t: u32) {
        let Some(image) = images.get(id as usize) else {
            return;
        };
        if src.w == 0 || src.h == 0 {
            return;
        }
        self.each(Some(dst), |d, x, y| {
            let i = (x - i64::from(dst.x)) as u32;
            let j = (y - i64::from(dst.y)) as u32;
            let sx = i64::from(src.x) + i64::from(source_index(i, src.w, dst.w)?);
            let sy = i64::from(src.y) + i64::from(source_index(j, src.h, dst.h)?);
            let p = read(image, sx, sy)?;
            Some(blend(d, tint(p, t.to_le_bytes())))
        });
    }
}

/// docs/raster.md "Reading source pixels", from the bytes.
fn read(image: &Image<'_>, x: i64, y: i64) -> Option<[u8; 4]> {
    let d = &image.desc;
    let bpp: u64 = match d.format {
        PixelFormat::Rgba8888Premul => 4,
        PixelFormat::A8 => 1,
        PixelFormat::Rgb565 => 2,
        _ => return None,
    };
    let (w, h, stride) = (u64::from(d.width), u64::from(d.height), u64::from(d.stride));
    let needed = if w == 0 || h == 0 {
        0
    } else {
        stride * (h - 1) + w * bpp
    };
    if stride < w * bpp || (image.pixels.len() as u64) < needed {
        return None;
    }
    if x < 0 || y < 0 || x as u64 >= w || y as u64 >= h {
        return None;
    }
    let at = (y as u64 * stride + x as u64 * bpp) as usize;
    let b = &image.pixels[at..at + bpp as usize];
    Some(match d.format {
        PixelFormat::Rgba8888Premul => [b[0], b[1], b[2], b[3]],
        PixelFormat::A8 => [b[0]; 4],
        _ => {
            let v = u16::from_le_bytes([b[0], b[1]]);
            let (r, g, bl) = ((v >> 11) as u8, ((v >> 5) & 63) as u8, (v & 31) as u8);
            [r << 3 | r >> 2, g << 2 | g >> 4, bl << 3 | bl >> 2, 255]
        }
    })
}
