//! Every import, fed hostile arguments by a hand-written module: out-of-range and
//! overflowing pointers, forged handles, unknown enum values, oversized lengths,
//! malformed records. Each gets its documented status; none faults the module or the
//! host. The table is checked against the ABI: an import without a case fails the
//! build's tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod common;
use common::*;
use wasp_abi::imports::{ValType, IMPORTS};
use wasp_abi::{Status, EXPORT_INIT, EXPORT_MEMORY, EXPORT_TICK};
use wasp_core::Tick;

/// Past the end of the one-page memory.
const END: i64 = 65_530;
/// A forged handle.
const FORGED: i64 = 0x0001_2345;

/// Test data placed in the module's memory at fixed offsets.
fn blob() -> Vec<u8> {
    let mut b = vec![0u8; 1024];
    b[16..21].copy_from_slice(b"hello");
    b[40..42].copy_from_slice(&[0xff, 0xfe]); // not UTF-8
    b[48..52].copy_from_slice(&99u32.to_le_bytes()); // not a known enum value
    b[60..67].copy_from_slice(b"A: b\r\nX"); // header injection
                                             // FetchRequest { range_start: 10, range_end: 5 }: an inverted range.
    b[80..88].copy_from_slice(&10u64.to_le_bytes());
    b[88..96].copy_from_slice(&5u64.to_le_bytes());
    b[120..124].copy_from_slice(&[1, 0, 0xff, 0]); // a record overrunning its list
                                                   // FetchRequest with method 7.
    b[128..136].copy_from_slice(&0u64.to_le_bytes());
    b[136..144].copy_from_slice(&u64::MAX.to_le_bytes());
    b[144..148].copy_from_slice(&7u32.to_le_bytes());
    // A DrawImage record naming a forged image handle.
    b[400..404].copy_from_slice(&[3, 0, 40, 0]);
    b[404 + 32..404 + 36].copy_from_slice(&(FORGED as u32).to_le_bytes());
    // ImageDesc { 1 x 1, stride 1, A8 } (pixels must then be exactly 1 byte).
    for (i, v) in [1u32, 1, 1, 2].iter().enumerate() {
        b[600 + i * 4..604 + i * 4].copy_from_slice(&v.to_le_bytes());
    }
    b
}

use Status::*;

