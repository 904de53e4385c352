//! The MCU port: the runtime's [`Port`] over this crate's drivers, generic over the
//! board's parts, so that every board (the QEMU models, a real STM32 board) runs the
//! same port and passes the same conformance suite.
//!
//! A board implements [`Board`]: its parts' types (files, the decoder chip's SPI
//! devices and pins, the display's SPI device and D/CX pin) and the few things only
//! it knows (where log lines go, the chip's buffer level when it can tell, what to do
//! with each presented frame). It hands the parts over in [`Parts`] to
//! [`McuPort::new`] with its clock. `shims/mcu/README.md` shows a board doing so.
//!
//! * **Fetch**: `file:///path` URLs are files of the board's [`Storage`]; a file's
//!   response headers come from its sidecar `<file>.headers` ([`sidecar`]), so an ICY
//!   capture plays as a radio stream.
//! * **Audio**: the VS1053 driver ([`Vs1053`]): the module's frames go into the
//!   driver's queue of [`QUEUE_BYTES`], [`McuPort::pump`] feeds the chip while DREQ is
//!   high; the queue level is the driver's queue plus the chip's buffer
//!   ([`Board::chip_buffered`]). MP3 as it comes; AAC (which the module hands over
//!   as raw access units, its ADTS headers taken off) gets an ADTS header back on
//!   each frame, made from the stream's `AudioSpecificConfig` ([`AdtsConfig`]), since
//!   the chip reads AAC from ADTS (VS1053b datasheet §8.1 "Supported Audio Formats").
//! * **Media clock**: uptime, anchored where the module sets the position and rate.
//! * **Display**: the ST7789 driver: each present renders the frame's draw lists in
//!   stripes of [`Board::STRIPE_ROWS`] rows through `wasp-raster`'s band canvas
//!   ([`stripes::write_frame`]); the board sees each stripe's RGBA rows
//!   ([`Board::frame_begin`], [`Board::frame_end`]).
//! * **Volume**: [`McuPort::volume_key`] sets the chip's attenuation (`SCI_VOL`) and
//!   keeps it in the key-value store under [`VOLUME_KEY`]; the port starts at the
//!   stored volume.
//! * **Key-value store**: `kv_get`/`kv_set`/`kv_delete` go to [`KvStore`] over the
//!   board's NOR flash, when the board has one ([`Parts::kv`]).

extern crate alloc;

#[cfg(feature = "defmt")]
pub mod defmt_log;
pub mod sidecar;

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::{InputPin, OutputPin};
use embedded_hal::spi::SpiDevice;
use embedded_storage::nor_flash::NorFlash;
use wasp_core::abi::caps::{AudioOutputInfo, DecodingInfo, DecodingQuery, DisplayInfo};
use wasp_core::abi::decoder::{
    DecoderConfig, DecoderState, DecoderStats, EncryptionInfo, MediaClockInfo, SampleInfo,
    Subsample, SAMPLE_END_OF_STREAM,
};
use wasp_core::abi::fetch::{FetchInfo, FetchRequest, FetchState};
use wasp_core::abi::gfx::{ImageDesc, Rect};
use wasp_core::abi::key::Key;
use wasp_core::abi::media::{Codec, PixelFormat, TrackKind};
use wasp_core::abi::player::{feature, LogLevel, PlayerState, StateReason};
use wasp_core::abi::Status;
use wasp_core::{DrawList, Port, PortId};
use wasp_raster::{render_list, Canvas, Image, Images};

use crate::adts::{AdtsConfig, HEADER_LEN};
use crate::kv::KvStore;
use crate::st7789::St7789;
use crate::storage::Storage;
use crate::stripes;
use crate::vs1053::{SdiObserver, State as ChipState, Vs1053};

