//! `xs:duration` (XML Schema Part 2 §3.2.6, after ISO 8601 §4.4.3.2) to exact
//! microseconds: `PT1H2M3.5S`, `P1DT12H`, `-PT0.25S`. No floats: the fraction is read
//! digit by digit and rounded to the nearest microsecond (ties up).

use crate::time::Micros;

const SECOND: i128 = 1_000_000;
const MINUTE: i128 = 60 * SECOND;
const HOUR: i128 = 60 * MINUTE;
const DAY: i128 = 24 * HOUR;
/// Years and months have no fixed length; like every DASH player we take 365 and 30
/// days (the MPD durations that use them are rough by nature).
const MONTH: i128 = 30 * DAY;
const YEAR: i128 = 365 * DAY;

/// Most digits kept in a component's integer part (more is an overflow anyway).
const MAX_INT_DIGITS: usize = 20;
/// Most fraction digits taken into account (finer than a microsecond is rounded away).
const MAX_FRACTION_DIGITS: u32 = 12;

/// Parses an `xs:duration`. `None` when malformed or beyond `i64` microseconds.
///
/// Fractions are accepted on any component (ISO 8601 allows them on the last one);
/// components must come in order, each at most once, with at least one present.
pub fn parse_duration(s: &str) -> Option<Micros> {
    let s = s.trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let s = s.strip_prefix('P')?;
    let (date, time) = match s.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (s, None),
    };
    let mut total = components(date, &[(b'Y', YEAR), (b'M', MONTH), (b'D', DAY)])?;
    if let Some(time) = time {
        total = total.checked_add(components(
            time,
            &[(b'H', HOUR), (b'M', MINUTE), (b'S', SECOND)],
        )?)?;
    } else if date.is_empty() {
        return None;
    }
    let total = if negative { -total } else { total };
    i64::try_from(total).ok().map(Micros)
}

/// Reads `nX nY ...` with designators from `units`, in order; an empty string is 0.
fn components(mut s: &str, units: &[(u8, i128)]) -> Option<i128> {
    let mut total = 0i128;
    let mut next_unit = 0;
    while !s.is_empty() {
        let end = s.find(|c: char| c.is_ascii_alphabetic())?;
        let (number, rest) = s.split_at_checked(end)?;
        let designator = *rest.as_bytes().first()?;
        let position = units
            .iter()
            .skip(next_unit)
            .position(|(d, _)| *d == designator)?;
        let (_, unit) = units.get(next_unit + position)?;
        next_unit += position + 1;
        total = total.checked_add(scaled(number, *unit)?)?;
        s = rest.get(1..)?;
    }
    Some(total)
}

/// `digits[.digits] × unit`, rounded to the nearest unit of the result.
pub(crate) fn scaled(number: &str, unit: i128) -> Option<i128> {
    let (int, fraction) = match number.split_once(['.', ',']) {
        Some((i, f)) if !f.is_empty() => (i, f),
        Some(_) => return None,
        None => (number, ""),
    };
    if int.is_empty() && fraction.is_empty() {
        return None;
    }
    let int_value = digits(int, MAX_INT_DIGITS)?;
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let kept = fraction.get(..fraction.len().min(MAX_FRACTION_DIGITS as usize))?;
    let scale = 10i128.pow(kept.len() as u32);
    let fraction_value = digits(kept, MAX_FRACTION_DIGITS as usize)?;
    let rounded = (fraction_value * unit + scale / 2) / scale;
    int_value.checked_mul(unit)?.checked_add(rounded)
}

/// A run of ASCII digits (possibly empty, giving 0) of at most `max` digits.
fn digits(s: &str, max: usize) -> Option<i128> {
    if s.len() > max {
        // Leading zeros do not count towards the limit.
        let significant = s.trim_start_matches('0');
        if significant.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return digits(significant, max);
    }
    s.bytes().try_fold(0i128, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + i128::from(b - b'0'))
    })
}

/// Decimal seconds (`xs:double` as MPDs write it: `1.5`, `2`) to microseconds; `INF`
/// gives `i64::MAX` (ISO/IEC 23009-1 §5.3.9.5.3 allows an infinite
/// `availabilityTimeOffset`). Exponents are not accepted.
pub fn parse_seconds(s: &str) -> Option<Micros> {
    let s = s.trim();
    if s == "INF" {
        return Some(Micros(i64::MAX));
    }
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if s.contains(',') {
        return None;
    }
    let value = scaled(s, SECOND)?;
    i64::try_from(if negative { -value } else { value })
        .ok()
        .map(Micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(s: &str) -> Option<i64> {
        parse_duration(s).map(|m| m.0)
    }

    #[test]
    fn common_mpd_durations_are_exact() {
        assert_eq!(us("PT1H2M3.5S"), Some(3_723_500_000));
        assert_eq!(us("PT4.0S"), Some(4_000_000));
        assert_eq!(us("PT0S"), Some(0));
        assert_eq!(us("P1DT1S"), Some(86_401_000_000));
        assert_eq!(us("P0Y0M0DT0H0M2.000S"), Some(2_000_000));
        assert_eq!(us("PT0.000001S"), Some(1));
        assert_eq!(us("-PT1.5S"), Some(-1_500_000));
        assert_eq!(us("P1Y"), Some(365 * 86_400_000_000));
        assert_eq!(us("P1M"), Some(30 * 86_400_000_000));
        assert_eq!(us("PT1M"), Some(60_000_000), "M after T is minutes");
        assert_eq!(us("PT1.5M"), Some(90_000_000));
    }

    #[test]
    fn fractions_round_to_the_nearest_microsecond() {
        assert_eq!(us("PT0.0000005S"), Some(1));
        assert_eq!(us("PT0.0000004S"), Some(0));
        assert_eq!(us("PT3.9999999S"), Some(4_000_000));
        assert_eq!(us("PT0.1234567890123456789S"), Some(123_457));
    }

    #[test]
    fn malformed_durations_are_refused() {
        for bad in [
            "", "P", "PT", "1S", "PT1", "PTS", "P1S", "PT1H1H", "PT1S1M", "PT.S", "PT1.S", "P1DT",
            "PT1.5.5S", "PTxS", "pT1S", "PT-1S", "PT1 S",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn overflow_is_refused_not_wrapped() {
        assert_eq!(us("PT9223372036854S"), Some(9_223_372_036_854_000_000));
        assert_eq!(us("PT9223372036855S"), None);
        assert_eq!(us("P99999999999999999999Y"), None);
        assert_eq!(us("P000000000000000000000000001D"), Some(86_400_000_000));
    }

    #[test]
    fn decimal_seconds_and_infinity() {
        assert_eq!(parse_seconds("1.5"), Some(Micros(1_500_000)));
        assert_eq!(parse_seconds("2"), Some(Micros(2_000_000)));
        assert_eq!(parse_seconds("INF"), Some(Micros(i64::MAX)));
        assert_eq!(parse_seconds("1e3"), None);
        assert_eq!(parse_seconds(""), None);
    }
}
