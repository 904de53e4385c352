//! Benchmarks of the runtime's cold start and hot paths; figures and the commands that
//! made them are in `docs/perf.md`.
//!
//! * `cold_start/*` — `Runtime::new` + `Runtime::load` (read, check, instantiate,
//!   `wasp_init`; lazy translation), `Runtime::restart` (lazy validation too);
//!   `verify/200k` — `Runtime::verify` (eager validation and translation).
//! * `host_call/*` — one `wasp_tick` making 1000 guest→host calls (`time_now`, a 15-byte
//!   `log`), and the same loop without the call: per call = (call − empty) / 1000.
//! * `tick/entry` — one `Runtime::tick` into a `wasp_tick` that returns at once.
//! * `wasmi/*` — the same operations on bare wasmi (`support::floor`): the floor under
//!   each figure above, so the rest is what wasp adds.
//!
//! `WASP_BENCH_ONCE=<name>` runs that workload a fixed number of times without
//! criterion (`WASP_BENCH_ITERS` overrides the count), for `benches/callgrind.sh` and
//! fresh-process timings; `WASP_BENCH_ONCE=list` names the workloads, `=dump` writes the
//! generated modules to `$WASP_BENCH_DIR`, and `WASP_BENCH_MODULE=<file>` makes
//! `cold_start/200k` read its module instead of generating it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // bench setup, not an input path

mod support;

use std::time::{Duration, Instant};

use criterion::{black_box, Criterion, Throughput};
use support::floor::{self, Bare, TimeNow};
use support::{loaded, BenchPort, CALLS_PER_TICK};
use wasmi::CompilationMode;
use wasp_core::{Limits, Runtime, Tick};
use wasp_testkit::TestPort;

fn cold_start(c: &mut Criterion) {
    let big = support::big();
    let mut group = c.benchmark_group("cold_start");
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.bench_function("200k", |b| {
        b.iter_with_large_drop(|| loaded(black_box(&big)))
    });
    group.bench_function("200k_verified", |b| {
        b.iter_with_large_drop(|| support::loaded_verified(black_box(&big)))
    });
    group.bench_function("restart", |b| {
        let mut rt = loaded(&big);
        b.iter(|| rt.restart().expect("restarts"));
    });
    group.throughput(Throughput::Bytes(wasp_modules::HELLO.len() as u64));
    group.bench_function("hello", |b| b.iter_with_large_drop(hello_start));
    group.finish();

    let mut group = c.benchmark_group("verify");
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.bench_function("200k", |b| {
        let mut rt = support::runtime();
        b.iter(|| rt.verify(black_box(&big)).expect("verifies"));
    });
    group.finish();
}

/// `hello` on the test device: its `wasp_init` reads the display, creates a glyph image
/// and reports its state, so it needs a port that answers like a device.
fn hello_start() -> Runtime<TestPort> {
    let mut rt = Runtime::new(TestPort::new(), Limits::default(), Vec::new());
    rt.load(black_box(wasp_modules::HELLO))
        .expect("hello loads");
    rt
}

fn host_call(c: &mut Criterion) {
    let mut group = c.benchmark_group("host_call");
    group.throughput(Throughput::Elements(CALLS_PER_TICK));
    for (name, bytes) in [
        ("time_now", support::time_now_loop()),
        ("log", support::log_loop()),
        ("empty_loop", support::empty_loop()),
    ] {
        let mut rt = loaded(&bytes);
        group.bench_function(name, |b| b.iter(|| tick(&mut rt)));
    }
    group.finish();
}

fn tick_entry(c: &mut Criterion) {
    let mut rt = loaded(&support::empty_tick());
    let mut group = c.benchmark_group("tick");
    group.bench_function("entry", |b| b.iter(|| tick(&mut rt)));
    group.finish();
}

