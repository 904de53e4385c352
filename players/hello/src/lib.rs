//! # wasp-hello: the demo module
//!
//! A small, honest module on `wasp-guest`, run by the demo until the real player
//! exists. It plays nothing: it fetches a URL, reports the states a player would go
//! through, and draws a title bar and a row of five slots that the remote control moves
//! through.
//!
//! * **init**: logs `hello: wasp <abi version>`, reads `url` and `title` from the
//!   configuration, asks for the display, uploads an 8x8 A8 box used as a glyph, and
//!   reports `Idle`.
//! * **load** (a `Load` command, or at start when `url` is configured): fetches the URL
//!   (`Loading`); once it is complete logs `hello: fetched N bytes: <first line>` and
//!   reports `Buffering`, then `Playing` (reason `Command`).
//! * **keys**: `Left`/`Right` move the focus (`hello: focus N`), `Ok` logs
//!   `hello: select N`, `PlayPause` toggles `Playing`/`Paused` (reason `Key`) and sets
//!   the media rate to 1000/0, `Back` reports `Idle`.
//! * **each tick**: redraws when something changed, reports a QoE snapshot once per
//!   second (the position advances while `Playing`), and asks to run again in 16.7 ms
//!   while something moves, else in 100 ms.
#![no_std]

extern crate alloc;

mod screen;

use alloc::string::String;
use alloc::vec::Vec;
use wasp_guest::abi::caps::DisplayInfo;
use wasp_guest::abi::event::{Command, DeviceEventKind};
use wasp_guest::abi::fetch::FetchRequest;
use wasp_guest::abi::key::{Key, KeyAction};
use wasp_guest::abi::player::{feature, PlayerState, QoeReport, ReportKind, StateReason};
use wasp_guest::abi::ABI_VERSION;
use wasp_guest::config::Config;
use wasp_guest::events::{self, Event};
use wasp_guest::gfx::Image;
use wasp_guest::{info, media, report, warn, Fetch, Player, Status};

wasp_guest::module!(
    player = Hello,
    name = "hello",
    version = env!("CARGO_PKG_VERSION"),
    requires = feature::GRAPHICS | feature::INPUT | feature::FETCH,
);

/// Focusable slots in the row.
const SLOTS: usize = 5;
/// Wake period while something moves (60 Hz).
const FRAME_US: i64 = 16_666;
/// Wake period when nothing moves.
const IDLE_US: i64 = 100_000;
/// QoE report period.
const QOE_PERIOD_US: i64 = 1_000_000;
/// Events handled per tick (bounded work).
const MAX_EVENTS: usize = 64;
/// Fetch reads per tick, and their size.
const READS_PER_TICK: usize = 16;
const READ_CHUNK: usize = 4096;
/// Bytes kept from the start of a fetched body, for its first line.
const HEAD_BYTES: usize = 256;

/// A fetch in progress.
#[derive(Debug)]
struct Load {
    fetch: Fetch,
    url: String,
    received: u64,
    head: Vec<u8>,
}

/// The demo's state.
#[derive(Debug)]
pub struct Hello {
    title: String,
    /// The configured URL, loaded on the first tick.
    start_url: Option<String>,
    display: DisplayInfo,
    glyph: Option<Image>,
    state: PlayerState,
    focus: usize,
    load: Option<Load>,
    position_us: i64,
    last_tick_us: Option<i64>,
    next_qoe_us: Option<i64>,
    /// Something visible changed since the last frame.
    dirty: bool,
    screen: screen::Screen,
}

impl Player for Hello {
    fn init() -> Result<Self, Status> {
        info!("hello: wasp {ABI_VERSION}");
        let config = Config::load().unwrap_or_else(|status| {
            warn!("hello: no configuration: {status}");
            Config::default()
        });
        let display = screen::display();
        info!("hello: display {}x{}", display.width, display.height);
        let glyph = match screen::glyph_box() {
            Ok(image) => Some(image),
            Err(status) => {
                warn!("hello: no glyph image: {status}");
                None
            }
        };
        let hello = Hello {
            title: String::from(config.get("title").unwrap_or("wasp hello")),
            start_url: config
                .get("url")
                .filter(|u| !u.is_empty())
                .map(String::from),
            display,
            glyph,
            state: PlayerState::Idle,
            focus: 0,
            load: None,
            position_us: 0,
            last_tick_us: None,
            next_qoe_us: None,
            dirty: true,
            screen: screen::Screen::default(),
        };
        hello.report_state(StateReason::None);
        Ok(hello)
    }

    fn tick(&mut self, now_us: i64) -> i64 {
        let elapsed = self
            .last_tick_us
            .map_or(0, |last| now_us.saturating_sub(last).max(0));
        self.last_tick_us = Some(now_us);
        if self.state == PlayerState::Playing {
            self.position_us = self.position_us.saturating_add(elapsed);
        }
        if let Some(url) = self.start_url.take() {
            self.start_load(url, StateReason::None);
        }
        self.poll_events();
        self.progress_load();
        let next_qoe = self.report_qoe(now_us);

        let animating = self.state == PlayerState::Playing || self.load.is_some();
        if self.dirty || animating {
            self.draw(now_us);
            self.dirty = false;
        }
        let wake = now_us.saturating_add(if animating { FRAME_US } else { IDLE_US });
        wake.min(next_qoe)
    }
}

