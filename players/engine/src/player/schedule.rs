//! Which request to start next, and what to do when one ends.
//!
//! Per stream, one media segment and one playlist (or init segment) at a time, and at
//! most [`PlayerConfig::max_in_flight`](super::PlayerConfig) requests overall. A
//! segment is fetched when the forward buffer is below its goal and the media store
//! has room for it (the byte budget wins over the seconds goal); the back buffer is
//! evicted first when room is short. The main stream's variant is the ABR's choice;
//! a download that will not finish in time is abandoned for a lower variant; a
//! variant that keeps failing is excluded for a while.

use wasp_abi::player::{LogLevel, PlayerState, StateReason};

use super::feed::SegmentRef;
use super::loader::{Progress, Request, Sink};
use super::stream::{micros, Buffered, SegmentJob, StreamKind, EPSILON_US};
use super::{AbrRule, Player};
use crate::platform::Platform;

impl Player {
    /// Polls every request in flight.
    pub(super) fn poll_requests<P: Platform>(&mut self, p: &mut P, now: i64) {
        for kind in [StreamKind::Main, StreamKind::Audio] {
            self.poll_playlist(p, kind, now);
            self.poll_segment(p, kind, now);
        }
        self.check_abandon(p, now);
        self.check_give_up(p, now);
    }

    fn poll_segment<P: Platform>(&mut self, p: &mut P, kind: StreamKind, now: i64) {
        let Some(stream) = self.stream_mut(kind) else {
            return;
        };
        let Some(job) = stream.job.as_mut() else {
            return;
        };
        match job.request.poll(p) {
            Progress::Pending => {}
            Progress::Done => {
                let Some(job) = stream.job.take() else { return };
                let bytes = job.request.received;
                let elapsed = now - job.request.opened_us;
                let _ = job.request.close(p);
                let mut segment = job.segment;
                segment.len = bytes;
                stream.buffered.push_back(Buffered {
                    segment,
                    end_us: job.end_us,
                    rendition: job.rendition,
                });
                stream.segment_backoff = Default::default();
                self.last_success_us = now;
                if kind == StreamKind::Main {
                    self.abr.record_download(bytes, elapsed);
                    let bandwidth = self
                        .main
                        .as_ref()
                        .and_then(|m| m.renditions.get(job.rendition))
                        .map_or(0, |r| r.bandwidth);
                    self.qoe.segment(bandwidth);
                    if self
                        .last_fetched_rendition
                        .is_some_and(|r| r != job.rendition)
                    {
                        self.qoe.switches += 1;
                    }
                    self.last_fetched_rendition = Some(job.rendition);
                    self.qoe.throughput_bps = self
                        .abr
                        .estimate_bps()
                        .map_or(0, |b| u32::try_from(b).unwrap_or(u32::MAX));
                }
            }
            Progress::Failed(f) => {
                let Some(job) = stream.job.take() else { return };
                // Nothing of a failed download was demuxed: the segment is fetched again
                // whole (no unit lost, none duplicated).
                job.request.abort(p);
                stream.fetch_cursor_us = job.segment.start_us;
                self.qoe.errors_recovered += 1;
                let policy = self.config.segment_retry;
                let exclusion = self.config.exclusion_us;
                let Some(stream) = self.stream_mut(kind) else {
                    return;
                };
                let retry = stream.segment_backoff.fail(p, &policy, now);
                p.log(
                    LogLevel::Warn,
                    &alloc::format!(
                        "segment {} of rendition {} failed: {} (HTTP {})",
                        job.segment.sequence,
                        job.rendition,
                        f.status,
                        f.http
                    ),
                );
                if !retry {
                    if let Some(r) = stream.renditions.get_mut(job.rendition) {
                        r.excluded_until_us = now + exclusion;
                    }
                    // Another variant may be tried at once; the backoff keeps growing
                    // when they all fail (an outage), capped by the policy.
                    stream.segment_backoff.not_before_us = now;
                    stream.segment_backoff.failures = policy.attempts.saturating_sub(1);
                    if kind == StreamKind::Main {
                        self.set_ladder_at(now);
                    }
                }
            }
        }
    }

