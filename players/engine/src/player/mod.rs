//! The playback engine: what to fetch when, what to feed the decoders, and how to
//! react to the network and the device.
//!
//! A [`Player`] is driven by its embedder (the module's `wasp_tick`, or the native
//! simulator): [`Player::command`] for what the viewer asks, [`Player::tick`] for
//! everything else. Each tick does bounded work and returns when it next wants to
//! run. It talks to the device only through a [`Platform`].
//!
//! The parts, one file each:
//! * [`config`]: every setting and the reasoning behind its default;
//! * `loader`: requests with timeouts and retries (exponential backoff, jitter);
//! * `stream`: a stream of segments (the variant ladder, an alternate audio
//!   rendition): playlists, segments held in the media store, the request in flight;
//! * `schedule`: which request to start next (buffer goal, byte budget, ABR,
//!   exclusions, live reloads);
//! * `feed` and `submit`: segments demuxed from the store into access units on the
//!   presentation timeline (`timeline`), then to the decoders as their queues allow;
//! * `playback`: the state machine, seeking, live catch-up, end of stream;
//! * [`qoe`]: the session's quality of experience.
//!
//! States (reported with their cause through [`Platform::report_state`]):
//! `Idle → Loading → Buffering ⇄ Playing ⇄ Paused`, `Seeking` from any of the last
//! three, `Ended`, and `Error` with a [`StateReason`].

pub mod command;
pub mod config;
mod dash;
mod feed;
mod loader;
mod manifest;
mod playback;
mod progressive;
pub mod qoe;
mod schedule;
mod stream;
mod submit;
mod subtitles;
mod timeline;

use alloc::string::String;
use alloc::vec::Vec;

use wasp_abi::player::{PlayerState, StateReason};

use crate::abr::Abr;
use crate::media::TrackInfo;
use crate::platform::{DecoderId, Platform};
pub use command::Command;
pub use config::{AbrRule, PlayerConfig, RetryPolicy, SeekMode};
use loader::{Backoff, Request};
pub use qoe::Qoe;
use stream::Stream;
pub use subtitles::SubtitleOption;
use timeline::Timeline;

/// An open decoder and the track configuration it was opened or last fed with.
#[derive(Debug)]
struct DecoderSlot {
    id: DecoderId,
    track: TrackInfo,
    /// Parameter sets to send in band before the next keyframe (a variant switch
    /// changed the codec configuration): object and length.
    inband: Option<(u32, u32)>,
    /// Counters of decoders closed before this one (QoE keeps the session's sum).
    dropped_before: u32,
}

/// An alternate audio rendition on offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudioOption {
    /// `NAME`.
    pub name: String,
    /// `LANGUAGE`.
    pub language: String,
    /// Its media playlist, `None` when the audio is muxed in the variants.
    pub uri: Option<String>,
    /// `DEFAULT=YES`.
    pub default: bool,
}

/// The player.
pub struct Player {
    config: PlayerConfig,
    state: PlayerState,
    reason: StateReason,
    /// The viewer wants playback (false after pause).
    intent_play: bool,
    url: Option<String>,
    start_request: Option<i64>,
    manifest: Option<Request>,
    manifest_backoff: Backoff,
    main: Option<Stream>,
    audio: Option<Stream>,
    audio_options: Vec<AudioOption>,
    audio_choice: Option<usize>,
    subtitle_choice: Option<String>,
    timeline: Timeline,
    abr: Abr,
    /// The rung the next main segment must use (an abandoned download).
    forced_rung: Option<usize>,
    video: Option<DecoderSlot>,
    audio_decoder: Option<DecoderSlot>,
    live: bool,
    /// Presentation end (VOD), µs.
    end_us: i64,
    /// `media_set_position` was called since the last flush.
    clock_anchored: bool,
    /// A seek (or the start) waiting to land: target, µs.
    target_us: Option<i64>,
    position_us: i64,
    last_played_position: Option<i64>,
    qoe: Qoe,
    last_success_us: i64,
    last_qoe_report_us: i64,
    /// Decoder counters when the playing variant last changed (dropped-frames rule).
    frames_base: (u32, u32),
    playing_rendition: Option<usize>,
    rate_milli: u32,
    /// Last rendition whose segment completed (switch counting).
    last_fetched_rendition: Option<usize>,
    /// The time of the current tick or command, µs.
    now_cache: i64,
    /// The video decoder's last (decoded, dropped) counters.
    last_frames: (u32, u32),
    /// A progressive file's `moov` search.
    progressive_load: Option<progressive::Load>,
    /// When playback last (re)started, µs.
    playing_since_us: i64,
    /// Subtitle renditions on offer.
    subtitle_options: Vec<SubtitleOption>,
    /// The selected subtitle rendition.
    subtitles: Option<subtitles::Subtitles>,
}

impl Player {
    /// An idle player.
    pub fn new(config: PlayerConfig) -> Self {
        let abr = Abr::new(config.abr);
        Self {
            config,
            state: PlayerState::Idle,
            reason: StateReason::None,
            intent_play: true,
            url: None,
            start_request: None,
            manifest: None,
            manifest_backoff: Backoff::default(),
            main: None,
            audio: None,
            audio_options: Vec::new(),
            audio_choice: None,
            subtitle_choice: None,
            timeline: Timeline::default(),
            abr,
            forced_rung: None,
            video: None,
            audio_decoder: None,
            live: false,
            end_us: 0,
            clock_anchored: false,
            target_us: None,
            position_us: 0,
            last_played_position: None,
            qoe: Qoe::default(),
            last_success_us: 0,
            last_qoe_report_us: 0,
            frames_base: (0, 0),
            playing_rendition: None,
            rate_milli: 0,
            last_fetched_rendition: None,
            now_cache: 0,
            last_frames: (0, 0),
            progressive_load: None,
            playing_since_us: 0,
            subtitle_options: Vec::new(),
            subtitles: None,
        }
    }

