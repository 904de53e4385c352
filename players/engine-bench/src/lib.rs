//! # wasp-engine-bench: one engine component, timed inside the runtime
//!
//! A module for benchmarks (`players/engine/benches/wasm.rs`) and size reports
//! (`cargo xtask engine-sizes`). Each Cargo feature (`ts`, `mp4`, `hls`, `dash`,
//! `vtt`) links one component of `wasp-engine`; a format whose feature is off is
//! refused at init, so LTO drops the component and the module's size shows its weight.
//!
//! * **init**: reads `format` (`ts`, `fmp4`, `hls`, `dash` or `vtt`), `url` and, for
//!   `fmp4`, `init_url` (fetched first) from the configuration.
//! * **each tick**: reads every fetched byte that has arrived into one 64 KiB buffer.
//!   Demuxers (`ts`, `fmp4`) get every chunk pushed as it comes and count access
//!   units; text formats are gathered and parsed once complete (units: segments,
//!   periods, cues). Asks to run again in 1 ms while waiting for bytes.
//! * **done**: logs `bench <format>: <units> units <bytes> bytes` (or
//!   `bench <format>: error <why>`) and returns `i64::MAX` from then on.
#![no_std]

extern crate alloc;

mod component;

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use component::Component;
use wasp_guest::abi::fetch::FetchRequest;
use wasp_guest::abi::player::feature;
use wasp_guest::config::Config;
use wasp_guest::{info, warn, Fetch, Player, Status};

wasp_guest::module!(
    player = EngineBench,
    name = "engine-bench",
    version = env!("CARGO_PKG_VERSION"),
    requires = feature::FETCH,
);

/// The guest buffer each fetch read fills.
const CHUNK: usize = 64 * 1024;
/// Wake period while waiting for bytes.
const WAIT_US: i64 = 1_000;

/// The benchmark's state.
pub struct EngineBench {
    format: String,
    component: Component,
    /// URLs still to fetch, last first.
    urls: Vec<String>,
    fetch: Option<Fetch>,
    buf: Vec<u8>,
    bytes: u64,
    done: bool,
}

impl Player for EngineBench {
    fn init() -> Result<Self, Status> {
        let config = Config::load()?;
        let format = String::from(config.get("format").unwrap_or("ts"));
        let Some(component) = Component::new(&format) else {
            warn!("bench {format}: format not built in");
            return Err(Status::Unsupported);
        };
        let mut urls = Vec::new();
        if let Some(url) = config.get("url") {
            urls.push(String::from(url));
        }
        if let Some(init) = config.get("init_url").filter(|u| !u.is_empty()) {
            urls.push(String::from(init));
        }
        Ok(EngineBench {
            format,
            component,
            urls,
            fetch: None,
            buf: vec![0; CHUNK],
            bytes: 0,
            done: false,
        })
    }

    fn tick(&mut self, now_us: i64) -> i64 {
        while !self.done {
            let Some(fetch) = self.fetch.as_mut() else {
                self.open_next();
                continue;
            };
            match fetch.read(&mut self.buf) {
                Ok(0) | Err(Status::WouldBlock) => return now_us.saturating_add(WAIT_US),
                Ok(n) => {
                    self.bytes += n as u64;
                    let chunk = self.buf.get(..n).unwrap_or_default();
                    if let Err(why) = self.component.push(chunk) {
                        self.fail(why);
                    }
                }
                Err(Status::EndOfStream) => self.fetch = None,
                Err(status) => self.fail(status.name()),
            }
        }
        i64::MAX
    }
}

impl EngineBench {
    /// Opens the next URL, or finishes when none is left.
    fn open_next(&mut self) {
        let Some(url) = self.urls.pop() else {
            match self.component.finish() {
                Ok(units) => info!("bench {}: {units} units {} bytes", self.format, self.bytes),
                Err(why) => self.fail(why),
            }
            self.done = true;
            return;
        };
        match Fetch::open(&FetchRequest::get(), &url, "") {
            Ok(fetch) => self.fetch = Some(fetch),
            Err(status) => self.fail(status.name()),
        }
    }

    fn fail(&mut self, why: &str) {
        warn!("bench {}: error {why}", self.format);
        self.fetch = None;
        self.done = true;
    }
}
