//! The state machine: start-up, stalls, pause, seeking, live edge and catch-up, end
//! of stream, stop.

use wasp_abi::decoder::DecoderState;
use wasp_abi::player::{PlayerState, ReportKind, StateReason};

use super::config::SeekMode;
use super::stream::{StreamKind, EPSILON_US};
use super::Player;
use crate::platform::Platform;

/// Normal play rate, thousandths.
const NORMAL_RATE: u32 = 1000;
/// Live catch-up rates (±3 %, inaudible pitch change on most content).
const FAST_RATE: u32 = 1030;
const SLOW_RATE: u32 = 970;
/// A clock that has not started this long after playback began is a stall (a device
/// takes a moment to present its first frame), µs.
const START_GRACE_US: i64 = 100_000;
/// A QoE snapshot is reported this often, µs.
const QOE_PERIOD_US: i64 = 1_000_000;

impl Player {
    /// End of the media buffered from the position in every stream, µs.
    pub(super) fn buffer_end_us(&self) -> i64 {
        let position = self.target_us.unwrap_or(self.position_us);
        [self.main.as_ref(), self.audio.as_ref()]
            .into_iter()
            .flatten()
            .map(|s| s.buffered_end_us(position))
            .min()
            .unwrap_or(position)
    }

    /// Whether every stream fetched its last segment.
    fn fetched_all(&self) -> bool {
        [self.main.as_ref(), self.audio.as_ref()]
            .into_iter()
            .flatten()
            .all(|s| s.fetched_all && s.job.is_none())
    }

    /// Moves every stream to `target` (start or seek): what is buffered there is
    /// re-fed from the store, anything else is dropped and fetched from there.
    pub(super) fn reposition<P: Platform>(&mut self, p: &mut P, target: i64) {
        for slot in [self.video.as_ref(), self.audio_decoder.as_ref()]
            .into_iter()
            .flatten()
        {
            p.decoder_flush(slot.id);
        }
        let accurate = self.config.seek_mode == SeekMode::Accurate;
        for kind in [StreamKind::Main, StreamKind::Audio] {
            let Some(stream) = self.stream_mut(kind) else {
                continue;
            };
            stream.feeder.reset();
            stream.eos_sent = false;
            let buffered = stream
                .buffered
                .iter()
                .find(|b| b.segment.start_us <= target + EPSILON_US && target < b.end_us)
                .map(|b| b.segment.start_us);
            match buffered {
                Some(start) => {
                    // Inside the buffer: no refetch.
                    stream.feed_cursor_us = start;
                }
                None => {
                    stream.drop_all(p);
                    let start = stream
                        .rendition()
                        .and_then(|r| r.segment_at(target).map(|s| r.start_us(s)))
                        .unwrap_or(target);
                    stream.fetch_cursor_us = start;
                    stream.feed_cursor_us = start;
                    stream.fetched_all = false;
                }
            }
            stream.feeder.present_from_us = accurate.then_some(target);
        }
        self.target_us = Some(target);
        self.position_us = target;
        self.last_played_position = None;
        if let Some(s) = self.subtitles.as_mut() {
            s.seek(target);
        }
        // The clock is anchored when playback is about to start, after the decoders
        // opened (a port re-anchors on open) and, for keyframe seeks, once the
        // keyframe is known.
        self.clock_anchored = false;
    }

    /// Anchors the media clock where presentation starts: the target (accurate) or
    /// the first keyframe demuxed (keyframe seeks).
    fn anchor_clock<P: Platform>(&mut self, p: &mut P) {
        let target = self.target_us.unwrap_or(self.position_us);
        let anchor = match self.config.seek_mode {
            SeekMode::Accurate => target,
            SeekMode::Keyframe => self
                .main
                .as_ref()
                .and_then(|m| m.feeder.first_keyframe_us)
                .or_else(|| self.audio.as_ref().and_then(|a| a.feeder.first_keyframe_us))
                .unwrap_or(target),
        };
        let _ = p.media_set_position(anchor);
        self.clock_anchored = true;
        self.target_us = Some(anchor);
        self.position_us = anchor;
    }

    pub(super) fn seek<P: Platform>(&mut self, p: &mut P, target: i64) {
        if !matches!(
            self.state,
            PlayerState::Buffering
                | PlayerState::Playing
                | PlayerState::Paused
                | PlayerState::Seeking
                | PlayerState::Ended
        ) {
            return;
        }
        let span = self
            .main
            .as_ref()
            .and_then(|m| m.rendition())
            .and_then(|r| r.span_us());
        let target = match span {
            Some((first, last)) => target.clamp(first, (last - 1).max(first)),
            None => target.max(0),
        };
        if self.state == PlayerState::Playing {
            let _ = p.media_set_rate(0);
            self.rate_milli = 0;
        }
        if self.state == PlayerState::Ended {
            self.intent_play = true;
        }
        self.close_stall(p);
        self.reposition(p, target);
        self.set_state(p, PlayerState::Seeking, StateReason::Command);
    }

