//! The board's port: `wasp_shim_mcu::port::McuPort` over the QEMU board's models of
//! its parts, logging through defmt.
//!
//! * **Files**: host files read through semihosting (`wasp_shim_mcu::storage`).
//! * **Decoder chip**: `wasp_shim_mcu::virt`'s model of the VS1053, which plays its
//!   2048-byte buffer at the stream's byte rate (from the frames' sizes and durations)
//!   on the board's clock; the driver's observer accounts every SDI byte
//!   ([`crate::chip`]).
//! * **Random bytes**: `wasp_shim_mcu::virt::Prng` from a fixed seed (the machines
//!   have no generator).
//! * **Key-value store**: `wasp_shim_mcu::kv` over `wasp_shim_mcu::virt`'s NOR
//!   flash in RAM, laid out as a Winbond W25Q-series SPI NOR (4 KiB sectors, erased
//!   two at a time: 8 KiB pages; W25Q128JV datasheet §8.2.34 "Sector Erase"): 32 KiB,
//!   erased at boot, so every run starts without stored values.
//! * **Display**: an ST7789 bus that hashes what it is sent ([`crate::panel`]): each
//!   present logs the graphics plane's md5 (the emulator's `graphics` md5: RGBA,
//!   premultiplied, rows packed) and the panel bytes' md5.

extern crate alloc;

use alloc::boxed::Box;
use alloc::rc::Rc;
use core::cell::RefCell;

use md5::{Digest, Md5};
use wasp_core::abi::player::{LogLevel, PlayerState};
use wasp_shim_mcu::kv::KvStore;
use wasp_shim_mcu::port::{defmt_log, Board, McuPort, PartError, Parts, StripeSink};
use wasp_shim_mcu::storage::{ArmSemihost, Semihosting};
use wasp_shim_mcu::virt::{DecoderModel, ModelDreq, ModelSci, ModelSdi, Prng, RamFlash, UnreadPin};

use crate::chip::{SdiAccount, SdiLog, SdiReport};
use crate::panel::{hex, PanelBus};

/// The chip's decoding rate before a stream says its own (128 kbit/s).
const DEFAULT_BYTE_RATE: u64 = 16_000;
/// The seed of the board's random bytes (the mps2 machines have no generator; a
/// fixed seed keeps the run deterministic).
const RANDOM_SEED: u64 = 0x7761_7370;
/// The key-value store's erase page: two 4 KiB sectors of the SPI NOR.
pub const KV_PAGE: usize = 8192;
/// The key-value store's flash: four pages.
pub const KV_BYTES: usize = 4 * KV_PAGE;

/// The key-value store's NOR flash.
pub type KvFlash = RamFlash<'static, KV_PAGE>;

/// The QEMU board's parts and what it keeps of them for its log.
pub struct Mps2 {
    model: &'static RefCell<DecoderModel>,
    sdi: Rc<RefCell<SdiAccount>>,
    random: Prng,
    /// The graphics plane's md5 of the last present.
    pub last_plane: [u8; 16],
}

/// The board's port.
pub type Mps2Port = McuPort<Mps2>;

/// A frame's graphics plane, hashed a stripe at a time.
pub struct PlaneHash(Md5);

impl StripeSink for PlaneHash {
    fn stripe(&mut self, rgba: &[u8]) {
        self.0.update(rgba);
    }
}

impl Board for Mps2 {
    type Files = Semihosting<ArmSemihost>;
    type Sci = ModelSci<'static>;
    type Sdi = ModelSdi<'static>;
    type Dreq = ModelDreq<'static>;
    type ChipReset = UnreadPin;
    type Observer = SdiLog;
    type PanelSpi = PanelBus;
    type PanelDc = UnreadPin;
    type Frame = PlaneHash;
    type Flash = KvFlash;

    /// The panel: 240 x 240 (the `mcu-audio` profile's display).
    const WIDTH: u16 = 240;
    const HEIGHT: u16 = 240;
    /// 240 x 8 rows is 7.5 KiB of RGBA and 3.75 KiB of RGB565.
    const STRIPE_ROWS: usize = 8;

