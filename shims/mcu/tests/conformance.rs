//! The MCU port passes the port conformance suite (the C suite of
//! `hardware-tests/conformance`, run through `wasp_conformance::c_vtable`), built on
//! the host as a board would build it: the host's files (`StdFiles`), the VS1053
//! model on a virtual clock, a panel bus that counts what it is sent, and the
//! key-value store on a RAM NOR flash. A crash abandons the port and opens a new
//! one on the same flash.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::cell::{Cell, RefCell};
use std::convert::Infallible;

use embedded_hal::spi::{ErrorType, Operation, SpiDevice};
use wasp_conformance::{run, Harness, Outcome, Report};
use wasp_core::abi::player::LogLevel;
use wasp_shim_mcu::kv::KvStore;
use wasp_shim_mcu::port::{Board, McuPort, PartError, Parts};
use wasp_shim_mcu::storage::StdFiles;
use wasp_shim_mcu::virt::{DecoderModel, ModelDreq, ModelSci, ModelSdi, Prng, RamFlash, UnreadPin};

/// The key-value store's erase page and size: as the QEMU boards' (two 4 KiB
/// sectors of an SPI NOR per page, four pages).
const PAGE: usize = 8192;
const KV_BYTES: usize = 4 * PAGE;

std::thread_local! {
    /// The virtual clock, µs (one per test thread): each read moves it on by 1 µs,
    /// so the port's busy-wait delays end; the harness's waits move it on.
    static NOW_US: Cell<u64> = const { Cell::new(0) };
}

fn uptime() -> u64 {
    NOW_US.with(|now| {
        let t = now.get();
        now.set(t + 1);
        t
    })
}

/// The panel's SPI: counts the bytes it is sent.
#[derive(Default)]
struct CountingBus(u64);

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

/// The host board.
struct Host {
    model: &'static RefCell<DecoderModel>,
    random: Prng,
    errors: Vec<PartError>,
    /// Bytes each present sent to the panel.
    frames: Vec<u64>,
}

impl Board for Host {
    type Files = StdFiles;
    type Sci = ModelSci<'static>;
    type Sdi = ModelSdi<'static>;
    type Dreq = ModelDreq<'static>;
    type ChipReset = UnreadPin;
    type Observer = ();
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
fn port(flash: RamFlash<'static, PAGE>) -> McuPort<Host> {
    let model: &'static RefCell<DecoderModel> = Box::leak(Box::new(RefCell::new(
        DecoderModel::new(16_000, uptime() as i64).on_clock(uptime),
    )));
    let parts = Parts {
        files: StdFiles,
        sci: ModelSci(model),
        sdi: ModelSdi(model),
        dreq: ModelDreq(model),
        chip_reset: UnreadPin,
        observer: (),
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
        },
        parts,
        uptime,
        1_700_000_000_000_000,
    );
    port.panel_bus().0 = 0;
    port
}

fn erased_flash() -> RamFlash<'static, PAGE> {
    RamFlash::new(Box::leak(vec![0xFF; KV_BYTES].into_boxed_slice()))
}

/// Time passes on the virtual clock; the main loop feeds the chip meanwhile.
struct Virtual {
    url: String,
    body: Vec<u8>,
    crashes: u32,
}

impl Harness<McuPort<Host>> for Virtual {
    fn wait(&mut self, port: &mut McuPort<Host>, us: i64) {
        let end = NOW_US.with(Cell::get) + u64::try_from(us).unwrap_or(0);
        while NOW_US.with(Cell::get) < end {
            NOW_US.with(|now| now.set((now.get() + 1000).min(end)));
            port.pump();
        }
    }

    fn fetchable(&self) -> Option<(&str, &[u8])> {
        Some((&self.url, &self.body))
    }

    fn missing(&self) -> &str {
        "file:///nonexistent/wasp/missing.m3u8"
    }

    fn crash(&mut self, port: &mut McuPort<Host>) -> bool {
        let Some(kv) = port.take_kv() else {
            return false;
        };
        // The old port is dropped without closing anything; only the flash remains.
        *port = self::port(kv.release());
        self.crashes += 1;
        true
    }
}

fn run_suite() -> (Report, McuPort<Host>, u32) {
    // The board's convention: `file:///path` is `path` as the storage takes it
    // (relative to the folder the test runs in, this crate's).
    let path = "../../players/engine/fixtures/hls-ts/v0.m3u8";
    let mut harness = Virtual {
        url: format!("file:///{path}"),
        body: std::fs::read(path).unwrap(),
        crashes: 0,
    };
    let mut port = port(erased_flash());
    let report = run(&mut port, &mut harness);
    (report, port, harness.crashes)
}

/// Checks the MCU port has no means for, and why.
const NOT_APPLICABLE: &[&str] = &[
    // No AES engine on the board (no CRYPTO feature).
    "decrypt_matches_the_aes_test_vector",
];

#[test]
fn the_mcu_port_passes_every_check_it_has_the_parts_for() {
    let (report, port, crashes) = run_suite();
    println!("{report}");
    assert_eq!(
        report.results.len(),
        wasp_conformance::check_names().count(),
        "{report}"
    );
    for r in &report.results {
        match &r.outcome {
            Outcome::Pass => assert!(!NOT_APPLICABLE.contains(&r.name.as_str()), "{report}"),
            Outcome::NotApplicable(_) => {
                assert!(NOT_APPLICABLE.contains(&r.name.as_str()), "{report}")
            }
            Outcome::Fail(_) => panic!("{report}"),
        }
    }
    // The named checks printed PASS: the store, its durability across a crash
    // (the port reopened on its flash), the decoder chip and the display.
    for name in [
        "kv_store_round_trips",
        "kv_survives_a_crash",
        "decoder_lifecycle_queues_flushes_and_closes",
        "decoder_queue_pushes_back",
        "fetch_delivers_the_exact_body",
        "images_upload_update_and_present",
    ] {
        assert!(
            report.lines.iter().any(|l| l == &format!("PASS {name}")),
            "{name}: {report}"
        );
    }
    assert_eq!(crashes, 1);
    // Every present reached the panel whole: 240 x 240 RGB565 pixels and the window
    // commands of its 30 stripes (as the QEMU boards' frames: 115530 B).
    let frames = &port.board().frames;
    assert!(!frames.is_empty());
    assert!(frames.iter().all(|&bytes| bytes == 115_530), "{frames:?}");
    assert!(port.board().errors.is_empty(), "{:?}", port.board().errors);
}
