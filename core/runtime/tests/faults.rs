//! Faults of a running module are contained: reported with the module's last log
//! lines, everything it held is released, the host keeps running and can restart it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod common;
use common::*;
use wasp_core::{FaultKind, Limits, RunError, Tick};

const LOG: &str = r#"(import "wasp" "log" (func $log (param i32 i32 i32) (result i32)))"#;

fn faulted(result: Result<Tick, RunError>) -> wasp_core::Fault {
    match result {
        Err(RunError::Faulted(f)) => f,
        other => panic!("expected a fault, got {other:?}"),
    }
}

#[test]
fn an_endless_loop_is_sliced_by_fuel_then_reported_hung() {
    let limits = Limits {
        fuel_per_tick: 10_000,
        max_slices: 5,
        ..Limits::default()
    };
    let mut rt = runtime_with(limits);
    rt.load(&module(&guest(LOG, "(drop (call $log (i32.const 2) (i32.const 16) (i32.const 5))) (loop $l (br $l)) i64.const 0")))
        .unwrap();
    for _ in 0..4 {
        assert_eq!(rt.tick(0), Ok(Tick::Sliced));
    }
    let fault = faulted(rt.tick(0));
    assert!(
        matches!(fault.kind, FaultKind::Hung { fuel: 50_000 }),
        "{fault:?}"
    );
    assert_eq!(fault.last_logs, ["hello"]);
    assert!(fault.to_string().contains("endless loop") && fault.to_string().contains("| hello"));
    // It stays faulted until restarted, and the device logged the fault.
    assert!(matches!(rt.tick(1), Err(RunError::Faulted(_))));
    assert!(rt
        .port()
        .log_lines()
        .iter()
        .any(|l| l.starts_with("wasp: module did not return")));
    assert_recovers(&mut rt);
}

#[test]
fn a_long_computation_resumes_across_ticks_with_its_result_intact() {
    let limits = Limits {
        fuel_per_tick: 20_000,
        max_slices: 1000,
        ..Limits::default()
    };
    let mut rt = runtime_with(limits);
    // Sum 0..100_000 in a loop: far more than one tick's fuel.
    let body = r#"(local $i i64) (local $sum i64)
        (loop $l
            (local.set $sum (i64.add (local.get $sum) (local.get $i)))
            (local.set $i (i64.add (local.get $i) (i64.const 1)))
            (br_if $l (i64.lt_u (local.get $i) (i64.const 100000))))
        (local.get $sum)"#;
    rt.load(&module(&guest("", body))).unwrap();
    let mut slices = 0;
    let next = loop {
        match rt.tick(0).unwrap() {
            Tick::Sliced => slices += 1,
            Tick::Ran { next_us } => break next_us,
        }
    };
    assert!(slices > 10, "it really was sliced ({slices})");
    assert_eq!(next, 4_999_950_000);
    assert_eq!(
        rt.tick(0),
        Ok(Tick::Sliced),
        "the next tick starts a new call"
    );
}

#[test]
fn a_function_first_called_near_the_end_of_a_ticks_fuel_does_not_fault() {
    // Functions are translated when first called. Were translation charged to the
    // tick's fuel, a large function first called with little fuel left would fault
    // the module: wasmi cannot resume a call suspended while translating its callee
    // (wasmi-labs/wasmi#2032). Here translating `$big` (~13 KB of code) would cost
    // several ticks of fuel on its own.
    let limits = Limits {
        fuel_per_tick: 10_000,
        max_slices: 50,
        ..Limits::default()
    };
    let mut rt = runtime_with(limits);
    let big: String = (0..1500)
        .map(|i| format!("(drop (i64.const {}))", 1_000_000_007_i64 * i))
        .collect();
    let burn = r#"(local $i i32)
        (loop $l
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get $i) (i32.const 2000))))"#;
    let big = format!("(func $big (result i64) {big} (i64.const 42))");
    rt.load(&module(&guest(&big, &format!("{burn} (call $big)"))))
        .unwrap();
    let next = loop {
        match rt.tick(0) {
            Ok(Tick::Sliced) => {}
            Ok(Tick::Ran { next_us }) => break next_us,
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(next, 42);
}

#[test]
fn growing_memory_past_the_cap_is_a_fault() {
    let mut rt = runtime_with(Limits {
        guest_memory_bytes: 4 * 65536,
        ..Limits::default()
    });
    // Grows by 2 pages per tick and ignores the -1 when refused.
    rt.load(&module(&guest(
        "",
        "(drop (memory.grow (i32.const 2))) i64.const 0",
    )))
    .unwrap();
    assert_eq!(rt.tick(0), Ok(Tick::Ran { next_us: 0 }));
    assert_eq!(rt.guest_memory_bytes(), 3 * 65536);
    let fault = faulted(rt.tick(0));
    assert_eq!(
        fault.kind,
        FaultKind::MemoryLimit {
            requested: 5 * 65536,
            cap: 4 * 65536
        }
    );
    assert_recovers(&mut rt);
}

#[test]
fn deep_recursion_is_a_stack_overflow_fault() {
    let mut rt = runtime();
    let wat = r#"(module (memory (export "memory") 1)
        (func $down (param i64) (result i64) (call $down (i64.add (local.get 0) (i64.const 1))))
        (func (export "wasp_init") (result i32) i32.const 0)
        (func (export "wasp_tick") (param i64) (result i64) (call $down (i64.const 0))))"#;
    rt.load(&module(wat)).unwrap();
    assert_eq!(faulted(rt.tick(0)).kind, FaultKind::StackOverflow);
    assert_recovers(&mut rt);
}

