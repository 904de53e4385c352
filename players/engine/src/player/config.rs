//! The player's settings, with the reasoning behind each default.

use crate::abr::AbrConfig;

/// How a seek lands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeekMode {
    /// Decode from the keyframe at or before the target and present from the target
    /// on (frames before it are decoded, not shown): exact, costs the pre-roll.
    Accurate,
    /// Present from the keyframe at or before the target: instant, up to a segment
    /// early.
    Keyframe,
}

/// Which rule picks the variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbrRule {
    /// The shipped controller ([`crate::abr::Abr`]): throughput at start-up, BOLA-E in
    /// steady state, abandonment, dropped frames.
    Adaptive,
    /// The plain rate rule, for comparison: the highest variant under the safety
    /// share of the same throughput estimate, no buffer control, no abandonment.
    ThroughputOnly,
}

/// Retries of one kind of request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts before the request counts as failed (the first included).
    pub attempts: u32,
    /// Delay before the first retry, µs; doubled at each further retry.
    pub base_us: i64,
    /// Longest delay, µs.
    pub max_us: i64,
    /// Random spread of each delay, percent either side, so a fleet of players that
    /// lost the same CDN does not come back in lock step.
    pub jitter_pct: u32,
}

/// Everything the player can be tuned by.
#[derive(Clone, Debug, PartialEq)]
pub struct PlayerConfig {
    /// Media buffered before playback starts (and after a seek), µs. 2 s: one short
    /// segment's worth, the common start-up trade-off (Shaka, ExoPlayer use 2–2.5 s).
    pub start_threshold_us: i64,
    /// Media buffered before playback resumes after a stall, µs. Larger than the start
    /// threshold: a link that just stalled is likely to stall again, and one long
    /// pause is less annoying than several short ones (ExoPlayer: 5 s).
    pub rebuffer_threshold_us: i64,
    /// Forward-buffer goal, µs: no new segment is fetched beyond it. Clamped by the
    /// media-store budget (bytes win).
    pub forward_goal_us: i64,
    /// Media kept behind the position for seeks back without refetching, µs; evicted
    /// first when the store is short of room.
    pub back_buffer_us: i64,
    /// Share of the media-store budget the forward buffer may fill, percent; the rest
    /// absorbs a segment that is larger than its variant's average.
    pub store_fill_pct: u32,
    /// Most requests in flight at once (media segments of all streams + playlists).
    pub max_in_flight: usize,
    /// How seeks land.
    pub seek_mode: SeekMode,
    /// Live: start this many target durations behind the live edge (RFC 8216 §6.3.3
    /// says at least three).
    pub live_edge_target_durations: u32,
    /// Live: steer the play rate within ±3 % to hold the latency at the start distance.
    pub live_catch_up: bool,
    /// Start playing when ready (otherwise wait in `Paused`).
    pub autoplay: bool,
    /// Playlists (master and media).
    pub playlist_retry: RetryPolicy,
    /// Media segments and init segments; after the last attempt the variant is
    /// excluded for [`PlayerConfig::exclusion_us`] and another one is used.
    pub segment_retry: RetryPolicy,
    /// A request that makes no progress for this long fails, ms (passed to the port
    /// and enforced by the player as well).
    pub request_timeout_ms: u32,
    /// How long a failing variant is left out, µs.
    pub exclusion_us: i64,
    /// The network counts as gone, and the session fails with `Network`, after this
    /// long without one successful request while the buffer is empty, µs.
    pub give_up_us: i64,
    /// Largest playlist accepted, bytes.
    pub max_playlist_bytes: usize,
    /// Largest init segment accepted, bytes.
    pub max_init_bytes: usize,
    /// The adaptive-bitrate controller.
    pub abr: AbrConfig,
    /// Which rule picks the variant.
    pub abr_rule: AbrRule,
}

impl PlayerConfig {
    /// Live: how far behind the edge playback starts and catch-up steers to, for a
    /// playlist of `target_duration_us` (at least one target duration).
    pub fn live_edge_distance_us(&self, target_duration_us: i64) -> i64 {
        target_duration_us.saturating_mul(i64::from(self.live_edge_target_durations.max(1)))
    }

    /// Live: where playback starts in a window of segments spanning `first..last`
    /// (media µs): the edge distance behind `last`, but not before `first`.
    pub fn live_start_us(&self, first: i64, last: i64, target_duration_us: i64) -> i64 {
        last.saturating_sub(self.live_edge_distance_us(target_duration_us))
            .max(first)
    }
}

impl Default for PlayerConfig {
    fn default() -> Self {
        Self {
            start_threshold_us: 2_000_000,
            rebuffer_threshold_us: 4_000_000,
            forward_goal_us: 30_000_000,
            back_buffer_us: 10_000_000,
            store_fill_pct: 85,
            max_in_flight: 3,
            seek_mode: SeekMode::Accurate,
            live_edge_target_durations: 3,
            live_catch_up: false,
            autoplay: true,
            playlist_retry: RetryPolicy {
                attempts: 6,
                base_us: 500_000,
                max_us: 8_000_000,
                jitter_pct: 25,
            },
            segment_retry: RetryPolicy {
                attempts: 3,
                base_us: 500_000,
                max_us: 8_000_000,
                jitter_pct: 25,
            },
            request_timeout_ms: 10_000,
            exclusion_us: 30_000_000,
            give_up_us: 60_000_000,
            max_playlist_bytes: 4 << 20,
            max_init_bytes: 256 << 10,
            abr: AbrConfig::default(),
            abr_rule: AbrRule::Adaptive,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_starts_three_target_durations_behind_the_edge_inside_the_window() {
        let c = PlayerConfig::default();
        assert_eq!(c.live_edge_distance_us(6_000_000), 18_000_000);
        // A 60 s window of 6 s segments: 18 s behind its end.
        assert_eq!(
            c.live_start_us(100_000_000, 160_000_000, 6_000_000),
            142_000_000
        );
        // A window shorter than the distance: its first segment.
        assert_eq!(
            c.live_start_us(100_000_000, 110_000_000, 6_000_000),
            100_000_000
        );
        // A configured 0 still keeps one target duration.
        let c = PlayerConfig {
            live_edge_target_durations: 0,
            ..PlayerConfig::default()
        };
        assert_eq!(c.live_edge_distance_us(4_000_000), 4_000_000);
    }
}
