//! The emulator's decoders: the test device's queue and presentation model
//! (`wasp_testkit::decoder`) around a real libavcodec decoder.
//!
//! A unit's life: submitted into [`EmuDecoder`]'s queue (bytes copied, counted
//! against the byte budget) → decoding, one unit at a time for the profile's
//! `decode_us` of device time; when that time is reached the unit is sent to
//! libavcodec and every frame it gives out is collected → a pool of decoded
//! pictures or audio frames (decoding waits while it is full) → presented when the
//! media clock reaches their pts, smallest first (B-frames come out of libavcodec in
//! presentation order already). Frames are matched back to their unit by pts (the
//! decoder carries each packet's pts to its frame).
//!
//! Never presented, counted in `dropped`: `SAMPLE_DECODE_ONLY` units, units before
//! the position the clock was anchored at, late units, and units libavcodec still
//! held when the stream ended. Units libavcodec rejects, frames it flags corrupt and
//! frames in a format the port cannot convert count in `corrupt`.
//!
//! Audio frames are *played*: their samples go to the audio sink as the clock passes
//! them, and the clock cannot pass the end of the decoded audio (module docs of
//! [`crate::port`]).

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;

use md5::{Digest, Md5};
use wasp_core::abi::decoder::{
    DecoderConfig, DecoderState, DecoderStats, SampleInfo, SAMPLE_DECODE_ONLY,
    SAMPLE_END_OF_STREAM, SAMPLE_KEYFRAME,
};
use wasp_core::abi::media::TrackKind;

use crate::ffi::{AvDecoder, Decoded, Pcm, Picture, Received};
use crate::frame::{FrameLog, VideoFrame};

/// The media clock as decoders see it at one instant.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClockView {
    pub position: i64,
    pub running: bool,
    pub rate_milli: u32,
    /// How far ahead of the position audio is released (a sound card's queue).
    pub audio_lead_us: i64,
}

/// A unit presented (a picture shown or an audio frame started).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shown {
    pub pts_us: i64,
}

/// A decoded audio frame awaiting or in playback.
#[derive(Clone, Debug)]
struct AudioFrame {
    info: SampleInfo,
    /// Interleaved s16 at the output channel count.
    samples: Vec<i16>,
    /// Sample frames (per channel).
    frames: usize,
    sample_rate: u32,
    /// Sample frames already played or skipped.
    done: usize,
}

impl AudioFrame {
    fn end_us(&self) -> i64 {
        self.info
            .pts_us
            .saturating_add(frames_to_us(self.frames, self.sample_rate))
    }

    /// Sample frames whose start lies before `position`.
    fn frames_before(&self, position: i64) -> usize {
        let ahead = i128::from(position) - i128::from(self.info.pts_us);
        if ahead <= 0 {
            return 0;
        }
        // ceil(ahead * rate / 10^6): sample k starts at pts + k / rate.
        let n = (ahead * i128::from(self.sample_rate) + 999_999) / 1_000_000;
        usize::try_from(n).unwrap_or(usize::MAX).min(self.frames)
    }
}

fn frames_to_us(frames: usize, rate: u32) -> i64 {
    if rate == 0 {
        return 0;
    }
    i64::try_from(frames as u128 * 1_000_000 / u128::from(rate)).unwrap_or(i64::MAX)
}

#[derive(Clone, Debug)]
enum Output {
    Picture(Picture, SampleInfo),
    Audio(AudioFrame),
}

impl Output {
    fn info(&self) -> &SampleInfo {
        match self {
            Output::Picture(_, info) => info,
            Output::Audio(a) => &a.info,
        }
    }
}

/// One unit waiting in the queue.
#[derive(Clone, Debug)]
struct Queued {
    info: SampleInfo,
    data: Vec<u8>,
}

/// Units sent to libavcodec whose frame has not come out that a decoder remembers.
const MAX_PENDING: usize = 64;

fn end_of(info: &SampleInfo) -> i64 {
    info.pts_us.saturating_add(info.duration_us.max(0))
}