    /// Live: the position fell out of the window: start again at the live edge.
    pub(super) fn rejoin_live<P: Platform>(&mut self, p: &mut P) {
        // The freshest variant playlist says where the window is now.
        let span = self.main.as_ref().and_then(|m| {
            m.renditions
                .iter()
                .filter_map(|r| {
                    let td = r
                        .playlist
                        .as_ref()
                        .map(|pl| super::stream::micros(pl.target_duration))?;
                    r.span_us().map(|s| (s, td))
                })
                .max_by_key(|((_, end), _)| *end)
        });
        let Some(((first, last), td)) = span else {
            return;
        };
        let target = self.config.live_start_us(first, last, td);
        self.qoe.errors_recovered += 1;
        if self.state == PlayerState::Playing {
            let _ = p.media_set_rate(0);
            self.rate_milli = 0;
            self.begin_stall(p);
        }
        self.reposition(p, target);
    }

    pub(super) fn play<P: Platform>(&mut self, p: &mut P) {
        self.intent_play = true;
        if self.state == PlayerState::Paused {
            self.start_playing(p, StateReason::Command);
        }
    }

    pub(super) fn pause<P: Platform>(&mut self, p: &mut P) {
        self.intent_play = false;
        if self.state == PlayerState::Playing {
            let _ = p.media_set_rate(0);
            self.rate_milli = 0;
            self.set_state(p, PlayerState::Paused, StateReason::Command);
        }
    }

    fn start_playing<P: Platform>(&mut self, p: &mut P, reason: StateReason) {
        let rate = NORMAL_RATE;
        let _ = p.media_set_rate(rate);
        self.rate_milli = rate;
        if self.qoe.startup_us.is_none() {
            if let Some(load) = self.qoe.load_us {
                self.qoe.startup_us = Some(self.now_cache - load);
            }
        }
        self.close_stall(p);
        self.target_us = None;
        self.playing_since_us = self.now_cache;
        self.set_state(p, PlayerState::Playing, reason);
    }

    fn begin_stall<P: Platform>(&mut self, _p: &mut P) {
        if self.qoe.startup_us.is_some() && self.qoe.stall_since_us.is_none() {
            self.qoe.rebuffer_count += 1;
            self.qoe.stall_since_us = Some(self.now_cache);
        }
    }

    fn close_stall<P: Platform>(&mut self, _p: &mut P) {
        if let Some(since) = self.qoe.stall_since_us.take() {
            self.qoe.rebuffer_us += self.now_cache - since;
        }
    }

    /// Stops: everything is released, a session summary is reported, `Idle`.
    pub(super) fn stop<P: Platform>(&mut self, p: &mut P, reason: StateReason) {
        if self.state == PlayerState::Idle {
            return;
        }
        self.close_stall(p);
        self.release(p);
        p.report_text(ReportKind::Event, &self.qoe.summary());
        self.set_state(p, PlayerState::Idle, reason);
    }

    /// Closes every request, store object and decoder.
    pub(super) fn release<P: Platform>(&mut self, p: &mut P) {
        if let Some(r) = self.manifest.take() {
            r.abort(p);
        }
        if let Some(load) = self.progressive_load.take() {
            load.abort(p);
        }
        if let Some(s) = self.subtitles.take() {
            s.abort(p);
        }
        for mut stream in [self.main.take(), self.audio.take()].into_iter().flatten() {
            stream.drop_all(p);
            stream.cancel_playlist(p);
        }
        for slot in [self.video.take(), self.audio_decoder.take()]
            .into_iter()
            .flatten()
        {
            if let Ok(stats) = p.decoder_info(slot.id) {
                self.qoe.dropped_frames = slot.dropped_before + stats.dropped;
            }
            if let Some((object, _)) = slot.inband {
                p.store_free(object);
            }
            p.decoder_close(slot.id);
        }
        if self.rate_milli != 0 {
            let _ = p.media_set_rate(0);
            self.rate_milli = 0;
        }
        self.clock_anchored = false;
        self.forced_rung = None;
        self.playing_rendition = None;
        self.last_fetched_rendition = None;
    }

