//! The host board the tests build the MCU port on, as a board would build it: the
//! host's files (`StdFiles`, or any `Storage`: `port_with`), the VS1053 model on a virtual clock with every SDI byte
//! kept, a panel bus that counts what it is sent, random bytes from `virt::Prng`,
//! and the key-value store on a RAM NOR flash.
#![allow(dead_code)] // each test uses part of it

use std::cell::{Cell, RefCell};
use std::convert::Infallible;
use std::marker::PhantomData;
use std::rc::Rc;

use embedded_hal::spi::{ErrorType, Operation, SpiDevice};
use wasp_core::abi::player::LogLevel;
use wasp_shim_mcu::kv::KvStore;
use wasp_shim_mcu::port::{Board, McuPort, PartError, Parts};
use wasp_shim_mcu::storage::{StdFiles, Storage};
use wasp_shim_mcu::virt::{DecoderModel, ModelDreq, ModelSci, ModelSdi, Prng, RamFlash, UnreadPin};
use wasp_shim_mcu::vs1053::SdiObserver;

/// The key-value store's erase page and size: as the QEMU boards' (two 4 KiB
/// sectors of an SPI NOR per page, four pages).
pub const PAGE: usize = 8192;
/// See [`PAGE`].
pub const KV_BYTES: usize = 4 * PAGE;

std::thread_local! {
    /// The virtual clock, µs (one per test thread): each read moves it on by 1 µs,
    /// so the port's busy-wait delays end; the harness's waits move it on.
    pub static NOW_US: Cell<u64> = const { Cell::new(0) };
}

/// The virtual clock now (and 1 µs on).
pub fn uptime() -> u64 {
    NOW_US.with(|now| {
        let t = now.get();
        now.set(t + 1);
        t
    })
}

/// The panel's SPI: counts the bytes it is sent.
#[derive(Default)]
pub struct CountingBus(pub u64);

impl ErrorType for CountingBus {
    type Error = Infallible;
}

impl SpiDevice for CountingBus {
    fn transaction(&mut self, operations: &mut [Operation<'_, u8>]) -> Result<(), Infallible> {
        for op in operations {
            if let Operation::Write(bytes) = op {
                self.0 += bytes.len() as u64;
            }
        }
        Ok(())
    }
}

/// Every byte written to the chip's SDI.
#[derive(Clone, Default)]
pub struct SdiBytes(pub Rc<RefCell<Vec<u8>>>);

impl SdiObserver for SdiBytes {
    fn written(&mut self, bytes: &[u8]) {
        self.0.borrow_mut().extend_from_slice(bytes);
    }
}

/// The host board, fetching files from `F`.
pub struct Host<F = StdFiles> {
    model: &'static RefCell<DecoderModel>,
    random: Prng,
    /// What the port reported failing.
    pub errors: Vec<PartError>,
    /// Bytes each present sent to the panel.
    pub frames: Vec<u64>,
    /// What reached the chip's SDI.
    pub sdi: SdiBytes,
    files: PhantomData<F>,
}

impl<F> Host<F> {
    /// Stream bytes in the chip's buffer (played up to now).
    pub fn chip_level(&self) -> usize {
        self.model.borrow().level()
    }
}

impl<F: Storage> Board for Host<F> {
    type Files = F;
    type Sci = ModelSci<'static>;
    type Sdi = ModelSdi<'static>;
    type Dreq = ModelDreq<'static>;
    type ChipReset = UnreadPin;
    type Observer = SdiBytes;
    type PanelSpi = CountingBus;
    type PanelDc = UnreadPin;
    type Frame = ();
    type Flash = RamFlash<'static, PAGE>;
    const WIDTH: u16 = 240;
    const HEIGHT: u16 = 240;

    fn log(&mut self, _: LogLevel, _: &str) {}

    fn random_fill(&mut self, buf: &mut [u8]) {
        self.random.fill(buf);
    }

    fn error(&mut self, error: PartError) {
        self.errors.push(error);
    }

    fn chip_advance(&mut self, now_us: u64) {
        self.model.borrow_mut().advance(now_us as i64);
    }

    fn chip_buffered(&mut self) -> usize {
        self.model.borrow().level()
    }

    fn frame_begin(&mut self) {}

    fn frame_end(&mut self, _: (), _: u32, bus: &mut CountingBus) {
        self.frames.push(std::mem::take(&mut bus.0));
    }
}

/// A port on `flash` (erased, or as a previous port left it).
pub fn port(flash: RamFlash<'static, PAGE>) -> McuPort<Host> {
    port_with(StdFiles, flash)
}

/// A port fetching from `files`, on `flash`.
pub fn port_with<F: Storage>(files: F, flash: RamFlash<'static, PAGE>) -> McuPort<Host<F>> {
    let model: &'static RefCell<DecoderModel> = Box::leak(Box::new(RefCell::new(
        DecoderModel::new(16_000, uptime() as i64).on_clock(uptime),
    )));
    let sdi = SdiBytes::default();
    let parts = Parts {
        files,
        sci: ModelSci(model),
        sdi: ModelSdi(model),
        dreq: ModelDreq(model),
        chip_reset: UnreadPin,
        observer: sdi.clone(),
        panel_spi: CountingBus::default(),
        panel_dc: UnreadPin,
        kv: Some(KvStore::new(flash, 0..KV_BYTES as u32).unwrap()),
    };
    let mut port = McuPort::new(
        Host {
            model,
            random: Prng::new(uptime()),
            errors: Vec::new(),
            frames: Vec::new(),
            sdi,
            files: PhantomData,
        },
        parts,
        uptime,
        1_700_000_000_000_000,
    );
    port.panel_bus().0 = 0;
    port
}

/// A RAM NOR flash, erased.
pub fn erased_flash() -> RamFlash<'static, PAGE> {
    RamFlash::new(Box::leak(vec![0xFF; KV_BYTES].into_boxed_slice()))
}

/// Lets `us` of virtual time pass a millisecond at a time, the main loop feeding the
/// chip meanwhile.
pub fn pass<F: Storage>(port: &mut McuPort<Host<F>>, us: u64) {
    let end = NOW_US.with(Cell::get) + us;
    while NOW_US.with(Cell::get) < end {
        NOW_US.with(|now| now.set((now.get() + 1000).min(end)));
        port.pump();
    }
}
