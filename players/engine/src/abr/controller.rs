//! [`Abr`]: the state the playback loop keeps between requests, and the decisions.

use alloc::vec::Vec;

use super::bola::Bola;
use super::estimate::Estimator;
use super::frames::{FrameGuard, FrameRule};
use super::{AbrConfig, Rung};

/// The adaptive-bitrate controller. See the [module docs](super) for the rules.
///
/// Indices in and out are indices into the slice last given to
/// [`set_ladder`](Self::set_ladder), whatever order it was in.
#[derive(Clone, Debug)]
pub struct Abr {
    config: AbrConfig,
    /// The ladder sorted by ascending bitrate, and each sorted rung's caller index.
    ladder: Vec<Rung>,
    order: Vec<usize>,
    cap: Option<u32>,
    estimator: Estimator,
    frames: FrameGuard,
    steady: bool,
    /// BOLA-E's placeholder buffer, seconds (Spiteri, Sitaraman, Sparacio, MMSys 2018).
    placeholder_s: f64,
    /// Sorted position of the last rung `select` returned.
    current: Option<usize>,
    /// Media time of every segment `select` was asked about: the clock of the
    /// dropped-frames cool-off.
    clock_us: i64,
}

impl Abr {
    /// A controller with no ladder (select returns 0 until one is set).
    pub fn new(config: AbrConfig) -> Self {
        Self {
            config,
            ladder: Vec::new(),
            order: Vec::new(),
            cap: None,
            estimator: Estimator::new(
                config.fast_half_life_us,
                config.slow_half_life_us,
                config.min_sample_bytes,
            ),
            frames: FrameGuard::default(),
            steady: false,
            placeholder_s: 0.0,
            current: None,
            clock_us: 0,
        }
    }

    /// The parameters in use.
    pub fn config(&self) -> &AbrConfig {
        &self.config
    }

    /// Replaces the ladder. Rungs should come sorted by ascending bitrate; they are
    /// sorted here anyway (stably), and returned indices still name entries of
    /// `rungs`.
    ///
    /// The same ladder again, with only `playable` flags changed (a variant excluded
    /// after failures, or back), is an update: all state is kept, so the playback loop
    /// may call this before every [`select`](Self::select). A different ladder keeps
    /// the throughput estimate and dropped-frames bans, but forgets the last choice
    /// and runs start-up again (it ends at once when the buffer is already full
    /// enough).
    pub fn set_ladder(&mut self, rungs: &[Rung]) {
        let same = rungs.len() == self.order.len()
            && self.order.iter().zip(&self.ladder).all(|(&i, old)| {
                rungs.get(i).is_some_and(|new| {
                    (new.bitrate_bps, new.width, new.height)
                        == (old.bitrate_bps, old.width, old.height)
                })
            });
        if same {
            for (&i, old) in self.order.iter().zip(self.ladder.iter_mut()) {
                if let Some(new) = rungs.get(i) {
                    old.playable = new.playable;
                }
            }
            return;
        }
        let mut order: Vec<usize> = (0..rungs.len()).collect();
        order.sort_by_key(|&i| rungs.get(i).map_or(0, |r| r.bitrate_bps));
        self.ladder = order
            .iter()
            .filter_map(|&i| rungs.get(i).copied())
            .collect();
        self.order = order;
        self.current = None;
        self.steady = false;
        self.placeholder_s = 0.0;
        self.frames.new_ladder();
    }

    /// The manual cap, bits/s (`None`: automatic).
    pub fn cap(&self) -> Option<u32> {
        self.cap
    }

    /// The manual cap ("set quality"): `None` is automatic, `Some(b)` never selects a
    /// rung above `b` bits per second (if no playable rung is at or below `b`, the
    /// lowest playable rung).
    pub fn set_cap(&mut self, max_bitrate_bps: Option<u32>) {
        self.cap = max_bitrate_bps;
    }

    /// One finished or abandoned media request: `bytes` received in `duration_us`
    /// (request to last byte, so the round trip is part of what the estimate
    /// measures, as the next request will pay it too). Requests under
    /// [`AbrConfig::min_sample_bytes`] and non-positive durations are ignored.
    pub fn record_download(&mut self, bytes: u64, duration_us: i64) {
        self.estimator.record(bytes, duration_us);
    }

