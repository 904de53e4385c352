//! # wasp-audio: the audio player module
//!
//! A small module for audio devices (internet radios, smart speakers, children's
//! players) that fits in two pages (128 KiB) of guest memory, stack, data and heap
//! together: everything it buffers lives in the runtime's media store, bounded by
//! `buffer_kib`, and frames go to the device's decoder by reference.
//!
//! * **Internet radio** ([`progressive`], [`icy`]): ICY/SHOUTcast/Icecast MP3 and AAC
//!   (ADTS) streams; the fetch asks for `Icy-MetaData: 1`, the `icy-metaint` blocks are
//!   stripped from the audio whatever the read boundaries, and `StreamTitle` is the
//!   now-playing text.
//! * **Podcasts**: progressive MP3 and ADTS AAC files, over `http(s)://` or `file://`,
//!   played to the end.
//! * **HLS audio-only** ([`hls`]): a master playlist's audio-only variant or a media
//!   playlist, MPEG-TS or packed-audio segments, live playlists reloaded.
//! * **Framing** ([`pipeline`]): the engine's elementary-stream demuxer (MP3 frame sync
//!   and headers, ADTS, resync after garbage) gives the decoder whole frames.
//! * **Stations** ([`stations`]): `station.N.name` / `station.N.url` from the
//!   configuration; Next/ChannelUp/Right/Down and Previous/ChannelDown/Left/Up change
//!   station, Ok/PlayPause/Play/Pause pause and resume, Stop stops; volume keys are
//!   the device's.
//! * **Screen** ([`screen`]): the now-playing screen, redrawn only when it changes.
//!
//! Configuration keys: `url`, `title`, `station.N.name`, `station.N.url`,
//! `buffer_kib` (default 48, at most what the media store allows), `start_ms` (audio
//! queued before the clock starts, default 500). See `docs/audio.md`.
#![no_std]

extern crate alloc;

pub mod feed;
pub mod hls;
pub mod icy;
pub mod pipeline;
pub mod progressive;
#[cfg(all(target_arch = "wasm32", not(test)))]
mod runtime;
pub mod screen;
pub mod stations;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use wasp_guest::abi::event::Command;
use wasp_guest::abi::key::{Key, KeyAction};
use wasp_guest::abi::player::{feature, PlayerState, StateReason};
use wasp_guest::config::Config;
use wasp_guest::events::{self, Event};
use wasp_guest::{caps, info, media, report, warn, Player, Status};

use feed::Feed;
use hls::Hls;
use progressive::{Progress, Progressive};
use screen::{NowPlaying, Screen};
use stations::Station;

wasp_guest::module!(
    player = Audio,
    name = "audio",
    version = env!("CARGO_PKG_VERSION"),
    requires = feature::AUDIO_DECODE | feature::FETCH,
);

/// Events handled per tick (bounded work).
const MAX_EVENTS: usize = 16;
/// Bytes read from a fetch at a time (the only stream bytes in guest memory).
const READ_BYTES: usize = 2048;
/// Default bound of the media store the module uses.
const DEFAULT_BUFFER_KIB: u64 = 48;
/// Default audio queued before the clock starts, ms.
const DEFAULT_START_MS: i64 = 500;
/// Wake period while playing or loading, µs.
const WAKE_US: i64 = 20_000;
/// Reconnections of a dropped radio stream before giving up.
const MAX_RECONNECTS: u32 = 8;
/// The wait before the first reconnection, µs; it doubles up to [`MAX_BACKOFF_US`].
const FIRST_BACKOFF_US: i64 = 1_000_000;
/// The longest wait between reconnections, µs.
const MAX_BACKOFF_US: i64 = 10_000_000;
/// Wake period when nothing plays, µs.
const IDLE_US: i64 = 250_000;

/// Where the audio comes from.
#[derive(Debug)]
enum Source {
    /// Radio or a podcast file: one fetch (boxed: its demuxer is the larger state).
    Progressive(Box<Progressive>),
    /// HLS: playlists and segments.
    Hls(Hls),
}

impl Source {
    /// Opens `url`: HLS for a `.m3u8`, else a progressive stream.
    fn open(url: &str) -> Result<Self, Status> {
        if hls::is_playlist(url) {
            Hls::open(url).map(Source::Hls)
        } else {
            Progressive::open(url).map(|p| Source::Progressive(Box::new(p)))
        }
    }
}

/// The module's state.
#[derive(Debug)]
pub struct Audio {
    stations: Vec<Station>,
    current: usize,
    source: Option<Source>,
    feed: Feed,
    buffer_bytes: u64,
    start_us: i64,
    screen: Screen,
    /// The now-playing text from the stream, if it sent one.
    stream_title: Option<String>,
    state: PlayerState,
    /// The clock was started for this stream.
    started: bool,
    paused: bool,
    buf: Vec<u8>,
    /// The time of the tick running, port µs.
    now_us: i64,
    /// A dropped radio stream is reopened then (port µs).
    reconnect_at: Option<i64>,
    /// Reconnections so far for this station.
    reconnects: u32,
}

