//! The QA runner: a session of the TV module on an emulated device, driven by a
//! [`Script`] on the virtual clock (or in real time), with its outputs and checks.
//!
//! The loop is the simulator's (`wasp_sim::ModuleSession`): apply the steps that are
//! due, tick the module, then let device time pass until the module's next wake-up,
//! the next step, check or screenshot, or at most [`MAX_STEP_US`]. On the virtual
//! clock every jump is event-driven, so a 20 s stream plays in the time its decoding
//! takes and two runs give the same bytes.
//!
//! Local content is served on the simulated network (at [`SERVE_BASE`]) so that the
//! script's bandwidth, outage and fault steps apply to it.

use std::path::{Path, PathBuf};

use wasp_core::abi::key::{Key, KeyAction};
use wasp_core::abi::player::{PlayerState, QoeReport, ReportKind, StateReason};
use wasp_core::{HostEvent, Port, Runtime, Tick};
use wasp_emulator::fetch::TlsRoots;
use wasp_emulator::EmulatorPort;
use wasp_engine::player::Command;
use wasp_testkit::net::Trace;

use crate::device::Device;
use crate::output::{self, AvSync};
use crate::profile::Profile;
use crate::screen::Screen;
use crate::script::{Action, Check, NetworkChange, Script};

/// The longest the runner lets device time jump between two ticks, µs.
pub const MAX_STEP_US: i64 = 50_000;
/// Where local content is served on the simulated network.
pub const SERVE_BASE: &str = "http://emu.local";
/// How long the runner lets the device play out after the module reported the end
/// (the last pictures and audio still queued), µs.
const DRAIN_US: i64 = 2_000_000;

/// How a session runs.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// On the OS's clock instead of the virtual one.
    pub real_time: bool,
    /// Where to write the outputs (`None`: nowhere).
    pub out_dir: Option<PathBuf>,
    /// Draw a progress bar on stderr for runs of more than a few seconds.
    pub progress: bool,
    /// The sound card of real-time runs.
    pub audio_device: AudioDevice,
    /// Write the screen log, `screens.txt` ([`output::ScreenLog`]), to `out_dir`.
    pub screen_log: bool,
}

/// Which sound card a real-time session plays to (virtual-clock runs only capture).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum AudioDevice {
    /// ALSA's `default` device when there is one; without one the audio is only
    /// captured, and the session says so.
    #[default]
    Default,
    /// This ALSA device (`hw:0`, `plughw:1,0`, ...); failing to open it is an error.
    Named(String),
    /// No card: the audio is only captured.
    Off,
}

impl AudioDevice {
    /// From a command-line value: `none`, `default`, or a device name.
    pub fn parse(value: &str) -> Self {
        match value {
            "none" => Self::Off,
            "default" => Self::Default,
            name => Self::Named(name.into()),
        }
    }
}

/// A state the module reported, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateChange {
    /// Session time, µs.
    pub at_us: i64,
    /// The state.
    pub state: PlayerState,
    /// Why.
    pub reason: StateReason,
}

/// A report the module sent, and when.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Session time, µs.
    pub at_us: i64,
    /// Its kind.
    pub kind: ReportKind,
    /// The QoE snapshot (`Qoe` reports).
    pub qoe: Option<QoeReport>,
    /// The text (other reports).
    pub text: String,
}

/// One assertion's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The script line of the assertion.
    pub line: usize,
    /// Whether it holds.
    pub ok: bool,
    /// What was expected and what was seen.
    pub message: String,
}

/// What a session did.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The scenario's name.
    pub name: String,
    /// The profile's name.
    pub profile: String,
    /// Session time played, µs.
    pub played_us: i64,
    /// States, in order.
    pub states: Vec<StateChange>,
    /// Reports, in order.
    pub reports: Vec<Report>,
    /// The frames log (`framemd5` text).
    pub framemd5: String,
    /// Pictures displayed.
    pub frames: usize,
    /// Audio sample frames played, and the md5 of the PCM (s16le).
    pub audio: (u64, String),
    /// A/V sync over the displayed pictures.
    pub av_sync: AvSync,
    /// Verdicts of the assertions, in script order.
    pub verdicts: Vec<Verdict>,
    /// Screenshots taken: (session time µs, file name).
    pub snapshots: Vec<(i64, String)>,
    /// A fault of the module, if it had one.
    pub fault: Option<String>,
    /// The module's log lines (`LEVEL message`).
    pub log: Vec<String>,
    /// The module's linear memory at its largest, bytes.
    pub guest_memory_bytes: usize,
    /// Every audio access unit submitted to the device's decoders, in order: its
    /// size and md5 (what `ffmpeg -c copy -f framemd5` lists per packet).
    pub audio_units: Vec<(usize, String)>,
}

