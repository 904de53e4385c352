//! [`Device`]: the emulator's port as the runner drives it.
//!
//! It is [`EmulatorPort`] with one addition the port cannot know by itself: which
//! decoders are video decoders, in the order they were opened, so the frames log of
//! the whole session can be assembled (a codec change replaces the decoder) and
//! written in the stream's time base for a `diff` against `ffmpeg -f framemd5`; and
//! the size and md5 of every audio access unit submitted (the bytes the decoder got,
//! as `ffmpeg -c copy -f framemd5` lists packets).
//! Every [`Port`] call goes to the inner port unchanged.

use md5::{Digest, Md5};
use wasp_core::abi::caps::{AudioOutputInfo, DecodingInfo, DecodingQuery, DisplayInfo};
use wasp_core::abi::decoder::SAMPLE_END_OF_STREAM;
use wasp_core::abi::decoder::{
    DecoderConfig, DecoderStats, EncryptionInfo, MediaClockInfo, SampleInfo, Subsample,
};
use wasp_core::abi::fetch::{FetchInfo, FetchRequest};
use wasp_core::abi::gfx::{ImageDesc, Rect};
use wasp_core::abi::media::{Codec, TrackKind};
use wasp_core::abi::player::{LogLevel, PlayerState, ReportKind, StateReason};
use wasp_core::abi::store::CipherMode;
use wasp_core::abi::Status;
use wasp_core::{DrawList, HostEvent, Port, PortId};
use wasp_emulator::EmulatorPort;

/// A video decoder the module opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VideoDecoder {
    /// Its id.
    pub id: PortId,
    /// Width and height it was opened for.
    pub size: (u32, u32),
    /// Frame rate it was opened with, frames per 1000 s (0: unknown).
    pub framerate_milli: u32,
}

/// The emulated device as the runner drives it (see the module docs).
#[derive(Debug)]
pub struct Device {
    /// The port.
    pub port: EmulatorPort,
    /// Time base denominator of the frame logs (1/N seconds).
    pub timebase: u32,
    /// Video decoders opened, in order.
    pub video_decoders: Vec<VideoDecoder>,
    /// Earliest pts of the first video units submitted (the first picture), µs.
    pub first_video_pts: Option<i64>,
    /// Pts of the first audio unit submitted, µs.
    pub first_audio_pts: Option<i64>,
    /// Encoder delay at the start of the audio stream, µs: AAC streams begin with
    /// 1024 priming samples (the encoder's delay, ISO/IEC 14496-3 §4.5.2.1: every
    /// frame overlaps the previous one) that no container here removes.
    pub audio_priming_us: i64,
    video_units: u32,
    audio_decoders: Vec<PortId>,
    /// Every audio access unit submitted, in order: size and md5 (hex).
    pub audio_units: Vec<(usize, String)>,
}

/// How near the start of the presentation the first units must be for the content
/// alignment to be measured, µs.
pub const ALIGNMENT_WINDOW_US: i64 = 1_000_000;

/// Video units whose pts is looked at for the first picture (a GOP's pictures come
/// out of decode order within its first few units).
const FIRST_VIDEO_UNITS: u32 = 16;

impl Device {
    /// `port`, logging frames in 1/`timebase` seconds.
    pub fn new(port: EmulatorPort, timebase: u32) -> Self {
        Self {
            port,
            timebase: timebase.max(1),
            video_decoders: Vec::new(),
            first_video_pts: None,
            first_audio_pts: None,
            audio_priming_us: 0,
            video_units: 0,
            audio_decoders: Vec::new(),
            audio_units: Vec::new(),
        }
    }

    /// How far the audio content starts after the first picture, µs: the first
    /// picture's pts minus the first audio pts past the priming. 0 when audio and
    /// video start together; -100 000 for audio that starts 100 ms late. Measured
    /// only when the session starts at the beginning of the presentation (both first
    /// units within [`ALIGNMENT_WINDOW_US`] of 0): a session that starts later sees
    /// segments whose audio and video begin at unrelated times, and counts as
    /// aligned.
    pub fn alignment_us(&self) -> i64 {
        let near_start = |pts: i64| pts.abs() < ALIGNMENT_WINDOW_US;
        match (self.first_video_pts, self.first_audio_pts) {
            (Some(v), Some(a)) if near_start(v) && near_start(a) => {
                v.saturating_sub(a).saturating_sub(self.audio_priming_us)
            }
            _ => 0,
        }
    }