impl Player for Audio {
    fn init() -> Result<Self, Status> {
        // The font first: its atlas is unpacked (43 KiB) and freed before anything
        // else takes a place in the small heap.
        let (width, height) = caps::display().map_or((0, 0), |d| (d.width, d.height));
        let mut screen = Screen::new(width, height);
        if let Err(status) = screen.load_font() {
            warn!("audio: no font: {status}");
        }
        let config = Config::load().unwrap_or_else(|status| {
            warn!("audio: no configuration: {status}");
            Config::default()
        });
        let stations = stations::from_config(&config);
        let store = caps::memory().map(|m| m.media_store).unwrap_or(0);
        let mut buffer_bytes = config
            .get("buffer_kib")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(DEFAULT_BUFFER_KIB)
            .saturating_mul(1024);
        if store > 0 {
            buffer_bytes = buffer_bytes.min(store);
        }
        let start_us = config
            .get("start_ms")
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(DEFAULT_START_MS)
            .clamp(0, 10_000)
            * 1000;
        info!(
            "audio: {} stations, buffer {} KiB, display {width}x{height}",
            stations.len(),
            buffer_bytes / 1024
        );
        let mut audio = Audio {
            stations,
            current: 0,
            source: None,
            feed: Feed::new(buffer_bytes),
            buffer_bytes,
            start_us,
            screen,
            stream_title: None,
            state: PlayerState::Idle,
            started: false,
            paused: false,
            buf: vec![0; READ_BYTES],
            now_us: 0,
            reconnect_at: None,
            reconnects: 0,
        };
        audio.report(PlayerState::Idle, StateReason::None);
        if !audio.stations.is_empty() {
            audio.tune(0);
        }
        Ok(audio)
    }

    fn tick(&mut self, now_us: i64) -> i64 {
        self.now_us = now_us;
        for _ in 0..MAX_EVENTS {
            match events::poll() {
                Ok(Some(event)) => self.event(event),
                Ok(None) => break,
                Err(_) => break,
            }
        }
        self.play();
        if let Err(status) = self.screen.show(&self.view()) {
            warn!("audio: draw: {status}");
        }
        match self.state {
            PlayerState::Idle | PlayerState::Ended | PlayerState::Error => now_us + IDLE_US,
            _ => now_us + WAKE_US,
        }
    }
}

impl Audio {
    /// Plays station `i` from the start (dropping what played before).
    fn tune(&mut self, i: usize) {
        self.stop();
        let Some(station) = self.stations.get(i) else {
            return;
        };
        self.current = i;
        info!("audio: station {} {}", i, station.url);
        match Source::open(&station.url) {
            Ok(source) => {
                self.source = Some(source);
                self.report(PlayerState::Loading, StateReason::Command);
            }
            Err(status) => {
                warn!("audio: cannot open {}: {status}", station.url);
                self.report(PlayerState::Error, StateReason::Network);
            }
        }
    }

    /// Reopens a dropped radio stream when its wait is over.
    fn reconnect(&mut self) {
        let (Some(at), Some(station)) = (self.reconnect_at, self.stations.get(self.current)) else {
            return;
        };
        if self.now_us < at {
            return;
        }
        self.reconnect_at = None;
        info!("audio: reconnecting to {}", station.url);
        match Progressive::resume(&station.url, self.feed.written()) {
            Ok(source) => self.source = Some(Source::Progressive(Box::new(source))),
            Err(status) => {
                warn!("audio: cannot reopen {}: {status}", station.url);
                self.report(PlayerState::Error, StateReason::Network);
            }
        }
    }

    /// Drops the source, the feed and the decoder.
    fn stop(&mut self) {
        self.reconnect_at = None;
        self.reconnects = 0;
        if self.source.is_some() {
            log_heap();
        }
        self.source = None;
        self.feed = Feed::new(self.buffer_bytes);
        self.stream_title = None;
        self.started = false;
        self.paused = false;
        let _ = media::set_rate(0);
    }

