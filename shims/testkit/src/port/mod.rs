//! [`TestPort`]: the deterministic in-memory device.

mod time;

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;

use aes::cipher::{
    block_padding::NoPadding, block_padding::Pkcs7, BlockDecryptMut, KeyIvInit, StreamCipher,
};
use wasp_core::abi::caps::{AudioOutputInfo, DecodingInfo, DecodingQuery, DisplayInfo};
use wasp_core::abi::decoder::{
    DecoderConfig, DecoderStats, EncryptionInfo, MediaClockInfo, SampleInfo, Subsample,
};
use wasp_core::abi::event::KeyEvent;
use wasp_core::abi::fetch::{FetchInfo, FetchRequest};
use wasp_core::abi::gfx::{ImageDesc, Rect};
use wasp_core::abi::key::{Key, KeyAction};
use wasp_core::abi::media::{Codec, PixelFormat, TrackKind};
use wasp_core::abi::player::{feature, LogLevel, PlayerState, ReportKind, StateReason};
use wasp_core::abi::store::CipherMode;
use wasp_core::abi::Status;
use wasp_core::{DrawList, HostEvent, Port, PortId};

use crate::decoder::{TestDecoder, Unit, DEFAULT_DECODE_US};
use crate::net::{Network, Resource, Transfer};

/// Where the virtual clock starts: 2^32 µs, so a 32-bit truncation shows at once.
pub const START_US: i64 = 1 << 32;

/// An uploaded image, with its pixels kept up to date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRecord {
    /// Its description.
    pub desc: ImageDesc,
    /// Its pixels, `stride * height` bytes.
    pub pixels: Vec<u8>,
}

/// One presented frame: the checked draw lists drawn since the previous present.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Virtual time of the present.
    pub at_us: i64,
    /// The draw lists, in order, as the port received them.
    pub lists: Vec<Vec<u8>>,
}

/// One unit a decoder presented (showed or played) on the media clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Presented {
    /// Virtual (device) time of the presentation.
    pub at_us: i64,
    /// The decoder.
    pub decoder: PortId,
    /// The unit's presentation timestamp.
    pub pts_us: i64,
    /// Video or audio.
    pub kind: TrackKind,
}

