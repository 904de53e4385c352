//! The resume position, kept in the port's key-value store so a viewer who turns
//! the box off comes back where they left off.
//!
//! One entry, key [`KEY`], value `"<position_ms> <url>"`: only the last
//! presentation is remembered, which bounds the store's use to one small value.

use alloc::string::String;
use core::fmt::Write;

use wasp_guest::abi::player::PlayerState;
use wasp_guest::kv;

use crate::view::View;

/// The store key.
pub const KEY: &str = "tv.resume";
/// How often the position is saved while playing, µs (flash wears: not every tick).
pub const SAVE_EVERY_US: i64 = 10_000_000;
/// Positions this close to the start are not worth resuming, µs.
pub const MIN_RESUME_US: i64 = 5_000_000;
/// Positions this close to the end count as finished, µs.
pub const END_MARGIN_US: i64 = 10_000_000;

/// Parses a stored value: the position for `url`, µs.
pub fn parse(value: &str, url: &str) -> Option<i64> {
    let (ms, stored) = value.split_once(' ')?;
    (stored == url)
        .then(|| ms.parse::<i64>().ok())??
        .checked_mul(1000)
}

/// The value stored for a position.
pub fn format(url: &str, position_us: i64) -> String {
    let mut s = String::new();
    let _ = write!(s, "{} {url}", position_us / 1000);
    s
}

/// What to store for this moment: `Some(Some(pos))` to save, `Some(None)` to
/// forget, `None` to leave the store alone.
pub fn decide(view: &View) -> Option<Option<i64>> {
    match view.state {
        PlayerState::Ended => Some(None),
        PlayerState::Idle | PlayerState::Error | PlayerState::Loading => None,
        _ if view.live => None,
        _ if view.position_us < MIN_RESUME_US => None,
        _ if view.duration_us > 0 && view.position_us > view.duration_us - END_MARGIN_US => {
            Some(None)
        }
        _ => Some(Some(view.position_us)),
    }
}

/// Where to start `url`, if a position is stored for it.
pub fn load(url: &str) -> Option<i64> {
    let value = kv::get(KEY).ok()?;
    parse(core::str::from_utf8(&value).ok()?, url)
}

/// Keeps the store in step with playback.
#[derive(Debug, Default)]
pub struct Saver {
    last_save_us: Option<i64>,
    last_saved: Option<Option<i64>>,
}

impl Saver {
    /// Saves now if the periodic save is due or `force` (pause, stop, suspend).
    pub fn tick(&mut self, now_us: i64, url: &str, view: &View, force: bool) {
        let due = force
            || self
                .last_save_us
                .is_none_or(|t| now_us - t >= SAVE_EVERY_US);
        if !due {
            return;
        }
        let Some(what) = decide(view) else {
            return;
        };
        if self.last_saved == Some(what) {
            return;
        }
        let ok = match what {
            Some(position) => kv::set(KEY, format(url, position).as_bytes()).is_ok(),
            None => kv::delete(KEY).is_ok(),
        };
        if ok {
            self.last_save_us = Some(now_us);
            self.last_saved = Some(what);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_position_applies_to_its_own_url_only() {
        let v = format("http://a/b.m3u8", 42_123_456);
        assert_eq!(v, "42123 http://a/b.m3u8");
        assert_eq!(parse(&v, "http://a/b.m3u8"), Some(42_123_000));
        assert_eq!(parse(&v, "http://a/c.m3u8"), None);
        assert_eq!(parse("x http://a/b.m3u8", "http://a/b.m3u8"), None);
        assert_eq!(parse("", ""), None);
    }

    #[test]
    fn the_start_and_the_end_are_not_resumed() {
        let mut v = View::idle();
        v.state = PlayerState::Playing;
        v.duration_us = 60_000_000;
        v.position_us = 2_000_000;
        assert_eq!(decide(&v), None);
        v.position_us = 30_000_000;
        assert_eq!(decide(&v), Some(Some(30_000_000)));
        v.position_us = 55_000_000;
        assert_eq!(decide(&v), Some(None));
        v.state = PlayerState::Ended;
        assert_eq!(decide(&v), Some(None));
        v.state = PlayerState::Playing;
        v.live = true;
        v.position_us = 30_000_000;
        assert_eq!(decide(&v), None, "live has no position to come back to");
    }
}
