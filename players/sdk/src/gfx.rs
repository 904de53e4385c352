//! The graphics plane (`gfx_*`): images, the batched [`DrawList`], and
//! [`present`].
//!
//! A frame is one or more [`DrawList::draw`] calls followed by [`present`]. The meaning
//! of every command is exact (see [`wasp_abi::gfx`]), so every device shows the same
//! pixels.
#![allow(unsafe_code)] // FFI edge: calls the `gfx_*` imports.

use alloc::vec::Vec;
use wasp_abi::gfx::{op, Clear, Color, DrawImage, FillRect, GlyphQuad, Glyphs, ImageDesc, Rect};
use wasp_abi::wire::{put_record, RECORD_HEADER};
use wasp_abi::Status;

use crate::{sys, util};

crate::util::owned_handle! {
    /// An image on the graphics plane; freed on drop.
    pub struct Image;
    release: gfx_image_free, free, "image", "freed", "Frees the image";
    handle_doc: "The raw handle.";
}

impl Image {
    /// Uploads an image: `pixels` holds `desc.stride * desc.height` bytes.
    ///
    /// # Errors
    /// [`Status::BudgetExceeded`], [`Status::InvalidArgument`] for a bad description
    /// or pixel length, or the import's status.
    pub fn create(desc: &ImageDesc, pixels: &[u8]) -> Result<Self, Status> {
        let desc = desc.to_bytes();
        // SAFETY: `desc` and `pixels` are live shared borrows the host only reads.
        let ret = unsafe {
            sys::gfx_image_create(
                util::addr(&desc),
                util::len(desc.len()),
                util::addr(pixels),
                util::len(pixels.len()),
            )
        };
        Status::check(ret).map(|handle| Self { handle })
    }

    /// Replaces the pixels of `rect`; `pixels` rows are `rect.w * bytes_per_pixel`
    /// bytes, with no padding.
    ///
    /// # Errors
    /// [`Status::InvalidArgument`] for a rectangle outside the image or a wrong pixel
    /// length, or the import's status.
    pub fn update(&self, rect: &Rect, pixels: &[u8]) -> Result<(), Status> {
        let rect = rect.to_bytes();
        // SAFETY: `rect` and `pixels` are live shared borrows the host only reads.
        let ret = unsafe {
            sys::gfx_image_update(
                util::handle(self.handle),
                util::addr(&rect),
                util::len(rect.len()),
                util::addr(pixels),
                util::len(pixels.len()),
            )
        };
        Status::check(ret).map(drop)
    }
}

/// Shows the frame built by the draw calls since the last present.
///
/// # Errors
/// The import's status.
#[inline]
pub fn present() -> Result<(), Status> {
    // SAFETY: no arguments.
    Status::check(unsafe { sys::gfx_present() }).map(drop)
}

/// Quads per glyph record: longer runs are split into several records of the same
/// atlas and colour, which draw exactly the same pixels.
const QUADS_PER_RECORD: usize = 32;

/// A draw list being built: TLV draw records (see [`wasp_abi::gfx::op`]) in a `Vec`.
///
/// The command methods chain and never fail: the first failure (out of memory) is
/// kept, later commands are ignored, and [`draw`](Self::draw) reports it. Reuse one
/// list across frames with [`reset`](Self::reset) to keep its allocation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DrawList {
    bytes: Vec<u8>,
    commands: usize,
    error: Option<Status>,
}

impl DrawList {
    /// An empty list.
    pub const fn new() -> Self {
        Self {
            bytes: Vec::new(),
            commands: 0,
            error: None,
        }
    }

    /// Empties the list (keeping its allocation) and forgets a failure.
    pub fn reset(&mut self) {
        self.bytes.clear();
        self.commands = 0;
        self.error = None;
    }

    /// Fills the whole clip area with `color`, replacing what is there (transparent
    /// shows the video plane).
    pub fn clear(&mut self, color: Color) -> &mut Self {
        self.push(op::CLEAR, &Clear { color }.to_bytes())
    }

    /// Blends a rectangle of one colour.
    pub fn fill_rect(&mut self, rect: Rect, color: Color) -> &mut Self {
        self.push(op::FILL_RECT, &FillRect { rect, color }.to_bytes())
    }

    /// Blends the `src` part of `image`, scaled nearest-neighbour to `dst`, multiplied
    /// by `tint` (`0xFFFF_FFFF` = unchanged; the colour of an A8 image).
    pub fn image(&mut self, image: &Image, src: Rect, dst: Rect, tint: Color) -> &mut Self {
        let command = DrawImage {
            src,
            dst,
            image: image.handle(),
            tint,
        };
        self.push(op::IMAGE, &command.to_bytes())
    }

    /// Draws `quads` (atlas cells, unscaled) from the A8 `atlas` in `color`.
    pub fn glyphs(&mut self, atlas: &Image, color: Color, quads: &[GlyphQuad]) -> &mut Self {
        let head = Glyphs {
            image: atlas.handle(),
            color,
        };
        for run in quads.chunks(QUADS_PER_RECORD) {
            let mut payload = [0u8; Glyphs::SIZE + QUADS_PER_RECORD * GlyphQuad::SIZE];
            let mut at = head.encode(&mut payload);
            for quad in run {
                if let Some(cell) = payload.get_mut(at..) {
                    at += quad.encode(cell);
                }
            }
            self.push(op::GLYPHS, payload.get(..at).unwrap_or_default());
        }
        self
    }

