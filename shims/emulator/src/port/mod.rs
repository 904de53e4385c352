//! [`EmulatorPort`]: the test device's semantics with real decoding.
//!
//! # The media clock
//! The same rules as `wasp_testkit::TestPort`: the position advances at
//! `rate_milli / 1000` while the clock runs; it runs when the rate is above 0,
//! `media_set_position` was called since the last decoder open or flush, and no
//! decoder is starved; after a stop it restarts once every decoder holds a picture
//! (or audio) at or after the position. A starved decoder reports `Underflow`.
//!
//! **Audio drives the clock.** While an audio decoder is open and has not reached
//! end of stream, the position never passes the end of the audio decoded so far:
//! the position is the anchor plus the samples played over the sample rate, and when
//! the audio runs dry (an underrun) the clock stops exactly there, which is the
//! starvation that stalls playback. Samples are handed to the [`AudioCapture`] as the
//! clock passes them; pictures are shown when the clock reaches their pts. Without
//! audio the clock runs on the port's time. In real time with a sound card attached
//! ([`EmulatorPort::set_speaker`]) the clock is what the card has played instead
//! (see [`crate::speaker`]). A video decoder starves where its
//! submitted units end or, once every unit went into libavcodec, where its output
//! ends (the pictures it holds back for reordering wait with the clock instead of
//! coming out late).
//!
//! What differs from the test device, because the decoding is real: units that
//! libavcodec rejects and pictures it flags as damaged count in `corrupt`; a video
//! decoder that fell behind skips to the next queued keyframe instead of skipping
//! single units (which would damage the pictures that reference them), and late
//! output is dropped; units still inside libavcodec at end of stream that never came
//! out count as dropped; protected units are refused (`Unsupported`: there is no
//! key system).
//!
//! # Time
//! * **Virtual** ([`EmulatorPort::new`]): time starts at [`START_US`] and moves only
//!   through [`EmulatorPort::advance`], from event to event (a decode completing, a
//!   pts reached, the audio running out, a network event), so a ten-minute stream
//!   plays in the time its decoding takes. Each unit takes the profile's
//!   `decode_us` of device time; libavcodec decodes it, synchronously, in the step
//!   at which that time is reached (rather than at submit, so that a queue fills and
//!   pushes back as on a device). libavcodec runs single-threaded, so everything,
//!   pictures included, is deterministic.
//! * **Real time** ([`EmulatorPort::real_time`]): time is the OS's monotonic clock
//!   (offset to start at [`START_US`]); [`EmulatorPort::pump`] (or `advance`, which
//!   sleeps) brings everything to the current time, decoding on the calling thread
//!   whatever is queued, up to the profile's `output_frames` per decoder: call it
//!   every few milliseconds between ticks.
//!
//! # Fetch
//! See [`crate::fetch`]: local files in both modes; in virtual mode every other URL
//! goes to the simulated network ([`EmulatorPort::network`], the test device's
//! trace-driven link, serving local files with [`EmulatorPort::serve_file`] and
//! [`EmulatorPort::serve_dir`]); in real time `http(s)://` goes to the Internet.

use std::collections::{BTreeMap, VecDeque};
use std::time::Instant;

use wasp_core::abi::caps::{AudioOutputInfo, DecodingInfo, DecodingQuery, DisplayInfo};
use wasp_core::abi::decoder::{
    DecoderConfig, DecoderStats, EncryptionInfo, MediaClockInfo, SampleInfo, Subsample,
};
use wasp_core::abi::event::{DeviceEvent, DeviceEventKind, FetchEvent, KeyEvent};
use wasp_core::abi::fetch::{FetchInfo, FetchRequest, FetchState};
use wasp_core::abi::gfx::{ImageDesc, Rect};
use wasp_core::abi::key::{Key, KeyAction};
use wasp_core::abi::media::{Codec, PixelFormat, TrackKind};
use wasp_core::abi::player::{feature, LogLevel, PlayerState, ReportKind, StateReason};
use wasp_core::abi::store::CipherMode;
use wasp_core::abi::Status;
use wasp_core::{DrawList, HostEvent, Port, PortId};
use wasp_testkit::{Frame, ImageRecord, TestPort, START_US};

use crate::audio::AudioCapture;
use crate::decoder::EmuDecoder;
use crate::fetch::{local_path, FileFetch, HttpFetch, TlsRoots};
use crate::ffi::{self, AvDecoder, OpenError};
use crate::frame::{FrameLog, VideoFrame};
use crate::profile::DeviceProfile;
use crate::speaker::{Speaker, SpeakerLink};