    fn log(&mut self, level: LogLevel, line: &str) {
        defmt_log::module_line(level, line);
    }

    fn random_fill(&mut self, buf: &mut [u8]) {
        self.random.fill(buf);
    }

    fn state(&mut self, state: PlayerState) {
        defmt_log::state(state);
    }

    fn error(&mut self, error: PartError) {
        defmt_log::error(error);
    }

    fn chip_advance(&mut self, now_us: u64) {
        self.model.borrow_mut().advance(micros(now_us));
    }

    fn chip_buffered(&mut self) -> usize {
        self.model.borrow().level()
    }

    fn stream_rate(&mut self, bytes_per_second: u64, now_us: u64) {
        self.model
            .borrow_mut()
            .set_byte_rate(bytes_per_second, micros(now_us));
    }

    fn queued(&mut self, bytes: usize) {
        self.sdi.borrow_mut().pushed(bytes);
    }

    fn frame_begin(&mut self) -> PlaneHash {
        PlaneHash(Md5::new())
    }

    fn frame_end(&mut self, frame: PlaneHash, number: u32, bus: &mut PanelBus) {
        self.last_plane = frame.0.finalize().into();
        let (panel, bytes) = bus.take();
        let (plane_hex, panel_hex) = (hex(&self.last_plane), hex(&panel));
        defmt::info!(
            "frame {=u32}: graphics {=str}, panel {=u64} B {=str}",
            number,
            core::str::from_utf8(&plane_hex).unwrap_or(""),
            bytes,
            core::str::from_utf8(&panel_hex).unwrap_or("")
        );
    }
}

impl Mps2 {
    /// The port on the board's clock (`uptime`, µs since boot; port time is
    /// `epoch_us` plus it), with the panel and the decoder chip brought up, and the
    /// key-value store on `flash` (erased, or as a previous port left it).
    pub fn port(uptime: fn() -> u64, epoch_us: i64, flash: KvFlash) -> Mps2Port {
        // The chip lives as long as the firmware, and plays on the board's clock (so
        // DREQ rises while the driver waits for it).
        let model: &'static RefCell<DecoderModel> = Box::leak(Box::new(RefCell::new(
            DecoderModel::new(DEFAULT_BYTE_RATE, micros(uptime())).on_clock(uptime),
        )));
        let observer = SdiLog::default();
        let board = Mps2 {
            model,
            sdi: observer.0.clone(),
            random: Prng::new(RANDOM_SEED),
            last_plane: [0; 16],
        };
        let parts = Parts {
            files: Semihosting(ArmSemihost),
            sci: ModelSci(model),
            sdi: ModelSdi(model),
            dreq: ModelDreq(model),
            chip_reset: UnreadPin,
            observer,
            panel_spi: PanelBus::default(),
            panel_dc: UnreadPin,
            kv: kv_store(flash),
        };
        let mut port = McuPort::new(board, parts, uptime, epoch_us);
        // The set-up commands are not part of any frame.
        let _ = port.panel_bus().take();
        port
    }

    /// What reached the chip's SDI, and the SDI writes beyond the room DREQ
    /// promised (0 when the driver kept to the handshake).
    pub fn sdi_report(&self) -> (SdiReport, u32) {
        (self.sdi.borrow().report(), self.model.borrow().overruns)
    }
}

/// The store over the whole of `flash`; `None` (logged) if it does not suit.
pub fn kv_store(flash: KvFlash) -> Option<KvStore<KvFlash>> {
    let store = KvStore::new(flash, 0..KV_BYTES as u32);
    if store.is_err() {
        defmt::error!("key-value store: flash range unsuitable");
    }
    store.ok()
}

/// The clock's microseconds as the model takes them.
fn micros(us: u64) -> i64 {
    i64::try_from(us).unwrap_or(i64::MAX)
}
