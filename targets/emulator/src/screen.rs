//! The display: the picture on screen and the graphics plane composed into RGB
//! pixels with the reference rasteriser, written as PNG or shown in a window.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use wasp_core::PortId;
use wasp_emulator::{EmulatorPort, ImageRecord};
use wasp_raster::{compose, render_list, Canvas, Image, Images, OutputFormat};

/// The port's images, looked up by id for the rasteriser.
struct PortImages<'a>(&'a BTreeMap<PortId, ImageRecord>);

impl Images for PortImages<'_> {
    fn image(&self, id: u32) -> Option<Image<'_>> {
        self.0.get(&id).map(|r| Image {
            desc: r.desc,
            pixels: &r.pixels,
        })
    }
}

/// A composed display picture: `width x height` pixels, RGB, rows packed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Screen {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// R, G, B bytes.
    pub rgb: Vec<u8>,
}

impl Screen {
    /// What the device's display shows now: the picture on screen scaled to the
    /// display, the last presented graphics frame over it (`wasp_raster::compose`).
    /// `None` for a device without a display.
    pub fn capture(port: &EmulatorPort) -> Option<Self> {
        let (width, height) = (port.profile().display_width, port.profile().display_height);
        let pixels = (width as usize).checked_mul(height as usize)?;
        let mut plane = Self::graphics_plane(port)?;
        let canvas = Canvas::new(&mut plane, width, height, width.checked_mul(4)?).ok()?;
        let video = port.current_video_frame();
        let planes = video.as_ref().map(|v| wasp_raster::VideoFrame {
            y: &v.y,
            u: &v.u,
            v: &v.v,
            width: v.width,
            height: v.height,
            y_stride: v.strides[0],
            uv_stride: v.strides[1],
        });
        let mut rgb = vec![0u8; pixels.checked_mul(3)?];
        compose(planes.as_ref(), &canvas, &mut rgb, OutputFormat::Rgb888).ok()?;
        Some(Self { width, height, rgb })
    }

    /// The graphics plane as the module last presented it: RGBA premultiplied,
    /// rows packed. `None` for a device without a display.
    pub fn graphics_plane(port: &EmulatorPort) -> Option<Vec<u8>> {
        let (width, height) = (port.profile().display_width, port.profile().display_height);
        let pixels = (width as usize).checked_mul(height as usize)?;
        if pixels == 0 {
            return None;
        }
        let mut plane = vec![0u8; pixels.checked_mul(4)?];
        let mut canvas = Canvas::new(&mut plane, width, height, width.checked_mul(4)?).ok()?;
        if let Some(frame) = port.graphics_frames().last() {
            let images = PortImages(port.images());
            for list in &frame.lists {
                // A list the runtime accepted renders; a malformed one draws nothing.
                let _ = render_list(&mut canvas, list, &images);
            }
        }
        Some(plane)
    }

    /// The md5 of [`Screen::graphics_plane`], hex.
    pub fn graphics_md5(port: &EmulatorPort) -> Option<String> {
        use md5::{Digest, Md5};
        let plane = Self::graphics_plane(port)?;
        Some(
            Md5::digest(&plane)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        )
    }

    /// The pictures side by side, `columns` to a row, each scaled (nearest
    /// neighbour) to `tile_width` pixels wide, with a 4-pixel dark gutter: the
    /// run's contact sheet. `None` when there is no picture.
    pub fn contact_sheet(screens: &[Screen], columns: usize, tile_width: u32) -> Option<Self> {
        const GUTTER: u32 = 4;
        let first = screens.first()?;
        let tile_w = tile_width.max(1);
        let tile_h = u32::try_from(
            u64::from(first.height) * u64::from(tile_w) / u64::from(first.width.max(1)),
        )
        .ok()?
        .max(1);
        let columns = columns.clamp(1, screens.len());
        let rows = screens.len().div_ceil(columns);
        let width = GUTTER + (tile_w + GUTTER) * u32::try_from(columns).ok()?;
        let height = GUTTER + (tile_h + GUTTER) * u32::try_from(rows).ok()?;
        let mut rgb = vec![
            24u8;
            (width as usize)
                .checked_mul(height as usize)?
                .checked_mul(3)?
        ];
        for (i, screen) in screens.iter().enumerate() {
            let (col, row) = ((i % columns) as u32, (i / columns) as u32);
            let (x0, y0) = (
                GUTTER + col * (tile_w + GUTTER),
                GUTTER + row * (tile_h + GUTTER),
            );
            for y in 0..tile_h {
                let sy = u64::from(y) * u64::from(screen.height) / u64::from(tile_h);
                for x in 0..tile_w {
                    let sx = u64::from(x) * u64::from(screen.width) / u64::from(tile_w);
                    let src = ((sy * u64::from(screen.width) + sx) * 3) as usize;
                    let dst = (((y0 + y) as usize) * width as usize + (x0 + x) as usize) * 3;
                    if let (Some(s), Some(d)) =
                        (screen.rgb.get(src..src + 3), rgb.get_mut(dst..dst + 3))
                    {
                        d.copy_from_slice(s);
                    }
                }
            }
        }
        Some(Self { width, height, rgb })
    }

    /// Writes the picture as an 8-bit RGB PNG.
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn write_png(&self, path: &Path) -> io::Result<()> {
        let file = std::io::BufWriter::new(std::fs::File::create(path)?);
        let mut encoder = png::Encoder::new(file, self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(io::Error::other)?;
        writer
            .write_image_data(&self.rgb)
            .map_err(io::Error::other)?;
        writer.finish().map_err(io::Error::other)
    }

    /// Reads an 8-bit RGB or RGBA PNG (alpha dropped).
    ///
    /// # Errors
    /// The file cannot be read or is not such a PNG.
    pub fn read_png(path: &Path) -> io::Result<Self> {
        let file = std::io::BufReader::new(std::fs::File::open(path)?);
        let mut reader = png::Decoder::new(file)
            .read_info()
            .map_err(io::Error::other)?;
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| io::Error::other("PNG too large"))?;
        let mut buf = vec![0u8; size];
        let info = reader.next_frame(&mut buf).map_err(io::Error::other)?;
        let data = buf.get(..info.buffer_size()).unwrap_or_default();
        let rgb = match (info.color_type, info.bit_depth) {
            (png::ColorType::Rgb, png::BitDepth::Eight) => data.to_vec(),
            (png::ColorType::Rgba, png::BitDepth::Eight) => data
                .chunks_exact(4)
                .flat_map(|p| p.iter().take(3).copied())
                .collect(),
            _ => return Err(io::Error::other("not an 8-bit RGB(A) PNG")),
        };
        Ok(Self {
            width: info.width,
            height: info.height,
            rgb,
        })
    }

    /// Mean absolute difference per channel (R, G, B) from `other`, in 0..=255;
    /// `None` when the sizes differ.
    pub fn mean_abs_diff(&self, other: &Screen) -> Option<[f64; 3]> {
        if (self.width, self.height) != (other.width, other.height)
            || self.rgb.len() != other.rgb.len()
        {
            return None;
        }
        let mut sums = [0u64; 3];
        for (i, (a, b)) in self.rgb.iter().zip(&other.rgb).enumerate() {
            if let Some(s) = sums.get_mut(i % 3) {
                *s += u64::from(a.abs_diff(*b));
            }
        }
        let n = (self.rgb.len() / 3).max(1) as f64;
        Some(sums.map(|s| s as f64 / n))
    }
}
