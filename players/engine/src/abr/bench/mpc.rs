//! RobustMPC (Yin, Jindal, Sekar, Sinopoli, "A Control-Theoretic Approach for Dynamic
//! Adaptive Video Streaming over HTTP", SIGCOMM 2015: the robust variant).

use alloc::vec::Vec;

use super::{harmonic_bps, Algorithm, Observation, REBUFFER_PENALTY};

/// RobustMPC: predicts throughput as the harmonic mean of the last five chunks,
/// divided by `1 +` the largest relative prediction error of the last five chunks,
/// then searches every rung sequence over the next five chunks (6^5 plans on the
/// canonical ladder) with the true chunk sizes, maximising `QoE_lin` of the plan,
/// and fetches the plan's first rung. Ties go to the later plan in lexicographic
/// order, as the reference implementation's `>=` does.
#[derive(Clone, Debug)]
pub struct RobustMpc {
    /// Look-ahead, chunks.
    pub horizon: usize,
    /// Harmonic means predicted before each chunk, bits per second.
    predictions: Vec<f64>,
    /// Relative errors of those predictions.
    errors: Vec<f64>,
}

impl Default for RobustMpc {
    fn default() -> Self {
        Self {
            horizon: 5,
            predictions: Vec::new(),
            errors: Vec::new(),
        }
    }
}

/// The search's fixed inputs.
struct Plan<'a> {
    obs: &'a Observation<'a>,
    bytes_per_s: f64,
    depth: usize,
}

impl Plan<'_> {
    /// Best plan value from `chunk` on, `depth` chunks deep, after rung `last` with
    /// `buffer_s` buffered; returns (value, first rung).
    fn search(&self, chunk: usize, level: usize, last: f64, buffer_s: f64) -> (f64, usize) {
        let video = self.obs.video;
        let mut best = (f64::NEG_INFINITY, 0);
        if level == self.depth || chunk >= video.chunks() {
            return (0.0, 0);
        }
        for rung in 0..video.rungs() {
            let bytes = video.bytes(chunk, rung).unwrap_or(0) as f64;
            let download = bytes / self.bytes_per_s;
            let rebuffer = (download - buffer_s).max(0.0);
            let after = (buffer_s - download).max(0.0) + video.chunk_s();
            let mbps = video.mbps(rung);
            let here = mbps - REBUFFER_PENALTY * rebuffer - (mbps - last).abs();
            let (rest, _) = self.search(chunk + 1, level + 1, mbps, after);
            let value = here + rest;
            if value >= best.0 {
                best = (value, rung);
            }
        }
        best
    }
}

impl Algorithm for RobustMpc {
    fn name(&self) -> &'static str {
        "RobustMPC"
    }

    fn choose(&mut self, obs: &Observation<'_>) -> usize {
        let Some(last) = obs.history.last() else {
            return 0;
        };
        let measured = if last.download_s > 0.0 {
            last.bytes as f64 * 8.0 / last.download_s
        } else {
            0.0
        };
        if let Some(&predicted) = self.predictions.last() {
            if measured > 0.0 {
                self.errors.push((predicted - measured).abs() / measured);
            }
        }
        let harmonic = harmonic_bps(obs.history, 5).unwrap_or(0.0);
        self.predictions.push(harmonic);
        let max_error = self
            .errors
            .iter()
            .rev()
            .take(5)
            .fold(0.0_f64, |m, &e| m.max(e));
        let robust = harmonic / (1.0 + max_error);
        if robust.is_nan() || robust <= 0.0 {
            return 0;
        }
        let plan = Plan {
            obs,
            bytes_per_s: robust / 8.0,
            depth: self.horizon.max(1),
        };
        plan.search(obs.chunk, 0, last.mbps, obs.buffer_s).1
    }
}