/// The driver's queue of compressed bytes ahead of the chip's FIFO (256 ms at
/// 128 kbit/s).
pub const QUEUE_BYTES: usize = 4096;
/// The chip's stream buffer: DREQ high promises room for 32 bytes, and the chip holds
/// up to 2048 bytes of stream data (VS1053b datasheet v1.31 §7.4 "Data Request Pin
/// DREQ", §10.5 "Play and Decode").
pub const CHIP_BUFFER: usize = 2048;
/// Largest sidecar read.
const SIDECAR_MAX: usize = 1024;
/// The chip's attenuation at start, 0.5 dB steps (-16 dB).
pub const START_ATTENUATION: u8 = 0x20;
/// Attenuation a volume key changes, 0.5 dB steps.
pub const VOLUME_STEP: u8 = 8;
/// `SCI_VOL`'s silence (§9.6.11).
pub const SILENT: u8 = 0xFE;
/// The key under which the port keeps the device's volume (the chip's attenuation,
/// one byte, 0.5 dB steps; Mute is not kept) in the key-value store it shares with
/// the module.
pub const VOLUME_KEY: &[u8] = b"device.volume";

/// Waits on the board's clock (µs since boot).
pub struct Delay(pub fn() -> u64);

impl DelayNs for Delay {
    fn delay_ns(&mut self, ns: u32) {
        let end = (self.0)() + u64::from(ns).div_ceil(1000);
        while (self.0)() < end {}
    }
}

/// Something that is given each stripe of a presented frame, top to bottom.
pub trait StripeSink {
    /// A stripe's RGBA rows (premultiplied, rows packed), as rendered.
    fn stripe(&mut self, rgba: &[u8]);
}

impl StripeSink for () {
    fn stripe(&mut self, _: &[u8]) {}
}

/// What goes wrong in the port's own driving of the parts, for the board's log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartError {
    /// The decoder chip did not raise DREQ after its reset.
    ChipReset,
    /// The decoder chip's SPI or pins failed while feeding it.
    ChipFeed,
    /// The decoder chip's volume register was not written.
    ChipVolume,
    /// The decoder chip's cancel sequence failed.
    ChipCancel,
    /// The panel's wake-up sequence failed.
    PanelInit,
    /// A frame did not reach the panel whole.
    PanelFrame,
    /// The volume was not written to the key-value store.
    KvVolume,
}

impl PartError {
    /// The line a log shows for it.
    pub fn message(self) -> &'static str {
        match self {
            PartError::ChipReset => "decoder chip: no DREQ after reset",
            PartError::ChipFeed => "decoder chip: SPI failed",
            PartError::ChipVolume => "decoder chip: volume not set",
            PartError::ChipCancel => "decoder chip: cancel failed",
            PartError::PanelInit => "panel: init failed",
            PartError::PanelFrame => "panel: frame not sent",
            PartError::KvVolume => "key-value store: volume not kept",
        }
    }
}

/// A board: the types of its parts, its display's geometry and what only it knows.
pub trait Board {
    /// Where fetched files come from.
    type Files: Storage;
    /// The decoder chip's SCI (control) SPI device: ≤ 1.75 MHz until `SCI_CLOCKF`
    /// is set (VS1053b datasheet §9.6.4), then up to CLKI/7.
    type Sci: SpiDevice;
    /// The decoder chip's SDI (data) SPI device.
    type Sdi: SpiDevice;
    /// The decoder chip's DREQ input.
    type Dreq: InputPin;
    /// The decoder chip's xRESET output.
    type ChipReset: OutputPin;
    /// Sees every byte written to SDI (`()` for none).
    type Observer: SdiObserver;
    /// The display's SPI device.
    type PanelSpi: SpiDevice;
    /// The display's D/CX output.
    type PanelDc: OutputPin;
    /// What each presented frame's stripes go to ([`StripeSink`]; `()` for nothing).
    type Frame: StripeSink;
    /// The NOR flash the key-value store lives on (erase pages of at least
    /// [`crate::kv::MIN_PAGE`]).
    type Flash: NorFlash;

