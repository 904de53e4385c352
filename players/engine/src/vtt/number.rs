//! Numbers in cue and region settings: WebVTT percentages and line numbers (W3C
//! WebVTT §6.3, "parse a percentage string"), held exactly in fixed point so that no
//! float (and no NaN) reaches a renderer.

/// A decimal number in thousandths: `Decimal(50_500)` is 50.5. Three decimals are kept
/// exactly; finer digits round to nearest, ties away from zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Decimal(pub i64);

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal(0);
    /// One hundred (a full percentage).
    pub const HUNDRED: Decimal = Decimal(100_000);

    /// A whole number.
    pub const fn from_int(n: i64) -> Self {
        Decimal(n.saturating_mul(1000))
    }

    /// The value in thousandths.
    pub const fn thousandths(self) -> i64 {
        self.0
    }
}

impl core::fmt::Display for Decimal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 1000, abs % 1000);
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else {
            let mut digits = frac;
            let mut width = 3;
            while digits % 10 == 0 {
                digits /= 10;
                width -= 1;
            }
            write!(f, "{sign}{whole}.{digits:0width$}")
        }
    }
}

/// Parses `-?[0-9]+(\.[0-9]+)?` (the syntax the callers have already checked); huge
/// values saturate. `None` for anything else.
pub(crate) fn parse_decimal(s: &str) -> Option<Decimal> {
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value: i64 = 0;
    for b in whole.bytes() {
        value = value.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    value = value.saturating_mul(1000);
    if let Some(frac) = frac {
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut scale = 100;
        let mut bytes = frac.bytes();
        for b in bytes.by_ref().take(3) {
            value = value.saturating_add(i64::from(b - b'0') * scale);
            scale /= 10;
        }
        // Round half up on the first dropped digit: the rest is below one of its units.
        if bytes.next().is_some_and(|b| b >= b'5') {
            value = value.saturating_add(1);
        }
    }
    Some(Decimal(if negative { -value } else { value }))
}

/// Parses a WebVTT percentage, `[0-9]+(\.[0-9]+)?%`, with a value in 0..=100.
pub(crate) fn parse_percentage(s: &str) -> Option<Decimal> {
    let number = s.strip_suffix('%')?;
    if number.starts_with('-') {
        return None;
    }
    let value = parse_decimal(number)?;
    (value <= Decimal::HUNDRED).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn decimals_keep_three_digits_and_round_the_rest() {
        assert_eq!(parse_decimal("10"), Some(Decimal(10_000)));
        assert_eq!(parse_decimal("-3"), Some(Decimal(-3000)));
        assert_eq!(parse_decimal("1.5"), Some(Decimal(1500)));
        assert_eq!(parse_decimal("0.0004999"), Some(Decimal(0)));
        assert_eq!(parse_decimal("0.0005"), Some(Decimal(1)));
        assert_eq!(
            parse_decimal("99999999999999999999999"),
            Some(Decimal(i64::MAX))
        );
        for bad in ["", "-", ".5", "5.", "1.2.3", "1e3", "+1", "1%"] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn percentages_are_between_zero_and_one_hundred() {
        assert_eq!(parse_percentage("0%"), Some(Decimal::ZERO));
        assert_eq!(parse_percentage("100%"), Some(Decimal::HUNDRED));
        assert_eq!(parse_percentage("33.333%"), Some(Decimal(33_333)));
        for bad in ["100.001%", "-1%", "50", "%", "5.%", " 5%"] {
            assert_eq!(parse_percentage(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn decimals_display_without_trailing_zeros() {
        assert_eq!(Decimal(50_500).to_string(), "50.5");
        assert_eq!(Decimal(-1_050).to_string(), "-1.05");
        assert_eq!(Decimal(7_000).to_string(), "7");
        assert_eq!(Decimal(1).to_string(), "0.001");
    }
}
