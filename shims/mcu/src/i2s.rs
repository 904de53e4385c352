//! The audio path for chips without a decoder: 16-bit PCM to a DAC over I2S (or SAI,
//! PIO, PWM), through a transmitter trait of ours.
//!
//! The port decodes nothing in software: a board with an I2S DAC and no decoder chip
//! plays PCM the module (or a future software decoder) produces. Software MP3/AAC
//! decoding on the MCU is welcome, not required, and not done here.
//!
//! PCM is signed 16-bit little-endian, channels interleaved (the ABI's S16LE), queued
//! as bytes in a bounded [`ByteQueue`] and handed to the transmitter in whole frames
//! only, so a channel never slips onto the other side.

use crate::queue::ByteQueue;

/// A transmitter of interleaved 16-bit samples: the board's I2S peripheral with its
/// FIFO or DMA ring.
pub trait I2sTx {
    /// The peripheral's error.
    type Error;

    /// Samples the transmitter can take now without waiting.
    fn room(&mut self) -> usize;

    /// Takes all of `samples` (whole frames, at most [`I2sTx::room`] of them) without
    /// waiting.
    ///
    /// # Errors
    /// The peripheral's failure; nothing was taken.
    fn write(&mut self, samples: &[i16]) -> Result<(), Self::Error>;
}

/// Samples converted per transmitter call.
const BATCH: usize = 64;

/// PCM waiting for the transmitter: `N` bytes of S16LE, `channels` interleaved.
#[derive(Debug)]
pub struct PcmOut<const N: usize> {
    queue: ByteQueue<N>,
    frame_bytes: usize,
}

impl<const N: usize> PcmOut<N> {
    /// An empty queue of `channels`-channel PCM (`channels` at least 1, at most 8).
    pub fn new(channels: u8) -> Self {
        Self {
            queue: ByteQueue::new(),
            frame_bytes: usize::from(channels.clamp(1, 8)) * 2,
        }
    }

    /// Queues S16LE bytes; returns how many were taken (from the front of `bytes`).
    pub fn push(&mut self, bytes: &[u8]) -> usize {
        self.queue.push(bytes)
    }

    /// Bytes waiting: the audio queue level.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Drops what waits (a seek or a flush).
    pub fn clear(&mut self) {
        self.queue.clear();
    }

    /// Hands `tx` whole frames, as many as it has room for, until it has no room for
    /// one or less than a frame waits; returns the frames sent. Never waits.
    ///
    /// # Errors
    /// The transmitter's error; what it did not take stays queued.
    pub fn pump<T: I2sTx>(&mut self, tx: &mut T) -> Result<usize, T::Error> {
        let frame_samples = self.frame_bytes / 2;
        let mut frames = 0;
        loop {
            let room = tx.room().min(BATCH) / frame_samples;
            let count = room.min(self.queue.len() / self.frame_bytes);
            if count == 0 {
                return Ok(frames);
            }
            let mut bytes = [0u8; BATCH * 2];
            let bytes = bytes
                .get_mut(..count * self.frame_bytes)
                .unwrap_or_default();
            self.queue.peek(bytes);
            let mut samples = [0i16; BATCH];
            for (sample, pair) in samples.iter_mut().zip(bytes.as_chunks::<2>().0) {
                *sample = i16::from_le_bytes(*pair);
            }
            tx.write(samples.get(..count * frame_samples).unwrap_or_default())?;
            self.queue.consume(count * self.frame_bytes);
            frames += count;
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use std::vec::Vec;

    /// A transmitter whose FIFO has room for `room[i]` samples at its i-th question
    /// (none after); it fails the test if given more than that or a partial frame.
    struct Fifo {
        room: Vec<usize>,
        calls: usize,
        last_room: usize,
        channels: usize,
        out: Vec<i16>,
    }

    impl Fifo {
        fn new(room: Vec<usize>, channels: usize) -> Self {
            Self {
                room,
                calls: 0,
                last_room: 0,
                channels,
                out: Vec::new(),
            }
        }
    }

    impl I2sTx for Fifo {
        type Error = ();
        fn room(&mut self) -> usize {
            self.last_room = self.room.get(self.calls).copied().unwrap_or(0);
            self.calls += 1;
            self.last_room
        }
        fn write(&mut self, samples: &[i16]) -> Result<(), ()> {
            assert!(samples.len() <= self.last_room, "more than its room");
            assert_eq!(samples.len() % self.channels, 0, "a partial frame");
            self.out.extend_from_slice(samples);
            Ok(())
        }
    }

    fn s16le(samples: &[i16]) -> Vec<u8> {
        samples.iter().flat_map(|s| s.to_le_bytes()).collect()
    }

    #[test]
    fn samples_reach_the_transmitter_in_order_in_whole_frames() {
        let samples: Vec<i16> = (0..300).map(|i| (i * 331 - 20000) as i16).collect();
        let mut pcm = PcmOut::<256>::new(2);
        let mut fifo = Fifo::new([10, 64, 7, 0, 64, 100, 1, 64].repeat(20), 2);
        let bytes = s16le(&samples);
        let mut fed = 0;
        while fed < bytes.len() {
            fed += pcm.push(&bytes[fed..]);
            pcm.pump(&mut fifo).unwrap();
        }
        for _ in 0..100 {
            pcm.pump(&mut fifo).unwrap();
        }
        assert_eq!(pcm.queued(), 0);
        assert_eq!(fifo.out, samples);
    }

    #[test]
    fn a_partial_frame_waits_for_its_other_half() {
        let mut pcm = PcmOut::<64>::new(2);
        let mut fifo = Fifo::new(std::vec![64; 8], 2);
        // One stereo frame and half of the next: 6 bytes.
        pcm.push(&s16le(&[1, -1, 2]));
        assert_eq!(pcm.pump(&mut fifo), Ok(1));
        assert_eq!(pcm.queued(), 2);
        pcm.push(&s16le(&[-2]));
        assert_eq!(pcm.pump(&mut fifo), Ok(1));
        assert_eq!(fifo.out, [1, -1, 2, -2]);
    }

    #[test]
    fn a_full_transmitter_keeps_the_queue() {
        let mut pcm = PcmOut::<8>::new(2);
        let mut fifo = Fifo::new(std::vec![1, 0], 2);
        assert_eq!(pcm.push(&[1; 20]), 8);
        assert_eq!(pcm.pump(&mut fifo), Ok(0));
        assert_eq!(pcm.queued(), 8);
        pcm.clear();
        assert_eq!(pcm.queued(), 0);
    }
}
