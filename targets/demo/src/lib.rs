//! # wasp-demo
//!
//! Runs a real player module (`wasp-hello`, built to wasm32 from `players/hello`) in the
//! real runtime (`wasp-core` on wasmi) against the deterministic test device
//! (`wasp-testkit`): a virtual clock starting at 2^32 µs, a network serving one text
//! resource, and a script of remote-control keys and embedder commands. It prints the
//! module's log, every state change and a summary. Two runs print the same bytes.

use std::fmt::Write as _;

use wasp_core::abi::event::{Command, CommandEvent};
use wasp_core::abi::key::Key;
use wasp_core::{HostEvent, Limits, Runtime, Tick};
use wasp_testkit::{TestPort, START_US};

/// What the script does at a time (µs after start).
#[derive(Clone, Debug)]
pub enum Action {
    /// Press a key.
    Key(Key),
    /// Send the embedder's Load command for a URL.
    Load(&'static str),
}

/// The URL the demo serves and loads.
pub const SAMPLE_URL: &str = "mem://sample/welcome.txt";

/// The built-in script: load, move the focus, select, pause, resume, go back.
pub fn script() -> Vec<(i64, Action)> {
    vec![
        (100_000, Action::Load(SAMPLE_URL)),
        (1_000_000, Action::Key(Key::Right)),
        (1_200_000, Action::Key(Key::Right)),
        (1_400_000, Action::Key(Key::Ok)),
        (2_000_000, Action::Key(Key::PlayPause)),
        (3_000_000, Action::Key(Key::PlayPause)),
        (3_500_000, Action::Key(Key::Left)),
        (4_500_000, Action::Key(Key::Back)),
    ]
}

/// Runs the module for `duration_us` of virtual time; returns the printed report.
///
/// # Errors
/// A message when the module cannot be loaded or faults.
pub fn run(duration_us: i64) -> Result<String, String> {
    let mut out = String::new();
    let config = b"title=wasp demo\n".to_vec();
    let mut rt = Runtime::new(TestPort::new(), Limits::default(), config);
    rt.port_mut().serve(
        SAMPLE_URL,
        b"Welcome to wasp: one player module, every device.\nSecond line.\n".to_vec(),
    );
    rt.port_mut().network.link.latency_us = 40_000;
    rt.port_mut().network.link.bytes_per_sec = 2_000;
    let info = rt
        .load(wasp_modules::HELLO)
        .map_err(|e| format!("loading the hello module: {e}"))?
        .clone();
    let _ = writeln!(
        out,
        "wasp demo: module `{}` {} ({} bytes, ABI {}) on the test device, virtual clock from 2^32 us",
        info.name, info.version, info.size, info.abi
    );
    let mut script = script().into_iter().peekable();
    let mut logged = 0;
    let mut states = 0;
    let mut next_us = START_US;
    let end = START_US + duration_us;
    let stamp = |now: i64| format!("[{:>7.3} s]", (now - START_US) as f64 / 1e6);
    while rt.port().now < end {
        let now = rt.port().now;
        while let Some((at, action)) = script.next_if(|(at, _)| START_US + at <= now) {
            let _ = writeln!(
                out,
                "{} script: {action:?} (due {:.3} s)",
                stamp(now),
                at as f64 / 1e6
            );
            match action {
                Action::Key(key) => rt.port_mut().press(key),
                Action::Load(url) => {
                    let load = CommandEvent {
                        position_us: 0,
                        command: Command::Load,
                        flags: 0,
                    };
                    rt.push_event(HostEvent::Command(load, url.into()))
                        .map_err(|s| format!("queue full: {s}"))?;
                }
            }
            next_us = now;
        }
        if now >= next_us || !rt.port().events.is_empty() {
            next_us = match rt.tick(now).map_err(|e| format!("{} {e}", stamp(now)))? {
                Tick::Ran { next_us } => next_us,
                Tick::Sliced => now,
            };
        }
        for (_, line) in rt.port().logs.iter().skip(logged) {
            let _ = writeln!(out, "{} {line}", stamp(now));
        }
        logged = rt.port().logs.len();
        for (state, reason) in rt.port().states.iter().skip(states) {
            let _ = writeln!(out, "{} state -> {state} ({reason})", stamp(now));
        }
        states = rt.port().states.len();
        // Sleep until the module's wake time, the next script action, or 10 ms.
        let due = script.peek().map_or(i64::MAX, |(at, _)| START_US + at);
        let step = next_us.min(due).min(now + 10_000).max(now + 1) - now;
        rt.port_mut().advance(step);
    }
    let port = rt.port();
    let stats = rt.stats();
    let _ = writeln!(out, "summary:");
    let _ = writeln!(out, "  frames presented: {}", port.frames.len());
    let _ = writeln!(
        out,
        "  draw lists:       {}",
        port.trace.iter().filter(|l| l.starts_with("draw ")).count()
    );
    let _ = writeln!(out, "  state changes:    {}", port.states.len());
    let _ = writeln!(
        out,
        "  QoE reports:      {}",
        rt.qoe().map_or(0, |_| port.reports.len())
    );
    let _ = writeln!(
        out,
        "  ticks:            {} ({} host calls)",
        stats.ticks, stats.host_calls
    );
    let _ = writeln!(
        out,
        "  guest memory:     {} KiB",
        rt.guest_memory_bytes() / 1024
    );
    let _ = writeln!(
        out,
        "  final state:      {} ({})",
        rt.player_state().0,
        rt.player_state().1
    );
    Ok(out)
}