    /// Visible panel width in pixels.
    const WIDTH: u16;
    /// Visible panel height in pixels.
    const HEIGHT: u16;
    /// Where the visible area starts in the controller's memory (x, y): (0, 0) for
    /// 240x320 panels, often (0, 80) for rotated 240x240 modules.
    const PANEL_OFFSET: (u16, u16) = (0, 0);
    /// Rows per stripe: RAM for one stripe is `WIDTH * STRIPE_ROWS * 6` bytes (RGBA
    /// and RGB565).
    const STRIPE_ROWS: usize = 8;

    /// A line the module (or the runtime) logged.
    fn log(&mut self, level: LogLevel, line: &str);

    /// Fills `buf` with random bytes (the board's TRNG; `virt::Prng` where it has
    /// none).
    fn random_fill(&mut self, buf: &mut [u8]);

    /// The player's state changed to `state`.
    fn state(&mut self, state: PlayerState) {
        let _ = state;
    }

    /// A part failed (the port carries on).
    fn error(&mut self, error: PartError);

    /// Called before each feed of the chip and each look at its level, at `now_us`
    /// of uptime: a board whose chip is a model advances it here.
    fn chip_advance(&mut self, now_us: u64) {
        let _ = now_us;
    }

    /// Stream bytes in the chip's buffer, not yet played (0 when the board cannot
    /// tell; at most [`CHIP_BUFFER`]).
    fn chip_buffered(&mut self) -> usize {
        0
    }

    /// The stream's byte rate, from a frame's size and duration (a model plays its
    /// buffer at it).
    fn stream_rate(&mut self, bytes_per_second: u64, now_us: u64) {
        let _ = (bytes_per_second, now_us);
    }

    /// `bytes` more stream bytes went into the driver's queue (they reach SDI, in
    /// order, before any end-of-stream fill).
    fn queued(&mut self, bytes: usize) {
        let _ = bytes;
    }

    /// A frame starts; its stripes go to what this returns.
    fn frame_begin(&mut self) -> Self::Frame;

    /// Frame `number` (from 1) was sent to the panel over `bus`; `frame` has seen
    /// every stripe.
    fn frame_end(&mut self, frame: Self::Frame, number: u32, bus: &mut Self::PanelSpi);
}

/// The parts a board hands to [`McuPort::new`].
pub struct Parts<B: Board> {
    /// Fetched files.
    pub files: B::Files,
    /// The decoder chip's SCI.
    pub sci: B::Sci,
    /// The decoder chip's SDI.
    pub sdi: B::Sdi,
    /// The decoder chip's DREQ.
    pub dreq: B::Dreq,
    /// The decoder chip's xRESET.
    pub chip_reset: B::ChipReset,
    /// The SDI observer.
    pub observer: B::Observer,
    /// The display's SPI device.
    pub panel_spi: B::PanelSpi,
    /// The display's D/CX pin.
    pub panel_dc: B::PanelDc,
    /// The key-value store (`None`: the port has none, `kv_*` are unsupported).
    pub kv: Option<KvStore<B::Flash>>,
}

/// The decoder chip's driver on a board.
pub type Decoder<B> = Vs1053<
    <B as Board>::Sci,
    <B as Board>::Sdi,
    <B as Board>::Dreq,
    <B as Board>::ChipReset,
    Delay,
    <B as Board>::Observer,
    QUEUE_BYTES,
>;

/// An open file fetch.
struct FileFetch<F> {
    file: F,
    size: u64,
    offset: u64,
    headers: String,
}

/// An image the module uploaded.
struct StoredImage {
    desc: ImageDesc,
    pixels: Vec<u8>,
}

/// The port's images, looked up by id for the rasteriser.
struct PortImages<'a>(&'a BTreeMap<PortId, StoredImage>);

impl Images for PortImages<'_> {
    fn image(&self, id: u32) -> Option<Image<'_>> {
        self.0.get(&id).map(|i| Image {
            desc: i.desc,
            pixels: &i.pixels,
        })
    }
}

/// The media clock: a position anchored at an uptime, running at a rate.
#[derive(Clone, Copy, Debug, Default)]
struct Clock {
    position_us: i64,
    at_us: u64,
    rate_milli: u32,
}

