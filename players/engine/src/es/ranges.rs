//! Growing an access unit's list of input byte ranges, within the ABI's limit.

use alloc::vec::Vec;

use crate::media::{ByteRange, DemuxError, MAX_RANGES};

/// Appends `length` bytes at `offset` to `ranges`, extending the last range when the
/// bytes follow it in the input.
///
/// # Errors
/// [`DemuxError::TooLarge`] past [`MAX_RANGES`] ranges or when memory runs out.
pub(crate) fn push_range(
    ranges: &mut Vec<ByteRange>,
    offset: u64,
    length: u32,
) -> Result<(), DemuxError> {
    if length == 0 {
        return Ok(());
    }
    if let Some(last) = ranges.last_mut() {
        if last.offset.checked_add(u64::from(last.length)) == Some(offset) {
            if let Some(sum) = last.length.checked_add(length) {
                last.length = sum;
                return Ok(());
            }
        }
    }
    if ranges.len() >= MAX_RANGES {
        return Err(DemuxError::TooLarge(
            "access unit spans too many byte ranges",
        ));
    }
    ranges
        .try_reserve(1)
        .map_err(|_| DemuxError::TooLarge("out of memory for byte ranges"))?;
    ranges.push(ByteRange { offset, length });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacent_bytes_extend_the_last_range_and_gaps_start_a_new_one() {
        let mut ranges = Vec::new();
        push_range(&mut ranges, 10, 5).unwrap();
        push_range(&mut ranges, 15, 3).unwrap();
        push_range(&mut ranges, 30, 0).unwrap();
        push_range(&mut ranges, 40, 2).unwrap();
        assert_eq!(
            ranges,
            [
                ByteRange {
                    offset: 10,
                    length: 8
                },
                ByteRange {
                    offset: 40,
                    length: 2
                }
            ]
        );
    }

    #[test]
    fn more_ranges_than_the_abi_allows_is_too_large() {
        let mut ranges = Vec::new();
        for i in 0..MAX_RANGES as u64 {
            push_range(&mut ranges, i * 2, 1).unwrap();
        }
        assert!(matches!(
            push_range(&mut ranges, u64::MAX - 1, 1),
            Err(DemuxError::TooLarge(_))
        ));
    }
}
