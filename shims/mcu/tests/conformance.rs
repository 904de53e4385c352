//! The MCU port passes the port conformance suite (the C suite of
//! `hardware-tests/conformance`, run through `wasp_conformance::c_vtable`), built on
//! the host as a board would build it (`common`). A crash abandons the port and
//! opens a new one on the same flash.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod common;

use common::{erased_flash, pass, port, Host};
use wasp_conformance::{run, Harness, Outcome, Report};
use wasp_shim_mcu::port::McuPort;

/// Time passes on the virtual clock; the main loop feeds the chip meanwhile.
struct Virtual {
    url: String,
    body: Vec<u8>,
    crashes: u32,
}

impl Harness<McuPort<Host>> for Virtual {
    fn wait(&mut self, port: &mut McuPort<Host>, us: i64) {
        pass(port, u64::try_from(us).unwrap_or(0));
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
