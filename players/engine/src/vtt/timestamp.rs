//! WebVTT timestamps: `mm:ss.ttt` and `hh:mm:ss.ttt`, any number of hour digits
//! (W3C WebVTT §6.3, "collect a WebVTT timestamp").

use crate::time::Micros;

/// Collects a timestamp at the start of `s`; returns it and the rest of `s`.
pub(crate) fn collect_timestamp(s: &str) -> Option<(Micros, &str)> {
    let (value1, len1, s) = digits(s)?;
    // A first field that is not exactly two digits, or above 59, can only be hours.
    let hours_first = len1 != 2 || value1 > 59;
    let s = s.strip_prefix(':')?;
    let (value2, len2, s) = digits(s)?;
    if len2 != 2 {
        return None;
    }
    let (hours, minutes, seconds, s) = if hours_first || s.starts_with(':') {
        let s = s.strip_prefix(':')?;
        let (value3, len3, s) = digits(s)?;
        if len3 != 2 {
            return None;
        }
        (value1, value2, value3, s)
    } else {
        (0, value1, value2, s)
    };
    let s = s.strip_prefix('.')?;
    let (millis, len4, s) = digits(s)?;
    if len4 != 3 || minutes > 59 || seconds > 59 {
        return None;
    }
    let total_ms = hours
        .checked_mul(3_600_000)?
        .checked_add(minutes * 60_000 + seconds * 1000 + millis)?;
    let micros = i64::try_from(total_ms).ok()?.checked_mul(1000)?;
    Some((Micros(micros), s))
}

/// A timestamp that is the whole of `s` (a timestamp tag, `X-TIMESTAMP-MAP`'s
/// `LOCAL`).
pub fn parse_timestamp(s: &str) -> Option<Micros> {
    match collect_timestamp(s)? {
        (time, "") => Some(time),
        _ => None,
    }
}

/// One or more ASCII digits at the start of `s`: their value (`None` on overflow),
/// their count and the rest.
fn digits(s: &str) -> Option<(u64, usize, &str)> {
    let len = s.bytes().take_while(u8::is_ascii_digit).count();
    if len == 0 {
        return None;
    }
    let (number, rest) = s.split_at_checked(len)?;
    let mut value: u64 = 0;
    for b in number.bytes() {
        value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some((value, len, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_give_exact_microseconds() {
        assert_eq!(parse_timestamp("00:01.500"), Some(Micros(1_500_000)));
        assert_eq!(parse_timestamp("01:02:03.004"), Some(Micros(3_723_004_000)));
        assert_eq!(
            parse_timestamp("123:00:00.001"),
            Some(Micros(442_800_001_000)),
            "hours above 99"
        );
        assert_eq!(
            parse_timestamp("75:00.000"),
            None,
            "a first field above 59 is hours, so seconds are missing"
        );
        assert_eq!(
            parse_timestamp("75:00:00.000"),
            Some(Micros(270_000_000_000))
        );
        assert_eq!(parse_timestamp("1:00:00.000"), Some(Micros(3_600_000_000)));
    }

    #[test]
    fn malformed_timestamps_are_rejected() {
        for bad in [
            "",
            "00:00",
            "0:00.000",
            "00:0.000",
            "00:00.00",
            "00:00.0000",
            "00:60.000",
            "00:60:00.000",
            "00:00,000",
            "aa:bb.ccc",
            "00:00:00:00.000",
            "99999999999999999999:00:00.000",
            "-00:00.000",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn collecting_returns_the_rest() {
        assert_eq!(
            collect_timestamp("00:00.500 --> x"),
            Some((Micros(500_000), " --> x"))
        );
    }
}