/// A decoder of the emulated device.
#[derive(Debug)]
pub struct EmuDecoder {
    config: DecoderConfig,
    av: AvDecoder,
    queue: VecDeque<Queued>,
    capacity: usize,
    queued_bytes: usize,
    decode_us: i64,
    output_capacity: usize,
    output_channels: u32,
    decoding: Option<(Queued, i64)>,
    /// Units sent to libavcodec whose frame has not come out yet, by pts.
    pending: BTreeMap<i64, VecDeque<SampleInfo>>,
    pool: BTreeMap<(i64, u64), Output>,
    arrivals: u64,
    anchor_us: i64,
    last_end_us: Option<i64>,
    held_end_us: Option<i64>,
    eos: bool,
    /// libavcodec was sent end of stream (it must be flushed before more input).
    draining: bool,
    drained_reported: bool,
    state: DecoderState,
    decoded: u32,
    dropped: u32,
    corrupt: u32,
    presented: u64,
    last_pts_us: i64,
    current: Option<(Picture, i64)>,
    /// The audio frame being played.
    playing: Option<AudioFrame>,
    pub(crate) log: FrameLog,
    pcm_md5: Md5,
    pcm_bytes: u64,
}

/// What the decoder gives the audio sink while playing.
pub(crate) type PcmSink<'a> = &'a mut dyn FnMut(u32, &[i16]);

impl EmuDecoder {
    pub(crate) fn new(
        config: DecoderConfig,
        av: AvDecoder,
        capacity: usize,
        decode_us: i64,
        output_capacity: usize,
        output_channels: u32,
    ) -> Self {
        Self {
            config,
            av,
            queue: VecDeque::new(),
            capacity,
            queued_bytes: 0,
            decode_us,
            output_capacity: output_capacity.max(1),
            output_channels: output_channels.max(1),
            decoding: None,
            pending: BTreeMap::new(),
            pool: BTreeMap::new(),
            arrivals: 0,
            anchor_us: i64::MIN,
            last_end_us: None,
            held_end_us: None,
            eos: false,
            draining: false,
            drained_reported: false,
            state: DecoderState::Idle,
            decoded: 0,
            dropped: 0,
            corrupt: 0,
            presented: 0,
            last_pts_us: i64::MIN,
            current: None,
            playing: None,
            log: FrameLog::default(),
            pcm_md5: Md5::new(),
            pcm_bytes: 0,
        }
    }

    /// How it was opened.
    pub fn config(&self) -> &DecoderConfig {
        &self.config
    }

    /// Video or audio.
    pub fn kind(&self) -> TrackKind {
        self.config.codec.kind()
    }

    /// Units queued or being decoded.
    pub fn queued_units(&self) -> usize {
        self.queue.len() + usize::from(self.decoding.is_some())
    }

    /// The md5 (hex) of every PCM sample this decoder produced, in decode order, as
    /// interleaved s16le in the stream's own channels and rate (before the mapping
    /// to the output's channels), and its byte count: what
    /// `ffmpeg -i IN -map 0:a:N -f s16le - | md5sum` prints.
    pub fn decoded_pcm_md5(&self) -> (String, u64) {
        (hex(&self.pcm_md5.clone().finalize()), self.pcm_bytes)
    }

    /// The picture on screen, if this is a video decoder that showed one.
    pub fn current_frame(&self) -> Option<VideoFrame> {
        self.current
            .as_ref()
            .map(|(p, pts)| VideoFrame::from_picture(p, *pts))
    }

    pub(crate) fn fits(&self, len: usize) -> bool {
        self.queued_units() == 0 || self.queued_bytes.saturating_add(len) <= self.capacity
    }

    pub(crate) fn submit(&mut self, info: SampleInfo, data: Vec<u8>) {
        if matches!(self.state, DecoderState::Idle | DecoderState::Drained) {
            self.state = DecoderState::Running;
        }
        if info.flags & (SAMPLE_END_OF_STREAM | SAMPLE_DECODE_ONLY) == 0 {
            let end = end_of(&info);
            self.held_end_us = Some(self.held_end_us.map_or(end, |e| e.max(end)));
        }
        self.queued_bytes = self.queued_bytes.saturating_add(data.len());
        self.queue.push_back(Queued { info, data });
    }

