//! The 10-foot UI, natively: key handling, timers, and the pixels of each screen
//! (rendered with the reference rasteriser and compared with golden hashes; the
//! PNGs are written to `target/ui/` to look at). `WASP_BLESS=1` rewrites the goldens.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod support;

use support::{playing, Screen};
use wasp_engine::player::Command;
use wasp_guest::abi::key::{Key, KeyAction};
use wasp_guest::abi::player::{PlayerState, StateReason};
use wasp_tv::ui::{Action, SCRUB_COMMIT_US};
use wasp_tv::view::{Align, CueView};

const T0: i64 = 1 << 32; // virtual clocks start at 2^32 µs

fn down(s: &mut Screen, t: i64, key: Key, v: &wasp_tv::view::View) -> Option<Action> {
    s.ui.key(t, key, KeyAction::Down, v)
}

fn cue(text: &str) -> CueView {
    CueView {
        text: text.into(),
        line_percent: None,
        line_number: None,
        position_percent: None,
        size_percent: 100_000,
        align: Align::Center,
    }
}

#[test]
fn every_key_shows_its_feedback_in_the_next_frame() {
    let v = playing(30, 600);
    for key in [
        Key::Ok,
        Key::PlayPause,
        Key::Left,
        Key::Right,
        Key::Up,
        Key::Down,
        Key::Menu,
        Key::Info,
        Key::Audio,
        Key::Subtitle,
        Key::SeekForward,
    ] {
        let mut s = Screen::new(1280, 720);
        assert!(s.frame(T0, &v), "the first frame is presented");
        assert!(
            !s.frame(T0 + 20_000, &v),
            "an unchanged screen is not presented again"
        );
        let before = s.hash();
        down(&mut s, T0 + 40_000, key, &v);
        assert!(
            s.frame(T0 + 40_000, &v),
            "{key:?}: a frame in the tick of the key"
        );
        assert_ne!(s.hash(), before, "{key:?}: the frame shows something new");
    }
}

#[test]
fn the_osd_hides_by_itself_and_with_back() {
    let mut s = Screen::new(1280, 720);
    let v = playing(30, 600);
    down(&mut s, T0, Key::Info, &v);
    assert!(s.ui.osd_visible(T0 + 4_900_000, &v));
    assert!(!s.ui.osd_visible(T0 + 5_000_000, &v), "gone after 5 s");
    down(&mut s, T0 + 6_000_000, Key::Info, &v);
    assert_eq!(
        down(&mut s, T0 + 6_100_000, Key::Back, &v),
        None,
        "back hides first"
    );
    assert!(!s.ui.osd_visible(T0 + 6_100_000, &v));
    assert_eq!(
        down(&mut s, T0 + 6_200_000, Key::Back, &v),
        Some(Action::Engine(Command::Stop)),
        "then stops"
    );
    let mut paused = v.clone();
    paused.state = PlayerState::Paused;
    assert!(
        s.ui.osd_visible(T0 + 60_000_000, &paused),
        "always up while paused"
    );
}

#[test]
fn ok_toggles_play_and_pause() {
    let mut s = Screen::new(1280, 720);
    let mut v = playing(30, 600);
    assert_eq!(
        down(&mut s, T0, Key::Ok, &v),
        Some(Action::Engine(Command::Pause))
    );
    v.state = PlayerState::Paused;
    assert_eq!(
        down(&mut s, T0, Key::Ok, &v),
        Some(Action::Engine(Command::Play))
    );
}

#[test]
fn a_tap_seeks_ten_seconds_on_release() {
    let mut s = Screen::new(1280, 720);
    let v = playing(30, 600);
    assert_eq!(down(&mut s, T0, Key::Right, &v), None, "a preview first");
    assert_eq!(s.ui.scrub().unwrap().target_us, 40_000_000);
    assert_eq!(
        s.ui.key(T0 + 100_000, Key::Right, KeyAction::Up, &v),
        Some(Action::Engine(Command::Seek(40_000_000)))
    );
    assert_eq!(s.ui.scrub(), None);
}

#[test]
fn holding_accelerates_the_scrub() {
    let mut s = Screen::new(1280, 720);
    let v = playing(30, 3600);
    down(&mut s, T0, Key::Right, &v);
    let mut t = T0;
    for _ in 0..20 {
        t += 100_000;
        s.ui.key(t, Key::Right, KeyAction::Repeat, &v);
    }
    // 10 s press, 4 repeats of 10 s, 10 of 30 s, 6 of 60 s.
    let expect = 30 + 10 + 4 * 10 + 10 * 30 + 6 * 60;
    assert_eq!(s.ui.scrub().unwrap().target_us, expect * 1_000_000);
    assert_eq!(
        s.ui.key(t, Key::Right, KeyAction::Up, &v),
        Some(Action::Engine(Command::Seek(expect * 1_000_000)))
    );
}

