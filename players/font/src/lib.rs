//! Bitmap fonts for the TV UI: A8 glyph atlases of DejaVu Sans at 20, 32 and 48 px,
//! with the text layout the graphics plane's `GLYPHS` command needs.
//!
//! # How a module draws text
//!
//! 1. Once: [`font`]`(px)` picks a size; [`Font::unpack_atlas`] decompresses its
//!    atlas into an A8 image (`width * height` bytes, stride `width`), which the module
//!    uploads with `gfx_image_create` and may then drop.
//! 2. Every frame: [`Font::layout`] (or [`Font::layout_bytes`] for raw bytes off the
//!    network, such as subtitle files) appends one [`GlyphQuad`] per visible glyph; the
//!    quads go into a `GLYPHS` draw command with that image and a tint colour. A quad
//!    draws its atlas cell unscaled (`docs/raster.md`, "GLYPHS").
//! 3. [`Font::measure`], [`Font::wrap`] and [`Font::ellipsize`] place text in boxes.
//!
//! Characters the font lacks are drawn as U+FFFD (the replacement character);
//! control characters and a few invisible format characters (soft hyphen, zero-width
//! space and joiners, direction marks, word joiner, byte order mark) take no room and
//! draw nothing. There is no kerning and no shaping: each character is one glyph.
//!
//! # The font and its licence
//!
//! `data/DejaVuSans-subset.ttf` is DejaVu Sans cut down by `data/make.sh` to printable
//! Latin-1 (U+0020..U+007E, U+00A0..U+00FF), typographic quotes and dashes, the
//! ellipsis, a few UI symbols (▶ ◀ ■ ● ♪ arrows) and U+FFFD. DejaVu's fonts are under
//! the Bitstream Vera licence with DejaVu's changes in the public domain:
//! `data/LICENSE`, which must travel with any copy of the font data.
//!
//! # How the atlases are made
//!
//! The build script rasterises every character of the subset at each of [`SIZES`]
//! (em size in pixels) with `fontdue`, unhinted, pinned to one version and built
//! without its x86 SIMD path so that every build host computes the same coverage.
//! Coverage (0..=255) is quantised to 15 levels, `level = (coverage * 14 + 127) /
//! 255`, and the A8 value of a level is `(level * 255 + 7) / 14` (0, 18, 36, 55, 73,
//! 91, 109, 128, 146, 164, 182, 200, 219, 237, 255). Empty rows and
//! columns at a cell's edges are trimmed. Cells are placed on shelves in an atlas
//! [`ATLAS_WIDTH`] pixels wide, tallest first (ties: wider first, then by character),
//! left to right with 1 pixel of padding between cells and between shelves; the atlas
//! is as tall as its last shelf. A glyph's `left`/`top` place its cell relative to the
//! pen on the baseline; its advance is the font's advance rounded to whole pixels.
//! Line metrics: `ascent = ceil(hhea ascent)`, `descent = ceil(-hhea descent)`,
//! `line_height = ascent + descent + round(line gap)`, all scaled to the size.
//!
//! # The compressed atlas format
//!
//! A packed atlas is 8 bytes of checksum, the FNV-1a (64-bit) of the rest,
//! little-endian, then the atlas's levels (0..=14), row by row (`width * height` of
//! them), as a stream of 4-bit nibbles, the high nibble of each byte first:
//!
//! * a nibble `1..=13` is one pixel of that level;
//! * a nibble `0` or `14` starts a run of pixels of that level (empty or full), and a
//!   nibble `15` a run of pixels each equal to the pixel one row above it (`width`
//!   pixels back; a run longer than a row repeats the rows it has just made). The
//!   run is `L + 1` pixels long, where `L` follows in 1 to 8 nibbles, 3 bits each,
//!   least significant first, bit 3 set on every nibble but the last (so runs of
//!   1..=8 cost 2 nibbles, up to 64 cost 3).
//!
//! The stream ends exactly when the last pixel is produced; if that leaves the last
//! byte half used, its low nibble is 0. The encoder (`src/encode.rs`, run by the build
//! script) is greedy: at each pixel, the longer of a copy of the row above and a run
//! of 0 or 14 (the copy on a tie, when at least 2 long), else a literal.
//!
//! Decoding ([`Font::unpack_atlas`], [`unpack`]) checks the checksum first, then
//! everything else: a run past the last pixel, a copy in the first row, a length of
//! more than 8 nibbles, a stream that ends early or has anything after the end is
//! [`FontError::Corrupt`], never a panic or a read or write out of bounds; the work is
//! bounded by the pixel count and the stream's length, and needs no memory besides
//! the output. Figures (sizes, unpacking cost under the interpreter, the formats
//! weighed against this one) are in the crate's `README.md`.