/// (import, arguments, expected return)
const CASES: &[(&str, &[i64], Result<i32, Status>)] = &[
    ("runtime_info", &[END, 100], Err(OutOfBounds)),
    ("runtime_info", &[-1, 8], Err(OutOfBounds)),
    ("log", &[2, END, 100], Err(OutOfBounds)),
    ("log", &[2, 16, -1], Err(OutOfBounds)),
    ("log", &[9, 16, 5], Err(InvalidArgument)),
    ("time_now", &[END], Err(OutOfBounds)),
    ("time_now", &[-8], Err(OutOfBounds)),
    ("random_fill", &[16, 257], Err(InvalidArgument)),
    ("random_fill", &[END, 16], Err(OutOfBounds)),
    ("config_read", &[END, 100], Err(OutOfBounds)),
    ("config_read", &[0, 0], Ok(12)), // too small: the length, nothing written
    ("event_poll", &[END, 100], Err(OutOfBounds)),
    ("event_poll", &[-1, -1], Err(OutOfBounds)),
    ("report_state", &[99, 0], Err(InvalidArgument)),
    ("report_state", &[0, 99], Err(InvalidArgument)),
    ("report", &[9, 16, 5], Err(InvalidArgument)),
    ("report", &[1, 16, 5000], Err(InvalidArgument)),
    ("report", &[1, 40, 2], Err(InvalidArgument)),
    ("report", &[0, END, 100], Err(OutOfBounds)),
    ("caps_decoding", &[END, 100, 0, 0, 0, 16], Err(OutOfBounds)),
    (
        "caps_decoding",
        &[0, 2000, 0, 0, 0, 16],
        Err(InvalidArgument),
    ),
    ("caps_decoding", &[48, 4, 0, 0, 0, 16], Err(InvalidArgument)),
    ("caps_decoding", &[0, 0, 40, 2, 0, 16], Err(InvalidArgument)),
    ("caps_decoding", &[0, 0, 0, 0, END, 100], Err(OutOfBounds)),
    ("caps_display", &[END, 100], Err(OutOfBounds)),
    ("caps_audio", &[END, 100], Err(OutOfBounds)),
    ("caps_memory", &[END, 100], Err(OutOfBounds)),
    ("caps_feature", &[3], Err(InvalidArgument)),
    ("caps_feature", &[0], Err(InvalidArgument)),
    ("caps_feature", &[1 << 40], Err(InvalidArgument)),
    ("fetch_open", &[0, 0, END, 100, 0, 0], Err(OutOfBounds)),
    ("fetch_open", &[0, 0, 16, 0, 0, 0], Err(InvalidArgument)),
    ("fetch_open", &[0, 0, 0, 9000, 0, 0], Err(InvalidArgument)),
    ("fetch_open", &[0, 0, 16, 5, 60, 7], Err(InvalidArgument)),
    ("fetch_open", &[80, 24, 16, 5, 0, 0], Err(InvalidArgument)),
    ("fetch_open", &[128, 24, 16, 5, 0, 0], Err(InvalidArgument)),
    ("fetch_open", &[0, 0, 40, 2, 0, 0], Err(InvalidArgument)),
    ("fetch_info", &[FORGED, 0, 16], Err(BadHandle)),
    ("fetch_info", &[0, 0, 16], Err(BadHandle)),
    ("fetch_read", &[FORGED, 0, 16], Err(BadHandle)),
    (
        "fetch_read_to_store",
        &[FORGED, FORGED, 100],
        Err(BadHandle),
    ),
    ("fetch_header", &[FORGED, 16, 5, 0, 16], Err(BadHandle)),
    ("fetch_url", &[FORGED, 0, 16], Err(BadHandle)),
    ("fetch_close", &[FORGED], Err(BadHandle)),
    ("fetch_close", &[-1], Err(BadHandle)),
    ("store_create", &[-1], Err(InvalidArgument)),
    ("store_create", &[i64::MAX], Err(BudgetExceeded)),
    ("store_write", &[FORGED, 16, 5], Err(BadHandle)),
    ("store_read", &[FORGED, 0, 0, 16], Err(BadHandle)),
    ("store_size", &[FORGED, 0], Err(BadHandle)),
    ("store_free", &[FORGED], Err(BadHandle)),
    ("store_usage", &[END, 100], Err(OutOfBounds)),
    ("crypto_decrypt", &[END, 100], Err(OutOfBounds)),
    ("crypto_decrypt", &[1024, 64], Err(InvalidArgument)), // src == dst
    ("decoder_open", &[1024, 32, 0, 0], Err(InvalidArgument)), // codec Unknown
    ("decoder_open", &[48, 4, 0, 0], Err(InvalidArgument)), // codec 99
    ("decoder_open", &[END, 100, 0, 0], Err(OutOfBounds)),
    ("decoder_open", &[0, 0, 0, 70_000], Err(InvalidArgument)),
    (
        "decoder_submit",
        &[FORGED, 0, 32, 0, 0, 0, 0],
        Err(BadHandle),
    ),
    ("decoder_info", &[FORGED, 0, 16], Err(BadHandle)),
    ("decoder_flush", &[FORGED], Err(BadHandle)),
    ("decoder_close", &[FORGED], Err(BadHandle)),
    ("media_clock", &[END, 100], Err(OutOfBounds)),
    ("media_set_rate", &[5000], Err(InvalidArgument)),
    ("media_set_rate", &[100], Err(InvalidArgument)),
    ("media_set_rate", &[-1], Err(InvalidArgument)),
    ("media_set_position", &[i64::MIN], Ok(0)), // any timeline position is valid
    ("gfx_image_create", &[1024, 16, 0, 0], Err(Unsupported)), // format Unknown
    ("gfx_image_create", &[END, 100, 0, 0], Err(OutOfBounds)),
    ("gfx_image_create", &[600, 16, 0, 2], Err(InvalidArgument)), // 1x1 A8 needs 1 byte
    ("gfx_image_create", &[600, 16, END, 1000], Err(OutOfBounds)),
    ("gfx_image_update", &[FORGED, 0, 16, 0, 4], Err(BadHandle)),
    ("gfx_image_free", &[FORGED], Err(BadHandle)),
    ("gfx_draw", &[END, 100], Err(OutOfBounds)),
    ("gfx_draw", &[120, 4], Err(InvalidArgument)),
    ("gfx_draw", &[0, 2_000_000], Err(InvalidArgument)),
    ("gfx_draw", &[400, 44], Err(BadHandle)),
    ("gfx_present", &[], Ok(0)), // takes no input
    ("kv_get", &[16, 0, 0, 10], Err(InvalidArgument)),
    ("kv_get", &[16, 65, 0, 10], Err(InvalidArgument)),
    ("kv_get", &[END, 100, 0, 10], Err(OutOfBounds)),
    ("kv_get", &[16, 5, END, 100], Err(OutOfBounds)),
    ("kv_set", &[16, 3, 0, 5000], Err(InvalidArgument)),
    ("kv_set", &[16, 3, END, 100], Err(OutOfBounds)),
    ("kv_delete", &[16, 0], Err(InvalidArgument)),
    ("kv_delete", &[END, 100], Err(OutOfBounds)),
];

