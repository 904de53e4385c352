//! Checked draw lists: what [`crate::Port::draw`] receives.
//!
//! The guest's list is copied out of guest memory, every record is decoded, unknown
//! opcodes are dropped, and every image handle is checked and replaced by the port's id
//! (with source rectangles checked against the image's size). Only then does the port
//! see it, so a port's rasteriser can trust every command.

use alloc::vec::Vec;
use wasp_abi::gfx::{glyph_quads, op, DrawCommand, DrawImage, GlyphQuad, Glyphs, ImageDesc, Rect};
use wasp_abi::wire::{put_record, Records};
use wasp_abi::Status;

use crate::handles::HandleTable;
use crate::port::PortId;

/// An image the module uploaded.
pub struct ImageEntry {
    /// The port's id.
    pub id: PortId,
    /// Its description.
    pub desc: ImageDesc,
    /// Bytes counted against the image budget.
    pub bytes: usize,
}

/// A draw list whose every command decodes and whose image ids are the port's.
#[derive(Clone, Copy, Debug)]
pub struct DrawList<'a> {
    bytes: &'a [u8],
}

impl<'a> DrawList<'a> {
    /// The commands, in order.
    pub fn commands(&self) -> impl Iterator<Item = DrawCommand<'a>> + 'a {
        // Every record was checked when the list was built: errors cannot occur.
        wasp_abi::gfx::draw_commands(self.bytes).filter_map(Result::ok)
    }

    /// The list's wire bytes (TLV records).
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Number of commands.
    pub fn len(&self) -> usize {
        self.commands().count()
    }

    /// No commands.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

fn inside(rect: &Rect, desc: &ImageDesc) -> bool {
    let fits = |pos: i32, len: u32, size: u32| {
        pos >= 0 && (pos as u64) + u64::from(len) <= u64::from(size)
    };
    fits(rect.x, rect.w, desc.width) && fits(rect.y, rect.h, desc.height)
}

/// Checks a guest draw list and writes the port's version into `out` (cleared first).
/// Returns the number of commands.
///
/// # Errors
/// `InvalidArgument` for a malformed record or a source rectangle outside its image;
/// `BadHandle` for an image handle that is not open; `BudgetExceeded` if `out` cannot
/// grow.
pub fn check(
    list: &[u8],
    images: &HandleTable<ImageEntry>,
    out: &mut Vec<u8>,
) -> Result<usize, Status> {
    out.clear();
    out.try_reserve(list.len())
        .map_err(|_| Status::BudgetExceeded)?;
    let mut count = 0;
    let mut scratch = Vec::new();
    for record in Records::new(list) {
        let record = record?;
        let Some(command) = DrawCommand::decode(record)? else {
            continue;
        };
        scratch.clear();
        let payload: &[u8] = match command {
            DrawCommand::Image(mut draw) => {
                let image = images.get(draw.image)?;
                if !inside(&draw.src, &image.desc) {
                    return Err(Status::InvalidArgument);
                }
                draw.image = image.id;
                scratch.extend_from_slice(&draw.to_bytes());
                &scratch
            }
            DrawCommand::Glyphs(mut glyphs, quads) => {
                let image = images.get(glyphs.image)?;
                for q in glyph_quads(quads) {
                    let cell = Rect {
                        x: q.sx.into(),
                        y: q.sy.into(),
                        w: q.w.into(),
                        h: q.h.into(),
                    };
                    if !inside(&cell, &image.desc) {
                        return Err(Status::InvalidArgument);
                    }
                }
                glyphs.image = image.id;
                scratch.extend_from_slice(&glyphs.to_bytes());
                scratch.extend_from_slice(quads);
                &scratch
            }
            _ => record
                .payload
                .get(..record.payload.len())
                .unwrap_or_default(),
        };
        let mut pos = out.len();
        out.resize(pos + wasp_abi::wire::RECORD_HEADER + payload.len(), 0);
        if !put_record(out, &mut pos, record.kind, payload) {
            return Err(Status::InvalidArgument);
        }
        count += 1;
    }
    Ok(count)
}

/// Wraps bytes produced by [`check`].
pub(crate) fn checked(bytes: &[u8]) -> DrawList<'_> {
    DrawList { bytes }
}

const _: () = {
    // The opcodes this module rewrites must stay those of the ABI.
    assert!(op::IMAGE == 3 && op::GLYPHS == 4);
    assert!(DrawImage::SIZE == 40 && Glyphs::SIZE == 8 && GlyphQuad::SIZE == 16);
};
