//! The scenario suite through the `wasp-emu` binary: each script in `scenarios/`
//! runs on the virtual clock and its exit code and reason are what it asserts;
//! `wrong_golden.toml` must fail (the checks bite). Also: a mid-stream rung switch
//! shows only ffmpeg's pictures, screenshots match their golden images, and two
//! runs give identical outputs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod support;

use std::path::Path;

use support::{hashes, wasp_emu, Run, ROOT, SCREENSHOT_TOLERANCE};
use wasp_emu::Screen;

fn assert_passes(scenario: &str) -> Run {
    let run = wasp_emu(scenario, scenario, &[]);
    assert_eq!(run.code, 0, "{scenario}:\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("hold"), "{}", run.stdout);
    assert!(!run.stdout.contains("FAIL"), "{}", run.stdout);
    run
}

#[test]
fn start_plays_to_the_end_without_a_stall() {
    let run = assert_passes("start");
    assert!(
        run.stdout.contains("assertions: 4/4 hold"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("500 pictures"), "{}", run.stdout);
    assert!(run
        .stdout
        .contains("states Loading > Buffering > Playing > Ended"));
    let json = std::fs::read_to_string(run.out.join("qoe.json")).unwrap();
    assert!(json.contains("\"end_state\": \"Ended\""));
    assert!(json.contains("rebuffers=0"), "{json}");
    // 20 s of 48 kHz stereo s16 plus the header, as played.
    let wav = std::fs::metadata(run.out.join("audio.wav")).unwrap().len();
    assert!((3_800_000..3_900_000).contains(&wav), "{wav}");
}

#[test]
fn pause_holds_the_position_and_play_resumes() {
    let run = assert_passes("pause_resume");
    assert!(run
        .stdout
        .contains("states Loading > Buffering > Playing > Paused > Playing > Ended"));
}

#[test]
fn seek_lands_on_its_target() {
    let run = assert_passes("seek");
    assert!(run.stdout.contains("Playing > Seeking > Playing > Ended"));
}

#[test]
fn bandwidth_drop_plays_on_without_a_stall() {
    assert_passes("bandwidth_drop");
}

#[test]
fn outage_stalls_then_recovers_to_the_end() {
    let run = assert_passes("outage");
    assert!(run
        .stdout
        .contains("states Loading > Buffering > Playing > Buffering > Playing > Ended"));
    assert!(run.stdout.contains("rebuffers=1"), "{}", run.stdout);
}

#[test]
fn segment_errors_are_retried_without_failing() {
    let run = assert_passes("segment_fault");
    assert!(run.stdout.contains("errors=2/0"), "{}", run.stdout);
}

#[test]
fn end_of_stream_is_reported() {
    assert_passes("end_of_stream");
}

#[test]
fn a_wrong_golden_fails_with_its_reason() {
    let run = wasp_emu("wrong_golden", "wrong_golden", &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "FAILED: line 5: frame at 3.000 s: expected md5 00000000000000000000000000000000, got "
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_with_2() {
    let run = wasp_emu("start", "usage", &["--bogus"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown option --bogus"),
        "{}",
        run.stderr
    );
    let run = wasp_emu("no_such_script", "usage2", &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no_such_script.toml"), "{}", run.stderr);
    let run = wasp_emu("start", "usage3", &["--profile", "toaster"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a file, nor a built-in profile"));
}

#[test]
fn an_hls_ts_rung_switch_plays_to_the_end() {
    let run = assert_passes("quality_switch_ts");
    assert!(run.stdout.contains("500 pictures"), "{}", run.stdout);
}

#[test]
fn a_rung_switch_shows_only_ffmpegs_pictures_of_each_rung() {
    let run = assert_passes("quality_switch");
    let shown = hashes(&std::fs::read_to_string(run.out.join("frames.framemd5")).unwrap());
    let rungs: Vec<Vec<String>> = (0..3)
        .map(|r| {
            hashes(
                &std::fs::read_to_string(format!("{ROOT}/samples/goldens/cmaf_v{r}.framemd5"))
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(shown.len(), 500);
    // Picture i is picture i of some rung (the timeline may start on the audio's
    // first unit, so indices, not timestamps, are compared).
    let rung_of: Vec<usize> = shown
        .iter()
        .enumerate()
        .map(|(i, h)| {
            (0..3)
                .find(|r| rungs[*r][i] == *h)
                .unwrap_or_else(|| panic!("picture {i} ({h}) is no rung's"))
        })
        .collect();
    assert_eq!(rung_of[0], 0);
    assert_eq!(rung_of[499], 2);
    let switches = rung_of.windows(2).filter(|w| w[0] != w[1]).count();
    assert_eq!(switches, 1, "{rung_of:?}");
    // The switch lands on a segment boundary (4 s = 100 pictures).
    let at = rung_of.iter().position(|r| *r != 0).unwrap();
    assert_eq!(at % 100, 0);
}

#[test]
fn screenshots_match_their_golden_images() {
    let run = wasp_emu("start", "screenshots", &["--profile", "low-end-720p"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let got = Screen::read_png(&run.out.join("snapshot-002000ms.png")).unwrap();
    let want = Screen::read_png(Path::new(&format!(
        "{ROOT}/tests/goldens/start-low-end-720p-2000ms.png"
    )))
    .unwrap();
    assert_eq!((got.width, got.height), (1280, 720));
    let diff = got.mean_abs_diff(&want).unwrap();
    assert!(diff.iter().all(|d| *d < SCREENSHOT_TOLERANCE), "{diff:?}");
    // The bound bites: black, or another moment, is far off.
    let black = Screen {
        rgb: vec![0; want.rgb.len()],
        ..want.clone()
    };
    assert!(want
        .mean_abs_diff(&black)
        .unwrap()
        .iter()
        .all(|d| *d > 40.0));
}

#[test]
fn two_runs_give_identical_outputs() {
    let a = wasp_emu("outage", "determinism_a", &[]);
    let b = wasp_emu("outage", "determinism_b", &[]);
    assert_eq!((a.code, b.code), (0, 0));
    for file in ["frames.framemd5", "qoe.json", "audio.wav"] {
        let (x, y) = (
            std::fs::read(a.out.join(file)).unwrap(),
            std::fs::read(b.out.join(file)).unwrap(),
        );
        assert!(!x.is_empty(), "{file}");
        assert!(x == y, "{file} differs between two runs");
    }
}
