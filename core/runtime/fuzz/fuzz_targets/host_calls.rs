//! The ABI boundary under arbitrary calls: a module that imports every function of the
//! ABI reads the fuzz input (its configuration) as a script of `(import, arguments…)`
//! and makes those calls. The host must never panic, never fault the module, and after
//! `unload` hold nothing.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wasp_abi::imports::{ValType, IMPORTS};
use wasp_abi::{EXPORT_INIT, EXPORT_MEMORY, EXPORT_TICK};
use wasp_core::{Limits, Runtime};
use wasp_testkit::TestPort;

/// Where the script is copied in guest memory, and its largest size.
const SCRIPT_AT: u32 = 65_536;
const SCRIPT_MAX: u32 = 60_000;

fn script_module() -> Vec<u8> {
    let mut imports = String::new();
    let mut dispatch = String::new();
    for (i, import) in IMPORTS.iter().enumerate() {
        let params: Vec<&str> = import.params.iter().map(|p| if *p == ValType::I32 { "i32" } else { "i64" }).collect();
        imports.push_str(&format!(
            "(import \"wasp\" \"{}\" (func $f{i} (param {}) (result i32)))\n",
            import.name,
            params.join(" ")
        ));
        let args: Vec<&str> = import.params.iter().map(|p| if *p == ValType::I32 { "(call $a32)" } else { "(call $a64)" }).collect();
        dispatch.push_str(&format!(
            "(if (i32.eq (local.get $op) (i32.const {i})) (then (drop (call $f{i} {}))))\n",
            args.join(" ")
        ));
    }
    let n = IMPORTS.len();
    let wat = format!(
        r#"(module
        {imports}
        (memory (export "{EXPORT_MEMORY}") 2)
        (data (i32.const 16) "mem://a")
        (global $cur (mut i32) (i32.const 0))
        (global $end (mut i32) (i32.const 0))
        (func $a32 (result i32) (local $v i32)
            (local.set $v (i32.load (global.get $cur)))
            (global.set $cur (i32.add (global.get $cur) (i32.const 4)))
            (local.get $v))
        (func $a64 (result i64) (local $v i64)
            (local.set $v (i64.load (global.get $cur)))
            (global.set $cur (i32.add (global.get $cur) (i32.const 8)))
            (local.get $v))
        (func (export "{EXPORT_INIT}") (result i32) (local $len i32)
            (local.set $len (call $f4 (i32.const {SCRIPT_AT}) (i32.const {SCRIPT_MAX})))
            (if (i32.gt_u (local.get $len) (i32.const {SCRIPT_MAX})) (then (local.set $len (i32.const 0))))
            (global.set $cur (i32.const {SCRIPT_AT}))
            (global.set $end (i32.add (i32.const {SCRIPT_AT}) (local.get $len)))
            i32.const 0)
        (func (export "{EXPORT_TICK}") (param i64) (result i64) (local $op i32)
            (block $done (loop $next
                (br_if $done (i32.ge_u (i32.add (global.get $cur) (i32.const 8)) (global.get $end)))
                (local.set $op (i32.rem_u (i32.load8_u (global.get $cur)) (i32.const {n})))
                (global.set $cur (i32.add (global.get $cur) (i32.const 1)))
                {dispatch}
                (br $next)))
            i64.const 1000))"#
    );
    assert_eq!(IMPORTS[4].name, "config_read", "$f4 must be config_read");
    wasp_testkit::wasm::module(&wat)
}

fuzz_target!(|data: &[u8]| {
    static MODULE: OnceLock<Vec<u8>> = OnceLock::new();
    let module = MODULE.get_or_init(script_module);
    let limits = Limits { fuel_per_tick: 2_000_000, media_store_bytes: 1 << 20, image_bytes: 1 << 20, ..Limits::default() };
    let mut rt = Runtime::new(TestPort::new(), limits, data.to_vec());
    rt.port_mut().serve("mem://a", b"0123456789abcdef".repeat(64));
    rt.load(module).expect("the script module loads");
    for _ in 0..3 {
        rt.tick(rt.port().now).expect("host calls never fault the module");
        rt.port_mut().advance(10_000);
    }
    rt.unload();
    assert_eq!(rt.open_handles(), [0, 0, 0, 0]);
    assert_eq!(rt.media_store_used(), 0);
    assert!(rt.port().transfers.is_empty() && rt.port().decoders.is_empty() && rt.port().images.is_empty());
});