mod clock;
mod network;

use network::Fetch;

/// One unit a decoder presented (a picture shown, an audio frame started).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Presented {
    /// Device time of the presentation.
    pub at_us: i64,
    /// The decoder.
    pub decoder: PortId,
    /// The unit's pts.
    pub pts_us: i64,
    /// The media clock's position at that moment (its offset from `pts_us` is the
    /// presentation's A/V error).
    pub position_us: i64,
    /// Video or audio.
    pub kind: TrackKind,
}

/// Called at every present with the frame's draw lists, the images and the video
/// picture under them; the binary composes pixels here (with the reference
/// rasteriser) for its window and screenshots.
pub type ComposeHook = Box<dyn FnMut(&Frame, &BTreeMap<PortId, ImageRecord>, Option<&VideoFrame>)>;

/// The emulated device. See the module docs.
pub struct EmulatorPort {
    profile: DeviceProfile,
    origin: Option<Instant>,
    now: i64,
    /// The test device, for its simulated network, key-value store, seeded random
    /// source and software AES.
    net: TestPort,
    fetches: BTreeMap<PortId, Fetch>,
    tls: TlsRoots,
    http_seen: BTreeMap<PortId, (FetchState, u64)>,
    decoders: BTreeMap<PortId, EmuDecoder>,
    closed_logs: BTreeMap<PortId, FrameLog>,
    clock: MediaClockInfo,
    position_set: bool,
    clock_carry: i64,
    events: VecDeque<HostEvent>,
    presented: Vec<Presented>,
    presented_keep: usize,
    presented_total: u64,
    images: BTreeMap<PortId, ImageRecord>,
    pending_lists: Vec<Vec<u8>>,
    frames: Vec<Frame>,
    frames_keep: usize,
    compose: Option<ComposeHook>,
    audio: AudioCapture,
    speaker: Option<SpeakerLink>,
    /// Log lines received.
    pub logs: Vec<(LogLevel, String)>,
    /// States reported.
    pub states: Vec<(PlayerState, StateReason)>,
    /// Reports received.
    pub reports: Vec<(ReportKind, Vec<u8>)>,
    /// Messages given to the fatal hook.
    pub fatal: Vec<String>,
    next_id: PortId,
}

impl core::fmt::Debug for EmulatorPort {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EmulatorPort")
            .field("now", &self.now)
            .field("real_time", &self.origin.is_some())
            .field("clock", &self.clock)
            .field("decoders", &self.decoders.len())
            .field("fetches", &self.fetches.len())
            .finish_non_exhaustive()
    }
}

/// Copies `value` into `out` if it fits; returns its full length.
pub(crate) fn copy_out(value: &[u8], out: &mut [u8]) -> usize {
    if let Some(dst) = out.get_mut(..value.len()) {
        dst.copy_from_slice(value);
    }
    value.len()
}

impl EmulatorPort {
    /// A device on the virtual clock.
    pub fn new(profile: DeviceProfile) -> Self {
        ffi::quiet_logs();
        let mut net = TestPort::new();
        net.kv_budget = profile.kv_bytes;
        net.keep_units = false;
        let channels = u16::try_from(profile.audio_channels).unwrap_or(2);
        Self {
            profile,
            origin: None,
            now: START_US,
            net,
            fetches: BTreeMap::new(),
            tls: TlsRoots::mozilla(),
            http_seen: BTreeMap::new(),
            decoders: BTreeMap::new(),
            closed_logs: BTreeMap::new(),
            clock: MediaClockInfo {
                position_us: 0,
                rate_milli: 0,
                running: 0,
            },
            position_set: false,
            clock_carry: 0,
            events: VecDeque::new(),
            presented: Vec::new(),
            presented_keep: usize::MAX,
            presented_total: 0,
            images: BTreeMap::new(),
            pending_lists: Vec::new(),
            frames: Vec::new(),
            frames_keep: usize::MAX,
            compose: None,
            audio: AudioCapture::new(channels),
            speaker: None,
            logs: Vec::new(),
            states: Vec::new(),
            reports: Vec::new(),
            fatal: Vec::new(),
            next_id: 1,
        }
    }

