#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! The display picture: BT.709 conversion of known colours, video scaling, and the
//! graphics plane over the video.

use wasp_raster::{compose, yuv_to_rgb, Canvas, ComposeError, OutputFormat, VideoFrame};

#[test]
fn bt709_limited_range_primaries() {
    // Encoded with K_R = 0.2126, K_B = 0.0722: Y = 16 + 219 Y', Cb/Cr = 128 + 224 x.
    // White (235, 128, 128): 76309 * 219 + 32768 = 16744439, >> 16 = 255.
    assert_eq!(yuv_to_rgb(235, 128, 128), [255, 255, 255]);
    // Black (16, 128, 128): 32768 >> 16 = 0.
    assert_eq!(yuv_to_rgb(16, 128, 128), [0, 0, 0]);
    // Red (63, 102, 240): c = 47, d = -26, e = 112.
    // R = 3586523 + 13158768 + 32768 = 16778059 >> 16 = 256 -> 255;
    // G = 3586523 + 363350 - 3911600 + 32768 = 71041 >> 16 = 1 (Y' rounded to 63);
    // B = 3586523 - 3599388 + 32768 = 19903 >> 16 = 0.
    assert_eq!(yuv_to_rgb(63, 102, 240), [255, 1, 0]);
    // Green (173, 42, 26): c = 157, d = -86, e = -102.
    // R = 11980513 - 11983878 + 32768 = 29403 >> 16 = 0;
    // G = 11980513 + 1201850 + 3562350 + 32768 = 16777481 >> 16 = 255;
    // B = 11980513 - 11905668 + 32768 = 107613 >> 16 = 1.
    assert_eq!(yuv_to_rgb(173, 42, 26), [0, 255, 1]);
    // Blue (32, 240, 118): c = 16, d = 112, e = -10.
    // R = 1220944 - 1174890 + 32768 = 78822 >> 16 = 1;
    // G = 1220944 - 1565200 + 349250 + 32768 = 37762 >> 16 = 0;
    // B = 1220944 + 15505056 + 32768 = 16758768 >> 16 = 255.
    assert_eq!(yuv_to_rgb(32, 240, 118), [1, 0, 255]);
    // Mid grey, Y = 16 + 110: 8393990 + 32768 = 8426758 >> 16 = 128.
    assert_eq!(yuv_to_rgb(126, 128, 128), [128, 128, 128]);
    // Out of the limited range: clamped, never wrapped.
    assert_eq!(yuv_to_rgb(0, 128, 128), [0, 0, 0]);
    assert_eq!(yuv_to_rgb(255, 128, 128), [255, 255, 255]);
    assert_eq!(yuv_to_rgb(0, 0, 0), [0, 77, 0]);
    assert_eq!(yuv_to_rgb(255, 255, 255), [255, 184, 255]);
}

/// An owned I420 frame.
struct Frame {
    y: Vec<u8>,
    u: Vec<u8>,
    v: Vec<u8>,
    width: u32,
    height: u32,
    y_stride: u32,
    uv_stride: u32,
}

impl Frame {
    /// Luma `luma(x, y)`, chroma `chroma(cx, cy)` = (u, v); strides padded by 3.
    fn new(
        width: u32,
        height: u32,
        luma: impl Fn(u32, u32) -> u8,
        chroma: impl Fn(u32, u32) -> (u8, u8),
    ) -> Self {
        let (cw, ch) = (width.div_ceil(2), height.div_ceil(2));
        let (y_stride, uv_stride) = (width + 3, cw + 3);
        let mut f = Frame {
            y: vec![0; (y_stride * height) as usize],
            u: vec![0; (uv_stride * ch) as usize],
            v: vec![0; (uv_stride * ch) as usize],
            width,
            height,
            y_stride,
            uv_stride,
        };
        for y in 0..height {
            for x in 0..width {
                f.y[(y * y_stride + x) as usize] = luma(x, y);
            }
        }
        for y in 0..ch {
            for x in 0..cw {
                let (u, v) = chroma(x, y);
                f.u[(y * uv_stride + x) as usize] = u;
                f.v[(y * uv_stride + x) as usize] = v;
            }
        }
        f
    }

    fn view(&self) -> VideoFrame<'_> {
        VideoFrame {
            y: &self.y,
            u: &self.u,
            v: &self.v,
            width: self.width,
            height: self.height,
            y_stride: self.y_stride,
            uv_stride: self.uv_stride,
        }
    }
}

