//! Text on the graphics plane: glyph atlases from `wasp-font`, uploaded once as A8
//! images, drawn with `GLYPHS` (or scaled by whole numbers with `IMAGE` on displays
//! larger than the biggest atlas).

use alloc::vec::Vec;

use wasp_font::Font;
use wasp_guest::abi::gfx::{Color, GlyphQuad, ImageDesc, Rect};
use wasp_guest::abi::media::PixelFormat;
use wasp_guest::gfx::{DrawList, Image};
use wasp_guest::Status;

use super::metrics::Metrics;

/// A text size, in design units (pixels at 1080p).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// Labels, times, menu rows.
    Body,
    /// Subtitles and headings.
    Large,
}

impl Size {
    const fn design(self) -> i32 {
        match self {
            Size::Body => 32,
            Size::Large => 48,
        }
    }
}

/// Above this many pixels a size is drawn from the atlas of half its size at
/// twice the scale (exact pixel doubling), so that 4K needs no extra atlas.
const DOUBLE_FROM_PX: u32 = 72;

/// One size as drawn: an atlas and a whole-number scale.
#[derive(Clone, Copy)]
struct Face {
    font: &'static Font,
    scale: u32,
    atlas: usize,
}

/// The atlases of a display and the faces drawn from them.
pub struct Text {
    atlases: Vec<(u32, Image)>,
    body: Face,
    large: Face,
    quads: Vec<GlyphQuad>,
}

/// Uploads an A8 image (the module uses `Image::create`; tests record it).
pub type Upload<'a> = &'a mut dyn FnMut(&ImageDesc, &[u8]) -> Result<Image, Status>;

impl Text {
    /// Chooses the atlases for the display and uploads each once.
    ///
    /// # Errors
    /// Out of memory or the port's refusal to take the image.
    pub fn new(metrics: &Metrics, upload: Upload<'_>) -> Result<Self, Status> {
        let mut atlases: Vec<(u32, Image)> = Vec::new();
        let mut face = |size: Size| -> Result<Face, Status> {
            let px = metrics.upx(size.design());
            let scale = if px >= DOUBLE_FROM_PX { 2 } else { 1 };
            let font = wasp_font::font(px / scale);
            let atlas = match atlases.iter().position(|(p, _)| *p == font.px()) {
                Some(i) => i,
                None => {
                    atlases.push((font.px(), upload_atlas(font, upload)?));
                    atlases.len() - 1
                }
            };
            Ok(Face { font, scale, atlas })
        };
        let body = face(Size::Body)?;
        let large = face(Size::Large)?;
        Ok(Text {
            atlases,
            body,
            large,
            quads: Vec::new(),
        })
    }

    fn face(&self, size: Size) -> Face {
        match size {
            Size::Body => self.body,
            Size::Large => self.large,
        }
    }

    /// The height of a line, px.
    pub fn line_height(&self, size: Size) -> u32 {
        let f = self.face(size);
        f.font.line_height() * f.scale
    }

    /// The advance width of `text`, px.
    pub fn measure(&self, size: Size, text: &str) -> u32 {
        let f = self.face(size);
        f.font.measure(text) * f.scale
    }

    /// `text` broken into lines no wider than `max_width` px.
    pub fn wrap<'a>(&self, size: Size, text: &'a str, max_width: u32) -> Vec<&'a str> {
        let f = self.face(size);
        f.font.wrap(text, max_width / f.scale).collect()
    }

    /// Draws one line with its top-left at `(x, top)`, cut with an ellipsis when it
    /// is wider than `max_width`; returns the width drawn, px.
    pub fn draw(
        &mut self,
        list: &mut DrawList,
        size: Size,
        text: &str,
        (x, top): (i32, i32),
        max_width: u32,
        color: Color,
    ) -> u32 {
        let f = self.face(size);
        let (fits, cut) = f.font.ellipsize(text, max_width / f.scale);
        self.quads.clear();
        let mut width = f.font.layout(fits, 0, 0, &mut self.quads);
        if cut {
            width += f.font.layout("\u{2026}", width as i32, 0, &mut self.quads);
        }
        let Some((_, atlas)) = self.atlases.get(f.atlas) else {
            return 0;
        };
        let s = f.scale as i32;
        if f.scale == 1 {
            for q in self.quads.iter_mut() {
                q.dx += x;
                q.dy += top;
            }
            list.glyphs(atlas, color, &self.quads);
        } else {
            for q in &self.quads {
                let src = Rect {
                    x: i32::from(q.sx),
                    y: i32::from(q.sy),
                    w: u32::from(q.w),
                    h: u32::from(q.h),
                };
                let dst = Rect {
                    x: x + q.dx * s,
                    y: top + q.dy * s,
                    w: u32::from(q.w) * f.scale,
                    h: u32::from(q.h) * f.scale,
                };
                list.image(atlas, src, dst, color);
            }
        }
        width * f.scale
    }
}

/// Unpacks a size's atlas and uploads it as an A8 image.
fn upload_atlas(font: &'static Font, upload: Upload<'_>) -> Result<Image, Status> {
    let mut pixels = Vec::new();
    font.unpack_atlas(&mut pixels)
        .map_err(|_| Status::BudgetExceeded)?;
    let (width, height) = font.atlas_size();
    let desc = ImageDesc {
        width,
        height,
        stride: width,
        format: PixelFormat::A8,
    };
    upload(&desc, &pixels)
}
