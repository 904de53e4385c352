//! Nearest-neighbour sampling positions.
//!
//! Destination pixel `i` of a run of `dst_len` pixels covers `[i, i + 1)`; its centre
//! `i + 1/2`, mapped onto the `src_len` source pixels, falls in source pixel
//!
//! ```text
//! floor((2 * i + 1) * src_len / (2 * dst_len))
//! ```
//!
//! which is always below `src_len`. A 2x enlargement samples `0, 0, 1, 1, ...`; a 1/3
//! reduction samples the middle pixel of each three (`1, 4, 7, ...`); equal lengths
//! sample `0, 1, 2, ...`. The same formula scales video in [`crate::compose`].

/// The source pixel sampled by destination pixel `i`; `None` when `i` is not below
/// `dst_len`.
pub const fn source_index(i: u32, src_len: u32, dst_len: u32) -> Option<u32> {
    if i >= dst_len {
        return None;
    }
    // Below src_len because 2i + 1 < 2 * dst_len.
    Some(index(i as u64, src_len, dst_len) as u32)
}

/// The formula, for `dst_len > 0`.
const fn index(i: u64, src_len: u32, dst_len: u32) -> u64 {
    // (2i + 1) * src_len < 2^34 * 2^32: u128 cannot overflow.
    let num = (2 * i as u128 + 1) * src_len as u128;
    (num / (2 * dst_len as u128)) as u64
}

/// The destination indices in `first..end` (within `0..dst_len`) whose source pixel
/// `pos + source_index(i)` lies in `0..size`. Samples never decrease as `i` grows, so
/// they form one range, found by two binary searches: the pixels outside the image
/// are skipped without visiting them.
pub(crate) fn inside(
    first: u64,
    end: u64,
    pos: i64,
    src_len: u32,
    dst_len: u32,
    size: u32,
) -> (u64, u64) {
    // pos + index < 2^31 + 2^32: no i64 overflow.
    let sample = |i: u64| pos + index(i, src_len, dst_len) as i64;
    let lo = partition(first, end, |i| sample(i) < 0);
    let hi = partition(lo, end, |i| sample(i) < i64::from(size));
    (lo, hi)
}

/// The first index in `lo..hi` where `before` is false (`before` holds on a prefix).
fn partition(mut lo: u64, mut hi: u64, before: impl Fn(u64) -> bool) -> u64 {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Walks [`source_index`] for `i = start, start + 1, ...` with one division up front
/// and an add and a compare per step (a DDA): `q + r / den` is the exact position.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stepper {
    q: u64,
    r: u64,
    den: u64,
    step_q: u64,
    step_r: u64,
}

impl Stepper {
    /// Starts at destination pixel `start`; `dst_len` must be non-zero (an empty run
    /// has no pixels to walk: callers return before).
    pub(crate) fn new(start: u64, src_len: u32, dst_len: u32) -> Self {
        let den = 2 * u64::from(dst_len.max(1));
        let num = (2 * u128::from(start) + 1) * u128::from(src_len);
        let step = 2 * u64::from(src_len);
        Self {
            // Truncation: the caller walks only i < dst_len, where q < src_len.
            q: (num / u128::from(den)) as u64,
            r: (num % u128::from(den)) as u64,
            den,
            step_q: step / den,
            step_r: step % den,
        }
    }

    /// The source index of the current destination pixel.
    #[inline]
    pub(crate) fn get(&self) -> u64 {
        self.q
    }

    /// Moves to the next destination pixel.
    #[inline]
    pub(crate) fn advance(&mut self) {
        self.q += self.step_q;
        self.r += self.step_r;
        if self.r >= self.den {
            self.r -= self.den;
            self.q += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn stepper_walks_the_closed_form() {
        for (src, dst) in [
            (1, 1),
            (2, 4),
            (9, 3),
            (7, 5),
            (5, 7),
            (1, 100),
            (100, 1),
            (255, 254),
        ] {
            for start in 0..dst {
                let mut s = Stepper::new(u64::from(start), src, dst);
                for i in start..dst {
                    assert_eq!(
                        Some(s.get() as u32),
                        source_index(i, src, dst),
                        "{src}->{dst} @ {i}"
                    );
                    s.advance();
                }
            }
        }
    }

    #[test]
    fn inside_is_the_range_of_samples_in_the_image() {
        for (pos, src, dst, size) in [
            (0, 3, 5, 3),
            (-2, 3, 5, 3),
            (-1, 9, 3, 5),
            (2, 4, 8, 4),
            (-100, 2, 7, 1),
            (3, 1, 4, 3),
            (0, 0, 4, 3),
        ] {
            for first in 0..dst {
                for end in first..=dst {
                    let want: Vec<u64> = (u64::from(first)..u64::from(end))
                        .filter(|&i| {
                            (0..i64::from(size)).contains(
                                &(pos + i64::from(source_index(i as u32, src, dst).unwrap())),
                            )
                        })
                        .collect();
                    let (lo, hi) = inside(first.into(), end.into(), pos, src, dst, size);
                    assert_eq!(
                        (lo..hi).collect::<Vec<_>>(),
                        want,
                        "{pos} {src}->{dst} in {size}, {first}..{end}"
                    );
                }
            }
        }
        // Far outside in both directions, with the largest lengths.
        assert_eq!(
            inside(
                0,
                u64::from(u32::MAX),
                i64::from(i32::MIN),
                u32::MAX,
                u32::MAX,
                10
            ),
            (1 << 31, (1 << 31) + 10)
        );
        assert_eq!(inside(0, 5, i64::from(i32::MAX), 1, 5, 10), (0, 0));
    }

    #[test]
    fn extreme_lengths_do_not_overflow() {
        assert_eq!(
            source_index(u32::MAX - 1, u32::MAX, u32::MAX),
            Some(u32::MAX - 1)
        );
        assert_eq!(source_index(u32::MAX - 1, 1, u32::MAX), Some(0));
        assert_eq!(source_index(0, u32::MAX, 1), Some(u32::MAX / 2));
        assert_eq!(source_index(3, 10, 3), None);
        assert_eq!(source_index(0, 10, 0), None);
        let s = Stepper::new(u64::from(u32::MAX - 1), u32::MAX, u32::MAX);
        assert_eq!(s.get(), u64::from(u32::MAX - 1));
    }
}
