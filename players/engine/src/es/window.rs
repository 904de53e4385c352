//! The few bytes of a frame header being looked at, and where they are in the input:
//! a header may arrive in pieces (chunk edges, TS packets), so its bytes are copied
//! here (bounded) while their positions are kept for the access unit's ranges.

use alloc::vec::Vec;
use heapless::Vec as BoundedVec;

use super::ranges::push_range;
use crate::media::{ByteRange, DemuxError};

/// Bytes a header probe may look at (MP3 needs 40 to spot an Info frame).
pub(crate) const CAPACITY: usize = 48;

/// Header bytes with their input positions.
#[derive(Debug, Default)]
pub(crate) struct Window {
    bytes: BoundedVec<u8, CAPACITY>,
    /// Input ranges of `bytes`, in order; their lengths sum to `bytes.len()`.
    spans: BoundedVec<ByteRange, CAPACITY>,
}

impl Window {
    /// The bytes held.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether nothing is held.
    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The input offset of the first byte held.
    pub(crate) fn start(&self) -> Option<u64> {
        self.spans.first().map(|s| s.offset)
    }

    /// Appends the first bytes of `data` (at input `offset`) until `want` bytes are
    /// held; returns how many were taken.
    pub(crate) fn fill(&mut self, data: &[u8], offset: u64, want: usize) -> usize {
        let room = want.min(CAPACITY).saturating_sub(self.bytes.len());
        let taken = data.get(..room.min(data.len())).unwrap_or_default();
        if taken.is_empty() {
            return 0;
        }
        // Cannot fail: `room` leaves space in both vectors (one span per byte at most).
        let _ = self.bytes.extend_from_slice(taken);
        let length = taken.len() as u32;
        match self.spans.last_mut() {
            Some(last) if last.offset.checked_add(u64::from(last.length)) == Some(offset) => {
                last.length += length
            }
            _ => {
                let _ = self.spans.push(ByteRange { offset, length });
            }
        }
        taken.len()
    }

    /// Forgets the first `n` bytes.
    pub(crate) fn drop_front(&mut self, n: usize) {
        let n = n.min(self.bytes.len());
        let kept: BoundedVec<u8, CAPACITY> = self.bytes.iter().skip(n).copied().collect();
        self.bytes = kept;
        let mut left = n as u32;
        let mut spans = BoundedVec::<ByteRange, CAPACITY>::new();
        for span in &self.spans {
            let cut = left.min(span.length);
            left -= cut;
            if span.length > cut {
                let _ = spans.push(ByteRange {
                    offset: span.offset + u64::from(cut),
                    length: span.length - cut,
                });
            }
        }
        self.spans = spans;
    }

    /// Moves the held bytes, less the first `skip`, into `ranges`, and empties the
    /// window.
    ///
    /// # Errors
    /// As [`push_range`].
    pub(crate) fn take_ranges(
        &mut self,
        skip: usize,
        ranges: &mut Vec<ByteRange>,
    ) -> Result<(), DemuxError> {
        self.drop_front(skip);
        let result = self
            .spans
            .iter()
            .try_for_each(|s| push_range(ranges, s.offset, s.length));
        self.clear();
        result
    }

    /// Forgets everything held.
    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
        self.spans.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_from_several_pieces_keep_their_positions() {
        let mut w = Window::default();
        assert_eq!(w.fill(&[1, 2], 100, 5), 2);
        assert_eq!(w.fill(&[3, 4, 5, 6], 200, 5), 3);
        assert_eq!(w.bytes(), [1, 2, 3, 4, 5]);
        w.drop_front(1);
        assert_eq!(w.start(), Some(101));
        let mut ranges = Vec::new();
        w.take_ranges(2, &mut ranges).unwrap();
        assert_eq!(
            ranges,
            [ByteRange {
                offset: 201,
                length: 2
            }]
        );
        assert!(w.is_empty());
    }

    #[test]
    fn the_window_never_grows_past_its_capacity() {
        let mut w = Window::default();
        assert_eq!(w.fill(&[0; 100], 0, 1000), CAPACITY);
        assert_eq!(w.fill(&[0; 100], 48, 1000), 0);
    }
}