impl Hello {
    fn poll_events(&mut self) {
        for _ in 0..MAX_EVENTS {
            match events::poll() {
                Ok(Some(event)) => self.handle(event),
                Ok(None) => return,
                Err(status) => {
                    warn!("hello: event_poll: {status}");
                    return;
                }
            }
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Key(key) if key.action != KeyAction::Up => self.key(key.key),
            Event::Command(command, argument) => match command.command {
                Command::Load => self.start_load(argument, StateReason::Command),
                Command::Play if self.state == PlayerState::Paused => {
                    self.toggle(StateReason::Command);
                }
                Command::Pause if self.state == PlayerState::Playing => {
                    self.toggle(StateReason::Command);
                }
                Command::Stop => self.stop(StateReason::Command),
                other => info!("hello: ignoring command {other}"),
            },
            Event::Device(device) if device.what == DeviceEventKind::OutputChanged => {
                self.display = screen::display();
                self.dirty = true;
            }
            _ => {}
        }
    }

    fn key(&mut self, key: Key) {
        match key {
            Key::Left | Key::Right => {
                self.focus = if key == Key::Left {
                    (self.focus + SLOTS - 1) % SLOTS
                } else {
                    (self.focus + 1) % SLOTS
                };
                info!("hello: focus {}", self.focus);
                self.dirty = true;
            }
            Key::Ok => info!("hello: select {}", self.focus),
            Key::PlayPause => self.toggle(StateReason::Key),
            Key::Back => {
                info!("hello: back");
                self.stop(StateReason::Key);
            }
            _ => {}
        }
    }

    /// Playing ⇄ Paused, with the media rate to match.
    fn toggle(&mut self, reason: StateReason) {
        let (state, rate) = match self.state {
            PlayerState::Playing => (PlayerState::Paused, 0),
            PlayerState::Paused => (PlayerState::Playing, 1000),
            _ => {
                info!("hello: nothing to play");
                return;
            }
        };
        if let Err(status) = media::set_rate(rate) {
            warn!("hello: media_set_rate {rate}: {status}");
        }
        self.set_state(state, reason);
    }

    fn stop(&mut self, reason: StateReason) {
        self.load = None; // closes a fetch in progress
        if matches!(self.state, PlayerState::Playing | PlayerState::Buffering) {
            let _ = media::set_rate(0);
        }
        self.position_us = 0;
        self.set_state(PlayerState::Idle, reason);
    }

    fn start_load(&mut self, url: String, reason: StateReason) {
        self.load = None;
        self.position_us = 0;
        match Fetch::open(&FetchRequest::get(), &url, "") {
            Ok(fetch) => {
                info!("hello: loading {url}");
                self.load = Some(Load {
                    fetch,
                    url,
                    received: 0,
                    head: Vec::new(),
                });
                self.set_state(PlayerState::Loading, reason);
            }
            Err(status) => self.fail(&url, status),
        }
    }

    /// Reads what has arrived; on the last byte, "starts playing".
    fn progress_load(&mut self) {
        let Some(load) = self.load.as_mut() else {
            return;
        };
        let mut chunk = [0u8; READ_CHUNK];
        for _ in 0..READS_PER_TICK {
            match load.fetch.read(&mut chunk) {
                Ok(n) => {
                    let bytes = chunk.get(..n).unwrap_or_default();
                    let keep = HEAD_BYTES.saturating_sub(load.head.len()).min(n);
                    load.head
                        .extend_from_slice(bytes.get(..keep).unwrap_or_default());
                    load.received += n as u64;
                }
                Err(Status::WouldBlock) => return,
                Err(Status::EndOfStream) => {
                    info!(
                        "hello: fetched {} bytes: {}",
                        load.received,
                        first_line(&load.head)
                    );
                    self.load = None;
                    self.set_state(PlayerState::Buffering, StateReason::Command);
                    if let Err(status) = media::set_rate(1000) {
                        warn!("hello: media_set_rate 1000: {status}");
                    }
                    self.set_state(PlayerState::Playing, StateReason::Command);
                    return;
                }
                Err(status) => {
                    let url = core::mem::take(&mut load.url);
                    self.load = None;
                    self.fail(&url, status);
                    return;
                }
            }
        }
    }

    fn fail(&mut self, url: &str, status: Status) {
        warn!("hello: fetch {url} failed: {status}");
        let _ = report::text(ReportKind::Error, status.name());
        self.set_state(PlayerState::Error, StateReason::Network);
    }

    fn set_state(&mut self, state: PlayerState, reason: StateReason) {
        if state != self.state {
            self.state = state;
            self.report_state(reason);
            self.dirty = true;
        }
    }

    fn report_state(&self, reason: StateReason) {
        info!("hello: state {} ({reason})", self.state);
        if let Err(status) = report::state(self.state, reason) {
            warn!("hello: report_state: {status}");
        }
    }

    /// Sends a QoE snapshot when its second has come; returns when the next is due.
    fn report_qoe(&mut self, now_us: i64) -> i64 {
        let due = *self
            .next_qoe_us
            .get_or_insert(now_us.saturating_add(QOE_PERIOD_US));
        if now_us < due {
            return due;
        }
        let qoe = QoeReport {
            position_us: self.position_us,
            width: self.display.width,
            height: self.display.height,
            state: self.state,
            ..QoeReport::default()
        };
        if let Err(status) = report::qoe(&qoe) {
            warn!("hello: report qoe: {status}");
        }
        // Catch up without a burst if ticks came late.
        let next = due
            .saturating_add(QOE_PERIOD_US)
            .max(now_us.saturating_add(1));
        self.next_qoe_us = Some(next);
        next
    }

    fn draw(&mut self, now_us: i64) {
        let view = screen::View {
            display: &self.display,
            title: &self.title,
            glyph: self.glyph.as_ref(),
            state: self.state,
            focus: self.focus,
            slots: SLOTS,
            position_us: self.position_us,
            loading: self.load.is_some(),
            now_us,
        };
        self.screen.draw(&view);
    }
}

/// The first line of `head`, lossy, without its line ending.
fn first_line(head: &[u8]) -> String {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    String::from_utf8_lossy(line).into_owned()
}
