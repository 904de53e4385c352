//! The 10-foot UI: the on-screen display, the settings menu, subtitles, the error
//! screen and the remote-control keys that drive them.
//!
//! The UI reads a [`View`] of the player each tick and rebuilds its draw list; the
//! list is drawn and presented only when its bytes differ from the frame on screen,
//! so an idle screen costs nothing and a key's feedback is presented in the tick
//! that handled the key.

pub mod captions;
pub mod error;
pub mod menu;
pub mod metrics;
pub mod osd;
pub mod strings;
pub mod text;

use alloc::string::String;
use alloc::vec::Vec;

use wasp_engine::player::Command;
use wasp_guest::abi::gfx::{rgba, Color};
use wasp_guest::abi::key::{Key, KeyAction};
use wasp_guest::abi::player::PlayerState;
use wasp_guest::gfx::DrawList;

use crate::view::View;
use error::ErrorScreen;
use menu::Menu;
use metrics::Metrics;
use strings::Strings;
use text::Text;

/// How long the OSD stays up after a key, µs.
pub const OSD_SHOW_US: i64 = 5_000_000;
/// A scrub is committed this long after its last key when no release comes (ports
/// that report only presses), µs.
pub const SCRUB_COMMIT_US: i64 = 800_000;
/// The seek step of a single press, µs.
pub const SEEK_STEP_US: i64 = 10_000_000;

/// Transparent: the video shows through.
pub const CLEAR: Color = 0;
/// Panels behind text.
pub const PANEL: Color = rgba(0, 0, 0, 176);
/// Text.
pub const WHITE: Color = rgba(255, 255, 255, 255);
/// Secondary text and inactive parts.
pub const DIM: Color = rgba(255, 255, 255, 150);
/// Focus, progress.
pub const ACCENT: Color = rgba(0, 150, 255, 255);

/// What a screen part draws with: the frame's list, the text atlases, the display
/// and the UI's words.
pub struct Painter<'a> {
    /// The frame being built.
    pub list: &'a mut DrawList,
    /// Text drawing.
    pub text: &'a mut Text,
    /// The display.
    pub m: Metrics,
    /// The UI's words.
    pub strings: &'a Strings,
}

/// What the UI asks of the module after a key or a tick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// A player command.
    Engine(Command),
    /// Load the presentation again: at `start_us`, or where it was left (`None`).
    Reload {
        /// Where to start, µs.
        start_us: Option<i64>,
    },
}

/// A seek being chosen with the arrow keys: the preview position moves, the player
/// seeks once the key is released (or the presses stop).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scrub {
    /// The preview position, µs.
    pub target_us: i64,
    /// Auto-repeats so far (the step grows with them).
    pub repeats: u32,
    /// When the last press or repeat came, µs.
    pub last_us: i64,
}

impl Scrub {
    /// The step after `repeats` auto-repeats: 10 s, then 30 s after 5 repeats, then
    /// 60 s after 15 (about half a second and a second and a half of holding at the
    /// usual 10 Hz repeat rate).
    pub const fn step_us(repeats: u32) -> i64 {
        if repeats < 5 {
            SEEK_STEP_US
        } else if repeats < 15 {
            30_000_000
        } else {
            60_000_000
        }
    }
}

/// The UI.
pub struct Ui {
    metrics: Metrics,
    text: Text,
    strings: Strings,
    title: String,
    has_url: bool,
    osd_until_us: i64,
    menu: Option<Menu>,
    scrub: Option<Scrub>,
    error: ErrorScreen,
    list: DrawList,
    shown: Vec<u8>,
}

impl Ui {
    /// A UI for a display; `title` is shown on the OSD, `has_url` tells whether there
    /// is anything to play.
    pub fn new(
        metrics: Metrics,
        text: Text,
        strings: Strings,
        title: String,
        has_url: bool,
    ) -> Self {
        Ui {
            metrics,
            text,
            strings,
            title,
            has_url,
            osd_until_us: 0,
            menu: None,
            scrub: None,
            error: ErrorScreen::default(),
            list: DrawList::new(),
            shown: Vec::new(),
        }
    }