impl Outcome {
    /// The first failing assertion (or the module's fault), if any.
    pub fn failure(&self) -> Option<String> {
        if let Some(f) = &self.fault {
            return Some(format!("module fault: {f}"));
        }
        self.verdicts
            .iter()
            .find(|v| !v.ok)
            .map(|v| format!("line {}: {}", v.line, v.message))
    }

    /// Why a plain playback (no assertions) failed: a fault, or the player ending
    /// in its error state (with the module's last error report).
    pub fn playback_failure(&self) -> Option<String> {
        if let Some(f) = self.failure() {
            return Some(f);
        }
        if self.end_state() != Some(PlayerState::Error) {
            return None;
        }
        let why = self
            .reports
            .iter()
            .rev()
            .find(|r| r.kind == ReportKind::Error)
            .map_or("no error report", |r| r.text.as_str());
        Some(format!("the player stopped with an error: {why}"))
    }

    /// The last state reported.
    pub fn end_state(&self) -> Option<PlayerState> {
        self.states.last().map(|s| s.state)
    }
}

/// A session of the TV module on a device.
pub struct Session {
    /// The runtime, the device inside.
    pub runtime: Runtime<Device>,
    /// Device time at the load, µs.
    pub start_us: i64,
    /// States seen, with their times.
    pub states: Vec<StateChange>,
    /// Reports seen, with their times.
    pub reports: Vec<Report>,
    /// A fault of the module.
    pub fault: Option<String>,
    commands: Vec<(HostEvent, i64)>,
    /// The module's linear memory at its largest so far, bytes.
    pub guest_high_water: usize,
}

impl Session {
    /// Loads the TV module on a device of `profile` to play `url` (a URL, or a
    /// local path: then its folder is served on the simulated network, or read from
    /// disk in real time), with extra `config` lines and frames logged in
    /// 1/`timebase` s.
    ///
    /// # Errors
    /// The content cannot be served or the module cannot be loaded.
    pub fn new(
        profile: &Profile,
        url: &str,
        config: &[(String, String)],
        timebase: u32,
        real_time: bool,
    ) -> Result<Self, String> {
        Self::with_module("tv", profile, url, config, timebase, real_time)
    }

    /// [`Session::new`] with the module named `module` in `wasp_modules::ALL`.
    ///
    /// # Errors
    /// An unknown module, content that cannot be served, a module that cannot load.
    pub fn with_module(
        module: &str,
        profile: &Profile,
        url: &str,
        config: &[(String, String)],
        timebase: u32,
        real_time: bool,
    ) -> Result<Self, String> {
        let bytes = wasp_modules::ALL
            .iter()
            .find(|(name, _)| *name == module)
            .map(|(_, bytes)| *bytes)
            .ok_or_else(|| format!("no module named {module}"))?;
        let mut port = if real_time {
            let mut port = EmulatorPort::real_time(profile.device.clone());
            port.set_tls_roots(TlsRoots::from_env()?);
            port
        } else {
            EmulatorPort::new(profile.device.clone())
        };
        let url = if url.contains("://") {
            url.to_string()
        } else if real_time {
            let path = std::fs::canonicalize(url).map_err(|e| format!("{url}: {e}"))?;
            format!("file://{}", path.display())
        } else {
            serve_local(&mut port, Path::new(url))?
        };
        let mut text = format!("url={url}\n");
        for (key, value) in config {
            text.push_str(&format!("{key}={value}\n"));
        }
        let start_us = port.now();
        let device = Device::new(port, timebase);
        let mut runtime = Runtime::new(device, profile.limits.clone(), text.into_bytes());
        runtime
            .load(bytes)
            .map_err(|e| format!("the {module} module does not load on {}: {e}", profile.name))?;
        let mut session = Self {
            runtime,
            start_us,
            states: Vec::new(),
            reports: Vec::new(),
            fault: None,
            commands: Vec::new(),
            guest_high_water: 0,
        };
        session.collect();
        Ok(session)
    }

