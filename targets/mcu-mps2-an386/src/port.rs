//! The board's port: the MCU port's drivers (`wasp-shim-mcu`) over the QEMU board's
//! models of its peripherals.
//!
//! * **Fetch**: `file:///path` URLs are host files read through semihosting
//!   (`wasp_shim_mcu::storage`); a file's response headers come from its sidecar
//!   `<file>.headers` ([`crate::sidecar`]), so an ICY capture plays as a radio stream.
//! * **Audio**: the VS1053 driver over `wasp_shim_mcu::virt`'s model of the chip,
//!   which plays its 2048-byte buffer at the stream's byte rate (from the frames'
//!   sizes and durations) on the board's clock: the module's frames go into the
//!   driver's queue, [`McuPort::pump`] feeds the chip while DREQ is high, and the
//!   driver's observer accounts every SDI byte ([`crate::chip`]); the queue level is the
//!   driver's queue plus the chip's buffer. MP3 only (the module hands AAC over
//!   without its ADTS headers, which the chip needs).
//! * **Media clock**: uptime, anchored where the module sets the position and rate.
//! * **Display**: the ST7789 driver on a bus that hashes what it is sent
//!   ([`crate::panel`]): each present renders the frame's draw lists in stripes
//!   through `wasp-raster`'s band canvas and logs the graphics plane's md5 (the
//!   emulator's `graphics` md5: RGBA, premultiplied, rows packed) and the panel
//!   bytes' md5.

extern crate alloc;

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::RefCell;

use embedded_hal::delay::DelayNs;
use md5::{Digest, Md5};
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
use wasp_shim_mcu::st7789::St7789;
use wasp_shim_mcu::storage::{ArmSemihost, HostFile, Semihosting, Storage};
use wasp_shim_mcu::stripes;
use wasp_shim_mcu::virt::{DecoderModel, ModelDreq, ModelSci, ModelSdi, STREAM_BUFFER};
use wasp_shim_mcu::vs1053::{State as ChipState, Vs1053};

use crate::chip::{SdiAccount, SdiLog, SdiReport};
use crate::panel::{hex, PanelBus, Pin};
use crate::sidecar;

/// The panel: 240 x 240 (the `mcu-audio` profile's display).
pub const WIDTH: u16 = 240;
/// See [`WIDTH`].
pub const HEIGHT: u16 = 240;
/// Rows per stripe: 240 x 8 rows is 7.5 KiB of RGBA and 3.75 KiB of RGB565.
pub const STRIPE_ROWS: usize = 8;
/// The driver's queue of compressed bytes ahead of the chip's FIFO.
pub const QUEUE_BYTES: usize = 4096;
/// Largest sidecar read.
const SIDECAR_MAX: usize = 1024;
/// The chip's decoding rate before a stream says its own (128 kbit/s).
const DEFAULT_BYTE_RATE: u64 = 16_000;
/// The chip's attenuation at start, 0.5 dB steps (-16 dB).
const START_ATTENUATION: u8 = 0x20;
/// Attenuation a volume key changes, 0.5 dB steps.
const VOLUME_STEP: u8 = 8;
/// `SCI_VOL`'s silence (§9.6.11).
const SILENT: u8 = 0xFE;

/// Waits on the board's clock.
pub struct Delay(pub fn() -> u64);

impl DelayNs for Delay {
    fn delay_ns(&mut self, ns: u32) {
        let end = (self.0)() + u64::from(ns).div_ceil(1000);
        while (self.0)() < end {}
    }
}

/// The decoder chip's driver on the board.
type Decoder = Vs1053<
    ModelSci<'static>,
    ModelSdi<'static>,
    ModelDreq<'static>,
    Pin,
    Delay,
    SdiLog,
    QUEUE_BYTES,
>;

