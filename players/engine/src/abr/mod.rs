//! # Adaptive bitrate: which rung of the ladder to fetch next
//!
//! [`Abr`] is the controller the playback loop asks before each media request. It
//! combines, in this order:
//!
//! 1. **Filtering.** A rung is a candidate only if it is `playable` (the port's
//!    decoder caps and display size allow it: capability filtering is the caller's
//!    verdict, recorded in [`Rung::playable`]), under the manual cap
//!    ([`Abr::set_cap`]), and not banned by the dropped-frames rule.
//! 2. **Throughput at start-up and on a low buffer.** Two moving averages of the
//!    measured throughput (fast and slow half-lives, weighted by download time; the
//!    smaller is the estimate) choose the highest rung under a safety fraction of the
//!    estimate, until enough samples and enough buffer exist (12 s), and again when
//!    the buffer falls under 6 s (dash.js's DYNAMIC strategy and its hysteresis). A
//!    live stream held near its edge has a small buffer all along and stays here:
//!    BOLA's thresholds assume room to fill.
//! 3. **BOLA in steady state** (Spiteri et al., INFOCOM 2016), in its BOLA-E form from
//!    the DASH reference player: a placeholder buffer carries the start-up choice over
//!    into BOLA without a quality drop, switching up never goes above what the
//!    throughput sustains (BOLA-O), and a rebuffer-safety cap keeps the next segment
//!    downloadable from a low buffer.
//! 4. **Abandonment** ([`Abr::abandon`]): an in-flight download that will not finish
//!    before the buffer runs dry is replaced by a lower rung that would.
//!
//! Why BOLA rather than BBA (Huang et al., SIGCOMM 2014): BOLA's thresholds come
//! from the ladder itself (log utilities) and two buffer levels, so any ladder and
//! any buffer size work without re-tuning a rate map; it is provably near-optimal
//! for its utility (the paper's Lyapunov bound); and its BOLA-E form is what
//! dash.js ships, so its behaviour on real players is known. BBA's reservoir and
//! cushion are tuned for one buffer size (240 s in the paper) and a ladder's chunk
//! sizes. `docs/qoe.md` compares both, with RobustMPC and the plain throughput rule,
//! on the canonical benchmark ([`bench`](mod@bench)).
//!
//! Everything is deterministic: integer microseconds and bytes at the API, `f64`
//! inside (wasm float arithmetic is deterministic; `ln`/`exp` come from `libm`, the
//! same code on every target), and every division is guarded, so no NaN reaches an
//! output. The controller has no clock: time-based rules count the media time of
//! the segments it was asked about.

mod abandon;
mod bola;
mod config;
mod controller;
mod estimate;
mod frames;

pub mod bench;

pub use config::AbrConfig;
pub use controller::Abr;

/// One variant of the ladder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rung {
    /// Declared bitrate (HLS `BANDWIDTH`, DASH `@bandwidth`), bits per second.
    pub bitrate_bps: u32,
    /// Picture width in pixels (0 when unknown or audio-only).
    pub width: u32,
    /// Picture height in pixels (0 when unknown or audio-only).
    pub height: u32,
    /// `false` when capability filtering excluded it (the device cannot decode its
    /// codec or profile, or it exceeds the display): such a rung is never selected.
    pub playable: bool,
}

impl Rung {
    /// A playable rung.
    pub const fn new(bitrate_bps: u32, width: u32, height: u32) -> Self {
        Self {
            bitrate_bps,
            width,
            height,
            playable: true,
        }
    }
}