/// Red, green, blue, white in the four chroma cells of a 4x4 frame (luma per cell).
fn quadrants() -> Frame {
    let cells = [
        [(63, 102, 240), (173, 42, 26)],
        [(32, 240, 118), (235, 128, 128)],
    ];
    Frame::new(
        4,
        4,
        |x, y| cells[(y / 2) as usize][(x / 2) as usize].0,
        |x, y| {
            let c = cells[y as usize][x as usize];
            (c.1, c.2)
        },
    )
}

fn out_px(out: &[u8], w: u32, x: u32, y: u32, bpp: u32) -> &[u8] {
    let i = ((y * w + x) * bpp) as usize;
    &out[i..i + bpp as usize]
}

#[test]
fn video_is_stretched_nearest_neighbour_with_its_chroma() {
    let frame = quadrants();
    let mut plane = vec![0u8; 8 * 8 * 4];
    let canvas = Canvas::new(&mut plane, 8, 8, 32).unwrap();
    let mut out = vec![0u8; 8 * 8 * 3];
    compose(Some(&frame.view()), &canvas, &mut out, OutputFormat::Rgb888).unwrap();
    // 4 -> 8: output pixel X samples luma X / 2 and chroma X / 4.
    let quadrant = [[[255, 1, 0], [0, 255, 1]], [[1, 0, 255], [255, 255, 255]]];
    for y in 0..8 {
        for x in 0..8 {
            assert_eq!(
                out_px(&out, 8, x, y, 3),
                quadrant[(y / 4) as usize][(x / 4) as usize],
                "({x}, {y})"
            );
        }
    }
}

#[test]
fn a_reduced_video_samples_the_centres() {
    // 6x6 -> 2x2: (2i + 1) * 6 / 4 = 1, 4; chroma at half: 0, 2.
    let frame = Frame::new(
        6,
        6,
        |x, y| 16 + (x + 6 * y) as u8 * 5,
        |x, y| (128 + x as u8, 128 + 10 * y as u8),
    );
    let mut plane = vec![0u8; 2 * 2 * 4];
    let canvas = Canvas::new(&mut plane, 2, 2, 8).unwrap();
    let mut out = vec![0u8; 2 * 2 * 4];
    compose(
        Some(&frame.view()),
        &canvas,
        &mut out,
        OutputFormat::Rgba8888,
    )
    .unwrap();
    for (ox, oy, lx, ly) in [(0, 0, 1, 1), (1, 0, 4, 1), (0, 1, 1, 4), (1, 1, 4, 4)] {
        let rgb = yuv_to_rgb(
            16 + (lx + 6 * ly) as u8 * 5,
            128 + (lx / 2) as u8,
            128 + 10 * (ly / 2) as u8,
        );
        assert_eq!(out_px(&out, 2, ox, oy, 4), [rgb[0], rgb[1], rgb[2], 255]);
    }
}

#[test]
fn graphics_blend_over_the_video() {
    let frame = Frame::new(2, 2, |_, _| 126, |_, _| (128, 128)); // grey 128
    let mut plane = vec![0u8; 3 * 4];
    plane[4..8].copy_from_slice(&[0, 0, 255, 255]); // opaque blue
    plane[8..12].copy_from_slice(&[128, 0, 0, 128]); // half red
    let canvas = Canvas::new(&mut plane, 3, 1, 12).unwrap();
    let mut out = vec![0u8; 3 * 4];
    compose(
        Some(&frame.view()),
        &canvas,
        &mut out,
        OutputFormat::Rgba8888,
    )
    .unwrap();
    // Transparent shows the video; opaque hides it; half red: 128 + div255(128 * 127)
    // = 128 + round(63.75) = 192 red, 64 green and blue.
    assert_eq!(out, [128, 128, 128, 255, 0, 0, 255, 255, 192, 64, 64, 255]);
    // Without video the plane is over black.
    compose(None, &canvas, &mut out, OutputFormat::Rgba8888).unwrap();
    assert_eq!(out, [0, 0, 0, 255, 0, 0, 255, 255, 128, 0, 0, 255]);
    let mut rgb = vec![0u8; 9];
    compose(None, &canvas, &mut rgb, OutputFormat::Rgb888).unwrap();
    assert_eq!(rgb, [0, 0, 0, 0, 0, 255, 128, 0, 0]);
}