#[test]
fn a_trap_is_reported_with_the_last_log_lines_and_the_module_restarts() {
    let limits = Limits {
        log_lines_kept: 2,
        ..Limits::default()
    };
    let mut rt = runtime_with(limits);
    let wat = guest(
        &format!(r#"{LOG} (global $n (mut i32) (i32.const 0))"#),
        r#"(drop (call $log (i32.const 1) (i32.const 16) (i32.const 1)))
           (drop (call $log (i32.const 1) (i32.const 17) (i32.const 1)))
           (drop (call $log (i32.const 0) (i32.const 16) (i32.const 5)))
           (global.set $n (i32.add (global.get $n) (i32.const 1)))
           (if (i32.eq (global.get $n) (i32.const 2)) (then unreachable))
           (i64.extend_i32_u (global.get $n))"#,
    );
    rt.load(&module(&wat)).unwrap();
    assert_eq!(rt.tick(0), Ok(Tick::Ran { next_us: 1 }));
    let fault = faulted(rt.tick(0));
    assert!(
        matches!(fault.kind, FaultKind::Trap(ref t) if t.contains("unreachable")),
        "{fault:?}"
    );
    assert_eq!(
        fault.last_logs,
        ["e", "hello"],
        "only the last `log_lines_kept` lines"
    );
    // Restart: a fresh instance (its global starts again at 0).
    rt.restart().unwrap();
    assert_eq!(rt.tick(0), Ok(Tick::Ran { next_us: 1 }));
    assert_eq!(rt.stats().faults, 1);
    assert_eq!(rt.stats().starts, 2);
}

#[test]
fn out_of_bounds_guest_access_is_a_trap_not_a_host_fault() {
    let mut rt = runtime();
    rt.load(&module(&guest(
        "",
        "(drop (i32.load (i32.const 70000))) i64.const 0",
    )))
    .unwrap();
    assert!(
        matches!(faulted(rt.tick(0)).kind, FaultKind::Trap(ref t) if t.contains("out of bounds"))
    );
    assert_recovers(&mut rt);
}

#[test]
fn a_fault_releases_everything_the_module_held() {
    let mut rt = runtime();
    rt.port_mut().serve("mem://a", b"abc".to_vec());
    let imports = r#"
        (import "wasp" "store_create" (func $create (param i64) (result i32)))
        (import "wasp" "fetch_open" (func $open (param i32 i32 i32 i32 i32 i32) (result i32)))
        (import "wasp" "gfx_image_create" (func $image (param i32 i32 i32 i32) (result i32)))
        (data (i32.const 100) "mem://a")
        (data (i32.const 200) "\01\00\00\00\01\00\00\00\04\00\00\00\01\00\00\00")"#;
    let body = r#"(drop (call $create (i64.const 1000)))
        (drop (call $open (i32.const 0) (i32.const 0) (i32.const 100) (i32.const 7) (i32.const 0) (i32.const 0)))
        (drop (call $image (i32.const 200) (i32.const 16) (i32.const 300) (i32.const 4)))
        unreachable"#;
    rt.load(&module(&guest(imports, body))).unwrap();
    let _ = rt.tick(0);
    let opened = ["fetch_open", "image_create"];
    assert!(
        opened
            .iter()
            .all(|op| rt.port().trace.iter().any(|l| l.starts_with(op))),
        "{:?}",
        rt.port().trace
    );
    assert_eq!(rt.open_handles(), [0, 0, 0, 0]);
    assert_eq!(rt.media_store_used(), 0);
    assert!(
        rt.port().transfers.is_empty(),
        "the port's fetch was closed"
    );
    assert!(rt.port().images.is_empty(), "the port's image was freed");
    assert!(rt.port().trace.iter().any(|l| l.starts_with("fetch_close")));
}
