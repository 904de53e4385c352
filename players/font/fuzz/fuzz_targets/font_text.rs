//! Arbitrary bytes as text off the network (a subtitle line): decoding, layout,
//! wrapping and ellipsizing never panic, and each keeps its promise.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasp_font::{decode_lossy, font, SIZES};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let f = font(SIZES[usize::from(pick) % SIZES.len()]);
    let width = u32::from(pick) * 4;

    // Decoding is String::from_utf8_lossy's, character for character.
    let text: String = decode_lossy(bytes).collect();
    assert_eq!(text, String::from_utf8_lossy(bytes));

    // Layout of the bytes is layout of the decoded text; at most one quad a character.
    let (mut from_bytes, mut from_text) = (Vec::new(), Vec::new());
    let advance = f.layout_bytes(bytes, -7, 3, &mut from_bytes);
    assert_eq!(advance, f.layout(&text, -7, 3, &mut from_text));
    assert_eq!(from_bytes, from_text);
    assert_eq!(advance, f.measure(&text));
    assert!(from_text.len() <= text.chars().count());

    // Wrapped lines fit (or hold one character), carry no trailing space, and keep
    // every character but the spaces and line ends they were broken at.
    let mut kept = String::new();
    for line in f.wrap(&text, width) {
        assert!(
            f.measure(line) <= width || line.chars().count() == 1,
            "{line:?}"
        );
        assert!(!line.ends_with(' '));
        kept.extend(line.chars());
    }
    let strip = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, ' ' | '\n' | '\r'))
            .collect()
    };
    assert_eq!(strip(&kept), strip(&text));

    // Ellipsizing returns a prefix that fits with the ellipsis, or the whole text.
    let (prefix, cut) = f.ellipsize(&text, width);
    assert!(text.starts_with(prefix));
    if cut {
        let dots = u32::from(f.glyph('\u{2026}').advance);
        assert!(prefix.is_empty() || f.measure(prefix) + dots <= width);
    } else {
        assert_eq!(prefix, text);
        assert!(f.measure(&text) <= width);
    }
});
