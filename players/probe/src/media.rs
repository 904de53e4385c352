//! Steps of the media path: decoder, media clock, graphics plane.

use wasp_guest::abi::decoder::{
    DecoderConfig, SampleInfo, SampleRange, SAMPLE_END_OF_STREAM, SAMPLE_KEYFRAME,
};
use wasp_guest::abi::gfx::{rgba, GlyphQuad, ImageDesc, Rect};
use wasp_guest::abi::imports::name;
use wasp_guest::abi::media::{Codec, PixelFormat};
use wasp_guest::gfx::{self, DrawList, Image};
use wasp_guest::{media, Decoder, Status};

use crate::{fail, say, Probe, Progress, Step};

/// An `avcC`-like prefix: version 1, High profile, level 3.0.
const AVCC: [u8; 4] = [1, 0x64, 0, 0x1e];

const fn rect(x: i32, y: i32, w: u32, h: u32) -> Rect {
    Rect { x, y, w, h }
}

impl Probe {
    /// `decoder_open`, `decoder_submit`, `decoder_info`, `decoder_flush`,
    /// `decoder_close`.
    pub(crate) fn decoder(&mut self, step: Step) -> Progress {
        let import = step.import();
        if step == Step::DecoderOpen {
            let config = DecoderConfig {
                codec: Codec::H264,
                width: 640,
                height: 360,
                ..DecoderConfig::default()
            };
            match Decoder::open(&config, &AVCC) {
                Ok(decoder) => {
                    say!(
                        import,
                        "{} {}x{}",
                        config.codec,
                        config.width,
                        config.height
                    );
                    self.decoder = Some(decoder);
                }
                Err(status) => fail(import, status),
            }
            return Progress::Next;
        }
        let Some(decoder) = self.decoder.as_ref() else {
            say!(import, "skipped (no decoder)");
            return Progress::Next;
        };
        match step {
            Step::DecoderSubmit => return self.submit(),
            Step::DecoderInfo => match decoder.info() {
                Ok(s) => say!(
                    import,
                    "queued {} decoded {} state {}",
                    s.queued_units,
                    s.decoded,
                    s.state
                ),
                Err(status) => fail(import, status),
            },
            Step::DecoderFlush => match decoder.flush() {
                Ok(()) => say!(import, "ok"),
                Err(status) => fail(import, status),
            },
            Step::DecoderClose => {
                if let Some(decoder) = self.decoder.take() {
                    match decoder.close() {
                        Ok(()) => say!(import, "ok"),
                        Err(status) => fail(import, status),
                    }
                }
            }
            _ => {}
        }
        Progress::Next
    }

    /// Submits the 10 stored bytes as a keyframe, then an end-of-stream sample; waits
    /// while the queue is full.
    fn submit(&mut self) -> Progress {
        let import = name::DECODER_SUBMIT;
        let (Some(decoder), Some(object)) = (self.decoder.as_ref(), self.object.as_ref()) else {
            say!(import, "skipped (no store object)");
            return Progress::Next;
        };
        while self.submitted < 2 {
            let keyframe = self.submitted == 0;
            let ranges = [SampleRange {
                offset: 0,
                object: object.handle(),
                length: 10,
            }];
            let (sample, ranges, what) = if keyframe {
                let sample = SampleInfo {
                    flags: SAMPLE_KEYFRAME,
                    size: 10,
                    ..SampleInfo::default()
                };
                (sample, &ranges[..], "keyframe")
            } else {
                let sample = SampleInfo {
                    flags: SAMPLE_END_OF_STREAM,
                    ..SampleInfo::default()
                };
                (sample, &[][..], "end of stream")
            };
            match decoder.submit(&sample, ranges, None) {
                Ok(()) => say!(import, "{what} ok"),
                Err(Status::WouldBlock) => return Progress::Wait,
                Err(status) => fail(import, status),
            }
            self.submitted += 1;
        }
        Progress::Next
    }

    /// `gfx_image_create`, `gfx_image_update`, `gfx_draw`, `gfx_present`,
    /// `gfx_image_free`.
    pub(crate) fn gfx(&mut self, step: Step) -> Progress {
        let import = step.import();
        match step {
            Step::ImageCreate => {
                let desc = ImageDesc {
                    width: 8,
                    height: 8,
                    stride: 32,
                    format: PixelFormat::Rgba8888Premul,
                };
                let red = rgba(255, 0, 0, 255).to_le_bytes();
                let pixels = red.repeat(8 * 8);
                match Image::create(&desc, &pixels) {
                    Ok(image) => {
                        say!(import, "{}x{} {}", desc.width, desc.height, desc.format);
                        self.image = Some(image);
                    }
                    Err(status) => fail(import, status),
                }
            }
            Step::Present => match gfx::present() {
                Ok(()) => say!(import, "ok"),
                Err(status) => fail(import, status),
            },
            Step::ImageUpdate | Step::Draw | Step::ImageFree => {
                let Some(image) = self.image.as_ref() else {
                    say!(import, "skipped (no image)");
                    return Progress::Next;
                };
                match step {
                    Step::ImageUpdate => {
                        match image.update(&rect(1, 1, 2, 2), &[0xff; 2 * 2 * 4]) {
                            Ok(()) => say!(import, "ok"),
                            Err(status) => fail(import, status),
                        }
                    }
                    Step::Draw => match draw_list(image).draw() {
                        Ok(drawn) => say!(import, "{drawn}"),
                        Err(status) => fail(import, status),
                    },
                    _ => {
                        if let Some(image) = self.image.take() {
                            match image.free() {
                                Ok(()) => say!(import, "ok"),
                                Err(status) => fail(import, status),
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        Progress::Next
    }
}

/// Six commands: clear, a blue rectangle, the image scaled 2x, a clip, two glyphs from
/// the image used as atlas, and the clip's reset.
fn draw_list(image: &Image) -> DrawList {
    let glyphs = [
        GlyphQuad {
            sx: 0,
            sy: 0,
            w: 4,
            h: 4,
            dx: 10,
            dy: 80,
        },
        GlyphQuad {
            sx: 4,
            sy: 4,
            w: 4,
            h: 4,
            dx: 16,
            dy: 80,
        },
    ];
    let mut list = DrawList::new();
    list.clear(0)
        .fill_rect(rect(10, 10, 100, 50), rgba(0, 0, 255, 255))
        .image(image, rect(0, 0, 8, 8), rect(200, 10, 16, 16), 0xFFFF_FFFF)
        .clip(rect(0, 70, 64, 32))
        .glyphs(image, rgba(255, 255, 255, 255), &glyphs)
        .reset_clip();
    list
}

/// `media_clock`, `media_set_rate`, `media_set_position`.
pub(crate) fn clock(step: Step) -> Progress {
    let import = step.import();
    match step {
        Step::MediaClock => match media::clock() {
            Ok(c) => say!(
                import,
                "position {} rate {} running {}",
                c.position_us,
                c.rate_milli,
                c.running
            ),
            Err(status) => fail(import, status),
        },
        Step::MediaSetRate => match media::set_rate(1000) {
            Ok(()) => say!(import, "1000"),
            Err(status) => fail(import, status),
        },
        Step::MediaSetPosition => match media::set_position(0) {
            Ok(()) => say!(import, "0"),
            Err(status) => fail(import, status),
        },
        _ => {}
    }
    Progress::Next
}