    /// Reads the clock and the decoders; moves the state machine.
    pub(super) fn update_playback<P: Platform>(&mut self, p: &mut P, now: i64) {
        if matches!(
            self.state,
            PlayerState::Idle | PlayerState::Error | PlayerState::Loading
        ) {
            return;
        }
        let clock = p.media_clock().ok();
        if let (Some(c), true) = (clock, self.clock_anchored) {
            if self.target_us.is_none() {
                self.position_us = c.position_us;
            }
        }
        self.track_frames(p);
        let buffered = self.buffer_end_us() - self.target_us.unwrap_or(self.position_us);
        let all = self.fetched_all();
        let running = clock.is_some_and(|c| c.running != 0);
        match self.state {
            PlayerState::Buffering | PlayerState::Seeking => {
                let threshold = if self.qoe.stall_since_us.is_some() {
                    self.config.rebuffer_threshold_us
                } else {
                    self.config.start_threshold_us
                };
                if buffered >= threshold || all {
                    if !self.clock_anchored {
                        self.anchor_clock(p);
                    }
                    if self.intent_play {
                        self.start_playing(p, StateReason::Buffer);
                    } else {
                        self.close_stall(p);
                        self.target_us = None;
                        self.set_state(p, PlayerState::Paused, StateReason::Buffer);
                    }
                }
            }
            PlayerState::Playing => {
                self.account_played();
                if self.ended(p) {
                    let _ = p.media_set_rate(0);
                    self.rate_milli = 0;
                    self.set_state(p, PlayerState::Ended, StateReason::EndOfStream);
                    p.report_text(ReportKind::Event, &self.qoe.summary());
                } else if !running
                    && !all
                    && self.now_cache - self.playing_since_us >= START_GRACE_US
                {
                    // The device starved: a rebuffer.
                    let _ = p.media_set_rate(0);
                    self.rate_milli = 0;
                    self.begin_stall(p);
                    self.set_state(p, PlayerState::Buffering, StateReason::Buffer);
                } else if self.live && self.config.live_catch_up {
                    self.catch_up(p);
                }
            }
            _ => {}
        }
        if now - self.last_qoe_report_us >= QOE_PERIOD_US {
            self.last_qoe_report_us = now;
            let report = self.qoe.report(
                self.state,
                self.position_us,
                self.duration_us(),
                buffered.max(0),
            );
            p.report_qoe(&report);
        }
    }

    /// Whether playback reached the end: every stream sent end of stream and the
    /// decoders drained (or the clock passed the end).
    fn ended<P: Platform>(&mut self, p: &mut P) -> bool {
        if self.live {
            return false;
        }
        let sent = [self.main.as_ref(), self.audio.as_ref()]
            .into_iter()
            .flatten()
            .all(|s| s.eos_sent);
        if !sent {
            return false;
        }
        let drained = [self.video.as_ref(), self.audio_decoder.as_ref()]
            .into_iter()
            .flatten()
            .all(|slot| {
                p.decoder_info(slot.id)
                    .is_ok_and(|s| s.state == DecoderState::Drained)
            });
        drained || self.position_us >= self.end_us - 20_000
    }

    fn account_played(&mut self) {
        if let Some(last) = self.last_played_position {
            let delta = self.position_us - last;
            if delta > 0 && delta < 10_000_000 {
                self.qoe.played(delta);
            }
        }
        self.last_played_position = Some(self.position_us);
        // The variant on screen: the segment at the position.
        let playing = self.main.as_ref().and_then(|m| {
            m.buffered
                .iter()
                .find(|b| {
                    b.segment.start_us <= self.position_us + EPSILON_US
                        && self.position_us < b.end_us
                })
                .map(|b| b.rendition)
        });
        if let (Some(index), Some(main)) = (playing, self.main.as_ref()) {
            if self.playing_rendition != Some(index) {
                self.playing_rendition = Some(index);
                if let Some(r) = main.renditions.get(index) {
                    self.qoe.bitrate_bps = r.bandwidth;
                    self.qoe.width = r.width;
                    self.qoe.height = r.height;
                }
                // The dropped-frames rule judges each variant on its own frames.
                self.frames_base = self.last_frames;
            }
        }
    }

    /// Reads the video decoder's counters: QoE and the ABR's dropped-frames rule.
    fn track_frames<P: Platform>(&mut self, p: &mut P) {
        let Some(slot) = self.video.as_ref() else {
            return;
        };
        let Ok(stats) = p.decoder_info(slot.id) else {
            return;
        };
        if self.qoe.first_frame_us.is_none() && stats.last_pts_us != i64::MIN {
            if let Some(load) = self.qoe.load_us {
                self.qoe.first_frame_us = Some(self.now_cache - load);
            }
        }
        self.qoe.dropped_frames = slot.dropped_before + stats.dropped;
        self.last_frames = (stats.decoded, stats.dropped);
        let (decoded, dropped) = (
            stats.decoded.saturating_sub(self.frames_base.0),
            stats.dropped.saturating_sub(self.frames_base.1),
        );
        // Judged against the variant on screen (a switch reaches the screen only after
        // the buffer ahead of it played out).
        match self.playing_rendition {
            Some(rung) => self.abr.record_frames_at(rung, decoded, dropped),
            None => self.abr.record_frames(decoded, dropped),
        }
    }

    fn catch_up<P: Platform>(&mut self, p: &mut P) {
        let Some(r) = self.main.as_ref().and_then(|m| m.rendition()) else {
            return;
        };
        let Some(edge) = self.live_edge_us() else {
            return;
        };
        let td = r
            .playlist
            .as_ref()
            .map_or(0, |pl| super::stream::micros(pl.target_duration));
        let target = self.config.live_edge_distance_us(td);
        let latency = edge - self.position_us;
        let rate = if latency > target + td / 2 {
            FAST_RATE
        } else if latency < target - td / 2 {
            SLOW_RATE
        } else if (self.rate_milli == FAST_RATE && latency > target)
            || (self.rate_milli == SLOW_RATE && latency < target)
        {
            self.rate_milli
        } else {
            NORMAL_RATE
        };
        if rate != self.rate_milli {
            let _ = p.media_set_rate(rate);
            self.rate_milli = rate;
        }
    }
}