    /// Whether end of stream reached the decoder.
    pub fn at_end(&self) -> bool {
        self.eos
    }

    /// The end of the audio decoded so far (audio decoders only).
    pub(crate) fn audio_horizon(&self) -> Option<i64> {
        if self.kind() != TrackKind::Audio {
            return None;
        }
        let pooled = self.pool.values().filter_map(|o| match o {
            Output::Audio(a) => Some(a.end_us()),
            Output::Picture(..) => None,
        });
        let playing = self.playing.as_ref().map(AudioFrame::end_us);
        pooled.chain(playing).chain(self.last_end_us).max()
    }

    /// Whether the clock must stop for this decoder at `position`.
    pub(crate) fn starved(&self, position: i64) -> bool {
        if self.eos {
            return false;
        }
        self.stall_at().is_none_or(|end| position >= end)
    }

    /// The media position at which the clock must stop for want of data from this
    /// decoder (`None`: it has nothing at all).
    ///
    /// Audio: where the decoded audio ends (the clock is the audio). Video: where
    /// the submitted units end, or, once every unit went into libavcodec, where its
    /// output ends: the last pictures of a stream with B-frames stay inside the
    /// decoder until more units (or end of stream) push them out, and the clock must
    /// wait for them rather than leave them behind as late.
    fn stall_at(&self) -> Option<i64> {
        if self.kind() == TrackKind::Audio {
            return self.audio_horizon();
        }
        let held = self.held_end_us?;
        if !self.queue.is_empty() || self.decoding.is_some() {
            return Some(held);
        }
        let out = self
            .pool
            .values()
            .map(|o| end_of(o.info()))
            .chain(self.last_end_us)
            .max();
        out.map(|o| o.min(held))
    }

    /// Whether the clock may (re)start at `position`.
    pub(crate) fn ready(&self, position: i64) -> bool {
        self.eos
            || self.last_end_us.is_some_and(|e| e > position)
            || self.playing.as_ref().is_some_and(|p| p.end_us() > position)
            || !self.pool.is_empty()
    }

    /// The clock was re-anchored at `position`: what lies before it is pre-roll.
    pub(crate) fn anchor(&mut self, position: i64) {
        self.anchor_us = position;
        self.last_end_us = None;
        // The audio frame being played goes on from the new position, if it
        // reaches that far.
        if let Some(mut frame) = self.playing.take() {
            if frame.end_us() > position {
                frame.done = frame.done.max(frame.frames_before(position));
                self.playing = Some(frame);
            }
        }
        let early: Vec<(i64, u64)> = self
            .pool
            .iter()
            .filter(|(_, o)| match o {
                Output::Audio(a) => a.end_us() <= position,
                Output::Picture(_, info) => info.pts_us < position,
            })
            .map(|(k, _)| *k)
            .collect();
        for key in early {
            self.pool.remove(&key);
            self.decoded = self.decoded.saturating_sub(1);
            self.dropped = self.dropped.saturating_add(1);
        }
    }

    /// Brings the decoder to device time `now`. Shown units go to `shown`, played
    /// samples to `sink`. Returns true when it just drained.
    pub(crate) fn settle(
        &mut self,
        now: i64,
        clock: ClockView,
        shown: &mut Vec<Shown>,
        sink: PcmSink<'_>,
    ) -> bool {
        loop {
            let mut progress = false;
            if let Some((_, done)) = &self.decoding {
                if *done <= now {
                    if let Some((unit, _)) = self.decoding.take() {
                        self.queued_bytes = self.queued_bytes.saturating_sub(unit.data.len());
                        self.decode(unit, clock.position);
                    }
                    progress = true;
                }
            }
            let release = if self.kind() == TrackKind::Audio {
                clock.position.saturating_add(clock.audio_lead_us)
            } else {
                clock.position
            };
            progress |= self.present(release, shown, sink);
            if self.decoding.is_none() && self.pool.len() < self.output_capacity {
                progress |= self.start(now, clock);
            }
            if !progress {
                break;
            }
        }
        let drained = self.eos
            && self.decoding.is_none()
            && self.queue.is_empty()
            && self.pool.is_empty()
            && self.playing.is_none()
            && self.state == DecoderState::Running;
        if drained {
            self.state = DecoderState::Drained;
        }
        let report = drained && !self.drained_reported;
        self.drained_reported |= drained;
        report
    }

