//! The emulator passes the port conformance suite (the C suite of
//! `hardware-tests/conformance`, run on the emulator's port through the vtable
//! adapter `wasp_conformance::c_vtable`) in virtual time, with its fetches served by
//! the simulated network and by local files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use wasp_conformance::{run, Harness, Outcome};
use wasp_emulator::{DeviceProfile, EmulatorPort};

const BODY: &[u8] = b"conformance body\n";

struct Virtual {
    url: String,
    body: Vec<u8>,
    missing: String,
}

impl Harness<EmulatorPort> for Virtual {
    fn wait(&mut self, port: &mut EmulatorPort, us: i64) {
        port.advance(us);
    }
    fn fetchable(&self) -> Option<(&str, &[u8])> {
        Some((&self.url, &self.body))
    }
    fn missing(&self) -> &str {
        &self.missing
    }
}

fn assert_all_pass(port: &mut EmulatorPort, harness: &mut Virtual) {
    let report = run(port, harness);
    assert_eq!(
        report.results.len(),
        wasp_conformance::check_names().count()
    );
    // The emulator's key-value store lives in memory: it has no storage to reopen
    // after a crash, so the durability check alone is skipped.
    for r in &report.results {
        match &r.outcome {
            Outcome::Pass => {}
            Outcome::NotApplicable(_) => assert_eq!(r.name, "kv_survives_a_crash", "{report}"),
            Outcome::Fail(_) => panic!("{report}"),
        }
    }
}

#[test]
fn the_emulator_passes_every_check_on_the_simulated_network() {
    let mut port = EmulatorPort::new(DeviceProfile::default());
    port.serve("mem://conformance", BODY);
    port.network().link.bytes_per_sec = 5; // several reads over virtual time
    let mut harness = Virtual {
        url: "mem://conformance".into(),
        body: BODY.to_vec(),
        missing: "http://example.invalid/missing".into(),
    };
    assert_all_pass(&mut port, &mut harness);
}

#[test]
fn the_emulator_passes_every_check_with_local_files() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../players/engine/fixtures/hls-ts/v0.m3u8"
    );
    let mut port = EmulatorPort::new(DeviceProfile::default());
    let mut harness = Virtual {
        url: format!("file://{path}"),
        body: std::fs::read(path).unwrap(),
        missing: "/nonexistent/wasp/missing.m3u8".into(),
    };
    assert_all_pass(&mut port, &mut harness);
}
