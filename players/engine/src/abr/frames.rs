//! The dropped-frames rule: a device whose decoder or compositor cannot keep up with a
//! rung drops frames; when more than a threshold of the frames in a window were
//! dropped, that rung and everything at or above it (by bitrate, or by picture size)
//! is banned for a cool-off that doubles with each ban (dash.js `DroppedFramesRule`
//! forbids such a rung for the session; a cool-off lets a transient load pass).
//!
//! The decoder counters are cumulative for the rung being played; the caller resets
//! them on a switch. A window starts at such a reset (a counter going backwards, or
//! the first report) from zero; at a change of rung whose counters did not restart,
//! from the counters' current values, so frames of the previous rung still playing
//! are not held against the new one. Each judged window restarts the next
//! (tumbling windows), so a burst is not diluted by a long clean history.

use super::Rung;

/// What a ban excludes: rungs with a bitrate at or above, or a picture larger than,
/// the rung that dropped frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ban {
    bitrate_bps: u32,
    area: u64,
    until_us: i64,
}

impl Ban {
    fn excludes(&self, rung: &Rung) -> bool {
        rung.bitrate_bps >= self.bitrate_bps || area(rung) > self.area
    }
}

fn area(rung: &Rung) -> u64 {
    u64::from(rung.width) * u64::from(rung.height)
}

/// The rule's state.
#[derive(Clone, Debug, Default)]
pub(crate) struct FrameGuard {
    /// The rung the counters belong to, and the counters at the window's start and
    /// at the last report.
    rung: Option<usize>,
    base: (u32, u32),
    last: (u32, u32),
    ban: Option<Ban>,
    strikes: u32,
}

/// The thresholds, from [`AbrConfig`](super::AbrConfig).
#[derive(Clone, Copy, Debug)]
pub(crate) struct FrameRule {
    pub(crate) min_frames: u32,
    pub(crate) max_ratio: f64,
    pub(crate) cooloff_us: i64,
    pub(crate) max_backoff: u32,
}

impl FrameGuard {
    /// Cumulative counters for `rung` (an entry of `ladder`) at media clock `now_us`.
    /// Returns true when a ban started.
    pub(crate) fn record(
        &mut self,
        rule: &FrameRule,
        ladder: &[Rung],
        rung: usize,
        decoded: u32,
        dropped: u32,
        now_us: i64,
    ) -> bool {
        if decoded < self.last.0 || dropped < self.last.1 || self.rung.is_none() {
            // The caller zeroed its counters (on a switch): the window starts at 0.
            self.base = (0, 0);
        } else if self.rung != Some(rung) {
            // Another rung, but the counters did not restart: they still hold the
            // previous rung's frames (the buffer delays the switch on screen). Start
            // the window here rather than blame the new rung for them.
            self.base = (decoded, dropped);
        }
        self.rung = Some(rung);
        self.last = (decoded, dropped);
        let window_decoded = decoded.saturating_sub(self.base.0);
        let window_dropped = dropped.saturating_sub(self.base.1);
        if window_decoded < rule.min_frames.max(1) {
            return false;
        }
        self.base = (decoded, dropped);
        let ratio = f64::from(window_dropped) / f64::from(window_decoded);
        if ratio <= rule.max_ratio {
            return false;
        }
        let Some(offender) = ladder.get(rung) else {
            return false;
        };
        // Frames of a rung already banned are still playing from the buffer: they
        // say nothing new, and must not stretch the ban.
        if self.active(now_us).is_some_and(|b| b.excludes(offender)) {
            return false;
        }
        let doublings = self.strikes.min(rule.max_backoff).min(16);
        let cooloff = rule.cooloff_us.max(0).saturating_mul(1_i64 << doublings);
        self.ban = Some(Ban {
            bitrate_bps: offender.bitrate_bps,
            area: area(offender),
            until_us: now_us.saturating_add(cooloff),
        });
        self.strikes = self.strikes.saturating_add(1);
        true
    }

    /// The ban in force at media clock `now_us`.
    pub(crate) fn active(&self, now_us: i64) -> Option<&Ban> {
        self.ban.as_ref().filter(|b| now_us < b.until_us)
    }