    /// Starts decoding the next unit.
    ///
    /// A device too slow for the stream falls behind; as a TV does, it then skips
    /// to the next keyframe rather than decode pictures it can no longer show
    /// (skipping a single picture instead would damage the ones that reference it).
    /// Only video is skipped, only while the clock runs, and only when the next
    /// keyframe is already queued and itself still in time; skipped units count as
    /// dropped.
    fn start(&mut self, now: i64, clock: ClockView) -> bool {
        if clock.running && self.kind() == TrackKind::Video {
            self.catch_up(clock);
        }
        let Some(unit) = self.queue.pop_front() else {
            return false;
        };
        self.decoding = Some((unit, now.saturating_add(self.decode_us.max(0))));
        true
    }

    fn catch_up(&mut self, clock: ClockView) {
        let decode = i128::from(self.decode_us.max(0)) * i128::from(clock.rate_milli) / 1000;
        let decoded_at = clock
            .position
            .saturating_add(i64::try_from(decode).unwrap_or(i64::MAX));
        let hopeless = |info: &SampleInfo| {
            info.duration_us > 0 && end_of(info) <= decoded_at && info.pts_us >= self.anchor_us
        };
        let Some(front) = self.queue.front() else {
            return;
        };
        if !hopeless(&front.info) {
            return;
        }
        let next_key = self.queue.iter().skip(1).position(|u| {
            u.info.flags & SAMPLE_KEYFRAME != 0
                && u.info.flags & SAMPLE_END_OF_STREAM == 0
                && !hopeless(&u.info)
        });
        let Some(skip) = next_key.map(|k| k + 1) else {
            return;
        };
        for unit in self.queue.drain(..skip) {
            self.queued_bytes = self.queued_bytes.saturating_sub(unit.data.len());
            self.dropped = self.dropped.saturating_add(1);
        }
    }

    /// Sends a unit to libavcodec and collects what comes out.
    fn decode(&mut self, unit: Queued, position: i64) {
        let info = unit.info;
        if info.flags & SAMPLE_END_OF_STREAM != 0 {
            self.av.send_end();
            self.collect(position);
            // What libavcodec never gave out is not presented.
            let left: usize = self.pending.values().map(VecDeque::len).sum();
            self.dropped = self
                .dropped
                .saturating_add(u32::try_from(left).unwrap_or(u32::MAX));
            self.pending.clear();
            self.eos = true;
            return;
        }
        if self
            .av
            .send(&[&unit.data], info.pts_us, info.dts_us)
            .is_err()
        {
            self.corrupt = self.corrupt.saturating_add(1);
            self.collect(position);
            return;
        }
        self.pending.entry(info.pts_us).or_default().push_back(info);
        self.collect(position);
        self.bound_pending();
    }

    /// A decoder holds at most a few pictures for reordering (16 in H.264's and
    /// H.265's DPB); units beyond [`MAX_PENDING`] that gave no frame never will
    /// (a decoder that swallows hostile input): forget the oldest, as dropped.
    fn bound_pending(&mut self) {
        let mut held: usize = self.pending.values().map(VecDeque::len).sum();
        while held > MAX_PENDING {
            let Some(mut entry) = self.pending.first_entry() else {
                break;
            };
            entry.get_mut().pop_front();
            if entry.get().is_empty() {
                entry.remove();
            }
            held -= 1;
            self.dropped = self.dropped.saturating_add(1);
        }
    }