    /// The frames log of the session: ffmpeg's `framemd5` header (time base, size of
    /// the first picture) and one line per picture displayed by every video decoder,
    /// in the order they were opened.
    pub fn framemd5(&self) -> String {
        let (w, h) = self.video_decoders.first().map_or((0, 0), |d| d.size);
        let mut text = format!(
            "#format: frame checksums\n#version: 2\n#hash: MD5\n#tb 0: 1/{}\n\
             #media_type 0: video\n#codec_id 0: rawvideo\n#dimensions 0: {w}x{h}\n\
             #sar 0: 1/1\n#stream#, dts,        pts, duration,     size, hash\n",
            self.timebase
        );
        for d in &self.video_decoders {
            // A picture without a duration (MPEG-TS carries none) lasts one frame
            // period of the rate the decoder was opened with, as in ffmpeg's output.
            let period = (d.framerate_milli > 0).then(|| {
                (u64::from(self.timebase) * 1000 + u64::from(d.framerate_milli) / 2)
                    / u64::from(d.framerate_milli)
            });
            if let Some(log) = self.port.frame_log(d.id) {
                for line in &log.lines {
                    text.push_str(&with_duration(line, period));
                    text.push('\n');
                }
            }
        }
        text
    }

    /// Pictures displayed so far by every video decoder.
    pub fn frames_shown(&self) -> usize {
        self.video_decoders
            .iter()
            .filter_map(|d| self.port.frame_log(d.id))
            .map(|l| l.lines.len())
            .sum()
    }

    /// The framemd5 hash of the last picture displayed (what is on screen).
    pub fn last_frame_md5(&self) -> Option<String> {
        self.video_decoders
            .iter()
            .rev()
            .filter_map(|d| self.port.frame_log(d.id))
            .find_map(|l| l.lines.last())
            .and_then(|line| line.rsplit(", ").next())
            .map(str::to_string)
    }
}

/// A framemd5 line whose duration field is 0 given `period` (when known).
fn with_duration(line: &str, period: Option<u64>) -> String {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    match (period, fields.as_slice()) {
        (Some(period), [stream, dts, pts, "0", size, hash]) => {
            format!("{stream}, {dts:>10}, {pts:>10}, {period:>8}, {size:>8}, {hash}")
        }
        _ => line.to_string(),
    }
}

