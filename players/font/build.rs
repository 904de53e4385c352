//! Rasterises `data/DejaVuSans-subset.ttf` at every size of `SIZES` into A8 atlases,
//! packs and compresses them, and writes `fonts.rs` (glyph tables, metrics) and one
//! `atlas-<px>.bin` per size into `OUT_DIR` for `src/lib.rs` to include.
//!
//! The output depends only on the font file and the pinned `fontdue` version (built
//! without its x86 SIMD path, so every build host computes the same pixels). The
//! compression format is in the crate docs; its encoder, `src/encode.rs`, is included
//! here, and `src/atlas.rs` decodes it.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)] // a build script fails by panicking; its indices come from its own packing

extern crate alloc;

#[path = "src/encode.rs"]
mod encode;
#[path = "src/format.rs"]
mod format;
#[path = "src/hash.rs"]
mod hash;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Em sizes in pixels; `src/lib.rs` has the same list as `SIZES`.
const SIZES: [u32; 3] = [20, 32, 48];
/// Atlas width in pixels, the same for every size.
const ATLAS_WIDTH: usize = 512;
/// Empty pixels between two cells, and between a cell and the next shelf.
const PADDING: usize = 1;
/// Coverage levels kept (0..=14; the A8 value of a level is `(level * 255 + 7) / 14`).
const LEVELS: u32 = 15;
/// The character drawn for everything the font lacks.
const REPLACEMENT: char = '\u{FFFD}';
/// The character `Font::ellipsize` leaves room for.
const ELLIPSIS: char = '\u{2026}';

/// One rasterised glyph: its cell (levels 0..=14, row-major) and its placement.
struct Raster {
    c: char,
    w: usize,
    h: usize,
    levels: Vec<u8>,
    left: i32,
    top: i32,
    advance: u32,
    sx: usize,
    sy: usize,
}

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let ttf = dir.join("data/DejaVuSans-subset.ttf");
    println!("cargo:rerun-if-changed={}", ttf.display());
    for file in ["build.rs", "src/encode.rs", "src/format.rs", "src/hash.rs"] {
        println!("cargo:rerun-if-changed={file}");
    }

    let bytes = std::fs::read(&ttf).expect("read the font subset");
    let font = fontdue::Font::from_bytes(bytes, fontdue::FontSettings::default())
        .expect("parse the font subset");
    let mut chars: Vec<char> = font
        .chars()
        .keys()
        .copied()
        .filter(|c| !c.is_control())
        .collect();
    chars.sort_unstable();
    let index_of = |c: char| {
        chars
            .binary_search(&c)
            .unwrap_or_else(|_| panic!("the font subset lacks U+{:04X}", c as u32))
    };
    let replacement = index_of(REPLACEMENT);
    let ellipsis = index_of(ELLIPSIS);

    let mut code = String::new();
    let list: Vec<String> = chars
        .iter()
        .map(|c| format!("'\\u{{{:X}}}'", *c as u32))
        .collect();
    writeln!(
        code,
        "/// Every character with a glyph, ascending; `Font::glyphs[i]` draws `CHARS[i]`.\n\
         static CHARS: [char; {}] = [{}];\n\
         /// Index of U+FFFD in `CHARS`.\nconst REPLACEMENT: usize = {replacement};\n\
         /// Index of U+2026 in `CHARS`.\nconst ELLIPSIS: usize = {ellipsis};",
        chars.len(),
        list.join(", ")
    )
    .expect("write to a String");

    let mut fonts = Vec::new();
    for px in SIZES {
        let mut glyphs: Vec<Raster> = chars.iter().map(|&c| rasterise(&font, c, px)).collect();
        let height = pack(&mut glyphs);
        let mut atlas = vec![0u8; ATLAS_WIDTH * height];
        for g in &glyphs {
            for row in 0..g.h {
                let at = (g.sy + row) * ATLAS_WIDTH + g.sx;
                atlas[at..at + g.w].copy_from_slice(&g.levels[row * g.w..(row + 1) * g.w]);
            }
        }
        let packed = encode::encode(&atlas, ATLAS_WIDTH);
        let file = format!("atlas-{px}.bin");
        std::fs::write(out.join(&file), &packed).expect("write the packed atlas");
        let a8: Vec<u8> = atlas
            .iter()
            .map(|&l| format::LEVEL_A8[usize::from(l)])
            .collect();
        let hash = hash::fnv1a(&a8);

        let metrics = font
            .horizontal_line_metrics(px as f32)
            .expect("the font has horizontal metrics");
        let ascent = metrics.ascent.ceil() as i32;
        let descent = (-metrics.descent).ceil() as i32;
        let line_height = ascent + descent + metrics.line_gap.round() as i32;

        writeln!(code, "static GLYPHS_{px}: [Glyph; {}] = [", glyphs.len()).expect("write");
        for g in &glyphs {
            writeln!(
                code,
                "    Glyph {{ sx: {}, sy: {}, w: {}, h: {}, left: {}, top: {}, advance: {} }}, // U+{:04X}",
                g.sx, g.sy, g.w, g.h, g.left, g.top, g.advance, g.c as u32
            )
            .expect("write");
        }
        writeln!(code, "];").expect("write");
        writeln!(
            code,
            "static FONT_{px}: Font = Font {{ px: {px}, ascent: {ascent}, descent: {descent}, \
             line_height: {line_height}, width: {ATLAS_WIDTH}, height: {height}, glyphs: &GLYPHS_{px}, \
             packed: include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{file}\")), raster_hash: {hash:#018x} }};"
        )
        .expect("write");
        fonts.push(px);
    }
    // One static per size, chosen by `sized` with plain comparisons, so that a module
    // that asks for one constant size links only that size's atlas (a table of all
    // of them would keep every atlas alive: 59 KiB where 11 KiB are used).
    let refs: Vec<String> = fonts.iter().map(|px| format!("&FONT_{px}")).collect();
    writeln!(
        code,
        "/// One font per entry of `SIZES`, in the same order.\n\
         #[cfg(test)]\n\
         static FONTS: [&Font; {}] = [{}];",
        fonts.len(),
        refs.join(", ")
    )
    .expect("write");
    let mut sized = String::from(
        "/// The font of the largest size at most `px` (the smallest below all).\n\
         #[inline]\nfn sized(px: u32) -> &'static Font {\n",
    );
    for px in fonts.iter().rev() {
        if Some(px) == fonts.first() {
            writeln!(sized, "    &FONT_{px}").expect("write");
        } else {
            writeln!(sized, "    if px >= {px} {{ return &FONT_{px}; }}").expect("write");
        }
    }
    sized.push_str("}\n");
    code.push_str(&sized);
    write_if_changed(&out.join("fonts.rs"), code.as_bytes());
}

