//! One line of text: measuring, laying out as glyph quads, shortening with an ellipsis.

use alloc::vec::Vec;

use crate::{decode_lossy, Font, GlyphQuad, CHARS, ELLIPSIS};

/// `value` clamped into `i32` (positions far off the plane stay far off).
fn clamp_i32(value: i64) -> i32 {
    value.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

impl Font {
    /// The advance width of one line of `text`, px: the sum of its glyphs' advances
    /// (a `'\n'` takes no room: this measures a single line).
    pub fn measure(&self, text: &str) -> u32 {
        self.advance_of(text.chars())
    }

    fn advance_of(&self, chars: impl Iterator<Item = char>) -> u32 {
        chars.fold(0u32, |width, c| {
            width.saturating_add(u32::from(self.glyph(c).advance))
        })
    }

    /// Lays out one line of `text` with the pen starting at `x` and the baseline at
    /// `top + ascent`: appends to `out` one quad per glyph that draws something (not
    /// for spaces) and returns the advance width, as [`Font::measure`].
    ///
    /// Quads are in text order; their positions saturate at the ends of `i32`. `out`
    /// grows by at most one quad per character: a caller that bounds its memory
    /// reserves that much first (`Vec::try_reserve`).
    pub fn layout(&self, text: &str, x: i32, top: i32, out: &mut Vec<GlyphQuad>) -> u32 {
        self.layout_chars(text.chars(), x, top, out)
    }

    /// [`Font::layout`] of raw bytes read as UTF-8, each ill-formed sequence drawn as
    /// U+FFFD (see [`decode_lossy`]): for text straight off the network, such as a
    /// subtitle file.
    pub fn layout_bytes(&self, bytes: &[u8], x: i32, top: i32, out: &mut Vec<GlyphQuad>) -> u32 {
        self.layout_chars(decode_lossy(bytes), x, top, out)
    }

    fn layout_chars(
        &self,
        chars: impl Iterator<Item = char>,
        x: i32,
        top: i32,
        out: &mut Vec<GlyphQuad>,
    ) -> u32 {
        let baseline = i64::from(top) + i64::from(self.ascent);
        let mut pen = 0u32;
        for c in chars {
            let g = self.glyph(c);
            if g.w != 0 && g.h != 0 {
                out.push(GlyphQuad {
                    sx: g.sx,
                    sy: g.sy,
                    w: g.w,
                    h: g.h,
                    dx: clamp_i32(i64::from(x) + i64::from(pen) + i64::from(g.left)),
                    dy: clamp_i32(baseline + i64::from(g.top)),
                });
            }
            pen = pen.saturating_add(u32::from(g.advance));
        }
        pen
    }

    /// Shortens one line to fit `max_width` px with an ellipsis after it.
    ///
    /// Returns `(text, false)` when the whole of `text` fits. Otherwise returns the
    /// longest prefix (ending on a character boundary) that fits together with the
    /// U+2026 glyph, without its trailing spaces, and `true`: the caller then draws
    /// "…" right after the prefix. The prefix is empty when not even the ellipsis
    /// fits.
    pub fn ellipsize<'a>(&self, text: &'a str, max_width: u32) -> (&'a str, bool) {
        if self.measure(text) <= max_width {
            return (text, false);
        }
        let ellipsis = self.glyphs.get(ELLIPSIS).map_or(0, |g| g.advance);
        let Some(budget) = max_width.checked_sub(u32::from(ellipsis)) else {
            return ("", true);
        };
        let mut width = 0u32;
        let mut end = 0;
        for (i, c) in text.char_indices() {
            width = width.saturating_add(u32::from(self.glyph(c).advance));
            if width > budget {
                break;
            }
            end = i + c.len_utf8();
        }
        let prefix = text.get(..end).unwrap_or("");
        (prefix.trim_end_matches(' '), true)
    }
}

// The ellipsis is in the font (the build script refuses a subset without it).
const _: () = assert!(ELLIPSIS < CHARS.len());

#[cfg(test)]
mod tests {
    use crate::{font, Font, GlyphQuad, SIZES};
    use alloc::vec::Vec;

    fn quads(f: &Font, text: &str, x: i32, top: i32) -> (Vec<GlyphQuad>, u32) {
        let mut out = Vec::new();
        let width = f.layout(text, x, top, &mut out);
        (out, width)
    }

    #[test]
    fn measure_is_the_sum_of_advances() {
        for px in SIZES {
            let f = font(px);
            let text = "Hello, wörld — «ÄÖÜ» ½ 日本\t!";
            let sum: u32 = text.chars().map(|c| u32::from(f.glyph(c).advance)).sum();
            assert_eq!(f.measure(text), sum);
            assert_eq!(f.measure(""), 0);
            assert_eq!(f.measure("ab"), f.measure("a") + f.measure("b"));
        }
    }

    #[test]
    fn soft_hyphens_in_programme_data_are_not_drawn() {
        let f = font(32);
        let (with, w1) = quads(f, "Fernseh\u{AD}programm", 0, 0);
        let (without, w2) = quads(f, "Fernsehprogramm", 0, 0);
        assert_eq!((with, w1), (without, w2));
    }