impl Clock {
    fn position(&self, now_us: u64) -> i64 {
        let elapsed = i64::try_from(now_us.saturating_sub(self.at_us)).unwrap_or(i64::MAX);
        self.position_us
            .saturating_add(elapsed.saturating_mul(i64::from(self.rate_milli)) / 1000)
    }

    fn rebase(&mut self, now_us: u64) {
        self.position_us = self.position(now_us);
        self.at_us = now_us;
    }
}

/// What the port counted, for the board's report.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    /// Lines the module logged.
    pub lines: u32,
    /// Frames presented.
    pub frames: u32,
    /// Audio units the decoder took.
    pub units: u32,
    /// Bytes written to the chip's SDI by the driver.
    pub sdi_bytes: u64,
}

/// The MCU port over a board's parts (module docs).
pub struct McuPort<B: Board> {
    uptime: fn() -> u64,
    epoch_us: i64,
    /// What the port counted.
    pub counts: Counts,
    /// The module's last reported state.
    pub state: PlayerState,
    /// Count the module's log lines without passing them to [`Board::log`].
    pub quiet: bool,
    board: B,
    files: B::Files,
    fetches: BTreeMap<PortId, FileFetch<<B::Files as Storage>::File>>,
    next_id: PortId,
    decoder: Box<Decoder<B>>,
    decoder_open: bool,
    end_of_stream: bool,
    /// Flushed, and nothing submitted since: what the chip's buffer holds is the
    /// cancel sequence's fill, not stream.
    flushed: bool,
    /// The open AAC stream's ADTS header fields (`None`: MP3).
    adts: Option<AdtsConfig>,
    clock: Clock,
    images: BTreeMap<PortId, StoredImage>,
    lists: Vec<Vec<u8>>,
    panel: St7789<B::PanelSpi, B::PanelDc>,
    rgba: Vec<u8>,
    rgb565: Vec<u8>,
    /// Boxed: the store's work buffer is 4.2 KiB, which the port's moves would
    /// otherwise copy on the stack.
    kv: Option<Box<KvStore<B::Flash>>>,
    attenuation: u8,
    /// The attenuation before Mute, while muted.
    muted: Option<u8>,
}

impl<B: Board> McuPort<B> {
    /// The port on the board's clock (`uptime`, µs since boot; port time is
    /// `epoch_us` plus it); brings the decoder chip (reset, clock, the volume kept
    /// under [`VOLUME_KEY`] or [`START_ATTENUATION`]) and the panel up. A part that
    /// fails is reported to [`Board::error`] and the port carries on without it.
    pub fn new(mut board: B, parts: Parts<B>, uptime: fn() -> u64, epoch_us: i64) -> Self {
        let mut kv = parts.kv.map(Box::new);
        let attenuation = kv
            .as_mut()
            .and_then(|kv| {
                let mut value = [0];
                (kv.get(VOLUME_KEY, &mut value) == Ok(1)).then_some(value[0])
            })
            .unwrap_or(START_ATTENUATION)
            .min(SILENT - 1);
        let mut decoder = Box::new(Vs1053::new(
            parts.sci,
            parts.sdi,
            parts.dreq,
            parts.chip_reset,
            Delay(uptime),
            parts.observer,
        ));
        if decoder.init(attenuation, attenuation).is_err() {
            board.error(PartError::ChipReset);
        }
        let (x, y) = B::PANEL_OFFSET;
        let mut panel = St7789::new(parts.panel_spi, parts.panel_dc, B::WIDTH, B::HEIGHT, x, y);
        if panel.init(&mut Delay(uptime)).is_err() {
            board.error(PartError::PanelInit);
        }
        let stripe = usize::from(B::WIDTH) * B::STRIPE_ROWS;
        Self {
            uptime,
            epoch_us,
            counts: Counts::default(),
            state: PlayerState::Idle,
            quiet: false,
            board,
            files: parts.files,
            fetches: BTreeMap::new(),
            next_id: 1,
            decoder,
            decoder_open: false,
            end_of_stream: false,
            flushed: false,
            adts: None,
            clock: Clock::default(),
            images: BTreeMap::new(),
            lists: Vec::new(),
            panel,
            rgba: vec![0; stripe * 4],
            rgb565: vec![0; stripe * 2],
            kv,
            attenuation,
            muted: None,
        }
    }

