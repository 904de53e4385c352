//! The graphics plane sent to an RGB565 panel a stripe of rows at a time.
//!
//! The plane is RGBA8888 with premultiplied alpha (`wasp-raster`). A panel without a
//! video plane under it shows the graphics over black, and a premultiplied colour over
//! black is its colour channels as they are (`docs/raster.md`, composition), so each
//! pixel only needs narrowing to RGB565: every channel rounded to the nearest level
//! of 5 or 6 bits, sent high byte first (ST7789V datasheet 8.8.42, 65K colours).

use embedded_hal::digital::OutputPin;
use embedded_hal::spi::SpiDevice;
use wasp_raster::{render_list, Canvas, Images};

use crate::st7789::{Error, St7789};

/// One premultiplied RGBA8888 pixel as RGB565, high byte first.
pub fn rgb565(rgba: [u8; 4]) -> [u8; 2] {
    let [r, g, b, _] = rgba.map(u32::from);
    let narrow = |value: u32, max: u32| (value * max + 127) / 255;
    let pixel = (narrow(r, 31) << 11) | (narrow(g, 63) << 5) | narrow(b, 31);
    // At most 0xFFFF: 31 << 11 | 63 << 5 | 31.
    (pixel as u16).to_be_bytes()
}

/// Narrows RGBA8888 pixels into RGB565 ones; stops at the shorter of the two.
pub fn narrow_row(rgba: &[u8], out: &mut [u8]) {
    for (pixel, target) in rgba.chunks_exact(4).zip(out.chunks_exact_mut(2)) {
        let mut p = [0u8; 4];
        p.copy_from_slice(pixel);
        target.copy_from_slice(&rgb565(p));
    }
}

/// Sends a whole frame in stripes of `rgba.len() / (width * 4)` rows: `render` fills
/// the RGBA rows of each stripe (first row, row count, pixels), which are narrowed into
/// `out` and written to the panel. RAM needed: one stripe in RGBA and one in RGB565
/// (240 x 16 rows: 15 KiB + 7.5 KiB) instead of a 115 KiB frame.
///
/// # Errors
/// [`Error::Bounds`] when `rgba` holds no full row or `out` is smaller than its
/// RGB565 counterpart; the panel's errors otherwise. The frame stops at the first.
pub fn write_frame<SPI: SpiDevice, DC: OutputPin>(
    panel: &mut St7789<SPI, DC>,
    rgba: &mut [u8],
    out: &mut [u8],
    mut render: impl FnMut(u16, u16, &mut [u8]),
) -> Result<(), Error<SPI::Error, DC::Error>> {
    let (width, height) = panel.size();
    let row_bytes = usize::from(width) * 4;
    let rows = u16::try_from(rgba.len() / row_bytes.max(1)).unwrap_or(u16::MAX);
    if rows == 0 || width == 0 || out.len() * 2 < usize::from(rows) * row_bytes {
        return Err(Error::Bounds);
    }
    let mut y = 0;
    while y < height {
        let n = rows.min(height - y);
        let pixels = usize::from(n) * usize::from(width);
        let (Some(stripe), Some(narrow)) = (rgba.get_mut(..pixels * 4), out.get_mut(..pixels * 2))
        else {
            return Err(Error::Bounds);
        };
        render(y, n, stripe);
        narrow_row(stripe, narrow);
        panel.write_stripe(y, n, narrow)?;
        y += n;
    }
    Ok(())
}

