//! Subtitles: a WebVTT rendition (HLS `EXT-X-MEDIA TYPE=SUBTITLES`, RFC 8216
//! §4.3.4.1) fetched alongside the media, its cues placed on the presentation
//! timeline and kept for the on-screen display ([`Player::active_cues`]).
//!
//! Cue times follow RFC 8216 §3.5: with `X-TIMESTAMP-MAP` a cue at `LOCAL` is at the
//! 90 kHz media time `MPEGTS` (rebased like the media's own timestamps); without it
//! cue times are on the playlist's timeline.

use alloc::string::String;
use alloc::vec::Vec;

use wasp_abi::player::LogLevel;

use super::loader::{Backoff, Progress, Request, Sink};
use super::stream::{micros, EPSILON_US};
use super::timeline::Timeline;
use super::Player;
use crate::hls::MediaPlaylist;
use crate::platform::Platform;
use crate::time::{Micros, MPEG_TIMESCALE};
use crate::vtt::{Cue, Item, Parser};

/// Most cues kept (bounded memory whatever the file).
const MAX_CUES: usize = 512;
/// Largest subtitle segment accepted, bytes.
const MAX_SEGMENT_BYTES: usize = 256 << 10;
/// Subtitles fetched this far ahead of the position, µs.
const AHEAD_US: i64 = 30_000_000;
/// Cues kept this long after they ended, µs (a seek back a little shows them).
const KEEP_US: i64 = 10_000_000;

/// A subtitle rendition on offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubtitleOption {
    /// `NAME`.
    pub name: String,
    /// `LANGUAGE`.
    pub language: String,
    /// Its media playlist.
    pub uri: String,
    /// `DEFAULT=YES`.
    pub default: bool,
    /// `FORCED=YES`.
    pub forced: bool,
}

/// The selected subtitle rendition.
pub(super) struct Subtitles {
    uri: String,
    playlist: Option<MediaPlaylist>,
    request: Option<(Request, Option<u64>)>,
    backoff: Backoff,
    /// The playlist time up to which segments were fetched, µs.
    cursor_us: i64,
    /// The cues, on the presentation timeline, by start.
    pub cues: Vec<Cue>,
}

impl Subtitles {
    pub(super) fn new(uri: String, position_us: i64) -> Self {
        Self {
            uri,
            playlist: None,
            request: None,
            backoff: Backoff::default(),
            cursor_us: position_us,
            cues: Vec::new(),
        }
    }

    pub(super) fn abort<P: Platform>(self, p: &mut P) {
        if let Some((r, _)) = self.request {
            r.abort(p);
        }
    }

    /// Moves to `position` after a seek: the cues are dropped and fetching restarts
    /// there (the segment holding `position` is fetched again).
    pub(super) fn seek(&mut self, position_us: i64) {
        self.cursor_us = position_us;
        self.cues.clear();
    }

    /// Loads the playlist, then the segments ahead of `position`.
    pub(super) fn tick<P: Platform>(
        &mut self,
        p: &mut P,
        timeline: &mut Timeline,
        position: i64,
        now: i64,
        policy: &super::RetryPolicy,
        timeout_ms: u32,
    ) {
        self.cues.retain(|c| c.end.0 + KEEP_US >= position);
        if let Some((request, sequence)) = self.request.as_mut() {
            let sequence = *sequence;
            match request.poll(p) {
                Progress::Pending => return,
                Progress::Failed(f) => {
                    if let Some((r, _)) = self.request.take() {
                        r.abort(p);
                    }
                    p.log(
                        LogLevel::Warn,
                        &alloc::format!("subtitles: {} (HTTP {})", f.status, f.http),
                    );
                    if !self.backoff.fail(p, policy, now) {
                        // Give this segment up: subtitles never stop playback.
                        self.backoff = Backoff::default();
                        if sequence.is_some() {
                            self.skip_segment();
                        }
                    }
                    return;
                }
                Progress::Done => {
                    let Some((request, _)) = self.request.take() else {
                        return;
                    };
                    self.backoff = Backoff::default();
                    let Sink::Memory(bytes, _) = request.close(p) else {
                        return;
                    };
                    match sequence {
                        None => match MediaPlaylist::parse_bytes(&bytes, &self.uri) {
                            Ok(pl) => self.playlist = Some(pl),
                            Err(e) => {
                                p.log(LogLevel::Warn, &alloc::format!("subtitles playlist: {e}"))
                            }
                        },
                        Some(seq) => self.add_segment(p, timeline, seq, &bytes),
                    }
                }
            }
        }
        if !self.backoff.ready(now) {
            return;
        }
        let url = match &self.playlist {
            None => Some((self.uri.clone(), None, None)),
            Some(pl) => {
                let local = self.cursor_us.saturating_add(EPSILON_US);
                pl.segments
                    .iter()
                    .find(|s| micros(s.end()) > local)
                    .filter(|s| micros(s.start) <= position + AHEAD_US)
                    // Cue times map through the media's timestamps: wait until the
                    // media placed this discontinuity domain on the timeline.
                    .filter(|s| timeline.knows(s.discontinuity_sequence))
                    .map(|s| {
                        (
                            s.uri.clone(),
                            s.byte_range.map(|r| (r.offset, r.length)),
                            Some(s.sequence),
                        )
                    })
            }
        };
        let Some((url, range, sequence)) = url else {
            return;
        };
        let sink = Sink::Memory(Vec::new(), MAX_SEGMENT_BYTES);
        match Request::open(p, &url, range, sink, timeout_ms) {
            Ok(r) => self.request = Some((r, sequence)),
            Err(_) => {
                self.backoff.fail(p, policy, now);
            }
        }
    }