/// Rasterises `c` at `px`, quantises the coverage to [`LEVELS`] and trims empty rows
/// and columns at the edges (coverage too faint to survive the quantisation).
fn rasterise(font: &fontdue::Font, c: char, px: u32) -> Raster {
    let (m, coverage) = font.rasterize(c, px as f32);
    let (w, h) = (m.width, m.height);
    let levels: Vec<u8> = coverage
        .iter()
        .map(|&a| ((u32::from(a) * (LEVELS - 1) + 127) / 255) as u8)
        .collect();
    let ink = |x: usize, y: usize| levels[y * w + x] != 0;
    let rows: Vec<usize> = (0..h).filter(|&y| (0..w).any(|x| ink(x, y))).collect();
    let cols: Vec<usize> = (0..w).filter(|&x| (0..h).any(|y| ink(x, y))).collect();
    let advance = m.advance_width.round() as u32;
    // fontdue's bitmap is top-down; `ymin` is its bottom edge, y up from the baseline.
    let (left, top) = (m.xmin, -(m.ymin + h as i32));
    match (rows.first(), rows.last(), cols.first(), cols.last()) {
        (Some(&y0), Some(&y1), Some(&x0), Some(&x1)) => {
            let (tw, th) = (x1 + 1 - x0, y1 + 1 - y0);
            let mut cell = Vec::with_capacity(tw * th);
            for y in y0..=y1 {
                cell.extend_from_slice(&levels[y * w + x0..y * w + x1 + 1]);
            }
            Raster {
                c,
                w: tw,
                h: th,
                levels: cell,
                left: left + x0 as i32,
                top: top + y0 as i32,
                advance,
                sx: 0,
                sy: 0,
            }
        }
        _ => Raster {
            c,
            w: 0,
            h: 0,
            levels: Vec::new(),
            left: 0,
            top: 0,
            advance,
            sx: 0,
            sy: 0,
        },
    }
}

/// Places the cells on shelves, tallest first (ties by width, then character), left to
/// right, [`PADDING`] apart; returns the atlas height. Empty cells stay at (0, 0).
fn pack(glyphs: &mut [Raster]) -> usize {
    let mut order: Vec<usize> = (0..glyphs.len()).filter(|&i| glyphs[i].w > 0).collect();
    order.sort_by_key(|&i| {
        (
            usize::MAX - glyphs[i].h,
            usize::MAX - glyphs[i].w,
            glyphs[i].c,
        )
    });
    let (mut x, mut y, mut shelf) = (0, 0, 0);
    for i in order {
        let g = &mut glyphs[i];
        assert!(g.w <= ATLAS_WIDTH, "a glyph wider than the atlas");
        if x + g.w > ATLAS_WIDTH {
            (x, y, shelf) = (0, y + shelf + PADDING, 0);
        }
        (g.sx, g.sy) = (x, y);
        x += g.w + PADDING;
        shelf = shelf.max(g.h);
    }
    y + shelf
}

/// Leaves the file untouched when its content is the same (no needless rebuilds).
fn write_if_changed(path: &Path, bytes: &[u8]) {
    if std::fs::read(path).ok().as_deref() != Some(bytes) {
        std::fs::write(path, bytes).expect("write generated code");
    }
}