    /// A device on the OS's monotonic clock, decoding as fast as it can.
    pub fn real_time(mut profile: DeviceProfile) -> Self {
        profile.decode_us = 0;
        let mut port = Self::new(profile);
        port.origin = Some(Instant::now());
        port
    }

    /// The certificate authorities HTTPS servers are verified against from now on
    /// (Mozilla's roots until this is called).
    pub fn set_tls_roots(&mut self, roots: TlsRoots) {
        self.tls = roots;
    }

    /// Plays the audio on `card` from now on and, in real time, runs the media
    /// clock on it ([`crate::speaker`]). Ignored on the virtual clock, whose audio
    /// is captured only.
    pub fn set_speaker(&mut self, card: Box<dyn Speaker>) {
        if self.origin.is_some() {
            self.speaker = Some(SpeakerLink::new(card));
        }
    }

    /// Whether the port runs in real time.
    pub fn is_real_time(&self) -> bool {
        self.origin.is_some()
    }

    /// The profile.
    pub fn profile(&self) -> &DeviceProfile {
        &self.profile
    }

    /// Device time now, µs.
    pub fn now(&self) -> i64 {
        self.now
    }

    fn os_now(&self) -> Option<i64> {
        let elapsed = self.origin?.elapsed().as_micros();
        Some(START_US.saturating_add(i64::try_from(elapsed).unwrap_or(i64::MAX)))
    }

    fn id(&mut self) -> PortId {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1).max(1);
        id
    }

    // --- what the device shows and plays ------------------------------------------

    /// The units presented, in order: all of them, or at least the last
    /// [`EmulatorPort::keep_presented`] ones.
    pub fn presented(&self) -> &[Presented] {
        &self.presented
    }

    /// Units presented since the port was made (also those no longer kept).
    pub fn presented_total(&self) -> u64 {
        self.presented_total
    }

    /// Keeps at least the last `n` presentations (not all of them: for long runs).
    pub fn keep_presented(&mut self, n: usize) {
        self.presented_keep = n;
    }

    /// The picture on screen: the last one shown by the most recently opened video
    /// decoder that showed one.
    pub fn current_video_frame(&self) -> Option<VideoFrame> {
        self.decoders
            .values()
            .rev()
            .filter(|d| d.kind() == TrackKind::Video)
            .find_map(EmuDecoder::current_frame)
    }

    /// The graphics frames presented, in order (all, or at least the last
    /// [`EmulatorPort::keep_graphics_frames`]).
    pub fn graphics_frames(&self) -> &[Frame] {
        &self.frames
    }

    /// Keeps at least the last `n` graphics frames (not all of them: for long runs
    /// that look at pixels through the [`ComposeHook`] instead).
    pub fn keep_graphics_frames(&mut self, n: usize) {
        self.frames_keep = n;
    }

    /// The images the module uploaded, by id.
    pub fn images(&self) -> &BTreeMap<PortId, ImageRecord> {
        &self.images
    }

    /// Calls `hook` at every present (see [`ComposeHook`]).
    pub fn set_compose(&mut self, hook: ComposeHook) {
        self.compose = Some(hook);
    }

    /// The played audio.
    pub fn audio(&self) -> &AudioCapture {
        &self.audio
    }

    /// The played audio, to start a WAV file or finish it.
    pub fn audio_mut(&mut self) -> &mut AudioCapture {
        &mut self.audio
    }

    /// An open decoder.
    pub fn decoder(&self, id: PortId) -> Option<&EmuDecoder> {
        self.decoders.get(&id)
    }

    /// Sets the stream index and time base (`num/den` seconds) of decoder `id`'s
    /// frame log; lines already written keep theirs. Returns false for an unknown
    /// id or a zero time base.
    pub fn set_frame_log(&mut self, id: PortId, stream: u32, num: u32, den: u32) -> bool {
        match self.decoders.get_mut(&id) {
            Some(d) if num > 0 && den > 0 => {
                d.log.stream = stream;
                d.log.num = num;
                d.log.den = den;
                true
            }
            _ => false,
        }
    }

    /// The frame log of decoder `id` (open or closed).
    pub fn frame_log(&self, id: PortId) -> Option<&FrameLog> {
        self.decoders
            .get(&id)
            .map(|d| &d.log)
            .or_else(|| self.closed_logs.get(&id))
    }

    // --- input and device events -----------------------------------------------

    /// Queues a key press (down) for the module.
    pub fn press(&mut self, key: Key) {
        self.key_event(key, KeyAction::Down);
    }

    /// Queues a key event: a press, an auto-repeat while held, or the release.
    pub fn key_event(&mut self, key: Key, action: KeyAction) {
        self.events.push_back(HostEvent::Key(KeyEvent {
            time_us: self.now,
            key,
            action,
        }));
    }

    /// Queues a device event (suspend, resume, output change, low memory, volume,
    /// network down/up).
    pub fn device_event(&mut self, what: DeviceEventKind, value: i64) {
        self.events.push_back(HostEvent::Device(DeviceEvent {
            value,
            what,
            reserved: 0,
        }));
    }

    /// Whether the device decodes `codec` at this size and bitrate: the profile
    /// lists it within its limits and libavcodec has a decoder.
    pub fn can_decode(&self, codec: Codec, width: u32, height: u32, bitrate_bps: u32) -> bool {
        let video = codec.kind() == TrackKind::Video;
        let (w, h) = if video { (width, height) } else { (0, 0) };
        self.profile
            .caps(codec)
            .is_some_and(|c| c.allows(w, h, bitrate_bps))
            && ffi::has_decoder(codec)
    }
}

