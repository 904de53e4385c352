//! UTF-8 decoding of untrusted bytes with replacement.

/// The characters of `bytes` read as UTF-8, each ill-formed sequence replaced by one
/// U+FFFD.
///
/// An ill-formed sequence is a *maximal subpart* (Unicode §3.9, "U+FFFD Substitution
/// of Maximal Subparts", Table 3-8): the longest start of a well-formed sequence, or a
/// single byte that starts none. This is what `String::from_utf8_lossy` and the WHATWG
/// Encoding Standard do, so text decodes the same here as in a browser: `F0 9F 98`
/// followed by `41` is one U+FFFD then `A`; `C0 AF` is two U+FFFD.
pub fn decode_lossy(bytes: &[u8]) -> impl Iterator<Item = char> + '_ {
    bytes.utf8_chunks().flat_map(|chunk| {
        let bad = !chunk.invalid().is_empty();
        chunk.valid().chars().chain(bad.then_some('\u{FFFD}'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    fn lossy(bytes: &[u8]) -> String {
        decode_lossy(bytes).collect()
    }

    #[test]
    fn valid_utf8_decodes_unchanged() {
        let text = "Añejo – «café» ▶ 日本 🎬";
        assert_eq!(lossy(text.as_bytes()), text);
        assert_eq!(lossy(b""), "");
    }

    #[test]
    fn truncated_sequence_is_one_replacement() {
        assert_eq!(lossy(b"\xF0\x9F\x98A"), "\u{FFFD}A");
        assert_eq!(lossy(b"ab\xE2\x80"), "ab\u{FFFD}");
    }

    #[test]
    fn each_byte_that_starts_nothing_is_one_replacement() {
        // Overlong encoding of '/': C0 can never start a sequence.
        assert_eq!(lossy(b"\xC0\xAF"), "\u{FFFD}\u{FFFD}");
        // Stray continuation bytes.
        assert_eq!(lossy(b"\x80\x80x"), "\u{FFFD}\u{FFFD}x");
        // Latin-1 text mistaken for UTF-8 (a subtitle file in ISO 8859-1).
        assert_eq!(lossy(b"caf\xE9 ok"), "caf\u{FFFD} ok");
    }

    #[test]
    fn surrogates_and_out_of_range_are_replaced_per_byte() {
        // ED A0 80 encodes U+D800: ED then A0 is not a valid second byte.
        assert_eq!(lossy(b"\xED\xA0\x80"), "\u{FFFD}\u{FFFD}\u{FFFD}");
        // F4 90 would be above U+10FFFF.
        assert_eq!(lossy(b"\xF4\x90\x80\x80"), "\u{FFFD}".repeat(4));
    }

    #[test]
    fn agrees_with_std_lossy_decoding() {
        extern crate std;
        let samples: [&[u8]; 6] = [
            b"\xE0\x80\xAF",
            b"\xF8\x88\x80\x80\x80",
            b"a\xF1\x80\x80\xE1\x80\xC2b\x80",
            b"\xEF\xBF\xBD\xEF\xBF",
            b"\xFF\xFE\x00",
            b"\xE2\x82\xAC\xE2\x82",
        ];
        for bytes in samples {
            assert_eq!(lossy(bytes), std::string::String::from_utf8_lossy(bytes));
        }
    }
}
