//! What hello shows: a title bar (the title drawn as boxes from the glyph image, a state
//! lamp), a row of slots with the focused one highlighted, and a progress bar.

use wasp_guest::abi::caps::DisplayInfo;
use wasp_guest::abi::gfx::{rgba, Color, GlyphQuad, ImageDesc, Rect};
use wasp_guest::abi::media::PixelFormat;
use wasp_guest::abi::player::PlayerState;
use wasp_guest::gfx::{self, DrawList, Image};
use wasp_guest::{caps, warn, Status};

/// Side of the glyph image, pixels.
const GLYPH: u16 = 8;
/// Horizontal advance per title character.
const ADVANCE: i32 = 10;
const BAR_HEIGHT: u32 = 48;
const MARGIN: i32 = 16;
const GAP: u32 = 24;
/// The progress bar wraps every this many µs (nothing real is playing).
const PROGRESS_PERIOD_US: i64 = 10_000_000;

const BAR: Color = rgba(16, 24, 48, 224);
const TEXT: Color = rgba(255, 255, 255, 255);
const SLOT: Color = rgba(56, 60, 72, 255);
const FOCUS: Color = rgba(240, 128, 32, 255);
const OUTLINE: Color = rgba(255, 255, 255, 255);
const TRACK: Color = rgba(255, 255, 255, 64);

/// The display, or 1280x720 when the device does not say.
pub(crate) fn display() -> DisplayInfo {
    match caps::display() {
        Ok(info) if info.width > 0 && info.height > 0 => info,
        other => {
            if let Err(status) = other {
                warn!("hello: caps_display: {status}");
            }
            DisplayInfo {
                width: 1280,
                height: 720,
                ..DisplayInfo::default()
            }
        }
    }
}

/// An 8x8 A8 image: a filled 6x6 box with a transparent border, drawn as a glyph.
pub(crate) fn glyph_box() -> Result<Image, Status> {
    let side = usize::from(GLYPH);
    let inside = |i: usize| (1..side - 1).contains(&i);
    let pixels: alloc::vec::Vec<u8> = (0..side * side)
        .map(|i| {
            if inside(i / side) && inside(i % side) {
                0xff
            } else {
                0
            }
        })
        .collect();
    let desc = ImageDesc {
        width: u32::from(GLYPH),
        height: u32::from(GLYPH),
        stride: u32::from(GLYPH),
        format: PixelFormat::A8,
    };
    Image::create(&desc, &pixels)
}

/// Everything a frame depends on.
pub(crate) struct View<'a> {
    pub display: &'a DisplayInfo,
    pub title: &'a str,
    pub glyph: Option<&'a Image>,
    pub state: PlayerState,
    pub focus: usize,
    pub slots: usize,
    pub position_us: i64,
    pub loading: bool,
    pub now_us: i64,
}

/// The frame builder; keeps its draw list between frames.
#[derive(Debug, Default)]
pub(crate) struct Screen {
    list: DrawList,
    failed: bool,
}

impl Screen {
    /// Builds and presents one frame. A failure is logged once, not every frame.
    pub(crate) fn draw(&mut self, view: &View<'_>) {
        self.list.reset();
        build(&mut self.list, view);
        let shown = self.list.draw().and_then(|_| gfx::present());
        match shown {
            Err(status) if !self.failed => {
                warn!("hello: drawing failed: {status}");
                self.failed = true;
            }
            Ok(()) => self.failed = false,
            Err(_) => {}
        }
    }
}

fn build(list: &mut DrawList, view: &View<'_>) {
    let d = view.display;
    let left = to_i32(d.safe_left);
    let top = to_i32(d.safe_top);
    let width = d.width.saturating_sub(d.safe_left + d.safe_right);
    let height = d.height.saturating_sub(d.safe_top + d.safe_bottom);

    list.clear(0);
    // Title bar: the title as boxes, and a lamp for the state.
    list.fill_rect(rect(left, top, width, BAR_HEIGHT), BAR);
    if let Some(glyph) = view.glyph {
        let quads = title_quads(view.title, left + MARGIN, top + 20, width);
        list.glyphs(glyph, TEXT, &quads);
    }
    let lamp_x = left + to_i32(width) - MARGIN - 16;
    list.fill_rect(rect(lamp_x, top + 16, 16, 16), lamp(view.state));

    // The row of slots, 16:9, centred vertically.
    let slots = u32::try_from(view.slots).unwrap_or(1).max(1);
    let slot_w = width.saturating_sub(2 * MARGIN as u32 + GAP * (slots - 1)) / slots;
    let slot_h = slot_w * 9 / 16;
    let y = top + to_i32(height / 2) - to_i32(slot_h / 2);
    for i in 0..slots {
        let x = left + MARGIN + to_i32(i * (slot_w + GAP));
        let focused = usize::try_from(i).is_ok_and(|i| i == view.focus);
        if focused {
            list.fill_rect(rect(x - 4, y - 4, slot_w + 8, slot_h + 8), OUTLINE);
        }
        list.fill_rect(
            rect(x, y, slot_w, slot_h),
            if focused { FOCUS } else { SLOT },
        );
    }

    // Progress: a pulse while loading, the position once something "plays".
    let track = rect(
        left + MARGIN,
        top + to_i32(height) - 40,
        width.saturating_sub(2 * MARGIN as u32),
        8,
    );
    let fraction_of = |t: i64| {
        u32::try_from(t.rem_euclid(PROGRESS_PERIOD_US) * i64::from(track.w) / PROGRESS_PERIOD_US)
            .unwrap_or(0)
    };
    if view.loading {
        list.fill_rect(track, TRACK);
        let x = track.x + to_i32(fraction_of(view.now_us.saturating_mul(4)));
        list.clip(track)
            .fill_rect(rect(x, track.y, 64, track.h), FOCUS)
            .reset_clip();
    } else if matches!(
        view.state,
        PlayerState::Buffering | PlayerState::Playing | PlayerState::Paused
    ) {
        list.fill_rect(track, TRACK);
        list.fill_rect(
            rect(track.x, track.y, fraction_of(view.position_us), track.h),
            FOCUS,
        );
    }
}

/// One box per visible character of `title`, as long as they fit in `width`.
fn title_quads(title: &str, x: i32, y: i32, width: u32) -> alloc::vec::Vec<GlyphQuad> {
    let fits = usize::try_from(width / ADVANCE as u32)
        .unwrap_or(0)
        .saturating_sub(8);
    title
        .chars()
        .take(fits)
        .enumerate()
        .filter(|(_, c)| !c.is_whitespace())
        .map(|(i, _)| GlyphQuad {
            sx: 0,
            sy: 0,
            w: GLYPH,
            h: GLYPH,
            dx: x + to_i32(u32::try_from(i).unwrap_or(0)) * ADVANCE,
            dy: y,
        })
        .collect()
}

fn lamp(state: PlayerState) -> Color {
    match state {
        PlayerState::Playing => rgba(64, 200, 96, 255),
        PlayerState::Loading | PlayerState::Buffering | PlayerState::Seeking => {
            rgba(240, 200, 48, 255)
        }
        PlayerState::Error => rgba(224, 48, 48, 255),
        _ => rgba(128, 128, 128, 255),
    }
}

const fn rect(x: i32, y: i32, w: u32, h: u32) -> Rect {
    Rect { x, y, w, h }
}

fn to_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}
