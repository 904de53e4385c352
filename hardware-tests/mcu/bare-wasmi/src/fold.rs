//! What the module's `run` export computes, computed natively: the firmware checks the
//! module's answer against it.

/// `h = h * 31 + i` for `i` in `0..n`, from `h = 7`, in wrapping 32-bit arithmetic
/// (the module's `i32.mul` and `i32.add`; WebAssembly Core §4.3.2 wraps both).
pub fn fold(n: u32) -> u32 {
    (0..n).fold(7u32, |h, i| h.wrapping_mul(31).wrapping_add(i))
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn an_empty_loop_leaves_the_seed() {
        assert_eq!(fold(0), 7);
    }

    #[test]
    fn three_steps_fold_their_indices() {
        // ((7 * 31 + 0) * 31 + 1) * 31 + 2
        assert_eq!(fold(3), ((7 * 31) * 31 + 1) * 31 + 2);
    }

    #[test]
    fn a_long_loop_wraps_instead_of_overflowing() {
        assert_ne!(fold(1000), 0);
        assert_eq!(fold(1000), fold(999).wrapping_mul(31).wrapping_add(999));
    }
}