/// A deterministic device. Configure it through its public fields and methods, run a
/// module on it, then inspect what it recorded.
#[derive(Debug)]
pub struct TestPort {
    /// Virtual time, µs.
    pub now: i64,
    /// One line per port call, in order (while [`TestPort::keep_trace`]).
    pub trace: Vec<String>,
    /// Whether to record [`TestPort::trace`] (true by default; long simulations turn
    /// it off).
    pub keep_trace: bool,
    /// Log lines received.
    pub logs: Vec<(LogLevel, String)>,
    /// States reported.
    pub states: Vec<(PlayerState, StateReason)>,
    /// Reports received.
    pub reports: Vec<(ReportKind, Vec<u8>)>,
    /// Messages given to the fatal hook.
    pub fatal: Vec<String>,
    /// The network.
    pub network: Network,
    /// Fetches in flight, by id.
    pub transfers: BTreeMap<PortId, Transfer>,
    /// Open decoders, by id.
    pub decoders: BTreeMap<PortId, TestDecoder>,
    /// Decoders closed, in order.
    pub closed_decoders: Vec<TestDecoder>,
    /// Per-decoder queue budget.
    pub decoder_queue_bytes: usize,
    /// Codecs the device decodes.
    pub codecs: Vec<Codec>,
    /// Largest video it decodes.
    pub max_video: (u32, u32),
    /// Images, by id.
    pub images: BTreeMap<PortId, ImageRecord>,
    /// Draw lists since the last present.
    pub pending_lists: Vec<Vec<u8>>,
    /// Presented frames.
    pub frames: Vec<Frame>,
    /// The key-value store.
    pub kv: BTreeMap<Vec<u8>, Vec<u8>>,
    /// Its budget, keys and values together.
    pub kv_budget: usize,
    /// The media clock. Its position advances at `rate_milli / 1000` while it runs;
    /// it runs when the rate is above 0, `media_set_position` was called since the
    /// last decoder open or flush, and no open decoder is starved (it holds nothing
    /// whose interval reaches past the position and has not had end of stream; when
    /// that stops the clock, each starved decoder reports `Underflow`). After
    /// a stop it restarts by itself once every decoder has a picture at or after the
    /// position decoded: that is how a rebuffer looks to the player.
    pub clock: MediaClockInfo,
    /// Display answer.
    pub display: DisplayInfo,
    /// Audio output answer.
    pub audio: AudioOutputInfo,
    /// Feature bits.
    pub features: u64,
    /// Whether software AES is offered.
    pub crypto: bool,
    /// Events waiting for the module.
    pub events: VecDeque<HostEvent>,
    /// The last units presented, oldest first (at most [`TestPort::presented_keep`]).
    pub presented: VecDeque<Presented>,
    /// How many presentations [`TestPort::presented`] keeps (`usize::MAX` by default;
    /// lower it for long simulations: [`TestPort::presented_total`] still counts all).
    pub presented_keep: usize,
    /// Units presented since the port was made.
    pub presented_total: u64,
    /// Whether decoders opened from now on keep every unit's bytes
    /// ([`TestDecoder::received`]); true by default, turn it off for long runs.
    pub keep_units: bool,
    /// Device time to decode one unit, for decoders opened from now on (µs).
    pub decode_us: i64,
    /// Further decode time per KiB of a unit, for decoders opened from now on (µs).
    pub decode_us_per_kib: i64,
    /// `media_set_position` was called since the last decoder open or flush.
    position_set: bool,
    /// Thousandths of a µs of media time not yet added to the position.
    clock_carry: i64,
    rng: u64,
    next_id: PortId,
}

impl Default for TestPort {
    fn default() -> Self {
        Self::new()
    }
}

impl TestPort {
    /// A 1080p TV-stick-like device with H.264/H.265/AAC, every feature, and an empty
    /// network whose link answers in 1 ms at unlimited speed.
    pub fn new() -> Self {
        Self {
            now: START_US,
            trace: Vec::new(),
            keep_trace: true,
            logs: Vec::new(),
            states: Vec::new(),
            reports: Vec::new(),
            fatal: Vec::new(),
            network: Network::default(),
            transfers: BTreeMap::new(),
            decoders: BTreeMap::new(),
            closed_decoders: Vec::new(),
            decoder_queue_bytes: 4 << 20,
            codecs: vec![Codec::H264, Codec::H265, Codec::Aac, Codec::Mp3],
            max_video: (1920, 1080),
            images: BTreeMap::new(),
            pending_lists: Vec::new(),
            frames: Vec::new(),
            kv: BTreeMap::new(),
            kv_budget: 64 << 10,
            clock: MediaClockInfo {
                position_us: 0,
                rate_milli: 0,
                running: 0,
            },
            display: DisplayInfo {
                width: 1920,
                height: 1080,
                refresh_millihz: 60_000,
                format: PixelFormat::Rgba8888Premul,
                safe_left: 96,
                safe_top: 54,
                safe_right: 96,
                safe_bottom: 54,
                video_max_width: 1920,
                video_max_height: 1080,
            },
            audio: AudioOutputInfo {
                channels: 2,
                sample_rate: 48_000,
                latency_us: 20_000,
                passthrough: 0,
            },
            features: feature::ALL_V1,
            crypto: true,
            events: VecDeque::new(),
            presented: VecDeque::new(),
            presented_keep: usize::MAX,
            presented_total: 0,
            keep_units: true,
            decode_us: DEFAULT_DECODE_US,
            decode_us_per_kib: 0,
            position_set: false,
            clock_carry: 0,
            rng: 0x9E37_79B9_7F4A_7C15,
            next_id: 1,
        }
    }

