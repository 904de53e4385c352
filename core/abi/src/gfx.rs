//! The graphics plane (`gfx_*` imports): images and the batched draw list.
//!
//! A frame is drawn by one or more `gfx_draw` calls, each carrying a list of TLV
//! records (see [`crate::wire`]), then shown with `gfx_present`. The meaning is exact so
//! that every device shows the same pixels: integer coordinates, nearest-neighbour
//! scaling, colours premultiplied by alpha, blending `dst = src + dst * (255 - src.a) /
//! 255` per channel with rounding to nearest. Unknown opcodes are skipped.

use crate::media::PixelFormat;
use crate::wire::{wire_struct, Record, Records, Wire};
use crate::Status;

/// A premultiplied RGBA colour packed as `u32` little-endian: bytes R, G, B, A.
pub type Color = u32;

/// Packs a straight-alpha colour into a premultiplied [`Color`] (rounding to nearest).
pub const fn rgba(r: u8, g: u8, b: u8, a: u8) -> Color {
    const fn mul(c: u8, a: u8) -> u32 {
        (c as u32 * a as u32 + 127) / 255
    }
    mul(r, a) | (mul(g, a) << 8) | (mul(b, a) << 16) | ((a as u32) << 24)
}

wire_struct! {
    /// A new image (`gfx_image_create`); its pixels follow as a separate argument,
    /// `stride * height` bytes.
    pub struct ImageDesc {
        /// Width in pixels.
        pub width: u32,
        /// Height in pixels.
        pub height: u32,
        /// Bytes per row in the pixel data (at least `width * bytes_per_pixel`).
        pub stride: u32,
        /// `Rgba8888Premul` or `A8`.
        pub format: PixelFormat,
    }
}

wire_struct! {
    /// An integer rectangle.
    pub struct Rect {
        /// Left.
        pub x: i32,
        /// Top.
        pub y: i32,
        /// Width.
        pub w: u32,
        /// Height.
        pub h: u32,
    }
}

/// Draw opcodes (the TLV type of each draw record).
pub mod op {
    /// [`super::Clear`].
    pub const CLEAR: u16 = 1;
    /// [`super::FillRect`].
    pub const FILL_RECT: u16 = 2;
    /// [`super::DrawImage`].
    pub const IMAGE: u16 = 3;
    /// [`super::Glyphs`] followed by [`super::GlyphQuad`]s.
    pub const GLYPHS: u16 = 4;
    /// [`super::Rect`]: clip every later command to it (intersected with the plane).
    pub const CLIP: u16 = 5;
    /// No payload: remove the clip.
    pub const RESET_CLIP: u16 = 6;
}

wire_struct! {
    /// Fill the whole clip area with a colour, replacing (not blending) what is there.
    pub struct Clear {
        /// The colour (transparent shows the video plane).
        pub color: Color,
    }
}

wire_struct! {
    /// Blend a rectangle of one colour.
    pub struct FillRect {
        /// Where.
        pub rect: Rect,
        /// The colour.
        pub color: Color,
    }
}

wire_struct! {
    /// Blend a part of an image, scaled nearest-neighbour to the destination.
    pub struct DrawImage {
        /// Source rectangle within the image.
        pub src: Rect,
        /// Destination rectangle on the plane.
        pub dst: Rect,
        /// Image handle.
        pub image: u32,
        /// Multiplies the source (`0xFFFFFFFF` = unchanged; for A8 images, the colour).
        pub tint: Color,
    }
}

wire_struct! {
    /// A run of glyphs from one atlas image (A8 for text; an RGBA atlas is tinted as
    /// [`DrawImage`] is), in one colour.
    pub struct Glyphs {
        /// Atlas image handle.
        pub image: u32,
        /// Text colour.
        pub color: Color,
    }
}

wire_struct! {
    /// One glyph of a [`Glyphs`] run: an atlas cell drawn unscaled at a position.
    pub struct GlyphQuad {
        /// Atlas cell left.
        pub sx: u16,
        /// Atlas cell top.
        pub sy: u16,
        /// Cell width.
        pub w: u16,
        /// Cell height.
        pub h: u16,
        /// Destination left.
        pub dx: i32,
        /// Destination top.
        pub dy: i32,
    }
}

/// One decoded draw command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrawCommand<'a> {
    /// See [`Clear`].
    Clear(Clear),
    /// See [`FillRect`].
    FillRect(FillRect),
    /// See [`DrawImage`].
    Image(DrawImage),
    /// A glyph run: the header and its quads' wire bytes (a whole number of
    /// [`GlyphQuad::SIZE`] records; see [`glyph_quads`]).
    Glyphs(Glyphs, &'a [u8]),
    /// See [`op::CLIP`].
    Clip(Rect),
    /// See [`op::RESET_CLIP`].
    ResetClip,
}

impl<'a> DrawCommand<'a> {
    /// Decodes one record; `Ok(None)` for an opcode this version does not know.
    ///
    /// # Errors
    /// [`Status::InvalidArgument`] when a payload is short or a glyph run is ragged.
    pub fn decode(record: Record<'a>) -> Result<Option<Self>, Status> {
        fn exact<T: Wire>(payload: &[u8]) -> Result<(), Status> {
            if payload.len() >= T::SIZE {
                Ok(())
            } else {
                Err(Status::InvalidArgument)
            }
        }
        let p = record.payload;
        Ok(Some(match record.kind {
            op::CLEAR => {
                exact::<Clear>(p)?;
                DrawCommand::Clear(Clear::decode(p)?)
            }
            op::FILL_RECT => {
                exact::<FillRect>(p)?;
                DrawCommand::FillRect(FillRect::decode(p)?)
            }
            op::IMAGE => {
                exact::<DrawImage>(p)?;
                DrawCommand::Image(DrawImage::decode(p)?)
            }
            op::GLYPHS => {
                let (head, quads) = p
                    .split_at_checked(Glyphs::SIZE)
                    .ok_or(Status::InvalidArgument)?;
                if quads.len() % GlyphQuad::SIZE != 0 {
                    return Err(Status::InvalidArgument);
                }
                DrawCommand::Glyphs(Glyphs::decode(head)?, quads)
            }
            op::CLIP => {
                exact::<Rect>(p)?;
                DrawCommand::Clip(Rect::decode(p)?)
            }
            op::RESET_CLIP => DrawCommand::ResetClip,
            _ => return Ok(None),
        }))
    }
}

/// The quads of a glyph run (the slice from [`DrawCommand::Glyphs`]).
pub fn glyph_quads(quads: &[u8]) -> impl Iterator<Item = GlyphQuad> + '_ {
    quads.chunks_exact(GlyphQuad::SIZE).map(|c| {
        // Infallible: a GlyphQuad has no enum fields and the chunk is full-size.
        GlyphQuad::decode(c).unwrap_or_default()
    })
}

/// Decodes every command of a draw list, skipping unknown opcodes.
pub fn draw_commands(list: &[u8]) -> impl Iterator<Item = Result<DrawCommand<'_>, Status>> + '_ {
    Records::new(list).filter_map(|r| r.and_then(DrawCommand::decode).transpose())
}
