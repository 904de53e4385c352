//! The runner's outputs: A/V sync statistics, `qoe.json`, `frames.framemd5`, the
//! screen log, and the short human summary.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use wasp_core::abi::media::TrackKind;
use wasp_emulator::{EmulatorPort, Presented};

use crate::runner::Outcome;
use crate::screen::Screen;

/// The screen log (`screens.txt`): a line per display picture composed, in the
/// form of the Linux port's `--screen-log` (`shims/linux/c/display.c`), so the two
/// compare line for line: the pts in µs of the video picture on it (`-` when there
/// is none) and the md5 of its RGB888 rows ([`Screen::capture`]).
///
/// A picture is composed whenever the video picture on screen or the presented
/// graphics frame changed since the last one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScreenLog {
    last: Option<(Option<i64>, usize)>,
    text: String,
}

impl ScreenLog {
    /// Composes and logs the display if what is on it changed.
    pub fn observe(&mut self, port: &EmulatorPort) {
        let shown = (
            port.current_video_frame().map(|v| v.pts_us),
            port.graphics_frames().len(),
        );
        if self.last == Some(shown) {
            return;
        }
        self.last = Some(shown);
        if let Some(screen) = Screen::capture(port) {
            self.text.push_str(&screen_line(shown.0, &screen.rgb));
        }
    }

    /// The lines so far.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// A screen-log line: `<pts µs, or -> <md5 of rgb, hex>` and a newline.
pub fn screen_line(pts_us: Option<i64>, rgb: &[u8]) -> String {
    use md5::{Digest, Md5};
    let md5: String = Md5::digest(rgb)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    match pts_us {
        Some(pts) => format!("{pts} {md5}\n"),
        None => format!("- {md5}\n"),
    }
}

/// A/V sync over the displayed pictures: for each picture, the audio clock's
/// position when it is shown minus its pts, both on the content's own time (0 at
/// the first picture, 0 at the first audio sample past the encoder's priming), so
/// the figure is what a viewer perceives: negative when the sound comes late.
///
/// The audio heard at device time `t` is the last audio frame started at or before
/// `t`, advanced by the time since it started (at most up to the next frame's pts:
/// a paused or starved output does not move); the content alignment
/// ([`crate::Device::alignment_us`]) moves it onto the pictures' time. A device that
/// presents late or early shows in the figure, and so does content whose audio was
/// muxed off its pictures (`samples/offset`: -100 ms). Pictures shown before any
/// audio are not counted.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AvSync {
    /// Pictures measured.
    pub frames: usize,
    /// Mean offset, µs.
    pub mean_us: i64,
    /// Mean absolute offset, µs.
    pub mean_abs_us: i64,
    /// Largest absolute offset, µs.
    pub max_abs_us: i64,
}