    /// The decoder's cumulative counters for the rung last returned by
    /// [`select`](Self::select). The caller resets its counters when the played rung
    /// changes; a counter going backwards is taken as such a reset and starts a new
    /// window from zero. When the rung changes but the counters did not restart, the
    /// window starts from their current values, so the frames of the rung still on
    /// screen are not held against the new one. Since the buffer delays a switch, a
    /// caller that knows which rung is on screen should prefer
    /// [`record_frames_at`](Self::record_frames_at).
    pub fn record_frames(&mut self, decoded: u32, dropped: u32) {
        if let Some(pos) = self.current {
            self.record_frames_sorted(pos, decoded, dropped);
        }
    }

    /// [`record_frames`](Self::record_frames) for the rung `rung` (an index into the
    /// ladder), the one actually being played. An index outside the ladder is ignored.
    pub fn record_frames_at(&mut self, rung: usize, decoded: u32, dropped: u32) {
        if let Some(pos) = self.order.iter().position(|&i| i == rung) {
            self.record_frames_sorted(pos, decoded, dropped);
        }
    }

    fn record_frames_sorted(&mut self, pos: usize, decoded: u32, dropped: u32) {
        let rule = FrameRule {
            min_frames: self.config.dropped_min_frames,
            max_ratio: self.config.dropped_max_ratio,
            cooloff_us: self.config.dropped_cooloff_us,
            max_backoff: self.config.dropped_max_backoff,
        };
        let now = self.clock_us;
        self.frames
            .record(&rule, &self.ladder, pos, decoded, dropped, now);
    }

    /// The throughput estimate (min of the fast and slow averages), bits per second;
    /// `None` before the first usable sample.
    pub fn estimate_bps(&self) -> Option<u64> {
        // Rounded; `as` saturates, and the estimate is finite and positive.
        self.estimator.estimate().map(|e| libm::round(e) as u64)
    }

    /// The rung last returned by [`select`](Self::select).
    pub fn current(&self) -> Option<usize> {
        self.current.and_then(|p| self.order.get(p).copied())
    }

    /// Whether BOLA (steady state) made the last choice, rather than the start-up
    /// throughput rule.
    pub fn is_steady(&self) -> bool {
        self.steady
    }

    /// The estimate, or the configured default before any sample.
    fn estimate_or_default(&self) -> f64 {
        self.estimator
            .estimate()
            .unwrap_or(self.config.default_estimate_bps as f64)
    }

    /// The sorted position of the caller's index `rung`.
    pub(super) fn position(&self, rung: usize) -> Option<usize> {
        self.order.iter().position(|&i| i == rung)
    }

    /// The caller's index of sorted position `pos`.
    pub(super) fn caller_index(&self, pos: usize) -> Option<usize> {
        self.order.get(pos).copied()
    }

    /// Sorted positions of the candidates, ascending: playable, under the cap, not
    /// banned. Falls back to the lowest playable under the cap, then to the lowest
    /// playable; empty only when nothing is playable.
    pub(super) fn allowed(&self) -> Vec<usize> {
        let playable = || (0..self.ladder.len()).filter(|&p| self.rung(p).playable);
        let capped: Vec<usize> = playable()
            .filter(|&p| self.cap.is_none_or(|c| self.rung(p).bitrate_bps <= c))
            .collect();
        if capped.is_empty() {
            return playable().take(1).collect();
        }
        let clean: Vec<usize> = capped
            .iter()
            .copied()
            .filter(|&p| self.frames.allows(&self.rung(p), self.clock_us))
            .collect();
        if clean.is_empty() {
            capped.into_iter().take(1).collect()
        } else {
            clean
        }
    }

    pub(super) fn rung(&self, pos: usize) -> Rung {
        self.ladder.get(pos).copied().unwrap_or(Rung::new(0, 0, 0))
    }

