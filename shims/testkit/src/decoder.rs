//! Real-time decoders: byte-budgeted queues decoded at the device's speed and
//! presented on the media clock.
//!
//! A unit's life: [`TestDecoder::queue`] (submitted, not yet decoded) → decoding, one
//! unit at a time for [`TestDecoder::decode_us`] of device time → a small pool of
//! decoded pictures ([`TestDecoder::output_capacity`]; decoding waits while it is full)
//! → presented when the media clock reaches its pts, smallest pts first (so
//! B-frames decoded out of order come out in order). Units that are never presented
//! are counted in [`TestDecoder::dropped`]:
//!
//! * `SAMPLE_DECODE_ONLY` units (decoded, never shown);
//! * pre-roll: units older than the position the clock was last re-anchored at with
//!   `media_set_position` (an accurate seek decodes from the keyframe before the
//!   target and shows nothing before it);
//! * late units: decoded after their presentation interval `[pts, pts + duration)`
//!   ended (a device too slow for the stream), and, while the clock runs, queued
//!   units whose interval would end before their decode could finish (skipped
//!   without decoding, as a TV does to catch up: a slow device then presents the
//!   share of units its speed allows).
//!
//! [`TestDecoder::decoded`] counts the units decoded for presentation. Every
//! submitted unit is thus queued, decoded or dropped (flushed units aside).

use std::collections::{BTreeMap, VecDeque};

use wasp_core::abi::decoder::{
    DecoderConfig, DecoderState, DecoderStats, SampleInfo, SAMPLE_DECODE_ONLY, SAMPLE_END_OF_STREAM,
};
use wasp_core::abi::media::TrackKind;

/// One access unit as the device received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Its descriptor.
    pub info: SampleInfo,
    /// Its bytes, gathered from every range, in [`TestDecoder::received`] (units in
    /// [`TestDecoder::queue`] keep only their descriptor, whose `size` is then their
    /// byte count).
    pub data: Vec<u8>,
    /// It carried encryption info.
    pub encrypted: bool,
}

/// The default device time to decode one unit: 1 ms, a fast device.
pub const DEFAULT_DECODE_US: i64 = 1_000;

/// The default number of decoded pictures awaiting presentation.
pub const DEFAULT_OUTPUT_CAPACITY: usize = 8;

/// The media clock as decoders see it at one instant.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClockView {
    /// Media position, µs.
    pub position: i64,
    /// Whether it advances.
    pub running: bool,
    /// Its rate in thousandths.
    pub rate_milli: u32,
}

/// A unit presented, for [`crate::TestPort::presented`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shown {
    pub pts_us: i64,
}

/// A decoder of the test device.
#[derive(Clone, Debug)]
pub struct TestDecoder {
    /// How it was opened.
    pub config: DecoderConfig,
    /// Its codec configuration bytes.
    pub extra: Vec<u8>,
    /// Every unit submitted, in order (flushes do not remove them); empty when
    /// [`TestDecoder::keep_units`] is false.
    pub received: Vec<Unit>,
    /// Whether to keep every unit's bytes in [`TestDecoder::received`] (true by
    /// default; long simulations turn it off through
    /// [`crate::TestPort::keep_units`]).
    pub keep_units: bool,
    /// Units submitted and not yet decoded, in decode order.
    pub queue: VecDeque<Unit>,
    /// Queue budget in bytes.
    pub capacity: usize,
    /// Units decoded for presentation (presented, or waiting for their pts).
    pub decoded: u32,
    /// Units never presented: decode-only, pre-roll, late or skipped (module docs).
    pub dropped: u32,
    /// Units presented.
    pub presented: u64,
    /// Flushes.
    pub flushes: u32,
    /// Pts of the last unit presented.
    pub last_pts_us: i64,
    /// Its state.
    pub state: DecoderState,
    /// Device time to decode one unit, µs.
    pub decode_us: i64,
    /// Further device time per KiB of the unit, µs: decoding cost grows with the
    /// bitrate (entropy decoding is per bit), so a slow device keeps up with a low
    /// variant and not with a high one.
    pub decode_us_per_kib: i64,
    /// Decoded pictures that may await presentation; decoding pauses when full.
    pub output_capacity: usize,
    queued_bytes: usize,
    /// The unit being decoded and when it is done.
    decoding: Option<(SampleInfo, i64)>,
    /// Decoded units awaiting presentation, by (pts, arrival).
    pool: BTreeMap<(i64, u64), SampleInfo>,
    arrivals: u64,
    /// Units older than this are pre-roll.
    anchor_us: i64,
    /// End of the last presented unit's interval.
    last_end_us: Option<i64>,
    /// End of the latest interval of the units submitted since open or flush.
    held_end_us: Option<i64>,
    /// End of stream reached the decoder (in decode order).
    eos: bool,
    drained_reported: bool,
}

