//! Helpers for the runtime's integration tests: hand-written modules with a valid
//! `wasp.abi` section appended.
#![allow(dead_code, unused_imports)] // each test file uses a different part

use wasp_core::{Limits, Runtime};
pub use wasp_testkit::wasm::{abi_section, guest, module, with_section};
use wasp_testkit::TestPort;

/// A runtime on a fresh test port.
pub fn runtime() -> Runtime<TestPort> {
    Runtime::new(
        TestPort::new(),
        Limits::default(),
        b"url=mem://a\n".to_vec(),
    )
}

/// A runtime with custom limits.
pub fn runtime_with(limits: Limits) -> Runtime<TestPort> {
    Runtime::new(TestPort::new(), limits, Vec::new())
}

/// A module that logs "alive" and returns 7 from every tick: proof the runtime still
/// loads and runs the next module after a hostile one.
pub fn healthy() -> Vec<u8> {
    module(&guest(
        r#"(import "wasp" "log" (func $log (param i32 i32 i32) (result i32)))"#,
        "(drop (call $log (i32.const 2) (i32.const 16) (i32.const 5))) (i64.const 7)",
    ))
}

/// Loads [`healthy`] and checks that it ticks.
pub fn assert_recovers(rt: &mut Runtime<TestPort>) {
    rt.load(&healthy())
        .expect("a healthy module loads after a hostile one");
    assert_eq!(rt.tick(100), Ok(wasp_core::Tick::Ran { next_us: 7 }));
}
