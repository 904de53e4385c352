//! Every import, called with valid arguments by a real Rust guest (`wasp-probe`,
//! built to wasm32 through the guest SDK), answers what the device holds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use wasp_abi::event::{Command, CommandEvent, DeviceEvent, DeviceEventKind};
use wasp_abi::imports::IMPORTS;
use wasp_abi::key::Key;
use wasp_abi::player::{PlayerState, QoeReport, ReportKind, StateReason};
use wasp_core::{HostEvent, Limits, Runtime, Tick};
use wasp_testkit::TestPort;

const BODY: &[u8] = b"hello probe\nline two\n";

/// Runs the probe to its end on a fresh test device; returns the runtime.
fn run_probe() -> Runtime<TestPort> {
    let config = b"url=mem://probe.txt\nkv_key=probe-key\n".to_vec();
    let mut rt = Runtime::new(TestPort::new(), Limits::default(), config);
    rt.port_mut()
        .serve("mem://probe.txt", BODY)
        .headers
        .push(("content-type".into(), "text/plain".into()));
    rt.port_mut().press(Key::Ok);
    let load = CommandEvent {
        position_us: 0,
        command: Command::Load,
        flags: 0,
    };
    rt.push_event(HostEvent::Command(
        load,
        "http://example.test/a.m3u8".into(),
    ))
    .unwrap();
    rt.push_event(HostEvent::Device(DeviceEvent {
        value: 500,
        what: DeviceEventKind::Volume,
        reserved: 0,
    }))
    .unwrap();
    let info = rt.load(wasp_modules::PROBE).expect("the probe loads");
    assert_eq!((info.name.as_str(), info.stubbed.len()), ("probe", 0));
    for _ in 0..500 {
        let now = rt.port().now;
        match rt
            .tick(now)
            .unwrap_or_else(|e| panic!("probe faulted: {e}"))
        {
            Tick::Ran { next_us } if next_us == i64::MAX => break,
            Tick::Ran { next_us } => {
                let step = (next_us - now).clamp(1, 1_000_000);
                rt.port_mut().advance(step);
            }
            Tick::Sliced => {}
        }
    }
    assert!(
        rt.port().log_lines().contains(&"probe done"),
        "the probe finished: {:#?}",
        rt.port().logs
    );
    rt
}

fn line<'a>(rt: &'a Runtime<TestPort>, import: &str) -> Vec<&'a str> {
    let prefix = format!("probe {import}: ");
    rt.port()
        .log_lines()
        .into_iter()
        .filter_map(|l| l.strip_prefix(prefix.as_str()))
        .collect()
}

#[test]
fn the_probe_calls_every_import_successfully() {
    let rt = run_probe();
    for import in IMPORTS {
        let results = line(&rt, import.name);
        assert!(!results.is_empty(), "no result line for {}", import.name);
        for r in &results {
            assert!(
                !r.starts_with("error") && !r.starts_with("skipped"),
                "{}: {r}",
                import.name
            );
        }
    }
    assert!(rt.port().fatal.is_empty());
    assert!(rt.fault().is_none());
}

