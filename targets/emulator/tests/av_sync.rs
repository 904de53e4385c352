//! A/V sync over whole playbacks: the samples play with |offset| <= 40 ms, and the
//! calibration sample, whose audio was muxed 100 ms late (`-itsoffset 0.1`), reads
//! 100 ms late, so the measurement sees what a viewer would.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use wasp_emu::{run, AvSync, Profile, RunOptions, Script};

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");

fn av_sync(url: &str) -> (AvSync, usize) {
    let text = format!("url = \"{SAMPLES}/{url}\"\nduration = 30\n[[assert]]\nended_by = 25\n");
    let script = Script::parse(&text, "t.toml", "t").unwrap();
    let outcome = run(
        &script,
        &Profile::load("tv-stick-1080p").unwrap(),
        &RunOptions::default(),
    )
    .unwrap();
    assert_eq!(outcome.failure(), None);
    println!("{url}: {:?}", outcome.av_sync);
    (outcome.av_sync, outcome.frames)
}

#[test]
fn every_sample_plays_in_sync_within_40_ms() {
    for url in [
        "hls-ts/master.m3u8",
        "cmaf/master.m3u8",
        "cmaf/manifest.mpd",
        "progressive/sample.mp4",
    ] {
        let (sync, frames) = av_sync(url);
        // Every picture is measured: audio starts with (or before) the first one.
        assert_eq!(sync.frames, frames, "{url}");
        assert_eq!(frames, 500, "{url}");
        assert!(sync.max_abs_us <= 40_000, "{url}: {sync:?}");
    }
}

#[test]
fn audio_muxed_100_ms_late_reads_100_ms_late() {
    let (sync, frames) = av_sync("offset/v0.m3u8");
    assert!(frames >= 199, "{frames}");
    assert!((-102_000..=-98_000).contains(&sync.mean_us), "{sync:?}");
    assert!((98_000..=102_000).contains(&sync.mean_abs_us), "{sync:?}");
}
