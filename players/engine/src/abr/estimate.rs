//! Throughput estimation: two exponentially weighted moving averages of the measured
//! rate, each sample weighted by its download time, as in Shaka Player's
//! `EwmaBandwidthEstimator` and dash.js's EWMA throughput model. The estimate is the
//! smaller of the fast and the slow average.

/// One moving average with a half-life in seconds of download time.
///
/// A sample that took `w` seconds moves the average by `1 - 0.5^(w / half_life)`, so a
/// long download counts more than a short one and the half-life means time, not a
/// number of requests. The running value starts at zero and is divided by `1 -
/// 0.5^(total weight / half_life)` when read (the "zero factor"), so the first sample
/// is the estimate instead of a fraction of it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ewma {
    half_life_s: f64,
    value: f64,
    total_weight_s: f64,
}

impl Ewma {
    /// An empty average; a half-life below 1 ms is taken as 1 ms (no division by 0).
    pub(crate) fn new(half_life_us: i64) -> Self {
        Self {
            half_life_s: (half_life_us.max(1_000) as f64) / 1e6,
            value: 0.0,
            total_weight_s: 0.0,
        }
    }

    /// `0.5^(weight / half_life)`.
    fn decay(&self, weight_s: f64) -> f64 {
        libm::exp(-core::f64::consts::LN_2 * weight_s / self.half_life_s)
    }

    /// Adds `value` measured over `weight_s` seconds (both finite, weight > 0).
    pub(crate) fn sample(&mut self, weight_s: f64, value: f64) {
        let a = self.decay(weight_s);
        self.value = value * (1.0 - a) + a * self.value;
        self.total_weight_s += weight_s;
    }

    /// The bias-corrected average, `None` while empty.
    pub(crate) fn get(&self) -> Option<f64> {
        let zero_factor = 1.0 - self.decay(self.total_weight_s);
        if zero_factor > 0.0 && self.value.is_finite() {
            Some(self.value / zero_factor)
        } else {
            None
        }
    }
}

/// The dual average and the count of usable samples.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Estimator {
    fast: Ewma,
    slow: Ewma,
    min_bytes: u64,
    samples: u32,
}

impl Estimator {
    pub(crate) fn new(fast_half_life_us: i64, slow_half_life_us: i64, min_bytes: u64) -> Self {
        Self {
            fast: Ewma::new(fast_half_life_us),
            slow: Ewma::new(slow_half_life_us),
            min_bytes,
            samples: 0,
        }
    }

    /// One finished or abandoned request. Samples under `min_bytes` or with a
    /// non-positive duration are ignored: they measure latency, or nothing.
    pub(crate) fn record(&mut self, bytes: u64, duration_us: i64) {
        if bytes < self.min_bytes || duration_us <= 0 {
            return;
        }
        let seconds = duration_us as f64 / 1e6;
        let bps = bytes as f64 * 8.0 / seconds;
        if !bps.is_finite() {
            return;
        }
        self.fast.sample(seconds, bps);
        self.slow.sample(seconds, bps);
        self.samples = self.samples.saturating_add(1);
    }

    /// min(fast, slow) in bits per second, `None` before the first usable sample.
    pub(crate) fn estimate(&self) -> Option<f64> {
        match (self.fast.get(), self.slow.get()) {
            (Some(f), Some(s)) => Some(f.min(s)),
            _ => None,
        }
    }

    /// How many samples were used.
    pub(crate) fn samples(&self) -> u32 {
        self.samples
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-6 * b.abs().max(1.0)
    }

    /// Half-lives 3 s and 6 s, three 3-second samples at 1, 2 and 4 Mbit/s.
    /// Fast: one half-life per sample, decay 1/2:
    ///   v1 = 0.5 Mb, zero factor 1/2 → 1.0 Mbit/s;
    ///   v2 = 0.5·2 + 0.5·0.5 = 1.25, factor 3/4 → 1.6667 Mbit/s;
    ///   v3 = 0.5·4 + 0.5·1.25 = 2.625, factor 7/8 → 3.0 Mbit/s.
    /// Slow: decay a = 2^-1/2 per sample; after n samples the corrected value is
    ///   Σ x_i a^(n-i) / Σ a^k: 1.0; (2 + a)/(1 + a) = 1.585786;
    ///   (4 + 2a + a²)/(1 + a + a²) = 2.679623 Mbit/s.
    /// The estimate is the smaller: 1.0, 1.585786, 2.679623.
    #[test]
    fn dual_ewma_exact_values_on_three_samples() {
        let mut e = Estimator::new(3_000_000, 6_000_000, 16_000);
        assert_eq!(e.estimate(), None);
        e.record(375_000, 3_000_000);
        assert!(close(e.fast.get().unwrap_or(0.0), 1_000_000.0));
        assert!(close(e.estimate().unwrap_or(0.0), 1_000_000.0));
        e.record(750_000, 3_000_000);
        assert!(close(e.fast.get().unwrap_or(0.0), 1_666_666.667));
        assert!(close(e.slow.get().unwrap_or(0.0), 1_585_786.438));
        assert!(close(e.estimate().unwrap_or(0.0), 1_585_786.438));
        e.record(1_500_000, 3_000_000);
        assert!(close(e.fast.get().unwrap_or(0.0), 3_000_000.0));
        assert!(close(e.slow.get().unwrap_or(0.0), 2_679_623.086));
        assert!(close(e.estimate().unwrap_or(0.0), 2_679_623.086));
        assert_eq!(e.samples(), 3);
    }

    #[test]
    fn tiny_and_timeless_samples_are_ignored() {
        let mut e = Estimator::new(3_000_000, 8_000_000, 16_000);
        e.record(15_999, 1_000);
        e.record(1_000_000, 0);
        e.record(1_000_000, -5);
        assert_eq!(e.estimate(), None);
        assert_eq!(e.samples(), 0);
        e.record(16_000, 128_000); // exactly the floor: 1 Mbit/s
        assert!(close(e.estimate().unwrap_or(0.0), 1_000_000.0));
    }

    #[test]
    fn huge_samples_stay_finite() {
        let mut e = Estimator::new(3_000_000, 8_000_000, 16_000);
        e.record(u64::MAX, 1);
        let v = e.estimate().unwrap_or(f64::NAN);
        assert!(v.is_finite() && v > 1e20);
    }
}