    /// Whether the OSD (title, progress, times) is up.
    pub fn osd_visible(&self, now_us: i64, view: &View) -> bool {
        view.is_active()
            && self.menu.is_none()
            && (now_us < self.osd_until_us
                || view.state == PlayerState::Paused
                || self.scrub.is_some())
    }

    /// Whether the settings menu is open.
    pub fn menu_open(&self) -> bool {
        self.menu.is_some()
    }

    /// The scrub in progress.
    pub fn scrub(&self) -> Option<Scrub> {
        self.scrub
    }

    /// Handles a remote key.
    pub fn key(&mut self, now_us: i64, key: Key, action: KeyAction, view: &View) -> Option<Action> {
        match action {
            KeyAction::Up => return self.release(key),
            KeyAction::Repeat => return self.repeat(now_us, key, view),
            KeyAction::Down => {}
        }
        if !is_ui_key(key) {
            return None;
        }
        if view.state == PlayerState::Error {
            return self.error.key(key);
        }
        let was_visible = self.osd_visible(now_us, view);
        self.osd_until_us = now_us.saturating_add(OSD_SHOW_US);
        if let Some(menu) = self.menu.as_mut() {
            match menu.key(key, view) {
                menu::Outcome::Handled(action) => return action,
                menu::Outcome::Close => {
                    self.menu = None;
                    return None;
                }
                menu::Outcome::Pass => {}
            }
        }
        if !view.is_active() {
            return match key {
                Key::Ok | Key::Play | Key::PlayPause if self.has_url => Some(Action::Reload {
                    start_us: (view.state == PlayerState::Ended).then_some(0),
                }),
                _ => None,
            };
        }
        if let Some(command) = transport(key, view) {
            return Some(Action::Engine(command));
        }
        let command = match key {
            Key::Left | Key::SeekBack => return self.seek_step(now_us, -1, view),
            Key::Right | Key::SeekForward => return self.seek_step(now_us, 1, view),
            Key::Back => {
                if self.scrub.take().is_some() {
                    return None;
                }
                if was_visible && view.state != PlayerState::Paused {
                    self.osd_until_us = 0;
                    return None;
                }
                Command::Stop
            }
            Key::Info => {
                // Info shows the OSD; pressed while it is up, it hides it.
                if was_visible {
                    self.osd_until_us = 0;
                }
                return None;
            }
            Key::Menu | Key::Up | Key::Down => return self.open_menu(menu::Tab::Audio, view),
            Key::Audio => return self.open_menu(menu::Tab::Audio, view),
            Key::Subtitle => return self.open_menu(menu::Tab::Subtitles, view),
            _ => return None,
        };
        Some(Action::Engine(command))
    }

    fn open_menu(&mut self, tab: menu::Tab, view: &View) -> Option<Action> {
        self.menu = Some(Menu::open(tab, view));
        None
    }

    fn seek_step(&mut self, now_us: i64, sign: i64, view: &View) -> Option<Action> {
        let base = self.scrub.map_or(view.position_us, |s| s.target_us);
        let repeats = self.scrub.map_or(0, |s| s.repeats);
        let target = clamp_target(base + sign * Scrub::step_us(repeats), view);
        self.scrub = Some(Scrub {
            target_us: target,
            repeats,
            last_us: now_us,
        });
        None
    }

    fn repeat(&mut self, now_us: i64, key: Key, view: &View) -> Option<Action> {
        if let Some(menu) = self.menu.as_mut() {
            if matches!(key, Key::Up | Key::Down) {
                return match menu.key(key, view) {
                    menu::Outcome::Handled(a) => a,
                    _ => None,
                };
            }
            return None;
        }
        let sign = match key {
            Key::Left | Key::SeekBack => -1,
            Key::Right | Key::SeekForward => 1,
            _ => return None,
        };
        if view.state == PlayerState::Error || !view.is_active() {
            return None;
        }
        self.osd_until_us = now_us.saturating_add(OSD_SHOW_US);
        if let Some(s) = self.scrub.as_mut() {
            s.repeats += 1;
        }
        self.seek_step(now_us, sign, view)
    }

