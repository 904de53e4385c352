//! Synthetic HLS content that the engine parses: CMAF fMP4 streams in memory.
//!
//! [`HlsVod`] describes a stream: a ladder of H.264 variants (`bitrate, width,
//! height`), a segment duration, a total duration, a frame rate, and optional AAC-LC
//! audio (48 kHz stereo, 1024-sample frames), either as its own rendition
//! (`EXT-X-MEDIA TYPE=AUDIO` with its own playlist, RFC 8216 §4.3.4.1) or muxed into
//! the video segments. [`HlsLive`] serves the same stream live, with a sliding window.
//!
//! What is real: the playlists; the init segments (`ftyp`, `moov` with `avc1`+`avcC`
//! or `mp4a`+`esds`, empty sample tables, `mvex`/`trex`); the media segments (`styp`,
//! `moof` with `mfhd`, `tfhd`, `tfdt`, `trun` per-sample durations, sizes and flags,
//! then `mdat`); the SPS/PPS of each variant ([`avc`]: its size and level) and so the
//! RFC 6381 `CODECS`. What is synthetic: the sample payloads, a 4-byte length then
//! one NAL unit of filler (an IDR slice, type 5, for each segment's first frame).
//!
//! Sizes: each video segment is `bitrate × duration / 8` bytes to the byte (rounded),
//! or exactly the size given per segment ([`HlsVod::segment_sizes`], e.g. the
//! canonical chunk table of the ABR literature, [`chunk_table`]); a muxed segment's
//! size includes its audio; an audio segment carries `audio_bitrate × duration / 8`
//! bytes of frames. The `BANDWIDTH` of a variant is its peak segment bitrate (plus
//! the audio rendition's), `AVERAGE-BANDWIDTH` its mean.
//!
//! Memory: a media segment is served as a [`BodySource`](crate::net::BodySource) that
//! keeps only its header and sample table (about 16 bytes per sample) and produces
//! payload bytes when they are read, so ten minutes of five variants hold a few
//! megabytes whatever their bitrates.
//!
//! URLs under a base: `master.m3u8`, `v{i}/index.m3u8`, `v{i}/init.mp4`,
//! `v{i}/{n}.m4s`, and `audio/...` for the audio rendition.

pub mod avc;
mod live;
pub mod mp4;
mod playlist;
mod table;

use std::fmt;
use std::sync::Arc;

use crate::net::Resource;
use crate::TestPort;

pub use live::HlsLive;
use mp4::{
    Run, Segment, TrackConfig, AAC_FRAME, AUDIO_RATE, AUDIO_TRACK, VIDEO_TIMESCALE, VIDEO_TRACK,
};
pub use table::chunk_table;

/// How the stream carries audio.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audio {
    /// Video only.
    None,
    /// An AAC rendition with its own playlist and segments.
    Rendition,
    /// AAC in the video segments (a second track).
    Muxed,
}

/// Why content could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContentError {
    /// The description is impossible; the message says why.
    Invalid(String),
    /// A segment size is too small for its samples' headers.
    TooSmall {
        /// The variant.
        variant: usize,
        /// The segment.
        segment: u64,
        /// The size asked for.
        size: u64,
    },
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContentError::Invalid(m) => write!(f, "invalid content: {m}"),
            ContentError::TooSmall {
                variant,
                segment,
                size,
            } => write!(
                f,
                "segment {segment} of variant {variant}: {size} bytes cannot hold its samples"
            ),
        }
    }
}

impl std::error::Error for ContentError {}

fn invalid(message: impl Into<String>) -> ContentError {
    ContentError::Invalid(message.into())
}

/// One rung of the ladder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rung {
    /// Bits per second of its segments.
    pub bitrate_bps: u64,
    /// Width in pixels (even).
    pub width: u32,
    /// Height in pixels (even).
    pub height: u32,
}

/// The ladder of a typical TV service, `(bits/s, width, height)`: 0.4, 1, 2, 3.5 and
/// 6 Mbit/s, 234p to 1080p. The simulator's sessions, its scenarios and the TV
/// module's memory and CPU measurements all play it.
pub const TV_LADDER: &[(u64, u32, u32)] = &[
    (400_000, 416, 234),
    (1_000_000, 640, 360),
    (2_000_000, 960, 540),
    (3_500_000, 1280, 720),
    (6_000_000, 1920, 1080),
];