    fn report(&mut self, state: PlayerState, reason: StateReason) {
        if self.state != state || state == PlayerState::Idle {
            self.state = state;
            let _ = report::state(state, reason);
        }
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Key(key) if key.action != KeyAction::Up => self.key(key.key),
            Event::Command(command, argument) => match command.command {
                Command::Load => {
                    self.stations.insert(
                        0,
                        Station {
                            name: argument.clone(),
                            url: argument,
                        },
                    );
                    self.tune(0);
                }
                Command::Play => self.set_paused(false),
                Command::Pause => self.set_paused(true),
                Command::Stop => {
                    self.stop();
                    self.report(PlayerState::Idle, StateReason::Command);
                }
                _ => {}
            },
            _ => {}
        }
    }

    fn key(&mut self, key: Key) {
        let len = self.stations.len();
        match key {
            Key::Next | Key::ChannelUp | Key::Right | Key::Down => {
                self.tune(stations::step(self.current, len, true));
            }
            Key::Previous | Key::ChannelDown | Key::Left | Key::Up => {
                self.tune(stations::step(self.current, len, false));
            }
            Key::Ok | Key::PlayPause => {
                if self.source.is_none() {
                    self.tune(self.current);
                } else {
                    self.set_paused(!self.paused);
                }
            }
            Key::Play => self.set_paused(false),
            Key::Pause => self.set_paused(true),
            Key::Stop | Key::Back => {
                self.stop();
                self.report(PlayerState::Idle, StateReason::Key);
            }
            // Volume and everything else are the device's.
            _ => {}
        }
    }

    fn set_paused(&mut self, paused: bool) {
        if self.source.is_none() || self.paused == paused {
            return;
        }
        self.paused = paused;
        if self.started {
            let _ = media::set_rate(if paused { 0 } else { 1000 });
        }
        if paused {
            self.report(PlayerState::Paused, StateReason::Key);
        } else if self.started {
            self.report(PlayerState::Playing, StateReason::Key);
        }
    }

    /// Reads, frames, submits, and runs the clock.
    fn play(&mut self) {
        if self.source.is_none() {
            self.reconnect();
        }
        let Some(source) = &mut self.source else {
            return;
        };
        let mut title = None;
        let progress = match source {
            Source::Progressive(p) => p.step(&mut self.feed, &mut self.buf, &mut title),
            Source::Hls(h) => h.step(&mut self.feed, &mut self.buf, self.now_us),
        };
        if let Some(raw) = title {
            self.stream_title = Some(icy::title_text(&raw));
        }
        self.feed.pump();
        if let Some(status) = self.feed.failed {
            warn!("audio: {status}");
            self.source = None;
            self.report(PlayerState::Error, StateReason::Decoder);
            return;
        }
        let ended = match progress {
            Progress::Ended => true,
            Progress::Open => false,
            Progress::Failed(status) => {
                let radio = matches!(source, Source::Progressive(p) if p.is_radio());
                self.source = None;
                if radio && self.reconnects < MAX_RECONNECTS {
                    // A radio stream that drops is reopened (with a growing wait);
                    // what was buffered plays on meanwhile.
                    let wait = (FIRST_BACKOFF_US << self.reconnects).min(MAX_BACKOFF_US);
                    self.reconnects += 1;
                    warn!(
                        "audio: stream dropped ({status}), reconnecting in {} ms",
                        wait / 1000
                    );
                    self.feed.continue_after_gap();
                    self.reconnect_at = Some(self.now_us + wait);
                } else {
                    warn!("audio: stream failed: {status}");
                    self.report(PlayerState::Error, StateReason::Network);
                }
                return;
            }
        };
        if ended && self.feed.track().is_none() {
            warn!("audio: no audio frames in the stream");
            self.source = None;
            self.report(PlayerState::Error, StateReason::Malformed);
            return;
        }
        if !self.started
            && (self.feed.submitted_us() >= self.start_us || (ended && self.feed.frames > 0))
        {
            self.started = true;
            let _ = media::set_position(0);
            if !self.paused {
                let _ = media::set_rate(1000);
                self.report(PlayerState::Playing, StateReason::Buffer);
            }
        }
        if ended && self.feed.drained() {
            self.source = None;
            self.report(PlayerState::Ended, StateReason::EndOfStream);
            log_heap();
        }
    }

    /// What the screen shows now.
    fn view(&self) -> NowPlaying {
        let station = self.stations.get(self.current);
        let position = media::clock().map_or(0, |c| c.position_us);
        let state = match self.state {
            PlayerState::Idle => "Stopped",
            PlayerState::Loading | PlayerState::Buffering => "Buffering",
            PlayerState::Playing => "Playing",
            PlayerState::Paused => "Paused",
            PlayerState::Ended => "Ended",
            _ => "Error",
        };
        // Without a title from the stream (a podcast), the file's name.
        let title = self.stream_title.clone().unwrap_or_else(|| {
            let url = station.map_or("", |s| s.url.as_str());
            let path = url.split(['?', '#']).next().unwrap_or(url);
            String::from(path.rsplit('/').next().unwrap_or(path))
        });
        // The clock runs on past the end of the audio on some devices: the elapsed
        // time stops at what was played.
        let elapsed_us = position.min(self.feed.submitted_us());
        NowPlaying {
            station: station.map(|s| s.name.clone()).unwrap_or_default(),
            title,
            elapsed_s: if self.started {
                elapsed_us / 1_000_000
            } else {
                0
            },
            state,
            buffer_percent: self.feed.level_percent(),
            index: (self.current + 1, self.stations.len()),
        }
    }
}

/// Logs the heap's size and high-water mark (`audio: heap high-water N of M bytes`).
fn log_heap() {
    #[cfg(all(target_arch = "wasm32", not(test)))]
    {
        let (size, peak) = runtime::heap_use();
        info!("audio: heap high-water {peak} of {size} bytes");
    }
}
