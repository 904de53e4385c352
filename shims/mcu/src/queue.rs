//! A bounded byte queue without allocation: the compressed audio waiting for the
//! decoder chip, or PCM waiting for an I2S transmitter.

/// A ring of `N` bytes. Bytes leave in the order they came; a push that does not fit
/// takes what fits and says how much.
#[derive(Debug)]
pub struct ByteQueue<const N: usize> {
    bytes: [u8; N],
    head: usize,
    len: usize,
}

impl<const N: usize> Default for ByteQueue<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> ByteQueue<N> {
    /// An empty queue.
    pub const fn new() -> Self {
        Self {
            bytes: [0; N],
            head: 0,
            len: 0,
        }
    }

    /// Bytes waiting.
    pub fn len(&self) -> usize {
        self.len
    }

    /// No byte waiting.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes that still fit.
    pub fn space(&self) -> usize {
        N - self.len
    }

    /// Appends as much of `bytes` as fits; returns how many bytes were taken (from the
    /// front of `bytes`).
    pub fn push(&mut self, bytes: &[u8]) -> usize {
        let mut taken = 0;
        // At most two runs: up to the ring's end, then from its start.
        for _ in 0..2 {
            let tail = (self.head + self.len) % N.max(1);
            let run = (N - tail).min(self.space());
            let (Some(from), Some(to)) = (
                bytes.get(taken..).and_then(|b| b.get(..run.min(b.len()))),
                self.bytes.get_mut(tail..),
            ) else {
                break;
            };
            let n = from.len();
            if let Some(to) = to.get_mut(..n) {
                to.copy_from_slice(from);
            }
            self.len += n;
            taken += n;
        }
        taken
    }

    /// The oldest bytes that lie one after the other in the ring, at most `max` of
    /// them (fewer at the ring's end); empty when the queue is.
    pub fn front(&self, max: usize) -> &[u8] {
        let run = self.len.min(N - self.head).min(max);
        self.bytes
            .get(self.head..)
            .and_then(|b| b.get(..run))
            .unwrap_or_default()
    }

    /// Copies the oldest bytes into `out`, across the ring's end, without removing
    /// them; returns how many (the shorter of `out` and the queue).
    pub fn peek(&self, out: &mut [u8]) -> usize {
        let n = out.len().min(self.len);
        let first = self.front(n);
        let (a, b) = out.split_at_mut(first.len());
        a.copy_from_slice(first);
        let rest = n - first.len();
        if let (Some(to), Some(from)) = (b.get_mut(..rest), self.bytes.get(..rest)) {
            to.copy_from_slice(from);
        }
        n
    }

    /// Removes the oldest `count` bytes (at most all of them).
    pub fn consume(&mut self, count: usize) {
        let count = count.min(self.len);
        self.head = (self.head + count) % N.max(1);
        self.len -= count;
    }

    /// Drops every byte waiting.
    pub fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use std::vec::Vec;

    #[test]
    fn bytes_leave_in_order_across_the_ring_end() {
        let mut q = ByteQueue::<5>::new();
        assert_eq!(q.push(&[1, 2, 3, 4]), 4);
        assert_eq!(q.front(3), [1, 2, 3]);
        q.consume(3);
        // 5, 6, 7 wrap: the ring holds 4 | 5 at the end, 6, 7 at the start.
        assert_eq!(q.push(&[5, 6, 7, 8]), 4);
        assert_eq!(q.space(), 0);
        let mut out = Vec::new();
        while !q.is_empty() {
            let run = q.front(usize::MAX).to_vec();
            q.consume(run.len());
            out.extend(run);
        }
        assert_eq!(out, [4, 5, 6, 7, 8]);
    }

    #[test]
    fn peek_copies_across_the_ring_end_and_keeps_the_bytes() {
        let mut q = ByteQueue::<4>::new();
        q.push(&[1, 2, 3]);
        q.consume(2);
        q.push(&[4, 5, 6]);
        let mut out = [0u8; 8];
        assert_eq!(q.peek(&mut out), 4);
        assert_eq!(out[..4], [3, 4, 5, 6]);
        assert_eq!(q.len(), 4);
        assert_eq!(q.peek(&mut out[..1]), 1);
    }

    #[test]
    fn a_push_that_does_not_fit_takes_what_fits() {
        let mut q = ByteQueue::<3>::new();
        assert_eq!(q.push(&[9; 10]), 3);
        assert_eq!(q.push(&[1]), 0);
        q.consume(100);
        assert_eq!(q.len(), 0);
    }

    #[test]
    fn a_queue_of_no_bytes_takes_nothing() {
        let mut q = ByteQueue::<0>::new();
        assert_eq!(q.push(&[1, 2]), 0);
        assert!(q.front(32).is_empty());
        q.consume(1);
        assert!(q.is_empty());
    }
}
