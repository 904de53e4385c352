//! Character references in cue text (W3C WebVTT §6.4 defers to HTML's "character
//! reference state"): the named references WebVTT authors use, and numeric ones.

/// Decodes the character reference at the start of `s` (the text after `&`): the
/// character and how many bytes of `s` it took. `None` when `s` does not start with a
/// reference this parser knows, so the `&` stays literal text.
pub(crate) fn decode(s: &str) -> Option<(char, usize)> {
    if let Some(numeric) = s.strip_prefix('#') {
        return decode_numeric(numeric).map(|(c, len)| (c, len + 1));
    }
    // Named references; HTML also accepts its legacy names without the semicolon.
    const NAMED: [(&str, char, bool); 8] = [
        ("amp", '&', true),
        ("lt", '<', true),
        ("gt", '>', true),
        ("quot", '"', true),
        ("nbsp", '\u{a0}', true),
        ("lrm", '\u{200e}', false),
        ("rlm", '\u{200f}', false),
        ("apos", '\'', false),
    ];
    for (name, c, legacy) in NAMED {
        if let Some(rest) = s.strip_prefix(name) {
            if rest.starts_with(';') {
                return Some((c, name.len() + 1));
            }
            if legacy {
                return Some((c, name.len()));
            }
        }
    }
    None
}

/// `[0-9]+;?` or `[xX][0-9a-fA-F]+;?` (after `&#`). Zero, surrogates and values past
/// U+10FFFF become U+FFFD, as in HTML.
fn decode_numeric(s: &str) -> Option<(char, usize)> {
    let (radix, prefix, digits) = match s.strip_prefix(['x', 'X']) {
        Some(hex) => (16, 1, hex),
        None => (10, 0, s),
    };
    let len = digits
        .bytes()
        .take_while(|b| (*b as char).is_digit(radix))
        .count();
    if len == 0 {
        return None;
    }
    let value = digits
        .get(..len)?
        .chars()
        .filter_map(|c| c.to_digit(radix))
        .fold(0u32, |n, d| n.saturating_mul(radix).saturating_add(d));
    let c = match value {
        0 => '\u{fffd}',
        v => char::from_u32(v).unwrap_or('\u{fffd}'),
    };
    let semicolon = usize::from(digits.get(len..).is_some_and(|r| r.starts_with(';')));
    Some((c, prefix + len + semicolon))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_and_numeric_references_decode() {
        assert_eq!(decode("amp;x"), Some(('&', 4)));
        assert_eq!(decode("lt;"), Some(('<', 3)));
        assert_eq!(decode("gt;"), Some(('>', 3)));
        assert_eq!(decode("lrm;"), Some(('\u{200e}', 4)));
        assert_eq!(decode("rlm;"), Some(('\u{200f}', 4)));
        assert_eq!(decode("nbsp;"), Some(('\u{a0}', 5)));
        assert_eq!(decode("#65;"), Some(('A', 4)));
        assert_eq!(decode("#x1F600;"), Some(('\u{1f600}', 8)));
        assert_eq!(decode("#X41"), Some(('A', 4)));
    }

    #[test]
    fn unknown_or_invalid_references_stay_text_or_become_replacement() {
        assert_eq!(decode("foo;"), None);
        assert_eq!(
            decode("lrm"),
            None,
            "not a legacy name: needs its semicolon"
        );
        assert_eq!(decode("amp"), Some(('&', 3)), "legacy name");
        assert_eq!(decode("#;"), None);
        assert_eq!(decode("#x;"), None);
        assert_eq!(decode("#0;"), Some(('\u{fffd}', 3)));
        assert_eq!(decode("#xD800;"), Some(('\u{fffd}', 7)));
        assert_eq!(decode("#99999999999999;"), Some(('\u{fffd}', 16)));
    }
}