    /// The board.
    pub fn board(&self) -> &B {
        &self.board
    }

    /// The board, to change.
    pub fn board_mut(&mut self) -> &mut B {
        &mut self.board
    }

    /// The chip's attenuation now, 0.5 dB steps.
    pub fn attenuation(&self) -> u8 {
        self.attenuation
    }

    /// The volume: the attenuation the volume keys set, Mute aside (what the port
    /// keeps under [`VOLUME_KEY`]).
    pub fn volume(&self) -> u8 {
        self.muted.unwrap_or(self.attenuation)
    }

    /// Takes the key-value store out of the port (e.g. to reopen its flash as after
    /// a restart); `kv_*` are unsupported until [`McuPort::set_kv`].
    pub fn take_kv(&mut self) -> Option<KvStore<B::Flash>> {
        self.kv.take().map(|kv| *kv)
    }

    /// Gives the port a key-value store.
    pub fn set_kv(&mut self, kv: KvStore<B::Flash>) {
        self.kv = Some(Box::new(kv));
    }

    /// The decoder chip's driver (its state: whether a stream is still being sent).
    pub fn decoder(&self) -> &Decoder<B> {
        &self.decoder
    }

    /// The display's bus (e.g. to set aside what the panel's wake-up sent).
    pub fn panel_bus(&mut self) -> &mut B::PanelSpi {
        self.panel.bus_mut()
    }

    /// Feeds the chip what it can take now (never waits); returns the bytes sent.
    /// Call it from the main loop (or DREQ's interrupt's bottom half).
    pub fn pump(&mut self) -> usize {
        self.board.chip_advance(self.uptime_us());
        match self.decoder.pump() {
            Ok(n) => {
                self.counts.sdi_bytes += n as u64;
                n
            }
            Err(_) => {
                self.board.error(PartError::ChipFeed);
                0
            }
        }
    }

    /// The chip's buffer level, played up to now.
    fn chip_level(&mut self) -> usize {
        self.board.chip_advance(self.uptime_us());
        self.board.chip_buffered().min(CHIP_BUFFER)
    }

    /// Whether the chip has played everything it was given and is idle.
    pub fn chip_idle(&mut self) -> bool {
        self.decoder.state() == ChipState::Idle && self.chip_level() == 0
    }

    /// The whole of a small text file (the sidecar), if it is one.
    fn read_text(&mut self, path: &str) -> Option<String> {
        let mut file = self.files.open(path).ok()?;
        let mut bytes = vec![0; SIDECAR_MAX];
        let n = self.files.read_at(&mut file, 0, &mut bytes).ok();
        self.files.close(file);
        bytes.truncate(n?);
        String::from_utf8(bytes).ok()
    }

    /// A volume key the device handles itself (the module leaves volume to the
    /// device): attenuation in 0.5 dB steps on the chip (`SCI_VOL`), 4 dB a press;
    /// Mute toggles silence. The volume (not Mute) is kept under [`VOLUME_KEY`].
    /// Returns the attenuation now.
    pub fn volume_key(&mut self, key: Key) -> u8 {
        self.attenuation = match key {
            Key::VolumeUp => self.attenuation.saturating_sub(VOLUME_STEP),
            Key::VolumeDown => self.attenuation.saturating_add(VOLUME_STEP).min(SILENT - 1),
            Key::Mute => match self.muted.take() {
                Some(before) => before,
                None => {
                    self.muted = Some(self.attenuation);
                    SILENT
                }
            },
            _ => return self.attenuation,
        };
        if self
            .decoder
            .set_volume(self.attenuation, self.attenuation)
            .is_err()
        {
            self.board.error(PartError::ChipVolume);
        }
        if matches!(key, Key::VolumeUp | Key::VolumeDown) {
            let kept = self
                .kv
                .as_mut()
                .map(|kv| kv.set(VOLUME_KEY, &[self.attenuation]));
            if let Some(Err(_)) = kept {
                self.board.error(PartError::KvVolume);
            }
        }
        self.attenuation
    }