fn wasmi_floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("wasmi");
    let mut bare = Bare::new(&support::empty_tick(), TimeNow::Noop);
    group.bench_function("call_resumable", |b| b.iter(|| bare.tick_resumable()));
    // A fresh instance: its fuel (u64::MAX) is never reset, as a plain call needs none.
    let mut bare = Bare::new(&support::empty_tick(), TimeNow::Noop);
    group.bench_function("call", |b| b.iter(|| bare.tick_call()));
    group.throughput(Throughput::Elements(CALLS_PER_TICK));
    for (name, time_now) in [
        ("host_call_noop", TimeNow::Noop),
        ("host_call_write", TimeNow::Write),
    ] {
        let mut bare = Bare::new(&support::time_now_loop(), time_now);
        group.bench_function(name, |b| b.iter(|| bare.tick_resumable()));
    }
    let big = support::big();
    group.throughput(Throughput::Bytes(big.len() as u64));
    for (name, mode) in [
        (
            "module_new/lazy_translation",
            CompilationMode::LazyTranslation,
        ),
        ("module_new/lazy", CompilationMode::Lazy),
    ] {
        group.bench_function(name, |b| {
            b.iter_with_large_drop(|| floor::module_new(black_box(&big), mode))
        });
    }
    let module = floor::module_new(&big, CompilationMode::Lazy);
    group.bench_function("instantiate", |b| {
        b.iter_with_large_drop(|| floor::instantiate(&module))
    });
    group.finish();
}