impl AvSync {
    /// Measures the presentations of a session (in the order they happened).
    pub fn measure(presented: &[Presented], alignment_us: i64) -> Self {
        let audio: Vec<&Presented> = presented
            .iter()
            .filter(|p| p.kind == TrackKind::Audio)
            .collect();
        let (mut n, mut sum, mut sum_abs, mut max_abs) = (0i64, 0i128, 0i128, 0i64);
        let mut next = 0usize;
        for video in presented.iter().filter(|p| p.kind == TrackKind::Video) {
            // Audio frames presented up to the picture's moment (both lists are in
            // device-time order).
            while audio.get(next).is_some_and(|a| a.at_us <= video.at_us) {
                next += 1;
            }
            let Some(heard) = next.checked_sub(1).and_then(|i| audio.get(i)) else {
                continue;
            };
            let elapsed = video.at_us.saturating_sub(heard.at_us);
            let room = audio.get(next).map_or(elapsed, |following| {
                following.pts_us.saturating_sub(heard.pts_us)
            });
            let position = heard.pts_us.saturating_add(elapsed.min(room.max(0)));
            let offset = position
                .saturating_sub(video.pts_us)
                .saturating_add(alignment_us);
            n += 1;
            sum += i128::from(offset);
            sum_abs += i128::from(offset.unsigned_abs().min(i64::MAX as u64) as i64);
            max_abs = max_abs.max(offset.saturating_abs());
        }
        let mean = |s: i128| i64::try_from(s / i128::from(n.max(1))).unwrap_or(i64::MAX);
        Self {
            frames: usize::try_from(n).unwrap_or(0),
            mean_us: mean(sum),
            mean_abs_us: mean(sum_abs),
            max_abs_us: max_abs,
        }
    }
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The session as JSON: the summary, the A/V sync, the assertions, the states and
/// every report of the module (QoE snapshots as objects, other reports as text).
/// Only device-time values: two runs of a scenario give the same bytes.
pub fn json(o: &Outcome) -> String {
    let mut s = String::from("{\n");
    let summary = o
        .reports
        .iter()
        .rev()
        .find(|r| r.text.starts_with("session "))
        .map_or(String::new(), |r| r.text.clone());
    let _ = writeln!(s, "  \"scenario\": {},", json_string(&o.name));
    let _ = writeln!(s, "  \"profile\": {},", json_string(&o.profile));
    let _ = writeln!(s, "  \"played_us\": {},", o.played_us);
    let _ = writeln!(
        s,
        "  \"end_state\": {},",
        json_string(o.end_state().map_or("none", |x| x.name()))
    );
    let _ = writeln!(s, "  \"session\": {},", json_string(&summary));
    let _ = writeln!(s, "  \"frames\": {},", o.frames);
    let _ = writeln!(
        s,
        "  \"audio\": {{\"frames\": {}, \"md5\": {}}},",
        o.audio.0,
        json_string(&o.audio.1)
    );
    let a = o.av_sync;
    let _ = writeln!(
        s,
        "  \"av_sync\": {{\"frames\": {}, \"mean_us\": {}, \"mean_abs_us\": {}, \"max_abs_us\": {}}},",
        a.frames, a.mean_us, a.mean_abs_us, a.max_abs_us
    );
    let _ = writeln!(s, "  \"guest_memory_bytes\": {},", o.guest_memory_bytes);
    let _ = writeln!(
        s,
        "  \"fault\": {},",
        o.fault.as_deref().map_or("null".into(), json_string)
    );
    s.push_str("  \"assertions\": [");
    for (i, v) in o.verdicts.iter().enumerate() {
        let _ = write!(
            s,
            "{}\n    {{\"line\": {}, \"ok\": {}, \"message\": {}}}",
            if i == 0 { "" } else { "," },
            v.line,
            v.ok,
            json_string(&v.message)
        );
    }
    s.push_str("\n  ],\n  \"states\": [");
    for (i, st) in o.states.iter().enumerate() {
        let _ = write!(
            s,
            "{}\n    {{\"at_us\": {}, \"state\": {}, \"reason\": {}}}",
            if i == 0 { "" } else { "," },
            st.at_us,
            json_string(st.state.name()),
            json_string(st.reason.name())
        );
    }
    s.push_str("\n  ],\n  \"reports\": [");
    for (i, r) in o.reports.iter().enumerate() {
        let comma = if i == 0 { "" } else { "," };
        let _ = write!(
            s,
            "{comma}\n    {{\"at_us\": {}, \"kind\": {}, ",
            r.at_us,
            json_string(r.kind.name())
        );
        match &r.qoe {
            Some(q) => {
                let _ = write!(
                    s,
                    "\"qoe\": {{\"position_us\": {}, \"duration_us\": {}, \"buffered_us\": {}, \
                     \"startup_us\": {}, \"rebuffer_us\": {}, \"rebuffer_count\": {}, \
                     \"bitrate_bps\": {}, \"switch_count\": {}, \"dropped_frames\": {}, \
                     \"throughput_bps\": {}, \"width\": {}, \"height\": {}, \"state\": {}}}}}",
                    q.position_us,
                    q.duration_us,
                    q.buffered_us,
                    q.startup_us,
                    q.rebuffer_us,
                    q.rebuffer_count,
                    q.bitrate_bps,
                    q.switch_count,
                    q.dropped_frames,
                    q.throughput_bps,
                    q.width,
                    q.height,
                    json_string(q.state.name())
                );
            }
            None => {
                let _ = write!(s, "\"text\": {}}}", json_string(&r.text));
            }
        }
    }
    s.push_str("\n  ],\n  \"snapshots\": [");
    for (i, (at, name)) in o.snapshots.iter().enumerate() {
        let _ = write!(
            s,
            "{}\n    {{\"at_us\": {at}, \"file\": {}}}",
            if i == 0 { "" } else { "," },
            json_string(name)
        );
    }
    s.push_str("\n  ]\n}\n");
    s
}

/// The short human summary printed on stdout.
pub fn summary(o: &Outcome) -> String {
    let mut s = String::new();
    let mut states: Vec<&str> = o.states.iter().map(|x| x.state.name()).collect();
    let more = states.len().saturating_sub(12);
    if more > 4 {
        // A flapping session: the first changes, then how many more.
        states.truncate(12);
    }
    let states = if more > 4 {
        format!("{} > ... ({more} more)", states.join(" > "))
    } else {
        states.join(" > ")
    };
    let _ = writeln!(
        s,
        "{} on {}: {:.3} s played, {} pictures, {} audio frames, states {}",
        o.name,
        o.profile,
        o.played_us as f64 / 1e6,
        o.frames,
        o.audio.0,
        states
    );
    if let Some(r) = o
        .reports
        .iter()
        .rev()
        .find(|r| r.text.starts_with("session "))
    {
        let _ = writeln!(s, "{}", r.text);
    }
    let a = o.av_sync;
    let _ = writeln!(
        s,
        "A/V sync over {} pictures: mean {:+.1} ms, mean |offset| {:.1} ms, max |offset| {:.1} ms",
        a.frames,
        a.mean_us as f64 / 1000.0,
        a.mean_abs_us as f64 / 1000.0,
        a.max_abs_us as f64 / 1000.0
    );
    let _ = writeln!(
        s,
        "guest memory high-water: {} KiB",
        o.guest_memory_bytes / 1024
    );
    let passed = o.verdicts.iter().filter(|v| v.ok).count();
    let _ = writeln!(s, "assertions: {passed}/{} hold", o.verdicts.len());
    for v in o.verdicts.iter().filter(|v| !v.ok) {
        let _ = writeln!(s, "FAIL line {}: {}", v.line, v.message);
    }
    if let Some(f) = &o.fault {
        let _ = writeln!(s, "FAULT {f}");
    }
    s
}

/// Writes `qoe.json`, `contact-sheet.png` (the snapshots side by side), `frames.framemd5`,
/// `audio-units.txt` (`size md5` of every audio access unit submitted, one a line) and
/// `module.log` (the module's log lines)
/// into `dir` (the WAV file and the screenshots are written while the session
/// runs).
///
/// # Errors
/// A file cannot be written.
pub fn write(dir: &Path, o: &Outcome) -> io::Result<()> {
    std::fs::write(dir.join("qoe.json"), json(o))?;
    // The snapshots side by side: one picture to look at after a run.
    let screens: Vec<crate::screen::Screen> = o
        .snapshots
        .iter()
        .filter_map(|(_, name)| crate::screen::Screen::read_png(&dir.join(name)).ok())
        .collect();
    if let Some(sheet) = crate::screen::Screen::contact_sheet(&screens, 4, 320) {
        sheet.write_png(&dir.join("contact-sheet.png"))?;
    }
    std::fs::write(dir.join("frames.framemd5"), &o.framemd5)?;
    let units: String = o
        .audio_units
        .iter()
        .map(|(size, md5)| format!("{size} {md5}\n"))
        .collect();
    std::fs::write(dir.join("audio-units.txt"), units)?;
    let mut log = o.log.join("\n");
    if !log.is_empty() {
        log.push('\n');
    }
    std::fs::write(dir.join("module.log"), log)
}