/// An open file fetch.
struct FileFetch {
    file: HostFile,
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

/// What the port counted, for the firmware's report.
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

/// The board's port (module docs).
pub struct McuPort {
    uptime: fn() -> u64,
    epoch_us: i64,
    /// What the port counted.
    pub counts: Counts,
    /// The module's last reported state.
    pub state: PlayerState,
    /// Count the module's log lines without printing them.
    pub quiet: bool,
    storage: Semihosting<ArmSemihost>,
    fetches: BTreeMap<PortId, FileFetch>,
    next_id: PortId,
    model: &'static RefCell<DecoderModel>,
    sdi: Rc<RefCell<SdiAccount>>,
    decoder: Box<Decoder>,
    decoder_open: bool,
    end_of_stream: bool,
    clock: Clock,
    images: BTreeMap<PortId, StoredImage>,
    lists: Vec<Vec<u8>>,
    panel: St7789<PanelBus, Pin>,
    rgba: Vec<u8>,
    rgb565: Vec<u8>,
    /// The graphics plane's md5 of the last present.
    pub last_plane: [u8; 16],
    attenuation: u8,
    /// The attenuation before Mute, while muted.
    muted: Option<u8>,
}

impl McuPort {
    /// The port on the board's clock (`uptime`, µs since boot; port time is
    /// `epoch_us` plus it); brings the panel and the decoder chip up.
    pub fn new(uptime: fn() -> u64, epoch_us: i64) -> Self {
        // The chip lives as long as the firmware.
        let model: &'static RefCell<DecoderModel> = Box::leak(Box::new(RefCell::new(
            DecoderModel::new(DEFAULT_BYTE_RATE, micros(uptime)),
        )));
        let sdi = SdiLog::default();
        let account = sdi.0.clone();
        let mut decoder = Box::new(Vs1053::new(
            ModelSci(model),
            ModelSdi(model),
            ModelDreq(model),
            Pin,
            Delay(uptime),
            sdi,
        ));
        if decoder.init(START_ATTENUATION, START_ATTENUATION).is_err() {
            defmt::error!("decoder chip: no DREQ after reset");
        }
        let mut panel = St7789::new(PanelBus::default(), Pin, WIDTH, HEIGHT, 0, 0);
        if panel.init(&mut Delay(uptime)).is_err() {
            defmt::error!("panel: init failed");
        }
        // The set-up commands are not part of any frame.
        let _ = panel_take(&mut panel);
        let stripe = usize::from(WIDTH) * STRIPE_ROWS;
        Self {
            uptime,
            epoch_us,
            counts: Counts::default(),
            state: PlayerState::Idle,
            quiet: false,
            storage: Semihosting(ArmSemihost),
            fetches: BTreeMap::new(),
            next_id: 1,
            model,
            sdi: account,
            decoder,
            decoder_open: false,
            end_of_stream: false,
            clock: Clock::default(),
            images: BTreeMap::new(),
            lists: Vec::new(),
            panel,
            rgba: vec![0; stripe * 4],
            rgb565: vec![0; stripe * 2],
            last_plane: [0; 16],
            attenuation: START_ATTENUATION,
            muted: None,
        }
    }

    /// Feeds the chip what it can take now (never waits); returns the bytes sent.
    pub fn pump(&mut self) -> usize {
        self.model.borrow_mut().advance(micros(self.uptime));
        match self.decoder.pump() {
            Ok(n) => {
                self.counts.sdi_bytes += n as u64;
                n
            }
            Err(_) => {
                defmt::error!("decoder chip: SPI failed");
                0
            }
        }
    }

    /// What reached the chip's SDI, and the SDI writes beyond the room DREQ
    /// promised (0 when the driver kept to the handshake).
    pub fn sdi_report(&self) -> (SdiReport, u32) {
        (self.sdi.borrow().report(), self.model.borrow().overruns)
    }

    /// The chip's buffer level, played up to now.
    fn chip_level(&mut self) -> usize {
        let mut model = self.model.borrow_mut();
        model.advance(micros(self.uptime));
        model.level()
    }

    /// Whether the chip has played everything it was given and is idle.
    pub fn chip_idle(&mut self) -> bool {
        self.decoder.state() == ChipState::Idle && self.chip_level() == 0
    }

    /// The whole of a small text file (the sidecar), if it is one.
    fn read_text(&mut self, path: &str) -> Option<String> {
        let mut file = self.storage.open(path).ok()?;
        let mut bytes = vec![0; SIDECAR_MAX];
        let n = self.storage.read_at(&mut file, 0, &mut bytes).ok();
        self.storage.close(file);
        bytes.truncate(n?);
        String::from_utf8(bytes).ok()
    }

    /// A volume key the device handles itself (the module leaves volume to the
    /// device): attenuation in 0.5 dB steps on the chip (`SCI_VOL`), 4 dB a press;
    /// Mute toggles silence. Returns the attenuation now.
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
            defmt::error!("decoder chip: volume not set");
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

/// The clock's microseconds as the model takes them.
fn micros(uptime: fn() -> u64) -> i64 {
    i64::try_from(uptime()).unwrap_or(i64::MAX)
}

