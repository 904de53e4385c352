#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! The same engine inside the TV module, through the real ABI in the interpreter:
//! it plays the fixtures to the end, the decoders receive exactly the units the native
//! run gives them, and guest memory stays small.

use std::path::Path;

use wasp_core::abi::media::TrackKind;
use wasp_core::abi::player::PlayerState;
use wasp_core::{Limits, Runtime, Tick};
use wasp_engine::player::{Command, PlayerConfig};
use wasp_sim::Session;
use wasp_testkit::TestPort;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../players/engine/fixtures");

fn serve_dir(port: &mut TestPort, dir: &str) {
    for entry in std::fs::read_dir(Path::new(FIXTURES).join(dir)).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        port.serve(
            &format!("http://cdn.test/{dir}/{name}"),
            std::fs::read(&path).unwrap(),
        );
    }
}

fn units(port: &TestPort, kind: TrackKind) -> Vec<(i64, i64, u32, Vec<u8>)> {
    port.closed_decoders
        .iter()
        .chain(port.decoders.values())
        .filter(|d| d.config.codec.kind() == kind)
        .flat_map(|d| {
            d.received
                .iter()
                .map(|u| (u.info.pts_us, u.info.dts_us, u.info.flags, u.data.clone()))
        })
        .collect()
}

/// Runs the TV module on `dir` until it ends; returns the runtime and the guest
/// memory high-water mark.
fn run_module(dir: &str) -> (Runtime<TestPort>, usize) {
    let mut port = TestPort::new();
    serve_dir(&mut port, dir);
    let config =
        format!("url=http://cdn.test/{dir}/master.m3u8\nmax_bitrate=500000\n").into_bytes();
    let mut rt = Runtime::new(port, Limits::default(), config);
    rt.load(wasp_modules::TV).expect("the TV module loads");
    let mut high_water = rt.guest_memory_bytes();
    for _ in 0..20_000 {
        let now = rt.port().now;
        match rt
            .tick(now)
            .unwrap_or_else(|e| panic!("the module faulted: {e}\n{:#?}", rt.port().logs))
        {
            Tick::Ran { next_us } => {
                let step = (next_us - now).clamp(1, 50_000);
                rt.port_mut().advance(step);
            }
            Tick::Sliced => {}
        }
        high_water = high_water.max(rt.guest_memory_bytes());
        if rt.port().states.last().map(|s| s.0) == Some(PlayerState::Ended) {
            break;
        }
    }
    (rt, high_water)
}

/// Runs `f` on a thread with a large stack: in unoptimised test builds wasmi's
/// dispatch is not compiled into tail calls and a long guest loop nests native
/// frames (FINDINGS.md); release builds (the emulator, devices) do not need this.
fn with_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn the_tv_module_plays_hls_ts_like_the_native_engine() {
    with_big_stack(tv_module_plays_hls_ts);
}

fn tv_module_plays_hls_ts() {
    let (rt, high_water) = run_module("hls-ts");
    let states: Vec<_> = rt.port().states.iter().map(|s| s.0).collect();
    assert_eq!(
        states,
        [
            PlayerState::Loading,
            PlayerState::Buffering,
            PlayerState::Playing,
            PlayerState::Ended
        ],
        "{:#?}",
        rt.port().logs
    );
    // The native run with the same settings.
    let mut port = TestPort::new();
    serve_dir(&mut port, "hls-ts");
    let mut session = Session::new(
        port,
        PlayerConfig::default(),
        Limits::default().media_store_bytes,
    );
    session.command_at(0, Command::SetQuality(Some(500_000)));
    session.command_at(
        0,
        Command::Load {
            url: "http://cdn.test/hls-ts/master.m3u8".into(),
            start_us: None,
        },
    );
    assert!(session.run_until_state(PlayerState::Ended, 30_000_000));
    for kind in [TrackKind::Video, TrackKind::Audio] {
        let wasm = units(rt.port(), kind);
        let native = units(&session.platform.port, kind);
        assert!(!wasm.is_empty());
        assert_eq!(
            wasm, native,
            "{kind:?} units through the ABI equal the native run's"
        );
    }
    println!("guest memory high-water: {high_water} bytes");
    assert!(high_water <= 2 << 20, "guest memory {high_water} bytes");
}
