//! Scripted decoders: byte-budgeted queues that "decode" on the virtual clock and keep
//! every access unit they received.

use std::collections::VecDeque;

use wasp_core::abi::decoder::{
    DecoderConfig, DecoderState, DecoderStats, SampleInfo, SAMPLE_DECODE_ONLY, SAMPLE_END_OF_STREAM,
};
use wasp_core::abi::media::TrackKind;

/// One access unit as the device received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Its descriptor.
    pub info: SampleInfo,
    /// Its bytes, gathered from every range.
    pub data: Vec<u8>,
    /// It carried encryption info.
    pub encrypted: bool,
}

/// A decoder of the test device.
#[derive(Clone, Debug)]
pub struct TestDecoder {
    /// How it was opened.
    pub config: DecoderConfig,
    /// Its codec configuration bytes.
    pub extra: Vec<u8>,
    /// Every unit submitted, in order (flushes do not remove them).
    pub received: Vec<Unit>,
    /// Units waiting to be decoded.
    pub queue: VecDeque<Unit>,
    /// Queue budget in bytes.
    pub capacity: usize,
    /// Units decoded.
    pub decoded: u32,
    /// Decode-only units discarded.
    pub dropped: u32,
    /// Flushes.
    pub flushes: u32,
    /// Pts of the last unit decoded for presentation.
    pub last_pts_us: i64,
    /// Its state.
    pub state: DecoderState,
    /// Microseconds per decoded unit.
    pub interval_us: i64,
    next_decode_us: i64,
}

impl TestDecoder {
    pub(crate) fn new(config: DecoderConfig, extra: &[u8], capacity: usize, now: i64) -> Self {
        let interval_us = match config.codec.kind() {
            TrackKind::Video if config.framerate_milli > 0 => {
                1_000_000_000 / i64::from(config.framerate_milli)
            }
            TrackKind::Video => 33_333,
            _ => 21_333,
        };
        Self {
            config,
            extra: extra.to_vec(),
            received: Vec::new(),
            queue: VecDeque::new(),
            capacity,
            decoded: 0,
            dropped: 0,
            flushes: 0,
            last_pts_us: i64::MIN,
            state: DecoderState::Idle,
            interval_us,
            next_decode_us: now,
        }
    }

    pub(crate) fn queued_bytes(&self) -> usize {
        self.queue.iter().map(|u| u.data.len()).sum()
    }

    /// Whether a unit of `len` bytes fits now.
    pub(crate) fn fits(&self, len: usize) -> bool {
        self.queue.is_empty() || self.queued_bytes() + len <= self.capacity
    }

    pub(crate) fn submit(&mut self, unit: Unit) {
        if self.state == DecoderState::Idle || self.state == DecoderState::Drained {
            self.state = DecoderState::Running;
        }
        self.received.push(unit.clone());
        self.queue.push_back(unit);
    }

    /// Decodes what is due at `now`; returns true when end-of-stream was reached.
    pub(crate) fn advance(&mut self, now: i64) -> bool {
        let mut drained = false;
        while self.state == DecoderState::Running && self.next_decode_us <= now {
            let Some(unit) = self.queue.pop_front() else {
                self.next_decode_us = now;
                break;
            };
            if unit.info.flags & SAMPLE_END_OF_STREAM != 0 {
                self.state = DecoderState::Drained;
                drained = true;
                break;
            }
            if unit.info.flags & SAMPLE_DECODE_ONLY != 0 {
                self.dropped += 1;
            } else {
                self.decoded += 1;
                self.last_pts_us = unit.info.pts_us;
            }
            self.next_decode_us += self.interval_us;
        }
        drained
    }

    pub(crate) fn flush(&mut self) {
        self.queue.clear();
        self.flushes += 1;
        self.state = DecoderState::Idle;
    }

    pub(crate) fn stats(&self) -> DecoderStats {
        DecoderStats {
            last_pts_us: self.last_pts_us,
            queued_bytes: self.queued_bytes() as u64,
            queue_capacity: self.capacity as u64,
            queued_units: self.queue.len() as u32,
            decoded: self.decoded,
            dropped: self.dropped,
            corrupt: 0,
            state: self.state,
            kind: self.config.codec.kind(),
        }
    }
}