/// Sends a frame drawn by `lists` (the frame's draw lists, in order, as `gfx_draw`
/// received them) in stripes: each stripe starts transparent black (a fresh plane) and
/// every list is rendered into it on a band canvas ([`Canvas::band`]), which gives the
/// stripe exactly the rows a whole-plane render would. A list that does not decode
/// draws nothing, as `gfx_draw` would have refused it. Buffers as [`write_frame`].
///
/// # Errors
/// As [`write_frame`].
pub fn write_lists<SPI: SpiDevice, DC: OutputPin, I: Images + ?Sized>(
    panel: &mut St7789<SPI, DC>,
    rgba: &mut [u8],
    out: &mut [u8],
    lists: &[&[u8]],
    images: &I,
) -> Result<(), Error<SPI::Error, DC::Error>> {
    let (width, height) = panel.size();
    let (width, height) = (u32::from(width), u32::from(height));
    write_frame(panel, rgba, out, |y, rows, pixels| {
        pixels.fill(0);
        // write_frame hands out rows * width * 4 bytes inside the panel: the band fits.
        if let Ok(mut canvas) =
            Canvas::band(pixels, width, height, width * 4, y.into(), rows.into())
        {
            for list in lists {
                let _ = render_list(&mut canvas, list, images);
            }
        }
    })
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use embedded_hal_mock::eh1::digital::{Mock as PinMock, State, Transaction as Pin};
    use embedded_hal_mock::eh1::spi::{Mock as SpiMock, Transaction as Spi};
    use std::vec;
    use std::vec::Vec;

    #[test]
    fn primaries_white_and_black_map_to_the_565_extremes() {
        assert_eq!(rgb565([255, 0, 0, 255]), [0xF8, 0x00]);
        assert_eq!(rgb565([0, 255, 0, 255]), [0x07, 0xE0]);
        assert_eq!(rgb565([0, 0, 255, 255]), [0x00, 0x1F]);
        assert_eq!(rgb565([255, 255, 255, 255]), [0xFF, 0xFF]);
        assert_eq!(rgb565([0, 0, 0, 0]), [0x00, 0x00]);
    }

    #[test]
    fn channels_round_to_the_nearest_level() {
        // 128 * 31 / 255 = 15.56 -> 16; 128 * 63 / 255 = 31.62 -> 32.
        assert_eq!(rgb565([128, 128, 128, 255]), [0x84, 0x10]);
        // 4 * 31 / 255 = 0.49 -> 0; 5 * 31 / 255 = 0.61 -> 1.
        assert_eq!(rgb565([4, 0, 5, 255]), [0x00, 0x01]);
    }

    /// The SPI and D/CX transactions of one stripe of a `width`-wide panel.
    fn stripe(width: u16, y0: u16, y1: u16, pixels: Vec<u8>) -> (Vec<Spi<u8>>, Vec<Pin>) {
        let [x1h, x1l] = (width - 1).to_be_bytes();
        let mut spi = Vec::new();
        for (command, params) in [
            (0x2A, vec![0, 0, x1h, x1l]),
            (0x2B, [y0.to_be_bytes(), y1.to_be_bytes()].concat()),
            (0x2C, pixels),
        ] {
            spi.extend([
                Spi::transaction_start(),
                Spi::write_vec(vec![command]),
                Spi::transaction_end(),
                Spi::transaction_start(),
                Spi::write_vec(params),
                Spi::transaction_end(),
            ]);
        }
        let dc = (0..3)
            .flat_map(|_| [Pin::set(State::Low), Pin::set(State::High)])
            .collect();
        (spi, dc)
    }

    #[test]
    fn a_frame_goes_out_in_stripes_with_a_short_last_one() {
        // A 2x5 panel in stripes of 2 rows: rows 0-1, 2-3, then 4 alone. Each row is
        // rendered in the colour of its index (red 0, 1, ... in 8-bit steps of 8).
        let mut spi = Vec::new();
        let mut dc = Vec::new();
        for (y0, y1) in [(0u16, 1u16), (2, 3), (4, 4)] {
            let pixels = (y0..=y1)
                .flat_map(|y| rgb565([(y * 8) as u8, 0, 0, 255]).repeat(2))
                .collect();
            let (s, d) = stripe(2, y0, y1, pixels);
            spi.extend(s);
            dc.extend(d);
        }
        let mut panel = St7789::new(SpiMock::new(&spi), PinMock::new(&dc), 2, 5, 0, 0);
        let mut rgba = [0u8; 2 * 2 * 4];
        let mut out = [0u8; 2 * 2 * 2];
        let mut calls = Vec::new();
        let sent = write_frame(&mut panel, &mut rgba, &mut out, |y, rows, pixels| {
            calls.push((y, rows));
            for (i, pixel) in pixels.chunks_exact_mut(4).enumerate() {
                let row = y + (i / 2) as u16;
                pixel.copy_from_slice(&[(row * 8) as u8, 0, 0, 255]);
            }
        });
        assert_eq!(sent, Ok(()));
        assert_eq!(calls, [(0, 2), (2, 2), (4, 1)]);
        let (mut spi, mut dc) = panel.release();
        spi.done();
        dc.done();
    }

    #[test]
    fn draw_lists_go_out_stripe_by_stripe_as_the_whole_render() {
        use wasp_abi::gfx::{op, rgba, Clear, FillRect, Rect};
        use wasp_abi::wire::put_record;
        let mut list = vec![0u8; 4 + 4 + 4 + 20];
        let mut pos = 0;
        let clear = Clear {
            color: rgba(200, 0, 0, 255),
        };
        let fill = FillRect {
            rect: Rect {
                x: 1,
                y: 1,
                w: 1,
                h: 3,
            },
            color: rgba(0, 0, 100, 128),
        };
        assert!(put_record(
            &mut list,
            &mut pos,
            op::CLEAR,
            &clear.to_bytes()
        ));
        assert!(put_record(
            &mut list,
            &mut pos,
            op::FILL_RECT,
            &fill.to_bytes()
        ));
        let images: [wasp_raster::Image<'_>; 0] = [];
        // The oracle: the whole 2x5 plane rendered at once, narrowed.
        let mut whole = [0u8; 2 * 5 * 4];
        let mut canvas = Canvas::new(&mut whole, 2, 5, 8).unwrap();
        render_list(&mut canvas, &list, &images).unwrap();
        let mut spi = Vec::new();
        let mut dc = Vec::new();
        for (y0, y1) in [(0u16, 1u16), (2, 3), (4, 4)] {
            let rows = &whole[usize::from(y0) * 8..(usize::from(y1) + 1) * 8];
            let mut pixels = vec![0u8; rows.len() / 2];
            narrow_row(rows, &mut pixels);
            let (s, d) = stripe(2, y0, y1, pixels);
            spi.extend(s);
            dc.extend(d);
        }
        let mut panel = St7789::new(SpiMock::new(&spi), PinMock::new(&dc), 2, 5, 0, 0);
        let (mut rgba, mut out) = ([9u8; 2 * 2 * 4], [0u8; 2 * 2 * 2]);
        let sent = write_lists(&mut panel, &mut rgba, &mut out, &[&list], &images[..]);
        assert_eq!(sent, Ok(()));
        let (mut spi, mut dc) = panel.release();
        spi.done();
        dc.done();
    }

    #[test]
    fn buffers_too_small_for_a_row_send_nothing() {
        let mut panel = St7789::new(SpiMock::new(&[]), PinMock::new(&[]), 4, 4, 0, 0);
        let mut out = [0u8; 8];
        let render = |_: u16, _: u16, _: &mut [u8]| {};
        assert_eq!(
            write_frame(&mut panel, &mut [0u8; 15], &mut out, render),
            Err(Error::Bounds)
        );
        assert_eq!(
            write_frame(&mut panel, &mut [0u8; 16], &mut out[..7], render),
            Err(Error::Bounds)
        );
        let (mut spi, mut dc) = panel.release();
        spi.done();
        dc.done();
    }
}
