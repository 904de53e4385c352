//! Arbitrary bytes as a draw list on a small padded canvas with an image of each
//! format (and one inconsistent image): no panic, the same bytes as the naive model
//! of docs/raster.md (`tests/model`), the row padding never written, a list that
//! does not decode draws nothing, and the result composes over video.
#![no_main]

#[path = "../../tests/model/mod.rs"]
mod model;

use libfuzzer_sys::fuzz_target;
use wasp_abi::gfx::{draw_commands, ImageDesc};
use wasp_abi::media::PixelFormat;
use wasp_raster::{compose, render_list, Canvas, Image, OutputFormat, VideoFrame};

const W: u32 = 24;
const H: u32 = 16;
const STRIDE: u32 = W * 4 + 4;
const PAD: u8 = 0x5A;

fn desc(width: u32, height: u32, stride: u32, format: PixelFormat) -> ImageDesc {
    ImageDesc {
        width,
        height,
        stride,
        format,
    }
}

fuzz_target!(|data: &[u8]| {
    let rgba: Vec<u8> = (0..6 * 5 * 4).map(|i| (i * 7) as u8).collect();
    let a8: Vec<u8> = (0..9 * 9).map(|i| (i * 13) as u8).collect();
    let rgb565: Vec<u8> = (0..(5 * 2 + 2) * 4).map(|i| (i * 29) as u8).collect();
    let images = [
        Image {
            desc: desc(6, 5, 24, PixelFormat::Rgba8888Premul),
            pixels: &rgba,
        },
        Image {
            desc: desc(9, 9, 9, PixelFormat::A8),
            pixels: &a8,
        },
        Image {
            desc: desc(5, 4, 12, PixelFormat::Rgb565),
            pixels: &rgb565,
        },
        // Claims more rows than its bytes hold: never drawn.
        Image {
            desc: desc(6, 50, 24, PixelFormat::Rgba8888Premul),
            pixels: &rgba,
        },
    ];
    let mut buf = vec![PAD; (STRIDE * H) as usize];
    let mut canvas = Canvas::new(&mut buf, W, H, STRIDE).expect("a valid canvas");
    let decodes = draw_commands(data).all(|c| c.is_ok());
    let result = render_list(&mut canvas, data, &images);
    assert_eq!(result.is_ok(), decodes);
    let mut want = vec![PAD; (STRIDE * H) as usize];
    assert_eq!(
        model::Plane::new(&mut want, W, H, STRIDE as usize).draw(data, &images),
        decodes
    );
    assert!(canvas.pixels() == want.as_slice(), "differs from the model");

    let y = [100u8; 7 * 5];
    let uv = [128u8; 4 * 3];
    let video = VideoFrame {
        y: &y,
        u: &uv,
        v: &uv,
        width: 7,
        height: 5,
        y_stride: 7,
        uv_stride: 4,
    };
    let mut out = vec![0u8; (W * H * 3) as usize];
    compose(Some(&video), &canvas, &mut out, OutputFormat::Rgb888).expect("sizes fit");

    for row in buf.chunks_exact(STRIDE as usize) {
        assert!(
            row[(W * 4) as usize..].iter().all(|&b| b == PAD),
            "padding written"
        );
        if !decodes {
            assert!(row.iter().all(|&b| b == PAD), "a rejected list drew");
        }
    }
});