/// Most frames in one segment.
const MAX_SEGMENT_FRAMES: u64 = 1 << 16;
/// Longest stream (twelve days; live streams use this).
const MAX_DURATION_US: i64 = 1 << 40;
/// Largest segment: `mdat` sizes are 32-bit here.
const MAX_SEGMENT_BYTES: u64 = u32::MAX as u64 - 1024;

/// Smallest payload of one sample: a 4-byte length, a NAL header, filler.
const MIN_SAMPLE: u64 = 8;
/// A keyframe weighs this many inter frames when a segment's bytes are shared out.
const KEYFRAME_WEIGHT: u64 = 8;

/// A video-on-demand HLS stream (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HlsVod {
    /// The ladder.
    pub variants: Vec<Rung>,
    /// Nominal segment duration, µs (rounded to whole frames).
    pub segment_us: i64,
    /// Total duration, µs (rounded to whole frames).
    pub duration_us: i64,
    /// Frames per second, in thousandths.
    pub framerate_milli: u32,
    /// How audio is carried.
    pub audio: Audio,
    /// Audio bits per second.
    pub audio_bitrate_bps: u64,
    /// Exact video segment sizes in bytes, per variant then per segment.
    pub sizes: Option<Vec<Vec<u64>>>,
    /// Seed of the filler bytes.
    pub seed: u8,
}

impl HlsVod {
    /// A stream of `variants` `(bitrate_bps, width, height)`, `segment_us` segments
    /// and `duration_us` in all, at 30 frames per second, without audio.
    pub fn new(variants: &[(u64, u32, u32)], segment_us: i64, duration_us: i64) -> Self {
        Self {
            variants: variants
                .iter()
                .map(|&(bitrate_bps, width, height)| Rung {
                    bitrate_bps,
                    width,
                    height,
                })
                .collect(),
            segment_us,
            duration_us,
            framerate_milli: 30_000,
            audio: Audio::None,
            audio_bitrate_bps: 128_000,
            sizes: None,
            seed: 0,
        }
    }

    /// The same stream at `framerate_milli`/1000 frames per second.
    pub fn frame_rate(mut self, framerate_milli: u32) -> Self {
        self.framerate_milli = framerate_milli;
        self
    }

    /// The same stream with audio carried as `audio`.
    pub fn audio(mut self, audio: Audio) -> Self {
        self.audio = audio;
        self
    }

    /// The same stream with exact video segment sizes, per variant then per segment
    /// (a muxed segment's size includes its audio).
    pub fn segment_sizes(mut self, sizes: Vec<Vec<u64>>) -> Self {
        self.sizes = Some(sizes);
        self
    }

    /// Checks the description.
    ///
    /// # Errors
    /// [`ContentError::Invalid`] for no variant, odd or zero sizes, a zero frame
    /// rate, durations that hold no frame, or a size table of the wrong shape.
    pub fn validate(&self) -> Result<(), ContentError> {
        self.validate_with(self.segment_count())
    }

    /// [`HlsVod::validate`] with size-table rows of at least `count` segments.
    fn validate_with(&self, count: u64) -> Result<(), ContentError> {
        if self.variants.is_empty() {
            return Err(invalid("no variant"));
        }
        for r in &self.variants {
            if r.width == 0 || r.height == 0 || r.width % 2 == 1 || r.height % 2 == 1 {
                return Err(invalid(format!(
                    "{}x{} is not an even size",
                    r.width, r.height
                )));
            }
            if r.width > 8192 || r.height > 8192 {
                return Err(invalid("larger than 8192 pixels"));
            }
        }
        if !(1_000..=240_000).contains(&self.framerate_milli) {
            return Err(invalid("frame rate outside 1..240 fps"));
        }
        let timeline = self.timeline();
        if timeline.frames_per_segment == 0 || timeline.total_frames == 0 {
            return Err(invalid("a segment or the stream holds no frame"));
        }
        // What the engine's fragment parser accepts per `trun`, and a timeline that
        // 64-bit decode times hold with room to spare.
        if timeline.frames_per_segment > MAX_SEGMENT_FRAMES {
            return Err(invalid("more than 2^16 frames per segment"));
        }
        if self.duration_us > MAX_DURATION_US {
            return Err(invalid("longer than 2^40 µs"));
        }
        if self
            .sizes
            .iter()
            .flatten()
            .flatten()
            .any(|&s| s > MAX_SEGMENT_BYTES)
        {
            return Err(invalid("a segment of 4 GiB or more"));
        }
        if let Some(sizes) = &self.sizes {
            let count = usize::try_from(count).unwrap_or(usize::MAX).max(1);
            if sizes.len() != self.variants.len() || sizes.iter().any(|s| s.len() < count) {
                return Err(invalid(format!(
                    "the size table needs {} variants of {count} segments",
                    self.variants.len()
                )));
            }
        }
        Ok(())
    }

