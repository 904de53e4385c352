//! The algorithms the benchmark compares: wasp's [`Abr`] through the calls the
//! playback loop makes, and the reference rules of the literature.

use alloc::vec::Vec;

use super::{harmonic_bps, Algorithm, Observation};
use crate::abr::{Abr, AbrConfig, Rung};

/// wasp's controller, fed exactly as the playback loop feeds it: after each chunk
/// `record_download(bytes, request-to-last-byte µs)`, then `set_ladder` (the loop
/// re-sends the ladder before each choice, with current exclusions) and
/// `select(buffer µs, chunk duration µs)`.
#[derive(Clone, Debug)]
pub struct WaspAbr {
    abr: Abr,
}

impl WaspAbr {
    /// With `config` (the shipped one is `AbrConfig::default()`).
    pub fn new(config: AbrConfig) -> Self {
        Self {
            abr: Abr::new(config),
        }
    }

    /// The controller, to inspect after a session.
    pub fn abr(&self) -> &Abr {
        &self.abr
    }
}

fn micros(seconds: f64) -> i64 {
    // `as` saturates and maps NaN to 0.
    libm::round(seconds * 1e6) as i64
}

impl Algorithm for WaspAbr {
    fn name(&self) -> &'static str {
        "wasp (BOLA-E)"
    }

    fn choose(&mut self, obs: &Observation<'_>) -> usize {
        if let Some(last) = obs.history.last() {
            self.abr
                .record_download(last.bytes, micros(last.download_s));
        }
        let ladder: Vec<Rung> = obs
            .video
            .bitrates_bps()
            .iter()
            .map(|&b| Rung::new(b, 0, 0))
            .collect();
        self.abr.set_ladder(&ladder);
        self.abr
            .select(micros(obs.buffer_s), micros(obs.video.chunk_s()))
    }
}

/// The plain throughput-only rule: the highest rung at or under the harmonic mean of
/// the last five chunks' throughput, no safety margin, no buffer ("RB" in the MPC and
/// Pensieve evaluations).
#[derive(Clone, Copy, Debug, Default)]
pub struct ThroughputRule;

impl Algorithm for ThroughputRule {
    fn name(&self) -> &'static str {
        "throughput (harmonic 5)"
    }

    fn choose(&mut self, obs: &Observation<'_>) -> usize {
        let estimate = harmonic_bps(obs.history, 5).unwrap_or(0.0);
        obs.video
            .bitrates_bps()
            .iter()
            .rposition(|&b| f64::from(b) <= estimate)
            .unwrap_or(0)
    }
}

/// BBA-0 (Huang et al., "A Buffer-Based Approach to Rate Adaptation", SIGCOMM
/// 2014): a linear rate map from the lowest bitrate at the reservoir to the highest at
/// reservoir + cushion, with the paper's hysteresis (move only when the map crosses
/// the next rung up or down). The paper's 90 s reservoir in a 240 s buffer does not
/// fit a 60 s cap; 5 s and 10 s are the values the MPC and Pensieve evaluations used
/// on this benchmark.
#[derive(Clone, Copy, Debug)]
pub struct Bba {
    /// Reservoir, seconds.
    pub reservoir_s: f64,
    /// Cushion, seconds.
    pub cushion_s: f64,
}

impl Default for Bba {
    fn default() -> Self {
        Self {
            reservoir_s: 5.0,
            cushion_s: 10.0,
        }
    }
}

impl Algorithm for Bba {
    fn name(&self) -> &'static str {
        "BBA-0"
    }

    fn choose(&mut self, obs: &Observation<'_>) -> usize {
        let rates = obs.video.bitrates_bps();
        let top = rates.len().saturating_sub(1);
        let prev = obs.history.last().map_or(0, |c| c.rung.min(top));
        let buffer = obs.buffer_s;
        if buffer <= self.reservoir_s {
            return 0;
        }
        if buffer >= self.reservoir_s + self.cushion_s {
            return top;
        }
        let low = rates.first().map_or(0.0, |&b| f64::from(b));
        let high = rates.last().map_or(0.0, |&b| f64::from(b));
        let mapped = low + (high - low) * (buffer - self.reservoir_s) / self.cushion_s;
        let rate = |i: usize| rates.get(i).map_or(0.0, |&b| f64::from(b));
        let up = (prev + 1).min(top);
        let down = prev.saturating_sub(1);
        if prev < top && mapped >= rate(up) {
            // The highest rung strictly under the map.
            rates
                .iter()
                .rposition(|&b| f64::from(b) < mapped)
                .unwrap_or(0)
        } else if prev > 0 && mapped <= rate(down) {
            // The lowest rung strictly above the map.
            rates
                .iter()
                .position(|&b| f64::from(b) > mapped)
                .unwrap_or(top)
        } else {
            prev
        }
    }
}

/// BOLA-BASIC (Spiteri et al., INFOCOM 2016), buffer in chunks: utilities
/// `υ_m = ln(S_m / S_1)`, `γp = 5` and `V = (Q_max - 1) / (υ_M + γp)` so the buffer
/// stays under the 60 s cap (`Q_max` = 15 chunks), as in the paper's evaluation.
/// Where every score is negative BOLA would idle; this simulator only waits at the
/// cap, so the highest-score rung (the top one) is fetched.
#[derive(Clone, Copy, Debug)]
pub struct BolaBasic {
    /// `γp`.
    pub gamma_p: f64,
    /// Buffer capacity, chunks.
    pub capacity_chunks: f64,
}

