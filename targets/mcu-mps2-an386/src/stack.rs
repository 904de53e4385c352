//! Stack high-water mark: cortex-m-rt's `paint-stack` fills the stack region with
//! [`PAINT`] before `main`; the deepest word no longer holding it is as far as the
//! stack has grown.

/// The word cortex-m-rt paints the stack with (`cortex_m_rt::STACK_PAINT_VALUE`).
pub const PAINT: u32 = 0xCCCC_CCCC;

/// Bytes of stack used, given the stack region's words from its lowest address (the
/// end the stack grows towards) to its top. A region with no painted word left at
/// its low end has overflowed: the result is then the whole region.
pub fn high_water(words: &[u32]) -> usize {
    let untouched = words.iter().take_while(|&&w| w == PAINT).count();
    (words.len() - untouched) * 4
}

/// Whether the stack reached the lowest word of its region (and may have gone past).
pub fn overflowed(words: &[u32]) -> bool {
    words.first().is_none_or(|&w| w != PAINT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_words_above_the_deepest_scrubbed_one() {
        let words = [PAINT, PAINT, 0, PAINT, 7];
        assert_eq!(high_water(&words), 12);
        assert!(!overflowed(&words));
    }

    #[test]
    fn an_untouched_stack_has_used_nothing() {
        assert_eq!(high_water(&[PAINT; 8]), 0);
    }

    #[test]
    fn a_scrubbed_lowest_word_is_an_overflow() {
        let words = [1, PAINT, 2];
        assert_eq!(high_water(&words), 12);
        assert!(overflowed(&words));
    }
}