    fn timeline(&self) -> Timeline {
        let fps = u128::from(self.framerate_milli.max(1));
        let frame_ticks = (u128::from(VIDEO_TIMESCALE) * 1000 + fps / 2) / fps;
        let frames = |us: i64| -> u64 {
            let us = u128::try_from(us.max(0)).unwrap_or(0);
            u64::try_from((us * fps + 500_000_000) / 1_000_000_000).unwrap_or(u64::MAX)
        };
        Timeline {
            frame_ticks: u32::try_from(frame_ticks).unwrap_or(u32::MAX).max(1),
            frames_per_segment: frames(self.segment_us),
            total_frames: frames(self.duration_us),
        }
    }

    /// Number of segments.
    pub fn segment_count(&self) -> u64 {
        let t = self.timeline();
        t.total_frames.div_ceil(t.frames_per_segment.max(1))
    }

    /// Video frames of segment `n`: `(first frame, count)`.
    pub fn segment_frames(&self, n: u64) -> (u64, u64) {
        let t = self.timeline();
        let first = n.saturating_mul(t.frames_per_segment);
        let count = t
            .frames_per_segment
            .min(t.total_frames.saturating_sub(first));
        (first, count)
    }

    /// Video ticks (90 kHz) per frame.
    pub fn frame_ticks(&self) -> u32 {
        self.timeline().frame_ticks
    }

    /// AAC frames of segment `n`: `(first frame, count)`: the frames that start
    /// within the segment's video interval.
    pub fn audio_frames(&self, n: u64) -> (u64, u64) {
        let (first, count) = self.segment_frames(n);
        audio_span(self.timeline().frame_ticks, first, count)
    }

    /// The SPS NAL unit of variant `v`.
    pub fn sps(&self, v: usize) -> Vec<u8> {
        let r = self.variants.get(v).copied().unwrap_or(Rung {
            bitrate_bps: 0,
            width: 16,
            height: 16,
        });
        let level = avc::level_for(r.width, r.height, self.framerate_milli);
        avc::sps(r.width, r.height, level)
    }

    /// The RFC 6381 `CODECS` of variant `v` (video, then audio when there is).
    pub fn codecs(&self, v: usize) -> String {
        let video = avc::codec_string(&self.sps(v));
        match self.audio {
            Audio::None => video,
            _ => format!("{video},mp4a.40.2"),
        }
    }

    /// The AAC-LC 48 kHz stereo AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1):
    /// object type 2, frequency index 3, channel configuration 2.
    pub fn audio_specific_config() -> [u8; 2] {
        let bits: u16 = (2 << 11) | (3 << 7) | (2 << 3);
        bits.to_be_bytes()
    }

    fn video_track(&self, v: usize) -> TrackConfig {
        let sps = self.sps(v);
        let r = self.variants.get(v).copied();
        TrackConfig::Video {
            width: r.map_or(0, |r| r.width),
            height: r.map_or(0, |r| r.height),
            avcc: avc::avcc(&sps, &avc::pps()),
        }
    }

    fn audio_track() -> TrackConfig {
        TrackConfig::Audio {
            asc: Self::audio_specific_config(),
            channels: 2,
        }
    }

    /// The init segment of variant `v` (`None`: the audio rendition's).
    pub fn init_segment(&self, v: Option<usize>) -> Vec<u8> {
        match (v, self.audio) {
            (None, _) => mp4::init_segment(&[Self::audio_track()]),
            (Some(v), Audio::Muxed) => {
                mp4::init_segment(&[self.video_track(v), Self::audio_track()])
            }
            (Some(v), _) => mp4::init_segment(&[self.video_track(v)]),
        }
    }

    /// Bytes of video segment `n` of variant `v` (audio included when muxed).
    pub fn segment_size(&self, v: usize, n: u64) -> u64 {
        if let Some(sizes) = &self.sizes {
            let row = sizes.get(v).map_or(&[][..], Vec::as_slice);
            if !row.is_empty() {
                return row
                    .get((n % row.len() as u64) as usize)
                    .copied()
                    .unwrap_or(0);
            }
        }
        let (_, frames) = self.segment_frames(n);
        let ticks = u128::from(frames) * u128::from(self.frame_ticks());
        let bitrate = u128::from(self.variants.get(v).map_or(0, |r| r.bitrate_bps));
        let denominator = 8 * u128::from(VIDEO_TIMESCALE);
        u64::try_from((bitrate * ticks + denominator / 2) / denominator).unwrap_or(u64::MAX)
    }

