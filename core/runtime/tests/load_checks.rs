//! Modules refused at load, each with an error a firmware engineer can act on; the
//! runtime keeps working and loads the next module.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod common;
use common::*;
use wasp_abi::section::SECTION_NAME;
use wasp_abi::{Status, ABI_VERSION};
use wasp_core::{FaultKind, Limits, LoadError};

#[test]
fn malformed_bytes_are_refused() {
    let mut rt = runtime();
    for bytes in [&b""[..], b"\0asm", b"not wasm at all", &[0u8; 64]] {
        let err = rt.load(bytes).unwrap_err();
        assert!(matches!(err, LoadError::Malformed(_)), "{err:?}");
    }
    let mut truncated = healthy();
    truncated.truncate(truncated.len() / 2);
    assert!(matches!(rt.load(&truncated), Err(LoadError::Malformed(_))));
    assert_recovers(&mut rt);
}

#[test]
fn a_module_without_the_abi_section_is_refused() {
    let mut rt = runtime();
    let bytes = wat::parse_str(guest("", "i64.const 0")).unwrap();
    let err = rt.load(&bytes).unwrap_err();
    assert_eq!(err, LoadError::MissingAbiSection);
    assert!(err.to_string().contains("wasp_guest::module!"), "{err}");
    assert_recovers(&mut rt);
}