    /// Bitrates of `positions`, clamped to >= 1 bit/s so logarithms and divisions
    /// stay finite.
    fn rates(&self, positions: &[usize]) -> Vec<f64> {
        positions
            .iter()
            .map(|&p| f64::from(self.rung(p).bitrate_bps.max(1)))
            .collect()
    }

    /// The highest index of `rates` at or under `limit`, else 0.
    fn under(rates: &[f64], limit: f64) -> usize {
        rates.iter().rposition(|&r| r <= limit).unwrap_or(0)
    }

    /// The rung to fetch next, given the buffer ahead of the playhead and the
    /// duration of the segment about to be requested. Returns 0 when the ladder is
    /// empty or nothing in it is playable.
    pub fn select(&mut self, buffer_us: i64, segment_duration_us: i64) -> usize {
        let segment_us = segment_duration_us.max(0);
        self.clock_us = self.clock_us.saturating_add(segment_us);
        let allowed = self.allowed();
        let rates = self.rates(&allowed);
        if rates.is_empty() {
            self.current = None;
            return self.order.first().copied().unwrap_or(0);
        }
        let buffer_s = buffer_us.max(0) as f64 / 1e6;
        let segment_s = segment_us as f64 / 1e6;
        let estimate = self.estimate_or_default();
        let by_throughput = Self::under(&rates, self.config.safety_factor * estimate);

        let min_s = self.config.bola_min_buffer_us.max(0) as f64 / 1e6;
        let per_rung_s = self.config.bola_buffer_per_rung_us.max(0) as f64 / 1e6;
        let target_s = (self.config.bola_target_buffer_us.max(0) as f64 / 1e6)
            .max(min_s + per_rung_s * rates.len() as f64);
        let bola = Bola::new(&rates, min_s, target_s);

        if self.steady && buffer_us < self.config.steady_off_buffer_us {
            // Too little buffer for BOLA to mean anything: back to the throughput
            // rule (dash.js DYNAMIC), without the placeholder.
            self.steady = false;
            self.placeholder_s = 0.0;
        }
        let q = if !self.steady {
            let enough_samples = self.estimator.samples() >= self.config.startup_min_samples;
            let startup_buffer_us = segment_us
                .saturating_mul(i64::from(self.config.startup_buffer_segments))
                .max(self.config.steady_on_buffer_us);
            if enough_samples && buffer_us >= startup_buffer_us {
                // BOLA-E: a placeholder makes BOLA's first steady choice the one
                // throughput made, instead of the lowest rung a small real buffer gives
                // (a millisecond past the switching point, so rounding cannot tip the
                // tie to the rung below).
                self.steady = true;
                self.placeholder_s =
                    (bola.min_buffer_for(by_throughput) + 0.001 - buffer_s).max(0.0);
            }
            by_throughput
        } else {
            self.steady_choice(&bola, &allowed, &rates, buffer_us, segment_s, estimate)
        };
        let pos = allowed.get(q).copied().unwrap_or(0);
        self.current = Some(pos);
        self.order.get(pos).copied().unwrap_or(0)
    }

