//! A 1080p UI frame through the reference rasteriser, and the display composition.
//!
//! * `render/clear_1080p`: one `Clear` of the whole plane (the floor of any frame).
//! * `render/frame_1080p`: `Clear`, 10 RGBA images (256x144 posters drawn at
//!   384x216, nearest-neighbour 1.5x), then one glyph run of 200 A8 quads (16x24
//!   cells) in a translucent white: a typical browse screen.
//! * `compose/i420_1080p`: a 1920x1080 I420 frame under that plane to RGB888.
//!
//! `cargo bench -p wasp-raster`; figures in `docs/raster.md` ("Performance").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // bench setup, not an input path

use criterion::{black_box, criterion_main, Criterion};
use wasp_abi::gfx::{op, rgba, Clear, DrawImage, GlyphQuad, Glyphs, ImageDesc, Rect};
use wasp_abi::media::PixelFormat;
use wasp_abi::wire::put_record;
use wasp_raster::{compose, render_list, Canvas, Image, OutputFormat, VideoFrame};

const W: u32 = 1920;
const H: u32 = 1080;

fn record(list: &mut Vec<u8>, kind: u16, payload: &[u8]) {
    let mut pos = list.len();
    list.resize(pos + 4 + payload.len(), 0);
    assert!(put_record(list, &mut pos, kind, payload));
}

/// The frame's draw list: images 0..10 are posters, image 10 the glyph atlas.
fn frame_list() -> Vec<u8> {
    let mut list = Vec::new();
    record(
        &mut list,
        op::CLEAR,
        &Clear {
            color: rgba(16, 16, 24, 255),
        }
        .to_bytes(),
    );
    for i in 0..10u32 {
        let draw = DrawImage {
            src: Rect {
                x: 0,
                y: 0,
                w: 256,
                h: 144,
            },
            dst: Rect {
                x: 60 + (i % 5) as i32 * 370,
                y: 200 + (i / 5) as i32 * 300,
                w: 384,
                h: 216,
            },
            image: i,
            tint: u32::MAX,
        };
        record(&mut list, op::IMAGE, &draw.to_bytes());
    }
    let mut glyphs = Glyphs {
        image: 10,
        color: rgba(255, 255, 255, 230),
    }
    .to_bytes()
    .to_vec();
    for g in 0..200u32 {
        let quad = GlyphQuad {
            sx: ((g % 16) * 16) as u16,
            sy: ((g / 16 % 10) * 24) as u16,
            w: 16,
            h: 24,
            dx: 60 + (g % 100) as i32 * 17,
            dy: 860 + (g / 100) as i32 * 40,
        };
        glyphs.extend_from_slice(&quad.to_bytes());
    }
    record(&mut list, op::GLYPHS, &glyphs);
    list
}

fn images() -> Vec<(ImageDesc, Vec<u8>)> {
    let mut out: Vec<(ImageDesc, Vec<u8>)> = (0..10u32)
        .map(|i| {
            let desc = ImageDesc {
                width: 256,
                height: 144,
                stride: 1024,
                format: PixelFormat::Rgba8888Premul,
            };
            let pixels = (0..1024 * 144u32)
                .map(|b| {
                    if b % 4 == 3 {
                        255
                    } else {
                        (b * 7 + i * 31) as u8
                    }
                })
                .collect();
            (desc, pixels)
        })
        .collect();
    let atlas = ImageDesc {
        width: 256,
        height: 240,
        stride: 256,
        format: PixelFormat::A8,
    };
    out.push((
        atlas,
        (0..256 * 240u32).map(|b| ((b * 13) % 256) as u8).collect(),
    ));
    out
}

fn render(c: &mut Criterion) {
    let owned = images();
    let images: Vec<Image<'_>> = owned
        .iter()
        .map(|(desc, pixels)| Image {
            desc: *desc,
            pixels,
        })
        .collect();
    let list = frame_list();
    let mut clear = Vec::new();
    record(&mut clear, op::CLEAR, &Clear { color: 0 }.to_bytes());
    let mut plane = vec![0u8; (W * H * 4) as usize];
    let mut group = c.benchmark_group("render");
    group.bench_function("clear_1080p", |b| {
        b.iter(|| {
            let mut canvas = Canvas::new(&mut plane, W, H, W * 4).unwrap();
            render_list(&mut canvas, black_box(&clear), images.as_slice()).unwrap()
        })
    });
    group.bench_function("frame_1080p", |b| {
        b.iter(|| {
            let mut canvas = Canvas::new(&mut plane, W, H, W * 4).unwrap();
            render_list(&mut canvas, black_box(&list), images.as_slice()).unwrap()
        })
    });
    group.finish();
}

fn composition(c: &mut Criterion) {
    let owned = images();
    let images: Vec<Image<'_>> = owned
        .iter()
        .map(|(desc, pixels)| Image {
            desc: *desc,
            pixels,
        })
        .collect();
    let mut plane = vec![0u8; (W * H * 4) as usize];
    let mut canvas = Canvas::new(&mut plane, W, H, W * 4).unwrap();
    render_list(&mut canvas, &frame_list(), images.as_slice()).unwrap();
    // The clear left the plane opaque: make its top half transparent so video shows.
    canvas.set_clip(&Rect {
        x: 0,
        y: 0,
        w: W,
        h: H / 2,
    });
    canvas.clear(0);
    let y: Vec<u8> = (0..W * H).map(|i| (16 + i % 219) as u8).collect();
    let u: Vec<u8> = (0..W * H / 4).map(|i| (i % 256) as u8).collect();
    let v: Vec<u8> = u.iter().rev().copied().collect();
    let video = VideoFrame {
        y: &y,
        u: &u,
        v: &v,
        width: W,
        height: H,
        y_stride: W,
        uv_stride: W / 2,
    };
    let mut out = vec![0u8; (W * H * 3) as usize];
    c.bench_function("compose/i420_1080p", |b| {
        b.iter(|| {
            compose(
                Some(black_box(&video)),
                &canvas,
                &mut out,
                OutputFormat::Rgb888,
            )
            .unwrap()
        })
    });
}

#[allow(missing_docs)] // `criterion_group!` makes an undocumented `pub fn`
mod group {
    use super::{composition, render};
    criterion::criterion_group!(benches, render, composition);
}
criterion_main!(group::benches);