    #[test]
    fn layout_of_ag_at_10_5_gives_pinned_quads() {
        let f = font(20);
        let (out, width) = quads(f, "Ag", 10, 5);
        // At 20 px the ascent is 19, so the baseline is at y = 24. 'A' (advance 14)
        // sits on it, its cell 15 high; 'g' starts at pen 10 + 14, 1 px right of the
        // pen, its cell from x-height (12 above the baseline) down through the
        // descender. The cells' atlas positions are the build's packing.
        let a = GlyphQuad {
            sx: 393,
            sy: 40,
            w: 14,
            h: 15,
            dx: 10,
            dy: 9,
        };
        let g = GlyphQuad {
            sx: 182,
            sy: 22,
            w: 10,
            h: 17,
            dx: 25,
            dy: 12,
        };
        assert_eq!(out, [a, g]);
        assert_eq!(width, 14 + 13);
        assert_eq!(width, f.measure("Ag"));
    }

    #[test]
    fn layout_places_each_glyph_by_its_bearings() {
        for px in SIZES {
            let f = font(px);
            let (out, width) = quads(f, "x y", -3, 100);
            let (gx, gy) = (f.glyph('x'), f.glyph('y'));
            let baseline = 100 + f.ascent();
            assert_eq!(out.len(), 2, "the space draws nothing");
            assert_eq!(
                (out[0].dx, out[0].dy),
                (-3 + i32::from(gx.left), baseline + i32::from(gx.top))
            );
            let pen = -3 + i32::from(gx.advance) + i32::from(f.glyph(' ').advance);
            assert_eq!(
                (out[1].dx, out[1].dy),
                (pen + i32::from(gy.left), baseline + i32::from(gy.top))
            );
            assert_eq!(
                (out[1].sx, out[1].sy, out[1].w, out[1].h),
                (gy.sx, gy.sy, gy.w, gy.h)
            );
            assert_eq!(width, f.measure("x y"));
        }
    }

    #[test]
    fn layout_appends_and_saturates_far_positions() {
        let f = font(48);
        let mut out = Vec::new();
        f.layout("a", 0, 0, &mut out);
        f.layout("WW", i32::MAX - 10, i32::MAX, &mut out);
        f.layout("W", i32::MIN, i32::MIN, &mut out);
        assert_eq!(out.len(), 4);
        assert_eq!(out[0].dx, i32::from(f.glyph('a').left));
        // The second 'W' starts past i32::MAX; every baseline is far below it.
        assert_eq!((out[2].dx, out[2].dy), (i32::MAX, i32::MAX));
        assert_eq!(out[1].dy, i32::MAX);
        // At i32::MIN a positive left bearing still places the cell exactly.
        assert!(f.glyph('W').left >= 0);
        assert_eq!(out[3].dx, i32::MIN + i32::from(f.glyph('W').left));
    }

    #[test]
    fn layout_bytes_draws_bad_bytes_as_replacement() {
        let f = font(32);
        let mut from_bytes = Vec::new();
        let w = f.layout_bytes(b"caf\xE9!", 4, 8, &mut from_bytes);
        let (from_str, w2) = quads(f, "caf\u{FFFD}!", 4, 8);
        assert_eq!(from_bytes, from_str);
        assert_eq!(w, w2);
    }

    #[test]
    fn ellipsize_keeps_text_that_fits() {
        let f = font(20);
        let w = f.measure("Short title");
        assert_eq!(f.ellipsize("Short title", w), ("Short title", false));
        assert_eq!(f.ellipsize("", 0), ("", false));
    }

    #[test]
    fn ellipsize_cuts_at_the_longest_fitting_prefix() {
        let f = font(20);
        let dots = u32::from(f.glyph('…').advance);
        let text = "Episode 12: Return";
        let prefix = "Episode 12: Re";
        let room = f.measure(prefix) + dots;
        assert_eq!(f.ellipsize(text, room), (prefix, true));
        // One pixel less loses the last character.
        assert_eq!(f.ellipsize(text, room - 1), ("Episode 12: R", true));
        // Trailing spaces go: "Episode " + "…" would read "Episode …".
        let room = f.measure("Episode ") + dots;
        assert_eq!(f.ellipsize(text, room), ("Episode", true));
    }

    #[test]
    fn ellipsize_returns_empty_when_only_the_ellipsis_fits_or_less() {
        let f = font(20);
        let dots = u32::from(f.glyph('…').advance);
        assert_eq!(f.ellipsize("Wide", dots), ("", true));
        assert_eq!(f.ellipsize("Wide", dots - 1), ("", true));
        assert_eq!(f.ellipsize("Wide", 0), ("", true));
    }

    #[test]
    fn ellipsize_never_splits_a_character() {
        let f = font(20);
        let text = "ÄÄÄÄÄÄ";
        for width in 0..f.measure(text) {
            let (prefix, cut) = f.ellipsize(text, width);
            assert!(cut);
            assert!(text.starts_with(prefix));
            assert!(
                f.measure(prefix) + u32::from(f.glyph('…').advance) <= width || prefix.is_empty()
            );
        }
    }
}
