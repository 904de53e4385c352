//! Sizes: the UI is laid out on a 1080-line design grid and scaled to the display,
//! inside the TV safe area.

use wasp_guest::abi::caps::DisplayInfo;
use wasp_guest::abi::gfx::Rect;

/// The design grid's height: one design unit is one pixel on a 1080p display.
pub const DESIGN_HEIGHT: i64 = 1080;

/// The display and its safe area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Metrics {
    /// Plane width, px.
    pub width: u32,
    /// Plane height, px.
    pub height: u32,
    /// The title-safe area: nothing important is drawn outside it.
    pub safe: Rect,
}

impl Metrics {
    /// Metrics of a display. Insets the port leaves at zero default to the 5 %
    /// title-safe margin of SMPTE RP 2046-1 (and EBU R 95), since overscan on a TV
    /// set is unknown to the device.
    pub fn new(display: &DisplayInfo) -> Self {
        let (w, h) = (display.width.max(1), display.height.max(1));
        let or = |inset: u32, default: u32| if inset == 0 { default } else { inset };
        let left = or(display.safe_left, w / 20).min(w / 4);
        let right = or(display.safe_right, w / 20).min(w / 4);
        let top = or(display.safe_top, h / 20).min(h / 4);
        let bottom = or(display.safe_bottom, h / 20).min(h / 4);
        Metrics {
            width: w,
            height: h,
            safe: Rect {
                x: left as i32,
                y: top as i32,
                w: w - left - right,
                h: h - top - bottom,
            },
        }
    }

    /// Metrics of a `width x height` display with default safe margins.
    pub fn of_size(width: u32, height: u32) -> Self {
        let display = DisplayInfo {
            width,
            height,
            ..DisplayInfo::default()
        };
        Self::new(&display)
    }

    /// Design units to pixels, rounded to nearest.
    pub fn px(&self, design: i32) -> i32 {
        let v = i64::from(design) * i64::from(self.height);
        let half = DESIGN_HEIGHT / 2;
        let r = if v >= 0 { v + half } else { v - half } / DESIGN_HEIGHT;
        r as i32
    }

    /// Design units to pixels, at least one pixel.
    pub fn upx(&self, design: i32) -> u32 {
        self.px(design).max(1) as u32
    }

    /// The whole plane.
    pub fn screen(&self) -> Rect {
        Rect {
            x: 0,
            y: 0,
            w: self.width,
            h: self.height,
        }
    }

    /// The safe area's right edge, px.
    pub fn safe_right(&self) -> i32 {
        self.safe.x + self.safe.w as i32
    }

    /// The safe area's bottom edge, px.
    pub fn safe_bottom(&self) -> i32 {
        self.safe.y + self.safe.h as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn design_units_scale_with_the_display_height() {
        assert_eq!(Metrics::of_size(1920, 1080).px(32), 32);
        assert_eq!(Metrics::of_size(1280, 720).px(32), 21);
        assert_eq!(Metrics::of_size(3840, 2160).px(32), 64);
        assert_eq!(Metrics::of_size(1280, 720).px(-3), -2);
    }

    #[test]
    fn missing_insets_default_to_the_title_safe_margin() {
        let m = Metrics::of_size(1920, 1080);
        assert_eq!(
            (m.safe.x, m.safe.y, m.safe.w, m.safe.h),
            (96, 54, 1728, 972)
        );
        let mut d = DisplayInfo {
            width: 1280,
            height: 720,
            safe_left: 10,
            safe_top: 5000,
            ..DisplayInfo::default()
        };
        let m = Metrics::new(&d);
        assert_eq!((m.safe.x, m.safe.y, m.safe.h), (10, 180, 720 - 180 - 36));
        d.width = 0;
        assert_eq!(
            Metrics::new(&d).width,
            1,
            "a zero display never divides by zero"
        );
    }
}
