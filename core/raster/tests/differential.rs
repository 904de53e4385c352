#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! `wasp_raster` against the naive model of docs/raster.md (`model/`) on thousands of
//! deterministic random lists: the fast paths (rows walked together, in-image ranges
//! found by binary search, opaque and white-tint shortcuts) draw the same bytes.

mod common;
mod model;

use common::*;
use wasp_abi::gfx::Rect;
use wasp_abi::media::PixelFormat;
use wasp_raster::{render_list, Canvas, Image};

const W: u32 = 23;
const H: u32 = 17;
const STRIDE: u32 = W * 4 + 8;

/// A xorshift generator: the same sequence on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn coord(&mut self) -> i32 {
        match self.below(12) {
            0 => i32::MIN,
            1 => i32::MAX,
            _ => self.below(44) as i32 - 12,
        }
    }
    fn size(&mut self) -> u32 {
        match self.below(12) {
            0 => u32::MAX,
            1 => 0,
            _ => self.below(30) as u32,
        }
    }
    fn rect(&mut self) -> Rect {
        Rect {
            x: self.coord(),
            y: self.coord(),
            w: self.size(),
            h: self.size(),
        }
    }
    /// Opaque, transparent, white, or any premultiplied colour.
    fn color(&mut self) -> u32 {
        match self.below(5) {
            0 => u32::MAX,
            1 => 0,
            2 => px([(self.next() as u8), 0, 0, 255]),
            _ => {
                let a = self.next() as u8;
                let mut c = || (self.next() as u8).min(a);
                px([c(), c(), c(), a])
            }
        }
    }
    /// A source rect mostly inside an image of about 10x10, sometimes not.
    fn src(&mut self) -> Rect {
        if self.below(4) == 0 {
            return self.rect();
        }
        Rect {
            x: self.below(6) as i32 - 1,
            y: self.below(6) as i32 - 1,
            w: self.below(10) as u32,
            h: self.below(10) as u32,
        }
    }
}

fn list(rng: &mut Rng) -> List {
    let mut list = List::default();
    for _ in 0..1 + rng.below(8) {
        let id = rng.below(5) as u32;
        list = match rng.below(8) {
            0 => list.clear(rng.color()),
            1 => list.fill(rng.rect(), rng.color()),
            2 | 3 => {
                let (src, dst) = (rng.src(), rng.rect());
                // Half the draws unscaled, as glyphs and most UI images are.
                let dst = if rng.below(2) == 0 {
                    Rect {
                        w: src.w,
                        h: src.h,
                        ..dst
                    }
                } else {
                    dst
                };
                list.image(id, src, dst, rng.color())
            }
            4 | 5 => {
                let n = rng.below(5) as usize;
                let quads: Vec<_> = (0..n)
                    .map(|_| {
                        quad(
                            rng.below(9) as u16,
                            rng.below(9) as u16,
                            rng.below(9) as u16,
                            rng.below(9) as u16,
                            rng.coord(),
                            rng.coord(),
                        )
                    })
                    .collect();
                list.glyphs(id, rng.color(), &quads)
            }
            6 => list.clip(rng.rect()),
            _ => list.reset_clip(),
        };
    }
    list
}

#[test]
fn random_lists_draw_what_the_model_draws() {
    let mut owned = images();
    // Image 3: claims more rows than it has bytes (never drawn). Image 4: none.
    owned.push(owned_bad());
    let images: Vec<Image<'_>> = owned.iter().map(Owned::image).collect();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut drawn = 0;
    for n in 0..4000 {
        let list = list(&mut rng);
        let base: Vec<u8> = (0..STRIDE * H).map(|_| rng.next() as u8).collect();
        let mut got = base.clone();
        let mut canvas = Canvas::new(&mut got, W, H, STRIDE).unwrap();
        render_list(&mut canvas, &list.0, images.as_slice()).unwrap();
        let mut want = base.clone();
        assert!(model::Plane::new(&mut want, W, H, STRIDE as usize).draw(&list.0, &images));
        assert_eq!(got, want, "list {n}: {:?}", list.0);
        drawn += usize::from(got != base);
    }
    // The lists do draw (1,864 of the 4,000 change some pixel; the rest are clipped
    // away, empty or name missing images, which must draw nothing).
    assert!(drawn > 1500, "only {drawn} lists drew");
}

fn owned_bad() -> Owned {
    let mut bad = owned(4, 4, PixelFormat::Rgba8888Premul, 0, |_, _| vec![255; 4]);
    bad.desc.height = 5;
    bad
}
