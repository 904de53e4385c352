//! Arbitrary bytes as a compressed atlas: decoding never panics nor writes out of
//! bounds, and what it accepts holds only the 15 A8 levels of the format.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasp_font::unpack;

/// The A8 values of the format's levels, `(level * 255 + 7) / 14`.
const LEVELS: [u8; 15] = [
    0, 18, 36, 55, 73, 91, 109, 128, 146, 164, 182, 200, 219, 237, 255,
];

fuzz_target!(|data: &[u8]| {
    let [w, l0, l1, packed @ ..] = data else {
        return;
    };
    let width = u32::from(*w % 64);
    let len = usize::from(u16::from_le_bytes([*l0, *l1])) % 4096;
    let mut out = vec![0x5A; len];
    if unpack(packed, width, &mut out).is_ok() {
        assert!(out.iter().all(|a| LEVELS.contains(a)));
    }
});
