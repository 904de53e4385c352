//! Loading: the manifest, the streams it describes, capability filtering, media
//! playlists (first loads and live reloads) and init segments.

use alloc::string::String;
use alloc::vec::Vec;

use wasp_abi::caps::DecodingQuery;
use wasp_abi::media::Codec;
use wasp_abi::player::{LogLevel, PlayerState, ReportKind, StateReason};

use super::loader::{Backoff, Progress, Request, Sink};
use super::stream::{micros, Init, Rendition, Stream, StreamKind};
use super::{AudioOption, Player};
use crate::hls::{self, MasterPlaylist, MediaPlaylist, MediaType, Playlist};
use crate::platform::Platform;

/// The codec an RFC 6381 entry names (its four-character prefix).
fn codec_of(entry: &str) -> Codec {
    match entry.get(..4) {
        Some("avc1" | "avc3") => Codec::H264,
        Some("hvc1" | "hev1") => Codec::H265,
        Some("mp4a") if entry.ends_with(".34") => Codec::Mp3,
        Some("mp4a") => Codec::Aac,
        Some("ac-3") => Codec::Ac3,
        Some("ec-3") => Codec::Eac3,
        Some("Opus" | "opus") => Codec::Opus,
        _ => Codec::Unknown,
    }
}

impl Player {
    pub(super) fn load<P: Platform>(&mut self, p: &mut P, url: String, start_us: Option<i64>) {
        self.release(p);
        let now = p.now_us();
        self.qoe = super::Qoe {
            load_us: Some(now),
            ..super::Qoe::default()
        };
        self.timeline.clear();
        self.live = false;
        self.end_us = 0;
        self.start_request = start_us;
        self.intent_play = self.config.autoplay;
        self.subtitle_options.clear();
        self.audio_options.clear();
        self.target_us = None;
        self.position_us = start_us.unwrap_or(0);
        self.last_success_us = now;
        self.manifest_backoff = Backoff::default();
        self.url = Some(url);
        self.set_state(p, PlayerState::Loading, StateReason::Command);
        if self
            .url
            .as_deref()
            .is_some_and(super::progressive::is_progressive)
        {
            self.open_progressive(p);
        } else {
            self.open_manifest(p);
        }
    }

    fn open_manifest<P: Platform>(&mut self, p: &mut P) {
        let Some(url) = self.url.clone() else { return };
        let sink = Sink::Memory(Vec::new(), self.config.max_playlist_bytes);
        match Request::open(p, &url, None, sink, self.config.request_timeout_ms) {
            Ok(r) => self.manifest = Some(r),
            Err((status, _)) => {
                let now = p.now_us();
                if !self
                    .manifest_backoff
                    .fail(p, &self.config.playlist_retry, now)
                {
                    self.fail(
                        p,
                        StateReason::Network,
                        &alloc::format!("manifest {url}: {status}"),
                    );
                }
            }
        }
    }

    pub(super) fn poll_manifest<P: Platform>(&mut self, p: &mut P, now: i64) {
        if self.state != PlayerState::Loading {
            return;
        }
        if self.progressive_load.is_some() {
            return self.poll_progressive(p);
        }
        let Some(request) = self.manifest.as_mut() else {
            if self.main.is_none() && self.manifest_backoff.ready(now) {
                self.open_manifest(p);
            }
            return;
        };
        match request.poll(p) {
            Progress::Pending => {}
            Progress::Failed(f) => {
                if let Some(r) = self.manifest.take() {
                    r.abort(p);
                }
                let url = self.url.clone().unwrap_or_default();
                if (400..500).contains(&f.http) && f.http != 408 && f.http != 429 {
                    return self.fail(
                        p,
                        StateReason::Network,
                        &alloc::format!("manifest {url}: HTTP {}", f.http),
                    );
                }
                self.qoe.errors_recovered += 1;
                if !self
                    .manifest_backoff
                    .fail(p, &self.config.playlist_retry, now)
                {
                    self.fail(
                        p,
                        StateReason::Network,
                        &alloc::format!("manifest {url}: {}", f.status),
                    );
                }
            }
            Progress::Done => {
                let Some(request) = self.manifest.take() else {
                    return;
                };
                let super::loader::Sink::Memory(bytes, _) = request.close(p) else {
                    return;
                };
                self.last_success_us = now;
                let url = self.url.clone().unwrap_or_default();
                if super::dash::looks_like_mpd(&bytes) {
                    return self.open_mpd(p, &bytes, &url, now);
                }
                match hls::parse_bytes(&bytes, &url) {
                    Ok(Playlist::Master(master)) => self.open_master(p, master),
                    Ok(Playlist::Media(media)) => {
                        let rendition = Rendition {
                            uri: url,
                            playable: true,
                            ..Rendition::default()
                        };
                        self.audio_options.clear();
                        let stream = Stream::new(alloc::vec![rendition], true, true);
                        self.main = Some(stream);
                        self.set_ladder();
                        self.media_loaded(p, StreamKind::Main, 0, media, now);
                    }
                    Err(e) => self.fail(
                        p,
                        StateReason::Malformed,
                        &alloc::format!("manifest {url}: {e}"),
                    ),
                }
            }
        }
    }

