//! `REGION` blocks (W3C WebVTT §6.3, "collect WebVTT region settings"): a rectangle
//! of the viewport whose cues scroll up as a roll-up caption display.

use alloc::string::{String, ToString};

use super::number::{parse_percentage, Decimal};
use super::settings::is_space;

/// How a region's lines move when a new cue arrives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Scroll {
    /// Cues are placed without scrolling (no setting).
    #[default]
    None,
    /// `scroll:up`: lines roll up.
    Up,
}

/// A point as two percentages (x, y).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Anchor {
    /// Horizontal percentage.
    pub x: Decimal,
    /// Vertical percentage.
    pub y: Decimal,
}

/// A region definition, with the spec's defaults for settings not given.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Region {
    /// `id:` (cues name it in their `region:` setting); empty when not given.
    pub id: String,
    /// `width:` as a percentage of the viewport (100).
    pub width: Decimal,
    /// `lines:` the height in lines (3).
    pub lines: u32,
    /// `regionanchor:` the point of the region placed at the viewport anchor (0%,100%).
    pub region_anchor: Anchor,
    /// `viewportanchor:` where that point goes in the viewport (0%,100%).
    pub viewport_anchor: Anchor,
    /// `scroll:`.
    pub scroll: Scroll,
}

impl Default for Region {
    fn default() -> Self {
        let bottom_left = Anchor {
            x: Decimal::ZERO,
            y: Decimal::HUNDRED,
        };
        Self {
            id: String::new(),
            width: Decimal::HUNDRED,
            lines: 3,
            region_anchor: bottom_left,
            viewport_anchor: bottom_left,
            scroll: Scroll::None,
        }
    }
}

impl Region {
    /// Parses the settings of a `REGION` block (its lines after the first); invalid
    /// settings are ignored one by one.
    pub fn parse(settings: &str) -> Self {
        let mut region = Region::default();
        for token in settings.split(is_space) {
            let Some((name, value)) = token.split_once(':') else {
                continue;
            };
            if name.is_empty() || value.is_empty() {
                continue;
            }
            match name {
                "id" => region.id = value.to_string(),
                "width" => {
                    if let Some(width) = parse_percentage(value) {
                        region.width = width;
                    }
                }
                "lines" if value.bytes().all(|b| b.is_ascii_digit()) => {
                    region.lines = value.bytes().fold(0u32, |n, b| {
                        n.saturating_mul(10).saturating_add(u32::from(b - b'0'))
                    });
                }
                "regionanchor" => {
                    if let Some(anchor) = parse_anchor(value) {
                        region.region_anchor = anchor;
                    }
                }
                "viewportanchor" => {
                    if let Some(anchor) = parse_anchor(value) {
                        region.viewport_anchor = anchor;
                    }
                }
                "scroll" if value == "up" => region.scroll = Scroll::Up,
                _ => {}
            }
        }
        region
    }
}

/// `x%,y%`.
fn parse_anchor(value: &str) -> Option<Anchor> {
    let (x, y) = value.split_once(',')?;
    Some(Anchor {
        x: parse_percentage(x)?,
        y: parse_percentage(y)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_setting_is_read_across_lines() {
        let r = Region::parse(
            "id:fred width:40%\nlines:3 regionanchor:0%,100%\nviewportanchor:10%,90% scroll:up",
        );
        assert_eq!(r.id, "fred");
        assert_eq!(r.width, Decimal(40_000));
        assert_eq!(r.lines, 3);
        assert_eq!(
            r.region_anchor,
            Anchor {
                x: Decimal(0),
                y: Decimal(100_000)
            }
        );
        assert_eq!(
            r.viewport_anchor,
            Anchor {
                x: Decimal(10_000),
                y: Decimal(90_000)
            }
        );
        assert_eq!(r.scroll, Scroll::Up);
    }

    #[test]
    fn invalid_region_settings_keep_their_defaults() {
        let r = Region::parse(
            "width:120% lines:-2 lines:2x regionanchor:5% viewportanchor:1%,x scroll:down id: :x",
        );
        assert_eq!(r, Region::default());
        assert_eq!(Region::parse("lines:99999999999").lines, u32::MAX);
    }
}
