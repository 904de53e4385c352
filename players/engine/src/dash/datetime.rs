//! `xs:dateTime` (XML Schema Part 2 §3.2.7, ISO 8601 §4.3.2) to milliseconds since the
//! Unix epoch, for `MPD@availabilityStartTime` and `@publishTime`. No std, no tables:
//! the civil-to-days conversion is Howard Hinnant's `days_from_civil`.

/// Parses `YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm]` into milliseconds since
/// 1970-01-01T00:00:00Z. Without a zone the time is taken as UTC (DASH-IF IOP: MPD
/// times are UTC). Fractions finer than a millisecond are truncated. `None` when
/// malformed or out of range.
pub fn parse_date_time(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = s.split_once(['T', 't'])?;
    let (year, month, day) = parse_date(date)?;
    let (clock, offset_minutes) = split_zone(time)?;
    let millis_of_day = parse_clock(clock)?;
    let days = days_from_civil(year, month, day);
    let total = i128::from(days) * 86_400_000 + i128::from(millis_of_day)
        - i128::from(offset_minutes) * 60_000;
    i64::try_from(total).ok()
}

/// `YYYY-MM-DD` (four or more year digits).
fn parse_date(s: &str) -> Option<(i64, u32, u32)> {
    let mut parts = s.splitn(3, '-');
    let year = parts.next()?;
    let month = parts.next()?;
    let day = parts.next()?;
    if year.len() < 4 || year.len() > 9 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let year = i64::from(number(year)?);
    let month = number(month)?;
    let day = number(day)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    Some((year, month, day))
}

/// Splits `hh:mm:ss[.f]` from its zone: `Z`, `+hh:mm`, `-hh:mm`, `+hhmm` or none.
fn split_zone(s: &str) -> Option<(&str, i32)> {
    if let Some(clock) = s.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    // A sign after the clock's first 8 characters starts the offset.
    let Some(at) = s
        .char_indices()
        .skip(8)
        .find(|(_, c)| *c == '+' || *c == '-')
        .map(|(i, _)| i)
    else {
        return Some((s, 0));
    };
    let (clock, zone) = s.split_at_checked(at)?;
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let zone = zone.get(1..)?;
    let (hours, minutes) = match zone.split_once(':') {
        Some(hm) => hm,
        None => zone.split_at_checked(2)?,
    };
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let (hours, minutes) = (number(hours)?, number(minutes)?);
    if hours > 14 || minutes > 59 {
        return None;
    }
    Some((clock, sign * (hours * 60 + minutes) as i32))
}

/// `hh:mm:ss[.fff]` to milliseconds of the day (`24:00:00` is the next midnight; a
/// leap second `:60` is accepted as the next second).
fn parse_clock(s: &str) -> Option<u32> {
    let mut parts = s.splitn(3, ':');
    let hours = parts.next()?;
    let minutes = parts.next()?;
    let seconds = parts.next()?;
    let (seconds, fraction) = match seconds.split_once('.') {
        Some((s, f)) if !f.is_empty() => (s, f),
        Some(_) => return None,
        None => (seconds, ""),
    };
    if hours.len() != 2 || minutes.len() != 2 || seconds.len() != 2 {
        return None;
    }
    let (h, m, sec) = (number(hours)?, number(minutes)?, number(seconds)?);
    if h > 24 || m > 59 || sec > 60 || (h == 24 && (m, sec) != (0, 0)) {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let millis = fraction
        .bytes()
        .chain(core::iter::repeat(b'0'))
        .take(3)
        .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
    Some(((h * 60 + m) * 60 + sec) * 1000 + millis)
}

/// A run of 1 to 9 ASCII digits.
fn number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 {
        return None;
    }
    s.bytes().try_fold(0u32, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant, "chrono-Compatible
/// Low-Level Date Algorithms").
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_times_match_the_unix_clock() {
        assert_eq!(parse_date_time("1970-01-01T00:00:00Z"), Some(0));
        // `date -u -d 2024-02-29T12:34:56Z +%s` = 1709210096
        assert_eq!(
            parse_date_time("2024-02-29T12:34:56Z"),
            Some(1_709_210_096_000)
        );
        assert_eq!(
            parse_date_time("2000-03-01T00:00:00.5Z"),
            Some(951_868_800_500)
        );
        assert_eq!(
            parse_date_time("1969-12-31T23:59:59.999Z"),
            Some(-1),
            "before the epoch"
        );
        assert_eq!(parse_date_time("1970-01-02T00:00:00"), Some(86_400_000));
        assert_eq!(parse_date_time("1970-01-01T24:00:00Z"), Some(86_400_000));
    }

    #[test]
    fn zones_shift_to_utc() {
        assert_eq!(
            parse_date_time("2024-02-29T13:34:56+01:00"),
            Some(1_709_210_096_000)
        );
        assert_eq!(
            parse_date_time("2024-02-29T07:04:56-0530"),
            Some(1_709_210_096_000)
        );
        assert_eq!(
            parse_date_time("2024-02-29T12:34:56.123456+00:00"),
            Some(1_709_210_096_123)
        );
    }

    #[test]
    fn malformed_date_times_are_refused() {
        for bad in [
            "",
            "2024-02-29",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T25:00:00Z",
            "2024-01-01T24:00:01Z",
            "2024-01-01T00:60:00Z",
            "24-01-01T00:00:00Z",
            "2024-01-01T00:00:00+15:00",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T0:00:00Z",
            "2024-01-01T00:00:00+1",
            "２０２４-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_date_time(bad), None, "{bad:?}");
        }
    }
}