    pub(super) fn open_master<P: Platform>(&mut self, p: &mut P, master: MasterPlaylist) {
        let display = p.display_info().ok();
        let mut renditions = Vec::new();
        for v in &master.variants {
            let codecs = v.stream.codecs.clone().unwrap_or_default();
            let (width, height) = v.stream.resolution.map_or((0, 0), |r| (r.width, r.height));
            let bandwidth = u32::try_from(v.stream.bandwidth).unwrap_or(u32::MAX);
            let frame_rate_milli = v.frame_rate_milli.unwrap_or(0);
            let playable = playable(
                p,
                display,
                &codecs,
                width,
                height,
                frame_rate_milli,
                bandwidth,
            );
            renditions.push((
                v.audio.clone(),
                Rendition {
                    uri: v.uri.clone(),
                    bandwidth,
                    width,
                    height,
                    frame_rate_milli,
                    playable,
                    ..Rendition::default()
                },
            ));
        }
        renditions.sort_by_key(|(_, r)| r.bandwidth);
        if !renditions.iter().any(|(_, r)| r.playable) {
            return self.fail(
                p,
                StateReason::Unsupported,
                "no variant of this stream can be played on this device",
            );
        }
        // Alternate audio: the group of the variants (the first that names one).
        let group = renditions.iter().find_map(|(g, _)| g.clone());
        self.audio_options = group
            .as_deref()
            .map(|g| {
                master
                    .group(MediaType::Audio, g)
                    .map(|r| AudioOption {
                        name: r.name.clone(),
                        language: r.language.clone().unwrap_or_default(),
                        uri: r.uri.clone(),
                        default: r.default,
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.subtitle_options = master
            .renditions
            .iter()
            .filter(|r| r.media_type == MediaType::Subtitles)
            .filter_map(|r| {
                Some(super::SubtitleOption {
                    name: r.name.clone(),
                    language: r.language.clone().unwrap_or_default(),
                    uri: r.uri.clone()?,
                    default: r.default,
                    forced: r.forced,
                })
            })
            .collect();
        self.apply_subtitle_choice(p);
        self.audio_choice = self
            .audio_options
            .iter()
            .position(|a| a.default)
            .or((!self.audio_options.is_empty()).then_some(0));
        let alternate = self
            .audio_choice
            .and_then(|i| self.audio_options.get(i))
            .and_then(|a| a.uri.clone());
        let main = Stream::new(
            renditions.into_iter().map(|(_, r)| r).collect(),
            true,
            alternate.is_none(),
        );
        self.main = Some(main);
        self.audio = alternate.map(audio_stream);
        self.set_ladder();
        // The first variant: what the ABR picks with no buffer.
        let first = self.abr.select(0, 4_000_000);
        if let Some(main) = self.main.as_mut() {
            main.current = first.min(main.renditions.len().saturating_sub(1));
        }
    }

    /// Tells the ABR the ladder, with excluded and unplayable variants marked.
    pub(super) fn set_ladder(&mut self) {
        let Some(main) = self.main.as_ref() else {
            return;
        };
        let now = self.now_cache;
        let mut rungs: Vec<crate::abr::Rung> = main
            .renditions
            .iter()
            .map(|r| crate::abr::Rung {
                bitrate_bps: r.bandwidth,
                width: r.width,
                height: r.height,
                playable: r.playable && r.excluded_until_us <= now,
            })
            .collect();
        if !rungs.iter().any(|r| r.playable) {
            // Everything failed recently: try the playable ones again rather than stop.
            for (rung, r) in rungs.iter_mut().zip(&main.renditions) {
                rung.playable = r.playable;
            }
        }
        self.abr.set_ladder(&rungs);
    }

    /// Starts loading the playlist (or, `init`, the init segment) of a rendition.
    pub(super) fn open_playlist<P: Platform>(
        &mut self,
        p: &mut P,
        kind: StreamKind,
        index: usize,
        init: bool,
    ) {
        let timeout = self.config.request_timeout_ms;
        let (max_playlist, max_init) = (self.config.max_playlist_bytes, self.config.max_init_bytes);
        let Some(stream) = self.stream_mut(kind) else {
            return;
        };
        let Some(r) = stream.renditions.get(index) else {
            return;
        };
        let (url, range, cap) = if init {
            let Some(i) = r.init.as_ref() else { return };
            (
                i.uri.clone(),
                i.range.map(|s| (s.offset, s.length)),
                max_init,
            )
        } else {
            (r.uri.clone(), None, max_playlist)
        };
        match Request::open(p, &url, range, Sink::Memory(Vec::new(), cap), timeout) {
            Ok(request) => {
                if let Some(stream) = self.stream_mut(kind) {
                    stream.playlist_job = Some((request, index, init));
                }
            }
            Err(_) => {
                let now = p.now_us();
                let policy = self.config.playlist_retry;
                if let Some(stream) = self.stream_mut(kind) {
                    stream.playlist_backoff.fail(p, &policy, now);
                }
            }
        }
    }

    /// Polls a stream's playlist or init-segment load.
    pub(super) fn poll_playlist<P: Platform>(&mut self, p: &mut P, kind: StreamKind, now: i64) {
        let Some(stream) = self.stream_mut(kind) else {
            return;
        };
        let Some((request, _, _)) = stream.playlist_job.as_mut() else {
            return;
        };
        match request.poll(p) {
            Progress::Pending => {}
            Progress::Failed(f) => {
                let Some(stream) = self.stream_mut(kind) else {
                    return;
                };
                let Some((request, index, _)) = stream.playlist_job.take() else {
                    return;
                };
                request.abort(p);
                self.qoe.errors_recovered += 1;
                let policy = self.config.playlist_retry;
                let exclusion = self.config.exclusion_us;
                let Some(stream) = self.stream_mut(kind) else {
                    return;
                };
                if !stream.playlist_backoff.fail(p, &policy, now) {
                    // This rendition's playlist keeps failing: leave it out for a while.
                    if let Some(r) = stream.renditions.get_mut(index) {
                        r.excluded_until_us = now + exclusion;
                    }
                    stream.playlist_backoff.failures = 0;
                    p.log(
                        LogLevel::Warn,
                        &alloc::format!(
                            "playlist of rendition {index} failed: {} (HTTP {}); excluded",
                            f.status,
                            f.http
                        ),
                    );
                    self.set_ladder();
                }
            }
            Progress::Done => {
                let Some(stream) = self.stream_mut(kind) else {
                    return;
                };
                let Some((request, index, init)) = stream.playlist_job.take() else {
                    return;
                };
                stream.playlist_backoff = Backoff::default();
                let Sink::Memory(bytes, _) = request.close(p) else {
                    return;
                };
                self.last_success_us = now;
                if init {
                    if let Some(i) = self
                        .stream_mut(kind)
                        .and_then(|s| s.renditions.get_mut(index))
                        .and_then(|r| r.init.as_mut())
                    {
                        i.bytes = Some(bytes);
                    }
                    return;
                }
                let url = self
                    .stream_mut(kind)
                    .and_then(|s| s.renditions.get(index))
                    .map(|r| r.uri.clone())
                    .unwrap_or_default();
                match MediaPlaylist::parse_bytes(&bytes, &url) {
                    Ok(media) => self.media_loaded(p, kind, index, media, now),
                    Err(e) => {
                        self.qoe.errors_recovered += 1;
                        p.log(LogLevel::Warn, &alloc::format!("playlist {url}: {e}"));
                        let policy = self.config.playlist_retry;
                        if let Some(stream) = self.stream_mut(kind) {
                            if !stream.playlist_backoff.fail(p, &policy, now) {
                                let reason = StateReason::Malformed;
                                self.fail(p, reason, &alloc::format!("playlist {url}: {e}"));
                            }
                        }
                    }
                }
            }
        }
    }

    /// A media playlist arrived (first load or reload).
    pub(super) fn media_loaded<P: Platform>(
        &mut self,
        p: &mut P,
        kind: StreamKind,
        index: usize,
        media: MediaPlaylist,
        now: i64,
    ) {
        let anchor = self.timeline_anchor(kind);
        let Some(stream) = self.stream_mut(kind) else {
            return;
        };
        let Some(r) = stream.renditions.get_mut(index) else {
            return;
        };
        // A reload continues the previous timeline when the two overlap; a playlist
        // loaded long after the last one (a variant switched back to, a long pause)
        // is placed afresh.
        let merged = r
            .playlist
            .take()
            .and_then(|previous| hls::live::merge(&previous, media.clone()).ok())
            .filter(|m| m.missed == 0 && !m.restarted);
        let (playlist, changed) = match merged {
            Some(reload) => {
                let changed = reload.changed;
                (reload.playlist, changed)
            }
            None => {
                // Place a first load on the timeline: live renditions loaded at different
                // times are aligned by media sequence number.
                if let (Some((sequence, start_us)), false) = (anchor, media.end_list) {
                    if let Some(first) = media.segments.first() {
                        let target = micros(media.target_duration);
                        let own = match media.segment(sequence) {
                            Some(s) => micros(s.start),
                            None => {
                                let delta = i64::try_from(sequence).unwrap_or(0)
                                    - i64::try_from(first.sequence).unwrap_or(0);
                                micros(first.start) + delta * target
                            }
                        };
                        r.shift_us = start_us - own;
                    }
                }
                (media, true)
            }
        };
        r.reload_at_us = hls::live::reload_delay(&playlist, changed).map(|d| now + micros(d));
        // The init segment of the next segments (EXT-X-MAP), when fragmented MP4.
        let map = playlist.segments.last().and_then(|s| s.map.clone());
        if let Some(map) = map {
            let fresh = Init {
                uri: map.uri.clone(),
                range: map.byte_range,
                bytes: None,
            };
            let same = r
                .init
                .as_ref()
                .is_some_and(|i| i.uri == fresh.uri && i.range == fresh.range);
            if !same {
                r.init = Some(fresh);
            }
        }
        let live = !playlist.end_list;
        let span_end = r.shift_us
            + micros(playlist.duration())
            + playlist.segments.first().map_or(0, |s| micros(s.start));
        let target_duration = micros(playlist.target_duration);
        let start_override = playlist.start.map(|s| s.time_offset.0);
        r.playlist = Some(playlist);
        if kind == StreamKind::Main && self.state == PlayerState::Loading {
            self.live = live;
            self.end_us = span_end;
            self.begin(p, span_end, target_duration, start_override);
        } else if kind == StreamKind::Main && !live {
            self.end_us = self.end_us.max(span_end);
        }
    }

    /// The main stream's first playlist is in: choose where to start.
    fn begin<P: Platform>(
        &mut self,
        p: &mut P,
        span_end: i64,
        target_duration: i64,
        start_override: Option<i64>,
    ) {
        let span = self
            .main
            .as_ref()
            .and_then(|m| m.rendition())
            .and_then(Rendition::span_us);
        let Some((first, last)) = span else {
            return self.fail(p, StateReason::Malformed, "the playlist has no segments");
        };
        let start = if self.live {
            self.config.live_start_us(first, last, target_duration)
        } else {
            let requested = self.start_request.or(start_override.map(|o| {
                if o < 0 {
                    span_end + o
                } else {
                    first + o
                }
            }));
            requested
                .unwrap_or(first)
                .clamp(first, (span_end - 1).max(first))
        };
        p.report_text(
            ReportKind::Event,
            &alloc::format!(
                "loaded {} variants={} live={} duration_ms={} start_ms={}",
                self.url.clone().unwrap_or_default(),
                self.main.as_ref().map_or(0, |m| m.renditions.len()),
                self.live,
                if self.live {
                    0
                } else {
                    (span_end - first) / 1000
                },
                start / 1000
            ),
        );
        self.position_us = start;
        self.reposition(p, start);
        self.set_state(p, PlayerState::Buffering, StateReason::Command);
    }

    pub(super) fn stream_mut(&mut self, kind: StreamKind) -> Option<&mut Stream> {
        match kind {
            StreamKind::Main => self.main.as_mut(),
            StreamKind::Audio => self.audio.as_mut(),
        }
    }

    /// Where a stream's timeline is known: (a media sequence, its start, µs): the
    /// last segment it fetched, else the first playlist it loaded.
    fn timeline_anchor(&self, kind: StreamKind) -> Option<(u64, i64)> {
        let stream = match kind {
            StreamKind::Main => self.main.as_ref()?,
            StreamKind::Audio => self.audio.as_ref()?,
        };
        if stream.anchor.is_some() {
            return stream.anchor;
        }
        stream.renditions.iter().find_map(|r| {
            let playlist = r.playlist.as_ref()?;
            let last = playlist.segments.last()?;
            Some((last.sequence, r.start_us(last)))
        })
    }

    pub(super) fn select_audio<P: Platform>(&mut self, p: &mut P, name: &str) {
        let Some(index) = self
            .audio_options
            .iter()
            .position(|a| a.name == name || a.language == name)
        else {
            p.log(
                LogLevel::Warn,
                &alloc::format!("no audio rendition named {name}"),
            );
            return;
        };
        if self.audio_choice == Some(index) {
            return;
        }
        self.audio_choice = Some(index);
        let Some(uri) = self.audio_options.get(index).and_then(|a| a.uri.clone()) else {
            return;
        };
        if let Some(mut old) = self.audio.take() {
            old.drop_all(p);
            old.cancel_playlist(p);
        }
        if let Some(d) = self.audio_decoder.as_ref() {
            p.decoder_flush(d.id);
        }
        // A flushed decoder needs the clock re-anchored: playback resumes at the
        // position once the new rendition is buffered.
        let position = self.position_us;
        self.target_us = Some(position);
        self.clock_anchored = false;
        if self.state == PlayerState::Playing {
            let _ = p.media_set_rate(0);
            self.rate_milli = 0;
            self.set_state(p, PlayerState::Buffering, StateReason::Command);
        }
        let mut stream = audio_stream(uri);
        let position = self.position_us;
        stream.fetch_cursor_us = position;
        stream.feed_cursor_us = position;
        stream.feeder.present_from_us = Some(position);
        self.audio = Some(stream);
        p.report_text(ReportKind::Event, &alloc::format!("audio {name}"));
    }
}

/// Capability filtering: the device decodes every codec of the variant at its size,
/// frame rate and bitrate, and the video fits the display's video plane.
pub(super) fn playable<P: Platform>(
    p: &mut P,
    display: Option<wasp_abi::caps::DisplayInfo>,
    codecs: &str,
    width: u32,
    height: u32,
    frame_rate_milli: u32,
    bandwidth: u32,
) -> bool {
    let mut ok = true;
    for entry in codecs.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let codec = codec_of(entry);
        let video = matches!(codec, Codec::H264 | Codec::H265);
        let query = DecodingQuery {
            codec,
            width: if video { width } else { 0 },
            height: if video { height } else { 0 },
            framerate_milli: if video { frame_rate_milli } else { 0 },
            bitrate_bps: bandwidth,
            ..DecodingQuery::default()
        };
        if !p
            .decoding_info(&query, entry)
            .is_ok_and(|i| i.supported != 0)
        {
            ok = false;
        }
    }
    if let Some(d) = display {
        let (max_w, max_h) = (d.video_max_width, d.video_max_height);
        if max_w > 0 && max_h > 0 && (width > max_w || height > max_h) {
            ok = false;
        }
    }
    if !ok {
        p.log(
            LogLevel::Info,
            &alloc::format!(
                "variant {bandwidth} bit/s {width}x{height} {codecs}: not playable on this device"
            ),
        );
    }
    ok
}

pub(super) fn audio_stream(uri: String) -> Stream {
    alternate_audio(Rendition {
        uri,
        playable: true,
        ..Rendition::default()
    })
}

/// The stream of an alternate audio rendition: audio only, and it never places a
/// timestamp domain (the main stream does).
pub(super) fn alternate_audio(rendition: Rendition) -> Stream {
    let mut stream = Stream::new(alloc::vec![rendition], false, true);
    stream.feeder.opens_domains = false;
    stream
}
