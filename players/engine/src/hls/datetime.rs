//! ISO 8601 / RFC 3339 date-times (RFC 8216 §4.3.2.6 `EXT-X-PROGRAM-DATE-TIME`,
//! §4.3.2.7 `EXT-X-DATERANGE` dates) to milliseconds since the Unix epoch, without std.
//!
//! Accepted: `YYYY-MM-DDThh:mm[:ss[.fraction]][Z|±hh[:mm]|±hhmm]`, with `t`, `z` or a
//! space tolerated; no zone means UTC. The fraction is rounded to the millisecond.

/// Milliseconds since 1970-01-01T00:00:00Z for `s`, or `None` when it is not a valid
/// date-time.
pub fn parse_date_time(s: &str) -> Option<i64> {
    let mut c = Cursor {
        s: s.trim().as_bytes(),
    };
    let year = c.digits(4)?;
    c.expect(b'-')?;
    let month = c.digits(2)?;
    c.expect(b'-')?;
    let day = c.digits(2)?;
    match c.next()? {
        b'T' | b't' | b' ' => {}
        _ => return None,
    }
    let hour = c.digits(2)?;
    c.expect(b':')?;
    let minute = c.digits(2)?;
    let (mut second, mut millis) = (0, 0);
    if c.peek() == Some(b':') {
        c.next();
        second = c.digits(2)?;
        if matches!(c.peek(), Some(b'.' | b',')) {
            c.next();
            millis = c.fraction_millis()?;
        }
    }
    let offset_minutes = match c.next() {
        None | Some(b'Z' | b'z') => 0,
        Some(sign @ (b'+' | b'-')) => {
            let h = c.digits(2)?;
            if c.peek() == Some(b':') {
                c.next();
            }
            let m = if c.peek().is_some() { c.digits(2)? } else { 0 };
            if h > 23 || m > 59 {
                return None;
            }
            let total = h * 60 + m;
            if sign == b'-' {
                -total
            } else {
                total
            }
        }
        Some(_) => return None,
    };
    if c.peek().is_some() {
        return None;
    }
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

struct Cursor<'a> {
    s: &'a [u8],
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.first().copied()
    }

    fn next(&mut self) -> Option<u8> {
        let (&b, rest) = self.s.split_first()?;
        self.s = rest;
        Some(b)
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then_some(())
    }

    fn digits(&mut self, n: usize) -> Option<i64> {
        let (head, rest) = self.s.split_at_checked(n)?;
        if !head.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.s = rest;
        Some(head.iter().fold(0, |v, &b| v * 10 + i64::from(b - b'0')))
    }

    /// Fraction digits after the decimal mark, as milliseconds rounded half up.
    fn fraction_millis(&mut self) -> Option<i64> {
        let len = self.s.iter().take_while(|b| b.is_ascii_digit()).count();
        let (digits, rest) = self.s.split_at_checked(len)?;
        if digits.is_empty() {
            return None;
        }
        self.s = rest;
        let mut millis = 0;
        for i in 0..3 {
            millis = millis * 10 + digits.get(i).map_or(0, |&b| i64::from(b - b'0'));
        }
        if digits.get(3).is_some_and(|&b| b >= b'5') {
            millis += 1;
        }
        Some(millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_8216_example_with_offset() {
        // RFC 8216 §4.3.2.6: 2010-02-19T14:54:23.031+08:00 is 06:54:23.031 UTC.
        assert_eq!(
            parse_date_time("2010-02-19T14:54:23.031+08:00"),
            Some(1_266_562_463_031)
        );
        assert_eq!(
            parse_date_time("2010-02-19T06:54:23.031Z"),
            Some(1_266_562_463_031)
        );
    }

    #[test]
    fn zones_fractions_and_separators() {
        let utc = parse_date_time("2024-11-20T14:14:59.000Z");
        assert_eq!(utc, Some(1_732_112_099_000));
        assert_eq!(parse_date_time("2024-11-20t14:14:59z"), utc);
        assert_eq!(parse_date_time("2024-11-20 14:14:59"), utc);
        assert_eq!(parse_date_time("2024-11-20T09:14:59-0500"), utc);
        assert_eq!(parse_date_time("2024-11-20T16:14:59+02"), utc);
        assert_eq!(
            parse_date_time("2024-11-20T14:14Z"),
            Some(1_732_112_040_000)
        );
        assert_eq!(
            parse_date_time("2024-11-20T14:14:59.1234567Z"),
            Some(1_732_112_099_123)
        );
        assert_eq!(
            parse_date_time("2024-11-20T14:14:59.9996Z"),
            Some(1_732_112_100_000)
        );
        assert_eq!(parse_date_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_date_time("1969-12-31T23:59:59Z"), Some(-1000));
        assert_eq!(
            parse_date_time("2000-02-29T00:00:00Z"),
            Some(951_782_400_000)
        );
    }

    #[test]
    fn invalid_dates_are_refused() {
        for bad in [
            "",
            "2010-02-19",
            "2010-02-30T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2010-13-01T00:00:00Z",
            "2010-02-19T24:00:00Z",
            "2010-02-19T14:54:23.Z",
            "2010-02-19T14:54:23+8",
            "2010-02-19T14:54:23Zjunk",
            "2010-02-19X14:54:23Z",
            "20100219T145423Z",
        ] {
            assert_eq!(parse_date_time(bad), None, "{bad}");
        }
    }
}