    fn id(&mut self) -> PortId {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1).max(1);
        id
    }

    fn uptime_us(&self) -> u64 {
        (self.uptime)()
    }
}

/// The name a log gives a player state.
pub fn state_name(state: PlayerState) -> &'static str {
    match state {
        PlayerState::Idle => "idle",
        PlayerState::Loading => "loading",
        PlayerState::Buffering => "buffering",
        PlayerState::Playing => "playing",
        PlayerState::Paused => "paused",
        PlayerState::Ended => "ended",
        _ => "error",
    }
}

impl<B: Board> Port for McuPort<B> {
    fn now_us(&mut self) -> i64 {
        self.epoch_us
            .saturating_add(i64::try_from(self.uptime_us()).unwrap_or(i64::MAX))
    }

    fn log(&mut self, level: LogLevel, line: &str) {
        self.counts.lines += 1;
        if !self.quiet {
            self.board.log(level, line);
        }
    }

    fn random_fill(&mut self, buf: &mut [u8]) {
        self.board.random_fill(buf);
    }

    fn on_state(&mut self, state: PlayerState, _: StateReason) {
        if state != self.state {
            self.board.state(state);
        }
        self.state = state;
    }

    fn decoding_info(&mut self, query: &DecodingQuery, _: &str) -> DecodingInfo {
        let supported = u32::from(matches!(query.codec, Codec::Mp3 | Codec::Aac));
        DecodingInfo {
            supported,
            smooth: supported,
            power_efficient: supported,
            max_instances: supported,
        }
    }

    fn display_info(&mut self) -> DisplayInfo {
        DisplayInfo {
            width: B::WIDTH.into(),
            height: B::HEIGHT.into(),
            refresh_millihz: 30_000,
            format: PixelFormat::Rgba8888Premul,
            ..DisplayInfo::default()
        }
    }

    fn audio_info(&mut self) -> AudioOutputInfo {
        AudioOutputInfo {
            channels: 2,
            sample_rate: 48_000,
            latency_us: 50_000,
            passthrough: 0,
        }
    }

    fn features(&mut self) -> u64 {
        let kv = if self.kv.is_some() {
            feature::KV_STORE
        } else {
            0
        };
        feature::GRAPHICS | feature::FETCH | feature::INPUT | feature::AUDIO_DECODE | kv
    }

    fn fetch_open(&mut self, _: &FetchRequest, url: &str, _: &str) -> Result<PortId, Status> {
        let path = sidecar::file_path(url).ok_or(Status::Unsupported)?;
        let mut file = self.files.open(path).map_err(|_| Status::NotFound)?;
        let Ok(size) = self.files.size(&mut file) else {
            self.files.close(file);
            return Err(Status::Io);
        };
        let mut sidecar_path = String::from(path);
        sidecar_path.push_str(sidecar::SUFFIX);
        let headers = self.read_text(&sidecar_path).unwrap_or_default();
        let id = self.id();
        self.fetches.insert(
            id,
            FileFetch {
                file,
                size,
                offset: 0,
                headers,
            },
        );
        Ok(id)
    }

    fn fetch_info(&mut self, id: PortId) -> FetchInfo {
        let Some(fetch) = self.fetches.get(&id) else {
            return FetchInfo::default();
        };
        FetchInfo {
            content_length: i64::try_from(fetch.size).unwrap_or(-1),
            received: fetch.size,
            consumed: fetch.offset,
            state: FetchState::Done,
            http_status: 200,
            ..FetchInfo::default()
        }
    }