#[test]
fn a_wrong_abi_version_is_refused_with_both_versions() {
    let mut rt = runtime();
    let bare = wat::parse_str(guest("", "i64.const 0")).unwrap();
    for (major, minor) in [
        (ABI_VERSION.major + 1, 0),
        (ABI_VERSION.major, ABI_VERSION.minor + 1),
        (0, 0),
    ] {
        let bytes = with_section(bare.clone(), SECTION_NAME, &abi_section(major, minor, 0));
        let err = rt.load(&bytes).unwrap_err();
        assert!(matches!(err, LoadError::IncompatibleAbi { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains(&format!("{major}.{minor}")) && text.contains(&ABI_VERSION.to_string()),
            "{text}"
        );
    }
    let bytes = with_section(bare, SECTION_NAME, b"wasp\x01");
    assert!(matches!(rt.load(&bytes), Err(LoadError::BadAbiSection(_))));
    assert_recovers(&mut rt);
}

#[test]
fn missing_features_are_named() {
    let mut rt = runtime();
    rt.port_mut().features = wasp_abi::player::feature::AUDIO_DECODE;
    let bare = wat::parse_str(guest("", "i64.const 0")).unwrap();
    let needs = wasp_abi::player::feature::VIDEO_DECODE | wasp_abi::player::feature::GRAPHICS;
    let bytes = with_section(
        bare,
        SECTION_NAME,
        &abi_section(ABI_VERSION.major, ABI_VERSION.minor, needs),
    );
    let err = rt.load(&bytes).unwrap_err();
    assert_eq!(err, LoadError::MissingFeatures { missing: needs });
    assert!(err.to_string().contains("video decode") && err.to_string().contains("graphics plane"));
}

#[test]
fn missing_or_mistyped_exports_are_named() {
    let mut rt = runtime();
    let cases = [
        (
            r#"(module (memory (export "memory") 1) (func (export "wasp_init") (result i32) i32.const 0))"#,
            "wasp_tick",
        ),
        (
            r#"(module (func (export "wasp_init") (result i32) i32.const 0) (func (export "wasp_tick") (param i64) (result i64) i64.const 0))"#,
            "memory",
        ),
        (
            r#"(module (memory (export "memory") 1) (func (export "wasp_init") (result i64) i64.const 0) (func (export "wasp_tick") (param i64) (result i64) i64.const 0))"#,
            "wasp_init",
        ),
        (
            r#"(module (memory (export "memory") 1) (func (export "wasp_init") (result i32) i32.const 0) (func (export "wasp_tick") (param i32) (result i64) i64.const 0))"#,
            "wasp_tick",
        ),
    ];
    for (wat, missing) in cases {
        match rt.load(&module(wat)) {
            Err(LoadError::BadExport { name, .. }) => assert_eq!(name, missing),
            other => panic!("{missing}: {other:?}"),
        }
    }
    assert_recovers(&mut rt);
}

#[test]
fn foreign_and_mistyped_imports_are_refused_and_newer_ones_stubbed() {
    let mut rt = runtime();
    let foreign = guest(
        r#"(import "env" "abort" (func (param i32) (result i32)))"#,
        "i64.const 0",
    );
    assert!(
        matches!(rt.load(&module(&foreign)), Err(LoadError::BadImport { ref import, .. }) if import == "env.abort")
    );
    let mistyped = guest(
        r#"(import "wasp" "log" (func (param i32 i32) (result i32)))"#,
        "i64.const 0",
    );
    let err = rt.load(&module(&mistyped)).unwrap_err();
    assert!(
        err.to_string().contains("wasp.log") && err.to_string().contains("signature"),
        "{err}"
    );
    let memory = r#"(module (import "wasp" "mem" (memory 1)) (export "memory" (memory 0)) (func (export "wasp_init") (result i32) i32.const 0) (func (export "wasp_tick") (param i64) (result i64) i64.const 0))"#;
    assert!(matches!(
        rt.load(&module(memory)),
        Err(LoadError::BadImport { .. })
    ));
    let void = guest(
        r#"(import "wasp" "from_the_future" (func (param i32)))"#,
        "i64.const 0",
    );
    assert!(matches!(
        rt.load(&module(&void)),
        Err(LoadError::BadImport { .. })
    ));

    // An import from a newer minor version links to a stub answering Unsupported.
    let newer = guest(
        r#"(import "wasp" "from_the_future" (func $f (param i32 i64) (result i32)))"#,
        "(i64.extend_i32_s (call $f (i32.const 1) (i64.const 2)))",
    );
    let info = rt.load(&module(&newer)).unwrap().clone();
    assert_eq!(info.stubbed, ["wasp.from_the_future"]);
    assert_eq!(
        rt.tick(0),
        Ok(wasp_core::Tick::Ran {
            next_us: i64::from(Status::Unsupported.code())
        })
    );
    assert!(rt
        .port()
        .log_lines()
        .iter()
        .any(|l| l.contains("from_the_future") && l.contains("Unsupported")));
}

#[test]
fn oversized_modules_and_initial_memories_are_refused() {
    let mut rt = runtime_with(Limits {
        max_module_bytes: 64,
        ..Limits::default()
    });
    assert!(matches!(
        rt.load(&healthy()),
        Err(LoadError::TooLarge { max: 64, .. })
    ));
    let mut rt = runtime_with(Limits {
        guest_memory_bytes: 128 * 1024,
        ..Limits::default()
    });
    let big = r#"(module (memory (export "memory") 3) (func (export "wasp_init") (result i32) i32.const 0) (func (export "wasp_tick") (param i64) (result i64) i64.const 0))"#;
    let err = rt.load(&module(big)).unwrap_err();
    assert_eq!(
        err,
        LoadError::MemoryTooLarge {
            initial: 3 * 65536,
            cap: 128 * 1024
        }
    );
    assert_recovers(&mut rt);
}

#[test]
fn init_failures_and_init_traps_are_reported_with_the_last_logs() {
    let mut rt = runtime();
    let failing = r#"(module
        (import "wasp" "log" (func $log (param i32 i32 i32) (result i32)))
        (memory (export "memory") 1) (data (i32.const 0) "no config")
        (func (export "wasp_init") (result i32) (drop (call $log (i32.const 0) (i32.const 0) (i32.const 9))) i32.const -7)
        (func (export "wasp_tick") (param i64) (result i64) i64.const 0))"#;
    let err = rt.load(&module(failing)).unwrap_err();
    assert_eq!(
        err,
        LoadError::InitFailed {
            status: Status::NotFound,
            last_logs: vec!["no config".into()]
        }
    );
    let trapping = r#"(module (memory (export "memory") 1)
        (func (export "wasp_init") (result i32) unreachable)
        (func (export "wasp_tick") (param i64) (result i64) i64.const 0))"#;
    match rt.load(&module(trapping)) {
        Err(LoadError::InitFaulted(f)) => assert!(matches!(f.kind, FaultKind::Trap(_))),
        other => panic!("{other:?}"),
    }
    let start_traps = r#"(module (memory (export "memory") 1) (start $s) (func $s unreachable)
        (func (export "wasp_init") (result i32) i32.const 0)
        (func (export "wasp_tick") (param i64) (result i64) i64.const 0))"#;
    assert!(matches!(
        rt.load(&module(start_traps)),
        Err(LoadError::InitFaulted(_))
    ));
    assert_recovers(&mut rt);
}

#[test]
fn verify_validates_every_function_eagerly() {
    let mut rt = runtime();
    assert_eq!(rt.verify(&healthy()).map(|i| i.name), Ok("test".into()));
    assert!(rt.verify(b"junk").is_err());
    assert!(!rt.is_running(), "verify runs nothing");
}

#[test]
fn an_endless_init_is_stopped_by_its_fuel() {
    let mut rt = runtime_with(Limits {
        init_fuel: 50_000,
        ..Limits::default()
    });
    let wat = r#"(module (memory (export "memory") 1)
        (func (export "wasp_init") (result i32) (loop $l (br $l)) i32.const 0)
        (func (export "wasp_tick") (param i64) (result i64) i64.const 0))"#;
    match rt.load(&module(wat)) {
        Err(LoadError::InitFaulted(f)) => assert_eq!(f.kind, FaultKind::Hung { fuel: 50_000 }),
        other => panic!("{other:?}"),
    }
    assert_recovers(&mut rt);
}
