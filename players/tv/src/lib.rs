//! # wasp-tv: the TV player module
//!
//! The engine's [`Player`](wasp_engine::player::Player) behind the module ABI. This
//! first version has no on-screen UI yet (the 10-foot UI lands on top of it); it
//! plays what it is told:
//!
//! * **configuration** (`config_read`, `key=value` lines): `url` (loaded at start),
//!   `start_ms` (start position), `seek_mode` (`accurate` | `keyframe`),
//!   `live_catch_up` (`1`), `autoplay` (`0` to start paused), `max_bitrate` (bits/s).
//! * **embedder commands**: every `wasp.h` command (load, play, pause, seek, relative
//!   seek, stop, audio/subtitle selection, quality cap).
//! * **remote keys**: `PlayPause`/`Ok` toggle, `Play`, `Pause`, `Left`/`SeekBack` −10 s,
//!   `Right`/`SeekForward` +10 s, `Stop`/`Back` stop, `Audio` cycles the audio
//!   renditions.
//! * **device events**: `Suspend` pauses.
#![no_std]

extern crate alloc;

use wasp_engine::platform::guest::GuestPlatform;
use wasp_engine::player::{Command, Player as Engine, PlayerConfig, SeekMode};
use wasp_guest::abi::event::DeviceEventKind;
use wasp_guest::abi::key::{Key, KeyAction};
use wasp_guest::abi::player::{feature, PlayerState};
use wasp_guest::config::Config;
use wasp_guest::events::{self, Event};
use wasp_guest::{Player, Status};

wasp_guest::module!(
    player = Tv,
    name = "tv",
    version = env!("CARGO_PKG_VERSION"),
    requires = feature::FETCH | feature::VIDEO_DECODE | feature::AUDIO_DECODE,
);

/// Events handled per tick (bounded work).
const MAX_EVENTS: usize = 64;
/// The step of the seek keys, µs.
const SEEK_STEP_US: i64 = 10_000_000;

/// The module.
pub struct Tv {
    player: Engine,
    platform: GuestPlatform,
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
        let mut tv = Tv {
            player: Engine::new(settings),
            platform: GuestPlatform,
        };
        if let Some(cap) = config.get("max_bitrate").and_then(|b| b.parse().ok()) {
            tv.player
                .command(&mut tv.platform, Command::SetQuality(Some(cap)));
        }
        if let Some(url) = config.get("url").filter(|u| !u.is_empty()) {
            let start_us = config
                .get("start_ms")
                .and_then(|s| s.parse::<i64>().ok())
                .map(|ms| ms.saturating_mul(1000));
            let load = Command::Load {
                url: url.into(),
                start_us,
            };
            tv.player.command(&mut tv.platform, load);
        }
        Ok(tv)
    }

    fn tick(&mut self, _now_us: i64) -> i64 {
        for _ in 0..MAX_EVENTS {
            match events::poll() {
                Ok(Some(event)) => self.event(event),
                Ok(None) => break,
                Err(_) => continue,
            }
        }
        self.player.tick(&mut self.platform)
    }
}

impl Tv {
    fn event(&mut self, event: Event) {
        let command = match event {
            Event::Command(c, argument) => Some(Command::from_event(&c, &argument)),
            Event::Key(k) if k.action == KeyAction::Down => self.key(k.key),
            Event::Device(d) if d.what == DeviceEventKind::Suspend => Some(Command::Pause),
            _ => None,
        };
        if let Some(c) = command {
            self.player.command(&mut self.platform, c);
        }
    }

    fn key(&self, key: Key) -> Option<Command> {
        Some(match key {
            Key::PlayPause | Key::Ok => match self.player.state() {
                PlayerState::Playing | PlayerState::Buffering => Command::Pause,
                _ => Command::Play,
            },
            Key::Play => Command::Play,
            Key::Pause => Command::Pause,
            Key::Left | Key::SeekBack => Command::SeekRelative(-SEEK_STEP_US),
            Key::Right | Key::SeekForward => Command::SeekRelative(SEEK_STEP_US),
            Key::Stop | Key::Back => Command::Stop,
            Key::Audio => {
                let options = self.player.audio_options();
                let next = options.get(1).or(options.first())?;
                Command::SelectAudio(next.name.clone())
            }
            _ => return None,
        })
    }
}