    /// Clips every later command to `rect` (intersected with the plane).
    pub fn clip(&mut self, rect: Rect) -> &mut Self {
        self.push(op::CLIP, &rect.to_bytes())
    }

    /// Removes the clip.
    pub fn reset_clip(&mut self) -> &mut Self {
        self.push(op::RESET_CLIP, &[])
    }

    /// The encoded list.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Records in the list (what [`draw`](Self::draw) returns when all are drawn).
    pub const fn len(&self) -> usize {
        self.commands
    }

    /// Whether the list has no record.
    pub const fn is_empty(&self) -> bool {
        self.commands == 0
    }

    /// The first failure while building, if any.
    pub const fn error(&self) -> Option<Status> {
        self.error
    }

    /// Appends the list to the frame being built (`gfx_draw`); returns the number of
    /// commands drawn. The host checks the whole list before drawing any of it.
    ///
    /// # Errors
    /// A failure while building, or the import's status.
    pub fn draw(&self) -> Result<u32, Status> {
        if let Some(status) = self.error {
            return Err(status);
        }
        // SAFETY: `bytes` is a live shared borrow the host only reads.
        let ret = unsafe { sys::gfx_draw(util::addr(&self.bytes), util::len(self.bytes.len())) };
        Status::check(ret)
    }

    fn push(&mut self, kind: u16, payload: &[u8]) -> &mut Self {
        if self.error.is_some() {
            return self;
        }
        let start = self.bytes.len();
        let mut end = start;
        let ok = util::grow(&mut self.bytes, start + RECORD_HEADER + payload.len()).is_ok()
            && put_record(&mut self.bytes, &mut end, kind, payload);
        if ok {
            self.commands += 1;
        } else {
            self.bytes.truncate(start);
            self.error = Some(Status::BudgetExceeded);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasp_abi::gfx::{draw_commands, glyph_quads, rgba, DrawCommand};

    fn rect(x: i32, y: i32, w: u32, h: u32) -> Rect {
        Rect { x, y, w, h }
    }

    #[test]
    fn draw_lists_decode_back_to_their_commands() {
        let atlas = Image::from_handle(0x0001_4003);
        let quads = [
            GlyphQuad {
                sx: 0,
                sy: 0,
                w: 4,
                h: 4,
                dx: 10,
                dy: 20,
            },
            GlyphQuad {
                sx: 4,
                sy: 0,
                w: 4,
                h: 4,
                dx: 14,
                dy: 20,
            },
        ];
        let mut list = DrawList::new();
        list.clear(0)
            .fill_rect(rect(10, 10, 100, 50), rgba(0, 0, 255, 255))
            .image(&atlas, rect(0, 0, 8, 8), rect(200, 10, 16, 16), 0xFFFF_FFFF)
            .clip(rect(0, 0, 64, 64))
            .glyphs(&atlas, rgba(255, 255, 255, 255), &quads)
            .reset_clip();
        assert_eq!(list.len(), 6);
        assert_eq!(list.error(), None);

        let cmds: Vec<_> = draw_commands(list.as_bytes()).map(Result::unwrap).collect();
        assert_eq!(cmds.len(), 6);
        assert_eq!(cmds[0], DrawCommand::Clear(Clear { color: 0 }));
        assert_eq!(
            cmds[1],
            DrawCommand::FillRect(FillRect {
                rect: rect(10, 10, 100, 50),
                color: 0xFFFF_0000
            })
        );
        assert_eq!(
            cmds[2],
            DrawCommand::Image(DrawImage {
                src: rect(0, 0, 8, 8),
                dst: rect(200, 10, 16, 16),
                image: 0x0001_4003,
                tint: 0xFFFF_FFFF,
            })
        );
        assert_eq!(cmds[3], DrawCommand::Clip(rect(0, 0, 64, 64)));
        match cmds[4] {
            DrawCommand::Glyphs(head, run) => {
                assert_eq!(
                    head,
                    Glyphs {
                        image: 0x0001_4003,
                        color: 0xFFFF_FFFF
                    }
                );
                assert_eq!(glyph_quads(run).collect::<Vec<_>>(), quads);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(cmds[5], DrawCommand::ResetClip);
        let _ = atlas.into_handle(); // not a real image: do not call the free stub
    }

    #[test]
    fn long_glyph_runs_split_into_records() {
        let atlas = Image::from_handle(7);
        let quads: Vec<_> = (0..70)
            .map(|i| GlyphQuad {
                sx: i,
                sy: 0,
                w: 1,
                h: 1,
                dx: i32::from(i),
                dy: 0,
            })
            .collect();
        let mut list = DrawList::new();
        list.glyphs(&atlas, 1, &quads);
        assert_eq!(list.len(), 3); // 32 + 32 + 6
        let mut seen = Vec::new();
        for cmd in draw_commands(list.as_bytes()) {
            match cmd.unwrap() {
                DrawCommand::Glyphs(head, run) => {
                    assert_eq!(head.image, 7);
                    seen.extend(glyph_quads(run));
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(seen, quads);
        let _ = atlas.into_handle();
    }

    #[test]
    fn reset_empties_the_list_and_drawing_natively_is_unsupported() {
        let mut list = DrawList::new();
        list.clear(0).reset_clip();
        assert_eq!(list.draw(), Err(Status::Unsupported));
        list.reset();
        assert!(list.is_empty());
        assert!(list.as_bytes().is_empty());
    }
}
