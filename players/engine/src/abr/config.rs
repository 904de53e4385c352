//! The controller's parameters. `Default` is what wasp ships; each field says why it
//! has its value and where the value comes from, so a port can tune one knowingly.

/// Every parameter of [`Abr`](super::Abr). Times are microseconds, rates bits per
/// second, ratios plain fractions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AbrConfig {
    /// Half-life of the fast throughput average, in seconds of download time: 3 s.
    /// It follows a drop within a few segments. dash.js uses 3 s (its
    /// `throughputFastHalfLifeSeconds`); Shaka Player's dual EWMA uses 2 s.
    pub fast_half_life_us: i64,
    /// Half-life of the slow throughput average: 8 s (dash.js
    /// `throughputSlowHalfLifeSeconds`; Shaka uses 5 s). Taking the smaller of the two
    /// averages makes the estimate fall fast and rise slowly, which is the
    /// conservative side: an over-estimate costs a stall, an under-estimate a little
    /// quality.
    pub slow_half_life_us: i64,
    /// Downloads smaller than this many bytes are not throughput samples: 16,000 bytes,
    /// Shaka's `minBytes`. Below it a request's time is mostly the round trip and TCP
    /// slow start (a 16 kB response at 10 Mbit/s moves in 13 ms, a tenth of a mobile
    /// round trip), so it measures latency, not the link.
    pub min_sample_bytes: u64,
    /// Estimate used before the first usable sample: 1 Mbit/s (Shaka's
    /// `defaultBandwidthEstimate`). It starts a typical ladder on its second or third
    /// rung: low enough to start fast on a 3G link, high enough not to show the worst
    /// rung on broadband for the first segments.
    pub default_estimate_bps: u64,
    /// Fraction of the estimate a throughput-based choice may use: 0.9 (dash.js
    /// `bandwidthSafetyFactor`). The headroom absorbs the estimate's own error and the
    /// per-request round trip.
    pub safety_factor: f64,
    /// Start-up lasts until at least this many throughput samples were recorded: 2.
    /// One sample is one TCP connection's first seconds; two let the averages mean
    /// something before BOLA takes over.
    pub startup_min_samples: u32,
    /// Start-up also lasts while the buffer holds less than this many segments: 2.
    /// dash.js (BOLA-E) enters steady state above `segment duration /
    /// REBUFFER_SAFETY_FACTOR` = two segments, "only if we have enough buffer not to
    /// trigger a quality drop". It matters for segments over 6 s; shorter ones are
    /// covered by [`steady_on_buffer_us`](Self::steady_on_buffer_us).
    pub startup_buffer_segments: u32,
    /// Steady state (BOLA) also needs at least this much buffer: 12 s (dash.js
    /// `ABR_STRATEGY_DYNAMIC` switches to BOLA above `stableBufferTime`, 12 s). Below
    /// it BOLA's thresholds (10 s minimum, 22 s target) would hold the lowest rungs
    /// while a throughput estimate knows better; a live stream held a few segments
    /// from the edge never has a larger buffer, and stays on the throughput rule.
    pub steady_on_buffer_us: i64,
    /// Steady state ends when the buffer falls below this: 6 s (dash.js DYNAMIC's
    /// switch-off threshold, half the switch-on one: the hysteresis keeps the two
    /// rules from alternating). The throughput rule then chooses until the buffer is
    /// back above [`steady_on_buffer_us`](Self::steady_on_buffer_us).
    pub steady_off_buffer_us: i64,
    /// BOLA's minimum buffer: 10 s. At or below it (placeholder included) BOLA picks
    /// the lowest allowed rung (dash.js `MINIMUM_BUFFER_S`; Spiteri et al., "From
    /// Theory to Practice: Improving Bitrate Adaptation in the DASH Reference Player",
    /// MMSys 2018).
    pub bola_min_buffer_us: i64,
    /// BOLA's buffer target grows by this much per allowed rung: 2 s (dash.js
    /// `MINIMUM_BUFFER_PER_BITRATE_LEVEL_S`), so a long ladder gets room between its
    /// switching thresholds.
    pub bola_buffer_per_rung_us: i64,
    /// BOLA's buffer target is at least this: 12 s (dash.js `stableBufferTime`). At
    /// the target BOLA picks the top allowed rung; with six rungs the target is
    /// max(12, 10 + 6 × 2) = 22 s.
    pub bola_target_buffer_us: i64,
    /// In steady state a rung may use at most this fraction of the estimate scaled by
    /// the buffer in segments: 0.5 (dash.js BOLA `REBUFFER_SAFETY_FACTOR`). With one
    /// segment buffered the next may need at most half the estimated throughput, so
    /// an estimate twice too high still does not stall.
    pub rebuffer_safety: f64,
    /// A buffer at or below this level counts as a stall: 100 ms (dash.js). A stall
    /// empties BOLA-E's placeholder buffer, so quality follows the real buffer again.
    pub stall_buffer_us: i64,
    /// Dropped-frames rule: a window of at least this many decoded frames is judged:
    /// 150 (5 s at 30 fps, a bit more than one 4 s segment). dash.js's
    /// `DroppedFramesRule` waits for 375 frames per rung over the whole session;
    /// a device that cannot keep up should leave the rung sooner.
    pub dropped_min_frames: u32,
    /// Dropped-frames rule: more than this fraction of dropped frames over a window
    /// bans the rung: 0.15 (dash.js `DROPPED_PERCENTAGE_FORBID`). Occasional drops
    /// (a busy UI, a GC pause in the port) stay far below it.
    pub dropped_max_ratio: f64,
    /// Dropped-frames rule: a banned rung and everything above it stays banned for this
    /// much media time (requested segments' durations, so no clock is needed): 60 s.
    /// Each new ban doubles it (up to [`dropped_max_backoff`](Self::dropped_max_backoff)
    /// doublings), so a rung that keeps failing is not retried every minute.
    pub dropped_cooloff_us: i64,
    /// Dropped-frames rule: the cool-off doubles at most this many times: 3 (8 min).
    pub dropped_max_backoff: u32,
    /// Abandonment: no decision before the request has run this long: 500 ms (dash.js
    /// `AbandonRequestsRule` `GRACE_TIME_THRESHOLD`); earlier the rate is mostly the
    /// round trip.
    pub abandon_min_elapsed_us: i64,
    /// Abandonment: no decision before this many bytes arrived: 16,000 bytes, the same
    /// latency floor as [`min_sample_bytes`](Self::min_sample_bytes).
    pub abandon_min_bytes: u64,
}

impl Default for AbrConfig {
    fn default() -> Self {
        Self {
            fast_half_life_us: 3_000_000,
            slow_half_life_us: 8_000_000,
            min_sample_bytes: 16_000,
            default_estimate_bps: 1_000_000,
            safety_factor: 0.9,
            startup_min_samples: 2,
            startup_buffer_segments: 2,
            steady_on_buffer_us: 12_000_000,
            steady_off_buffer_us: 6_000_000,
            bola_min_buffer_us: 10_000_000,
            bola_buffer_per_rung_us: 2_000_000,
            bola_target_buffer_us: 12_000_000,
            rebuffer_safety: 0.5,
            stall_buffer_us: 100_000,
            dropped_min_frames: 150,
            dropped_max_ratio: 0.15,
            dropped_cooloff_us: 60_000_000,
            dropped_max_backoff: 3,
            abandon_min_elapsed_us: 500_000,
            abandon_min_bytes: 16_000,
        }
    }
}
