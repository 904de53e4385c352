//! # wasp-tv: the TV player module
//!
//! The engine's [`Player`](wasp_engine::player::Player) with the 10-foot UI a viewer
//! sees on a TV stick or set-top box, drawn through the graphics-plane imports only,
//! so every device shows the same pixels ([`ui`]).
//!
//! * **configuration** (`config_read`, `key=value` lines): `url` (loaded at start),
//!   `title` (shown on the OSD; default: the URL's last path segment), `start_ms`
//!   (start position; without it the stored resume position applies, `resume=0`
//!   turns that off), `audio_lang` and `subtitle_lang` (preferred languages, comma
//!   separated, first match wins), `seek_mode` (`accurate` | `keyframe`),
//!   `live_catch_up` (`1`), `autoplay` (`0` to start paused), `max_bitrate`
//!   (bits/s), and `text.<key>=...` for every UI string ([`ui::strings::Strings`]).
//! * **embedder commands**: every `wasp.h` command (load, play, pause, seek, relative
//!   seek, stop, audio/subtitle selection, quality cap).
//! * **remote keys**: see [`ui::Ui::key`]: OK/PlayPause, Play, Pause, Stop; Left/Right
//!   seek 10 s (held: scrub with a preview, accelerating); Up/Down/Menu, Audio,
//!   Subtitle open the settings menu; Info shows or hides the OSD; Back closes,
//!   hides, then stops.
//! * **device events**: `Suspend` pauses and saves the resume position.
#![no_std]

extern crate alloc;

pub mod resume;
pub mod ui;
pub mod view;

use alloc::string::String;

use wasp_engine::platform::guest::GuestPlatform;
use wasp_engine::player::{Command, Player as Engine, PlayerConfig, SeekMode};
use wasp_guest::abi::event::DeviceEventKind;
use wasp_guest::abi::key::KeyAction;
use wasp_guest::abi::player::{feature, LogLevel, PlayerState};
use wasp_guest::config::Config;
use wasp_guest::events::{self, Event};
use wasp_guest::gfx::{self, Image};
use wasp_guest::{caps, log, time, Player, Status};

use ui::metrics::Metrics;
use ui::strings::Strings;
use ui::text::Text;
use ui::{Action, Ui};
use view::View;

wasp_guest::module!(
    player = Tv,
    name = "tv",
    version = env!("CARGO_PKG_VERSION"),
    requires = feature::FETCH | feature::VIDEO_DECODE | feature::AUDIO_DECODE,
);

/// Events handled per tick (bounded work).
const MAX_EVENTS: usize = 64;
/// The longest the module sleeps while something on screen moves (spinner, clock,
/// OSD timeout, a scrub waiting to commit), µs.
const UI_WAKE_US: i64 = 100_000;

/// The module.
pub struct Tv {
    player: Engine,
    platform: GuestPlatform,
    ui: Option<Ui>,
    url: String,
    resume: bool,
    saver: resume::Saver,
    audio_lang: String,
    subtitle_lang: String,
    languages_applied: bool,
    view: View,
}

impl Player for Tv {
    fn init() -> Result<Self, Status> {
        let config = Config::load().unwrap_or_else(|_| Config::from_text(""));
        let mut settings = PlayerConfig::default();
        if config.get("seek_mode") == Some("keyframe") {
            settings.seek_mode = SeekMode::Keyframe;
        }
        settings.live_catch_up = config.get("live_catch_up") == Some("1");
        settings.autoplay = config.get("autoplay") != Some("0");
        let url = String::from(config.get("url").unwrap_or(""));
        let title = config
            .get("title")
            .map(String::from)
            .unwrap_or_else(|| default_title(&url));
        let mut tv = Tv {
            player: Engine::new(settings),
            platform: GuestPlatform,
            ui: None,
            url,
            resume: config.get("resume") != Some("0"),
            saver: resume::Saver::default(),
            audio_lang: String::from(config.get("audio_lang").unwrap_or("")),
            subtitle_lang: String::from(config.get("subtitle_lang").unwrap_or("")),
            languages_applied: false,
            view: View::idle(),
        };
        tv.ui = ui_for_display(&config, title, !tv.url.is_empty());
        if let Some(cap) = config.get("max_bitrate").and_then(|b| b.parse().ok()) {
            tv.player
                .command(&mut tv.platform, Command::SetQuality(Some(cap)));
        }
        if !tv.url.is_empty() {
            let start_us = config
                .get("start_ms")
                .and_then(|s| s.parse::<i64>().ok())
                .map(|ms| ms.saturating_mul(1000));
            tv.load(start_us);
        }
        Ok(tv)
    }