#[test]
fn the_probe_sees_what_the_device_holds() {
    let rt = run_probe();
    let port = rt.port();
    assert_eq!(
        line(&rt, "runtime_info"),
        ["abi 1.0 fuel 20000000 runtime 0.1.0"]
    );
    // The virtual clock starts at 2^32 µs: a 32-bit truncation would show here.
    let now: i64 = line(&rt, "time_now")[0].parse().unwrap();
    assert!(now >= 1 << 32, "{now}");
    assert_eq!(line(&rt, "config_read"), ["37 bytes"]);
    let events = line(&rt, "event_poll");
    // Embedder events queued before the module started reach it, then the port's.
    assert_eq!(
        events[..3],
        [
            "command Load 0 http://example.test/a.m3u8",
            "device Volume 500",
            "key Ok Down"
        ]
    );
    assert_eq!(line(&rt, "caps_display"), ["1920x1080"]);
    assert_eq!(
        line(&rt, "caps_decoding"),
        ["supported 1 smooth 1 power_efficient 1"]
    );
    assert_eq!(line(&rt, "fetch_header"), ["content-type text/plain"]);
    assert_eq!(line(&rt, "fetch_url"), ["mem://probe.txt"]);
    assert_eq!(
        line(&rt, "fetch_read"),
        ["21 \"hello probe\\nline two\\n\""]
    );
    assert_eq!(line(&rt, "fetch_read_to_store"), ["total 21"]);
    assert_eq!(line(&rt, "store_read"), ["2345"]);
    assert_eq!(line(&rt, "store_size"), ["10"]);
    assert_eq!(line(&rt, "crypto_decrypt"), ["17 \"wasp probe crypto\""]);
    assert_eq!(line(&rt, "gfx_draw"), ["6"]);
    assert_eq!(line(&rt, "kv_get"), ["probe-value", "not found"]);
    assert!(port.kv.is_empty(), "kv_delete removed the key");

    // What reached the device: the access unit's bytes and flags, the codec config.
    let decoder = &port.closed_decoders[0];
    assert_eq!(decoder.extra, [1, 0x64, 0, 0x1e]);
    assert_eq!(decoder.received[0].data, b"0123456789");
    assert_eq!(
        decoder.received[0].info.flags & wasp_abi::decoder::SAMPLE_KEYFRAME,
        1
    );
    assert_eq!(
        decoder.received[1].info.flags,
        wasp_abi::decoder::SAMPLE_END_OF_STREAM
    );
    assert_eq!(decoder.flushes, 1);
    // The image was updated in place: a white 2x2 at (1,1) over opaque red.
    assert!(port.images.is_empty(), "gfx_image_free freed it");
    assert!(port
        .trace
        .iter()
        .any(|l| l.starts_with("image_update") && l.ends_with("1,1 2x2")));
    let frame = port.frames.last().expect("a presented frame");
    let commands: Vec<_> = frame
        .lists
        .iter()
        .flat_map(|l| wasp_abi::gfx::draw_commands(l))
        .collect();
    assert_eq!(commands.len(), 6);
    assert!(commands.iter().all(Result::is_ok));
    // Reports reached the embedder.
    assert_eq!(
        port.states,
        [
            (PlayerState::Loading, StateReason::Command),
            (PlayerState::Playing, StateReason::Command)
        ]
    );
    let qoe = port
        .reports
        .iter()
        .find(|(k, _)| *k == ReportKind::Qoe)
        .expect("a QoE report");
    assert_eq!(QoeReport::decode(&qoe.1).unwrap().position_us, 1_000_000);
    assert_eq!(rt.qoe().map(|q| q.position_us), Some(1_000_000));
    assert_eq!(
        rt.player_state(),
        (PlayerState::Playing, StateReason::Command)
    );
    // Nothing is left open after the probe closed its objects.
    assert_eq!(rt.open_handles(), [0, 0, 0, 0]);
}

#[test]
fn two_runs_give_identical_logs_and_port_traces() {
    let (a, b) = (run_probe(), run_probe());
    assert_eq!(a.port().logs, b.port().logs);
    assert_eq!(a.port().trace, b.port().trace);
    assert_eq!(a.port().frames, b.port().frames);
}

#[test]
fn a_guest_panic_is_logged_then_trapped_and_reported() {
    let mut rt = Runtime::new(
        TestPort::new(),
        Limits::default(),
        b"panic=on purpose\n".to_vec(),
    );
    match rt.load(wasp_modules::PROBE) {
        Err(wasp_core::LoadError::InitFaulted(fault)) => {
            assert!(
                matches!(fault.kind, wasp_core::FaultKind::Trap(ref t) if t.contains("unreachable")),
                "{fault:?}"
            );
            let last = fault.last_logs.last().expect("the panic was logged");
            assert!(
                last.starts_with("panic: ") && last.ends_with("probe asked to panic: on purpose"),
                "{last}"
            );
            assert!(
                last.contains("players/probe/src/lib.rs:"),
                "the location is logged: {last}"
            );
        }
        other => panic!("expected an init fault, got {other:?}"),
    }
    assert!(rt
        .port()
        .logs
        .iter()
        .any(|(level, l)| *level == wasp_abi::player::LogLevel::Error && l.starts_with("panic: ")));
}