    fn collect(&mut self, position: i64) {
        // A unit gives out a bounded number of frames; the bound keeps a decoder
        // that misbehaves from looping for ever.
        for _ in 0..64 {
            match self.av.receive() {
                Received::Nothing => break,
                Received::Error | Received::Unconvertible => {
                    self.corrupt = self.corrupt.saturating_add(1);
                }
                Received::Frame(decoded) => self.finish(decoded, position),
            }
        }
    }

    /// The unit a frame of timestamp `pts` came from.
    fn take_pending(&mut self, pts: Option<i64>) -> Option<SampleInfo> {
        let key = match pts {
            Some(p) if self.pending.contains_key(&p) => p,
            _ => *self.pending.keys().next()?,
        };
        let infos = self.pending.get_mut(&key)?;
        let info = infos.pop_front();
        if infos.is_empty() {
            self.pending.remove(&key);
        }
        info
    }

    fn finish(&mut self, decoded: Decoded, position: i64) {
        let pts = match &decoded {
            Decoded::Video(p) => p.pts,
            Decoded::Audio(a) => a.pts,
        };
        let info = self.take_pending(pts).unwrap_or(SampleInfo {
            pts_us: pts.unwrap_or(position),
            dts_us: pts.unwrap_or(position),
            duration_us: 0,
            flags: 0,
            size: 0,
        });
        let output = match decoded {
            Decoded::Video(picture) => {
                if picture.corrupt {
                    self.corrupt = self.corrupt.saturating_add(1);
                }
                Output::Picture(picture, info)
            }
            Decoded::Audio(pcm) => Output::Audio(self.audio_frame(pcm, info)),
        };
        let (end, skip_to) = match &output {
            Output::Audio(a) => (a.end_us(), position.max(self.anchor_us)),
            Output::Picture(_, info) => (end_of(info), position),
        };
        let late = match &output {
            Output::Audio(_) => end <= skip_to,
            Output::Picture(_, info) if info.duration_us > 0 => position >= end,
            Output::Picture(_, info) => position > info.pts_us,
        };
        let pre_roll = match &output {
            Output::Audio(a) => a.end_us() <= self.anchor_us,
            Output::Picture(_, info) => info.pts_us < self.anchor_us,
        };
        if info.flags & SAMPLE_DECODE_ONLY != 0 || pre_roll || late {
            self.dropped = self.dropped.saturating_add(1);
            return;
        }
        self.decoded = self.decoded.saturating_add(1);
        self.pool.insert((info.pts_us, self.arrivals), output);
        self.arrivals = self.arrivals.wrapping_add(1);
    }

    /// Hashes a decoded frame and maps it to the output channels: mono plays at
    /// full level on every output channel (as a TV plays a mono programme, where
    /// ffmpeg's `-ac 2` would mix it at -3 dB), channels beyond the output's are
    /// left out (no downmix).
    fn audio_frame(&mut self, pcm: Pcm, info: SampleInfo) -> AudioFrame {
        for s in &pcm.samples {
            self.pcm_md5.update(s.to_le_bytes());
        }
        self.pcm_bytes = self.pcm_bytes.saturating_add(pcm.samples.len() as u64 * 2);
        let (src, out) = (pcm.channels as usize, self.output_channels as usize);
        let frames = pcm.samples.len() / src.max(1);
        let samples: Vec<i16> = if src == out {
            pcm.samples
        } else {
            pcm.samples
                .chunks_exact(src.max(1))
                .flat_map(|frame| {
                    (0..out)
                        .map(move |c| frame.get(c).or_else(|| frame.first()).copied().unwrap_or(0))
                })
                .collect()
        };
        AudioFrame {
            info,
            samples,
            frames,
            sample_rate: pcm.sample_rate,
            done: 0,
        }
    }