impl Port for Device {
    fn now_us(&mut self) -> i64 {
        self.port.now_us()
    }
    fn log(&mut self, level: LogLevel, line: &str) {
        self.port.log(level, line);
    }
    fn random_fill(&mut self, buf: &mut [u8]) {
        self.port.random_fill(buf);
    }
    fn poll_event(&mut self) -> Option<HostEvent> {
        self.port.poll_event()
    }
    fn on_state(&mut self, state: PlayerState, reason: StateReason) {
        self.port.on_state(state, reason);
    }
    fn on_report(&mut self, kind: ReportKind, payload: &[u8]) {
        self.port.on_report(kind, payload);
    }
    fn fatal(&mut self, message: &str) {
        self.port.fatal(message);
    }
    fn decoding_info(&mut self, query: &DecodingQuery, codecs: &str) -> DecodingInfo {
        self.port.decoding_info(query, codecs)
    }
    fn display_info(&mut self) -> DisplayInfo {
        self.port.display_info()
    }
    fn audio_info(&mut self) -> AudioOutputInfo {
        self.port.audio_info()
    }
    fn features(&mut self) -> u64 {
        self.port.features()
    }
    fn fetch_open(
        &mut self,
        request: &FetchRequest,
        url: &str,
        headers: &str,
    ) -> Result<PortId, Status> {
        self.port.fetch_open(request, url, headers)
    }
    fn fetch_info(&mut self, id: PortId) -> FetchInfo {
        self.port.fetch_info(id)
    }
    fn fetch_read(&mut self, id: PortId, buf: &mut [u8]) -> Result<usize, Status> {
        self.port.fetch_read(id, buf)
    }
    fn fetch_header(&mut self, id: PortId, name: &str, out: &mut [u8]) -> Result<usize, Status> {
        self.port.fetch_header(id, name, out)
    }
    fn fetch_url(&mut self, id: PortId, out: &mut [u8]) -> Result<usize, Status> {
        self.port.fetch_url(id, out)
    }
    fn fetch_close(&mut self, id: PortId) {
        self.port.fetch_close(id);
    }
    fn decrypt(
        &mut self,
        mode: CipherMode,
        key: &[u8; 16],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<usize, Status> {
        self.port.decrypt(mode, key, iv, data)
    }
    fn decoder_open(&mut self, config: &DecoderConfig, extra: &[u8]) -> Result<PortId, Status> {
        let id = self.port.decoder_open(config, extra)?;
        if config.codec.kind() == TrackKind::Video {
            self.port.set_frame_log(id, 0, 1, self.timebase);
            self.video_decoders.push(VideoDecoder {
                id,
                size: (config.width, config.height),
                framerate_milli: config.framerate_milli,
            });
        } else if config.codec.kind() == TrackKind::Audio {
            self.audio_decoders.push(id);
            if config.codec == Codec::Aac
                && config.sample_rate > 0
                && self.first_audio_pts.is_none()
            {
                self.audio_priming_us = 1024 * 1_000_000 / i64::from(config.sample_rate);
            }
        }
        Ok(id)
    }
    fn decoder_submit(
        &mut self,
        id: PortId,
        sample: &SampleInfo,
        data: &[&[u8]],
        encryption: Option<(&EncryptionInfo, &[Subsample])>,
    ) -> Result<(), Status> {
        self.port.decoder_submit(id, sample, data, encryption)?;
        if sample.flags & SAMPLE_END_OF_STREAM == 0 {
            if self.video_decoders.iter().any(|d| d.id == id) {
                if self.video_units < FIRST_VIDEO_UNITS {
                    self.video_units += 1;
                    let first = self
                        .first_video_pts
                        .map_or(sample.pts_us, |p| p.min(sample.pts_us));
                    self.first_video_pts = Some(first);
                }
            } else if self.audio_decoders.contains(&id) {
                self.first_audio_pts.get_or_insert(sample.pts_us);
                let mut md5 = Md5::new();
                data.iter().for_each(|piece| md5.update(piece));
                let size = data.iter().map(|piece| piece.len()).sum();
                let hex = md5.finalize().iter().map(|b| format!("{b:02x}")).collect();
                self.audio_units.push((size, hex));
            }
        }
        Ok(())
    }
    fn decoder_info(&mut self, id: PortId) -> DecoderStats {
        self.port.decoder_info(id)
    }
    fn decoder_flush(&mut self, id: PortId) {
        self.port.decoder_flush(id);
    }
    fn decoder_close(&mut self, id: PortId) {
        self.port.decoder_close(id);
    }
    fn media_clock(&mut self) -> MediaClockInfo {
        self.port.media_clock()
    }
    fn media_set_rate(&mut self, rate_milli: u32) {
        self.port.media_set_rate(rate_milli);
    }
    fn media_set_position(&mut self, pts_us: i64) {
        self.port.media_set_position(pts_us);
    }
    fn image_create(&mut self, desc: &ImageDesc, pixels: &[u8]) -> Result<PortId, Status> {
        self.port.image_create(desc, pixels)
    }
    fn image_update(&mut self, id: PortId, rect: &Rect, pixels: &[u8]) {
        self.port.image_update(id, rect, pixels);
    }
    fn image_free(&mut self, id: PortId) {
        self.port.image_free(id);
    }
    fn draw(&mut self, list: &DrawList<'_>) {
        self.port.draw(list);
    }
    fn present(&mut self) {
        self.port.present();
    }
    fn kv_get(&mut self, key: &[u8], out: &mut [u8]) -> Result<usize, Status> {
        self.port.kv_get(key, out)
    }
    fn kv_set(&mut self, key: &[u8], value: &[u8]) -> Result<(), Status> {
        self.port.kv_set(key, value)
    }
    fn kv_delete(&mut self, key: &[u8]) -> Result<(), Status> {
        self.port.kv_delete(key)
    }
}

#[cfg(test)]
mod tests {
    use super::with_duration;

    #[test]
    fn a_missing_duration_is_one_frame_period() {
        let line =
            "0,       1920,       1920,        0,    55296, a02f054967a452149ea490ea6ddd0d18";
        assert_eq!(
            with_duration(line, Some(3600)),
            "0,       1920,       1920,     3600,    55296, a02f054967a452149ea490ea6ddd0d18"
        );
        let line = "0,        273,        273,      512,    55296, a02f";
        assert_eq!(with_duration(line, Some(3600)), line);
        assert_eq!(
            with_duration("0, 1, 1, 0, 6, ab", None),
            "0, 1, 1, 0, 6, ab"
        );
    }
}