impl Port for EmulatorPort {
    fn now_us(&mut self) -> i64 {
        if let Some(now) = self.os_now() {
            // Real time never goes back, even between pumps.
            return now.max(self.now);
        }
        self.now
    }

    fn log(&mut self, level: LogLevel, line: &str) {
        self.logs.push((level, line.into()));
    }

    fn random_fill(&mut self, buf: &mut [u8]) {
        self.net.random_fill(buf);
    }

    fn poll_event(&mut self) -> Option<HostEvent> {
        self.events.pop_front()
    }

    fn on_state(&mut self, state: PlayerState, reason: StateReason) {
        self.states.push((state, reason));
    }

    fn on_report(&mut self, kind: ReportKind, payload: &[u8]) {
        self.reports.push((kind, payload.to_vec()));
    }

    fn fatal(&mut self, message: &str) {
        self.fatal.push(message.into());
    }

    fn decoding_info(&mut self, q: &DecodingQuery, _codecs: &str) -> DecodingInfo {
        let supported = self.can_decode(q.codec, q.width, q.height, q.bitrate_bps);
        // Smooth when the device decodes a frame within the frame's duration:
        // decode_us * frames per second <= one second.
        let per_second = i128::from(self.profile.decode_us.max(0)) * i128::from(q.framerate_milli);
        let smooth = supported && per_second <= 1_000_000_000;
        DecodingInfo {
            supported: supported.into(),
            smooth: smooth.into(),
            power_efficient: (supported && q.codec.kind() == TrackKind::Video).into(),
            max_instances: u32::from(supported),
        }
    }

    fn display_info(&mut self) -> DisplayInfo {
        let p = &self.profile;
        let (video_max_width, video_max_height) = p.video_max();
        DisplayInfo {
            width: p.display_width,
            height: p.display_height,
            refresh_millihz: p.refresh_millihz,
            format: PixelFormat::Rgba8888Premul,
            safe_left: p.safe_area[0],
            safe_top: p.safe_area[1],
            safe_right: p.safe_area[2],
            safe_bottom: p.safe_area[3],
            video_max_width,
            video_max_height,
        }
    }

    fn audio_info(&mut self) -> AudioOutputInfo {
        AudioOutputInfo {
            channels: self.profile.audio_channels,
            sample_rate: self.profile.audio_sample_rate,
            latency_us: self.profile.audio_latency_us,
            passthrough: 0,
        }
    }

    fn features(&mut self) -> u64 {
        feature::ALL_V1
    }