    /// Serves `body` at `url`.
    pub fn serve(&mut self, url: &str, body: impl Into<Vec<u8>>) -> &mut Resource {
        let resource = self.network.resources.entry(url.into()).or_default();
        resource.body = body.into();
        resource
    }

    /// Queues a key press (down) for the module.
    pub fn press(&mut self, key: Key) {
        self.events.push_back(HostEvent::Key(KeyEvent {
            time_us: self.now,
            key,
            action: KeyAction::Down,
        }));
    }

    /// The module's log lines, text only.
    pub fn log_lines(&self) -> Vec<&str> {
        self.logs.iter().map(|(_, l)| l.as_str()).collect()
    }

    fn id(&mut self) -> PortId {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn record(&mut self, line: std::fmt::Arguments<'_>) {
        if !self.keep_trace {
            return;
        }
        let mut s = String::new();
        let _ = s.write_fmt(line);
        self.trace.push(s);
    }

    fn kv_used(&self) -> usize {
        self.kv.iter().map(|(k, v)| k.len() + v.len()).sum()
    }
}

/// Copies `value` into `out` if it fits; returns its full length.
fn snprintf(value: &[u8], out: &mut [u8]) -> usize {
    if let Some(dst) = out.get_mut(..value.len()) {
        dst.copy_from_slice(value);
    }
    value.len()
}

impl Port for TestPort {
    fn now_us(&mut self) -> i64 {
        self.now
    }

    fn log(&mut self, level: LogLevel, line: &str) {
        self.logs.push((level, line.into()));
    }

    fn random_fill(&mut self, buf: &mut [u8]) {
        for b in buf.iter_mut() {
            // xorshift64: deterministic, seeded.
            self.rng ^= self.rng << 13;
            self.rng ^= self.rng >> 7;
            self.rng ^= self.rng << 17;
            *b = self.rng as u8;
        }
        self.record(format_args!("random_fill {}", buf.len()));
    }

    fn poll_event(&mut self) -> Option<HostEvent> {
        self.events.pop_front()
    }

    fn on_state(&mut self, state: PlayerState, reason: StateReason) {
        self.states.push((state, reason));
        self.record(format_args!("state {state} {reason}"));
    }

    fn on_report(&mut self, kind: ReportKind, payload: &[u8]) {
        self.reports.push((kind, payload.to_vec()));
        self.record(format_args!("report {kind} {} bytes", payload.len()));
    }

    fn fatal(&mut self, message: &str) {
        self.fatal.push(message.into());
    }

    fn decoding_info(&mut self, q: &DecodingQuery, codecs: &str) -> DecodingInfo {
        let video_ok = q.width <= self.max_video.0 && q.height <= self.max_video.1;
        let supported = self.codecs.contains(&q.codec) && video_ok;
        self.record(format_args!(
            "caps_decoding {} {}x{} {codecs:?} -> {supported}",
            q.codec, q.width, q.height
        ));
        DecodingInfo {
            supported: supported.into(),
            smooth: supported.into(),
            power_efficient: (supported
                && q.codec.kind() == wasp_core::abi::media::TrackKind::Video)
                .into(),
            max_instances: u32::from(supported),
        }
    }

    fn display_info(&mut self) -> DisplayInfo {
        self.display
    }

    fn audio_info(&mut self) -> AudioOutputInfo {
        self.audio
    }

    fn features(&mut self) -> u64 {
        self.features
    }

    fn fetch_open(
        &mut self,
        request: &FetchRequest,
        url: &str,
        headers: &str,
    ) -> Result<PortId, Status> {
        let id = self.next_id;
        let transfer = self.network.open(request, url, headers, self.now, id)?;
        self.next_id += 1;
        self.record(format_args!(
            "fetch_open {id} {url} range={}-{} headers={headers:?}",
            request.range_start, request.range_end as i64
        ));
        self.transfers.insert(id, transfer);
        self.network.settle(&mut self.transfers, self.now);
        Ok(id)
    }

