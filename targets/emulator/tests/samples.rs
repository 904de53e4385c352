//! Every sample package plays through the TV module (demux in wasm, decode in the
//! port) to its end and displays exactly ffmpeg's pictures: the frames log equals
//! the committed `ffmpeg -f framemd5` golden frame for frame (header included,
//! `#software` aside).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use wasp_core::abi::player::PlayerState;
use wasp_emu::{run, Profile, RunOptions, Script};

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");

fn golden(name: &str) -> String {
    let text = std::fs::read_to_string(format!("{SAMPLES}/goldens/{name}")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with("#software"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Plays `url` (under samples/) to the end with `config`, frames in 1/`timebase` s.
fn play(url: &str, config: &str, timebase: u32) -> wasp_emu::Outcome {
    let text = format!(
        "url = \"{SAMPLES}/{url}\"\nduration = 40\nframemd5_timebase = {timebase}\n\
         config = {{ {config} }}\n[[assert]]\nended_by = 25\n"
    );
    let script = Script::parse(&text, "test.toml", "test").unwrap();
    let profile = Profile::load("tv-stick-1080p").unwrap();
    run(&script, &profile, &RunOptions::default()).unwrap()
}

fn assert_plays_golden(url: &str, config: &str, timebase: u32, golden_name: &str) {
    let outcome = play(url, config, timebase);
    assert_eq!(outcome.failure(), None, "{:?}", outcome.states);
    assert_eq!(outcome.end_state(), Some(PlayerState::Ended));
    let want = golden(golden_name);
    let got = outcome.framemd5.clone();
    if got != want {
        let first = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(got.lines().count().min(want.lines().count()));
        panic!(
            "{url}: frames differ from {golden_name} at line {first} ({} vs {} lines):\n got {:?}\nwant {:?}",
            got.lines().count(),
            want.lines().count(),
            got.lines().nth(first),
            want.lines().nth(first)
        );
    }
    assert_eq!(outcome.frames, 500);
}

#[test]
fn hls_ts_lowest_rung_shows_ffmpegs_frames() {
    assert_plays_golden(
        "hls-ts/master.m3u8",
        "max_bitrate = 110000",
        90_000,
        "hls-ts_v0.framemd5",
    );
}

#[test]
fn cmaf_hls_lowest_rung_shows_ffmpegs_frames() {
    assert_plays_golden(
        "cmaf/master.m3u8",
        "max_bitrate = 140000",
        12_800,
        "cmaf_v0.framemd5",
    );
}

#[test]
fn dash_lowest_rung_shows_ffmpegs_frames() {
    assert_plays_golden(
        "cmaf/manifest.mpd",
        "max_bitrate = 70000",
        12_800,
        "cmaf_v0.framemd5",
    );
}

#[test]
fn progressive_mp4_shows_ffmpegs_frames() {
    assert_plays_golden("progressive/sample.mp4", "", 12_800, "progressive.framemd5");
}