#[test]
fn odd_sizes_use_the_rounded_up_chroma() {
    // 3x3 luma, 2x2 chroma: the last column and row read chroma 1.
    let frame = Frame::new(
        3,
        3,
        |_, _| 235,
        |x, y| {
            if x == 1 && y == 1 {
                (128, 240)
            } else {
                (128, 128)
            }
        },
    );
    let mut plane = vec![0u8; 3 * 3 * 4];
    let canvas = Canvas::new(&mut plane, 3, 3, 12).unwrap();
    let mut out = vec![0u8; 27];
    compose(Some(&frame.view()), &canvas, &mut out, OutputFormat::Rgb888).unwrap();
    assert_eq!(out_px(&out, 3, 0, 0, 3), [255, 255, 255]);
    assert_eq!(out_px(&out, 3, 2, 2, 3), yuv_to_rgb(235, 128, 240));
    assert_eq!(out_px(&out, 3, 2, 0, 3), [255, 255, 255]);
}

#[test]
fn bad_inputs_write_nothing() {
    let frame = quadrants();
    let mut plane = vec![0u8; 4 * 4 * 4];
    let canvas = Canvas::new(&mut plane, 4, 4, 16).unwrap();
    let mut out = vec![7u8; 4 * 4 * 3 - 1];
    assert_eq!(
        compose(Some(&frame.view()), &canvas, &mut out, OutputFormat::Rgb888),
        Err(ComposeError::OutputTooShort)
    );
    assert!(out.iter().all(|&b| b == 7));
    let mut out = vec![7u8; 4 * 4 * 3];
    let view = frame.view();
    let bad = [
        VideoFrame {
            y: &view.y[..view.y.len() - 4],
            ..view
        },
        VideoFrame {
            u: &view.u[..2],
            ..view
        },
        VideoFrame { v: &[], ..view },
        VideoFrame {
            y_stride: 3,
            ..view
        },
        VideoFrame {
            uv_stride: 1,
            ..view
        },
        VideoFrame {
            width: u32::MAX,
            height: u32::MAX,
            ..view
        },
    ];
    for (n, video) in bad.iter().enumerate() {
        assert_eq!(
            compose(Some(video), &canvas, &mut out, OutputFormat::Rgb888),
            Err(ComposeError::BadVideo),
            "{n}"
        );
        assert!(out.iter().all(|&b| b == 7));
    }
    // A video with no pixels is no video.
    let empty = VideoFrame {
        width: 0,
        height: 0,
        y: &[],
        u: &[],
        v: &[],
        ..view
    };
    assert_eq!(
        compose(Some(&empty), &canvas, &mut out, OutputFormat::Rgb888),
        Ok(())
    );
    assert!(out.iter().all(|&b| b == 0));
}

#[test]
fn video_and_ui_golden() {
    // 4x4 quadrants stretched to 16x12 under a half-transparent bar and an opaque box.
    let frame = quadrants();
    let mut plane = vec![0u8; 16 * 12 * 4];
    {
        let mut canvas = Canvas::new(&mut plane, 16, 12, 64).unwrap();
        canvas.fill_rect(
            &wasp_abi::gfx::Rect {
                x: 0,
                y: 8,
                w: 16,
                h: 4,
            },
            wasp_abi::gfx::rgba(0, 0, 0, 160),
        );
        canvas.fill_rect(
            &wasp_abi::gfx::Rect {
                x: 2,
                y: 9,
                w: 3,
                h: 2,
            },
            wasp_abi::gfx::rgba(250, 250, 250, 255),
        );
    }
    let canvas = Canvas::new(&mut plane, 16, 12, 64).unwrap();
    let mut out = vec![0u8; 16 * 12 * 3];
    compose(Some(&frame.view()), &canvas, &mut out, OutputFormat::Rgb888).unwrap();
    // Under the bar, the blue quadrant: 1 -> 0 + div255(1 * 95) = 0; 255 -> div255(255 * 95) = 95.
    assert_eq!(out_px(&out, 16, 0, 8, 3), [0, 0, 95]);
    assert_eq!(out_px(&out, 16, 3, 10, 3), [250, 250, 250]);
    assert_eq!(out_px(&out, 16, 12, 2, 3), [0, 255, 1]);
    use md5::{Digest, Md5};
    let hash: String = Md5::digest(&out)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hash, GOLDEN);
}

/// md5 of `video_and_ui_golden`'s picture, as `golden.py` (an independent model)
/// computes it.
const GOLDEN: &str = "20b68b03b7d9e63bb8add0ea1c2019d6";