    fn tick(&mut self, now_us: i64) -> i64 {
        for _ in 0..MAX_EVENTS {
            match events::poll() {
                Ok(Some(event)) => self.event(now_us, event),
                Ok(None) => break,
                Err(_) => continue,
            }
        }
        let next = self.player.tick(&mut self.platform);
        self.view.refresh(&self.player);
        self.apply_languages();
        if let Some(action) = self
            .ui
            .as_mut()
            .and_then(|ui| ui.update(now_us, &self.view))
        {
            self.act(action);
        }
        if self.resume && !self.url.is_empty() {
            self.saver.tick(now_us, &self.url, &self.view, false);
        }
        self.present(now_us);
        if self.ui.is_none() {
            return next;
        }
        let mut next = next.min(now_us + UI_WAKE_US);
        // Wake at the next cue boundary, so a subtitle is cleared at its end.
        if self.view.state == PlayerState::Playing {
            if let Some(boundary) = self.player.next_cue_change_us() {
                next = next.min(now_us + (boundary - self.view.position_us).max(0));
            }
        }
        next
    }
}

/// The UI for the port's display, or none (a headless device, or the atlas did not
/// fit the port's image budget: playback goes on without a UI, and says so).
fn ui_for_display(config: &Config, title: String, has_url: bool) -> Option<Ui> {
    let display = caps::display()
        .ok()
        .filter(|d| d.width > 0 && d.height > 0)?;
    let metrics = Metrics::new(&display);
    let mut upload = |desc: &_, pixels: &[u8]| Image::create(desc, pixels);
    match Text::new(&metrics, &mut upload) {
        Ok(text) => Some(Ui::new(
            metrics,
            text,
            Strings::from_config(config),
            title,
            has_url,
        )),
        Err(status) => {
            let _ = log::log_fmt(
                LogLevel::Error,
                format_args!("no on-screen UI: the font atlas was refused ({status})"),
            );
            None
        }
    }
}

/// The URL's last path segment without query or fragment.
fn default_title(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or("");
    String::from(path.rsplit('/').next().unwrap_or(path))
}

impl Tv {
    fn load(&mut self, start_us: Option<i64>) {
        let start_us = start_us.or_else(|| self.resume.then(|| resume::load(&self.url)).flatten());
        self.languages_applied = false;
        let load = Command::Load {
            url: self.url.clone(),
            start_us,
        };
        self.player.command(&mut self.platform, load);
    }

    /// Selects the preferred languages once the manifest has named its renditions.
    fn apply_languages(&mut self) {
        if self.languages_applied || self.view.state == PlayerState::Loading {
            return;
        }
        self.languages_applied = true;
        let pick = |wanted: &str, offered: &[(String, String)]| -> Option<String> {
            wanted
                .split(',')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .find_map(|l| {
                    offered
                        .iter()
                        .find(|(name, lang)| lang.eq_ignore_ascii_case(l) || name == l)
                        .map(|(name, _)| name.clone())
                })
        };
        if let Some(name) = pick(&self.audio_lang, &self.view.audio) {
            self.player
                .command(&mut self.platform, Command::SelectAudio(name));
        }
        if let Some(name) = pick(&self.subtitle_lang, &self.view.subtitles) {
            self.player
                .command(&mut self.platform, Command::SelectSubtitle(name));
        }
    }

    fn event(&mut self, now_us: i64, event: Event) {
        match event {
            Event::Command(c, argument) => {
                self.act(Action::Engine(Command::from_event(&c, &argument)))
            }
            Event::Key(k) => {
                let view = View::of(&self.player);
                let action = match self.ui.as_mut() {
                    Some(ui) => ui.key(now_us, k.key, k.action, &view),
                    None if k.action == KeyAction::Down => headless_key(k.key, &view),
                    None => None,
                };
                if let Some(a) = action {
                    self.act(a);
                }
            }
            Event::Device(d) if d.what == DeviceEventKind::Suspend => {
                self.act(Action::Engine(Command::Pause));
            }
            _ => {}
        }
    }

    fn act(&mut self, action: Action) {
        match action {
            Action::Engine(command) => {
                let saves = matches!(command, Command::Pause | Command::Stop);
                if saves && self.resume && !self.url.is_empty() {
                    let now = time::now().unwrap_or(0);
                    let view = View::of(&self.player);
                    self.saver.tick(now, &self.url, &view, true);
                }
                self.player.command(&mut self.platform, command);
            }
            Action::Reload { start_us } => {
                let start_us = start_us.or_else(|| {
                    let v = &self.view;
                    (v.position_us > 0 && v.state == PlayerState::Error).then_some(v.position_us)
                });
                self.load(start_us);
            }
        }
    }

    fn present(&mut self, now_us: i64) {
        let Some(ui) = self.ui.as_mut() else {
            return;
        };
        if let Some(list) = ui.frame(now_us, &self.view) {
            if let Err(status) = list.draw().and_then(|_| gfx::present()) {
                let _ = log::log_fmt(LogLevel::Warn, format_args!("frame not shown: {status}"));
            }
        }
    }
}

/// Keys on a device without a display (no UI): the transport keys, and seeks of
/// 10 s.
fn headless_key(key: wasp_guest::abi::key::Key, view: &View) -> Option<Action> {
    use wasp_guest::abi::key::Key;
    let command = match key {
        Key::Left | Key::SeekBack => Command::SeekRelative(-ui::SEEK_STEP_US),
        Key::Right | Key::SeekForward => Command::SeekRelative(ui::SEEK_STEP_US),
        Key::Back => Command::Stop,
        _ => ui::transport(key, view)?,
    };
    Some(Action::Engine(command))
}