    /// The device.
    pub fn device(&self) -> &Device {
        self.runtime.port()
    }

    /// Plays the audio on `device` (real time; the clock then runs on the card).
    /// Returns a note when the default device is missing and audio is only captured.
    ///
    /// # Errors
    /// A named device cannot be opened, or this build has no audio output.
    pub fn use_sound_card(&mut self, device: &AudioDevice) -> Result<Option<String>, String> {
        let name = match device {
            AudioDevice::Off => return Ok(None),
            AudioDevice::Default => "default",
            AudioDevice::Named(name) => name.as_str(),
        };
        match open_card(name) {
            Ok(card) => {
                self.port_mut().set_speaker(card);
                Ok(None)
            }
            Err(e) if *device == AudioDevice::Default => Ok(Some(format!(
                "no sound card ({e}): the audio is only captured"
            ))),
            Err(e) => Err(e),
        }
    }

    /// The port.
    pub fn port_mut(&mut self) -> &mut EmulatorPort {
        &mut self.runtime.port_mut().port
    }

    /// Session time now, µs.
    pub fn now(&self) -> i64 {
        self.runtime.port().port.now() - self.start_us
    }

    /// The last state reported.
    pub fn state(&self) -> Option<PlayerState> {
        self.states.last().map(|s| s.state)
    }

    /// Queues an embedder command (delivered at the next tick, or later when the
    /// module's event queue is full).
    pub fn command(&mut self, command: &Command) {
        let (event, argument) = wasp_sim::module::wire_command(command);
        self.commands
            .push((HostEvent::Command(event, argument), self.now()));
    }

    /// A remote key press.
    pub fn press(&mut self, key: Key) {
        self.port_mut().press(key);
    }

    /// A remote key event (press, auto-repeat, release).
    pub fn key_event(&mut self, key: Key, action: KeyAction) {
        self.port_mut().key_event(key, action);
    }

    /// Applies a network change (virtual time; ignored in real time).
    ///
    /// # Errors
    /// A trace file that cannot be read.
    pub fn network(&mut self, change: &NetworkChange) -> Result<(), String> {
        let now = self.runtime.port().port.now();
        let start = self.start_us;
        let net = self.port_mut().network();
        match change {
            NetworkChange::Bandwidth(bytes_per_sec) => {
                net.set_trace(Trace::constant(*bytes_per_sec).anchored(now));
            }
            NetworkChange::Trace(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                let trace = Trace::parse_mbps(&text, 1.0)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                net.set_trace(trace.anchored(now));
            }
            NetworkChange::Outage(from, to) => {
                net.schedule_outage(start.saturating_add(*from), start.saturating_add(*to));
            }
            NetworkChange::Fault {
                pattern,
                fault,
                times,
            } => {
                for (url, resource) in &mut net.resources {
                    if !url.contains(pattern.as_str()) {
                        continue;
                    }
                    match times {
                        Some(n) => {
                            resource.fail_times(*n, fault.clone());
                        }
                        None => resource.faults.push(fault.clone()),
                    }
                }
            }
        }
        Ok(())
    }

    /// Runs one tick at the current time; returns when the module wants the next.
    pub fn tick(&mut self) -> i64 {
        let now = self.runtime.port().port.now();
        let mut kept = Vec::new();
        for (event, since) in std::mem::take(&mut self.commands) {
            if !kept.is_empty() {
                kept.push((event, since));
                continue;
            }
            if let Err(_full) = self.runtime.push_event(event.clone()) {
                kept.push((event, since));
            }
        }
        self.commands = kept;
        let next = match self.runtime.tick(now) {
            Ok(Tick::Ran { next_us }) => next_us,
            Ok(Tick::Sliced) => now,
            Err(e) => {
                self.fault.get_or_insert_with(|| e.to_string());
                now.saturating_add(MAX_STEP_US)
            }
        };
        self.guest_high_water = self.guest_high_water.max(self.runtime.guest_memory_bytes());
        self.collect();
        next
    }

