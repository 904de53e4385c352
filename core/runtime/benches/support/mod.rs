//! The benchmarks' modules and device: WAT generated at start (compiled with a current
//! `wasp.abi` section appended by `wasp_testkit::wasm`) and a port that records nothing.

pub mod floor;

use std::fmt::Write as _;

use criterion::black_box;
use wasp_core::abi::caps::{AudioOutputInfo, DecodingInfo, DecodingQuery, DisplayInfo};
use wasp_core::abi::gfx::ImageDesc;
use wasp_core::abi::player::{feature, LogLevel};
use wasp_core::abi::{Status, EXPORT_INIT, EXPORT_TICK};
use wasp_core::{Limits, Port, PortId, Runtime};
use wasp_testkit::wasm::module;

/// Host calls per `wasp_tick` in the `host_call/*` modules.
pub const CALLS_PER_TICK: u64 = 1000;

/// The cold-start module must stay within these sizes (bytes) to mean "about 200 KiB".
pub const BIG_SIZE: core::ops::RangeInclusive<usize> = 180 * 1024..=230 * 1024;

/// A device that answers at once and keeps nothing, so only the runtime is measured
/// (`TestPort` records every log line and draw list).
pub struct BenchPort {
    next: PortId,
}

impl Port for BenchPort {
    fn now_us(&mut self) -> i64 {
        1 << 32
    }
    fn log(&mut self, _: LogLevel, line: &str) {
        black_box(line);
    }
    fn decoding_info(&mut self, _: &DecodingQuery, _: &str) -> DecodingInfo {
        DecodingInfo::default()
    }
    fn display_info(&mut self) -> DisplayInfo {
        DisplayInfo::default()
    }
    fn audio_info(&mut self) -> AudioOutputInfo {
        AudioOutputInfo::default()
    }
    fn features(&mut self) -> u64 {
        feature::ALL_V1
    }
    fn image_create(&mut self, _: &ImageDesc, _: &[u8]) -> Result<PortId, Status> {
        self.next += 1;
        Ok(self.next)
    }
}

/// A runtime with default limits on a [`BenchPort`].
pub fn runtime() -> Runtime<BenchPort> {
    Runtime::new(BenchPort { next: 0 }, Limits::default(), Vec::new())
}

/// A runtime on a [`BenchPort`] with `bytes` loaded.
pub fn loaded(bytes: &[u8]) -> Runtime<BenchPort> {
    let mut rt = runtime();
    rt.load(bytes).expect("bench module loads");
    rt
}

/// [`loaded`] for bytes verified at install time (`Runtime::load_verified`).
pub fn loaded_verified(bytes: &[u8]) -> Runtime<BenchPort> {
    let mut rt = runtime();
    rt.load_verified(bytes).expect("bench module loads");
    rt
}

/// A module whose `wasp_tick` runs `body` [`CALLS_PER_TICK`] times in a loop and
/// returns 0. Memory holds a 15-byte string at 16; address 64 is scratch.
pub fn tick_loop(imports: &str, body: &str) -> Vec<u8> {
    let (init, tick) = (EXPORT_INIT, EXPORT_TICK);
    module(&format!(
        r#"(module
            {imports}
            (memory (export "memory") 1)
            (func (export "{init}") (result i32) i32.const 0)
            (func (export "{tick}") (param $now i64) (result i64) (local $i i32)
                (loop $l
                    {body}
                    (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                                      (i32.const {CALLS_PER_TICK}))))
                i64.const 0)
            (data (i32.const 16) "tick 0123456789")
        )"#
    ))
}

/// The `host_call/time_now` module: `time_now(64)` per iteration.
pub fn time_now_loop() -> Vec<u8> {
    tick_loop(
        r#"(import "wasp" "time_now" (func $now (param i32) (result i32)))"#,
        "(drop (call $now (i32.const 64)))",
    )
}

/// The `host_call/log` module: a 15-byte info line per iteration.
pub fn log_loop() -> Vec<u8> {
    tick_loop(
        r#"(import "wasp" "log" (func $log (param i32 i32 i32) (result i32)))"#,
        "(drop (call $log (i32.const 2) (i32.const 16) (i32.const 15)))",
    )
}

/// The `host_call/empty_loop` module: the same loop without a call.
pub fn empty_loop() -> Vec<u8> {
    tick_loop("", "")
}

/// The `tick/entry` module: `wasp_tick` returns at once.
pub fn empty_tick() -> Vec<u8> {
    let (init, tick) = (EXPORT_INIT, EXPORT_TICK);
    module(&format!(
        r#"(module
            (memory (export "memory") 1)
            (func (export "{init}") (result i32) i32.const 0)
            (func (export "{tick}") (param i64) (result i64) i64.const 0))"#
    ))
}

/// Functions in [`big`]; tuned so that the module is about 200 KiB.
const BIG_FUNCTIONS: u32 = 1800;