#[test]
fn a_scrub_without_release_commits_when_the_presses_stop() {
    let mut s = Screen::new(1280, 720);
    let v = playing(30, 600);
    down(&mut s, T0, Key::Left, &v);
    down(&mut s, T0 + 300_000, Key::Left, &v);
    down(&mut s, T0 + 600_000, Key::Left, &v);
    assert_eq!(s.ui.update(T0 + 600_000 + SCRUB_COMMIT_US - 1, &v), None);
    assert_eq!(
        s.ui.update(T0 + 600_000 + SCRUB_COMMIT_US, &v),
        Some(Action::Engine(Command::Seek(0))),
        "30 s back three times stops at the start"
    );
}

#[test]
fn the_scrub_stays_inside_the_presentation() {
    let mut s = Screen::new(1280, 720);
    let v = playing(595, 600);
    down(&mut s, T0, Key::Right, &v);
    assert_eq!(s.ui.scrub().unwrap().target_us, 600_000_000);
    assert_eq!(
        down(&mut s, T0, Key::Back, &v),
        None,
        "back cancels a scrub"
    );
    assert_eq!(s.ui.scrub(), None);
}

#[test]
fn the_menu_chooses_subtitles_audio_and_quality() {
    let mut s = Screen::new(1280, 720);
    let v = playing(30, 600);
    down(&mut s, T0, Key::Subtitle, &v);
    assert!(s.ui.menu_open());
    down(&mut s, T0, Key::Down, &v);
    assert_eq!(
        down(&mut s, T0, Key::Ok, &v),
        Some(Action::Engine(Command::SelectSubtitle("English".into())))
    );
    down(&mut s, T0, Key::Left, &v); // to Audio
    down(&mut s, T0, Key::Down, &v);
    assert_eq!(
        down(&mut s, T0, Key::Ok, &v),
        Some(Action::Engine(Command::SelectAudio("Français".into())))
    );
    down(&mut s, T0, Key::Left, &v); // wraps to Quality: Auto, 1080p, 720p, 360p
    for _ in 0..9 {
        down(&mut s, T0, Key::Down, &v); // clamped at the last row
    }
    assert_eq!(
        down(&mut s, T0, Key::Ok, &v),
        Some(Action::Engine(Command::SetQuality(Some(800_000))))
    );
    assert_eq!(
        down(&mut s, T0, Key::PlayPause, &v),
        Some(Action::Engine(Command::Pause)),
        "transport keys still work with the menu open"
    );
    assert_eq!(down(&mut s, T0, Key::Back, &v), None);
    assert!(!s.ui.menu_open());
}

#[test]
fn a_network_error_retries_by_itself_and_on_ok() {
    let mut s = Screen::new(1280, 720);
    let mut v = playing(30, 600);
    v.state = PlayerState::Error;
    v.reason = StateReason::Network;
    assert_eq!(s.ui.update(T0, &v), None);
    assert_eq!(s.ui.update(T0 + 9_999_999, &v), None);
    assert_eq!(
        s.ui.update(T0 + 10_000_000, &v),
        Some(Action::Reload { start_us: None })
    );
    assert_eq!(
        down(&mut s, T0, Key::Ok, &v),
        Some(Action::Reload { start_us: None })
    );
    assert_eq!(
        down(&mut s, T0, Key::Right, &v),
        None,
        "focus moves to Back"
    );
    assert_eq!(
        down(&mut s, T0, Key::Ok, &v),
        Some(Action::Engine(Command::Stop))
    );
    // Content that cannot play is not retried by itself.
    let mut s = Screen::new(1280, 720);
    v.reason = StateReason::Unsupported;
    assert_eq!(s.ui.update(T0, &v), None);
    assert_eq!(s.ui.update(T0 + 600_000_000, &v), None);
}

#[test]
fn subtitles_are_cleared_on_the_first_frame_without_the_cue() {
    let mut s = Screen::new(1280, 720);
    let mut v = playing(30, 600);
    v.cues = vec![cue("Hello there")];
    assert!(s.frame(T0, &v));
    let m = s.metrics;
    let bottom = (m.safe.y as u32 + m.safe.h / 2, m.safe.y as u32 + m.safe.h);
    assert!(
        s.drawn_in(0, bottom.0, 1280, bottom.1) > 1000,
        "text over the video"
    );
    v.cues.clear();
    assert!(s.frame(T0 + 20_000, &v));
    assert_eq!(s.drawn_box(), None, "nothing left on screen");
}