fn wat_data(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\{b:02x}")).collect()
}

fn case_module(name: &str, args: &[i64]) -> Vec<u8> {
    let import = IMPORTS
        .iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("{name} is not in the ABI"));
    assert_eq!(import.params.len(), args.len(), "{name}: argument count");
    let params: Vec<&str> = import
        .params
        .iter()
        .map(|t| if *t == ValType::I32 { "i32" } else { "i64" })
        .collect();
    let call_args: String = import
        .params
        .iter()
        .zip(args)
        .map(|(t, a)| match t {
            ValType::I32 => format!("(i32.const {})", *a as i32),
            ValType::I64 => format!("(i64.const {a})"),
        })
        .collect::<Vec<_>>()
        .join(" ");
    let wat = format!(
        r#"(module
            (import "wasp" "{name}" (func $f (param {}) (result i32)))
            (memory (export "{EXPORT_MEMORY}") 1)
            (data (i32.const 0) "{}")
            (func (export "{EXPORT_INIT}") (result i32) i32.const 0)
            (func (export "{EXPORT_TICK}") (param i64) (result i64) (i64.extend_i32_s (call $f {call_args}))))"#,
        params.join(" "),
        wat_data(&blob()),
    );
    module(&wat)
}

#[test]
fn every_import_answers_hostile_arguments_with_its_status() {
    let mut rt = runtime();
    for (name, args, expected) in CASES {
        rt.load(&case_module(name, args))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = rt
            .tick(0)
            .unwrap_or_else(|e| panic!("{name} {args:?} faulted: {e}"));
        let expected = match expected {
            Ok(v) => i64::from(*v),
            Err(s) => i64::from(s.code()),
        };
        assert_eq!(got, Tick::Ran { next_us: expected }, "{name} {args:?}");
    }
    assert!(rt.port().fatal.is_empty());
    assert_recovers(&mut rt);
}

#[test]
fn every_abi_import_has_a_hostile_input_case() {
    let missing: Vec<_> = IMPORTS
        .iter()
        .map(|i| i.name)
        .filter(|n| !CASES.iter().any(|(c, ..)| c == n))
        .collect();
    assert!(
        missing.is_empty(),
        "imports without a hostile-input test: {missing:?}"
    );
    // Every import taking a pointer has a case that points outside memory or a forged
    // handle: look for either value among its cases' arguments.
    // `media_set_position` accepts every i64: any position on the module's timeline is
    // valid, so it has no argument to refuse.
    const ANY_VALUE: &[&str] = &["media_set_position"];
    for import in IMPORTS
        .iter()
        .filter(|i| !i.params.is_empty() && !ANY_VALUE.contains(&i.name))
    {
        let probed = CASES
            .iter()
            .filter(|(c, ..)| *c == import.name)
            .any(|(_, args, res)| {
                args.contains(&END) || args.contains(&FORGED) || args.contains(&-1) || res.is_err()
            });
        assert!(probed, "{} has no hostile case", import.name);
    }
}