    /// The plain rate rule: the highest playable variant whose bitrate fits the safety
    /// share of the estimate (the lowest playable one when none does).
    fn throughput_choice(&self) -> usize {
        let Some(main) = self.main.as_ref() else {
            return 0;
        };
        let config = self.abr.config();
        let estimate = self
            .abr
            .estimate_bps()
            .unwrap_or(config.default_estimate_bps) as f64;
        let budget = estimate * config.safety_factor;
        let now = self.now_cache;
        let usable = |r: &&super::stream::Rendition| r.playable && r.excluded_until_us <= now;
        let mut choice = main.renditions.iter().position(|r| usable(&r)).unwrap_or(0);
        for (i, r) in main.renditions.iter().enumerate() {
            if usable(&r) && f64::from(r.bandwidth) <= budget {
                choice = i;
            }
        }
        choice
    }

    fn check_abandon<P: Platform>(&mut self, p: &mut P, now: i64) {
        if self.config.abr_rule == AbrRule::ThroughputOnly {
            return;
        }
        let buffer = self.buffered_us();
        let Some(main) = self.main.as_mut() else {
            return;
        };
        let Some(job) = main.job.as_ref() else { return };
        let Some(total) = job.request.total else {
            return;
        };
        let elapsed = now - job.request.opened_us;
        let Some(lower) =
            self.abr
                .abandon(job.rendition, job.request.received, total, elapsed, buffer)
        else {
            return;
        };
        if lower >= job.rendition {
            return;
        }
        let Some(job) = main.job.take() else { return };
        p.log(
            LogLevel::Info,
            &alloc::format!(
                "abandon segment {} at rendition {} ({} of {} bytes): rendition {}",
                job.segment.sequence,
                job.rendition,
                job.request.received,
                total,
                lower
            ),
        );
        self.abr.record_download(job.request.received, elapsed);
        main.fetch_cursor_us = job.segment.start_us;
        job.request.abort(p);
        self.forced_rung = Some(lower);
    }

    fn check_give_up<P: Platform>(&mut self, p: &mut P, now: i64) {
        let starving = matches!(
            self.state,
            PlayerState::Buffering | PlayerState::Seeking | PlayerState::Loading
        );
        if starving && now - self.last_success_us > self.config.give_up_us {
            let seconds = self.config.give_up_us / 1_000_000;
            self.fail(
                p,
                StateReason::Network,
                &alloc::format!("no network progress for {seconds} s"),
            );
        }
    }

    /// Starts what is due.
    pub(super) fn schedule<P: Platform>(&mut self, p: &mut P, now: i64) {
        if matches!(self.state, PlayerState::Idle | PlayerState::Error) {
            return;
        }
        let keep_from = self.position_us - self.config.back_buffer_us;
        for kind in [StreamKind::Main, StreamKind::Audio] {
            // The back buffer is bounded whatever the budget.
            if let Some(stream) = self.stream_mut(kind) {
                stream.evict_before(p, keep_from);
            }
            self.schedule_playlist(p, kind, now);
            if !matches!(self.state, PlayerState::Loading | PlayerState::Ended) {
                self.schedule_segment(p, kind, now);
            }
        }
    }

    fn in_flight(&self) -> usize {
        [self.main.as_ref(), self.audio.as_ref()]
            .into_iter()
            .flatten()
            .map(|s| usize::from(s.job.is_some()) + usize::from(s.playlist_job.is_some()))
            .sum()
    }

    fn schedule_playlist<P: Platform>(&mut self, p: &mut P, kind: StreamKind, now: i64) {
        if self.in_flight() >= self.config.max_in_flight {
            return;
        }
        let Some(stream) = self.stream_mut(kind) else {
            return;
        };
        if stream.playlist_job.is_some() || !stream.playlist_backoff.ready(now) {
            return;
        }
        let index = stream.current;
        let Some(r) = stream.renditions.get(index) else {
            return;
        };
        let reload_due = r.reload_at_us.is_some_and(|t| now >= t);
        let init_missing = r.init.as_ref().is_some_and(|i| i.bytes.is_none());
        if r.playlist.is_none() || reload_due {
            self.open_playlist(p, kind, index, false);
        } else if init_missing {
            self.open_playlist(p, kind, index, true);
        }
    }