    /// The state.
    pub fn state(&self) -> PlayerState {
        self.state
    }

    /// Why the player is in its state.
    pub fn reason(&self) -> StateReason {
        self.reason
    }

    /// The playback position, µs on the presentation timeline.
    pub fn position_us(&self) -> i64 {
        self.position_us
    }

    /// The presentation's end, µs (0 for live).
    pub fn duration_us(&self) -> i64 {
        if self.live {
            0
        } else {
            self.end_us
        }
    }

    /// Live: how far the position is behind the live edge (the end of the last
    /// segment in the playlist), µs; `None` for VOD or before the playlist.
    pub fn live_latency_us(&self) -> Option<i64> {
        if !self.live {
            return None;
        }
        Some(self.live_edge_us()? - self.position_us)
    }

    /// Live: the end of the newest segment any loaded variant lists, µs on the
    /// timeline (variants reload at different times; the freshest one knows best).
    fn live_edge_us(&self) -> Option<i64> {
        self.main
            .as_ref()?
            .renditions
            .iter()
            .filter_map(|r| r.span_us().map(|(_, end)| end))
            .max()
    }

    /// Whether the presentation is live.
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// The session's quality of experience so far.
    pub fn qoe(&self) -> &Qoe {
        &self.qoe
    }

    /// The ABR controller (its estimate, its current rung).
    pub fn abr(&self) -> &Abr {
        &self.abr
    }

    /// The alternate audio renditions on offer.
    pub fn audio_options(&self) -> &[AudioOption] {
        &self.audio_options
    }

    /// The selected alternate audio rendition (index into [`Player::audio_options`]),
    /// `None` before a choice (the manifest's default plays).
    pub fn audio_choice(&self) -> Option<usize> {
        self.audio_choice
    }

    /// The selected subtitle rendition, if any.
    pub fn subtitle(&self) -> Option<&str> {
        self.subtitle_choice.as_deref()
    }

    /// The variant ladder: (bandwidth, width, height, playable) by ascending bandwidth.
    pub fn variants(&self) -> impl Iterator<Item = (u32, u32, u32, bool)> + '_ {
        self.main
            .iter()
            .flat_map(|s| s.renditions.iter())
            .map(|r| (r.bandwidth, r.width, r.height, r.playable))
    }

    /// The variant of the segment playing now (index into [`Player::variants`]).
    pub fn playing_variant(&self) -> Option<usize> {
        self.playing_rendition
    }

    /// Media buffered ahead of the position, µs.
    pub fn buffered_us(&self) -> i64 {
        self.buffer_end_us().saturating_sub(self.position_us).max(0)
    }

    /// Carries out a command.
    pub fn command<P: Platform>(&mut self, p: &mut P, command: Command) {
        self.now_cache = p.now_us();
        match command {
            Command::Load { url, start_us } => self.load(p, url, start_us),
            Command::Play => self.play(p),
            Command::Pause => self.pause(p),
            Command::Seek(t) => self.seek(p, t),
            Command::SeekRelative(d) => {
                let base = self.target_us.unwrap_or(self.position_us);
                self.seek(p, base.saturating_add(d));
            }
            Command::Stop => self.stop(p, StateReason::Command),
            Command::SelectAudio(name) => self.select_audio(p, &name),
            Command::SelectSubtitle(name) => self.select_subtitle(p, &name),
            Command::SetQuality(cap) => self.abr.set_cap(cap),
        }
    }

    /// Does the work that is due; returns when it next wants to run, µs.
    pub fn tick<P: Platform>(&mut self, p: &mut P) -> i64 {
        let now = p.now_us();
        self.now_cache = now;
        if matches!(self.state, PlayerState::Idle | PlayerState::Error) {
            return now + 1_000_000;
        }
        self.poll_manifest(p, now);
        if self.state == PlayerState::Error {
            return now + 1_000_000;
        }
        self.poll_requests(p, now);
        self.schedule(p, now);
        self.feed(p);
        self.tick_subtitles(p, now);
        self.update_playback(p, now);
        self.next_wake(now)
    }

    fn set_state<P: Platform>(&mut self, p: &mut P, state: PlayerState, reason: StateReason) {
        if self.state == state && self.reason == reason {
            return;
        }
        self.state = state;
        self.reason = reason;
        p.report_state(state, reason);
    }

    /// Fails the session: everything is released, the state is `Error(reason)`.
    fn fail<P: Platform>(&mut self, p: &mut P, reason: StateReason, message: &str) {
        self.qoe.errors_fatal += 1;
        p.report_text(wasp_abi::player::ReportKind::Error, message);
        self.release(p);
        self.set_state(p, PlayerState::Error, reason);
    }

    fn next_wake(&self, now: i64) -> i64 {
        let busy = [self.main.as_ref(), self.audio.as_ref()]
            .into_iter()
            .flatten()
            .any(|s| {
                s.job.is_some()
                    || s.playlist_job.is_some()
                    || !s.feeder.pending.is_empty()
                    || !s.feeder.idle()
            });
        if busy || self.manifest.is_some() {
            now + 10_000
        } else {
            now + 50_000
        }
    }
}