#[test]
fn stale_and_foreign_handles_are_refused() {
    let mut rt = runtime();
    // Creates a store object, frees it, then uses the stale handle and the same handle
    // as a decoder and an image. Returns the index of the first check that failed + 1.
    let imports = r#"
        (import "wasp" "store_create" (func $create (param i64) (result i32)))
        (import "wasp" "store_free" (func $free (param i32) (result i32)))
        (import "wasp" "store_write" (func $write (param i32 i32 i32) (result i32)))
        (import "wasp" "decoder_flush" (func $flush (param i32) (result i32)))
        (import "wasp" "gfx_image_free" (func $ifree (param i32) (result i32)))"#;
    let body = r#"(local $h i32) (local $h2 i32)
        (local.set $h (call $create (i64.const 16)))
        (if (i32.lt_s (local.get $h) (i32.const 1)) (then (return (i64.const 1))))
        (if (i32.ne (call $flush (local.get $h)) (i32.const -3)) (then (return (i64.const 2))))
        (if (i32.ne (call $ifree (local.get $h)) (i32.const -3)) (then (return (i64.const 3))))
        (if (i32.ne (call $free (local.get $h)) (i32.const 0)) (then (return (i64.const 4))))
        (if (i32.ne (call $write (local.get $h) (i32.const 16) (i32.const 5)) (i32.const -3)) (then (return (i64.const 5))))
        (if (i32.ne (call $free (local.get $h)) (i32.const -3)) (then (return (i64.const 6))))
        (local.set $h2 (call $create (i64.const 16)))
        (if (i32.eq (local.get $h2) (local.get $h)) (then (return (i64.const 7))))
        (if (i32.ne (call $write (local.get $h) (i32.const 16) (i32.const 5)) (i32.const -3)) (then (return (i64.const 8))))
        (if (i32.ne (call $write (local.get $h2) (i32.const 16) (i32.const 5)) (i32.const 5)) (then (return (i64.const 9))))
        (i64.const 0)"#;
    rt.load(&module(&guest(imports, body))).unwrap();
    assert_eq!(rt.tick(0), Ok(Tick::Ran { next_us: 0 }));
}

#[test]
fn handle_caps_and_byte_budgets_hold() {
    let limits = wasp_core::Limits {
        max_store_objects: 3,
        media_store_bytes: 100,
        ..wasp_core::Limits::default()
    };
    let mut rt = runtime_with(limits);
    let imports = r#"(import "wasp" "store_create" (func $create (param i64) (result i32)))
        (import "wasp" "store_write" (func $write (param i32 i32 i32) (result i32)))"#;
    let body = r#"(local $h i32)
        (local.set $h (call $create (i64.const 0)))
        (drop (call $create (i64.const 0)))
        (drop (call $create (i64.const 0)))
        (if (i32.ne (call $create (i64.const 0)) (i32.const -4)) (then (return (i64.const 1))))
        (if (i32.ne (call $write (local.get $h) (i32.const 0) (i32.const 100)) (i32.const 100)) (then (return (i64.const 2))))
        (if (i32.ne (call $write (local.get $h) (i32.const 0) (i32.const 1)) (i32.const -5)) (then (return (i64.const 3))))
        (i64.const 0)"#;
    rt.load(&module(&guest(imports, body))).unwrap();
    assert_eq!(rt.tick(0), Ok(Tick::Ran { next_us: 0 }));
    assert_eq!(rt.media_store_used(), 100);
}
