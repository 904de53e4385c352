//! Quality of experience: what the viewer lived through, measured as the session
//! goes, summarised at its end.
//!
//! The score is the linear QoE of the ABR literature (Yin et al., "A Control-Theoretic
//! Approach for Dynamic Adaptive Video Streaming over HTTP", SIGCOMM 2015), per
//! segment played: `sum R_n - 4.3 * rebuffer_s - sum |R_(n+1) - R_n|`, R in Mbit/s
//! (`docs/qoe.md`), with the start-up delay counted as stall as the literature does.
//! The report keeps start-up and rebuffering apart, so a slow start and a mid-stream
//! stall can be told apart.

use alloc::string::String;
use core::fmt::Write as _;

use wasp_abi::player::{PlayerState, QoeReport};

/// Rebuffering penalty per second, in Mbit/s units (the literature's 4.3: the top
/// rung of its ladder, so a second of stall costs what a second at the best quality
/// earns).
pub const REBUFFER_PENALTY: f64 = 4.3;

/// The session's measurements.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Qoe {
    /// When the load command came, µs.
    pub load_us: Option<i64>,
    /// Load to the first `Playing`, µs.
    pub startup_us: Option<i64>,
    /// Load to the first frame presented, µs.
    pub first_frame_us: Option<i64>,
    /// Stalls after start-up.
    pub rebuffer_count: u32,
    /// Time stalled after start-up, µs.
    pub rebuffer_us: i64,
    /// When the current stall began, µs.
    pub stall_since_us: Option<i64>,
    /// Variant switches.
    pub switches: u32,
    /// Bitrate of the variant now playing, bits per second.
    pub bitrate_bps: u32,
    /// Video size now playing.
    pub width: u32,
    /// Video height now playing.
    pub height: u32,
    /// Media time played, weighted sums for averages: µs played.
    pub played_us: i64,
    /// Sum of bitrate x µs played (bits·µs/s).
    pub bitrate_time: u128,
    /// Sum of height x µs played.
    pub height_time: u128,
    /// Frames the decoders dropped.
    pub dropped_frames: u32,
    /// Errors the player recovered from (retries, exclusions).
    pub errors_recovered: u32,
    /// Fatal errors.
    pub errors_fatal: u32,
    /// Media segments fetched for playback (abandoned downloads not counted).
    pub segments: u32,
    /// Sum of segment bitrates fetched for playback, Mbit/s (QoE utility).
    pub utility: f64,
    /// Sum of |bitrate change| between consecutive segments, Mbit/s.
    pub smoothness: f64,
    /// Bitrate of the previous segment, for the smoothness term.
    pub last_segment_bps: Option<u32>,
    /// Throughput estimate, bits per second.
    pub throughput_bps: u32,
}

impl Qoe {
    /// A segment at `bitrate_bps` was chosen for playback.
    pub(crate) fn segment(&mut self, bitrate_bps: u32) {
        let r = f64::from(bitrate_bps) / 1e6;
        self.segments += 1;
        self.utility += r;
        if let Some(last) = self.last_segment_bps {
            let d = r - f64::from(last) / 1e6;
            self.smoothness += if d < 0.0 { -d } else { d };
        }
        self.last_segment_bps = Some(bitrate_bps);
    }

    /// Media played for `us` at the current variant.
    pub(crate) fn played(&mut self, us: i64) {
        if us <= 0 {
            return;
        }
        self.played_us += us;
        self.bitrate_time += u128::from(self.bitrate_bps) * us as u128;
        self.height_time += u128::from(self.height) * us as u128;
    }

    /// Mean bitrate over the time played, bits per second.
    pub fn average_bitrate_bps(&self) -> u32 {
        if self.played_us <= 0 {
            return 0;
        }
        u32::try_from(self.bitrate_time / self.played_us as u128).unwrap_or(u32::MAX)
    }

    /// Mean video height over the time played.
    pub fn average_height(&self) -> u32 {
        if self.played_us <= 0 {
            return 0;
        }
        u32::try_from(self.height_time / self.played_us as u128).unwrap_or(u32::MAX)
    }

    /// The linear QoE score (see the module docs).
    pub fn score(&self) -> f64 {
        let stalled = self.rebuffer_us + self.startup_us.unwrap_or(0);
        self.utility - REBUFFER_PENALTY * (stalled as f64 / 1e6) - self.smoothness
    }

    /// The ABI snapshot.
    pub fn report(
        &self,
        state: PlayerState,
        position_us: i64,
        duration_us: i64,
        buffered_us: i64,
    ) -> QoeReport {
        QoeReport {
            position_us,
            duration_us,
            buffered_us,
            startup_us: self.startup_us.unwrap_or(0),
            rebuffer_us: self.rebuffer_us,
            rebuffer_count: self.rebuffer_count,
            bitrate_bps: self.bitrate_bps,
            switch_count: self.switches,
            dropped_frames: self.dropped_frames,
            throughput_bps: self.throughput_bps,
            width: self.width,
            height: self.height,
            state,
        }
    }

    /// The one-line session summary (`ReportKind::Event`), stable for golden logs.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let score = self.score();
        // Three decimals in integer arithmetic: identical text on every device.
        let milli = (score * 1000.0) as i64;
        let _ = write!(
            s,
            "session startup_ms={} first_frame_ms={} rebuffers={} rebuffer_ms={} switches={} avg_kbps={} avg_height={} dropped={} errors={}/{} qoe={}{}.{:03}",
            self.startup_us.unwrap_or(-1000) / 1000,
            self.first_frame_us.unwrap_or(-1000) / 1000,
            self.rebuffer_count,
            self.rebuffer_us / 1000,
            self.switches,
            self.average_bitrate_bps() / 1000,
            self.average_height(),
            self.dropped_frames,
            self.errors_recovered,
            self.errors_fatal,
            if milli < 0 { "-" } else { "" },
            milli.unsigned_abs() / 1000,
            milli.unsigned_abs() % 1000,
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_is_utility_minus_rebuffer_and_switch_penalties() {
        let mut q = Qoe::default();
        q.segment(1_000_000);
        q.segment(3_000_000);
        q.segment(2_000_000);
        q.rebuffer_us = 300_000;
        q.startup_us = Some(200_000);
        // 6 - 4.3 * (0.3 + 0.2) - (2 + 1) = 0.85
        assert!((q.score() - 0.85).abs() < 1e-9);
        assert!(q.summary().ends_with("qoe=0.850"), "{}", q.summary());
    }

    #[test]
    fn averages_weight_by_time_played() {
        let mut q = Qoe {
            bitrate_bps: 1_000_000,
            height: 360,
            ..Qoe::default()
        };
        q.played(1_000_000);
        q.bitrate_bps = 4_000_000;
        q.height = 1080;
        q.played(3_000_000);
        assert_eq!(q.average_bitrate_bps(), 3_250_000);
        assert_eq!(q.average_height(), 900);
    }
}
