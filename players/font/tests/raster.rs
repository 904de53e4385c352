//! Text laid out by this crate and drawn by the reference rasteriser (`wasp-raster`,
//! the meaning of the `GLYPHS` command): each glyph's coverage lands where the layout
//! says, unchanged.

use wasp_abi::gfx::{rgba, GlyphQuad, ImageDesc};
use wasp_abi::media::PixelFormat;
use wasp_font::{font, SIZES};
use wasp_raster::{Canvas, Image};

const W: u32 = 160;
const H: u32 = 80;

#[test]
fn white_text_shows_the_atlas_coverage_at_the_laid_out_places() {
    for px in SIZES {
        let f = font(px);
        let mut atlas = Vec::new();
        f.unpack_atlas(&mut atlas).unwrap();
        let (aw, ah) = f.atlas_size();
        let image = Image {
            desc: ImageDesc {
                width: aw,
                height: ah,
                stride: aw,
                format: PixelFormat::A8,
            },
            pixels: &atlas,
        };

        let mut quads = Vec::new();
        f.layout("Ag", 10, 5, &mut quads);
        assert_eq!(quads.len(), 2);
        // The two cells do not overlap, so each drawn pixel comes from one cell.
        assert!(quads[0].dx + i32::from(quads[0].w) <= quads[1].dx);
        let mut wire = vec![0u8; quads.len() * GlyphQuad::SIZE];
        for (q, bytes) in quads.iter().zip(wire.chunks_mut(GlyphQuad::SIZE)) {
            q.encode(bytes);
        }

        let mut pixels = vec![0u8; (W * H * 4) as usize];
        let mut canvas = Canvas::new(&mut pixels, W, H, W * 4).unwrap();
        canvas.draw_glyphs(&image, rgba(255, 255, 255, 255), &wire);

        let mut want = vec![0u8; (W * H) as usize];
        for q in &quads {
            for y in 0..q.h {
                for x in 0..q.w {
                    let from = usize::from(q.sy + y) * aw as usize + usize::from(q.sx + x);
                    let to = (q.dy + i32::from(y)) as usize * W as usize
                        + (q.dx + i32::from(x)) as usize;
                    want[to] = atlas[from];
                }
            }
        }
        let alpha: Vec<u8> = pixels.chunks(4).map(|p| p[3]).collect();
        assert_eq!(alpha, want, "{px} px");
        // White premultiplied: every channel equals the coverage.
        assert!(pixels
            .chunks(4)
            .all(|p| p[0] == p[3] && p[1] == p[3] && p[2] == p[3]));
        assert!(alpha.iter().filter(|&&a| a == 255).count() > 20, "{px} px");
    }
}
