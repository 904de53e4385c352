//! The on-screen display: title, progress bar (played and buffered), elapsed and
//! remaining time, the play/pause icon, the scrub preview, the buffering spinner,
//! and the card shown when nothing plays.

use alloc::string::String;
use core::fmt::Write;

use wasp_guest::abi::gfx::{rgba, Color, Rect};
use wasp_guest::abi::player::PlayerState;
use wasp_guest::gfx::DrawList;

use super::metrics::Metrics;
use super::text::{Size, Text};
use super::{Painter, ACCENT, DIM, PANEL, WHITE};
use crate::view::View;

/// The bar's unfilled track.
const TRACK: Color = rgba(255, 255, 255, 64);
/// Buffered, not yet played.
const BUFFERED: Color = rgba(255, 255, 255, 128);

/// The OSD band's top edge, px (subtitles move above it while it is up).
pub fn top(m: &Metrics) -> i32 {
    m.safe_bottom() - m.px(240)
}

/// A rectangle from design-scaled parts.
fn rect(x: i32, y: i32, w: i32, h: i32) -> Rect {
    Rect {
        x,
        y,
        w: w.max(0) as u32,
        h: h.max(0) as u32,
    }
}

/// `h:mm:ss`, or `m:ss` under an hour.
pub fn clock(us: i64) -> String {
    let total = us.max(0) / 1_000_000;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    let mut out = String::new();
    let _ = if h > 0 {
        write!(out, "{h}:{m:02}:{s:02}")
    } else {
        write!(out, "{m}:{s:02}")
    };
    out
}

/// Draws the OSD.
pub fn draw(p: &mut Painter<'_>, title: &str, view: &View, preview_us: Option<i64>) {
    let (list, text, m, strings) = (&mut *p.list, &mut *p.text, &p.m, p.strings);
    let band = top(m);
    list.fill_rect(rect(0, band, m.width as i32, m.height as i32 - band), PANEL);
    let (left, right) = (m.safe.x, m.safe_right());
    text.draw(
        list,
        Size::Large,
        title,
        (left, band + m.px(24)),
        m.safe.w,
        WHITE,
    );

    // The bar: track, buffered, played, playhead.
    let bar_y = m.safe_bottom() - m.px(72);
    let bar_h = m.px(8);
    let width = right - left;
    list.fill_rect(rect(left, bar_y, width, bar_h), TRACK);
    let x_of = |t: i64| -> i32 {
        if view.duration_us <= 0 {
            return right;
        }
        let t = t.clamp(0, view.duration_us);
        left + (i64::from(width) * t / view.duration_us) as i32
    };
    let played = x_of(view.position_us);
    let buffered = x_of(view.position_us.saturating_add(view.buffered_us));
    list.fill_rect(rect(played, bar_y, buffered - played, bar_h), BUFFERED);
    list.fill_rect(rect(left, bar_y, played - left, bar_h), ACCENT);
    let knob = m.px(24);
    list.fill_rect(
        rect(played - knob / 2, bar_y + bar_h / 2 - knob / 2, knob, knob),
        WHITE,
    );

    // The row under the bar: icon, elapsed; remaining or LIVE at the right.
    let row = bar_y + m.px(24);
    let icon = m.px(30);
    icon_state(list, view.state, (left, row + m.px(4)), icon);
    let elapsed = clock(view.position_us);
    text.draw(
        list,
        Size::Body,
        &elapsed,
        (left + icon + m.px(16), row),
        m.safe.w / 2,
        WHITE,
    );
    let right_text = if view.live {
        let mut s = String::from(strings.live.as_str());
        if let Some(behind) = view.live_latency_us.filter(|l| *l >= 10_000_000) {
            s.push_str("  -");
            s.push_str(&clock(behind));
        }
        s
    } else if view.duration_us > 0 {
        let mut s = String::from("-");
        s.push_str(&clock(view.duration_us - view.position_us));
        s
    } else {
        String::new()
    };
    let w = text.measure(Size::Body, &right_text) as i32;
    let colour = if view.live { ACCENT } else { WHITE };
    text.draw(
        list,
        Size::Body,
        &right_text,
        (right - w, row),
        m.safe.w / 2,
        colour,
    );

    if let Some(target) = preview_us {
        preview(list, text, m, x_of(target), bar_y, target);
    }
}

