//! The TV module's UI in the emulator: a key's feedback is presented in the tick
//! that delivers the key; the UI scenarios (OSD and scrub, menu, subtitles, error
//! screen with its automatic retry) hold, and their screenshots match golden images
//! within a tolerance; the OSD draws the same pixels over every sample package.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod support;

use std::path::Path;

use support::{wasp_emu, ROOT, SCREENSHOT_TOLERANCE};
use wasp_core::abi::key::Key;
use wasp_core::abi::player::PlayerState;
use wasp_emu::{run, runner::on_big_stack, Profile, RunOptions, Screen, Script, Session};

/// Ticks `session` until session time `at_us`.
fn play_until(session: &mut Session, at_us: i64) {
    while session.now() < at_us {
        let next = session.tick();
        let wake =
            (next - session.device().port.now() + session.now()).clamp(session.now() + 1, at_us);
        session.advance_to(wake);
    }
}

/// Ticks, one at a time, until the module presents a graphics frame: how many ticks.
fn ticks_to_present(session: &mut Session, limit: u32) -> Option<u32> {
    let before = session.device().port.graphics_frames().len();
    for n in 1..=limit {
        session.tick();
        if session.device().port.graphics_frames().len() > before {
            return Some(n);
        }
        let t = session.now() + 1_000;
        session.advance_to(t);
    }
    None
}

#[test]
fn a_key_is_answered_in_the_tick_that_delivers_it() {
    on_big_stack(|| {
        let profile = Profile::load("low-end-720p").unwrap();
        let url = format!("{ROOT}/samples/hls-ts/master-subs.m3u8");
        let config = [("max_bitrate".to_string(), "110000".to_string())];
        let mut session = Session::new(&profile, &url, &config, 90_000, false)?;
        play_until(&mut session, 3_000_000);
        assert_eq!(session.state(), Some(PlayerState::Playing));
        // The meter's calibration: a key the UI does not answer presents nothing
        // (a frame after it would be feedback from something else).
        session.press(Key::VolumeUp);
        assert_eq!(
            ticks_to_present(&mut session, 3),
            None,
            "no feedback, none measured"
        );
        let blank = Screen::graphics_md5(&session.device().port);
        for key in [Key::Info, Key::Subtitle, Key::Down, Key::Back, Key::Right] {
            session.press(key);
            assert_eq!(ticks_to_present(&mut session, 10), Some(1), "{key:?}");
        }
        assert_ne!(Screen::graphics_md5(&session.device().port), blank);
        Ok(())
    })
    .unwrap();
}

/// Runs a UI scenario (its `graphics` assertions pin the UI plane exactly) and
/// compares each of its screenshots with `tests/goldens/<scenario>-<ms>ms.png`.
/// `WASP_BLESS=1` writes the goldens.
fn assert_scenario_and_screens(scenario: &str, snapshots_ms: &[u32]) {
    let run = wasp_emu(scenario, scenario, &["--profile", "low-end-720p"]);
    assert_eq!(run.code, 0, "{scenario}:\n{}", run.stdout);
    assert!(!run.stdout.contains("FAIL"), "{}", run.stdout);
    for ms in snapshots_ms {
        let got_path = run.out.join(format!("snapshot-{ms:06}ms.png"));
        let golden = format!("{ROOT}/tests/goldens/{scenario}-{ms}ms.png");
        if std::env::var_os("WASP_BLESS").is_some() {
            std::fs::copy(&got_path, &golden).unwrap();
        }
        let got = Screen::read_png(&got_path).unwrap();
        let want = Screen::read_png(Path::new(&golden)).unwrap();
        let diff = got.mean_abs_diff(&want).unwrap();
        assert!(
            diff.iter().all(|d| *d < SCREENSHOT_TOLERANCE),
            "{scenario} at {ms} ms: {diff:?} (see {})",
            got_path.display()
        );
    }
}

#[test]
fn the_osd_and_the_scrub_preview_match_their_goldens() {
    assert_scenario_and_screens("ui_osd", &[3500, 6200]);
}

#[test]
fn the_menu_turns_subtitles_on() {
    assert_scenario_and_screens("ui_menu", &[3500, 6000]);
}

#[test]
fn subtitles_show_in_their_time_and_place() {
    assert_scenario_and_screens("ui_subtitles", &[10500, 14500]);
}

#[test]
fn a_subtitle_track_switch_shows_cues_only_while_chosen() {
    assert_scenario_and_screens("subtitle_switch", &[]);
}

#[test]
fn the_error_screen_counts_down_and_retries_by_itself() {
    assert_scenario_and_screens("ui_error", &[20000]);
}

#[test]
fn the_osd_is_drawn_over_every_sample() {
    // The graphics plane with the OSD up (Info at 3 s, looked at 0.5 s later), by
    // package: the clock and the buffered part of the bar differ with how each
    // package loads.
    for (url, md5) in [
        ("hls-ts/master.m3u8", "85d3166078a2ddf914c82faa5f0e6857"),
        ("cmaf/master.m3u8", "994af2396ea20ab35bdc36b7fcee6741"),
        ("cmaf/manifest.mpd", "85d3166078a2ddf914c82faa5f0e6857"),
        ("progressive/sample.mp4", "b189c9140eae20bf02cbde38bce1391a"),
    ] {
        let text = format!(
            "url = \"{ROOT}/samples/{url}\"\nduration = 4\n\
             config = {{ title = \"wasp sample\", max_bitrate = 110000 }}\n\
             [[step]]\nat = 3.0\nkey = \"Info\"\n\
             [[assert]]\nat = 3.5\nstate = \"playing\"\n\
             [[assert]]\nat = 3.5\ngraphics = \"{md5:0>32}\"\n"
        );
        let script = Script::parse(&text, "osd.toml", "osd").unwrap();
        let profile = Profile::load("low-end-720p").unwrap();
        let outcome = run(&script, &profile, &RunOptions::default()).unwrap();
        assert_eq!(outcome.failure(), None, "{url}: {:?}", outcome.verdicts);
    }
}

#[test]
fn stop_then_ok_resumes_where_playback_stopped() {
    assert_scenario_and_screens("ui_resume", &[]);
}
