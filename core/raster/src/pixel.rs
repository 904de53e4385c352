//! The pixel arithmetic every draw is made of: the exact division by 255, the tint
//! multiply and the premultiplied source-over blend.
//!
//! A pixel is `[r, g, b, a]`, 8 bits each, colour premultiplied by alpha (the
//! graphics plane's `Rgba8888Premul`). Every function here is integer-only, so every
//! target computes the same bytes.

/// A premultiplied pixel: `[r, g, b, a]`.
pub type Pixel = [u8; 4];

/// `x / 255` rounded to nearest, for `x` in `0..=65_025` (every product of two bytes).
///
/// The classic exact form (J. Blinn, "Three Wrongs Make a Right", IEEE CG&A 1995):
/// `t = x + 128; (t + (t >> 8)) >> 8`. It equals `(x + 127) / 255` on that range (the
/// unit tests check all of it); `x / 255` never lies exactly halfway since 255 is odd.
#[inline]
pub const fn div255(x: u32) -> u32 {
    let t = x + 128;
    (t + (t >> 8)) >> 8
}

/// `a * b / 255` rounded to nearest: one channel of a tint.
#[inline]
pub const fn mul(a: u8, b: u8) -> u8 {
    // At most 255: div255(255 * 255) = 255.
    div255(a as u32 * b as u32) as u8
}

/// Multiplies a premultiplied pixel by a premultiplied tint, channel by channel with
/// [`mul`]. A tint of `[255; 4]` leaves the pixel unchanged.
#[inline]
pub const fn tint(p: Pixel, t: Pixel) -> Pixel {
    [
        mul(p[0], t[0]),
        mul(p[1], t[1]),
        mul(p[2], t[2]),
        mul(p[3], t[3]),
    ]
}

/// Premultiplied source-over, per channel `d' = min(255, s + div255(d * (255 - s.a)))`.
///
/// With a valid premultiplied source (no channel above alpha) the sum never exceeds
/// 255; the `min` only defines what an invalid one (`c > a`, additive light) does.
#[inline]
pub const fn blend(d: Pixel, s: Pixel) -> Pixel {
    let k = 255 - s[3] as u32;
    [
        over(s[0], d[0], k),
        over(s[1], d[1], k),
        over(s[2], d[2], k),
        over(s[3], d[3], k),
    ]
}

#[inline]
const fn over(s: u8, d: u8, k: u32) -> u8 {
    let v = s as u32 + div255(d as u32 * k);
    if v > 255 {
        255
    } else {
        v as u8
    }
}

/// Blends `s` over the pixel at `d` in place, skipping the arithmetic where the
/// result is known: a transparent black source changes nothing (`div255(d * 255) =
/// d`) and an opaque one replaces (`div255(0) = 0`).
#[inline]
pub(crate) fn blend_into(d: &mut Pixel, s: Pixel) {
    match s[3] {
        255 => *d = s,
        0 if s == [0; 4] => {}
        _ => *d = blend(*d, s),
    }
}

/// Expands an RGB 5-6-5 value (red in the top bits) to 8 bits per channel by bit
/// replication, so 0 maps to 0 and the maximum to 255; alpha is 255.
#[inline]
pub const fn rgb565(v: u16) -> Pixel {
    let r = ((v >> 11) & 0x1F) as u8;
    let g = ((v >> 5) & 0x3F) as u8;
    let b = (v & 0x1F) as u8;
    [
        (r << 3) | (r >> 2),
        (g << 2) | (g >> 4),
        (b << 3) | (b >> 2),
        255,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn div255_rounds_to_nearest_over_every_byte_product() {
        for x in 0..=65_025u32 {
            assert_eq!(div255(x), (x + 127) / 255, "x = {x}");
        }
    }

    #[test]
    fn blend_of_an_opaque_source_replaces_and_a_clear_one_keeps() {
        assert_eq!(blend([9, 8, 7, 6], [1, 2, 3, 255]), [1, 2, 3, 255]);
        assert_eq!(blend([9, 8, 7, 6], [0; 4]), [9, 8, 7, 6]);
        for d in 0..=255u8 {
            assert_eq!(blend([d; 4], [0; 4]), [d; 4]);
        }
    }

    #[test]
    fn blend_saturates_an_additive_source() {
        // s = (200, 0, 0, 0): d' = 200 + 100 would be 300.
        assert_eq!(
            blend([100, 100, 100, 100], [200, 0, 0, 0]),
            [255, 100, 100, 100]
        );
    }

    #[test]
    fn blend_into_matches_blend_for_every_alpha() {
        for a in 0..=255u8 {
            let s = [a / 2, a / 3, a, a];
            let mut d = [10, 200, 255, 77];
            blend_into(&mut d, s);
            assert_eq!(d, blend([10, 200, 255, 77], s));
        }
    }

    #[test]
    fn white_tint_is_the_identity() {
        for c in 0..=255u8 {
            assert_eq!(tint([c, c / 2, 0, 255], [255; 4]), [c, c / 2, 0, 255]);
        }
    }

    #[test]
    fn rgb565_extremes_and_a_mid_value() {
        assert_eq!(rgb565(0), [0, 0, 0, 255]);
        assert_eq!(rgb565(0xFFFF), [255, 255, 255, 255]);
        // r = 16 -> 128 | 4 = 132; g = 32 -> 128 | 2 = 130; b = 1 -> 8 | 0 = 8.
        assert_eq!(rgb565((16 << 11) | (32 << 5) | 1), [132, 130, 8, 255]);
    }
}