    fn fetch_read(&mut self, id: PortId, buf: &mut [u8]) -> Result<usize, Status> {
        let fetch = self.fetches.get_mut(&id).ok_or(Status::InvalidArgument)?;
        let n = self
            .files
            .read_at(&mut fetch.file, fetch.offset, buf)
            .map_err(|_| Status::Io)?;
        fetch.offset += n as u64;
        if n == 0 && !buf.is_empty() {
            return Err(Status::EndOfStream);
        }
        Ok(n)
    }

    fn fetch_header(&mut self, id: PortId, name: &str, out: &mut [u8]) -> Result<usize, Status> {
        let fetch = self.fetches.get(&id).ok_or(Status::InvalidArgument)?;
        let value = sidecar::header(&fetch.headers, name).ok_or(Status::NotFound)?;
        if let Some(target) = out.get_mut(..value.len()) {
            target.copy_from_slice(value.as_bytes());
        }
        Ok(value.len())
    }

    fn fetch_close(&mut self, id: PortId) {
        if let Some(fetch) = self.fetches.remove(&id) {
            self.files.close(fetch.file);
        }
    }

    fn decoder_open(&mut self, config: &DecoderConfig, extra: &[u8]) -> Result<PortId, Status> {
        let adts = match config.codec {
            Codec::Mp3 => None,
            // `extra` is the AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1).
            Codec::Aac => Some(AdtsConfig::from_asc(extra).ok_or(Status::Unsupported)?),
            _ => return Err(Status::Unsupported),
        };
        if self.decoder_open {
            return Err(Status::BudgetExceeded);
        }
        self.adts = adts;
        self.decoder_open = true;
        self.end_of_stream = false;
        self.flushed = false;
        Ok(self.id())
    }

    fn decoder_submit(
        &mut self,
        _: PortId,
        sample: &SampleInfo,
        data: &[&[u8]],
        _: Option<(&EncryptionInfo, &[Subsample])>,
    ) -> Result<(), Status> {
        if sample.flags & SAMPLE_END_OF_STREAM != 0 {
            self.decoder.finish();
            self.end_of_stream = true;
            return Ok(());
        }
        let payload: usize = data.iter().map(|d| d.len()).sum();
        let size = payload + if self.adts.is_some() { HEADER_LEN } else { 0 };
        // The header and the frame go into the queue together or not at all
        // (`decoder_submit`'s rule): they fit, so every push takes all it is given.
        if payload == 0 || self.decoder.space() < size {
            self.pump();
            return Err(Status::WouldBlock);
        }
        let header = match &self.adts {
            Some(adts) => Some(adts.header(payload).ok_or(Status::InvalidArgument)?),
            None => None,
        };
        let header = header.as_ref().map_or(&[][..], |h| &h[..]);
        for piece in core::iter::once(header).chain(data.iter().copied()) {
            self.decoder.push(piece);
        }
        self.board.queued(size);
        self.flushed = false;
        let rate = u64::try_from(sample.duration_us)
            .ok()
            .and_then(|duration| (size as u64 * 1_000_000).checked_div(duration));
        if let Some(rate) = rate.filter(|&r| r > 0) {
            let now = self.uptime_us();
            self.board.stream_rate(rate, now);
        }
        self.counts.units += 1;
        self.pump();
        Ok(())
    }

    fn decoder_info(&mut self, _: PortId) -> DecoderStats {
        // After a flush the chip's buffer holds fill, which is no stream of the
        // module's.
        let buffer = if self.flushed { 0 } else { self.chip_level() };
        let drained = self.end_of_stream && self.chip_idle();
        DecoderStats {
            queued_bytes: (self.decoder.queued() + buffer) as u64,
            queue_capacity: (QUEUE_BYTES + CHIP_BUFFER) as u64,
            decoded: self.counts.units,
            state: if drained {
                DecoderState::Drained
            } else {
                DecoderState::Running
            },
            kind: TrackKind::Audio,
            ..DecoderStats::default()
        }
    }