fn tick(rt: &mut Runtime<BenchPort>) {
    let ran = rt.tick(black_box(0));
    debug_assert_eq!(ran, Ok(Tick::Ran { next_us: 0 }));
    black_box(ran).ok();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

#[allow(missing_docs)] // `criterion_group!` makes an undocumented `pub fn`
mod group {
    use super::{cold_start, config, host_call, tick_entry, wasmi_floor};
    use criterion::criterion_group;
    criterion_group! {
        name = benches;
        config = config();
        targets = cold_start, host_call, tick_entry, wasmi_floor
    }
}

/// One workload of [`once`]: the iterations to run by default, the elements (host
/// calls) per iteration, and one iteration.
struct Once {
    iters: u64,
    elements: u64,
    step: Box<dyn FnMut()>,
}

impl Once {
    fn new(iters: u64, elements: u64, step: impl FnMut() + 'static) -> Option<Self> {
        Some(Self {
            iters,
            elements,
            step: Box::new(step),
        })
    }

    fn ticks(bytes: &[u8], iters: u64, elements: u64) -> Option<Self> {
        let mut rt = loaded(bytes);
        Self::new(iters, elements, move || tick(&mut rt))
    }

    fn bare(bytes: &[u8], time_now: TimeNow, iters: u64, elements: u64) -> Option<Self> {
        let mut bare = Bare::new(bytes, time_now);
        Self::new(iters, elements, move || {
            black_box(bare.tick_resumable());
        })
    }
}

fn once_workload(name: &str) -> Option<Once> {
    let calls = CALLS_PER_TICK;
    match name {
        "cold_start/200k" => {
            // A module file (written by `WASP_BENCH_ONCE=dump`) keeps the WAT compiler
            // from warming the heap before a fresh-process cold start.
            let big = match std::env::var_os("WASP_BENCH_MODULE") {
                Some(path) => std::fs::read(path).expect("reads WASP_BENCH_MODULE"),
                None => support::big(),
            };
            Once::new(20, 1, move || drop(black_box(loaded(&big))))
        }
        "cold_start/200k_verified" => {
            let big = support::big();
            Once::new(20, 1, move || {
                drop(black_box(support::loaded_verified(&big)))
            })
        }
        "cold_start/restart" => {
            let mut rt = loaded(&support::big());
            Once::new(20, 1, move || rt.restart().expect("restarts"))
        }
        "cold_start/hello" => Once::new(20, 1, || drop(black_box(hello_start()))),
        "verify/200k" => {
            let (big, mut rt) = (support::big(), support::runtime());
            Once::new(3, 1, move || drop(rt.verify(&big).expect("verifies")))
        }
        "host_call/time_now" => Once::ticks(&support::time_now_loop(), 1000, calls),
        "host_call/log" => Once::ticks(&support::log_loop(), 1000, calls),
        "host_call/empty_loop" => Once::ticks(&support::empty_loop(), 1000, calls),
        "tick/entry" => Once::ticks(&support::empty_tick(), 100_000, 1),
        "wasmi/call_resumable" => Once::bare(&support::empty_tick(), TimeNow::Noop, 100_000, 1),
        "wasmi/call" => {
            let mut bare = Bare::new(&support::empty_tick(), TimeNow::Noop);
            Once::new(100_000, 1, move || {
                black_box(bare.tick_call());
            })
        }
        "wasmi/host_call_noop" => Once::bare(&support::time_now_loop(), TimeNow::Noop, 1000, calls),
        "wasmi/host_call_write" => {
            Once::bare(&support::time_now_loop(), TimeNow::Write, 1000, calls)
        }
        "wasmi/module_new/lazy_translation" | "wasmi/module_new/lazy" => {
            let mode = match name.ends_with("lazy") {
                true => CompilationMode::Lazy,
                false => CompilationMode::LazyTranslation,
            };
            let big = support::big();
            Once::new(20, 1, move || {
                drop(black_box(floor::module_new(&big, mode)))
            })
        }
        "wasmi/instantiate" => {
            let module = floor::module_new(&support::big(), CompilationMode::Lazy);
            Once::new(20, 1, move || drop(black_box(floor::instantiate(&module))))
        }
        _ => None,
    }
}

/// Names [`once_workload`] knows (for `callgrind.sh`).
const ONCE: &[&str] = &[
    "cold_start/200k",
    "cold_start/200k_verified",
    "cold_start/restart",
    "cold_start/hello",
    "verify/200k",
    "host_call/time_now",
    "host_call/log",
    "host_call/empty_loop",
    "tick/entry",
    "wasmi/call_resumable",
    "wasmi/call",
    "wasmi/host_call_noop",
    "wasmi/host_call_write",
    "wasmi/module_new/lazy_translation",
    "wasmi/module_new/lazy",
    "wasmi/instantiate",
];

/// Runs one workload without criterion and prints what `callgrind.sh` parses:
/// `once <name> iters=<n> elements=<per iteration> elapsed_ns=<wall time of the runs>`.
fn once(name: &str) {
    if name == "list" {
        ONCE.iter().for_each(|n| println!("{n}"));
        return;
    }
    if name == "dump" {
        dump();
        return;
    }
    let Some(mut workload) = once_workload(name) else {
        eprintln!(
            "WASP_BENCH_ONCE: unknown workload `{name}`; one of: {}",
            ONCE.join(", ")
        );
        std::process::exit(2);
    };
    let iters = std::env::var("WASP_BENCH_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(workload.iters);
    let start = Instant::now();
    (0..iters).for_each(|_| (workload.step)());
    let elapsed = start.elapsed().as_nanos();
    println!(
        "once {name} iters={iters} elements={} elapsed_ns={elapsed}",
        workload.elements
    );
}

/// Writes the generated modules to `$WASP_BENCH_DIR` (default `.`) for inspection
/// (`wasm-objdump -h`, `wasm-tools print`).
fn dump() {
    let dir =
        std::path::PathBuf::from(std::env::var_os("WASP_BENCH_DIR").unwrap_or_else(|| ".".into()));
    let modules = [
        ("big", support::big()),
        ("time_now_loop", support::time_now_loop()),
        ("log_loop", support::log_loop()),
        ("empty_loop", support::empty_loop()),
        ("empty_tick", support::empty_tick()),
    ];
    for (name, bytes) in modules {
        let path = dir.join(format!("bench-{name}.wasm"));
        std::fs::write(&path, &bytes).expect("writes the module");
        println!("{:>8} bytes  {}", bytes.len(), path.display());
    }
}

/// `criterion_main!(benches)`, plus the `WASP_BENCH_ONCE` mode.
fn main() {
    if let Ok(name) = std::env::var("WASP_BENCH_ONCE") {
        once(&name);
        return;
    }
    group::benches();
    Criterion::default().configure_from_args().final_summary();
}