    /// Lets device time pass until session time `at_us` (sleeping in real time).
    pub fn advance_to(&mut self, at_us: i64) {
        let target = self.start_us.saturating_add(at_us);
        self.port_mut().advance_to(target);
    }

    fn collect(&mut self) {
        let at_us = self.now();
        let port = &self.runtime.port().port;
        for &(state, reason) in port.states.iter().skip(self.states.len()) {
            self.states.push(StateChange {
                at_us,
                state,
                reason,
            });
        }
        for (kind, payload) in port.reports.iter().skip(self.reports.len()) {
            let qoe = (*kind == ReportKind::Qoe)
                .then(|| QoeReport::decode(payload).ok())
                .flatten();
            let text = if qoe.is_some() {
                String::new()
            } else {
                String::from_utf8_lossy(payload).into_owned()
            };
            self.reports.push(Report {
                at_us,
                kind: *kind,
                qoe,
                text,
            });
        }
    }
}

/// Serves the folder of `path` on the simulated network; returns the URL of `path`.
fn serve_local(port: &mut EmulatorPort, path: &Path) -> Result<String, String> {
    let shown = path.display();
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| format!("{shown}: not a file"))?
        .to_string_lossy();
    if !path.is_file() {
        return Err(format!("{shown}: no such file"));
    }
    port.serve_dir(SERVE_BASE, dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(format!("{SERVE_BASE}/{name}"))
}

/// Runs `script` on a device of `profile`.
///
/// # Errors
/// The content cannot be served, the module cannot be loaded, a trace file cannot
/// be read, or the outputs cannot be written: usage errors, not failed assertions.
pub fn run(script: &Script, profile: &Profile, options: &RunOptions) -> Result<Outcome, String> {
    let (script, profile, options) = (script.clone(), profile.clone(), options.clone());
    on_big_stack(move || run_here(&script, &profile, &options))
}

/// Runs `f` on a thread with a large stack and returns its result: in unoptimised
/// builds wasmi's dispatch is not compiled into tail calls and a long guest call
/// nests native frames (FINDINGS.md); the depth is bounded by a tick's fuel, and
/// 256 MiB of address space (touched only as deep as it goes) covers it.
pub fn on_big_stack<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    std::thread::Builder::new()
        .name("wasp-emu session".into())
        .stack_size(256 << 20)
        .spawn(f)
        .map_err(|e| format!("cannot start the session thread: {e}"))?
        .join()
        .map_err(|_| "the session thread panicked".to_string())?
}

#[cfg(feature = "audio-out")]
fn open_card(name: &str) -> Result<Box<dyn wasp_emulator::Speaker>, String> {
    Ok(Box::new(wasp_emulator::speaker::AlsaSpeaker::open(name)?))
}

#[cfg(not(feature = "audio-out"))]
fn open_card(_: &str) -> Result<Box<dyn wasp_emulator::Speaker>, String> {
    Err("this wasp-emu was built without the audio-out feature".into())
}