    /// Bytes of the AAC frames of segment `n` (their payload only).
    fn audio_payload(&self, frames: u64) -> u64 {
        let bits = u128::from(self.audio_bitrate_bps) * u128::from(frames) * u128::from(AAC_FRAME);
        let denominator = 8 * u128::from(AUDIO_RATE);
        u64::try_from((bits + denominator / 2) / denominator).unwrap_or(u64::MAX)
    }

    /// Media segment `n` of variant `v` (`None`: of the audio rendition).
    ///
    /// # Errors
    /// [`ContentError::TooSmall`] when its size cannot hold its samples.
    pub fn segment(&self, v: Option<usize>, n: u64) -> Result<Segment, ContentError> {
        if self.timeline().frames_per_segment > MAX_SEGMENT_FRAMES {
            return Err(invalid("more than 2^16 frames per segment"));
        }
        let (first, count) = self.segment_frames(n);
        let (audio_first, audio_count) = self.audio_frames(n);
        let audio_run = |payload: u64| -> Option<Run> {
            let weights = vec![1; audio_count as usize];
            Some(Run {
                track: AUDIO_TRACK,
                base_decode_time: audio_first * u64::from(AAC_FRAME),
                samples: split(payload, &weights)?
                    .into_iter()
                    .map(|size| (AAC_FRAME, size))
                    .collect(),
            })
        };
        let too_small = |size| ContentError::TooSmall {
            variant: v.unwrap_or(usize::MAX),
            segment: n,
            size,
        };
        let sequence = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let Some(v) = v else {
            let payload = self.audio_payload(audio_count);
            let run = audio_run(payload).ok_or_else(|| too_small(payload))?;
            return Ok(Segment::new(sequence, &[run], self.seed));
        };
        let size = self.segment_size(v, n);
        if size > MAX_SEGMENT_BYTES {
            return Err(invalid("a segment of 4 GiB or more"));
        }
        let muxed = self.audio == Audio::Muxed;
        let mut counts = vec![count as usize];
        if muxed {
            counts.push(audio_count as usize);
        }
        let audio_payload = if muxed {
            self.audio_payload(audio_count)
        } else {
            0
        };
        let video_payload = size
            .checked_sub(mp4::overhead(&counts))
            .and_then(|p| p.checked_sub(audio_payload))
            .ok_or_else(|| too_small(size))?;
        let mut weights = vec![1; count as usize];
        if let Some(w) = weights.first_mut() {
            *w = KEYFRAME_WEIGHT;
        }
        let ticks = self.frame_ticks();
        let video = Run {
            track: VIDEO_TRACK,
            base_decode_time: first * u64::from(ticks),
            samples: split(video_payload, &weights)
                .ok_or_else(|| too_small(size))?
                .into_iter()
                .map(|size| (ticks, size))
                .collect(),
        };
        let mut runs = vec![video];
        if muxed {
            runs.push(audio_run(audio_payload).ok_or_else(|| too_small(size))?);
        }
        Ok(Segment::new(
            sequence,
            &runs,
            self.seed.wrapping_add(v as u8),
        ))
    }

    /// The directory of variant `v` under `base` (`None`: the audio rendition's).
    pub fn dir(base: &str, v: Option<usize>) -> String {
        match v {
            Some(v) => format!("{base}/v{v}"),
            None => format!("{base}/audio"),
        }
    }

    /// The URL of media segment `n` of variant `v` under `base`.
    pub fn segment_url(base: &str, v: Option<usize>, n: u64) -> String {
        format!("{}/{n}.m4s", Self::dir(base, v))
    }

    /// The renditions served: every variant, and the audio rendition if any.
    fn renditions(&self) -> Vec<Option<usize>> {
        let mut all: Vec<Option<usize>> = (0..self.variants.len()).map(Some).collect();
        if self.audio == Audio::Rendition {
            all.push(None);
        }
        all
    }

    /// Puts every playlist and segment of the stream on `port`'s network under
    /// `base_url` (`master.m3u8` is the entry point). Segment bodies are produced on
    /// demand (module docs).
    ///
    /// # Errors
    /// As [`HlsVod::validate`] and [`HlsVod::segment`].
    pub fn serve(&self, port: &mut TestPort, base_url: &str) -> Result<(), ContentError> {
        self.validate()?;
        port.serve(&format!("{base_url}/master.m3u8"), self.master_playlist());
        for v in self.renditions() {
            let dir = Self::dir(base_url, v);
            port.serve(&format!("{dir}/index.m3u8"), self.media_playlist(v));
            port.serve(&format!("{dir}/init.mp4"), self.init_segment(v));
            for n in 0..self.segment_count() {
                serve_segment(port, Self::segment_url(base_url, v, n), self.segment(v, n)?);
            }
        }
        Ok(())
    }
}