    fn schedule_segment<P: Platform>(&mut self, p: &mut P, kind: StreamKind, now: i64) {
        if self.in_flight() >= self.config.max_in_flight {
            return;
        }
        let position = self.position_us;
        let goal = self.config.forward_goal_us;
        let back = self.config.back_buffer_us;
        let fill_pct = u64::from(self.config.store_fill_pct);
        let live = self.live;
        // The variant of the next main segment.
        if kind == StreamKind::Main {
            let Some(main) = self.main.as_ref() else {
                return;
            };
            // The ABR is asked only when a segment is about to be requested: its
            // clock counts requested media time (bans, BOLA's state).
            let waiting = main.job.is_some()
                || !main.segment_backoff.ready(now)
                || main.fetched_all
                || main.fetch_cursor_us - position >= goal
                || main.rendition().is_none_or(|r| r.playlist.is_none());
            if waiting {
                return;
            }
            let buffer = main.buffered_end_us(position) - position;
            let segment_us = main
                .rendition()
                .and_then(|r| r.playlist.as_ref())
                .map_or(4_000_000, |pl| micros(pl.target_duration));
            self.set_ladder_at(now);
            let choice = match (self.forced_rung.take(), self.config.abr_rule) {
                (Some(rung), _) => rung,
                (None, AbrRule::Adaptive) => self.abr.select(buffer.max(0), segment_us),
                (None, AbrRule::ThroughputOnly) => self.throughput_choice(),
            };
            let Some(main) = self.main.as_mut() else {
                return;
            };
            let choice = choice.min(main.renditions.len().saturating_sub(1));
            if choice != main.current {
                main.current = choice;
            }
        }
        let Some(stream) = self.stream_mut(kind) else {
            return;
        };
        if stream.job.is_some() || !stream.segment_backoff.ready(now) || stream.fetched_all {
            return;
        }
        let Some(r) = stream.renditions.get(stream.current) else {
            return;
        };
        if r.playlist.is_none() {
            return;
        }
        if r.init.as_ref().is_some_and(|i| i.bytes.is_none()) {
            return;
        }
        if stream.fetch_cursor_us - position >= goal {
            return;
        }
        let cursor = stream.fetch_cursor_us;
        let Some(segment) = r.segment_at(cursor) else {
            if !live {
                stream.fetched_all = true;
            }
            return;
        };
        let start_us = r.start_us(segment);
        if live && start_us > cursor + EPSILON_US {
            // The cursor fell out of the window (the playlist slid past it).
            p.log(
                LogLevel::Warn,
                "fell behind the live window: rejoining the live edge",
            );
            self.rejoin_live(p);
            return;
        }
        if !live
            && start_us + EPSILON_US < cursor
            && micros(segment.end()) + r.shift_us <= cursor + EPSILON_US
        {
            stream.fetched_all = true;
            return;
        }
        let end_us = r.shift_us + micros(segment.end());
        let duration_us = micros(segment.duration);
        let estimate = u64::from(r.bandwidth) * u64::try_from(duration_us).unwrap_or(0) / 8_000_000;
        let range = segment.byte_range.map(|s| (s.offset, s.length));
        let url = segment.uri.clone();
        let sequence = segment.sequence;
        let domain = segment.discontinuity_sequence;
        let discontinuity = segment.discontinuity;
        let rendition = stream.current;
        // Room in the store: evict the back buffer, then anything already played.
        let usage = p.store_usage().ok();
        if let Some(u) = usage {
            let allowed = u.budget / 100 * fill_pct;
            let mut used = u.used;
            if used + estimate > allowed {
                used = used.saturating_sub(stream.evict_before(p, position - back));
            }
            if used + estimate > allowed {
                used = used.saturating_sub(stream.evict_before(p, position));
            }
            if used + estimate > allowed && used > 0 {
                return;
            }
        }
        let object = match p.store_create(0) {
            Ok(o) => o,
            Err(_) => return,
        };
        let timeout = self.config.request_timeout_ms;
        match Request::open(p, &url, range, Sink::Store(object), timeout) {
            Ok(request) => {
                let Some(stream) = self.stream_mut(kind) else {
                    return;
                };
                stream.fetch_cursor_us = end_us;
                stream.anchor = Some((sequence, start_us));
                stream.job = Some(SegmentJob {
                    request,
                    segment: SegmentRef {
                        sequence,
                        object,
                        len: 0,
                        start_us,
                        domain,
                        discontinuity,
                    },
                    end_us,
                    rendition,
                });
            }
            Err((status, _)) => {
                p.store_free(object);
                let policy = self.config.segment_retry;
                p.log(
                    LogLevel::Warn,
                    &alloc::format!("segment {sequence}: {status}"),
                );
                if let Some(stream) = self.stream_mut(kind) {
                    stream.segment_backoff.fail(p, &policy, now);
                }
            }
        }
    }

    /// Tells the ABR the ladder as it stands at `now` (exclusions expire).
    pub(super) fn set_ladder_at(&mut self, now: i64) {
        self.now_cache = now;
        self.set_ladder();
    }
}