/// The scrub preview: a marker on the bar and the target time above it.
fn preview(list: &mut DrawList, text: &mut Text, m: &Metrics, x: i32, bar_y: i32, target_us: i64) {
    let label = clock(target_us);
    let pad = m.px(12);
    let w = text.measure(Size::Body, &label) as i32 + 2 * pad;
    let h = text.line_height(Size::Body) as i32 + pad;
    let marker_h = m.px(40);
    list.fill_rect(
        rect(x - m.px(2), bar_y - marker_h / 2, m.px(4).max(1), marker_h),
        WHITE,
    );
    let bx = (x - w / 2).clamp(m.safe.x, m.safe_right() - w);
    let by = bar_y - marker_h / 2 - h - m.px(8);
    list.fill_rect(rect(bx, by, w, h), ACCENT);
    text.draw(
        list,
        Size::Body,
        &label,
        (bx + pad, by + pad / 2),
        w as u32,
        WHITE,
    );
}

/// The play or pause symbol, `size` px square.
fn icon_state(list: &mut DrawList, state: PlayerState, (x, y): (i32, i32), size: i32) {
    if state == PlayerState::Paused {
        // Pause: two bars.
        let bar = (size / 3).max(1);
        list.fill_rect(rect(x, y, bar, size), WHITE);
        list.fill_rect(rect(x + size - bar, y, bar, size), WHITE);
        return;
    }
    // Play: a right-pointing triangle, one row at a time.
    for row in 0..size {
        let d = (2 * row + 1 - size).abs();
        let w = (size - d) * 7 / 8;
        list.fill_rect(rect(x, y + row, w, 1), WHITE);
    }
}

/// The unit circle in thousandths, every 45 degrees clockwise from the top.
const DIRECTIONS: [(i32, i32); 8] = [
    (0, -1000),
    (707, -707),
    (1000, 0),
    (707, 707),
    (0, 1000),
    (-707, 707),
    (-1000, 0),
    (-707, -707),
];

/// One spinner step, µs: the bright dot moves every 100 ms.
const SPINNER_STEP_US: i64 = 100_000;

/// The buffering spinner at the centre: eight dots, a bright one going round with a
/// fading tail.
pub fn spinner(p: &mut Painter<'_>, now_us: i64) {
    let (list, m) = (&mut *p.list, &p.m);
    let (cx, cy) = (m.width as i32 / 2, m.height as i32 / 2);
    let (r, dot) = (m.px(56), m.px(16).max(2));
    let lead = (now_us.max(0) / SPINNER_STEP_US % 8) as usize;
    for (i, (dx, dy)) in DIRECTIONS.iter().enumerate() {
        let behind = (lead + 8 - i) % 8;
        let colour = match behind {
            0 => WHITE,
            1 => rgba(255, 255, 255, 200),
            2 => DIM,
            _ => rgba(255, 255, 255, 80),
        };
        let x = cx + r * dx / 1000 - dot / 2;
        let y = cy + r * dy / 1000 - dot / 2;
        list.fill_rect(rect(x, y, dot, dot), colour);
    }
}

/// The card shown while nothing plays: the title and a message, centred.
pub fn card(p: &mut Painter<'_>, title: &str, message: &str) {
    let (list, text, m) = (&mut *p.list, &mut *p.text, &p.m);
    let pad = m.px(40);
    let max = m.safe.w;
    let tw = text.measure(Size::Large, title).min(max) as i32;
    let mw = text.measure(Size::Body, message).min(max) as i32;
    let w = tw.max(mw) + 2 * pad;
    let h =
        (text.line_height(Size::Large) + text.line_height(Size::Body)) as i32 + 2 * pad + m.px(16);
    let (x, y) = ((m.width as i32 - w) / 2, (m.height as i32 - h) / 2);
    list.fill_rect(rect(x, y, w, h), PANEL);
    let ty = y + pad;
    text.draw(list, Size::Large, title, (x + (w - tw) / 2, ty), max, WHITE);
    let my = ty + text.line_height(Size::Large) as i32 + m.px(16);
    text.draw(list, Size::Body, message, (x + (w - mw) / 2, my), max, DIM);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_shows_hours_only_when_needed() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(59_999_999), "0:59");
        assert_eq!(clock(61_000_000), "1:01");
        assert_eq!(clock(3_723_000_000), "1:02:03");
        assert_eq!(clock(-5), "0:00");
    }
}