    fn fetch_info(&mut self, id: PortId) -> FetchInfo {
        self.transfers
            .get(&id)
            .map(|t| t.info(self.now))
            .unwrap_or_default()
    }

    fn fetch_read(&mut self, id: PortId, buf: &mut [u8]) -> Result<usize, Status> {
        self.transfers
            .get_mut(&id)
            .ok_or(Status::Internal)?
            .read(buf)
    }

    fn fetch_header(&mut self, id: PortId, name: &str, out: &mut [u8]) -> Result<usize, Status> {
        let t = self.transfers.get(&id).ok_or(Status::Internal)?;
        if !t.headers_in(self.now) {
            return Err(Status::WouldBlock);
        }
        t.header(name)
            .map(|v| snprintf(v.as_bytes(), out))
            .ok_or(Status::NotFound)
    }

    fn fetch_url(&mut self, id: PortId, out: &mut [u8]) -> Result<usize, Status> {
        let t = self.transfers.get(&id).ok_or(Status::Internal)?;
        Ok(snprintf(t.final_url().as_bytes(), out))
    }

    fn fetch_close(&mut self, id: PortId) {
        if let Some(t) = self.transfers.remove(&id) {
            self.network.close(&t, self.now);
        }
        self.record(format_args!("fetch_close {id}"));
    }

