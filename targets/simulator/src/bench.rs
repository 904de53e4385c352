//! Whole-player runs over bandwidth traces: the QoE of a session, for the tables of
//! `docs/qoe.md` and the `wasp-sim` command.
//!
//! Unlike the chunk-level benchmark of `wasp_engine::abr::bench` (the literature's
//! simplified rules), these sessions run the real player: playlists, init and media
//! segments over the trace-driven shared link with an 80 ms round trip, the real
//! buffer manager, decoders presenting in real time on the virtual clock. The score
//! is the same `QoE_lin` (R in Mbit/s per segment, 4.3 per second of stall with the
//! start-up delay counted as stall, minus the switching term).

use std::fmt::Write as _;

use wasp_core::abi::player::PlayerState;
use wasp_engine::player::{AbrRule, Command, PlayerConfig};
use wasp_testkit::content::{Audio, ContentError, HlsVod};
use wasp_testkit::{TestPort, Trace, TraceError};

use crate::Session;

/// The canonical video of the ABR literature: the Envivio chunk table (48 chunks of
/// 4 s on 0.3–4.3 Mbit/s), as HLS on the test device.
///
/// # Errors
/// A malformed table.
pub fn canonical_content(csv: &str) -> Result<HlsVod, ContentError> {
    let (rates, sizes) = wasp_testkit::content::chunk_table(csv)?;
    let chunks = sizes.first().map_or(0, Vec::len) as i64;
    const SIZES: [(u32, u32); 6] = [
        (320, 180),
        (512, 288),
        (640, 360),
        (960, 540),
        (1280, 720),
        (1920, 1080),
    ];
    let ladder: Vec<(u64, u32, u32)> = rates
        .iter()
        .zip(SIZES.iter().cycle())
        .map(|(r, (w, h))| (*r, *w, *h))
        .collect();
    Ok(HlsVod::new(&ladder, 4_000_000, chunks * 4_000_000)
        .audio(Audio::None)
        .segment_sizes(sizes))
}

/// What one session achieved.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRun {
    /// `QoE_lin` of the session.
    pub qoe_lin: f64,
    /// Segments played.
    pub segments: u32,
    /// Mean bitrate of the segments, Mbit/s.
    pub mean_mbps: f64,
    /// Stall time after start-up, s.
    pub rebuffer_s: f64,
    /// Start-up delay, s.
    pub startup_s: f64,
    /// Variant switches.
    pub switches: u32,
    /// The player's session summary line.
    pub summary: String,
    /// Whether the session reached the end.
    pub ended: bool,
}

/// The link's round trip per request, µs (the literature's 80 ms).
pub const RTT_US: i64 = 80_000;

/// Plays `content` to its end over `trace` with the given ABR rule.
pub fn run_trace(content: &HlsVod, trace: &Trace, rule: AbrRule) -> TraceRun {
    let mut port = TestPort::new();
    port.keep_units = false;
    port.presented_keep = 16;
    port.network.link.latency_us = RTT_US;
    let base = "http://cdn.test/bench";
    let served = content.serve(&mut port, base);
    port.network.set_trace(trace.clone().anchored(port.now));
    let config = PlayerConfig {
        abr_rule: rule,
        ..PlayerConfig::default()
    };
    let mut session = Session::new(port, config, 256 << 20);
    if served.is_err() {
        return TraceRun {
            qoe_lin: 0.0,
            segments: 0,
            mean_mbps: 0.0,
            rebuffer_s: 0.0,
            startup_s: 0.0,
            switches: 0,
            summary: String::from("content could not be served"),
            ended: false,
        };
    }
    session.command_at(
        0,
        Command::Load {
            url: format!("{base}/master.m3u8"),
            start_us: None,
        },
    );
    let limit = content.duration_us.saturating_mul(6).max(60_000_000);
    let ended = session.run_until_state(PlayerState::Ended, limit);
    let q = session.player.qoe();
    let startup_s = q.startup_us.unwrap_or(limit) as f64 / 1e6;
    let rebuffer_s = q.rebuffer_us as f64 / 1e6;
    let segments = q.segments;
    TraceRun {
        qoe_lin: q.score(),
        segments,
        mean_mbps: if segments > 0 {
            q.utility / f64::from(segments)
        } else {
            0.0
        },
        rebuffer_s,
        startup_s,
        switches: q.switches,
        summary: q.summary(),
        ended,
    }
}

/// Reads a trace file's text (the `time_s Mbit/s` format), at 95 % of its throughput
/// as the literature grants a player.
///
/// # Errors
/// A malformed line.
pub fn parse_trace(text: &str) -> Result<Trace, TraceError> {
    Trace::parse_mbps(text, 0.95)
}

/// One table row: mean figures of `runs`.
pub fn row(name: &str, rule: &str, runs: &[TraceRun]) -> String {
    let n = runs.len().max(1) as f64;
    let mean = |f: &dyn Fn(&TraceRun) -> f64| runs.iter().map(f).sum::<f64>() / n;
    let mut s = String::new();
    let _ = write!(
        s,
        "| {name} | {rule} | {:.2} | {:.3} | {:.2} | {:.2} | {:.1} | {}/{} |",
        mean(&|r| r.qoe_lin),
        mean(&|r| r.qoe_lin / f64::from(r.segments.max(1))),
        mean(&|r| r.mean_mbps),
        mean(&|r| r.rebuffer_s),
        mean(&|r| f64::from(r.switches)),
        runs.iter().filter(|r| r.ended).count(),
        runs.len(),
    );
    s
}

/// The header of [`row`]s.
pub const TABLE_HEADER: &str = "| traces | rule | QoE_lin | per segment | mean Mbit/s | rebuffer s | switches | ended |\n|---|---|---|---|---|---|---|---|";