/// The md5 of what the panel was sent since the last call, and its size.
fn panel_take(panel: &mut St7789<PanelBus, Pin>) -> ([u8; 16], u64) {
    let (bus, dc) = core::mem::replace(
        panel,
        St7789::new(PanelBus::default(), Pin, WIDTH, HEIGHT, 0, 0),
    )
    .release();
    let mut bus = bus;
    let taken = bus.take();
    *panel = St7789::new(bus, dc, WIDTH, HEIGHT, 0, 0);
    taken
}

fn state_name(state: PlayerState) -> &'static str {
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

impl Port for McuPort {
    fn now_us(&mut self) -> i64 {
        self.epoch_us
            .saturating_add(i64::try_from(self.uptime_us()).unwrap_or(i64::MAX))
    }

    fn log(&mut self, level: LogLevel, line: &str) {
        self.counts.lines += 1;
        if self.quiet {
            return;
        }
        match level {
            LogLevel::Error => defmt::error!("module: {=str}", line),
            LogLevel::Warn => defmt::warn!("module: {=str}", line),
            LogLevel::Info => defmt::info!("module: {=str}", line),
            _ => defmt::debug!("module: {=str}", line),
        }
    }

    fn on_state(&mut self, state: PlayerState, _: StateReason) {
        if state != self.state {
            defmt::info!("state {=str}", state_name(state));
        }
        self.state = state;
    }

    fn decoding_info(&mut self, query: &DecodingQuery, _: &str) -> DecodingInfo {
        let supported = u32::from(query.codec == Codec::Mp3);
        DecodingInfo {
            supported,
            smooth: supported,
            power_efficient: supported,
            max_instances: supported,
        }
    }

    fn display_info(&mut self) -> DisplayInfo {
        DisplayInfo {
            width: WIDTH.into(),
            height: HEIGHT.into(),
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
        feature::GRAPHICS | feature::FETCH | feature::INPUT | feature::AUDIO_DECODE
    }

    fn fetch_open(&mut self, _: &FetchRequest, url: &str, _: &str) -> Result<PortId, Status> {
        let path = sidecar::file_path(url).ok_or(Status::Unsupported)?;
        let mut file = self.storage.open(path).map_err(|_| Status::NotFound)?;
        let Ok(size) = self.storage.size(&mut file) else {
            self.storage.close(file);
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
            .storage
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
            self.storage.close(fetch.file);
        }
    }

    fn decoder_open(&mut self, config: &DecoderConfig, _: &[u8]) -> Result<PortId, Status> {
        if config.codec != Codec::Mp3 {
            return Err(Status::Unsupported);
        }
        if self.decoder_open {
            return Err(Status::BudgetExceeded);
        }
        self.decoder_open = true;
        self.end_of_stream = false;
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
        let size: usize = data.iter().map(|d| d.len()).sum();
        if !self.decoder.push_all(data) {
            self.pump();
            return Err(Status::WouldBlock);
        }
        self.sdi.borrow_mut().pushed(size);
        let rate = u64::try_from(sample.duration_us)
            .ok()
            .and_then(|duration| (size as u64 * 1_000_000).checked_div(duration));
        if let Some(rate) = rate.filter(|&r| r > 0) {
            self.model
                .borrow_mut()
                .set_byte_rate(rate, micros(self.uptime));
        }
        self.counts.units += 1;
        self.pump();
        Ok(())
    }

    fn decoder_info(&mut self, _: PortId) -> DecoderStats {
        let buffer = self.chip_level();
        let drained = self.end_of_stream && self.chip_idle();
        DecoderStats {
            queued_bytes: (self.decoder.queued() + buffer) as u64,
            queue_capacity: (QUEUE_BYTES + STREAM_BUFFER) as u64,
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
            defmt::error!("decoder chip: cancel failed");
        }
        self.end_of_stream = false;
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
        let (width, height) = (u32::from(WIDTH), u32::from(HEIGHT));
        let mut plane = Md5::new();
        // The stripes as `stripes::write_lists` renders them, with each stripe's RGBA
        // rows hashed on the way: together they are the whole plane.
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
                plane.update(&*pixels);
            },
        );
        if sent.is_err() {
            defmt::error!("panel: frame not sent");
        }
        self.counts.frames += 1;
        self.last_plane = plane.finalize().into();
        let (panel, bytes) = panel_take(&mut self.panel);
        let (plane_hex, panel_hex) = (hex(&self.last_plane), hex(&panel));
        defmt::info!(
            "frame {=u32}: graphics {=str}, panel {=u64} B {=str}",
            self.counts.frames,
            core::str::from_utf8(&plane_hex).unwrap_or(""),
            bytes,
            core::str::from_utf8(&panel_hex).unwrap_or("")
        );
    }
}
