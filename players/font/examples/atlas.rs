//! Writes each atlas as a greyscale PNG (`target/font-atlas-<px>.png`, for looking at)
//! and prints the size table of the crate's README.
//!
//! `cargo run -p wasp-font --example atlas`

use std::path::PathBuf;

use wasp_font::{characters, font, SIZES};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target");
    std::fs::create_dir_all(&dir)?;
    println!("| size (px) | glyphs | atlas W x H | raw A8 bytes | compressed bytes | ratio |");
    println!("|---:|---:|---:|---:|---:|---:|");
    let (mut raw_total, mut packed_total) = (0, 0);
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
        raw_total += atlas.len();
        packed_total += f.packed_len();
    }
    println!(
        "| all | | | {raw_total} | {packed_total} ({:.1} KiB) | {:.1}% |",
        packed_total as f64 / 1024.0,
        100.0 * packed_total as f64 / raw_total as f64
    );
    eprintln!("atlases written to {}", dir.display());
    Ok(())
}
