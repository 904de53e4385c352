//! [`ModuleSession`]: the same sessions through the real ABI: a player module (the
//! TV module) in the runtime on the test device, commands delivered as embedder
//! events. This is where guest memory is measured.

use wasp_core::abi::event::{Command as WireCommand, CommandEvent};
use wasp_core::abi::player::{PlayerState, StateReason};
use wasp_core::{HostEvent, Limits, LoadError, RunError, Runtime, Tick};
use wasp_engine::player::Command;
use wasp_testkit::TestPort;

/// A change applied to the device before every tick.
type Hook = Box<dyn FnMut(&mut TestPort)>;

/// A module session.
pub struct ModuleSession {
    /// The runtime, its device inside.
    pub runtime: Runtime<TestPort>,
    /// Virtual time at the start, µs.
    pub start_us: i64,
    /// Highest guest linear memory seen, bytes.
    pub guest_high_water: usize,
    /// Ticks run (slices included).
    pub ticks: u64,
    actions: Vec<(i64, Option<Command>)>,
    hooks: Vec<Hook>,
}

/// The longest the driver lets virtual time jump between two ticks, µs.
const MAX_STEP_US: i64 = 50_000;

/// An embedder command as the wire carries it.
pub fn wire_command(command: &Command) -> (CommandEvent, String) {
    let (kind, position, argument) = match command {
        Command::Load { url, start_us } => (WireCommand::Load, start_us.unwrap_or(0), url.clone()),
        Command::Play => (WireCommand::Play, 0, String::new()),
        Command::Pause => (WireCommand::Pause, 0, String::new()),
        Command::Seek(t) => (WireCommand::Seek, *t, String::new()),
        Command::SeekRelative(d) => (WireCommand::SeekRelative, *d, String::new()),
        Command::Stop => (WireCommand::Stop, 0, String::new()),
        Command::SelectAudio(a) => (WireCommand::SelectAudio, 0, a.clone()),
        Command::SelectSubtitle(a) => (WireCommand::SelectSubtitle, 0, a.clone()),
        Command::SetQuality(cap) => (
            WireCommand::SetQuality,
            cap.map_or(0, i64::from),
            String::new(),
        ),
    };
    (
        CommandEvent {
            position_us: position,
            command: kind,
            flags: 0,
        },
        argument,
    )
}

impl ModuleSession {
    /// Loads `module` with `config` (`key=value` lines) on `port`.
    ///
    /// # Errors
    /// The runtime's load error.
    pub fn new(
        port: TestPort,
        module: &[u8],
        config: &str,
        limits: Limits,
    ) -> Result<Self, LoadError> {
        let start_us = port.now;
        let mut runtime = Runtime::new(port, limits, config.as_bytes().to_vec());
        runtime.load(module)?;
        let guest_high_water = runtime.guest_memory_bytes();
        Ok(Self {
            runtime,
            start_us,
            guest_high_water,
            ticks: 0,
            actions: Vec::new(),
            hooks: Vec::new(),
        })
    }

    /// The device.
    pub fn port(&self) -> &TestPort {
        self.runtime.port()
    }

    /// Session time now, µs.
    pub fn now(&self) -> i64 {
        self.runtime.port().now - self.start_us
    }

    /// The last state the module reported.
    pub fn state(&self) -> Option<(PlayerState, StateReason)> {
        self.runtime.port().states.last().copied()
    }

    /// Schedules a command at session time `at_us`.
    pub fn command_at(&mut self, at_us: i64, command: Command) -> &mut Self {
        self.actions.push((at_us, Some(command)));
        self.actions.sort_by_key(|(t, _)| *t);
        self
    }

    /// Runs `hook` on the device before every tick.
    pub fn every_step(&mut self, hook: impl FnMut(&mut TestPort) + 'static) -> &mut Self {
        self.hooks.push(Box::new(hook));
        self
    }

    /// Runs until session time `until_us`.
    ///
    /// # Errors
    /// A fault of the module.
    pub fn run_until(&mut self, until_us: i64) -> Result<(), RunError> {
        self.run_while(until_us, |_| true)
    }

    /// Runs until the module reports `state` or `until_us`; returns whether it did.
    ///
    /// # Errors
    /// A fault of the module.
    pub fn run_until_state(&mut self, state: PlayerState, until_us: i64) -> Result<bool, RunError> {
        self.run_while(until_us, |s| s.state().map(|x| x.0) != Some(state))?;
        Ok(self.state().map(|x| x.0) == Some(state))
    }

    fn run_while(
        &mut self,
        until_us: i64,
        mut go_on: impl FnMut(&Self) -> bool,
    ) -> Result<(), RunError> {
        while self.now() < until_us && go_on(self) {
            for hook in &mut self.hooks {
                hook(self.runtime.port_mut());
            }
            let now_session = self.now();
            for (at, slot) in &mut self.actions {
                if *at > now_session {
                    break;
                }
                if let Some(command) = slot.as_ref() {
                    let (event, argument) = wire_command(command);
                    // A full event queue keeps the command for the next tick.
                    if self
                        .runtime
                        .push_event(HostEvent::Command(event, argument))
                        .is_err()
                    {
                        break;
                    }
                    *slot = None;
                }
            }
            let now = self.runtime.port().now;
            let next = match self.runtime.tick(now)? {
                Tick::Ran { next_us } => next_us,
                Tick::Sliced => now,
            };
            self.ticks += 1;
            self.guest_high_water = self.guest_high_water.max(self.runtime.guest_memory_bytes());
            self.runtime.port_mut().trace.clear();
            if !go_on(self) {
                break;
            }
            let mut wake = next.max(now + 1).min(now + MAX_STEP_US);
            if let Some((t, _)) = self.actions.iter().find(|(_, a)| a.is_some()) {
                wake = wake.min(self.start_us + *t).max(now + 1);
            }
            wake = wake.min(self.start_us + until_us).max(now + 1);
            self.runtime.port_mut().advance(wake - now);
        }
        Ok(())
    }
}