#![no_std]
#![deny(unsafe_code)]

extern crate alloc;

mod atlas;
#[cfg(test)]
mod encode;
mod format;
mod hash;
mod text;
mod utf8;
mod wrap;

use alloc::vec::Vec;
use core::fmt;

pub use utf8::decode_lossy;
pub use wasp_abi::gfx::GlyphQuad;
pub use wrap::Wrap;

/// The em sizes in pixels that have an atlas, ascending.
pub const SIZES: [u32; 3] = [20, 32, 48];

/// The width in pixels of every atlas.
pub const ATLAS_WIDTH: u32 = 512;

/// One character's cell in the atlas and where it goes relative to the pen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Glyph {
    /// Atlas cell left, px.
    pub sx: u16,
    /// Atlas cell top, px.
    pub sy: u16,
    /// Cell width, px (0 for a glyph that draws nothing, such as the space).
    pub w: u16,
    /// Cell height, px (0 for a glyph that draws nothing).
    pub h: u16,
    /// Offset of the cell's left edge from the pen, px.
    pub left: i16,
    /// Offset of the cell's top edge from the baseline, px (negative: above it).
    pub top: i16,
    /// How far the pen moves after this glyph, px.
    pub advance: u16,
}

/// The glyph of control and invisible format characters: no cell, no advance.
static EMPTY: Glyph = Glyph {
    sx: 0,
    sy: 0,
    w: 0,
    h: 0,
    left: 0,
    top: 0,
    advance: 0,
};

/// Why an atlas could not be unpacked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FontError {
    /// The atlas's bytes could not be allocated.
    OutOfMemory,
    /// The compressed atlas is damaged: its checksum does not match, or it does not
    /// decode to exactly `width * height` pixels.
    Corrupt,
}

impl fmt::Display for FontError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::OutOfMemory => "out of memory for the font atlas",
            Self::Corrupt => "the compressed font atlas is corrupt",
        })
    }
}

impl core::error::Error for FontError {}

/// One size of the font: its metrics, glyph table and compressed atlas (all data is
/// `'static`, built into the module).
#[derive(Clone, Copy)]
pub struct Font {
    px: u32,
    ascent: i32,
    descent: i32,
    line_height: u32,
    width: u32,
    height: u32,
    /// `glyphs[i]` draws `CHARS[i]`.
    glyphs: &'static [Glyph],
    packed: &'static [u8],
    /// FNV-1a of the A8 atlas as the build script made it, before compression.
    raster_hash: u64,
}

include!(concat!(env!("OUT_DIR"), "/fonts.rs"));

impl fmt::Debug for Font {
    /// The metrics and sizes, not the tables (hundreds of glyphs, kilobytes of atlas).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Font")
            .field("px", &self.px)
            .field("ascent", &self.ascent)
            .field("descent", &self.descent)
            .field("line_height", &self.line_height)
            .field("atlas_size", &(self.width, self.height))
            .field("glyphs", &self.glyphs.len())
            .field("packed_len", &self.packed.len())
            .finish()
    }
}

/// The font of the largest size in [`SIZES`] that is at most `px`, or the smallest
/// size when `px` is below all of them.
#[inline]
pub fn font(px: u32) -> &'static Font {
    sized(px)
}

