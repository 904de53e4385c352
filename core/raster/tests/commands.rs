#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Each command's exact pixels: values worked out by hand, and golden hashes of small
//! scenes that `golden.py` (an independent model of docs/raster.md) reproduces.

mod common;

use common::*;
use wasp_abi::gfx::{rgba, Rect};
use wasp_abi::media::PixelFormat;
use wasp_raster::{render_list, Canvas, Image, Pixel};

const W: u32 = 16;
const H: u32 = 12;

/// Renders `list` on a `W x H` canvas filled with `base`; returns the pixels.
fn draw(base: Pixel, list: &List, images: &[Image<'_>]) -> Vec<u8> {
    let mut buf: Vec<u8> = base.repeat((W * H) as usize);
    let mut canvas = Canvas::new(&mut buf, W, H, W * 4).unwrap();
    render_list(&mut canvas, &list.0, images).unwrap();
    buf
}

fn at(buf: &[u8], x: u32, y: u32) -> Pixel {
    let i = ((y * W + x) * 4) as usize;
    buf[i..i + 4].try_into().unwrap()
}

/// Every pixel not in `inside` still has the value `base`.
fn untouched_outside(buf: &[u8], base: Pixel, inside: impl Fn(u32, u32) -> bool) {
    for y in 0..H {
        for x in 0..W {
            if !inside(x, y) {
                assert_eq!(at(buf, x, y), base, "({x}, {y}) changed");
            }
        }
    }
}

const WHITE: Pixel = [255; 4];
const CLEAR: Pixel = [0; 4];

#[test]
fn half_black_over_white_is_127() {
    // d' = 0 + div255(255 * (255 - 128)) = round(127.0) = 127; alpha 128 + 127 = 255.
    let buf = draw(
        WHITE,
        &List::default().fill(rect(2, 3, 4, 5), px([0, 0, 0, 128])),
        &[],
    );
    assert_eq!(at(&buf, 2, 3), [127, 127, 127, 255]);
    assert_eq!(at(&buf, 5, 7), [127, 127, 127, 255]);
    untouched_outside(&buf, WHITE, |x, y| {
        (2..6).contains(&x) && (3..8).contains(&y)
    });
}

#[test]
fn half_red_over_grey() {
    // rgba(255, 0, 0, 128) premultiplies to (32640 + 127) / 255 = 128 red.
    assert_eq!(rgba(255, 0, 0, 128), px([128, 0, 0, 128]));
    // Over (100, 100, 100, 255): div255(100 * 127) = round(49.80) = 50, so red is
    // 128 + 50 = 178, green and blue 50, alpha 128 + div255(255 * 127) = 255.
    let buf = draw(
        [100, 100, 100, 255],
        &List::default().fill(rect(0, 0, W, H), rgba(255, 0, 0, 128)),
        &[],
    );
    assert_eq!(at(&buf, 7, 7), [178, 50, 50, 255]);
}

#[test]
fn clear_replaces_inside_the_clip_only() {
    let base = [10, 20, 30, 40];
    let buf = draw(base, &List::default().clip(rect(3, 2, 4, 3)).clear(0), &[]);
    assert_eq!(at(&buf, 3, 2), CLEAR);
    assert_eq!(at(&buf, 6, 4), CLEAR);
    untouched_outside(&buf, base, |x, y| {
        (3..7).contains(&x) && (2..5).contains(&y)
    });
}

#[test]
fn clip_is_intersected_with_the_plane_and_replaces_the_last() {
    let red = [255, 0, 0, 255];
    // (-2, -2, 5, 5) covers 0..3; a later clip replaces it (not intersected).
    let list = List::default()
        .clip(rect(-2, -2, 5, 5))
        .fill(rect(0, 0, W, H), px(red))
        .clip(rect(14, 10, 10, 10))
        .fill(rect(0, 0, W, H), px(red))
        .reset_clip()
        .fill(rect(8, 0, 1, 1), px(red));
    let buf = draw(CLEAR, &list, &[]);
    let inside = |x: u32, y: u32| (x < 3 && y < 3) || (x >= 14 && y >= 10) || (x == 8 && y == 0);
    for y in 0..H {
        for x in 0..W {
            assert_eq!(
                at(&buf, x, y),
                if inside(x, y) { red } else { CLEAR },
                "({x}, {y})"
            );
        }
    }
}

#[test]
fn later_commands_draw_over_earlier_ones() {
    let red = px([255, 0, 0, 255]);
    let half_blue = px([0, 0, 128, 128]);
    let a = draw(
        CLEAR,
        &List::default()
            .fill(rect(0, 0, 4, 4), red)
            .fill(rect(2, 2, 4, 4), half_blue),
        &[],
    );
    // Overlap: red 0 + div255(255 * 127) = 127, blue 128, alpha 255.
    assert_eq!(at(&a, 3, 3), [127, 0, 128, 255]);
    assert_eq!(at(&a, 1, 1), [255, 0, 0, 255]);
    assert_eq!(at(&a, 5, 5), [0, 0, 128, 128]);
    let b = draw(
        CLEAR,
        &List::default()
            .fill(rect(2, 2, 4, 4), half_blue)
            .fill(rect(0, 0, 4, 4), red),
        &[],
    );
    assert_eq!(at(&b, 3, 3), [255, 0, 0, 255]);
    assert_eq!(at(&b, 5, 5), [0, 0, 128, 128]);
}

fn rgba_image(w: u32, h: u32, pixel: impl Fn(u32, u32) -> Pixel) -> Owned {
    owned(w, h, PixelFormat::Rgba8888Premul, 0, |x, y| {
        pixel(x, y).to_vec()
    })
}

#[test]
fn tint_multiplies_each_channel() {
    let img = rgba_image(1, 1, |_, _| [200, 100, 50, 255]);
    // Tint (128, 128, 128, 128): 200 * 128 / 255 = 100.39 -> 100, 100 -> 50.20 -> 50,
    // 50 -> 25.10 -> 25, 255 -> 128.
    let list = List::default().image(0, rect(0, 0, 1, 1), rect(1, 1, 1, 1), px([128; 4]));
    let buf = draw(CLEAR, &list, &[img.image()]);
    assert_eq!(at(&buf, 1, 1), [100, 50, 25, 128]);
    // Over opaque black: alpha 128 + div255(255 * 127) = 255.
    let buf = draw([0, 0, 0, 255], &list, &[img.image()]);
    assert_eq!(at(&buf, 1, 1), [100, 50, 25, 255]);
}

#[test]
fn a8_is_coverage_of_the_colour() {
    let atlas = owned(2, 1, PixelFormat::A8, 0, |x, _| {
        vec![[128, 255][x as usize]]
    });
    let yellow = rgba(255, 255, 0, 255);
    let list = List::default().glyphs(0, yellow, &[quad(0, 0, 2, 1, 4, 6)]);
    // Coverage 128: 255 * 128 / 255 = 128 each; over opaque blue, blue is
    // 0 + div255(255 * 127) = 127.
    let buf = draw([0, 0, 255, 255], &list, &[atlas.image()]);
    assert_eq!(at(&buf, 4, 6), [128, 128, 127, 255]);
    assert_eq!(at(&buf, 5, 6), [255, 255, 0, 255]);
    untouched_outside(&buf, [0, 0, 255, 255], |x, y| (4..6).contains(&x) && y == 6);
    // An A8 image drawn with the white tint is white coverage.
    let list = List::default().image(0, rect(0, 0, 1, 1), rect(0, 0, 1, 1), u32::MAX);
    assert_eq!(at(&draw(CLEAR, &list, &[atlas.image()]), 0, 0), [128; 4]);
}

#[test]
fn rgb565_is_opaque_and_widened() {
    // r 16 -> 132, g 32 -> 130, b 1 -> 8.
    let img = owned(1, 1, PixelFormat::Rgb565, 0, |_, _| {
        ((16u16 << 11) | (32 << 5) | 1).to_le_bytes().to_vec()
    });
    let list = List::default().image(0, rect(0, 0, 1, 1), rect(0, 0, 2, 2), u32::MAX);
    let buf = draw(WHITE, &list, &[img.image()]);
    assert_eq!(at(&buf, 1, 1), [132, 130, 8, 255]);
}

/// Pixel `(x, y)` of a test strip: red = 10 x, green = 10 y (opaque).
fn strip(w: u32, h: u32) -> Owned {
    rgba_image(w, h, |x, y| [(10 * x) as u8, (10 * y) as u8, 0, 255])
}

#[test]
fn twice_the_size_samples_each_pixel_twice() {
    // (2i + 1) * 2 / 8 for i = 0..4: 0, 0, 1, 1.
    let img = strip(2, 2);
    let buf = draw(
        CLEAR,
        &List::default().image(0, rect(0, 0, 2, 2), rect(3, 3, 4, 4), u32::MAX),
        &[img.image()],
    );
    for y in 0..4 {
        for x in 0..4 {
            assert_eq!(
                at(&buf, 3 + x, 3 + y),
                [(10 * (x / 2)) as u8, (10 * (y / 2)) as u8, 0, 255]
            );
        }
    }
    untouched_outside(&buf, CLEAR, |x, y| {
        (3..7).contains(&x) && (3..7).contains(&y)
    });
}

#[test]
fn a_third_of_the_size_samples_the_middle_of_each_three() {
    // (2i + 1) * 9 / 6 for i = 0..3: 1.5, 4.5, 7.5 -> 1, 4, 7.
    let img = strip(9, 9);
    let buf = draw(
        CLEAR,
        &List::default().image(0, rect(0, 0, 9, 9), rect(0, 0, 3, 3), u32::MAX),
        &[img.image()],
    );
    for (i, s) in [1u8, 4, 7].into_iter().enumerate() {
        assert_eq!(at(&buf, i as u32, 0), [10 * s, 10, 0, 255]);
        assert_eq!(at(&buf, 0, i as u32), [10, 10 * s, 0, 255]);
    }
}

#[test]
fn three_to_five_samples_0_0_1_2_2() {
    // (2i + 1) * 3 / 10: 0.3, 0.9, 1.5, 2.1, 2.7.
    let img = strip(3, 1);
    let buf = draw(
        CLEAR,
        &List::default().image(0, rect(0, 0, 3, 1), rect(0, 0, 5, 1), u32::MAX),
        &[img.image()],
    );
    let reds: Vec<u8> = (0..5).map(|x| at(&buf, x, 0)[0]).collect();
    assert_eq!(reds, [0, 0, 10, 20, 20]);
}

#[test]
fn a_clipped_scaled_image_keeps_its_sample_positions() {
    // The same 3 -> 5 stretch with its first two pixels off the left edge and the
    // last clipped away: the visible pixels sample as if drawn whole.
    let img = strip(3, 1);
    let list = List::default().clip(rect(0, 0, 2, 1)).image(
        0,
        rect(0, 0, 3, 1),
        rect(-2, 0, 5, 1),
        u32::MAX,
    );
    let buf = draw(CLEAR, &list, &[img.image()]);
    assert_eq!((at(&buf, 0, 0)[0], at(&buf, 1, 0)[0]), (10, 20));
    untouched_outside(&buf, CLEAR, |x, y| x < 2 && y == 0);
}

#[test]
fn a_source_reaching_outside_the_image_is_transparent_there() {
    // src (-1, 0, 4, 1) on a 3x1 image, unscaled: column 0 samples x = -1 (nothing).
    let img = strip(3, 1);
    let buf = draw(
        WHITE,
        &List::default().image(0, rect(-1, 0, 4, 1), rect(0, 0, 4, 1), u32::MAX),
        &[img.image()],
    );
    assert_eq!(at(&buf, 0, 0), WHITE);
    assert_eq!(at(&buf, 1, 0), [0, 0, 0, 255]);
    assert_eq!(at(&buf, 3, 0), [20, 0, 0, 255]);
}

#[test]
fn unknown_image_ids_draw_nothing_and_the_rest_still_draws() {
    let img = strip(3, 1);
    let list = List::default()
        .image(7, rect(0, 0, 3, 1), rect(0, 0, 3, 1), u32::MAX)
        .glyphs(9, u32::MAX, &[quad(0, 0, 1, 1, 0, 0)])
        .fill(rect(5, 5, 1, 1), px(WHITE));
    let buf = draw(CLEAR, &list, &[img.image()]);
    untouched_outside(&buf, CLEAR, |x, y| x == 5 && y == 5);
    assert_eq!(at(&buf, 5, 5), WHITE);
}

/// The golden scenes: (name, list). `golden.py` draws the same.
fn scenes() -> Vec<(&'static str, List)> {
    let mut out = Vec::new();
    let l = List::default()
        .clear(px([20, 40, 60, 255]))
        .clip(rect(4, -3, 9, 8))
        .clear(px([0, 0, 0, 0]))
        .reset_clip()
        .clip(rect(10, 9, 100, 100))
        .clear(rgba(10, 200, 30, 77));
    out.push(("clear", l));
    let l = List::default()
        .fill(rect(-3, -2, 9, 7), rgba(200, 30, 40, 180))
        .fill(rect(4, 3, 20, 4), rgba(20, 130, 240, 90))
        .fill(rect(1, 8, 3, 3), rgba(255, 255, 255, 255))
        .fill(rect(12, 1, 0, 5), rgba(255, 0, 0, 255))
        .fill(rect(9, 0, 5, 12), rgba(0, 0, 0, 1));
    out.push(("fill_rect", l));
    let l = List::default()
        .image(0, rect(0, 0, 5, 4), rect(-2, 3, 11, 7), u32::MAX)
        .image(
            0,
            rect(1, 1, 3, 3),
            rect(9, 0, 7, 5),
            rgba(255, 128, 64, 200),
        )
        .image(
            0,
            rect(0, 0, 5, 4),
            rect(10, 6, 3, 2),
            rgba(0, 255, 255, 255),
        );
    out.push(("image_rgba", l));
    let l = List::default()
        .image(
            1,
            rect(0, 0, 8, 8),
            rect(0, 0, 16, 12),
            rgba(255, 200, 0, 255),
        )
        .image(
            1,
            rect(2, 1, 5, 6),
            rect(3, 4, 3, 4),
            rgba(10, 20, 250, 128),
        );
    out.push(("image_a8", l));
    let l = List::default()
        .image(2, rect(0, 0, 6, 5), rect(1, 1, 13, 10), u32::MAX)
        .image(
            2,
            rect(0, 0, 6, 5),
            rect(0, 0, 4, 3),
            rgba(255, 255, 255, 100),
        )
        .image(2, rect(-2, -1, 9, 7), rect(12, 7, 4, 5), u32::MAX);
    out.push(("image_rgb565", l));
    let l = List::default()
        .glyphs(
            1,
            rgba(250, 250, 250, 255),
            &[
                quad(0, 0, 3, 5, 1, 1),
                quad(3, 0, 4, 5, 4, 1),
                quad(1, 2, 7, 6, 10, 7),
                quad(0, 0, 8, 8, -4, 8),
            ],
        )
        .glyphs(0, rgba(255, 255, 255, 128), &[quad(0, 0, 5, 4, 12, -1)]);
    out.push(("glyphs", l));
    let l = List::default()
        .clip(rect(2, 2, 8, 6))
        .fill(rect(0, 0, 16, 12), rgba(255, 0, 0, 100))
        .clip(rect(6, 5, 100, 3))
        .image(0, rect(0, 0, 5, 4), rect(0, 0, 16, 12), u32::MAX)
        .reset_clip()
        .fill(rect(0, 10, 16, 2), rgba(0, 255, 0, 60));
    out.push(("clip", l));
    out
}

/// From `golden.py` (run it to regenerate).
const GOLDEN: [(&str, &str); 7] = [
    ("clear", "a67ce55296d1034e5d8d18d177a4d24f"),
    ("fill_rect", "6e67a07f9dccee8f04c9eba3f635aa2f"),
    ("image_rgba", "c0d8a8a7395a587e1fad84c826121cc2"),
    ("image_a8", "675a560e1e09eb9b96625189fce27a9e"),
    ("image_rgb565", "7bf9164d4aa7fd42f9b7135f177275b0"),
    ("glyphs", "fad7ee80b7d08ac3c9dd13860cf93d2a"),
    ("clip", "3568c6f5ba986df6a11a2ef360f39cdb"),
];

#[test]
fn golden_scenes_match_the_independent_model() {
    let owned = images();
    let images: Vec<Image<'_>> = owned.iter().map(Owned::image).collect();
    let mut got = Vec::new();
    for (name, list) in scenes() {
        let buf = draw([30, 30, 30, 255], &list, &images);
        got.push((name, md5_hex(&buf)));
    }
    for (name, hash) in &got {
        println!("{name} {hash}");
    }
    let want: Vec<(&str, String)> = GOLDEN.iter().map(|(n, h)| (*n, h.to_string())).collect();
    assert_eq!(got, want);
}

#[test]
fn rect_edges_do_not_overflow_i32() {
    let r = Rect {
        x: i32::MAX,
        y: i32::MAX,
        w: u32::MAX,
        h: u32::MAX,
    };
    let buf = draw(CLEAR, &List::default().fill(r, px(WHITE)), &[]);
    assert!(buf.iter().all(|&b| b == 0));
}

#[test]
fn the_clip_carries_across_the_lists_of_a_frame() {
    let none: &[Image<'_>] = &[];
    let mut buf = vec![0u8; (W * H * 4) as usize];
    let mut canvas = Canvas::new(&mut buf, W, H, W * 4).unwrap();
    // One canvas for the frame: the first list's clip holds for the second.
    render_list(&mut canvas, &List::default().clip(rect(1, 1, 2, 2)).0, none).unwrap();
    render_list(&mut canvas, &List::default().clear(px(WHITE)).0, none).unwrap();
    // A port that makes a canvas per list carries the clip through clip()/set_clip().
    let clip = canvas.clip();
    let mut canvas = Canvas::new(&mut buf, W, H, W * 4).unwrap();
    canvas.set_clip(&clip);
    render_list(
        &mut canvas,
        &List::default().fill(rect(0, 0, W, H), px([0, 0, 0, 255])).0,
        none,
    )
    .unwrap();
    untouched_outside(&buf, CLEAR, |x, y| {
        (1..3).contains(&x) && (1..3).contains(&y)
    });
    assert_eq!(at(&buf, 2, 2), [0, 0, 0, 255]);
    // An empty clip round-trips as empty.
    let mut canvas = Canvas::new(&mut buf, W, H, W * 4).unwrap();
    render_list(
        &mut canvas,
        &List::default().clip(rect(50, 50, 1, 1)).0,
        none,
    )
    .unwrap();
    let clip = canvas.clip();
    let mut canvas = Canvas::new(&mut buf, W, H, W * 4).unwrap();
    canvas.set_clip(&clip);
    canvas.clear(px(WHITE));
    assert_eq!(at(&buf, 2, 2), [0, 0, 0, 255]);
    assert_eq!(at(&buf, 0, 0), CLEAR);
}

/// Renders `list` into bands of `band` rows (the last one shorter), each on its own
/// band canvas over a buffer of its rows only, filled with `base`; returns the
/// bands' rows one after the other.
fn draw_in_bands(base: Pixel, list: &List, images: &[Image<'_>], band: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut y0 = 0;
    while y0 < H {
        let rows = band.min(H - y0);
        let mut buf: Vec<u8> = base.repeat((W * rows) as usize);
        let mut canvas = Canvas::band(&mut buf, W, H, W * 4, y0, rows).unwrap();
        assert_eq!(canvas.rows(), (y0, rows));
        render_list(&mut canvas, &list.0, images).unwrap();
        out.extend(buf);
        y0 += rows;
    }
    out
}

#[test]
fn every_band_height_gives_the_rows_of_the_whole_render() {
    let owned = images();
    let images: Vec<Image<'_>> = owned.iter().map(Owned::image).collect();
    for (name, list) in scenes() {
        let whole = draw([30, 30, 30, 255], &list, &images);
        for band in [1, 7, 16, H] {
            let banded = draw_in_bands([30, 30, 30, 255], &list, &images, band);
            assert!(banded == whole, "{name} in bands of {band} rows differs");
        }
    }
}

#[test]
fn a_band_reports_only_its_own_pixels() {
    let mut buf = [7u8; (W * 3 * 4) as usize];
    let mut canvas = Canvas::band(&mut buf, W, H, W * 4, 4, 3).unwrap();
    let list = List::default().clear(px(WHITE));
    render_list(&mut canvas, &list.0, &[]).unwrap();
    assert_eq!(canvas.pixel(0, 3), None);
    assert_eq!(canvas.pixel(W - 1, 4), Some(WHITE));
    assert_eq!(canvas.pixel(0, 6), Some(WHITE));
    assert_eq!(canvas.pixel(0, 7), None);
    // The clip is the plane's.
    assert_eq!(canvas.clip(), rect(0, 0, W, H));
    assert!(buf.iter().all(|&b| b == 255));
}
