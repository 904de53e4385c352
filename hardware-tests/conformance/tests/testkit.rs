//! The test device conforms to the C suite (through the vtable adapter), and the
//! suite can fail: a port that breaks a promise is caught by the check about that
//! promise, a store that forgets on a crash by the durability check.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use wasp_conformance::{run, Harness, Outcome};
use wasp_core::abi::caps::{AudioOutputInfo, DecodingInfo, DecodingQuery, DisplayInfo};
use wasp_core::abi::decoder::DecoderConfig;
use wasp_core::abi::player::LogLevel;
use wasp_core::abi::Status;
use wasp_core::{Port, PortId};
use wasp_testkit::TestPort;

struct Virtual;

const BODY: &[u8] = b"conformance body\n";

impl Harness<TestPort> for Virtual {
    fn wait(&mut self, port: &mut TestPort, us: i64) {
        port.advance(us);
    }
    fn fetchable(&self) -> Option<(&str, &[u8])> {
        Some(("mem://conformance", BODY))
    }
    fn missing(&self) -> &str {
        "mem://missing"
    }
    /// The test device's store is its `kv` map: a device opened afresh on the
    /// same storage starts with it, everything else lost.
    fn crash(&mut self, port: &mut TestPort) -> bool {
        let storage = std::mem::take(&mut port.kv);
        *port = TestPort::new();
        port.kv = storage;
        true
    }
}

#[test]
fn the_test_device_passes_every_check() {
    let mut port = TestPort::new();
    port.serve("mem://conformance", BODY);
    port.network.link.bytes_per_sec = 5; // several reads over virtual time
    let report = run(&mut port, &mut Virtual);
    assert!(report.passed(), "{report}");
    assert_eq!(
        report.results.len(),
        wasp_conformance::check_names().count()
    );
    assert!(
        report.results.iter().all(|r| r.outcome == Outcome::Pass),
        "{report}"
    );
}

/// The test device, but it claims to decode everything.
struct Boastful(TestPort);

impl Port for Boastful {
    fn now_us(&mut self) -> i64 {
        self.0.now_us()
    }
    fn log(&mut self, level: LogLevel, line: &str) {
        self.0.log(level, line)
    }
    fn decoding_info(&mut self, q: &DecodingQuery, codecs: &str) -> DecodingInfo {
        DecodingInfo {
            supported: 1,
            ..self.0.decoding_info(q, codecs)
        }
    }
    fn display_info(&mut self) -> DisplayInfo {
        self.0.display_info()
    }
    fn audio_info(&mut self) -> AudioOutputInfo {
        self.0.audio_info()
    }
    fn features(&mut self) -> u64 {
        self.0.features()
    }
    fn decoder_open(&mut self, config: &DecoderConfig, extra: &[u8]) -> Result<PortId, Status> {
        self.0.decoder_open(config, extra)
    }
    fn decoder_close(&mut self, id: PortId) {
        self.0.decoder_close(id)
    }
}

impl Harness<Boastful> for Virtual {
    fn wait(&mut self, port: &mut Boastful, us: i64) {
        port.0.advance(us);
    }
    fn fetchable(&self) -> Option<(&str, &[u8])> {
        None
    }
    fn missing(&self) -> &str {
        "mem://missing"
    }
}

#[test]
fn a_port_that_breaks_its_promises_fails_the_checks_about_them() {
    let mut port = Boastful(TestPort::new());
    let report = run(&mut port, &mut Virtual);
    let failed: Vec<&str> = report.failures().map(|r| r.name.as_str()).collect();
    // It says it decodes Opus but cannot open it; its default methods answer
    // Unsupported for random, kv, images and crypto that its features promise.
    for name in [
        "decoder_answers_match_decoder_open",
        "random_bytes_vary",
        "kv_store_round_trips",
        "images_upload_update_and_present",
        "decrypt_matches_the_aes_test_vector",
        "bad_arguments_get_error_codes",
    ] {
        assert!(failed.contains(&name), "{name} should fail:\n{report}");
    }
}

/// A harness whose device loses its key-value store in a crash.
struct Forgetful;

impl Harness<TestPort> for Forgetful {
    fn wait(&mut self, port: &mut TestPort, us: i64) {
        port.advance(us);
    }
    fn fetchable(&self) -> Option<(&str, &[u8])> {
        None
    }
    fn missing(&self) -> &str {
        "mem://missing"
    }
    fn crash(&mut self, port: &mut TestPort) -> bool {
        *port = TestPort::new();
        true
    }
}

#[test]
fn a_store_that_forgets_on_a_crash_fails_the_durability_check() {
    let report = run(&mut TestPort::new(), &mut Forgetful);
    let durable = report
        .results
        .iter()
        .find(|r| r.name == "kv_survives_a_crash")
        .unwrap();
    assert_eq!(
        durable.outcome,
        Outcome::Fail("a value set before the crash reads as -7".into()),
        "{report}"
    );
}
