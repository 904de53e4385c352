//! Writes each atlas as a greyscale PNG (`target/font-atlas-<px>.png`) and a sample of
//! wrapped, laid-out text (`target/font-sample.png`), for looking at, and prints the
//! size table of the crate's README.
//!
//! `cargo run -p wasp-font --example atlas`

use std::path::PathBuf;

use wasp_font::{characters, font, GlyphQuad, SIZES};

const SAMPLE: &str = "Ünïcödé — «Ärger» ½ € ▶ ♪ \u{201C}quotes\u{201D}\n\
    The quick brown fox jumps over the lazy dog: supercalifragilisticexpialidocious.";
const SAMPLE_WIDTH: u32 = 640;

/// Draws `quads` from `atlas` into `image` (A8, `width` wide) unscaled, keeping the
/// brighter value where cells overlap.
fn blit(image: &mut [u8], width: u32, atlas: &[u8], atlas_width: u32, quads: &[GlyphQuad]) {
    for q in quads {
        for y in 0..q.h {
            for x in 0..q.w {
                let (dx, dy) = (q.dx + i32::from(x), q.dy + i32::from(y));
                let (Ok(dx), Ok(dy)) = (u32::try_from(dx), usize::try_from(dy)) else {
                    continue;
                };
                let from = usize::from(q.sy + y) * atlas_width as usize + usize::from(q.sx + x);
                let to = dy * width as usize + dx as usize;
                if let (true, Some(&a), Some(p)) = (dx < width, atlas.get(from), image.get_mut(to))
                {
                    *p = (*p).max(a);
                }
            }
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target");
    std::fs::create_dir_all(&dir)?;
    println!("| size (px) | glyphs | atlas W x H | raw A8 bytes | compressed bytes | ratio |");
    println!("|---:|---:|---:|---:|---:|---:|");
    let (mut raw_total, mut packed_total) = (0, 0);
    let sample_height = 720;
    let mut sample = vec![0u8; (SAMPLE_WIDTH * sample_height) as usize];
    let mut top = 4;
    for px in SIZES {
        let f = font(px);
        let mut atlas = Vec::new();
        f.unpack_atlas(&mut atlas)?;
        let (w, h) = f.atlas_size();
        let path = dir.join(format!("font-atlas-{px}.png"));
        let mut encoder = png::Encoder::new(std::fs::File::create(&path)?, w, h);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.write_header()?.write_image_data(&atlas)?;
        let glyphs = characters().iter().filter(|&&c| f.glyph(c).w > 0).count();
        println!(
            "| {px} | {} ({glyphs} with a cell) | {w} x {h} | {} | {} | {:.1}% |",
            characters().len(),
            atlas.len(),
            f.packed_len(),
            100.0 * f.packed_len() as f64 / atlas.len() as f64
        );
        // The sample wrapped to the image, then its first line cut to half of it.
        let mut quads = Vec::new();
        for line in f.wrap(SAMPLE, SAMPLE_WIDTH - 8) {
            f.layout(line, 4, top, &mut quads);
            top += f.line_height() as i32;
        }
        let first = SAMPLE.lines().next().unwrap_or("");
        let (shown, cut) = f.ellipsize(first, SAMPLE_WIDTH / 2);
        let pen = f.layout(shown, 4, top, &mut quads);
        if cut {
            f.layout("…", 4 + pen as i32, top, &mut quads);
        }
        top += f.line_height() as i32 + 8;
        blit(&mut sample, SAMPLE_WIDTH, &atlas, w, &quads);
        raw_total += atlas.len();
        packed_total += f.packed_len();
    }
    println!(
        "| all | | | {raw_total} | {packed_total} ({:.1} KiB) | {:.1}% |",
        packed_total as f64 / 1024.0,
        100.0 * packed_total as f64 / raw_total as f64
    );
    let path = dir.join("font-sample.png");
    let mut encoder = png::Encoder::new(std::fs::File::create(&path)?, SAMPLE_WIDTH, sample_height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.write_header()?.write_image_data(&sample)?;
    eprintln!("atlases and a sample written to {}", dir.display());
    Ok(())
}