    fn skip_segment(&mut self) {
        let local = self.cursor_us.saturating_add(EPSILON_US);
        if let Some(s) = self
            .playlist
            .as_ref()
            .and_then(|pl| pl.segments.iter().find(|s| micros(s.end()) > local))
        {
            self.cursor_us = micros(s.end());
        }
    }

    fn add_segment<P: Platform>(
        &mut self,
        p: &mut P,
        timeline: &mut Timeline,
        sequence: u64,
        bytes: &[u8],
    ) {
        let Some(segment) = self.playlist.as_ref().and_then(|pl| pl.segment(sequence)) else {
            return;
        };
        let (start, end, domain) = (
            micros(segment.start),
            micros(segment.end()),
            segment.discontinuity_sequence,
        );
        self.cursor_us = end;
        let mut parser = Parser::new();
        let mut cues = Vec::new();
        let mut sink = |item: Item| {
            if let Item::Cue(c) = item {
                cues.push(c);
            }
        };
        if parser
            .push(bytes, &mut sink)
            .and_then(|()| parser.finish(&mut sink))
            .is_err()
        {
            p.log(
                LogLevel::Warn,
                &alloc::format!("subtitles segment {sequence}: not WebVTT"),
            );
            return;
        }
        let map = parser.timestamp_map();
        for mut cue in cues {
            let mut place = |t: Micros| -> Micros {
                match map {
                    Some(m) => {
                        let ticks = m.mpegts as i64
                            + (t.0 - m.local.0) * i64::from(MPEG_TIMESCALE) / 1_000_000;
                        Micros(timeline.place(domain, start, ticks, MPEG_TIMESCALE))
                    }
                    None => t,
                }
            };
            let (s, e) = (place(cue.start), place(cue.end));
            cue.start = s;
            cue.end = e;
            // A cue repeated in the next segment (RFC 8216 §3.5 allows it) is kept once.
            if self
                .cues
                .iter()
                .any(|c| c.start == cue.start && c.end == cue.end && c.text == cue.text)
            {
                continue;
            }
            if self.cues.len() >= MAX_CUES {
                self.cues.remove(0);
            }
            let at = self.cues.partition_point(|c| c.start <= cue.start);
            self.cues.insert(at, cue);
        }
    }
}

impl Player {
    /// The subtitle cues on screen now (none when subtitles are off).
    pub fn active_cues(&self) -> impl Iterator<Item = &Cue> {
        let t = Micros(self.position_us);
        self.subtitles
            .iter()
            .flat_map(|s| s.cues.iter())
            .filter(move |c| c.is_active_at(t))
    }

    /// The next presentation time after the position at which the cues on screen
    /// change (a cue starts or ends), µs; `None` when none is known. A display wakes
    /// then, so a cue is drawn from its start and cleared exactly at its end.
    pub fn next_cue_change_us(&self) -> Option<i64> {
        let t = self.position_us;
        self.subtitles
            .iter()
            .flat_map(|s| s.cues.iter())
            .flat_map(|c| [c.start.0, c.end.0])
            .filter(|&b| b > t)
            .min()
    }

    /// The subtitle renditions on offer.
    pub fn subtitle_options(&self) -> &[SubtitleOption] {
        &self.subtitle_options
    }

    /// Selects a subtitle rendition by language or name (empty: off). Chosen before
    /// the manifest is in, the choice waits for it.
    pub(super) fn select_subtitle<P: Platform>(&mut self, p: &mut P, name: &str) {
        if let Some(old) = self.subtitles.take() {
            old.abort(p);
        }
        self.subtitle_choice = (!name.is_empty()).then(|| String::from(name));
        self.apply_subtitle_choice(p);
    }

    /// Starts the chosen subtitle rendition once it is on offer.
    pub(super) fn apply_subtitle_choice<P: Platform>(&mut self, p: &mut P) {
        let Some(name) = self.subtitle_choice.clone() else {
            return;
        };
        if self.subtitles.is_some() || self.subtitle_options.is_empty() {
            return;
        }
        let Some(option) = self
            .subtitle_options
            .iter()
            .find(|o| o.name == name || o.language == name)
        else {
            p.log(
                LogLevel::Warn,
                &alloc::format!("no subtitle rendition named {name}"),
            );
            return;
        };
        self.subtitles = Some(Subtitles::new(option.uri.clone(), self.position_us));
        p.report_text(
            wasp_abi::player::ReportKind::Event,
            &alloc::format!("subtitles {name}"),
        );
    }

    /// Drives the subtitle rendition.
    pub(super) fn tick_subtitles<P: Platform>(&mut self, p: &mut P, now: i64) {
        let position = self.target_us.unwrap_or(self.position_us);
        let policy = self.config.playlist_retry;
        let timeout = self.config.request_timeout_ms;
        if let Some(s) = self.subtitles.as_mut() {
            s.tick(p, &mut self.timeline, position, now, &policy, timeout);
        }
    }
}
