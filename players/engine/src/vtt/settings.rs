//! Cue timings and settings: the line `start --> end settings…` (W3C WebVTT §6.3,
//! "collect WebVTT cue timings and settings" and "parse the WebVTT cue settings").
//! Invalid settings are ignored one by one, as browsers do.

use alloc::string::{String, ToString};

use super::number::{parse_decimal, parse_percentage, Decimal};
use super::timestamp::collect_timestamp;
use crate::time::Micros;

/// The writing direction (`vertical:`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Vertical {
    /// Horizontal text (no setting).
    #[default]
    Horizontal,
    /// `vertical:rl`: vertical, lines growing to the left.
    RightToLeft,
    /// `vertical:lr`: vertical, lines growing to the right.
    LeftToRight,
}

/// The cue's line position (`line:`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Line {
    /// Placed by the renderer (no setting).
    #[default]
    Auto,
    /// A line number (snap-to-lines): from the top if ≥ 0, from the bottom if < 0.
    Lines(Decimal),
    /// A percentage of the video (0 to 100).
    Percent(Decimal),
}

/// Which part of the cue box the line position names (`line:…,start|center|end`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LineAlign {
    /// `start` (the default).
    #[default]
    Start,
    /// `center`.
    Center,
    /// `end`.
    End,
}

/// Which part of the cue box the position names (`position:…,line-left|…`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PositionAlign {
    /// Derived from the text alignment (no alignment given).
    #[default]
    Auto,
    /// `line-left`.
    LineLeft,
    /// `center`.
    Center,
    /// `line-right`.
    LineRight,
}

/// Text alignment within the cue box (`align:`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Align {
    /// `start`.
    Start,
    /// `center` (the default).
    #[default]
    Center,
    /// `end`.
    End,
    /// `left`.
    Left,
    /// `right`.
    Right,
}

/// The settings of one cue, with the spec's defaults for those not given.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CueSettings {
    /// `vertical:`.
    pub vertical: Vertical,
    /// `line:` position.
    pub line: Line,
    /// `line:` alignment.
    pub line_align: LineAlign,
    /// `position:` as a percentage; `None` is `auto`.
    pub position: Option<Decimal>,
    /// `position:` alignment.
    pub position_align: PositionAlign,
    /// `size:` as a percentage (100 when not given).
    pub size: Decimal,
    /// `align:`.
    pub align: Align,
    /// `region:`: the identifier of a region defined before the cue (see
    /// [`layout_region`](Self::layout_region)).
    pub region: Option<String>,
}

impl CueSettings {
    /// The region the cue is laid out in: its `region`, unless it also sets `line`,
    /// `size` or `vertical`, which a region cannot honour, so it is then laid out as a
    /// cue of its own (W3C WebVTT §7.2, rendering; the parser keeps the setting).
    pub fn layout_region(&self) -> Option<&str> {
        let plain = self.line == Line::Auto
            && self.size == Decimal::HUNDRED
            && self.vertical == Vertical::Horizontal;
        self.region.as_deref().filter(|_| plain)
    }
}

impl Default for CueSettings {
    fn default() -> Self {
        Self {
            vertical: Vertical::Horizontal,
            line: Line::Auto,
            line_align: LineAlign::Start,
            position: None,
            position_align: PositionAlign::Auto,
            size: Decimal::HUNDRED,
            align: Align::Center,
            region: None,
        }
    }
}

/// Parses `start --> end settings…`; `None` when the timings are malformed.
/// `known_region` says whether a region identifier was defined.
pub(crate) fn parse_timing_line(
    line: &str,
    known_region: &dyn Fn(&str) -> bool,
) -> Option<(Micros, Micros, CueSettings)> {
    let s = line.trim_start_matches(is_space);
    let (start, s) = collect_timestamp(s)?;
    let s = s.trim_start_matches(is_space).strip_prefix("-->")?;
    let (end, rest) = collect_timestamp(s.trim_start_matches(is_space))?;
    Some((start, end, parse_settings(rest, known_region)))
}

/// ASCII whitespace as WebVTT means it (tab, LF, FF, CR, space).
pub(crate) fn is_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