impl Default for BolaBasic {
    fn default() -> Self {
        Self {
            gamma_p: 5.0,
            capacity_chunks: 15.0,
        }
    }
}

impl Algorithm for BolaBasic {
    fn name(&self) -> &'static str {
        "BOLA-BASIC"
    }

    fn choose(&mut self, obs: &Observation<'_>) -> usize {
        let rates = obs.video.bitrates_bps();
        let base = rates.first().map_or(1.0, |&b| f64::from(b.max(1)));
        let utility = |b: u32| libm::log(f64::from(b.max(1)) / base);
        let top_utility = rates.last().map_or(0.0, |&b| utility(b));
        let v = (self.capacity_chunks - 1.0) / (top_utility + self.gamma_p);
        let q = obs.buffer_s / obs.video.chunk_s();
        let mut best = 0;
        let mut best_score = f64::NEG_INFINITY;
        for (i, &b) in rates.iter().enumerate() {
            let score = (v * (utility(b) + self.gamma_p) - q) / f64::from(b.max(1));
            if score >= best_score {
                best = i;
                best_score = score;
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ChunkRecord, CANONICAL_LADDER_BPS};
    use super::*;
    use crate::abr::bench::Video;
    use alloc::vec;

    fn video() -> Video {
        Video::new(&CANONICAL_LADDER_BPS, 4.0, vec![vec![100_000; 6]; 3]).unwrap_or_else(|_| {
            unreachable!("a valid table");
        })
    }

    fn after(rung: usize) -> ChunkRecord {
        ChunkRecord {
            rung,
            mbps: 0.0,
            bytes: 100_000,
            download_s: 1.0,
            rebuffer_s: 0.0,
            wait_s: 0.0,
            buffer_s: 0.0,
        }
    }

    fn ask(algo: &mut dyn Algorithm, video: &Video, buffer_s: f64, prev: usize) -> usize {
        let history = [after(prev)];
        algo.choose(&Observation {
            chunk: 1,
            buffer_s,
            history: &history,
            video,
        })
    }

    /// Reservoir 5 s, cushion 10 s on 0.3 … 4.3 Mbit/s: the map is
    /// 0.3 + 4.0 × (B - 5) / 10 Mbit/s.
    #[test]
    fn bba0_decisions_at_given_buffers() {
        let v = video();
        let mut bba = Bba::default();
        assert_eq!(ask(&mut bba, &v, 5.0, 3), 0, "in the reservoir");
        assert_eq!(ask(&mut bba, &v, 15.0, 0), 5, "past the cushion");
        // B = 10: map 2.3. From 0.3 the next rung up (0.75) is under it: jump to the
        // highest rung under 2.3, 1.85.
        assert_eq!(ask(&mut bba, &v, 10.0, 0), 3);
        // From 1.85: 2.85 is above the map and 1.2 below it: stay.
        assert_eq!(ask(&mut bba, &v, 10.0, 3), 3);
        // From 4.3: the next rung down (2.85) is above the map: the lowest rung above
        // 2.3, 2.85.
        assert_eq!(ask(&mut bba, &v, 10.0, 5), 4);
        // B = 6: map 0.7; from 4.3 down to the lowest rung above it, 0.75.
        assert_eq!(ask(&mut bba, &v, 6.0, 5), 1);
    }

    /// V = 14 / (ln(4.3/0.3) + 5) = 1.82705. Rung 0 ↔ 1 switch at
    /// V (5 - 0.3 ln 2.5 / 0.45) = 8.02 chunks (32.1 s); 1 ↔ 2 at 9.38 chunks
    /// (37.5 s); at 14 chunks (56 s) the top rung's score reaches 0.
    #[test]
    fn bola_basic_decisions_at_given_buffers() {
        let v = video();
        let mut bola = BolaBasic::default();
        assert_eq!(ask(&mut bola, &v, 0.0, 0), 0);
        assert_eq!(ask(&mut bola, &v, 32.0, 0), 0);
        assert_eq!(ask(&mut bola, &v, 32.2, 0), 1);
        assert_eq!(ask(&mut bola, &v, 37.4, 0), 1);
        assert_eq!(ask(&mut bola, &v, 37.6, 0), 2);
        assert_eq!(ask(&mut bola, &v, 56.0, 0), 5);
    }

    /// Harmonic mean of 1 and 4 Mbit/s is 1.6: the highest rung under it, 1.2.
    #[test]
    fn throughput_rule_uses_the_harmonic_mean() {
        let v = video();
        let history = [
            ChunkRecord {
                bytes: 125_000,
                download_s: 1.0,
                ..after(0)
            },
            ChunkRecord {
                bytes: 500_000,
                download_s: 1.0,
                ..after(0)
            },
        ];
        let obs = Observation {
            chunk: 2,
            buffer_s: 0.0,
            history: &history,
            video: &v,
        };
        assert_eq!(ThroughputRule.choose(&obs), 2);
    }
}
