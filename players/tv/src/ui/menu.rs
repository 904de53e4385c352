//! The settings menu: audio track, subtitles, quality; a panel on the right, driven
//! by the arrow keys (left/right: section, up/down: row, OK: choose, back: close).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use wasp_engine::player::Command;
use wasp_guest::abi::gfx::{rgba, Rect};
use wasp_guest::abi::key::Key;

use super::strings::Strings;
use super::text::Size;
use super::{Action, Painter, ACCENT, DIM, WHITE};
use crate::view::View;

/// A section of the menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// Audio renditions.
    Audio,
    /// Subtitle renditions and off.
    Subtitles,
    /// Automatic quality or a cap.
    Quality,
}

const TABS: [Tab; 3] = [Tab::Audio, Tab::Subtitles, Tab::Quality];

/// A row: its label, whether it is the current choice, what choosing it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The label.
    pub label: String,
    /// The current choice (drawn with a mark).
    pub chosen: bool,
    /// The command it gives (`None`: nothing to change).
    pub command: Option<Command>,
}

/// The open menu.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Menu {
    /// The section shown.
    pub tab: Tab,
    /// The focused row.
    pub focus: usize,
}

/// What a key did to the menu.
pub enum Outcome {
    /// Taken by the menu (with an action for the player, maybe).
    Handled(Option<Action>),
    /// The menu closes.
    Close,
    /// Not a menu key: the player handles it.
    Pass,
}

impl Menu {
    /// Opens on `tab` with the current choice focused.
    pub fn open(tab: Tab, view: &View) -> Self {
        let focus = rows(tab, view, &Strings::default())
            .iter()
            .position(|r| r.chosen)
            .unwrap_or(0);
        Menu { tab, focus }
    }

    /// Handles a key.
    pub fn key(&mut self, key: Key, view: &View) -> Outcome {
        let rows = rows(self.tab, view, &Strings::default());
        match key {
            Key::Back | Key::Menu => return Outcome::Close,
            Key::Left | Key::Right => {
                let i = TABS.iter().position(|t| *t == self.tab).unwrap_or(0);
                let j = if key == Key::Left {
                    i + TABS.len() - 1
                } else {
                    i + 1
                } % TABS.len();
                *self = Menu::open(TABS.get(j).copied().unwrap_or(Tab::Audio), view);
            }
            Key::Audio => *self = Menu::open(Tab::Audio, view),
            Key::Subtitle => *self = Menu::open(Tab::Subtitles, view),
            Key::Up => self.focus = self.focus.saturating_sub(1),
            Key::Down => self.focus = (self.focus + 1).min(rows.len().saturating_sub(1)),
            Key::Ok => {
                let command = rows.into_iter().nth(self.focus).and_then(|r| r.command);
                return Outcome::Handled(command.map(Action::Engine));
            }
            _ => return Outcome::Pass,
        }
        Outcome::Handled(None)
    }