fn parse_settings(s: &str, known_region: &dyn Fn(&str) -> bool) -> CueSettings {
    let mut settings = CueSettings::default();
    for token in s.split(is_space) {
        let Some((name, value)) = token.split_once(':') else {
            continue;
        };
        if name.is_empty() || value.is_empty() {
            continue;
        }
        match name {
            "region" => settings.region = known_region(value).then(|| value.to_string()),
            "vertical" => match value {
                "rl" => settings.vertical = Vertical::RightToLeft,
                "lr" => settings.vertical = Vertical::LeftToRight,
                _ => {}
            },
            "line" => {
                if let Some((line, align)) = parse_line(value) {
                    settings.line = line;
                    settings.line_align = align;
                }
            }
            "position" => {
                let (number, align) = value.split_once(',').unwrap_or((value, ""));
                let align = match align {
                    "" => Some(PositionAlign::Auto),
                    "line-left" => Some(PositionAlign::LineLeft),
                    "center" => Some(PositionAlign::Center),
                    "line-right" => Some(PositionAlign::LineRight),
                    _ => None,
                };
                if let (Some(position), Some(align)) = (parse_percentage(number), align) {
                    settings.position = Some(position);
                    settings.position_align = align;
                }
            }
            "size" => {
                if let Some(size) = parse_percentage(value) {
                    settings.size = size;
                }
            }
            "align" => {
                settings.align = match value {
                    "start" => Align::Start,
                    "center" => Align::Center,
                    "end" => Align::End,
                    "left" => Align::Left,
                    "right" => Align::Right,
                    _ => settings.align,
                }
            }
            _ => {}
        }
    }
    settings
}

/// `line:` value: a number or a percentage, then an optional `,start|center|end`.
fn parse_line(value: &str) -> Option<(Line, LineAlign)> {
    let (position, align) = value.split_once(',').unwrap_or((value, ""));
    let align = match align {
        "" | "start" => LineAlign::Start,
        "center" => LineAlign::Center,
        "end" => LineAlign::End,
        _ => return None,
    };
    if !position.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let line = if position.ends_with('%') {
        Line::Percent(parse_percentage(position)?)
    } else {
        // parse_decimal accepts exactly the spec's checks: '-' only first, at most one
        // '.', with a digit on both sides.
        Line::Lines(parse_decimal(position)?)
    };
    Some((line, align))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> bool {
        false
    }

    #[test]
    fn every_setting_is_read() {
        let (start, end, s) = parse_timing_line(
            "00:01.000 --> 00:02.500 vertical:lr line:-2,end position:30%,line-right size:40.5% align:left",
            &none,
        )
        .unwrap();
        assert_eq!((start, end), (Micros(1_000_000), Micros(2_500_000)));
        assert_eq!(s.vertical, Vertical::LeftToRight);
        assert_eq!(s.line, Line::Lines(Decimal(-2000)));
        assert_eq!(s.line_align, LineAlign::End);
        assert_eq!(s.position, Some(Decimal(30_000)));
        assert_eq!(s.position_align, PositionAlign::LineRight);
        assert_eq!(s.size, Decimal(40_500));
        assert_eq!(s.align, Align::Left);
    }

    #[test]
    fn invalid_settings_are_ignored_one_by_one() {
        let (_, _, s) = parse_timing_line(
            "00:00.000-->00:01.000\tline:5%,middle position:101% size:50% align:justify vertical:x :a b: line:-.5 line:1-",
            &none,
        )
        .unwrap();
        assert_eq!(
            s,
            CueSettings {
                size: Decimal(50_000),
                ..CueSettings::default()
            }
        );
    }

    #[test]
    fn a_region_is_kept_only_when_defined_and_used_only_when_compatible() {
        let known = |id: &str| id == "fred";
        let (_, _, s) = parse_timing_line("00:00.000 --> 00:01.000 region:fred", &known).unwrap();
        assert_eq!(s.region.as_deref(), Some("fred"));
        assert_eq!(s.layout_region(), Some("fred"));
        let (_, _, s) = parse_timing_line("00:00.000 --> 00:01.000 region:bill", &known).unwrap();
        assert_eq!(s.region, None);
        let (_, _, s) =
            parse_timing_line("00:00.000 --> 00:01.000 region:fred line:0", &known).unwrap();
        assert_eq!(s.region.as_deref(), Some("fred"));
        assert_eq!(s.layout_region(), None, "a line setting takes the cue out");
    }

    #[test]
    fn malformed_timings_fail() {
        for bad in [
            "00:00.000 -> 00:01.000",
            "00:00.000 --> ",
            "--> 00:01.000",
            "00:00.000 00:01.000 -->",
            "0:00.000 --> 00:01.000",
        ] {
            assert!(parse_timing_line(bad, &none).is_none(), "{bad:?}");
        }
    }
}
