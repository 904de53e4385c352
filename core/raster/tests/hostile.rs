#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Out-of-range input of every kind: clipped or ignored, never a panic, and never
//! more work than the plane's pixels.

mod common;

use common::*;
use wasp_abi::gfx::{ImageDesc, Rect};
use wasp_abi::media::PixelFormat;
use wasp_abi::Status;
use wasp_raster::{render, render_list, Canvas, Image};

const W: u32 = 7;
const H: u32 = 5;
/// Each canvas row has 8 bytes of padding that no draw may touch.
const STRIDE: u32 = W * 4 + 8;
const PAD: u8 = 0xA5;

fn canvas_bytes() -> Vec<u8> {
    let mut buf = vec![PAD; (STRIDE * H) as usize];
    for y in 0..H as usize {
        let row = y * STRIDE as usize;
        buf[row..row + W as usize * 4].fill(0);
    }
    buf
}

fn draw(list: &List, images: &[Image<'_>]) -> Vec<u8> {
    let mut buf = canvas_bytes();
    let mut canvas = Canvas::new(&mut buf, W, H, STRIDE).unwrap();
    render_list(&mut canvas, &list.0, images).unwrap();
    padding_intact(&buf);
    buf
}

fn padding_intact(buf: &[u8]) {
    for y in 0..H as usize {
        let row = y * STRIDE as usize;
        assert!(
            buf[row + W as usize * 4..row + STRIDE as usize]
                .iter()
                .all(|&b| b == PAD),
            "row {y} padding"
        );
    }
}

fn pixel(buf: &[u8], x: u32, y: u32) -> [u8; 4] {
    let i = (y * STRIDE + x * 4) as usize;
    buf[i..i + 4].try_into().unwrap()
}

fn all_pixels(buf: &[u8], want: [u8; 4]) -> bool {
    (0..H).all(|y| (0..W).all(|x| pixel(buf, x, y) == want))
}

/// Two opaque pixels, red then green.
fn two() -> Owned {
    owned(2, 1, PixelFormat::Rgba8888Premul, 0, |x, _| {
        if x == 0 {
            vec![255, 0, 0, 255]
        } else {
            vec![0, 255, 0, 255]
        }
    })
}

const HUGE: Rect = Rect {
    x: i32::MIN,
    y: i32::MIN,
    w: u32::MAX,
    h: u32::MAX,
};

#[test]
fn a_destination_of_four_billion_pixels_costs_the_plane() {
    let img = two();
    // Pixel 0 is i = 2^31 of 2^32 - 1: (2^32 + 1) * 2 / (2^33 - 2) = 1.000..., so the
    // whole plane shows the second (green) pixel, computed without overflow.
    let buf = draw(
        &List::default().image(0, rect(0, 0, 2, 1), HUGE, u32::MAX),
        &[img.image()],
    );
    assert!(all_pixels(&buf, [0, 255, 0, 255]));
    let buf = draw(&List::default().fill(HUGE, px([1, 2, 3, 4])), &[]);
    assert!(all_pixels(&buf, [1, 2, 3, 4]));
}

#[test]
fn far_away_and_empty_draws_draw_nothing() {
    let img = two();
    let lists = [
        List::default().fill(rect(i32::MAX, 0, u32::MAX, 5), px([255; 4])),
        List::default().fill(rect(i32::MIN, 0, 1 << 31, 5), px([255; 4])),
        List::default().fill(rect(0, 0, 0, 5), px([255; 4])),
        List::default().fill(rect(0, 0, 5, 0), px([255; 4])),
        List::default().image(0, rect(0, 0, 2, 1), rect(0, 0, 0, 9), u32::MAX),
        List::default().image(0, rect(0, 0, 0, 1), rect(0, 0, 7, 5), u32::MAX),
        List::default().image(0, rect(0, 0, 2, 0), rect(0, 0, 7, 5), u32::MAX),
        List::default().image(0, rect(2, 0, 5, 1), rect(0, 0, 7, 5), u32::MAX),
        List::default().image(0, rect(-9, 0, 5, 1), rect(0, 0, 7, 5), u32::MAX),
        List::default().image(
            0,
            rect(i32::MIN, i32::MIN, 3, 3),
            rect(0, 0, 7, 5),
            u32::MAX,
        ),
        List::default().image(
            0,
            rect(i32::MAX, i32::MAX, u32::MAX, u32::MAX),
            rect(0, 0, 7, 5),
            u32::MAX,
        ),
        // Sample 0 of 4 from 2^32 - 1 source pixels is far past the image.
        List::default().image(
            0,
            rect(0, 0, u32::MAX, u32::MAX),
            rect(0, 0, 4, 4),
            u32::MAX,
        ),
        List::default().image(0, rect(0, 0, 2, 1), rect(-5, -5, 5, 5), u32::MAX),
        List::default().image(0, rect(0, 0, 2, 1), rect(0, 0, 7, 5), 0),
        List::default().glyphs(
            0,
            u32::MAX,
            &[quad(0, 0, 0, 1, 0, 0), quad(0, 0, 2, 0, 0, 0)],
        ),
        List::default().glyphs(
            0,
            u32::MAX,
            &[quad(u16::MAX, u16::MAX, u16::MAX, u16::MAX, 0, 0)],
        ),
        List::default().glyphs(
            0,
            u32::MAX,
            &[
                quad(0, 0, 2, 1, i32::MIN, i32::MAX),
                quad(0, 0, 2, 1, i32::MAX, 0),
            ],
        ),
        List::default()
            .clip(rect(0, 0, 0, 0))
            .clear(px([9; 4]))
            .fill(HUGE, px([255; 4])),
        List::default()
            .clip(rect(i32::MAX, i32::MAX, u32::MAX, u32::MAX))
            .clear(px([9; 4])),
    ];
    for (n, list) in lists.iter().enumerate() {
        let buf = draw(list, &[img.image()]);
        assert!(all_pixels(&buf, [0; 4]), "list {n} drew");
    }
}

#[test]
fn glyphs_partly_off_the_plane_draw_their_visible_part() {
    let atlas = owned(4, 4, PixelFormat::A8, 0, |x, y| {
        vec![(x * 4 + y) as u8 * 16]
    });
    // Cell (1, 1, 3, 3) at (-1, 3): visible atlas columns 2..4, rows 1..3 at y 3..5.
    let buf = draw(
        &List::default().glyphs(0, u32::MAX, &[quad(1, 1, 3, 3, -1, 3)]),
        &[atlas.image()],
    );
    for (x, y, ax, ay) in [(0, 3, 2, 1), (1, 3, 3, 1), (0, 4, 2, 2), (1, 4, 3, 2)] {
        let k = (ax * 4 + ay) as u8 * 16;
        assert_eq!(pixel(&buf, x, y), [k; 4]);
    }
    assert_eq!(pixel(&buf, 2, 3), [0; 4]);
    assert_eq!(pixel(&buf, 0, 2), [0; 4]);
}

#[test]
fn inconsistent_images_draw_nothing() {
    let desc = ImageDesc {
        width: 2,
        height: 2,
        stride: 8,
        format: PixelFormat::Rgba8888Premul,
    };
    let bytes = [255u8; 64];
    let bad = [
        Image {
            desc: ImageDesc { stride: 7, ..desc },
            pixels: &bytes,
        },
        Image {
            desc,
            pixels: &bytes[..15],
        },
        Image {
            desc: ImageDesc {
                format: PixelFormat::I420,
                ..desc
            },
            pixels: &bytes,
        },
        Image {
            desc: ImageDesc {
                format: PixelFormat::Nv12,
                ..desc
            },
            pixels: &bytes,
        },
        Image {
            desc: ImageDesc {
                format: PixelFormat::Unknown,
                ..desc
            },
            pixels: &bytes,
        },
        Image {
            desc: ImageDesc {
                width: u32::MAX,
                height: u32::MAX,
                stride: u32::MAX,
                ..desc
            },
            pixels: &bytes,
        },
        Image {
            desc: ImageDesc {
                width: u32::MAX,
                height: 1,
                stride: 0,
                ..desc
            },
            pixels: &bytes,
        },
        Image {
            desc: ImageDesc {
                height: u32::MAX,
                ..desc
            },
            pixels: &bytes,
        },
    ];
    for (n, image) in bad.iter().enumerate() {
        let list = List::default()
            .image(0, rect(0, 0, 2, 2), rect(0, 0, 7, 5), u32::MAX)
            .glyphs(0, u32::MAX, &[quad(0, 0, 2, 2, 0, 0)]);
        let buf = draw(&list, &[*image]);
        assert!(all_pixels(&buf, [0; 4]), "image {n} drew");
        assert_eq!(image.pixel(0, 0), None);
    }
    // Exactly enough bytes (the last row unpadded) draws.
    let image = Image {
        desc: ImageDesc { stride: 12, ..desc },
        pixels: &bytes[..20],
    };
    assert_eq!(image.pixel(1, 1), Some([255; 4]));
    assert_eq!(image.pixel(2, 1), None);
    assert_eq!(image.pixel(0, 2), None);
}

#[test]
fn a_malformed_list_draws_nothing() {
    let mut list = List::default().clear(px([255; 4])).0;
    // A record claiming 40 bytes with 2 left.
    list.extend_from_slice(&[2, 0, 40, 0, 1, 2]);
    let mut buf = canvas_bytes();
    let mut canvas = Canvas::new(&mut buf, W, H, STRIDE).unwrap();
    assert_eq!(
        render_list(&mut canvas, &list, &[] as &[Image<'_>]),
        Err(Status::InvalidArgument)
    );
    assert_eq!(buf, canvas_bytes());
    // A short FillRect payload.
    let list = List::default().clear(px([255; 4])).record(2, &[1, 2, 3]);
    let mut canvas = Canvas::new(&mut buf, W, H, STRIDE).unwrap();
    assert_eq!(
        render_list(&mut canvas, &list.0, &[] as &[Image<'_>]),
        Err(Status::InvalidArgument)
    );
    assert_eq!(buf, canvas_bytes());
}

#[test]
fn unknown_opcodes_are_skipped() {
    let list = List::default()
        .record(999, &[1, 2, 3])
        .clear(px([7; 4]))
        .record(0, &[]);
    let mut buf = canvas_bytes();
    let mut canvas = Canvas::new(&mut buf, W, H, STRIDE).unwrap();
    assert_eq!(
        render_list(&mut canvas, &list.0, &[] as &[Image<'_>]),
        Ok(1)
    );
    assert!(all_pixels(&buf, [7; 4]));
}

#[test]
fn empty_canvases_take_any_command() {
    let img = two();
    let list = List::default()
        .clear(u32::MAX)
        .fill(HUGE, u32::MAX)
        .image(0, rect(0, 0, 2, 1), HUGE, u32::MAX)
        .glyphs(0, 1, &[quad(0, 0, 2, 1, 0, 0)])
        .clip(HUGE);
    for (w, h) in [(0, 0), (0, 9), (9, 0)] {
        let mut canvas = Canvas::new(&mut [], w, h, w * 4).unwrap();
        assert_eq!(render_list(&mut canvas, &list.0, &[img.image()]), Ok(5));
    }
}

/// A xorshift generator: the same sequence on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Mostly small values around the plane, sometimes extremes.
    fn coord(&mut self) -> i32 {
        match self.next() % 6 {
            0 => i32::MIN,
            1 => i32::MAX,
            2 => self.next() as i32,
            _ => (self.next() % 24) as i32 - 8,
        }
    }
    fn size(&mut self) -> u32 {
        match self.next() % 6 {
            0 => u32::MAX,
            1 => 0,
            2 => self.next() as u32,
            _ => (self.next() % 20) as u32,
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
}

#[test]
fn random_commands_with_extreme_values_never_panic_or_touch_the_padding() {
    let owned = images();
    let images: Vec<Image<'_>> = owned.iter().map(Owned::image).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let mut list = List::default();
        for _ in 0..6 {
            let id = (rng.next() % 4) as u32;
            let color = rng.next() as u32;
            list = match rng.next() % 6 {
                0 => list.clear(color),
                1 => list.fill(rng.rect(), color),
                2 => list.image(id, rng.rect(), rng.rect(), color),
                3 => {
                    let quads: Vec<_> = (0..3)
                        .map(|_| {
                            quad(
                                rng.next() as u16 % 10,
                                rng.next() as u16 % 10,
                                rng.next() as u16 % 12,
                                rng.next() as u16 % 12,
                                rng.coord(),
                                rng.coord(),
                            )
                        })
                        .collect();
                    list.glyphs(id, color, &quads)
                }
                4 => list.clip(rng.rect()),
                _ => list.reset_clip(),
            };
        }
        draw(&list, &images);
    }
}

#[test]
fn random_bytes_never_panic() {
    let owned = images();
    let images: Vec<Image<'_>> = owned.iter().map(Owned::image).collect();
    let mut rng = Rng(42);
    for _ in 0..3000 {
        let len = (rng.next() % 200) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        // Steer the first record to a known opcode with a fitting length half the time.
        if len >= 4 && rng.next().is_multiple_of(2) {
            bytes[0] = (rng.next() % 7) as u8;
            bytes[1] = 0;
            bytes[2] = (len - 4) as u8;
            bytes[3] = 0;
        }
        let mut buf = canvas_bytes();
        let mut canvas = Canvas::new(&mut buf, W, H, STRIDE).unwrap();
        let _ = render_list(&mut canvas, &bytes, images.as_slice());
        padding_intact(&buf);
    }
}

#[test]
fn render_counts_commands_and_keeps_the_clip() {
    let mut buf = canvas_bytes();
    let mut canvas = Canvas::new(&mut buf, W, H, STRIDE).unwrap();
    let list = List::default().clip(rect(1, 1, 2, 2)).clear(0);
    let n = render(
        &mut canvas,
        wasp_abi::gfx::draw_commands(&list.0).map(Result::unwrap),
        &[] as &[Image<'_>],
    );
    assert_eq!(n, 2);
    assert_eq!(canvas.clip(), rect(1, 1, 2, 2));
}