fn run_here(script: &Script, profile: &Profile, options: &RunOptions) -> Result<Outcome, String> {
    let mut session = Session::with_module(
        &script.module,
        profile,
        &script.url,
        &script.config,
        script.framemd5_timebase,
        options.real_time,
    )?;
    if options.real_time {
        if let Some(note) = session.use_sound_card(&options.audio_device)? {
            eprintln!("wasp-emu: {note}");
        }
    }
    if let Some(dir) = &options.out_dir {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        session
            .port_mut()
            .audio_mut()
            .write_wav(&dir.join("audio.wav"))
            .map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut verdicts: Vec<Option<Verdict>> = vec![None; script.asserts.len()];
    let mut snapshots = Vec::new();
    let mut next_step = 0;
    let mut next_snapshot = 0;
    let mut ended_at: Option<i64> = None;
    let mut progress = Progress::new(options.progress && script.duration_us > 5_000_000);
    let mut screens = options.screen_log.then(output::ScreenLog::default);
    loop {
        let now = session.now();
        while let Some(step) = script.steps.get(next_step).filter(|s| s.at_us <= now) {
            match &step.action {
                Action::Key(key, action) => session.key_event(*key, *action),
                Action::Command(command) => session.command(command),
                Action::Network(change) => session
                    .network(change)
                    .map_err(|e| format!("step at line {}: {e}", step.line))?,
            }
            next_step += 1;
        }
        let next_us = session.tick();
        if let Some(log) = &mut screens {
            log.observe(&session.device().port);
        }
        for (verdict, assertion) in verdicts.iter_mut().zip(&script.asserts) {
            if verdict.is_none() && assertion.at_us <= now && is_timed(&assertion.check) {
                *verdict = Some(check_now(&mut session, &assertion.check, assertion.line));
            }
        }
        while let Some(&at) = script.snapshots.get(next_snapshot).filter(|t| **t <= now) {
            next_snapshot += 1;
            if let (Some(dir), Some(screen)) =
                (&options.out_dir, Screen::capture(&session.device().port))
            {
                let name = format!("snapshot-{:06}ms.png", at / 1000);
                screen
                    .write_png(&dir.join(&name))
                    .map_err(|e| format!("{}: {e}", dir.display()))?;
                snapshots.push((at, name));
            }
        }
        // The bar runs to the presentation's end once the module reported it.
        let known = session
            .reports
            .iter()
            .rev()
            .find_map(|r| r.qoe.map(|q| q.duration_us))
            .filter(|d| *d > 0);
        progress.show(
            now,
            known.map_or(script.duration_us, |d| d.min(script.duration_us)),
        );
        let finished = matches!(
            session.state(),
            Some(PlayerState::Ended | PlayerState::Error)
        ) || session.fault.is_some()
            || (session.state() == Some(PlayerState::Idle) && now > 0);
        // A module that leaves Error (or Idle) by itself, retrying, is not finished.
        if !finished {
            ended_at = None;
        } else if ended_at.is_none() {
            ended_at = Some(now);
        }
        let pending = script.steps.get(next_step).is_some()
            || script.snapshots.get(next_snapshot).is_some()
            || verdicts
                .iter()
                .zip(&script.asserts)
                .any(|(v, a)| v.is_none() && is_timed(&a.check));
        let drained = ended_at.is_some_and(|t| {
            now >= t.saturating_add(DRAIN_US) || session.device().port.next_event_us() == i64::MAX
        });
        if now >= script.duration_us || (drained && !pending) {
            break;
        }
        // The next moment anything is due, as the simulator steps.
        let base = session.runtime.port().port.now();
        let mut wake = next_us.max(base + 1).min(base + MAX_STEP_US) - session.start_us;
        let due = script
            .steps
            .get(next_step)
            .map(|s| s.at_us)
            .into_iter()
            .chain(script.snapshots.get(next_snapshot).copied())
            .chain(
                verdicts
                    .iter()
                    .zip(&script.asserts)
                    .filter(|(v, a)| v.is_none() && is_timed(&a.check))
                    .map(|(_, a)| a.at_us),
            )
            .chain([script.duration_us]);
        for t in due {
            wake = wake.min(t.max(now + 1));
        }
        session.advance_to(wake);
        if let Some(log) = &mut screens {
            log.observe(&session.device().port);
        }
    }
    progress.finish();
    let played_us = session.now();
    for (verdict, assertion) in verdicts.iter_mut().zip(&script.asserts) {
        if verdict.is_none() {
            *verdict = Some(check_end(
                &session,
                &assertion.check,
                assertion.at_us,
                assertion.line,
            ));
        }
    }
    let device = session.device();
    let outcome = Outcome {
        name: script.name.clone(),
        profile: profile.name.clone(),
        played_us,
        states: session.states.clone(),
        reports: session.reports.clone(),
        framemd5: device.framemd5(),
        frames: device.frames_shown(),
        audio: (device.port.audio().frames(), device.port.audio().md5()),
        av_sync: AvSync::measure(device.port.presented(), device.alignment_us()),
        verdicts: verdicts.into_iter().flatten().collect(),
        snapshots,
        fault: session.fault.clone(),
        guest_memory_bytes: session.guest_high_water,
        audio_units: device.audio_units.clone(),
        log: device
            .port
            .logs
            .iter()
            .map(|(level, line)| format!("{} {line}", level.name()))
            .collect(),
    };
    if let Some(dir) = &options.out_dir {
        session
            .port_mut()
            .audio_mut()
            .finish()
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        output::write(dir, &outcome).map_err(|e| format!("{}: {e}", dir.display()))?;
        if let Some(log) = &screens {
            let path = dir.join("screens.txt");
            std::fs::write(&path, log.text()).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(outcome)
}

/// Whether a check is decided at its time (else at the end of the run).
fn is_timed(check: &Check) -> bool {
    matches!(
        check,
        Check::State(_) | Check::Position { .. } | Check::Frame(_) | Check::Graphics(_)
    )
}

fn seconds(us: i64) -> String {
    format!("{:.3} s", us as f64 / 1e6)
}

fn check_now(session: &mut Session, check: &Check, line: usize) -> Verdict {
    let at = seconds(session.now());
    let (ok, message) = match check {
        Check::State(want) => {
            let got = session.state().map_or("none", PlayerState::name);
            (
                session.state() == Some(*want),
                format!("state at {at}: expected {}, got {got}", want.name()),
            )
        }
        Check::Position {
            position_us,
            tolerance_us,
        } => {
            let got = session.runtime.port_mut().media_clock().position_us;
            (
                got.abs_diff(*position_us) <= tolerance_us.unsigned_abs(),
                format!(
                    "position at {at}: expected {} ± {}, got {}",
                    seconds(*position_us),
                    seconds(*tolerance_us),
                    seconds(got)
                ),
            )
        }
        Check::Frame(want) => {
            let got = session.device().last_frame_md5();
            (
                got.as_deref() == Some(want.as_str()),
                format!(
                    "frame at {at}: expected md5 {want}, got {}",
                    got.as_deref().unwrap_or("no picture")
                ),
            )
        }
        Check::Graphics(want) => {
            let got = Screen::graphics_md5(&session.device().port);
            (
                got.as_deref() == Some(want.as_str()),
                format!(
                    "graphics at {at}: expected md5 {want}, got {}",
                    got.as_deref().unwrap_or("no display")
                ),
            )
        }
        Check::NoRebuffer | Check::EndedBy => (false, "not a timed check".into()),
    };
    Verdict { line, ok, message }
}

fn check_end(session: &Session, check: &Check, at_us: i64, line: usize) -> Verdict {
    let (ok, message) = match check {
        Check::NoRebuffer => {
            let reported = session
                .reports
                .iter()
                .filter_map(|r| r.qoe.map(|q| q.rebuffer_count))
                .max()
                .unwrap_or(0);
            (
                reported == 0,
                format!("no rebuffering: expected 0 stalls, the module reported {reported}"),
            )
        }
        Check::EndedBy => {
            let ended = session
                .states
                .iter()
                .find(|s| s.state == PlayerState::Ended)
                .map(|s| s.at_us);
            (
                ended.is_some_and(|t| t <= at_us),
                format!(
                    "ended by {}: {}",
                    seconds(at_us),
                    ended.map_or("never ended".into(), |t| format!("ended at {}", seconds(t)))
                ),
            )
        }
        _ => (
            false,
            format!(
                "the run stopped at {} before the check's time",
                seconds(session.now())
            ),
        ),
    };
    Verdict { line, ok, message }
}

/// A one-line progress bar on stderr (`\r`), redrawn every second of session time.
struct Progress {
    on: bool,
    last: i64,
}

impl Progress {
    fn new(on: bool) -> Self {
        Self { on, last: -1 }
    }

    fn show(&mut self, now: i64, total: i64) {
        if !self.on || now / 1_000_000 == self.last || total <= 0 {
            return;
        }
        self.last = now / 1_000_000;
        let filled = usize::try_from((now.clamp(0, total) * 30) / total).unwrap_or(0);
        eprint!(
            "\r[{}{}] {:>6.1} / {:.1} s",
            "#".repeat(filled),
            " ".repeat(30 - filled.min(30)),
            now as f64 / 1e6,
            total as f64 / 1e6
        );
    }

    fn finish(&self) {
        if self.on {
            eprintln!();
        }
    }
}