fn serve_segment(port: &mut TestPort, url: String, segment: Segment) {
    port.network.resources.insert(
        url,
        Resource {
            source: Some(Arc::new(segment)),
            headers: vec![("content-type".into(), "video/mp4".into())],
            ..Resource::default()
        },
    );
}

/// Frames of the stream's timeline.
#[derive(Clone, Copy, Debug)]
struct Timeline {
    frame_ticks: u32,
    frames_per_segment: u64,
    total_frames: u64,
}

/// The AAC frames starting within video frames `first..first + count`.
fn audio_span(frame_ticks: u32, first: u64, count: u64) -> (u64, u64) {
    // First AAC frame starting at or after a 90 kHz time t: ceil(t · 48000 / 90000 /
    // 1024) = ceil(t · 8 / 15360).
    let at = |frame: u64| -> u64 {
        let ticks = u128::from(frame) * u128::from(frame_ticks);
        u64::try_from((ticks * 8).div_ceil(15 * 1024)).unwrap_or(u64::MAX)
    };
    let (a, b) = (at(first), at(first + count));
    (a, b - a)
}

/// Shares `total` bytes among samples by `weights`, each at least [`MIN_SAMPLE`];
/// the sizes add up to `total` exactly. `None` when it is too small.
fn split(total: u64, weights: &[u64]) -> Option<Vec<u32>> {
    let n = weights.len() as u64;
    let spare = total.checked_sub(n * MIN_SAMPLE)?;
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let mut sizes: Vec<u64> = weights
        .iter()
        .map(|w| {
            MIN_SAMPLE
                + u64::try_from(u128::from(spare) * u128::from(*w) / u128::from(sum)).unwrap_or(0)
        })
        .collect();
    let given: u64 = sizes.iter().sum();
    let mut left = total - given;
    for s in sizes.iter_mut() {
        if left == 0 {
            break;
        }
        *s += 1;
        left -= 1;
    }
    sizes.into_iter().map(|s| u32::try_from(s).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_exact_and_weighted() {
        let sizes = split(1_000, &[8, 1, 1, 1]).unwrap();
        assert_eq!(sizes.iter().map(|&s| u64::from(s)).sum::<u64>(), 1_000);
        assert_eq!(sizes, [712, 96, 96, 96]);
        assert_eq!(split(31, &[1, 1, 1, 1]), None);
    }

    #[test]
    fn impossible_streams_are_refused() {
        let ok = HlsVod::new(&[(1_000_000, 640, 360)], 4_000_000, 8_000_000);
        assert_eq!(ok.validate(), Ok(()));
        let cases = [
            HlsVod::new(&[], 4_000_000, 8_000_000),
            HlsVod::new(&[(1_000_000, 641, 360)], 4_000_000, 8_000_000),
            ok.clone().frame_rate(0),
            HlsVod::new(&[(1_000_000, 640, 360)], 0, 8_000_000),
            HlsVod::new(&[(1_000_000, 640, 360)], i64::MAX, i64::MAX),
            ok.clone().segment_sizes(vec![vec![100_000]]),
            ok.clone().segment_sizes(vec![vec![1 << 33, 1 << 33]]),
        ];
        for stream in cases {
            assert!(
                matches!(stream.validate(), Err(ContentError::Invalid(_))),
                "{stream:?}"
            );
        }
        let huge = HlsVod::new(&[(1_000_000, 640, 360)], i64::MAX, i64::MAX);
        assert!(huge.segment(Some(0), 0).is_err());
        let starved = HlsVod::new(&[(1_000, 640, 360)], 4_000_000, 8_000_000);
        assert!(matches!(
            starved.segment(Some(0), 1),
            Err(ContentError::TooSmall {
                variant: 0,
                segment: 1,
                size: 500
            })
        ));
    }

    #[test]
    fn audio_frames_tile_the_video_timeline() {
        // 4 s of 30 fps: 187.5 AAC frames, so segments alternate 188 and 187.
        let spans: Vec<_> = (0..4).map(|n| audio_span(3000, n * 120, 120)).collect();
        assert_eq!(spans, [(0, 188), (188, 187), (375, 188), (563, 187)]);
    }
}