    fn release(&mut self, key: Key) -> Option<Action> {
        match key {
            Key::Left | Key::Right | Key::SeekBack | Key::SeekForward => self.commit(),
            _ => None,
        }
    }

    fn commit(&mut self) -> Option<Action> {
        let s = self.scrub.take()?;
        Some(Action::Engine(Command::Seek(s.target_us)))
    }

    /// Timers: a scrub whose keys stopped, an automatic retry after a network error.
    pub fn update(&mut self, now_us: i64, view: &View) -> Option<Action> {
        if let Some(s) = self.scrub {
            if now_us.saturating_sub(s.last_us) >= SCRUB_COMMIT_US {
                self.osd_until_us = now_us.saturating_add(OSD_SHOW_US);
                return self.commit();
            }
        }
        if view.state == PlayerState::Error {
            self.menu = None;
            self.scrub = None;
        }
        self.error.update(now_us, view)
    }

    /// Builds the frame; `Some` when it differs from the one on screen (draw and
    /// present it), `None` when the screen is already right.
    pub fn frame(&mut self, now_us: i64, view: &View) -> Option<&DrawList> {
        let mut list = core::mem::take(&mut self.list);
        list.reset();
        list.clear(CLEAR);
        let osd = self.osd_visible(now_us, view);
        let mut p = Painter {
            list: &mut list,
            text: &mut self.text,
            m: self.metrics,
            strings: &self.strings,
        };
        if view.state == PlayerState::Error {
            self.error.draw(&mut p, &self.title, now_us, view);
        } else if !view.is_active() {
            let message = if !self.has_url {
                &self.strings.no_video
            } else if view.state == PlayerState::Ended {
                &self.strings.ended
            } else {
                &self.strings.stopped
            };
            osd::card(&mut p, &self.title, message);
        } else {
            let floor = if osd {
                osd::top(&p.m)
            } else {
                p.m.safe_bottom()
            };
            captions::draw(&mut p, &view.cues, floor);
            if osd {
                let preview = self.scrub.map(|s| s.target_us);
                osd::draw(&mut p, &self.title, view, preview);
            }
            if view.is_waiting() {
                osd::spinner(&mut p, now_us);
            }
            if let Some(menu) = &self.menu {
                menu.draw(&mut p, view);
            }
        }
        self.list = list;
        if self.list.as_bytes() == self.shown.as_slice() {
            return None;
        }
        self.shown.clear();
        self.shown.extend_from_slice(self.list.as_bytes());
        Some(&self.list)
    }
}

/// The commands of the transport keys: OK and Play/Pause toggle, Play, Pause, Stop
/// (a device without a display uses these too).
pub fn transport(key: Key, view: &View) -> Option<Command> {
    Some(match key {
        Key::PlayPause | Key::Ok => match view.state {
            PlayerState::Paused => Command::Play,
            _ => Command::Pause,
        },
        Key::Play => Command::Play,
        Key::Pause => Command::Pause,
        Key::Stop => Command::Stop,
        _ => return None,
    })
}

/// Keys the UI answers; the others (volume and mute, which the TV set handles, and
/// keys this UI has no use for) do not even show the OSD.
fn is_ui_key(key: Key) -> bool {
    matches!(
        key,
        Key::Up
            | Key::Down
            | Key::Left
            | Key::Right
            | Key::Ok
            | Key::Back
            | Key::Menu
            | Key::Info
            | Key::PlayPause
            | Key::Play
            | Key::Pause
            | Key::Stop
            | Key::SeekForward
            | Key::SeekBack
            | Key::Subtitle
            | Key::Audio
    )
}

/// A seek target inside the presentation: from 0 to the end (VOD), or up to the live
/// edge.
fn clamp_target(target_us: i64, view: &View) -> i64 {
    let end = if view.duration_us > 0 {
        view.duration_us
    } else {
        view.position_us + view.live_latency_us.unwrap_or(0)
    };
    target_us.clamp(0, end.max(0))
}