    /// Shows the pictures (plays the audio) the clock reached.
    fn present(&mut self, position: i64, shown: &mut Vec<Shown>, sink: PcmSink<'_>) -> bool {
        let mut any = false;
        loop {
            if let Some(playing) = &mut self.playing {
                let upto = playing.frames_before(position);
                if upto > playing.done {
                    let ch = self.output_channels as usize;
                    let from = playing.done.saturating_mul(ch);
                    let to = upto.saturating_mul(ch);
                    if let Some(samples) = playing.samples.get(from..to) {
                        sink(playing.sample_rate, samples);
                    }
                    playing.done = upto;
                    any = true;
                }
                if playing.done < playing.frames {
                    break;
                }
                self.last_end_us = Some(playing.end_us());
                self.playing = None;
            }
            let Some((&key, output)) = self.pool.first_key_value() else {
                break;
            };
            let info = *output.info();
            if info.pts_us > position {
                break;
            }
            let Some(output) = self.pool.remove(&key) else {
                break;
            };
            any = true;
            match output {
                Output::Picture(picture, info) => {
                    if info.duration_us > 0 && end_of(&info) <= position && info.pts_us < position {
                        self.decoded = self.decoded.saturating_sub(1);
                        self.dropped = self.dropped.saturating_add(1);
                        continue;
                    }
                    self.log.record(&picture, &info);
                    self.mark_presented(&info, shown);
                    self.last_end_us = Some(end_of(&info));
                    self.current = Some((picture, info.pts_us));
                }
                Output::Audio(mut frame) => {
                    if frame.end_us() <= self.anchor_us && frame.info.pts_us < self.anchor_us {
                        // All of it before the anchor (a seek's pre-roll): skipped.
                        self.decoded = self.decoded.saturating_sub(1);
                        self.dropped = self.dropped.saturating_add(1);
                        continue;
                    }
                    // A frame the clock passed in one step (real time moves in steps
                    // longer than a frame) is played whole: the audio caps the clock,
                    // so it was decoded in time, and a sound card would have played
                    // it.
                    // Samples before the anchor are pre-roll, not played.
                    frame.done = frame.frames_before(self.anchor_us);
                    self.mark_presented(&frame.info, shown);
                    self.playing = Some(frame);
                }
            }
        }
        any
    }

    fn mark_presented(&mut self, info: &SampleInfo, shown: &mut Vec<Shown>) {
        self.presented = self.presented.saturating_add(1);
        self.last_pts_us = info.pts_us;
        shown.push(Shown {
            pts_us: info.pts_us,
        });
    }

    /// The next device time a decode completes, and the media positions this
    /// decoder waits for (next pts to present or sample to play, end of what it
    /// holds).
    pub(crate) fn next_event(&self, now: i64) -> (i64, Option<i64>, Option<i64>) {
        let decode = match &self.decoding {
            Some((_, done)) if *done > now => *done,
            _ => i64::MAX,
        };
        let next_pts = match &self.playing {
            // While playing, the clock need not stop for each sample: the end of
            // the frame is the next change.
            Some(p) => Some(p.end_us()),
            None => self.pool.first_key_value().map(|(_, o)| o.info().pts_us),
        };
        let held_end = if self.eos { None } else { self.stall_at() };
        (decode, next_pts, held_end)
    }

    pub(crate) fn flush(&mut self) {
        self.queue.clear();
        self.decoding = None;
        self.pool.clear();
        self.pending.clear();
        self.playing = None;
        self.av.flush();
        self.draining = false;
        self.queued_bytes = 0;
        self.last_end_us = None;
        self.held_end_us = None;
        self.eos = false;
        self.drained_reported = false;
        self.state = DecoderState::Idle;
    }

    /// Queue levels and statistics (as `Port::decoder_info` answers).
    pub fn stats(&self) -> DecoderStats {
        DecoderStats {
            last_pts_us: self.last_pts_us,
            queued_bytes: self.queued_bytes as u64,
            queue_capacity: self.capacity as u64,
            queued_units: u32::try_from(self.queued_units()).unwrap_or(u32::MAX),
            decoded: self.decoded,
            dropped: self.dropped,
            corrupt: self.corrupt,
            state: self.state,
            kind: self.kind(),
        }
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
