//! Subtitles over the video: each WebVTT cue wrapped to its box, placed by its
//! `line`, `position`, `size` and `align` settings (W3C WebVTT §7.2, simplified to
//! boxes of whole lines), each line on a dark background for legibility.
//!
//! Cues come from the player's active set, which holds a cue while
//! `start <= position < end`, so the text is cleared on the first frame at its end.

use super::text::Size;
use super::{Painter, WHITE};
use crate::view::{Align, CueView};
use wasp_guest::abi::gfx::{rgba, Color, Rect};

/// Behind each line of text.
const BACKGROUND: Color = rgba(0, 0, 0, 192);

/// Draws the cues; cues without a line setting stack upwards from `floor` (the
/// bottom of the safe area, or the top of the OSD while it is up).
pub fn draw(p: &mut Painter<'_>, cues: &[CueView], floor: i32) {
    let (list, text, m) = (&mut *p.list, &mut *p.text, &p.m);
    let line_h = text.line_height(Size::Large) as i32;
    let pad = m.px(12);
    let mut auto_bottom = floor;
    for cue in cues {
        // The box: `size` percent of the width, inside the safe area.
        let box_w = (i64::from(m.width) * cue.size_percent.clamp(0, 100_000) / 100_000)
            .min(i64::from(m.safe.w)) as u32;
        let lines = text.wrap(Size::Large, &cue.text, box_w.saturating_sub(2 * pad as u32));
        if lines.is_empty() {
            continue;
        }
        let block_h = lines.len() as i32 * line_h;
        let top = match (cue.line_percent, cue.line_number) {
            (Some(p), _) => (i64::from(m.height) * p / 100_000) as i32,
            (None, Some(n)) if n >= 0 => m.safe.y + n as i32 * line_h,
            (None, Some(n)) => m.safe_bottom() + (n as i32 + 1) * line_h - block_h,
            (None, None) => {
                let top = auto_bottom - block_h;
                auto_bottom = top;
                top
            }
        };
        let top = top.clamp(m.safe.y, (m.safe_bottom() - block_h).max(m.safe.y));
        // The anchor: `position` percent of the width (default by alignment).
        let default = match cue.align {
            Align::Left => 0,
            Align::Center => 50_000,
            Align::Right => 100_000,
        };
        let anchor = (i64::from(m.width)
            * cue.position_percent.unwrap_or(default).clamp(0, 100_000)
            / 100_000) as i32;
        let box_x = match cue.align {
            Align::Left => anchor,
            Align::Center => anchor - box_w as i32 / 2,
            Align::Right => anchor - box_w as i32,
        }
        .clamp(m.safe.x, (m.safe_right() - box_w as i32).max(m.safe.x));
        for (i, line) in lines.iter().enumerate() {
            let w = text.measure(Size::Large, line).min(box_w) as i32;
            let x = match cue.align {
                Align::Left => box_x + pad,
                Align::Center => box_x + (box_w as i32 - w) / 2,
                Align::Right => box_x + box_w as i32 - pad - w,
            };
            let y = top + i as i32 * line_h;
            let bg = Rect {
                x: x - pad,
                y,
                w: (w + 2 * pad) as u32,
                h: line_h as u32,
            };
            list.fill_rect(bg, BACKGROUND);
            text.draw(list, Size::Large, line, (x, y), box_w, WHITE);
        }
    }
}