    /// Whether `rung` may be fetched at `now_us`.
    pub(crate) fn allows(&self, rung: &Rung, now_us: i64) -> bool {
        !self.active(now_us).is_some_and(|b| b.excludes(rung))
    }

    /// Forgets the counters (a new ladder renumbers the rungs); bans and strikes stay,
    /// since they name bitrates and picture sizes, not indices.
    pub(crate) fn new_ladder(&mut self) {
        self.rung = None;
        self.base = (0, 0);
        self.last = (0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ladder() -> [Rung; 3] {
        [
            Rung::new(500_000, 640, 360),
            Rung::new(1_500_000, 1280, 720),
            Rung::new(4_000_000, 1920, 1080),
        ]
    }

    const RULE: FrameRule = FrameRule {
        min_frames: 150,
        max_ratio: 0.15,
        cooloff_us: 60_000_000,
        max_backoff: 3,
    };

    #[test]
    fn a_window_over_the_threshold_bans_the_rung_and_above_and_doubles() {
        let l = ladder();
        let mut g = FrameGuard::default();
        // 149 frames: not judged yet, whatever the drops.
        assert!(!g.record(&RULE, &l, 2, 149, 100, 0));
        // 150 frames, 23 dropped (15.3%): banned until 60 s.
        assert!(g.record(&RULE, &l, 2, 150, 23, 1_000));
        assert!(!g.allows(&l[2], 1_000));
        assert!(g.allows(&l[1], 1_000));
        assert!(g.allows(&l[2], 60_001_000));
        // Second offence at the same rung after expiry: 120 s.
        // The counters went backwards: a reset, the window restarts at 0.
        assert!(!g.record(&RULE, &l, 2, 10, 0, 70_000_000));
        assert!(g.record(&RULE, &l, 2, 170, 100, 70_000_000));
        assert_eq!(g.active(70_000_000).map(|b| b.until_us), Some(190_000_000));
    }

    #[test]
    fn exactly_the_threshold_or_below_is_tolerated_and_windows_tumble() {
        let l = ladder();
        let mut g = FrameGuard::default();
        assert!(!g.record(&RULE, &l, 1, 200, 30, 0)); // 15.0%: not more than 15%
                                                      // Next window: 200 more frames, 29 dropped; the cumulative 59/400 is
                                                      // irrelevant, the window's 29/200 = 14.5% is tolerated.
        assert!(!g.record(&RULE, &l, 1, 400, 59, 0));
        // A burst: 150 frames with 40 dropped in the third window.
        assert!(g.record(&RULE, &l, 1, 550, 99, 0));
        assert!(!g.allows(&l[1], 0) && !g.allows(&l[2], 0) && g.allows(&l[0], 0));
    }

    #[test]
    fn frames_from_an_already_banned_rung_do_not_extend_the_ban() {
        let l = ladder();
        let mut g = FrameGuard::default();
        assert!(g.record(&RULE, &l, 1, 150, 50, 0));
        // Rung 2's counters restart and show 60 of 160 dropped: it is banned already.
        assert!(!g.record(&RULE, &l, 2, 10, 5, 30_000_000));
        assert!(!g.record(&RULE, &l, 2, 160, 60, 30_000_000));
        assert_eq!(g.active(0).map(|b| b.until_us), Some(60_000_000));
    }

    #[test]
    fn a_rung_change_without_a_reset_does_not_inherit_the_old_frames() {
        let l = ladder();
        let mut g = FrameGuard::default();
        assert!(!g.record(&RULE, &l, 2, 100, 0, 0));
        // The counters moved on without restarting: the 300 dropped of 400 belong to
        // whatever played before; rung 1's window starts here.
        assert!(!g.record(&RULE, &l, 1, 400, 300, 0));
        assert!(g.allows(&l[1], 0));
        // 160 more frames, 10 dropped: 6%, fine.
        assert!(!g.record(&RULE, &l, 1, 560, 310, 0));
        // 160 more, 40 dropped: 25%, banned.
        assert!(g.record(&RULE, &l, 1, 720, 350, 0));
        assert!(!g.allows(&l[1], 0));
    }
}