    /// BOLA on buffer + placeholder, with the BOLA-O switch-up guard and the
    /// rebuffer-safety cap; returns an index into `allowed`.
    fn steady_choice(
        &mut self,
        bola: &Bola<'_>,
        allowed: &[usize],
        rates: &[f64],
        buffer_us: i64,
        segment_s: f64,
        estimate: f64,
    ) -> usize {
        let buffer_s = buffer_us.max(0) as f64 / 1e6;
        if buffer_us <= self.config.stall_buffer_us {
            // A stall: the placeholder must not keep quality up (dash.js onBufferEmpty).
            self.placeholder_s = 0.0;
        }
        let effective_s = buffer_s + self.placeholder_s;
        let mut q = bola.choose(effective_s);
        // The last choice as an index into `allowed` (the highest allowed rung not
        // above it, if the cap or a ban removed it).
        let last = self
            .current
            .map(|c| allowed.iter().rposition(|&p| p <= c).unwrap_or(0));
        if let Some(last) = last {
            if q > last {
                // BOLA-O (Spiteri et al., MMSys 2018): between two rungs the network sustains
                // the lower one; switching above it would only oscillate back.
                let sustainable = Self::under(rates, estimate);
                if q > sustainable {
                    q = sustainable.max(last);
                }
            }
        }
        if segment_s > 0.0 {
            // The next segment must be downloadable from what is buffered, with a
            // margin: bitrate <= safety · estimate · buffer / segment duration.
            let safe = self.config.rebuffer_safety * estimate * buffer_s / segment_s;
            while q > 0 && rates.get(q).is_some_and(|&r| r > safe) {
                q -= 1;
            }
        }
        // BOLA would wait above the level where q's score reaches zero; the playback
        // loop owns the schedule, so the excess only drains the placeholder.
        let excess = effective_s - bola.max_buffer_for(q);
        if excess > 0.0 {
            self.placeholder_s = (self.placeholder_s - excess).max(0.0);
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical() -> Abr {
        let ladder: Vec<Rung> = [300, 750, 1200, 1850, 2850, 4300]
            .iter()
            .map(|k| Rung::new(k * 1000, 0, 0))
            .collect();
        let mut abr = Abr::new(AbrConfig::default());
        abr.set_ladder(&ladder);
        abr.record_download(1_000_000, 4_000_000); // 2 Mbit/s, twice
        abr.record_download(1_000_000, 4_000_000);
        abr
    }

    /// In steady state with a large placeholder BOLA wants the top rung, and the
    /// last choice was the top, so BOLA-O does not apply; with 6.5 s buffered and a
    /// 2 Mbit/s estimate the rebuffer-safety cap allows 0.5 × 2 × 6.5 / 4 = 1.625
    /// Mbit/s: 1.2 Mbit/s.
    #[test]
    fn rebuffer_safety_caps_a_high_bola_choice_at_a_low_buffer() {
        let mut abr = canonical();
        abr.steady = true;
        abr.placeholder_s = 30.0;
        abr.current = Some(5);
        assert_eq!(abr.select(6_500_000, 4_000_000), 2);
        // With 20 s real buffer the cap is 5 Mbit/s: the top rung.
        abr.placeholder_s = 30.0;
        abr.current = Some(5);
        assert_eq!(abr.select(20_000_000, 4_000_000), 5);
    }

    /// BOLA-O: from 1.2 Mbit/s, BOLA's wish for the top rung is cut to what the
    /// 2 Mbit/s estimate sustains (1.85); from 2.85 it is not lowered below 2.85.
    #[test]
    fn switching_up_stops_at_the_sustainable_rung() {
        let mut abr = canonical();
        abr.steady = true;
        abr.placeholder_s = 30.0;
        abr.current = Some(2);
        assert_eq!(abr.select(30_000_000, 4_000_000), 3);
        abr.placeholder_s = 30.0;
        abr.current = Some(4);
        assert_eq!(abr.select(30_000_000, 4_000_000), 4);
    }

    /// The placeholder is spent where BOLA would have waited: at an effective level
    /// above the chosen rung's zero-score level `V_p (u_q + g_p)`.
    #[test]
    fn the_placeholder_drains_above_the_chosen_rungs_level() {
        let mut abr = canonical();
        abr.steady = true;
        abr.placeholder_s = 5.0;
        abr.current = Some(5);
        // Effective 45 s; the top rung's zero-score level is V_p (u_5 + g_p) =
        // 4.506894 × (3.662588 + 2.218823) = 26.507 s: the whole placeholder goes.
        assert_eq!(abr.select(40_000_000, 4_000_000), 5);
        assert_eq!(abr.placeholder_s, 0.0);
        // Effective 25 s is under 26.507 s: nothing drains.
        abr.placeholder_s = 5.0;
        assert_eq!(abr.select(20_000_000, 4_000_000), 5);
        assert_eq!(abr.placeholder_s, 5.0);
        // Effective 29 s: 2.493 s drains, 2.507 s is left.
        assert_eq!(abr.select(24_000_000, 4_000_000), 5);
        assert!(
            (abr.placeholder_s - 2.507).abs() < 0.001,
            "{}",
            abr.placeholder_s
        );
    }
}
