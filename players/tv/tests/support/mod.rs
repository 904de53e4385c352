//! A native stand-in for the port's graphics plane: the UI's atlases are kept here
//! and its draw lists rendered with the reference rasteriser (`wasp-raster`), so the
//! UI's pixels are tested without a runtime.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;

use wasp_guest::abi::gfx::ImageDesc;
use wasp_guest::abi::player::{PlayerState, StateReason};
use wasp_guest::gfx::{DrawList, Image};
use wasp_tv::ui::metrics::Metrics;
use wasp_tv::ui::strings::Strings;
use wasp_tv::ui::text::Text;
use wasp_tv::ui::Ui;
use wasp_tv::view::View;

/// Uploaded images by handle.
#[derive(Default)]
pub struct Images(BTreeMap<u32, (ImageDesc, Vec<u8>)>);

impl wasp_raster::Images for Images {
    fn image(&self, id: u32) -> Option<wasp_raster::Image<'_>> {
        self.0.get(&id).map(|(desc, pixels)| wasp_raster::Image {
            desc: *desc,
            pixels,
        })
    }
}

/// A UI on a `width x height` display and the plane it draws on.
pub struct Screen {
    pub ui: Ui,
    pub images: Rc<RefCell<Images>>,
    pub metrics: Metrics,
    pub plane: Vec<u8>,
}

impl Screen {
    pub fn new(width: u32, height: u32) -> Self {
        Self::with_strings(width, height, Strings::default())
    }

    pub fn with_strings(width: u32, height: u32, strings: Strings) -> Self {
        let metrics = Metrics::of_size(width, height);
        let images = Rc::new(RefCell::new(Images::default()));
        let store = images.clone();
        let mut next = 1;
        let mut upload = |desc: &ImageDesc, pixels: &[u8]| {
            store.borrow_mut().0.insert(next, (*desc, pixels.to_vec()));
            next += 1;
            Ok(Image::from_handle(next - 1))
        };
        let text = Text::new(&metrics, &mut upload).expect("atlases");
        let ui = Ui::new(metrics, text, strings, "Big Buck Bunny".into(), true);
        Screen {
            ui,
            images,
            metrics,
            plane: vec![0; (width * height * 4) as usize],
        }
    }

    /// Builds a frame; when it changed, renders it onto the plane and returns true.
    pub fn frame(&mut self, now_us: i64, view: &View) -> bool {
        let Some(list) = self.ui.frame(now_us, view) else {
            return false;
        };
        let list: DrawList = list.clone();
        self.render(&list);
        true
    }

    fn render(&mut self, list: &DrawList) {
        let (w, h) = (self.metrics.width, self.metrics.height);
        let mut canvas = wasp_raster::Canvas::new(&mut self.plane, w, h, w * 4).unwrap();
        let n =
            wasp_raster::render_list(&mut canvas, list.as_bytes(), &*self.images.borrow()).unwrap();
        assert_eq!(n, list.len(), "every command decodes");
    }

    /// The bounding box of the drawn (non-transparent) pixels: (x0, y0, x1, y1).
    pub fn drawn_box(&self) -> Option<(u32, u32, u32, u32)> {
        let w = self.metrics.width;
        let mut b: Option<(u32, u32, u32, u32)> = None;
        for (i, px) in self.plane.chunks_exact(4).enumerate() {
            if px[3] != 0 {
                let (x, y) = (i as u32 % w, i as u32 / w);
                b = Some(match b {
                    None => (x, y, x + 1, y + 1),
                    Some((a, c, d, e)) => (a.min(x), c.min(y), d.max(x + 1), e.max(y + 1)),
                });
            }
        }
        b
    }

    /// Non-transparent pixels inside a rectangle.
    pub fn drawn_in(&self, x0: u32, y0: u32, x1: u32, y1: u32) -> usize {
        let w = self.metrics.width;
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| self.plane[((y * w + x) * 4 + 3) as usize] != 0)
            .count()
    }

    /// FNV-1a 64 of the plane.
    pub fn hash(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in &self.plane {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    }

    /// Writes the plane over a grey checkerboard as a PNG under `target/ui/`, for
    /// looking at.
    pub fn save(&self, name: &str) -> PathBuf {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/ui");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        let (w, h) = (self.metrics.width, self.metrics.height);
        let mut rgb = Vec::with_capacity((w * h * 3) as usize);
        for (i, px) in self.plane.chunks_exact(4).enumerate() {
            let (x, y) = (i as u32 % w, i as u32 / w);
            let bg: u32 = if (x / 16 + y / 16) % 2 == 0 { 90 } else { 60 };
            for c in 0..3 {
                let v = u32::from(px[c]) + bg * (255 - u32::from(px[3])) / 255;
                rgb.push(v.min(255) as u8);
            }
        }
        let file = std::fs::File::create(&path).unwrap();
        let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.write_header().unwrap().write_image_data(&rgb).unwrap();
        path
    }
}

/// A VOD presentation playing.
pub fn playing(position_s: i64, duration_s: i64) -> View {
    let mut v = View::idle();
    v.state = PlayerState::Playing;
    v.reason = StateReason::None;
    v.position_us = position_s * 1_000_000;
    v.duration_us = duration_s * 1_000_000;
    v.buffered_us = 12_000_000;
    v.audio = vec![
        ("English".into(), "en".into()),
        ("Français".into(), "fr".into()),
    ];
    v.subtitles = vec![
        ("English".into(), "en".into()),
        ("Deutsch".into(), "de".into()),
    ];
    v.variants = vec![
        (800_000, 640, 360),
        (2_500_000, 1280, 720),
        (5_000_000, 1920, 1080),
    ];
    v
}