    fn decoder_flush(&mut self, _: PortId) {
        if self.decoder.cancel().is_err() {
            self.board.error(PartError::ChipCancel);
        }
        self.end_of_stream = false;
        self.flushed = true;
    }

    fn decoder_close(&mut self, id: PortId) {
        if !self.end_of_stream {
            self.decoder_flush(id);
        }
        self.decoder_open = false;
    }

    fn media_clock(&mut self) -> MediaClockInfo {
        MediaClockInfo {
            position_us: self.clock.position(self.uptime_us()),
            rate_milli: self.clock.rate_milli,
            running: u32::from(self.clock.rate_milli > 0),
        }
    }

    fn media_set_rate(&mut self, rate_milli: u32) {
        self.clock.rebase(self.uptime_us());
        self.clock.rate_milli = rate_milli;
    }

    fn media_set_position(&mut self, pts_us: i64) {
        self.clock.position_us = pts_us;
        self.clock.at_us = self.uptime_us();
    }

    fn image_create(&mut self, desc: &ImageDesc, pixels: &[u8]) -> Result<PortId, Status> {
        let id = self.id();
        self.images.insert(
            id,
            StoredImage {
                desc: *desc,
                pixels: pixels.to_vec(),
            },
        );
        Ok(id)
    }

    fn image_update(&mut self, id: PortId, rect: &Rect, pixels: &[u8]) {
        let Some(image) = self.images.get_mut(&id) else {
            return;
        };
        let Some(bpp) = image.desc.format.bytes_per_pixel() else {
            return;
        };
        let row = (rect.w * bpp) as usize;
        let stride = image.desc.stride as usize;
        // The runtime checked that the rectangle lies inside the image.
        for (y, source) in pixels
            .chunks_exact(row.max(1))
            .take(rect.h as usize)
            .enumerate()
        {
            let at = (rect.y as usize + y) * stride + rect.x as usize * bpp as usize;
            if let Some(target) = image.pixels.get_mut(at..at + row) {
                target.copy_from_slice(source);
            }
        }
    }

    fn image_free(&mut self, id: PortId) {
        self.images.remove(&id);
    }

    fn draw(&mut self, list: &DrawList<'_>) {
        self.lists.push(list.as_bytes().to_vec());
    }

    fn present(&mut self) {
        let lists = core::mem::take(&mut self.lists);
        let images = PortImages(&self.images);
        let (width, height) = (u32::from(B::WIDTH), u32::from(B::HEIGHT));
        let mut frame = self.board.frame_begin();
        // The stripes as `stripes::write_lists` renders them, each stripe's RGBA rows
        // given to the board's frame on the way: together they are the whole plane.
        let sent = stripes::write_frame(
            &mut self.panel,
            &mut self.rgba,
            &mut self.rgb565,
            |y, rows, pixels| {
                pixels.fill(0);
                if let Ok(mut canvas) =
                    Canvas::band(pixels, width, height, width * 4, y.into(), rows.into())
                {
                    for list in &lists {
                        let _ = render_list(&mut canvas, list, &images);
                    }
                }
                frame.stripe(pixels);
            },
        );
        if sent.is_err() {
            self.board.error(PartError::PanelFrame);
        }
        self.counts.frames += 1;
        self.board
            .frame_end(frame, self.counts.frames, self.panel.bus_mut());
    }

    fn kv_get(&mut self, key: &[u8], out: &mut [u8]) -> Result<usize, Status> {
        let kv = self.kv.as_mut().ok_or(Status::Unsupported)?;
        Ok(kv.get(key, out)?)
    }

    fn kv_set(&mut self, key: &[u8], value: &[u8]) -> Result<(), Status> {
        let kv = self.kv.as_mut().ok_or(Status::Unsupported)?;
        Ok(kv.set(key, value)?)
    }

    fn kv_delete(&mut self, key: &[u8]) -> Result<(), Status> {
        let kv = self.kv.as_mut().ok_or(Status::Unsupported)?;
        Ok(kv.delete(key)?)
    }
}