    /// Draws the panel.
    pub fn draw(&self, p: &mut Painter<'_>, view: &View) {
        let (list, text, m, strings) = (&mut *p.list, &mut *p.text, &p.m, p.strings);
        let w = m.px(600);
        let x = m.safe_right() - w;
        let y = m.safe.y;
        let pad = m.px(32);
        list.fill_rect(
            Rect {
                x,
                y,
                w: w as u32,
                h: m.safe.h,
            },
            rgba(16, 16, 16, 230),
        );

        // Section titles; the open one underlined.
        let mut tx = x + pad;
        let tab_y = y + pad;
        let line = text.line_height(Size::Body) as i32;
        for tab in TABS {
            let label = tab_label(tab, strings);
            let colour = if tab == self.tab { WHITE } else { DIM };
            let tw = text.draw(
                list,
                Size::Body,
                label,
                (tx, tab_y),
                (x + w - tx) as u32,
                colour,
            ) as i32;
            if tab == self.tab {
                let underline = Rect {
                    x: tx,
                    y: tab_y + line + m.px(6),
                    w: tw as u32,
                    h: m.px(4) as u32,
                };
                list.fill_rect(underline, ACCENT);
            }
            tx += tw + m.px(36);
        }

        // The rows, scrolled so the focused one is visible.
        let row_h = m.px(64);
        let first_y = tab_y + line + m.px(40);
        let fit = ((m.safe_bottom() - first_y - pad) / row_h.max(1)).max(1) as usize;
        let rows = rows(self.tab, view, strings);
        let start = (self.focus + 1).saturating_sub(fit);
        for (i, row) in rows.iter().enumerate().skip(start).take(fit) {
            let ry = first_y + (i - start) as i32 * row_h;
            if i == self.focus {
                let r = Rect {
                    x: x + pad / 2,
                    y: ry,
                    w: (w - pad) as u32,
                    h: row_h as u32,
                };
                list.fill_rect(r, ACCENT);
            }
            if row.chosen {
                let d = m.px(14);
                let mark = Rect {
                    x: x + pad,
                    y: ry + (row_h - d) / 2,
                    w: d as u32,
                    h: d as u32,
                };
                list.fill_rect(mark, WHITE);
            }
            let ly = ry + (row_h - line) / 2;
            let lx = x + pad + m.px(36);
            text.draw(
                list,
                Size::Body,
                &row.label,
                (lx, ly),
                (x + w - pad - lx) as u32,
                WHITE,
            );
        }
    }
}

fn tab_label(tab: Tab, s: &Strings) -> &str {
    match tab {
        Tab::Audio => &s.audio,
        Tab::Subtitles => &s.subtitles,
        Tab::Quality => &s.quality,
    }
}

/// `name (language)`, or whichever is present.
fn track_label(name: &str, language: &str) -> String {
    let mut s = String::from(name);
    if !language.is_empty() && language != name {
        if s.is_empty() {
            s.push_str(language);
        } else {
            let _ = write!(s, " ({language})");
        }
    }
    s
}

/// The rows of a section.
pub fn rows(tab: Tab, view: &View, strings: &Strings) -> Vec<Row> {
    match tab {
        Tab::Audio if view.audio.is_empty() => alloc::vec![Row {
            label: strings.default_track.clone(),
            chosen: true,
            command: None,
        }],
        Tab::Audio => view
            .audio
            .iter()
            .enumerate()
            .map(|(i, (name, language))| Row {
                label: track_label(name, language),
                chosen: view.audio_choice.map_or(i == 0, |c| c == i),
                command: Some(Command::SelectAudio(name.clone())),
            })
            .collect(),
        Tab::Subtitles => {
            let mut rows = alloc::vec![Row {
                label: strings.off.clone(),
                chosen: view.subtitle_choice.is_none(),
                command: Some(Command::SelectSubtitle(String::new())),
            }];
            for (name, language) in &view.subtitles {
                let chosen = view
                    .subtitle_choice
                    .as_deref()
                    .is_some_and(|c| c == name || c == language);
                rows.push(Row {
                    label: track_label(name, language),
                    chosen,
                    command: Some(Command::SelectSubtitle(name.clone())),
                });
            }
            rows
        }
        Tab::Quality => {
            let mut rows = alloc::vec![Row {
                label: strings.auto.clone(),
                chosen: view.quality_cap.is_none(),
                command: Some(Command::SetQuality(None)),
            }];
            for &(bandwidth, _, height) in view.variants.iter().rev() {
                let mut label = String::new();
                if height > 0 {
                    let _ = write!(label, "{height}p  ");
                }
                let tenths = (u64::from(bandwidth) + 50_000) / 100_000;
                let _ = write!(label, "{}.{} Mbit/s", tenths / 10, tenths % 10);
                rows.push(Row {
                    label,
                    chosen: view.quality_cap == Some(bandwidth),
                    command: Some(Command::SetQuality(Some(bandwidth))),
                });
            }
            rows
        }
    }
}