#[test]
fn the_ui_stays_inside_the_safe_area_at_every_resolution() {
    for (w, h) in [(1280, 720), (1920, 1080), (3840, 2160)] {
        let mut s = Screen::new(w, h);
        let mut v = playing(30, 600);
        v.cues = vec![cue(
            "A long subtitle line that has to wrap over more than one line on every display",
        )];
        down(&mut s, T0, Key::Menu, &v);
        assert!(s.frame(T0, &v));
        let (x0, y0, x1, y1) = s.drawn_box().unwrap();
        let m = s.metrics;
        assert!(
            x0 >= m.safe.x as u32 && y0 >= m.safe.y as u32,
            "{w}x{h}: {x0},{y0}"
        );
        assert!(
            x1 <= m.safe_right() as u32 && y1 <= m.safe_bottom() as u32,
            "{w}x{h}: {x1},{y1}"
        );
        s.save(&format!("menu-and-subtitles-{h}p"));
    }
}

/// The screens pinned by hash at 720p.
fn scenes() -> Vec<(&'static str, Screen)> {
    let mut out = Vec::new();
    let v = playing(83, 596);

    let mut s = Screen::new(1280, 720);
    down(&mut s, T0, Key::Info, &v);
    s.frame(T0, &v);
    out.push(("osd", s));

    let mut s = Screen::new(1280, 720);
    let mut paused = v.clone();
    paused.state = PlayerState::Paused;
    s.frame(T0, &paused);
    out.push(("osd-paused", s));

    let mut s = Screen::new(1280, 720);
    down(&mut s, T0, Key::Right, &v);
    s.ui.key(T0, Key::Right, KeyAction::Repeat, &v);
    s.frame(T0, &v);
    out.push(("scrub", s));

    let mut s = Screen::new(1280, 720);
    down(&mut s, T0, Key::Subtitle, &v);
    down(&mut s, T0, Key::Down, &v);
    s.frame(T0, &v);
    out.push(("menu-subtitles", s));

    let mut s = Screen::new(1280, 720);
    let mut buffering = v.clone();
    buffering.state = PlayerState::Buffering;
    s.frame(T0 + 300_000, &buffering);
    out.push(("spinner", s));

    let mut s = Screen::new(1280, 720);
    let mut subs = v.clone();
    subs.cues = vec![cue("Où est le café ?\nÀ gauche, près de l'église."), {
        let mut top = cue("[music]");
        top.line_number = Some(0);
        top
    }];
    s.frame(T0, &subs);
    out.push(("subtitles", s));

    let mut s = Screen::new(1280, 720);
    let mut failed = v.clone();
    failed.state = PlayerState::Error;
    failed.reason = StateReason::Network;
    s.ui.update(T0, &failed);
    s.frame(T0 + 2_500_000, &failed);
    out.push(("error", s));

    let mut s = Screen::new(1280, 720);
    let mut ended = v.clone();
    ended.state = PlayerState::Ended;
    s.frame(T0, &ended);
    out.push(("ended", s));
    out
}

#[test]
fn screens_match_their_golden_hashes() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/goldens/ui-720p.txt");
    let mut got = String::new();
    for (name, screen) in scenes() {
        screen.save(name);
        got.push_str(&format!("{name} {}\n", screen.hash()));
    }
    if std::env::var_os("WASP_BLESS").is_some() {
        std::fs::write(path, &got).unwrap();
    }
    let want = std::fs::read_to_string(path).unwrap_or_default();
    assert_eq!(
        got, want,
        "pictures in target/ui/; WASP_BLESS=1 accepts them"
    );
}

#[test]
fn embedder_strings_replace_the_ui_words() {
    let mut strings = wasp_tv::ui::strings::Strings::default();
    let mut s = Screen::new(1280, 720);
    let v = playing(30, 600);
    down(&mut s, T0, Key::Menu, &v);
    s.frame(T0, &v);
    let english = s.hash();
    strings.audio = "Ton".into();
    let mut s = Screen::with_strings(1280, 720, strings);
    down(&mut s, T0, Key::Menu, &v);
    s.frame(T0, &v);
    assert_ne!(s.hash(), english);
}
