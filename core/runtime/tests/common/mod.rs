//! Helpers for the runtime's integration tests: hand-written modules with a valid
//! `wasp.abi` section appended.
#![allow(dead_code)]

use wasp_abi::section::{encode, encoded_len, SECTION_NAME};
use wasp_core::{Limits, Runtime};
use wasp_testkit::TestPort;

/// Appends a custom section to a module binary.
pub fn with_section(mut module: Vec<u8>, name: &str, data: &[u8]) -> Vec<u8> {
    fn leb(mut v: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }
    let mut payload = Vec::new();
    leb(name.len(), &mut payload);
    payload.extend_from_slice(name.as_bytes());
    payload.extend_from_slice(data);
    module.push(0);
    leb(payload.len(), &mut module);
    module.extend_from_slice(&payload);
    module
}

/// The ABI section bytes for a version and feature set.
pub fn abi_section(major: u16, minor: u16, required: u64) -> Vec<u8> {
    const LEN: usize = encoded_len("test", "0");
    encode::<LEN>(major, minor, required, "test", "0").to_vec()
}

/// Compiles WAT and appends a current ABI section.
pub fn module(wat: &str) -> Vec<u8> {
    let v = wasp_abi::ABI_VERSION;
    with_section(
        wat::parse_str(wat).expect("test WAT compiles"),
        SECTION_NAME,
        &abi_section(v.major, v.minor, 0),
    )
}

/// The exports every module needs, with a tick body returning an i64.
pub fn guest(imports: &str, tick_body: &str) -> String {
    format!(
        r#"(module
            {imports}
            (memory (export "memory") 1)
            (func (export "wasp_init") (result i32) i32.const 0)
            (func (export "wasp_tick") (param $now i64) (result i64) {tick_body})
            (data (i32.const 16) "hello")
        )"#
    )
}

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
