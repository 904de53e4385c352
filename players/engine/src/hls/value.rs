//! Attribute and tag value types (RFC 8216 §4.2), parsed exactly: durations are kept
//! as integer nanoseconds ([`Duration`]), never as floats.

use core::time::Duration;

/// `decimal-integer`: 1 to 20 digits, 0 to 2^64-1.
pub(crate) fn decimal_integer(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.bytes().try_fold(0u64, |n, b| {
        n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

/// A non-negative `decimal-floating-point` as an exact duration in seconds: the first
/// nine fractional digits are kept, the tenth rounds (half up), the rest are dropped.
pub(crate) fn duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !digits(frac) {
        return None;
    }
    let secs = if int.is_empty() {
        0
    } else {
        decimal_integer(int)?
    };
    let mut nanos: u32 = 0;
    let mut bytes = frac.bytes();
    for _ in 0..9 {
        nanos = nanos * 10 + bytes.next().map_or(0, |b| u32::from(b - b'0'));
    }
    if bytes.next().is_some_and(|b| b >= b'5') {
        nanos += 1;
    }
    if nanos >= 1_000_000_000 {
        return Some(Duration::new(secs.checked_add(1)?, 0));
    }
    Some(Duration::new(secs, nanos))
}

/// A `signed-decimal-floating-point` as signed microseconds (rounded to nearest).
pub(crate) fn signed_micros(s: &str) -> Option<i64> {
    let s = s.trim();
    let (negative, magnitude) = match s.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let d = duration(magnitude)?;
    let micros = i64::try_from(round_div(d.as_nanos(), 1000)).ok()?;
    Some(if negative { -micros } else { micros })
}

/// `a / b` rounded half up.
pub(crate) fn round_div(a: u128, b: u128) -> u128 {
    if b == 0 {
        return 0;
    }
    a / b + u128::from(a % b >= b.div_ceil(2))
}

/// A `hexadecimal-sequence` (`0x` or `0X`, then hex digits, any case) as a 128-bit
/// big-endian value, for an IV (RFC 8216 §4.3.2.4): shorter sequences are
/// zero-extended on the left, longer ones must have leading zeros only.
pub(crate) fn hex_128(s: &str) -> Option<[u8; 16]> {
    let s = s.trim();
    let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))?;
    if digits.is_empty() {
        return None;
    }
    let mut value: u128 = 0;
    for c in digits.chars() {
        let nibble = c.to_digit(16)?;
        value = value.checked_mul(16)?.checked_add(u128::from(nibble))?;
    }
    Some(value.to_be_bytes())
}

/// A video resolution in pixels (`decimal-resolution`, RFC 8216 §4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Resolution {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// `<width>x<height>` (an upper-case `X` is tolerated).
pub(crate) fn resolution(s: &str) -> Option<Resolution> {
    let (w, h) = s.trim().split_once(['x', 'X'])?;
    Some(Resolution {
        width: u32::try_from(decimal_integer(w)?).ok()?,
        height: u32::try_from(decimal_integer(h)?).ok()?,
    })
}

/// `<n>[@<o>]` (RFC 8216 §4.3.2.2): length and optional offset.
pub(crate) fn byte_range(s: &str) -> Option<(u64, Option<u64>)> {
    match s.trim().split_once('@') {
        Some((n, o)) => Some((decimal_integer(n)?, Some(decimal_integer(o)?))),
        None => Some((decimal_integer(s)?, None)),
    }
}

/// `YES` or `NO` (RFC 8216 §4.2 enumerated-string; lower case tolerated).
pub(crate) fn yes_no(s: &str) -> Option<bool> {
    match s.trim() {
        t if t.eq_ignore_ascii_case("YES") => Some(true),
        t if t.eq_ignore_ascii_case("NO") => Some(false),
        _ => None,
    }
}

/// A frame rate in thousandths of a frame per second (RFC 8216 §4.3.4.2 rounds it to
/// three decimal places).
pub(crate) fn frame_rate_milli(s: &str) -> Option<u32> {
    let d = duration(s)?;
    u32::try_from(round_div(d.as_nanos(), 1_000_000)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_integers_reject_signs_and_overflow() {
        assert_eq!(decimal_integer("0"), Some(0));
        assert_eq!(decimal_integer(" 2680 "), Some(2680));
        assert_eq!(decimal_integer("18446744073709551615"), Some(u64::MAX));
        assert_eq!(decimal_integer("18446744073709551616"), None);
        assert_eq!(decimal_integer("-1"), None);
        assert_eq!(decimal_integer("+1"), None);
        assert_eq!(decimal_integer("1.0"), None);
        assert_eq!(decimal_integer(""), None);
    }

    #[test]
    fn durations_are_exact_to_the_nanosecond() {
        assert_eq!(duration("9.009"), Some(Duration::new(9, 9_000_000)));
        assert_eq!(duration("10"), Some(Duration::from_secs(10)));
        assert_eq!(duration("2.000000"), Some(Duration::from_secs(2)));
        assert_eq!(duration(".5"), Some(Duration::from_millis(500)));
        assert_eq!(duration("3."), Some(Duration::from_secs(3)));
        assert_eq!(duration("0.0000000015"), Some(Duration::from_nanos(2)));
        assert_eq!(duration("0.0000000014999"), Some(Duration::from_nanos(1)));
        assert_eq!(duration("1.9999999999"), Some(Duration::from_secs(2)));
        assert_eq!(duration("."), None);
        assert_eq!(duration("1e3"), None);
        assert_eq!(duration("-1"), None);
        assert_eq!(duration("1.2.3"), None);
        assert_eq!(duration("99999999999999999999"), None);
    }

    #[test]
    fn signed_offsets_round_to_microseconds() {
        assert_eq!(signed_micros("-12.5"), Some(-12_500_000));
        assert_eq!(signed_micros("+0.0000015"), Some(2));
        assert_eq!(signed_micros("25"), Some(25_000_000));
        assert_eq!(signed_micros("--1"), None);
    }

    #[test]
    fn ivs_are_128_bit_big_endian_in_any_case() {
        let iv = hex_128("0x0123456789abcdefFEDCBA9876543210").unwrap();
        assert_eq!(
            iv,
            [
                0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54,
                0x32, 0x10
            ]
        );
        let mut one = [0u8; 16];
        one[15] = 1;
        assert_eq!(hex_128("0X1"), Some(one));
        assert_eq!(hex_128("0x000000000000000000000000000000001"), Some(one));
        assert_eq!(hex_128("0x100000000000000000000000000000000"), None);
        assert_eq!(hex_128("0x"), None);
        assert_eq!(hex_128("12"), None);
        assert_eq!(hex_128("0xg"), None);
    }

    #[test]
    fn resolutions_byte_ranges_flags_and_frame_rates() {
        assert_eq!(
            resolution("1920x1080"),
            Some(Resolution {
                width: 1920,
                height: 1080
            })
        );
        assert_eq!(resolution("1920X1080").map(|r| r.height), Some(1080));
        assert_eq!(resolution("1920"), None);
        assert_eq!(byte_range("75232@0"), Some((75232, Some(0))));
        assert_eq!(byte_range("82112"), Some((82112, None)));
        assert_eq!(byte_range("1@"), None);
        assert_eq!(yes_no("YES"), Some(true));
        assert_eq!(yes_no("no"), Some(false));
        assert_eq!(yes_no("1"), None);
        assert_eq!(frame_rate_milli("29.97"), Some(29_970));
        assert_eq!(frame_rate_milli("23.9760"), Some(23_976));
        assert_eq!(frame_rate_milli("59.9405"), Some(59_941));
    }
}
