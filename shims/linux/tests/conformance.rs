//! The port conformance suite (`wasp-conformance`) against the Linux port written
//! in C, driven through the C vtable adapter (`wasp::CPort`) with file-backed
//! devices and the virtual clock. Every check is named in the output
//! (`cargo test -p wasp-shim-linux --test conformance -- --nocapture`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::path::{Path, PathBuf};

use wasp::CPort;
use wasp_conformance::{run, Harness, Outcome};
use wasp_shim_linux::{Device, Settings};

const BODY: &[u8] = b"conformance body served from a file\n";

/// The device (its port is a copy of its vtable, so the harness keeps the
/// device itself) and the files it serves.
struct Files {
    device: Device,
    body: String,
    missing: String,
}

impl Harness<CPort> for Files {
    fn wait(&mut self, _port: &mut CPort, us: i64) {
        let now = self.device.now();
        self.device.wait(now + us, 0);
    }
    fn fetchable(&self) -> Option<(&str, &[u8])> {
        Some((&self.body, BODY))
    }
    fn missing(&self) -> &str {
        &self.missing
    }
}

#[test]
fn the_linux_port_passes_the_conformance_suite() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasp-shim-linux/conformance");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let body: PathBuf = dir.join("body.txt");
    std::fs::write(&body, BODY).unwrap();
    let (fb, kv) = (dir.join("fb.rgb"), dir.join("kv"));
    let mut device = Device::new(&Settings {
        fbdev: Some(&fb),
        kv: Some(&kv),
        size: (64, 36),
        virtual_clock: true,
        ..Settings::default()
    })
    .unwrap();
    #[allow(unsafe_code)]
    // SAFETY: the harness below owns the device for the whole run; the port is
    // dropped with it at the end of the test.
    let mut port = unsafe { device.port() };
    let mut harness = Files {
        device,
        body: format!("file://{}", body.display()),
        missing: format!("{}/missing.ts", dir.display()),
    };
    let report = run(&mut port, &mut harness);
    println!("{report}");
    assert!(report.passed(), "{report}");
    assert_eq!(
        report.results.len(),
        wasp_conformance::check_names().count()
    );
    // The port offers no crypto: that check alone is not applicable.
    for r in &report.results {
        match &r.outcome {
            Outcome::Pass => {}
            Outcome::NotApplicable(_) => assert!(r.name.contains("decrypt"), "{report}"),
            Outcome::Fail(_) => unreachable!(),
        }
    }
}
