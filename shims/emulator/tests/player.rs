//! The real player (`wasp-tv`, the module devices ship) runs inside the runtime on
//! the emulator in virtual time: it fetches the engine's HLS fixtures over the
//! simulated network, the emulator decodes what it submits, and every picture shown
//! is one ffmpeg decodes from the same segments, in order, to the end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::path::Path;

use wasp_core::abi::media::TrackKind;
use wasp_core::abi::player::PlayerState;
use wasp_core::{Limits, Runtime, Tick};
use wasp_emulator::{DeviceProfile, EmulatorPort, START_US};

const ENGINE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../players/engine/fixtures");
const GOLDENS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");

/// The md5 column of a framemd5 golden.
fn md5s(name: &str) -> Vec<String> {
    std::fs::read_to_string(format!("{GOLDENS}/{name}"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.rsplit(", ").next().unwrap().to_string())
        .collect()
}

#[test]
fn the_tv_player_plays_hls_to_the_end_showing_ffmpegs_pictures() {
    // The player in wasmi, in a debug build, needs more than 16 MiB of native stack
    // (on the test device too, so not the emulator's doing): far more than a test
    // thread's 2 MiB.
    with_big_stack(|| {
        let rt = run_tv();
        check_tv(&rt);
    });
}

#[test]
fn two_runs_of_the_player_give_identical_pictures_sound_and_timing() {
    with_big_stack(|| {
        let (mut a, mut b) = (run_tv(), run_tv());
        let (a, b) = (a.port_mut(), b.port_mut());
        assert_eq!(a.presented(), b.presented());
        assert_eq!(a.now(), b.now());
        assert_eq!(a.audio().md5(), b.audio().md5());
        assert_eq!(a.network().log, b.network().log);
        assert!(!a.network().log.is_empty());
        for p in a.presented() {
            assert_eq!(a.frame_log(p.decoder), b.frame_log(p.decoder));
        }
    });
}

fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

/// Runs the player on the HLS fixtures until it ends.
fn run_tv() -> Runtime<EmulatorPort> {
    let mut port = EmulatorPort::new(DeviceProfile::default());
    port.serve_dir(
        "http://cdn.test/hls-ts",
        Path::new(&format!("{ENGINE}/hls-ts")),
    )
    .unwrap();
    // 2 Mbit/s, 20 ms to the first byte.
    port.network().link.latency_us = 20_000;
    port.network().link.bytes_per_sec = 250_000;
    let config = b"url=http://cdn.test/hls-ts/master.m3u8\n".to_vec();
    let mut rt = Runtime::new(port, Limits::default(), config);
    rt.load(wasp_modules::TV).expect("the player loads");
    let mut ended = false;
    for _ in 0..100_000 {
        let now = rt.port().now();
        match rt
            .tick(now)
            .unwrap_or_else(|e| panic!("the player faulted: {e}"))
        {
            Tick::Ran { next_us } => {
                let step = next_us.saturating_sub(now).clamp(1, 10_000);
                rt.port_mut().advance(step);
            }
            Tick::Sliced => {}
        }
        if rt.player_state().0 == PlayerState::Ended {
            ended = true;
            break;
        }
    }
    assert!(
        ended,
        "not ended: {:?} at {}",
        rt.player_state(),
        rt.port().now()
    );
    rt
}

fn check_tv(rt: &Runtime<EmulatorPort>) {
    let port = rt.port();
    assert!(port.fatal.is_empty(), "{:?}", port.fatal);
    // Four seconds of media, started after the fetches, in virtual time.
    let took = port.now() - START_US;
    assert!((4_000_000..6_000_000).contains(&took), "{took} us");

    // Every picture shown, over every video decoder the player opened.
    let shown: Vec<String> = port
        .presented()
        .iter()
        .filter(|p| p.kind == TrackKind::Video)
        .map(|p| p.decoder)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .flat_map(|id| port.frame_log(id).unwrap().lines.clone())
        .map(|l| l.rsplit(", ").next().unwrap().to_string())
        .collect();
    // Picture i comes from either rendition (the player adapts at segment
    // boundaries), never from anywhere else, none is missing.
    let low: Vec<String> = [
        md5s("hls-ts_v0_000.ts.framemd5"),
        md5s("hls-ts_v0_001.ts.framemd5"),
    ]
    .concat();
    let high: Vec<String> = [
        md5s("hls-ts_v1_000.ts.framemd5"),
        md5s("hls-ts_v1_001.ts.framemd5"),
    ]
    .concat();
    assert_eq!(low.len(), 100);
    assert_eq!(shown.len(), 100, "pictures shown");
    for (i, md5) in shown.iter().enumerate() {
        assert!(
            *md5 == low[i] || *md5 == high[i],
            "picture {i} is neither rendition's"
        );
    }
    // The audio played for the whole stream.
    let frames = port.audio().frames();
    assert!(
        (3 * 48_000..5 * 48_000).contains(&frames),
        "{frames} audio frames"
    );
}