    fn decrypt(
        &mut self,
        mode: CipherMode,
        key: &[u8; 16],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<usize, Status> {
        if !self.crypto {
            return Err(Status::Unsupported);
        }
        self.record(format_args!("decrypt {mode} {} bytes", data.len()));
        type CbcDec = cbc::Decryptor<aes::Aes128>;
        match mode {
            CipherMode::CbcPkcs7 => CbcDec::new(key.into(), iv.into())
                .decrypt_padded_mut::<Pkcs7>(data)
                .map(<[u8]>::len)
                .map_err(|_| Status::InvalidArgument),
            CipherMode::Cbc => CbcDec::new(key.into(), iv.into())
                .decrypt_padded_mut::<NoPadding>(data)
                .map(<[u8]>::len)
                .map_err(|_| Status::InvalidArgument),
            CipherMode::Ctr => {
                ctr::Ctr128BE::<aes::Aes128>::new(key.into(), iv.into()).apply_keystream(data);
                Ok(data.len())
            }
        }
    }

    fn decoder_open(&mut self, config: &DecoderConfig, extra: &[u8]) -> Result<PortId, Status> {
        let video_ok = config.width <= self.max_video.0 && config.height <= self.max_video.1;
        if !self.codecs.contains(&config.codec) || !video_ok {
            return Err(Status::Unsupported);
        }
        let id = self.id();
        self.record(format_args!(
            "decoder_open {id} {} {}x{} extra={}",
            config.codec,
            config.width,
            config.height,
            extra.len()
        ));
        let mut decoder = TestDecoder::new(*config, extra, self.decoder_queue_bytes);
        decoder.keep_units = self.keep_units;
        decoder.decode_us = self.decode_us;
        decoder.decode_us_per_kib = self.decode_us_per_kib;
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
        let len: usize = data.iter().map(|part| part.len()).sum();
        let decoder = self.decoders.get_mut(&id).ok_or(Status::Internal)?;
        if !decoder.fits(len) {
            return Err(Status::WouldBlock);
        }
        // Long simulations do not keep units: do not even copy their bytes.
        let bytes = if decoder.keep_units {
            data.concat()
        } else {
            Vec::new()
        };
        decoder.submit(
            Unit {
                info: *sample,
                data: bytes,
                encrypted: encryption.is_some(),
            },
            len,
        );
        self.record(format_args!(
            "decoder_submit {id} pts={} dts={} flags={:#x} size={len} parts={}",
            sample.pts_us,
            sample.dts_us,
            sample.flags,
            data.len()
        ));
        self.settle_media();
        Ok(())
    }

    fn decoder_info(&mut self, id: PortId) -> DecoderStats {
        self.decoders
            .get(&id)
            .map(TestDecoder::stats)
            .unwrap_or_default()
    }

    fn decoder_flush(&mut self, id: PortId) {
        if let Some(d) = self.decoders.get_mut(&id) {
            d.flush();
        }
        self.position_set = false;
        self.settle_media();
        self.record(format_args!("decoder_flush {id}"));
    }

    fn decoder_close(&mut self, id: PortId) {
        if let Some(d) = self.decoders.remove(&id) {
            self.closed_decoders.push(d);
        }
        self.settle_media();
        self.record(format_args!("decoder_close {id}"));
    }

    fn media_clock(&mut self) -> MediaClockInfo {
        self.clock
    }

    fn media_set_rate(&mut self, rate_milli: u32) {
        self.clock.rate_milli = rate_milli;
        self.settle_media();
        self.record(format_args!("media_set_rate {rate_milli}"));
    }

    fn media_set_position(&mut self, pts_us: i64) {
        self.clock.position_us = pts_us;
        self.clock_carry = 0;
        self.position_set = true;
        for d in self.decoders.values_mut() {
            d.anchor(pts_us);
        }
        self.settle_media();
        self.record(format_args!("media_set_position {pts_us}"));
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
        self.record(format_args!(
            "image_create {id} {}x{} {}",
            desc.width, desc.height, desc.format
        ));
        Ok(id)
    }

    fn image_update(&mut self, id: PortId, rect: &Rect, pixels: &[u8]) {
        if let Some(img) = self.images.get_mut(&id) {
            let bpp = img.desc.format.bytes_per_pixel().unwrap_or(4) as usize;
            let row = rect.w as usize * bpp;
            for y in 0..rect.h as usize {
                let dst = (rect.y as usize + y) * img.desc.stride as usize + rect.x as usize * bpp;
                img.pixels[dst..dst + row].copy_from_slice(&pixels[y * row..(y + 1) * row]);
            }
        }
        self.record(format_args!(
            "image_update {id} {},{} {}x{}",
            rect.x, rect.y, rect.w, rect.h
        ));
    }

    fn image_free(&mut self, id: PortId) {
        self.images.remove(&id);
        self.record(format_args!("image_free {id}"));
    }

    fn draw(&mut self, list: &DrawList<'_>) {
        self.pending_lists.push(list.as_bytes().to_vec());
        self.record(format_args!("draw {} commands", list.len()));
    }

    fn present(&mut self) {
        let lists = std::mem::take(&mut self.pending_lists);
        self.frames.push(Frame {
            at_us: self.now,
            lists,
        });
        self.record(format_args!("present"));
    }

    fn kv_get(&mut self, key: &[u8], out: &mut [u8]) -> Result<usize, Status> {
        self.kv
            .get(key)
            .map(|v| snprintf(v, out))
            .ok_or(Status::NotFound)
    }

    fn kv_set(&mut self, key: &[u8], value: &[u8]) -> Result<(), Status> {
        let old = self.kv.get(key).map_or(0, |v| key.len() + v.len());
        if self.kv_used() - old + key.len() + value.len() > self.kv_budget {
            return Err(Status::BudgetExceeded);
        }
        self.kv.insert(key.to_vec(), value.to_vec());
        self.record(format_args!(
            "kv_set {:?} {} bytes",
            String::from_utf8_lossy(key),
            value.len()
        ));
        Ok(())
    }

    fn kv_delete(&mut self, key: &[u8]) -> Result<(), Status> {
        self.kv.remove(key).map(|_| ()).ok_or(Status::NotFound)
    }
}