fn end_of(info: &SampleInfo) -> i64 {
    info.pts_us.saturating_add(info.duration_us.max(0))
}

impl TestDecoder {
    pub(crate) fn new(config: DecoderConfig, extra: &[u8], capacity: usize) -> Self {
        Self {
            config,
            extra: extra.to_vec(),
            received: Vec::new(),
            keep_units: true,
            queue: VecDeque::new(),
            capacity,
            decoded: 0,
            dropped: 0,
            presented: 0,
            flushes: 0,
            last_pts_us: i64::MIN,
            state: DecoderState::Idle,
            decode_us: DEFAULT_DECODE_US,
            decode_us_per_kib: 0,
            output_capacity: DEFAULT_OUTPUT_CAPACITY,
            queued_bytes: 0,
            decoding: None,
            pool: BTreeMap::new(),
            arrivals: 0,
            anchor_us: i64::MIN,
            last_end_us: None,
            held_end_us: None,
            eos: false,
            drained_reported: false,
        }
    }

    /// The kind of media it decodes.
    pub fn kind(&self) -> TrackKind {
        self.config.codec.kind()
    }

    /// Bytes submitted and not yet decoded.
    pub fn queued_bytes(&self) -> usize {
        self.queued_bytes
    }

    /// Units submitted and not yet decoded (the one being decoded included).
    pub fn queued_units(&self) -> usize {
        self.queue.len() + usize::from(self.decoding.is_some())
    }

    /// Whether a unit of `len` bytes fits now.
    pub(crate) fn fits(&self, len: usize) -> bool {
        self.queued_units() == 0 || self.queued_bytes + len <= self.capacity
    }

    /// Queues `unit` of `len` bytes (its data may be left empty when units are not
    /// kept).
    pub(crate) fn submit(&mut self, mut unit: Unit, len: usize) {
        if matches!(self.state, DecoderState::Idle | DecoderState::Drained) {
            self.state = DecoderState::Running;
        }
        let info = unit.info;
        if info.flags & SAMPLE_END_OF_STREAM == 0 && info.flags & SAMPLE_DECODE_ONLY == 0 {
            let end = end_of(&info);
            self.held_end_us = Some(self.held_end_us.map_or(end, |e| e.max(end)));
        }
        self.queued_bytes += len;
        if self.keep_units {
            self.received.push(unit.clone());
        }
        // The queue only needs the size once the bytes are accounted.
        unit.data = Vec::new();
        unit.info.size = u32::try_from(len).unwrap_or(u32::MAX);
        self.queue.push_back(unit);
    }

    /// Whether the clock must stop for this decoder: no end of stream, and the clock
    /// reached the end of everything submitted since open or flush.
    pub(crate) fn starved(&self, position: i64) -> bool {
        !self.eos && self.held_end_us.is_none_or(|end| position >= end)
    }

    /// Whether the clock may (re)start: a picture covers or follows the position.
    pub(crate) fn ready(&self, position: i64) -> bool {
        self.eos || self.last_end_us.is_some_and(|e| e > position) || !self.pool.is_empty()
    }

    /// The media clock was re-anchored at `position`.
    pub(crate) fn anchor(&mut self, position: i64) {
        self.anchor_us = position;
        self.last_end_us = None;
        let late: Vec<(i64, u64)> = self.pool.range(..(position, 0)).map(|(k, _)| *k).collect();
        for key in late {
            self.pool.remove(&key);
            self.decoded = self.decoded.saturating_sub(1);
            self.dropped += 1;
        }
    }

    /// Brings the decoder to device time `now` with the clock at `clock`; appends the
    /// units it presents. Returns true when it just drained (report it once).
    pub(crate) fn settle(&mut self, now: i64, clock: ClockView, shown: &mut Vec<Shown>) -> bool {
        loop {
            let mut progress = false;
            if let Some((info, done)) = self.decoding {
                if done <= now {
                    self.decoding = None;
                    self.queued_bytes = self.queued_bytes.saturating_sub(info.size as usize);
                    self.finish(info, clock.position);
                    progress = true;
                }
            }
            progress |= self.present(clock.position, shown);
            if self.decoding.is_none() && self.pool.len() < self.output_capacity {
                progress |= self.start(now, clock);
            }
            if !progress {
                break;
            }
        }
        let drained = self.eos
            && self.decoding.is_none()
            && self.queue.is_empty()
            && self.pool.is_empty()
            && self.state == DecoderState::Running;
        if drained {
            self.state = DecoderState::Drained;
        }
        let report = drained && !self.drained_reported;
        self.drained_reported |= drained;
        report
    }

