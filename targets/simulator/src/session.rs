//! [`Session`]: the engine's player driven against the test device on a virtual
//! clock, with scheduled actions (commands, network changes) and a log of what
//! happened. Deterministic: the same session gives the same log, bit for bit.

use std::fmt::Write as _;

use wasp_core::abi::player::{PlayerState, ReportKind, StateReason};
use wasp_engine::player::{Command, Player, PlayerConfig};
use wasp_testkit::TestPort;

use crate::platform::PortPlatform;

/// Something scheduled at a session time.
pub enum Action {
    /// A player command.
    Command(Command),
    /// A change to the device (network, decoders) made by the scenario.
    Device(Box<dyn FnMut(&mut TestPort)>),
}

/// A change applied to the device before every tick.
type Hook = Box<dyn FnMut(&mut TestPort)>;

/// A running session.
pub struct Session {
    /// The device, with the media store the engine uses.
    pub platform: PortPlatform<TestPort>,
    /// The player.
    pub player: Player,
    /// Virtual time at the start, µs.
    pub start_us: i64,
    /// One line per state change: `t_ms state reason`.
    pub log: Vec<String>,
    /// State changes with their session time, µs.
    pub states: Vec<(i64, PlayerState, StateReason)>,
    /// The session-summary lines the player reported.
    pub summaries: Vec<String>,
    actions: Vec<(i64, Option<Action>)>,
    hooks: Vec<Hook>,
    seen_states: usize,
    seen_reports: usize,
    seen_logs: usize,
    /// Ticks run.
    pub ticks: u64,
    /// Longest time between two ticks, µs (the scheduler's resolution).
    pub max_step_us: i64,
}

/// The longest the driver lets virtual time jump between two ticks, µs.
const MAX_STEP_US: i64 = 50_000;

impl Session {
    /// A session on `port` with a media store of `store_budget` bytes.
    pub fn new(port: TestPort, config: PlayerConfig, store_budget: usize) -> Self {
        let start_us = port.now;
        Self {
            platform: PortPlatform::new(port, store_budget, 256),
            player: Player::new(config),
            start_us,
            log: Vec::new(),
            states: Vec::new(),
            summaries: Vec::new(),
            actions: Vec::new(),
            hooks: Vec::new(),
            seen_states: 0,
            seen_reports: 0,
            seen_logs: 0,
            ticks: 0,
            max_step_us: 0,
        }
    }

    /// Session time now, µs.
    pub fn now(&self) -> i64 {
        self.platform.port.now - self.start_us
    }

    /// Schedules `action` at session time `at_us`.
    pub fn at(&mut self, at_us: i64, action: Action) -> &mut Self {
        self.actions.push((at_us, Some(action)));
        self.actions.sort_by_key(|(t, _)| *t);
        self
    }

    /// Schedules a command at session time `at_us`.
    pub fn command_at(&mut self, at_us: i64, command: Command) -> &mut Self {
        self.at(at_us, Action::Command(command))
    }

    /// Schedules a device change at session time `at_us`.
    pub fn device_at(
        &mut self,
        at_us: i64,
        change: impl FnMut(&mut TestPort) + 'static,
    ) -> &mut Self {
        self.at(at_us, Action::Device(Box::new(change)))
    }

    /// Runs `hook` on the device before every tick (a live origin publishing
    /// segments as time passes).
    pub fn every_step(&mut self, hook: impl FnMut(&mut TestPort) + 'static) -> &mut Self {
        self.hooks.push(Box::new(hook));
        self
    }

    /// Runs until session time `until_us`.
    pub fn run_until(&mut self, until_us: i64) {
        self.run_while(until_us, |_| true);
    }

    /// Runs until `state` is reached or `until_us`; returns whether it was reached.
    pub fn run_until_state(&mut self, state: PlayerState, until_us: i64) -> bool {
        self.run_while(until_us, |s| s.player.state() != state);
        self.player.state() == state
    }

    fn run_while(&mut self, until_us: i64, mut go_on: impl FnMut(&Self) -> bool) {
        while self.now() < until_us && go_on(self) {
            for hook in &mut self.hooks {
                hook(&mut self.platform.port);
            }
            self.run_actions();
            let next = self.player.tick(&mut self.platform);
            self.ticks += 1;
            self.collect();
            if !go_on(self) {
                break;
            }
            let now = self.platform.port.now;
            let mut wake = next.max(now + 1).min(now + MAX_STEP_US);
            if let Some((t, _)) = self.actions.iter().find(|(_, a)| a.is_some()) {
                wake = wake.min(self.start_us + *t).max(now + 1);
            }
            wake = wake.min(self.start_us + until_us).max(now + 1);
            self.max_step_us = self.max_step_us.max(wake - now);
            self.platform.port.advance(wake - now);
            // Keep a long session's memory flat: the port's call trace is not needed.
            self.platform.port.trace.clear();
        }
    }

    fn run_actions(&mut self) {
        let now = self.now();
        for i in 0..self.actions.len() {
            let Some((at, slot)) = self.actions.get_mut(i) else {
                break;
            };
            if *at > now {
                break;
            }
            let Some(action) = slot.take() else {
                continue;
            };
            match action {
                Action::Command(c) => {
                    self.note(format_args!("command {c:?}"));
                    self.player.command(&mut self.platform, c);
                }
                Action::Device(mut change) => change(&mut self.platform.port),
            }
            self.collect();
        }
    }

    fn note(&mut self, text: std::fmt::Arguments<'_>) {
        let t = self.now();
        let mut line = format!("{:>9}.{:03} ", t / 1000, t % 1000);
        let _ = line.write_fmt(text);
        self.log.push(line);
    }

    fn collect(&mut self) {
        let port = &self.platform.port;
        let new_states: Vec<_> = port
            .states
            .get(self.seen_states..)
            .unwrap_or_default()
            .to_vec();
        let new_reports: Vec<_> = port
            .reports
            .get(self.seen_reports..)
            .unwrap_or_default()
            .iter()
            .filter(|(k, _)| *k != ReportKind::Qoe)
            .map(|(k, b)| (*k, String::from_utf8_lossy(b).into_owned()))
            .collect();
        let new_logs: Vec<_> = port
            .logs
            .get(self.seen_logs..)
            .unwrap_or_default()
            .iter()
            .map(|(l, t)| format!("{l:?} {t}"))
            .collect();
        self.seen_logs = port.logs.len();
        self.seen_states = port.states.len();
        self.seen_reports = port.reports.len();
        // Reports are not needed once read (a long session sends one a second).
        if self.platform.port.reports.len() > 1024 {
            self.platform.port.reports.clear();
            self.seen_reports = 0;
        }
        let now = self.now();
        for (state, reason) in new_states {
            self.states.push((now, state, reason));
            self.note(format_args!("state {state:?} ({reason:?})"));
        }
        for line in new_logs {
            self.note(format_args!("log {line}"));
        }
        for (kind, text) in new_reports {
            if kind == ReportKind::Event && text.starts_with("session ") {
                self.summaries.push(text.clone());
            }
            self.note(format_args!("{kind:?} {text}"));
        }
    }

    /// Total time spent in `state`, µs (up to now).
    pub fn time_in(&self, state: PlayerState) -> i64 {
        let mut total = 0;
        for (i, (t, s, _)) in self.states.iter().enumerate() {
            if *s == state {
                let end = self.states.get(i + 1).map_or(self.now(), |(t2, _, _)| *t2);
                total += end - t;
            }
        }
        total
    }
}