/// Every character the font has a glyph for, ascending (the same for every size).
pub fn characters() -> &'static [char] {
    &CHARS
}

/// Decodes an atlas in the crate's compressed format (crate docs, "The compressed
/// atlas format") that is `width` pixels wide into `out`, whose length is the atlas's
/// pixel count: what [`Font::unpack_atlas`] does with the atlas built in.
///
/// # Errors
/// [`FontError::Corrupt`] when `packed` is not a well-formed atlas of exactly
/// `out.len()` pixels (the contents of `out` are then unspecified; nothing is read or
/// written out of bounds, and nothing panics, whatever the input). Never
/// [`FontError::OutOfMemory`]: the decoder allocates nothing.
pub fn unpack(packed: &[u8], width: u32, out: &mut [u8]) -> Result<(), FontError> {
    atlas::unpack(packed, width as usize, out)
}

/// The index in `CHARS` of `c`, if the font has it.
fn index_of(c: char) -> Option<usize> {
    // CHARS starts with the 95 printable ASCII characters, in order.
    let ascii = (c as usize).wrapping_sub(0x20);
    if CHARS.get(ascii) == Some(&c) {
        return Some(ascii);
    }
    CHARS.binary_search(&c).ok()
}

/// Whether `c` takes no room and draws nothing: control characters (Unicode category
/// Cc) and the invisible format characters text from the network carries.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Soft hyphen: shown only where a line breaks at it, and this crate does not
            // break there (Unicode §23.2; common in broadcast programme data). ZWSP,
            // ZWNJ, ZWJ, LRM, RLM; word joiner; byte order mark (Unicode §23.2, §23.8).
            '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}'
        )
}

impl Font {
    /// The em size in pixels.
    pub fn px(&self) -> u32 {
        self.px
    }

    /// The baseline's offset from the top of a line, px.
    pub fn ascent(&self) -> i32 {
        self.ascent
    }

    /// How far below the baseline the lowest glyphs reach, px (positive).
    pub fn descent(&self) -> i32 {
        self.descent
    }

    /// The distance between the baselines of two lines, px.
    pub fn line_height(&self) -> u32 {
        self.line_height
    }

    /// The atlas's width and height in pixels.
    pub fn atlas_size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// FNV-1a (64-bit) of the A8 atlas as the build script made it: what
    /// [`Font::unpack_atlas`] must reproduce, and a name for the exact pixels of this
    /// size (goldens that draw text can record it).
    pub fn atlas_hash(&self) -> u64 {
        self.raster_hash
    }

    /// The size of the compressed atlas built into the module, bytes.
    pub fn packed_len(&self) -> usize {
        self.packed.len()
    }

    /// Decompresses the atlas into `out` (cleared first): A8, `width * height` bytes,
    /// stride `width`, ready for `gfx_image_create`.
    ///
    /// # Errors
    /// [`FontError::OutOfMemory`] when the bytes cannot be reserved,
    /// [`FontError::Corrupt`] when the compressed data is damaged; `out` is then empty.
    pub fn unpack_atlas(&self, out: &mut Vec<u8>) -> Result<(), FontError> {
        out.clear();
        let len = (self.width as usize)
            .checked_mul(self.height as usize)
            .ok_or(FontError::OutOfMemory)?;
        out.try_reserve_exact(len)
            .map_err(|_| FontError::OutOfMemory)?;
        out.resize(len, 0);
        unpack(self.packed, self.width, out).inspect_err(|_| out.clear())
    }

    /// The glyph drawn for `c`: its own, U+FFFD's when the font lacks it, an empty
    /// zero-advance glyph for control and invisible format characters (crate docs).
    pub fn glyph(&self, c: char) -> &Glyph {
        if is_invisible(c) {
            return &EMPTY;
        }
        let i = index_of(c).unwrap_or(REPLACEMENT);
        self.glyphs.get(i).unwrap_or(&EMPTY)
    }