/// The cold-start module: ~200 KiB of code in [`BIG_FUNCTIONS`] functions of four
/// shapes (counted loops with branches and stores; i64 arithmetic with loads and a
/// direct call; `br_table` with `call_indirect`; float and bit arithmetic), every one
/// in a table that an exported dispatcher calls through, so none is dead; a 16 KiB data
/// segment (a real guest's rodata); 3 pages of memory; `wasp_init` and `wasp_tick`
/// return 0.
pub fn big() -> Vec<u8> {
    let mut wat = String::from(
        r#"(module
  (type $t (func (param i32 i32) (result i32)))
  (memory (export "memory") 3)
  (global $g (mut i32) (i32.const 0))
"#,
    );
    for i in 0..BIG_FUNCTIONS {
        // Distinct constants per function, so no two bodies are byte-identical.
        let (c1, c2, c3) = (
            i.wrapping_mul(2_654_435_761) >> 8,
            31 + i % 97,
            7 + i * 13 % 1009,
        );
        let offset = (i * 8) % 4096;
        let previous = i.saturating_sub(1);
        let _ = match i % 4 {
            0 => write!(
                wat,
                r#"  (func $f{i} (type $t) (local $i i32) (local $acc i32) (local $tmp i32)
    (local.set $acc (i32.add (local.get 0) (i32.const {c1})))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get 1)))
        (local.set $tmp (i32.mul (local.get $acc) (i32.const {c2})))
        (local.set $acc (i32.xor (local.get $tmp) (i32.rotl (local.get $i) (i32.const {r}))))
        (if (i32.and (local.get $acc) (i32.const 1))
          (then (local.set $acc (i32.shr_u (local.get $acc) (i32.const 1))))
          (else (local.set $acc (i32.add (local.get $acc) (i32.const {c3})))))
        (i32.store offset={offset} (i32.and (local.get $acc) (i32.const 0x7ffc)) (local.get $acc))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (global.set $g (i32.add (global.get $g) (local.get $acc)))
    (local.get $acc))
"#,
                r = i % 31 + 1
            ),
            1 => write!(
                wat,
                r#"  (func $f{i} (type $t) (local $x i64) (local $k i32)
    (local.set $x (i64.extend_i32_u (local.get 0)))
    (loop $l
      (local.set $x (i64.add (i64.mul (local.get $x) (i64.const {c1}))
                             (i64.load offset={offset} (i32.and (local.get $k) (i32.const 0x3ff8)))))
      (local.set $k (i32.add (local.get $k) (i32.const 8)))
      (br_if $l (i32.lt_u (local.get $k) (i32.and (local.get 1) (i32.const 255)))))
    (i64.store offset={offset} (i32.const 1024) (i64.rotr (local.get $x) (i64.const {c2})))
    (i32.add (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 17)))
             (call $f{previous} (local.get 0) (i32.const 3))))
"#
            ),
            2 => write!(
                wat,
                r#"  (func $f{i} (type $t)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $d (i32.and (local.get 0) (i32.const 3))))
      (return (i32.add (local.get 1) (i32.const {c1}))))
      (return (i32.sub (local.get 1) (i32.const {c3}))))
      (return (select (local.get 0) (local.get 1) (i32.lt_s (local.get 0) (local.get 1)))))
    (if (result i32) (i32.eqz (local.get 1))
      (then (i32.load8_u offset={offset} (local.get 0)))
      (else (call_indirect (type $t) (i32.shr_u (local.get 0) (i32.const 2)) (i32.sub (local.get 1) (i32.const 1))
                           (i32.rem_u (local.get 1) (i32.const {i}))))))
"#
            ),
            _ => write!(
                wat,
                r#"  (func $f{i} (type $t) (local $f f64) (local $n i32)
    (local.set $f (f64.convert_i32_s (local.get 0)))
    (local.set $n (i32.popcnt (local.get 1)))
    (loop $l
      (local.set $f (f64.add (f64.mul (local.get $f) (f64.const 1.0001)) (f64.const {c2}.5)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
    (i32.store16 offset={offset} (i32.const 2048) (i32.clz (local.get 0)))
    (i32.add (i32.trunc_sat_f64_s (f64.sqrt (f64.abs (local.get $f))))
             (i32.ctz (i32.or (local.get 1) (i32.const {c3})))))
"#
            ),
        };
    }
    let _ = write!(
        wat,
        r#"  (table {BIG_FUNCTIONS} funcref)
  (elem (i32.const 0) func"#
    );
    for i in 0..BIG_FUNCTIONS {
        let _ = write!(wat, " $f{i}");
    }
    let _ = write!(
        wat,
        r#")
  (func (export "run") (param $which i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect (type $t) (local.get $a) (local.get $b)
                   (i32.rem_u (local.get $which) (i32.const {BIG_FUNCTIONS}))))
  (func (export "{EXPORT_INIT}") (result i32) i32.const 0)
  (func (export "{EXPORT_TICK}") (param i64) (result i64) i64.const 0)
  (data (i32.const 65536) ""#
    );
    for i in 0..16 * 1024u32 {
        let _ = write!(wat, "\\{:02x}", (i.wrapping_mul(167) >> 3) as u8);
    }
    wat.push_str("\")\n)\n");
    let bytes = module(&wat);
    assert!(
        BIG_SIZE.contains(&bytes.len()),
        "the cold-start module is {} bytes, not about 200 KiB",
        bytes.len()
    );
    bytes
}