    /// Starts decoding the next unit; returns whether anything changed.
    fn start(&mut self, now: i64, clock: ClockView) -> bool {
        let Some(unit) = self.queue.pop_front() else {
            return false;
        };
        let info = unit.info;
        if info.flags & SAMPLE_END_OF_STREAM != 0 {
            self.queued_bytes = self.queued_bytes.saturating_sub(info.size as usize);
            self.eos = true;
            return true;
        }
        let cost = self.decode_us.max(0).saturating_add(
            self.decode_us_per_kib
                .max(0)
                .saturating_mul(i64::from(info.size))
                / 1024,
        );
        // Where the clock will be when this decode is done.
        let decoded_at = clock
            .position
            .saturating_add(cost * i64::from(clock.rate_milli) / 1000);
        let hopeless = info.duration_us > 0 && end_of(&info) <= decoded_at;
        if clock.running && hopeless && info.pts_us >= self.anchor_us {
            // A device that fell behind skips what it could no longer show in time,
            // so it presents as many units as its speed allows.
            self.queued_bytes = self.queued_bytes.saturating_sub(info.size as usize);
            self.dropped += 1;
            return true;
        }
        self.decoding = Some((info, now.saturating_add(cost)));
        true
    }

    /// A unit's decode completed.
    fn finish(&mut self, info: SampleInfo, position: i64) {
        let late = if info.duration_us > 0 {
            position >= end_of(&info)
        } else {
            position > info.pts_us
        };
        if info.flags & SAMPLE_DECODE_ONLY != 0 || info.pts_us < self.anchor_us || late {
            self.dropped += 1;
        } else {
            self.decoded += 1;
            self.pool.insert((info.pts_us, self.arrivals), info);
            self.arrivals += 1;
        }
    }

    /// Presents the pictures whose pts the clock reached; returns whether any was.
    fn present(&mut self, position: i64, shown: &mut Vec<Shown>) -> bool {
        let mut any = false;
        while let Some((&key, &info)) = self.pool.first_key_value() {
            if info.pts_us > position {
                break;
            }
            self.pool.remove(&key);
            any = true;
            // A picture whose interval ended while an earlier one was still due.
            if info.duration_us > 0 && end_of(&info) <= position && info.pts_us < position {
                self.decoded = self.decoded.saturating_sub(1);
                self.dropped += 1;
                continue;
            }
            self.presented += 1;
            self.last_pts_us = info.pts_us;
            self.last_end_us = Some(end_of(&info));
            shown.push(Shown {
                pts_us: info.pts_us,
            });
        }
        any
    }

    /// The next device time after `now` at which this decoder changes on its own
    /// (a decode completes), and the media positions it waits for (the next pts to
    /// present, the end of what it holds).
    pub(crate) fn next_event(&self, now: i64) -> (i64, Option<i64>, Option<i64>) {
        let decode = match self.decoding {
            Some((_, done)) if done > now => done,
            _ => i64::MAX,
        };
        let next_pts = self.pool.first_key_value().map(|(_, i)| i.pts_us);
        let held_end = if self.eos { None } else { self.held_end_us };
        (decode, next_pts, held_end)
    }

    pub(crate) fn flush(&mut self) {
        self.queue.clear();
        self.decoding = None;
        self.pool.clear();
        self.queued_bytes = 0;
        self.last_end_us = None;
        self.held_end_us = None;
        self.eos = false;
        self.drained_reported = false;
        self.flushes += 1;
        self.state = DecoderState::Idle;
    }

    pub(crate) fn stats(&self) -> DecoderStats {
        DecoderStats {
            last_pts_us: self.last_pts_us,
            queued_bytes: self.queued_bytes as u64,
            queue_capacity: self.capacity as u64,
            queued_units: self.queued_units() as u32,
            decoded: self.decoded,
            dropped: self.dropped,
            corrupt: 0,
            state: self.state,
            kind: self.config.codec.kind(),
        }
    }
}