    /// Whether the font has a glyph of its own for `c` (not the replacement).
    pub fn has_glyph(&self, c: char) -> bool {
        index_of(c).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_picks_largest_size_not_above_request() {
        assert_eq!(font(0).px(), 20);
        assert_eq!(font(19).px(), 20);
        assert_eq!(font(20).px(), 20);
        assert_eq!(font(31).px(), 20);
        assert_eq!(font(32).px(), 32);
        assert_eq!(font(47).px(), 32);
        assert_eq!(font(48).px(), 48);
        assert_eq!(font(u32::MAX).px(), 48);
        let sizes: Vec<u32> = FONTS.iter().map(|f| f.px()).collect();
        assert_eq!(sizes, SIZES);
    }

    #[test]
    fn every_latin1_printable_char_has_its_own_glyph() {
        // U+00AD, the soft hyphen, is a format character: it draws nothing.
        let latin1 = ('\u{20}'..='\u{7E}')
            .chain('\u{A0}'..='\u{FF}')
            .filter(|&c| c != '\u{AD}');
        for f in &FONTS {
            let replacement = f.glyph('\u{FFFD}');
            for c in latin1.clone() {
                assert!(f.has_glyph(c), "{} px lacks U+{:04X}", f.px, c as u32);
                assert!(f.glyph(c).advance > 0, "U+{:04X}", c as u32);
                if c != ' ' && c != '\u{A0}' {
                    assert!(f.glyph(c).w > 0 && f.glyph(c).h > 0, "U+{:04X}", c as u32);
                    assert_ne!(f.glyph(c), replacement, "U+{:04X}", c as u32);
                }
            }
        }
    }

    #[test]
    fn missing_char_gets_the_replacement_glyph() {
        for f in &FONTS {
            let replacement = f.glyph('\u{FFFD}');
            assert!(replacement.w > 0 && replacement.advance > 0);
            assert!(!f.has_glyph('あ'));
            assert_eq!(f.glyph('あ'), replacement);
            assert_eq!(f.glyph('\u{1F600}'), replacement);
            assert_ne!(f.glyph('A'), replacement);
        }
    }

    #[test]
    fn control_and_format_chars_are_empty_and_take_no_room() {
        for c in [
            '\0', '\t', '\n', '\r', '\u{7F}', '\u{85}', '\u{AD}', '\u{200B}', '\u{FEFF}',
        ] {
            assert_eq!(*font(20).glyph(c), EMPTY, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn ascii_fast_path_agrees_with_search() {
        for (i, &c) in CHARS.iter().enumerate() {
            assert_eq!(index_of(c), Some(i));
        }
        assert_eq!(
            CHARS.get(..95),
            Some(&('\u{20}'..='\u{7E}').collect::<Vec<_>>()[..])
        );
    }

    #[test]
    fn metrics_are_consistent() {
        for f in &FONTS {
            assert!(f.ascent() > 0 && f.descent() > 0);
            assert!(f.line_height() >= (f.ascent() + f.descent()) as u32);
            let (w, h) = f.atlas_size();
            assert_eq!(w, ATLAS_WIDTH);
            for g in f.glyphs {
                assert!(u32::from(g.sx) + u32::from(g.w) <= w);
                assert!(u32::from(g.sy) + u32::from(g.h) <= h);
            }
        }
    }

    #[test]
    fn error_is_one_byte_and_debug_is_short() {
        assert_eq!(core::mem::size_of::<FontError>(), 1);
        let text = alloc::format!("{:?}", font(20));
        assert!(text.starts_with("Font { px: 20, ascent: 19,"), "{text}");
        assert!(text.len() < 200, "{text}");
    }

    #[test]
    fn error_display_names_the_problem() {
        use alloc::string::ToString;
        assert_eq!(
            FontError::Corrupt.to_string(),
            "the compressed font atlas is corrupt"
        );
        assert_eq!(
            FontError::OutOfMemory.to_string(),
            "out of memory for the font atlas"
        );
    }
}
