//! Scenario scripts: what the QA runner plays, does and checks (TOML).
//!
//! ```toml
//! url = "../samples/hls-ts/master.m3u8"   # relative to the script, or a URL
//! duration = 25.0                         # seconds of session time at most
//! config = { max_bitrate = 150000 }       # extra module configuration lines
//! framemd5_timebase = 90000               # time base of frames.framemd5
//! snapshots = [5.0, 12.0]                 # PNG screenshots at these times
//!
//! [[step]]
//! at = 4.0
//! key = "PlayPause"                       # a remote key
//! [[step]]
//! at = 6.0
//! command = "seek"                        # play pause seek seek_relative stop
//! position = 12.0                         # select_audio set_quality
//! [[step]]
//! at = 0.0
//! network = { bandwidth_mbps = 0.5 }      # or trace = "file", outage = [from, to],
//!                                         # fault = { url = "v2_", http = 503 }
//! [[assert]]
//! at = 3.0
//! state = "playing"                       # or position = 2.9, tolerance = 0.2;
//!                                         # no_rebuffer = true; frame = "<md5>";
//!                                         # graphics = "<md5>" (the UI plane, exact);
//!                                         # ended_by = 21.0
//! ```
//!
//! Times are seconds of session time (from the load). Every table is checked for
//! unknown fields; errors name the file and line.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use wasp_core::abi::key::{Key, KeyAction};
use wasp_core::abi::player::PlayerState;
use wasp_engine::player::Command;

use crate::profile::{line_of, parse_toml, ConfigError};

/// A change of the simulated network.
#[derive(Clone, Debug, PartialEq)]
pub enum NetworkChange {
    /// A constant link of this many bytes per second.
    Bandwidth(u64),
    /// A bandwidth trace file (`seconds Mbit/s` lines), replayed from the step on.
    Trace(PathBuf),
    /// The link is down over `[from_us, to_us)` of session time.
    Outage(i64, i64),
    /// Responses of every URL containing `pattern` get `fault` (`times`: only the
    /// next so many fetches; `None`: every fetch).
    Fault {
        /// Substring of the URLs it applies to.
        pattern: String,
        /// The fault.
        fault: wasp_testkit::net::Fault,
        /// How many fetches it hits.
        times: Option<u32>,
    },
}

/// What a step does.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A remote key event: `key = "Right"` is a press and, 100 ms later, the
    /// release; with `hold = seconds` the key auto-repeats while held.
    Key(Key, KeyAction),
    /// An embedder command.
    Command(Command),
    /// A network change.
    Network(NetworkChange),
}

/// A timed step.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Session time, µs.
    pub at_us: i64,
    /// What happens.
    pub action: Action,
    /// The script line, for messages.
    pub line: usize,
}

/// A check on the session.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    /// The module's last reported state at `at_us` is this one.
    State(PlayerState),
    /// The media clock's position at `at_us` is within `tolerance_us` of `position_us`.
    Position {
        /// Expected position, µs.
        position_us: i64,
        /// Allowed difference, µs.
        tolerance_us: i64,
    },
    /// No rebuffering over the whole session (after start-up).
    NoRebuffer,
    /// The picture on screen at `at_us` has this framemd5 hash.
    Frame(String),
    /// The graphics plane (the module's UI, RGBA premultiplied, rows packed) at
    /// `at_us` has this md5: exact, since every port draws the same pixels.
    Graphics(String),
    /// The module reported `Ended` by `at_us`.
    EndedBy,
}

/// An assertion: a check at a time.
#[derive(Clone, Debug, PartialEq)]
pub struct Assertion {
    /// Session time, µs (the end of the run for whole-session checks).
    pub at_us: i64,
    /// What is checked.
    pub check: Check,
    /// The script line, for messages.
    pub line: usize,
}

