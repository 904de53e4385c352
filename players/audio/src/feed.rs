//! The feed: clean audio bytes kept in the media store (outside guest memory) in
//! chunks, the frames found in them waiting for the decoder, and the decoder.
//!
//! Frames arrive as ranges of the stream's clean bytes (offsets from the first byte
//! written); they are submitted by reference (store object + range, split where a
//! frame crosses two chunks), so the payload never passes through the interpreter
//! twice. A chunk is freed once every frame in it was submitted (the decoder keeps
//! what it took). What the feed holds is bounded by `limit` bytes: the caller stops
//! reading while [`Feed::room`] is 0.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use wasp_engine::media::{AccessUnit, ByteRange, TrackInfo};
use wasp_engine::time::Ticks;
use wasp_guest::abi::decoder::{
    DecoderConfig, DecoderState, SampleInfo, SampleRange, SAMPLE_END_OF_STREAM, SAMPLE_KEYFRAME,
};
use wasp_guest::{Decoder, Status, StoreObject};

/// Bytes per store chunk.
pub const CHUNK_BYTES: u64 = 8 * 1024;

/// A store object holding clean bytes from `start`.
#[derive(Debug)]
struct Chunk {
    start: u64,
    len: u64,
    object: StoreObject,
}

/// A frame waiting for the decoder.
#[derive(Debug)]
struct Unit {
    pts_us: i64,
    duration_us: i64,
    ranges: Vec<ByteRange>,
    size: u32,
}

/// See the module docs.
#[derive(Debug)]
pub struct Feed {
    chunks: VecDeque<Chunk>,
    written: u64,
    units: VecDeque<Unit>,
    decoder: Option<Decoder>,
    track: Option<TrackInfo>,
    limit: u64,
    /// The end of the audio submitted so far, µs.
    submitted_us: i64,
    /// The first frame's pts, µs (the stream's zero).
    first_us: Option<i64>,
    /// Where the current input's timeline starts on the feed's, µs (not 0 after a
    /// reconnection: [`Feed::continue_after_gap`]).
    offset_us: i64,
    /// The end of the last frame pushed, µs on the feed's timeline.
    pushed_end_us: i64,
    ended: bool,
    eos_sent: bool,
    /// Frames submitted.
    pub frames: u64,
    /// A store or decoder failure.
    pub failed: Option<Status>,
}

impl Feed {
    /// An empty feed that holds at most `limit` bytes.
    pub fn new(limit: u64) -> Self {
        Self {
            chunks: VecDeque::new(),
            written: 0,
            units: VecDeque::new(),
            decoder: None,
            track: None,
            limit: limit.max(CHUNK_BYTES),
            submitted_us: 0,
            first_us: None,
            offset_us: 0,
            pushed_end_us: 0,
            ended: false,
            eos_sent: false,
            frames: 0,
            failed: None,
        }
    }

    /// Bytes held in the store.
    pub fn held(&self) -> u64 {
        self.chunks.iter().map(|c| c.len).sum()
    }

    /// The bound on [`Feed::held`].
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// How full the buffers are, percent: the bytes in the store and in the
    /// decoder's queue over the store bound plus the queue's capacity.
    pub fn level_percent(&self) -> u32 {
        let (queued, capacity) = self
            .decoder
            .as_ref()
            .and_then(|d| d.info().ok())
            .map_or((0, 0), |i| (i.queued_bytes, i.queue_capacity));
        let level = self.held().saturating_add(queued) * 100;
        (level / self.limit.saturating_add(capacity).max(1)).min(100) as u32
    }

    /// Bytes that may still be written before the bound.
    pub fn room(&self) -> u64 {
        self.limit.saturating_sub(self.held())
    }

    /// Clean bytes written so far (the offset of the next one).
    pub fn written(&self) -> u64 {
        self.written
    }

    /// The end of the audio submitted, µs on the stream's timeline (0 at its first
    /// frame).
    pub fn submitted_us(&self) -> i64 {
        self.submitted_us
    }

    /// The first frame's pts, µs.
    pub fn first_us(&self) -> Option<i64> {
        self.first_us
    }

    /// The track, once known.
    pub fn track(&self) -> Option<&TrackInfo> {
        self.track.as_ref()
    }

    /// Appends clean bytes to the store.
    pub fn write(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() && self.failed.is_none() {
            let need_chunk = self.chunks.back().is_none_or(|c| c.len >= CHUNK_BYTES);
            if need_chunk {
                match StoreObject::create(CHUNK_BYTES) {
                    Ok(object) => self.chunks.push_back(Chunk {
                        start: self.written,
                        len: 0,
                        object,
                    }),
                    Err(status) => {
                        self.failed = Some(status);
                        return;
                    }
                }
            }
            let Some(chunk) = self.chunks.back_mut() else {
                return;
            };
            let n = ((CHUNK_BYTES - chunk.len) as usize).min(bytes.len());
            let (now, rest) = bytes.split_at(n);
            if let Err(status) = chunk.object.write(now) {
                self.failed = Some(status);
                return;
            }
            chunk.len += n as u64;
            self.written += n as u64;
            bytes = rest;
        }
    }

