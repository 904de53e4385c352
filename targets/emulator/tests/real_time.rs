//! Real time plays what the virtual clock plays: three seconds of the progressive
//! sample on the OS clock give the same PCM as the virtual-clock run, sample for
//! sample, with none of it skipped (real time moves the clock in steps longer than
//! an audio frame; each frame it passes is still played whole).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::path::Path;

use wasp_emu::{run, Profile, RunOptions, Script};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/samples/progressive/sample.mp4"
);

/// The PCM bytes of a run of 3 s, and the pictures it showed.
fn play(real_time: bool) -> (Vec<u8>, usize) {
    let name = if real_time { "rt-audio" } else { "vt-audio" };
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let script = Script::parse(&format!("url = {SAMPLE:?}\nduration = 3\n"), "test", name).unwrap();
    let profile = Profile::load("tv-stick-1080p").unwrap();
    let options = RunOptions {
        real_time,
        out_dir: Some(out.clone()),
        progress: false,
    };
    let outcome = run(&script, &profile, &options).unwrap();
    let wav = std::fs::read(out.join("audio.wav")).unwrap();
    (wav[44..].to_vec(), outcome.frames)
}

#[test]
fn real_time_plays_the_virtual_clocks_sound_without_skipping() {
    let (virtual_pcm, _) = play(false);
    let (real_pcm, pictures) = play(true);
    // Start-up takes a moment in real time; at least 2.5 s of 48 kHz stereo s16
    // must have played (it was 1.3 s when passed frames were skipped).
    let min = 48_000 * 4 * 5 / 2;
    assert!(
        real_pcm.len() >= min,
        "real time played {:.2} s of sound in 3 s",
        real_pcm.len() as f64 / (48_000.0 * 4.0)
    );
    assert!(pictures > 0);
    let n = real_pcm.len().min(virtual_pcm.len());
    let first = (0..n).find(|&i| real_pcm[i] != virtual_pcm[i]);
    assert_eq!(first, None, "the PCM differs from byte {first:?} on");
}
