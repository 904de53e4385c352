//! Demux throughput inside wasmi: the `wasp-engine-bench` module (`wasp_modules::
//! ENGINE_BENCH`) run by `wasp_core::Runtime` on the test device, which serves the
//! fixture bytes over an instantaneous link; figures in `docs/perf.md` ("Engine").
//!
//! * `wasm/<format>_load_run` — `Runtime::new` + `load` (module translation, `wasp_init`)
//!   + ticks until the module logs its count.
//! * `wasm/<format>_run` — the ticks alone (the runtime is loaded in the setup).
//!
//! `<format>` is `ts` (`hls-ts/v1_*.ts` repeated to ~4 MB) or `fmp4` (`init_1.mp4`,
//! then `v1_*.m4s` repeated to ~4 MB). Each run checks that the module counted as many
//! access units as the native demuxer over the same bytes.
//!
//! `WASP_BENCH_ONCE=<format>` runs one load+run without criterion (for callgrind:
//! `valgrind --tool=callgrind <bench binary>`); `WASP_BENCH_ONCE=<format>-setup` stops
//! before the ticks, so the difference is the run alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // bench setup, not an input path

mod common;

use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput};
use wasp_core::{Limits, Runtime, Tick};
use wasp_engine::mp4::FragmentDemuxer;
use wasp_engine::ts::TsDemuxer;
use wasp_testkit::TestPort;

/// Bytes each format's input is repeated to.
const SIZE: usize = 4 << 20;
const URL: &str = "http://bench.test/media";
const INIT_URL: &str = "http://bench.test/init";

/// One benchmark input: the module's configuration, what the device serves, and the
/// native demuxer's unit count for it.
struct Input {
    format: &'static str,
    config: String,
    init: Vec<u8>,
    media: Vec<u8>,
    units: u64,
}

impl Input {
    fn ts() -> Self {
        let media = common::repeat_to(&common::ts_segments(), SIZE);
        let units = common::demux(&mut TsDemuxer::new(), &[&media]);
        Input {
            format: "ts",
            config: format!("format=ts\nurl={URL}\n"),
            init: Vec::new(),
            media,
            units,
        }
    }

    fn fmp4() -> Self {
        let (init, segments) = common::fmp4_segments();
        let media = common::repeat_to(&segments, SIZE);
        let units = common::demux(&mut FragmentDemuxer::new(), &[&init, &media]);
        Input {
            format: "fmp4",
            config: format!("format=fmp4\ninit_url={INIT_URL}\nurl={URL}\n"),
            init,
            media,
            units,
        }
    }

    fn bytes(&self) -> u64 {
        (self.init.len() + self.media.len()) as u64
    }

    /// A runtime with the module loaded and the input served.
    fn load(&self) -> Runtime<TestPort> {
        let limits = Limits {
            fuel_per_tick: u64::MAX / 4,
            ..Limits::default()
        };
        let mut rt = Runtime::new(TestPort::new(), limits, self.config.clone().into_bytes());
        rt.port_mut().serve(URL, self.media.clone());
        if !self.init.is_empty() {
            rt.port_mut().serve(INIT_URL, self.init.clone());
        }
        rt.load(wasp_modules::ENGINE_BENCH)
            .expect("the engine bench module loads");
        rt
    }

    /// Ticks until the module logs its count (advancing virtual time to each wake); checks
    /// its count against the native one.
    fn run(&self, rt: &mut Runtime<TestPort>) {
        for _ in 0..10_000 {
            let now = rt.port().now;
            let tick = rt
                .tick(now)
                .unwrap_or_else(|e| panic!("the module faulted: {e}"));
            // Done once it logged its count (the runtime answers "now" instead of the
            // module's `i64::MAX` while fetch events are still queued).
            if rt.port().logs.iter().any(|(_, l)| l.starts_with("bench ")) {
                return self.check(rt);
            }
            if let Tick::Ran { next_us } = tick {
                rt.port_mut().advance((next_us - now).max(1));
            }
        }
        panic!("the module did not finish: {:#?}", rt.port().logs);
    }

    fn check(&self, rt: &Runtime<TestPort>) {
        let want = format!(
            "bench {}: {} units {} bytes",
            self.format,
            self.units,
            self.bytes()
        );
        let lines = rt.port().log_lines();
        assert!(
            lines.contains(&want.as_str()),
            "want {want:?}, the module logged {lines:#?}"
        );
    }
}

fn wasm(c: &mut Criterion) {
    let mut group = c.benchmark_group("wasm");
    for input in [Input::ts(), Input::fmp4()] {
        group.throughput(Throughput::Bytes(input.bytes()));
        group.bench_function(format!("{}_load_run", input.format), |b| {
            b.iter(|| {
                let mut rt = input.load();
                input.run(&mut rt);
                rt
            })
        });
        group.bench_function(format!("{}_run", input.format), |b| {
            b.iter_batched(
                || input.load(),
                |mut rt| {
                    input.run(&mut rt);
                    rt
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn main() {
    if let Ok(once) = std::env::var("WASP_BENCH_ONCE") {
        let (format, setup_only) = match once.strip_suffix("-setup") {
            Some(format) => (format, true),
            None => (once.as_str(), false),
        };
        let input = match format {
            "ts" => Input::ts(),
            "fmp4" => Input::fmp4(),
            other => panic!("WASP_BENCH_ONCE: unknown format {other:?} (ts, fmp4)"),
        };
        let mut rt = input.load();
        if !setup_only {
            input.run(&mut rt);
        }
        println!("once {once}: bytes={} units={}", input.bytes(), input.units);
        return;
    }
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    wasm(&mut c);
    c.final_summary();
}