    /// The track was found (or changed): (re)opens the decoder.
    pub fn set_track(&mut self, track: TrackInfo) {
        if self.track.as_ref() == Some(&track) && self.decoder.is_some() {
            return;
        }
        let config = DecoderConfig {
            codec: track.codec,
            sample_rate: track.sample_rate,
            channels: track.channels,
            bitstream: track.bitstream,
            ..DecoderConfig::default()
        };
        // Frames of the old configuration still waiting were made for the old decoder.
        self.pump();
        match Decoder::open(&config, &track.config) {
            Ok(decoder) => self.decoder = Some(decoder),
            Err(status) => self.failed = Some(status),
        }
        self.track = Some(track);
    }

    /// A whole frame (ranges of the clean bytes).
    pub fn push_unit(&mut self, unit: AccessUnit) {
        let to_us = |v: i64| Ticks::new(v, unit.timescale.max(1)).rescale(1_000_000);
        let pts = to_us(unit.pts);
        let first = *self.first_us.get_or_insert(pts);
        let pts_us = self.offset_us + pts - first;
        let duration_us = to_us(unit.duration);
        self.pushed_end_us = pts_us + duration_us;
        self.units.push_back(Unit {
            pts_us,
            duration_us,
            ranges: unit.ranges,
            size: unit.size,
        });
    }

    /// The input starts again (a radio reconnected): its timestamps restart, so its
    /// first frame is placed right after the last frame pushed. The bytes written
    /// continue the clean stream's offsets.
    pub fn continue_after_gap(&mut self) {
        self.first_us = None;
        self.offset_us = self.pushed_end_us;
    }

    /// The input ended: end of stream follows the last frame.
    pub fn end(&mut self) {
        self.ended = true;
    }

    /// Whether the decoder played everything after the end.
    pub fn drained(&self) -> bool {
        self.eos_sent
            && self
                .decoder
                .as_ref()
                .is_none_or(|d| d.info().is_ok_and(|i| i.state == DecoderState::Drained))
    }

    /// Submits waiting frames until the decoder's queue is full; frees chunks no
    /// frame needs any more.
    pub fn pump(&mut self) {
        let Some(decoder) = &self.decoder else {
            return;
        };
        let mut ranges: Vec<SampleRange> = Vec::new();
        while let Some(unit) = self.units.front() {
            ranges.clear();
            for r in &unit.ranges {
                split(&self.chunks, *r, &mut ranges);
            }
            let sample = SampleInfo {
                pts_us: unit.pts_us,
                dts_us: unit.pts_us,
                duration_us: unit.duration_us,
                flags: SAMPLE_KEYFRAME,
                size: unit.size,
            };
            match decoder.submit(&sample, &ranges, None) {
                Ok(()) => {
                    self.submitted_us = unit.pts_us + unit.duration_us;
                    self.frames += 1;
                    self.units.pop_front();
                }
                Err(Status::WouldBlock) => break,
                Err(status) => {
                    // A frame the device refuses is skipped, not retried for ever.
                    self.failed.get_or_insert(status);
                    self.units.pop_front();
                }
            }
        }
        let needed = self
            .units
            .front()
            .and_then(|u| u.ranges.first())
            .map_or(self.written, |r| r.offset);
        while self
            .chunks
            .front()
            .is_some_and(|c| c.start + c.len <= needed && c.len >= CHUNK_BYTES)
        {
            self.chunks.pop_front();
        }
        if self.ended && self.units.is_empty() && !self.eos_sent {
            let sample = SampleInfo {
                pts_us: self.submitted_us,
                dts_us: self.submitted_us,
                flags: SAMPLE_END_OF_STREAM,
                ..SampleInfo::default()
            };
            if decoder.submit(&sample, &[], None).is_ok() {
                self.eos_sent = true;
                self.chunks.clear();
            }
        }
    }
}

/// The store ranges of clean-stream range `r` (split where it crosses chunks).
fn split(chunks: &VecDeque<Chunk>, r: ByteRange, out: &mut Vec<SampleRange>) {
    let mut at = r.offset;
    let end = r.offset + u64::from(r.length);
    for chunk in chunks {
        if at >= end {
            break;
        }
        let chunk_end = chunk.start + chunk.len;
        if at < chunk.start || at >= chunk_end {
            continue;
        }
        let n = chunk_end.min(end) - at;
        out.push(SampleRange {
            offset: at - chunk.start,
            object: chunk.object.handle(),
            length: n as u32,
        });
        at += n;
    }
}