/// A scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    /// The scenario's name (the file's stem).
    pub name: String,
    /// The stream: a URL, or a local path (resolved against the script's folder).
    pub url: String,
    /// The module that plays it, by its name in `wasp_modules::ALL` (`tv`, `audio`).
    pub module: String,
    /// Longest session time, µs; the run also ends once every check is decided and
    /// the module reported `Ended`, `Error` or `Idle` after a stop.
    pub duration_us: i64,
    /// Extra module configuration (`key=value` lines).
    pub config: Vec<(String, String)>,
    /// Time base denominator of `frames.framemd5` (1/N seconds).
    pub framemd5_timebase: u32,
    /// Screenshot times, µs.
    pub snapshots: Vec<i64>,
    /// The steps, by time.
    pub steps: Vec<Step>,
    /// The assertions, in script order.
    pub asserts: Vec<Assertion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScript {
    url: String,
    #[serde(default)]
    module: Option<String>,
    duration: f64,
    #[serde(default)]
    config: toml::Table,
    #[serde(default)]
    framemd5_timebase: Option<u32>,
    #[serde(default)]
    snapshots: Vec<f64>,
    #[serde(default)]
    step: Vec<Spanned<RawStep>>,
    #[serde(default, rename = "assert")]
    asserts: Vec<Spanned<RawAssert>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    at: f64,
    key: Option<String>,
    hold: Option<f64>,
    command: Option<String>,
    position: Option<f64>,
    argument: Option<String>,
    bitrate: Option<u32>,
    network: Option<RawNetwork>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNetwork {
    bandwidth_mbps: Option<f64>,
    trace: Option<String>,
    outage: Option<[f64; 2]>,
    fault: Option<RawFault>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFault {
    url: String,
    http: Option<u32>,
    truncate: Option<usize>,
    slow_first_byte: Option<f64>,
    times: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssert {
    at: Option<f64>,
    state: Option<String>,
    position: Option<f64>,
    tolerance: Option<f64>,
    no_rebuffer: Option<bool>,
    frame: Option<String>,
    graphics: Option<String>,
    ended_by: Option<f64>,
}

/// Seconds to µs, refusing what is not a finite, non-negative time.
fn micros(seconds: f64) -> Option<i64> {
    (seconds.is_finite() && (0.0..=1.0e9).contains(&seconds))
        .then(|| (seconds * 1e6).round() as i64)
}

/// A remote key by name (`Key::name`, e.g. `PlayPause`, `Ok`, `Left`).
pub fn key_by_name(name: &str) -> Option<Key> {
    (0..=255u32)
        .filter_map(Key::from_u32)
        .find(|k| k.name().eq_ignore_ascii_case(name))
}

/// A player state by name (`playing`, `paused`, `ended`, ...).
pub fn state_by_name(name: &str) -> Option<PlayerState> {
    (0..=16u32)
        .filter_map(PlayerState::from_u32)
        .find(|s| s.name().eq_ignore_ascii_case(name))
}

impl Script {
    /// Reads the script at `path`.
    ///
    /// # Errors
    /// The file cannot be read or is not a valid script.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: file.clone(),
            line: 0,
            message: e.to_string(),
        })?;
        let name = path
            .file_stem()
            .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
        let mut script = Self::parse(&text, &file, &name)?;
        if !script.url.contains("://") && Path::new(&script.url).is_relative() {
            if let Some(dir) = path.parent() {
                script.url = dir.join(&script.url).display().to_string();
            }
        }
        Ok(script)
    }

    /// Parses a script's TOML `text`; `file` names it in errors.
    ///
    /// # Errors
    /// A TOML or schema error, or a step or assertion that says nothing or too much,
    /// with its line.
    pub fn parse(text: &str, file: &str, name: &str) -> Result<Self, ConfigError> {
        let raw: RawScript = parse_toml(text, file)?;
        let error = |line: usize, message: &str| ConfigError {
            file: file.into(),
            line,
            message: message.into(),
        };
        let duration_us =
            micros(raw.duration).ok_or_else(|| error(0, "duration must be seconds >= 0"))?;
        let mut config = Vec::new();
        for (key, value) in &raw.config {
            let value = match value {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if key.contains(['=', '\n']) || value.contains('\n') {
                return Err(error(
                    0,
                    "config keys and values are single lines without `=`",
                ));
            }
            config.push((key.clone(), value));
        }
        let mut snapshots = Vec::new();
        for s in &raw.snapshots {
            snapshots.push(micros(*s).ok_or_else(|| error(0, "snapshot times are seconds >= 0"))?);
        }
        let mut steps = Vec::new();
        for spanned in &raw.step {
            let line = line_of(text, spanned.span().start);
            let s = spanned.get_ref();
            let at_us = micros(s.at).ok_or_else(|| error(line, "`at` must be seconds >= 0"))?;
            let action = step_action(s).map_err(|m| error(line, &m))?;
            if let Action::Key(key, _) = action {
                for (offset, action) in key_events(s.hold).map_err(|m| error(line, &m))? {
                    steps.push(Step {
                        at_us: at_us + offset,
                        action: Action::Key(key, action),
                        line,
                    });
                }
                continue;
            }
            steps.push(Step {
                at_us,
                action,
                line,
            });
        }
        steps.sort_by_key(|s| s.at_us);
        let mut asserts = Vec::new();
        for spanned in &raw.asserts {
            let line = line_of(text, spanned.span().start);
            let (at_us, check) =
                assertion(spanned.get_ref(), duration_us).map_err(|m| error(line, &m))?;
            asserts.push(Assertion { at_us, check, line });
        }
        let module = raw.module.unwrap_or_else(|| "tv".into());
        if !wasp_modules::ALL.iter().any(|(n, _)| *n == module) {
            return Err(error(0, &format!("no module named {module}")));
        }
        Ok(Self {
            name: name.into(),
            url: raw.url,
            module,
            duration_us,
            config,
            framemd5_timebase: raw.framemd5_timebase.filter(|t| *t > 0).unwrap_or(90_000),
            snapshots,
            steps,
            asserts,
        })
    }
}

/// A remote's key timing: auto-repeat starts 500 ms into a hold and comes every
/// 100 ms (the common default of TV remotes and of Linux's evdev, 250-500 ms / 33-100
/// ms); a tap is released after 100 ms.
const REPEAT_DELAY_US: i64 = 500_000;
/// See [`REPEAT_DELAY_US`].
const REPEAT_EVERY_US: i64 = 100_000;

/// The events of one key step, as offsets from its time: press, repeats, release.
fn key_events(hold: Option<f64>) -> Result<Vec<(i64, KeyAction)>, String> {
    let hold_us = match hold {
        None => REPEAT_EVERY_US,
        Some(h) if h.is_finite() && (0.0..=600.0).contains(&h) => (h * 1e6).round() as i64,
        Some(_) => return Err("`hold` must be seconds, 0 to 600".into()),
    };
    let mut events = vec![(0, KeyAction::Down)];
    let mut t = REPEAT_DELAY_US;
    while t < hold_us {
        events.push((t, KeyAction::Repeat));
        t += REPEAT_EVERY_US;
    }
    events.push((hold_us, KeyAction::Up));
    Ok(events)
}

fn step_action(s: &RawStep) -> Result<Action, String> {
    if s.hold.is_some() && s.key.is_none() {
        return Err("`hold` goes with `key`".into());
    }
    let given = [s.key.is_some(), s.command.is_some(), s.network.is_some()];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err("a step has exactly one of `key`, `command`, `network`".into());
    }
    if let Some(name) = &s.key {
        return key_by_name(name)
            .map(|k| Action::Key(k, KeyAction::Down))
            .ok_or_else(|| format!("unknown key `{name}`"));
    }
    if let Some(name) = &s.command {
        let position = || -> Result<i64, String> {
            let p = s
                .position
                .ok_or("this command needs `position` (seconds)")?;
            if !p.is_finite() || p.abs() > 1.0e9 {
                return Err("`position` must be seconds".into());
            }
            Ok((p * 1e6).round() as i64)
        };
        let argument = || {
            s.argument
                .clone()
                .ok_or_else(|| "this command needs `argument`".to_string())
        };
        let command = match name.as_str() {
            "play" => Command::Play,
            "pause" => Command::Pause,
            "stop" => Command::Stop,
            "seek" => Command::Seek(position()?),
            "seek_relative" => Command::SeekRelative(position()?),
            "select_audio" => Command::SelectAudio(argument()?),
            "select_subtitle" => Command::SelectSubtitle(s.argument.clone().unwrap_or_default()),
            "set_quality" => Command::SetQuality(s.bitrate.filter(|b| *b > 0)),
            other => {
                return Err(format!(
                    "unknown command `{other}` (play, pause, seek, seek_relative, stop, \
                     select_audio, select_subtitle, set_quality)"
                ))
            }
        };
        return Ok(Action::Command(command));
    }
    let Some(n) = &s.network else {
        return Err("a step has exactly one of `key`, `command`, `network`".into());
    };
    let given = [
        n.bandwidth_mbps.is_some(),
        n.trace.is_some(),
        n.outage.is_some(),
        n.fault.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(
            "`network` has exactly one of `bandwidth_mbps`, `trace`, `outage`, `fault`".into(),
        );
    }
    let change = if let Some(mbps) = n.bandwidth_mbps {
        if !mbps.is_finite() || !(0.0..=100_000.0).contains(&mbps) {
            return Err("`bandwidth_mbps` must be within 0..=100000".into());
        }
        NetworkChange::Bandwidth((mbps * 1e6 / 8.0).round() as u64)
    } else if let Some(path) = &n.trace {
        NetworkChange::Trace(PathBuf::from(path))
    } else if let Some([from, to]) = n.outage {
        let (Some(from), Some(to)) = (micros(from), micros(to)) else {
            return Err("`outage` is [from, to] in seconds".into());
        };
        if from >= to {
            return Err("`outage` must end after it starts".into());
        }
        NetworkChange::Outage(from, to)
    } else if let Some(f) = &n.fault {
        use wasp_testkit::net::Fault;
        let fault = match (f.http, f.truncate, f.slow_first_byte) {
            (Some(status), None, None) => Fault::Http(status),
            (None, Some(bytes), None) => Fault::Truncate(bytes),
            (None, None, Some(seconds)) => Fault::SlowFirstByte(
                micros(seconds).ok_or("`slow_first_byte` must be seconds >= 0")?,
            ),
            _ => {
                return Err(
                    "`fault` has exactly one of `http`, `truncate`, `slow_first_byte`".into(),
                )
            }
        };
        NetworkChange::Fault {
            pattern: f.url.clone(),
            fault,
            times: f.times,
        }
    } else {
        return Err("empty `network`".into());
    };
    Ok(Action::Network(change))
}

