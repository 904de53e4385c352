//! The screen log (`--screen-log`, `screens.txt`): a line per composed display
//! picture in the Linux port's form, `<pts µs or -> <md5 of the RGB888 rows>`. Two
//! runs write the same bytes, and a line is the md5 of what `Screen::capture`
//! composes at that moment, with the pts of the picture on screen.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::path::Path;

use md5::{Digest, Md5};
use wasp_emu::output::ScreenLog;
use wasp_emu::runner::on_big_stack;
use wasp_emu::{run, Profile, RunOptions, Screen, Script, Session};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/cmaf/master.m3u8");

/// `screens.txt` of a 3 s run on the virtual clock.
fn screen_log(name: &str) -> String {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let script = Script::parse(
        &format!("url = {SAMPLE:?}\nduration = 3\n[config]\nmax_bitrate = \"140000\"\n"),
        "test",
        name,
    )
    .unwrap();
    let profile = Profile::load("low-end-720p").unwrap();
    let options = RunOptions {
        out_dir: Some(out.clone()),
        screen_log: true,
        ..RunOptions::default()
    };
    run(&script, &profile, &options).unwrap();
    std::fs::read_to_string(out.join("screens.txt")).unwrap()
}

#[test]
fn two_runs_write_the_same_screen_log_with_a_line_per_picture() {
    let (a, b) = (screen_log("screens-a"), screen_log("screens-b"));
    assert_eq!(a, b);
    let mut pts: Vec<i64> = Vec::new();
    for line in a.lines() {
        let (time, md5) = line.split_once(' ').expect(line);
        assert!(
            md5.len() == 32 && md5.bytes().all(|c| c.is_ascii_hexdigit()),
            "{line}"
        );
        if time != "-" {
            pts.push(time.parse().expect(line));
        }
    }
    pts.dedup();
    // 25 pictures a second over 3 s, each on screen in turn, in order.
    assert!(pts.len() >= 60, "{} pictures in {a}", pts.len());
    assert!(pts.windows(2).all(|w| w[0] < w[1]), "{pts:?}");
}

#[test]
fn a_screen_log_line_is_the_md5_of_the_captured_display() {
    on_big_stack(|| {
        let profile = Profile::load("low-end-720p").unwrap();
        let config = [("max_bitrate".to_string(), "140000".to_string())];
        let mut session = Session::new(&profile, SAMPLE, &config, 90_000, false)?;
        let mut log = ScreenLog::default();
        let mut checked = 0;
        while session.now() < 2_000_000 {
            let next = session.tick();
            log.observe(&session.device().port);
            let port = &session.device().port;
            if let Some(frame) = port.current_video_frame() {
                let screen = Screen::capture(port).unwrap();
                let md5: String = Md5::digest(&screen.rgb)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                let last = log.text().lines().last().unwrap();
                assert_eq!(last, format!("{} {md5}", frame.pts_us));
                checked += 1;
            }
            let now = session.runtime.port().port.now();
            session.advance_to(next.clamp(now + 1, now + 50_000) - session.start_us);
        }
        assert!(checked > 20, "{checked} moments with a picture");
        Ok(())
    })
    .unwrap();
}