    fn fetch_open(
        &mut self,
        request: &FetchRequest,
        url: &str,
        headers: &str,
    ) -> Result<PortId, Status> {
        let fetch = if let Some(path) = local_path(url) {
            Fetch::File(FileFetch::open(request, url, &path))
        } else if self.origin.is_some() {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(Status::Unsupported);
            }
            Fetch::Http(HttpFetch::open(request, url, headers, &self.tls)?)
        } else {
            let inner = self.net.fetch_open(request, url, headers)?;
            Fetch::Sim(inner)
        };
        let id = self.id();
        if let Fetch::File(f) = &fetch {
            self.events.push_back(HostEvent::Fetch(FetchEvent {
                handle: id,
                state: f.state(),
            }));
        }
        self.fetches.insert(id, fetch);
        Ok(id)
    }

    fn fetch_info(&mut self, id: PortId) -> FetchInfo {
        match self.fetches.get(&id) {
            Some(Fetch::File(f)) => f.info(),
            Some(Fetch::Http(h)) => h.info(),
            Some(Fetch::Sim(inner)) => self.net.fetch_info(*inner),
            None => FetchInfo::default(),
        }
    }

    fn fetch_read(&mut self, id: PortId, buf: &mut [u8]) -> Result<usize, Status> {
        match self.fetches.get_mut(&id) {
            Some(Fetch::File(f)) => f.read(buf),
            Some(Fetch::Http(h)) => h.read(buf),
            Some(Fetch::Sim(inner)) => self.net.fetch_read(*inner, buf),
            None => Err(Status::Internal),
        }
    }

    fn fetch_header(&mut self, id: PortId, name: &str, out: &mut [u8]) -> Result<usize, Status> {
        match self.fetches.get(&id) {
            Some(Fetch::File(f)) => f
                .header(name)
                .map(|v| copy_out(v.as_bytes(), out))
                .ok_or(Status::NotFound),
            Some(Fetch::Http(h)) => h.header(name, out),
            Some(Fetch::Sim(inner)) => self.net.fetch_header(*inner, name, out),
            None => Err(Status::Internal),
        }
    }

    fn fetch_url(&mut self, id: PortId, out: &mut [u8]) -> Result<usize, Status> {
        match self.fetches.get(&id) {
            Some(Fetch::File(f)) => Ok(copy_out(f.final_url().as_bytes(), out)),
            Some(Fetch::Http(h)) => Ok(h.final_url(out)),
            Some(Fetch::Sim(inner)) => self.net.fetch_url(*inner, out),
            None => Err(Status::Internal),
        }
    }

    fn fetch_close(&mut self, id: PortId) {
        if let Some(Fetch::Sim(inner)) = self.fetches.remove(&id) {
            self.net.fetch_close(inner);
        }
        self.http_seen.remove(&id);
    }

    fn decrypt(
        &mut self,
        mode: CipherMode,
        key: &[u8; 16],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<usize, Status> {
        self.net.decrypt(mode, key, iv, data)
    }

    fn decoder_open(&mut self, config: &DecoderConfig, extra: &[u8]) -> Result<PortId, Status> {
        if !self.can_decode(
            config.codec,
            config.width,
            config.height,
            config.bitrate_bps,
        ) {
            return Err(Status::Unsupported);
        }
        let extradata = crate::config::extradata(config.codec, config.bitstream, extra)
            .ok_or(Status::InvalidArgument)?;
        let av = AvDecoder::open(
            config.codec,
            &extradata,
            config.sample_rate,
            config.channels,
        )
        .map_err(|e| match e {
            OpenError::Unsupported => Status::Unsupported,
            OpenError::Refused => Status::InvalidArgument,
        })?;
        let id = self.id();
        let decoder = EmuDecoder::new(
            *config,
            av,
            self.profile.decoder_queue_bytes,
            self.profile.decode_us,
            self.profile.output_frames,
            self.profile.audio_channels,
        );
        self.decoders.insert(id, decoder);
        self.position_set = false;
        self.settle_media();
        Ok(id)
    }

    fn decoder_submit(
        &mut self,
        id: PortId,
        sample: &SampleInfo,
        data: &[&[u8]],
        encryption: Option<(&EncryptionInfo, &[Subsample])>,
    ) -> Result<(), Status> {
        let len = data
            .iter()
            .try_fold(0usize, |n, part| n.checked_add(part.len()))
            .ok_or(Status::InvalidArgument)?;
        let decoder = self.decoders.get_mut(&id).ok_or(Status::Internal)?;
        if encryption.is_some() {
            // No key system: protected units cannot be decoded here.
            return Err(Status::Unsupported);
        }
        if !decoder.fits(len) {
            return Err(Status::WouldBlock);
        }
        let mut bytes = Vec::new();
        bytes
            .try_reserve_exact(len)
            .map_err(|_| Status::BudgetExceeded)?;
        for part in data {
            bytes.extend_from_slice(part);
        }
        decoder.submit(*sample, bytes);
        self.settle_media();
        Ok(())
    }

    fn decoder_info(&mut self, id: PortId) -> DecoderStats {
        self.decoders
            .get(&id)
            .map(EmuDecoder::stats)
            .unwrap_or_default()
    }

    fn decoder_flush(&mut self, id: PortId) {
        if let Some(d) = self.decoders.get_mut(&id) {
            d.flush();
            if d.kind() == TrackKind::Audio {
                if let Some(speaker) = &mut self.speaker {
                    speaker.discard();
                }
            }
        }
        self.position_set = false;
        self.settle_media();
    }

    fn decoder_close(&mut self, id: PortId) {
        if let Some(d) = self.decoders.remove(&id) {
            self.closed_logs.insert(id, d.log);
        }
        self.settle_media();
    }

    fn media_clock(&mut self) -> MediaClockInfo {
        self.clock
    }

    fn media_set_rate(&mut self, rate_milli: u32) {
        self.clock.rate_milli = rate_milli;
        if let Some(speaker) = &mut self.speaker {
            speaker.card.pause(rate_milli == 0);
        }
        self.settle_media();
    }

    fn media_set_position(&mut self, pts_us: i64) {
        if let Some(speaker) = &mut self.speaker {
            speaker.discard();
        }
        self.clock.position_us = pts_us;
        self.clock_carry = 0;
        self.position_set = true;
        for d in self.decoders.values_mut() {
            d.anchor(pts_us);
        }
        self.settle_media();
    }

    fn image_create(&mut self, desc: &ImageDesc, pixels: &[u8]) -> Result<PortId, Status> {
        let id = self.id();
        self.images.insert(
            id,
            ImageRecord {
                desc: *desc,
                pixels: pixels.to_vec(),
            },
        );
        Ok(id)
    }

    fn image_update(&mut self, id: PortId, rect: &Rect, pixels: &[u8]) {
        let Some(img) = self.images.get_mut(&id) else {
            return;
        };
        // The runtime checked the rectangle; the arithmetic is checked anyway so
        // that a direct caller cannot make the device panic.
        let bpp = img.desc.format.bytes_per_pixel().unwrap_or(4) as usize;
        let stride = img.desc.stride as usize;
        let Some(row) = (rect.w as usize).checked_mul(bpp) else {
            return;
        };
        let (Ok(x0), Ok(y0)) = (usize::try_from(rect.x), usize::try_from(rect.y)) else {
            return;
        };
        let inside = |at: usize, len: u32, limit: u32| {
            at.checked_add(len as usize)
                .is_some_and(|end| end <= limit as usize)
        };
        if !inside(x0, rect.w, img.desc.width) || !inside(y0, rect.h, img.desc.height) {
            return;
        }
        for y in 0..rect.h as usize {
            let dst = y0
                .checked_add(y)
                .and_then(|r| r.checked_mul(stride))
                .and_then(|o| o.checked_add(x0.checked_mul(bpp)?));
            let src = y
                .checked_mul(row)
                .and_then(|o| pixels.get(o..o.checked_add(row)?));
            let dst = dst.and_then(|o| img.pixels.get_mut(o..o.checked_add(row)?));
            match (dst, src) {
                (Some(d), Some(s)) => d.copy_from_slice(s),
                _ => return,
            }
        }
    }

    fn image_free(&mut self, id: PortId) {
        self.images.remove(&id);
    }

    fn draw(&mut self, list: &DrawList<'_>) {
        self.pending_lists.push(list.as_bytes().to_vec());
    }

    fn present(&mut self) {
        let lists = std::mem::take(&mut self.pending_lists);
        let frame = Frame {
            at_us: self.now,
            lists,
        };
        if let Some(hook) = &mut self.compose {
            let video = self
                .decoders
                .values()
                .rev()
                .filter(|d| d.kind() == TrackKind::Video)
                .find_map(EmuDecoder::current_frame);
            hook(&frame, &self.images, video.as_ref());
        }
        self.frames.push(frame);
        if self.frames.len() / 2 > self.frames_keep {
            let excess = self.frames.len() - self.frames_keep;
            self.frames.drain(..excess);
        }
    }

    fn kv_get(&mut self, key: &[u8], out: &mut [u8]) -> Result<usize, Status> {
        self.net.kv_get(key, out)
    }

    fn kv_set(&mut self, key: &[u8], value: &[u8]) -> Result<(), Status> {
        self.net.kv_set(key, value)
    }

    fn kv_delete(&mut self, key: &[u8]) -> Result<(), Status> {
        self.net.kv_delete(key)
    }
}
