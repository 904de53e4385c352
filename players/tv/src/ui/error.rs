//! The error screen: what happened, and Retry / Back buttons; after a network loss
//! the player also retries by itself, a few times, with growing waits.

use wasp_engine::player::Command;
use wasp_guest::abi::gfx::{rgba, Rect};
use wasp_guest::abi::key::Key;
use wasp_guest::abi::player::{PlayerState, StateReason};

use super::text::Size;
use super::{Action, Painter, ACCENT, DIM, WHITE};
use crate::view::View;

/// Waits before the automatic retries after a network error, µs. The engine has
/// already retried each request for a minute before giving up, so these are for a
/// link that is down for longer (a router restarting takes one to two minutes).
pub const AUTO_RETRY_US: [i64; 3] = [10_000_000, 30_000_000, 60_000_000];

/// The error screen's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorScreen {
    /// The focused button: 0 Retry, 1 Back.
    pub focus: u8,
    /// When the error was first seen, µs.
    pub since_us: Option<i64>,
    /// Automatic retries made since playback last worked.
    pub attempts: usize,
}

impl ErrorScreen {
    /// The automatic retry due, if any, and the bookkeeping of the error's start.
    pub fn update(&mut self, now_us: i64, view: &View) -> Option<Action> {
        match view.state {
            PlayerState::Error => {}
            PlayerState::Playing => {
                self.attempts = 0;
                self.since_us = None;
                return None;
            }
            _ => {
                self.since_us = None;
                return None;
            }
        }
        let since = *self.since_us.get_or_insert(now_us);
        let due = self.retry_at(since, view)?;
        if now_us < due {
            return None;
        }
        self.attempts += 1;
        self.since_us = None;
        Some(Action::Reload { start_us: None })
    }

    /// When the next automatic retry happens, µs (network errors only).
    fn retry_at(&self, since_us: i64, view: &View) -> Option<i64> {
        if view.reason != StateReason::Network {
            return None;
        }
        AUTO_RETRY_US.get(self.attempts).map(|wait| since_us + wait)
    }

    /// Handles a key on the error screen.
    pub fn key(&mut self, key: Key) -> Option<Action> {
        match key {
            Key::Left | Key::Right | Key::Up | Key::Down => {
                self.focus ^= 1;
                None
            }
            Key::Ok if self.focus == 1 => Some(Action::Engine(Command::Stop)),
            Key::Ok | Key::Play | Key::PlayPause => {
                self.attempts = 0;
                self.since_us = None;
                Some(Action::Reload { start_us: None })
            }
            Key::Back | Key::Stop => Some(Action::Engine(Command::Stop)),
            _ => None,
        }
    }

    /// Draws the screen: a dark panel, the heading, the reason, the countdown to the
    /// automatic retry, and the two buttons.
    pub fn draw(&self, p: &mut Painter<'_>, title: &str, now_us: i64, view: &View) {
        let (list, text, m, strings) = (&mut *p.list, &mut *p.text, &p.m, p.strings);
        list.fill_rect(m.screen(), rgba(8, 8, 12, 235));
        let x = m.safe.x + m.px(120);
        let max = (m.safe_right() - x - m.px(120)).max(1) as u32;
        let mut y = m.safe.y + m.px(220);
        let large = text.line_height(Size::Large) as i32;
        let body = text.line_height(Size::Body) as i32;
        text.draw(list, Size::Large, &strings.error_title, (x, y), max, WHITE);
        y += large + m.px(12);
        text.draw(list, Size::Body, title, (x, y), max, DIM);
        y += body + m.px(28);
        let message = match view.reason {
            StateReason::Network => &strings.error_network,
            StateReason::Unsupported => &strings.error_unsupported,
            StateReason::Decoder => &strings.error_decoder,
            StateReason::Malformed => &strings.error_malformed,
            _ => &strings.error_other,
        };
        for line in text.wrap(Size::Body, message, max) {
            text.draw(list, Size::Body, line, (x, y), max, WHITE);
            y += body;
        }
        if let Some(due) = self.since_us.and_then(|s| self.retry_at(s, view)) {
            let seconds = (due - now_us + 999_999).max(0) / 1_000_000;
            y += m.px(12);
            text.draw(
                list,
                Size::Body,
                &strings.retrying(seconds),
                (x, y),
                max,
                DIM,
            );
            y += body;
        }
        y += m.px(48);
        let pad = m.px(28);
        let mut bx = x;
        for (i, label) in [&strings.retry, &strings.back].into_iter().enumerate() {
            let w = text.measure(Size::Body, label) as i32 + 2 * pad;
            let h = body + pad;
            let focused = usize::from(self.focus) == i;
            let fill = if focused {
                ACCENT
            } else {
                rgba(255, 255, 255, 40)
            };
            list.fill_rect(
                Rect {
                    x: bx,
                    y,
                    w: w as u32,
                    h: h as u32,
                },
                fill,
            );
            text.draw(
                list,
                Size::Body,
                label,
                (bx + pad, y + pad / 2),
                w as u32,
                WHITE,
            );
            bx += w + m.px(24);
        }
    }
}
