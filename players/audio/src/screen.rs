//! The now-playing screen for small displays (240x240 and 320x240 panels): the
//! station, the title from the stream (ICY `StreamTitle`) or the configuration, the
//! elapsed time with the play state, and the buffer level as a bar.
//!
//! The screen is a value ([`NowPlaying`]) computed every tick; it is drawn (one draw
//! list, then a present) only when it differs from the one on the display, so an
//! idle player presents once a second (the clock) and a paused one not at all.
//! Text is DejaVu Sans at 20 px (`wasp-font`), its atlas uploaded once as an A8 image.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use wasp_font::Font;
use wasp_guest::abi::gfx::{rgba, Color, GlyphQuad, ImageDesc, Rect};
use wasp_guest::abi::media::PixelFormat;
use wasp_guest::gfx::{self, DrawList, Image};
use wasp_guest::Status;

/// The text size.
pub const TEXT_PX: u32 = 20;
/// Margin around everything, px.
const MARGIN: i32 = 12;
/// Lines of title text at most.
const TITLE_LINES: usize = 3;

const BACKGROUND: Color = rgba(12, 16, 28, 255);
const STATION: Color = rgba(120, 190, 255, 255);
const TEXT: Color = rgba(240, 240, 240, 255);
const DIM: Color = rgba(150, 150, 160, 255);
const BAR_BACK: Color = rgba(50, 56, 72, 255);
const BAR_FILL: Color = rgba(90, 200, 120, 255);

/// What the screen shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NowPlaying {
    /// The station or podcast name.
    pub station: String,
    /// The now-playing text.
    pub title: String,
    /// Elapsed whole seconds.
    pub elapsed_s: i64,
    /// `Playing`, `Paused`, `Buffering`, `Ended`, `Error`.
    pub state: &'static str,
    /// Buffer level, percent of the buffer bound (0..=100).
    pub buffer_percent: u32,
    /// Position in the station list, 1-based, and its length (0: no list).
    pub index: (usize, usize),
}

/// `m:ss`, or `h:mm:ss` from an hour on.
pub fn clock_text(seconds: i64) -> String {
    let s = seconds.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The display and the font atlas on it.
#[derive(Debug)]
pub struct Screen {
    width: u32,
    height: u32,
    font: &'static Font,
    atlas: Option<Image>,
    shown: Option<NowPlaying>,
    list: DrawList,
    quads: Vec<GlyphQuad>,
}

impl Screen {
    /// A screen of `width` x `height` (0 x 0: no display; nothing is drawn).
    pub fn new(width: u32, height: u32) -> Self {
        Self {
            width,
            height,
            font: wasp_font::font(TEXT_PX),
            atlas: None,
            shown: None,
            list: DrawList::new(),
            quads: Vec::new(),
        }
    }

    /// Whether there is a display.
    pub fn present(&self) -> bool {
        self.width > 0 && self.height > 0
    }

    /// Uploads the font atlas (once; the unpacked pixels are freed right after).
    ///
    /// # Errors
    /// The atlas cannot be unpacked or uploaded.
    pub fn load_font(&mut self) -> Result<(), Status> {
        if !self.present() || self.atlas.is_some() {
            return Ok(());
        }
        let mut pixels = Vec::new();
        self.font
            .unpack_atlas(&mut pixels)
            .map_err(|_| Status::BudgetExceeded)?;
        let (width, height) = self.font.atlas_size();
        let desc = ImageDesc {
            width,
            height,
            stride: width,
            format: PixelFormat::A8,
        };
        self.atlas = Some(Image::create(&desc, &pixels)?);
        Ok(())
    }

    /// Draws and presents `view` if it differs from what is shown.
    ///
    /// # Errors
    /// The draw list or the present failed.
    pub fn show(&mut self, view: &NowPlaying) -> Result<bool, Status> {
        if !self.present() || self.shown.as_ref() == Some(view) {
            return Ok(false);
        }
        self.list.reset();
        self.list.clear(BACKGROUND);
        let inner = self.width.saturating_sub(2 * MARGIN as u32);
        let line = self.font.line_height() as i32;
        let mut top = MARGIN;
        let station = if view.index.1 > 1 {
            format!("{}/{} {}", view.index.0, view.index.1, view.station)
        } else {
            view.station.clone()
        };
        self.text_line(&station, MARGIN, top, inner, STATION);
        top += line + line / 2;
        let title = if view.title.is_empty() {
            "-"
        } else {
            view.title.as_str()
        };
        let lines: Vec<&str> = self.font.wrap(title, inner).take(TITLE_LINES + 1).collect();
        for (i, l) in lines.iter().take(TITLE_LINES).enumerate() {
            let more = i + 1 == TITLE_LINES && lines.len() > TITLE_LINES;
            let text = if more {
                format!("{l}\u{2026}")
            } else {
                String::from(*l)
            };
            self.text_line(&text, MARGIN, top, inner, TEXT);
            top += line;
        }
        let bottom = self.height as i32 - MARGIN;
        let bar_top = bottom - 8;
        let time_top = bar_top - line - 6;
        self.text_line(&clock_text(view.elapsed_s), MARGIN, time_top, inner, TEXT);
        let state_w = self.font.measure(view.state) as i32;
        self.text_line(
            view.state,
            self.width as i32 - MARGIN - state_w,
            time_top,
            inner,
            DIM,
        );
        let bar = Rect {
            x: MARGIN,
            y: bar_top,
            w: inner,
            h: 8,
        };
        self.list.fill_rect(bar, BAR_BACK);
        let filled = inner * view.buffer_percent.min(100) / 100;
        if filled > 0 {
            self.list.fill_rect(Rect { w: filled, ..bar }, BAR_FILL);
        }
        self.list.draw()?;
        gfx::present()?;
        self.shown = Some(view.clone());
        Ok(true)
    }

    /// One line of text at `(x, top)`, ellipsized to `max` px.
    fn text_line(&mut self, text: &str, x: i32, top: i32, max: u32, color: Color) {
        let Some(atlas) = &self.atlas else {
            return;
        };
        let (fit, cut) = self.font.ellipsize(text, max);
        self.quads.clear();
        let width = self.font.layout(fit, x, top, &mut self.quads);
        if cut {
            let at = x.saturating_add(width as i32);
            self.font.layout("\u{2026}", at, top, &mut self.quads);
        }
        self.list.glyphs(atlas, color, &self.quads);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_text_shows_minutes_then_hours() {
        assert_eq!(clock_text(0), "0:00");
        assert_eq!(clock_text(75), "1:15");
        assert_eq!(clock_text(3600 + 62), "1:01:02");
        assert_eq!(clock_text(-5), "0:00");
    }

    #[test]
    fn the_view_compares_equal_when_nothing_changed() {
        let a = NowPlaying {
            station: "Radio".into(),
            title: "Song".into(),
            elapsed_s: 3,
            state: "Playing",
            buffer_percent: 40,
            index: (1, 2),
        };
        let mut b = a.clone();
        assert_eq!(a, b);
        b.elapsed_s = 4;
        assert_ne!(a, b);
    }
}