fn assertion(a: &RawAssert, duration_us: i64) -> Result<(i64, Check), String> {
    let at = |what: &str| -> Result<i64, String> {
        let at = a.at.ok_or(format!("`{what}` needs `at` (seconds)"))?;
        micros(at).ok_or_else(|| "`at` must be seconds >= 0".into())
    };
    let given = [
        a.state.is_some(),
        a.position.is_some(),
        a.no_rebuffer.is_some(),
        a.frame.is_some(),
        a.graphics.is_some(),
        a.ended_by.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(
            "an assertion has exactly one of `state`, `position`, `no_rebuffer`, `frame`, \
             `graphics`, `ended_by`"
                .into(),
        );
    }
    if let Some(name) = &a.state {
        let state = state_by_name(name).ok_or_else(|| format!("unknown state `{name}`"))?;
        return Ok((at("state")?, Check::State(state)));
    }
    if let Some(p) = a.position {
        let position_us = micros(p).ok_or("`position` must be seconds >= 0")?;
        let tolerance_us =
            micros(a.tolerance.unwrap_or(0.1)).ok_or("`tolerance` must be seconds >= 0")?;
        return Ok((
            at("position")?,
            Check::Position {
                position_us,
                tolerance_us,
            },
        ));
    }
    if a.no_rebuffer.is_some() {
        return Ok((duration_us, Check::NoRebuffer));
    }
    if let Some(md5) = &a.frame {
        if md5.len() != 32 || !md5.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("`frame` is an md5 in hex (32 digits)".into());
        }
        return Ok((at("frame")?, Check::Frame(md5.to_ascii_lowercase())));
    }
    if let Some(md5) = &a.graphics {
        if md5.len() != 32 || !md5.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("`graphics` is an md5 in hex (32 digits)".into());
        }
        return Ok((at("graphics")?, Check::Graphics(md5.to_ascii_lowercase())));
    }
    let by = a
        .ended_by
        .and_then(micros)
        .ok_or("`ended_by` must be seconds >= 0")?;
    Ok((by, Check::EndedBy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_key_repeats_then_releases() {
        let tap = key_events(None).unwrap();
        assert_eq!(tap, vec![(0, KeyAction::Down), (100_000, KeyAction::Up)]);
        let held = key_events(Some(0.8)).unwrap();
        let want = [
            (0, KeyAction::Down),
            (500_000, KeyAction::Repeat),
            (600_000, KeyAction::Repeat),
            (700_000, KeyAction::Repeat),
            (800_000, KeyAction::Up),
        ];
        assert_eq!(held, want);
        assert!(key_events(Some(-1.0)).is_err());
        assert!(key_events(Some(f64::NAN)).is_err());
    }

    #[test]
    fn a_script_parses_into_steps_and_checks() {
        let text = r#"
url = "a.m3u8"
duration = 10
config = { max_bitrate = 150000 }

[[step]]
at = 2.5
command = "seek"
position = 8

[[step]]
at = 1
key = "playpause"

[[assert]]
at = 3
state = "Playing"
"#;
        let s = Script::parse(text, "t.toml", "t");
        let s = s.as_ref().ok();
        assert_eq!(s.map(|s| s.duration_us), Some(10_000_000));
        assert_eq!(
            s.map(|s| s.config.clone()),
            Some(vec![("max_bitrate".to_string(), "150000".to_string())])
        );
        let steps: Vec<_> = s.map(|s| s.steps.clone()).unwrap_or_default();
        assert_eq!(steps.len(), 3, "the key's press and release, the seek");
        assert_eq!(
            steps.first().map(|s| (s.at_us, s.line, s.action.clone())),
            Some((1_000_000, 11, Action::Key(Key::PlayPause, KeyAction::Down)))
        );
        assert_eq!(
            steps.get(1).map(|s| (s.at_us, s.action.clone())),
            Some((1_100_000, Action::Key(Key::PlayPause, KeyAction::Up)))
        );
        assert_eq!(
            steps.get(2).map(|s| s.action.clone()),
            Some(Action::Command(Command::Seek(8_000_000)))
        );
        assert_eq!(
            s.and_then(|s| s.asserts.first()).map(|a| a.check.clone()),
            Some(Check::State(PlayerState::Playing))
        );
    }

    #[test]
    fn errors_name_the_line() {
        let text = "url = \"a\"\nduration = 3\n[[step]]\nat = 1\nkey = \"Jump\"\n";
        let e = Script::parse(text, "s.toml", "s")
            .err()
            .map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("s.toml:3: unknown key `Jump`"));
        let text = "url = \"a\"\nduration = 3\n[[assert]]\nstate = \"playing\"\n";
        let e = Script::parse(text, "s.toml", "s")
            .err()
            .map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("s.toml:3: `state` needs `at` (seconds)"));
        let text = "url = \"a\"\nduration = 3\nbogus = 1\n";
        let e = Script::parse(text, "s.toml", "s").err().map(|e| e.line);
        assert_eq!(e, Some(3));
    }
}
