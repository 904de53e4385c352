//! Feeding the decoders: segments demuxed from the store (`feed`), units submitted
//! as the decoders' queues allow, decoders opened on the first track configuration
//! and kept across variant switches (new parameter sets travel in band).

use alloc::vec::Vec;

use wasp_abi::decoder::{
    DecoderConfig, SampleInfo, SampleRange, SAMPLE_END_OF_STREAM, SAMPLE_KEYFRAME,
};
use wasp_abi::media::{Bitstream, Codec, TrackKind};
use wasp_abi::player::{LogLevel, StateReason};
use wasp_abi::Status;

use super::feed::{FeedError, Pending};
use super::stream::StreamKind;
use super::{DecoderSlot, Player};
use crate::codec::avcc::parse_avcc;
use crate::media::TrackInfo;
use crate::platform::Platform;

/// Segment bytes demuxed per stream per tick: bounds a tick's work.
const FEED_BUDGET: usize = 512 << 10;

impl Player {
    /// Demuxes and submits what the decoders can take.
    pub(super) fn feed<P: Platform>(&mut self, p: &mut P) {
        if !matches!(
            self.state,
            wasp_abi::player::PlayerState::Buffering
                | wasp_abi::player::PlayerState::Playing
                | wasp_abi::player::PlayerState::Paused
                | wasp_abi::player::PlayerState::Seeking
        ) {
            return;
        }
        for kind in [StreamKind::Main, StreamKind::Audio] {
            if let Err(e) = self.feed_stream(p, kind) {
                let message = match e {
                    FeedError::Malformed(m) => alloc::format!("segment: {m}"),
                    FeedError::Store => alloc::string::String::from(
                        "a buffered segment was lost from the media store",
                    ),
                };
                return self.fail(p, StateReason::Malformed, &message);
            }
        }
    }

    fn feed_stream<P: Platform>(&mut self, p: &mut P, kind: StreamKind) -> Result<(), FeedError> {
        let mut budget = FEED_BUDGET;
        loop {
            if !self.submit_pending(p, kind) {
                return Ok(());
            }
            let Some(stream) = self.stream_mut(kind) else {
                return Ok(());
            };
            if stream.feeder.idle() {
                let Some(next) = stream.next_to_feed().copied() else {
                    break;
                };
                stream.feed_cursor_us = next.end_us;
                let super::stream::Stream {
                    feeder,
                    renditions,
                    progressive,
                    ..
                } = stream;
                let rendition = renditions.get(next.rendition);
                if let Some(index) = progressive.as_ref() {
                    // A window of a progressive file: units from the sample tables.
                    let base = rendition
                        .and_then(|r| r.playlist.as_ref())
                        .and_then(|pl| pl.segment(next.segment.sequence))
                        .and_then(|s| s.byte_range)
                        .map_or(0, |r| r.offset);
                    let (tracks, units) = index.units(next.segment.sequence, base);
                    feeder.start_table(next.segment, tracks, units);
                } else {
                    let init = rendition
                        .and_then(|r| r.init.as_ref())
                        .and_then(|i| i.bytes.as_deref());
                    feeder.start(p, next.segment, init)?;
                }
            }
            if budget == 0 {
                return Ok(());
            }
            let Some(stream) = (match kind {
                StreamKind::Main => self.main.as_mut(),
                StreamKind::Audio => self.audio.as_mut(),
            }) else {
                return Ok(());
            };
            let pushed = stream.feeder.step(p, &mut self.timeline, budget)?;
            if pushed == 0 && !stream.feeder.idle() {
                // Nothing moved (units wait for the decoders, or for the main stream
                // to place their timestamps): try again next tick.
                return Ok(());
            }
            budget = budget.saturating_sub(pushed.max(1));
        }
        // Everything fetched and demuxed: tell the decoders the stream ended.
        let Some(stream) = self.stream_mut(kind) else {
            return Ok(());
        };
        if stream.fetched_all
            && stream.job.is_none()
            && stream.feeder.idle()
            && stream.feeder.pending.is_empty()
            && !stream.eos_sent
        {
            stream.eos_sent = true;
            let end = stream.feed_cursor_us;
            let (video, audio) = (stream.feeder.wants_video, stream.feeder.wants_audio);
            let eos = SampleInfo {
                pts_us: end,
                dts_us: end,
                duration_us: 0,
                flags: SAMPLE_END_OF_STREAM,
                size: 0,
            };
            for (wanted, slot) in [
                (video, self.video.as_ref()),
                (audio, self.audio_decoder.as_ref()),
            ] {
                if let (true, Some(slot)) = (wanted, slot) {
                    let _ = p.decoder_submit(slot.id, &eos, &[], None);
                }
            }
        }
        Ok(())
    }

    /// Submits pending units in order; false when a decoder's queue is full.
    fn submit_pending<P: Platform>(&mut self, p: &mut P, kind: StreamKind) -> bool {
        loop {
            let (stream, video, audio) = match kind {
                StreamKind::Main => (self.main.as_mut(), &mut self.video, &mut self.audio_decoder),
                StreamKind::Audio => (
                    self.audio.as_mut(),
                    &mut self.video,
                    &mut self.audio_decoder,
                ),
            };
            let Some(stream) = stream else { return false };
            let Some(front) = stream.feeder.pending.front() else {
                return true;
            };
            let unit = match front {
                Pending::Track(info) => {
                    let info = info.clone();
                    stream.feeder.pending.pop_front();
                    self.configure(p, info);
                    if self.state == wasp_abi::player::PlayerState::Error {
                        return false;
                    }
                    continue;
                }
                Pending::Unit(unit) => unit,
            };
            let slot = match unit.kind {
                TrackKind::Video => video.as_mut(),
                TrackKind::Audio => audio.as_mut(),
                _ => None,
            };
            let Some(slot) = slot else {
                stream.feeder.pending.pop_front();
                continue;
            };
            let inband = slot
                .inband
                .filter(|_| unit.sample.flags & SAMPLE_KEYFRAME != 0);
            let result = match inband {
                Some((object, length)) => {
                    let mut ranges = Vec::with_capacity(unit.ranges.len() + 1);
                    ranges.push(SampleRange {
                        offset: 0,
                        object,
                        length,
                    });
                    ranges.extend_from_slice(&unit.ranges);
                    let mut sample = unit.sample;
                    sample.size = sample.size.saturating_add(length);
                    p.decoder_submit(slot.id, &sample, &ranges, None)
                }
                None => p.decoder_submit(slot.id, &unit.sample, &unit.ranges, None),
            };
            match result {
                Ok(()) => {
                    if let Some((object, _)) = inband {
                        // The decoder copied the parameter sets with the unit.
                        p.store_free(object);
                        slot.inband = None;
                    }
                    stream.feeder.pending.pop_front();
                }
                Err(Status::WouldBlock) => return false,
                Err(status) => {
                    p.log(
                        LogLevel::Warn,
                        &alloc::format!("decoder refused a unit: {status}"),
                    );
                    stream.feeder.pending.pop_front();
                }
            }
        }
    }

    /// A track's configuration: opens its decoder, or prepares the switch.
    fn configure<P: Platform>(&mut self, p: &mut P, info: TrackInfo) {
        let kind = info.kind();
        let framerate = self
            .main
            .as_ref()
            .and_then(|m| m.rendition())
            .map_or(0, |r| r.frame_rate_milli);
        let bitrate = self
            .main
            .as_ref()
            .and_then(|m| m.rendition())
            .map_or(0, |r| r.bandwidth);
        let slot = match kind {
            TrackKind::Video => &mut self.video,
            TrackKind::Audio => &mut self.audio_decoder,
            _ => return,
        };
        if let Some(open) = slot.as_mut() {
            if open.track.codec == info.codec && open.track.config == info.config {
                return;
            }
            if open.track.codec == info.codec {
                // The same codec with a new configuration (a variant switch): the
                // decoder keeps running. Length-prefixed video gets the new parameter
                // sets in band before its next keyframe; Annex B streams carry theirs
                // in band already; audio frames of the same codec decode as they are.
                if kind == TrackKind::Video && info.bitstream == Bitstream::Framed {
                    if let Some(bytes) = inband_parameter_sets(info.codec, &info.config) {
                        if let Some((old, _)) = open.inband.take() {
                            p.store_free(old);
                        }
                        if let Ok(object) = p.store_create(0) {
                            if p.store_write(object, &bytes).is_ok() {
                                open.inband = Some((object, bytes.len() as u32));
                            } else {
                                p.store_free(object);
                            }
                        }
                    }
                }
                open.track = info;
                return;
            }
            // Another codec: the decoder is replaced.
            let dropped = p.decoder_info(open.id).map_or(0, |s| s.dropped);
            p.decoder_close(open.id);
            let before = open.dropped_before + dropped;
            *slot = None;
            self.open_decoder(p, info, framerate, bitrate, before);
            // A new decoder waits for the clock to be anchored again.
            if self.clock_anchored {
                let _ = p.media_set_position(self.position_us);
            }
            return;
        }
        self.open_decoder(p, info, framerate, bitrate, 0);
    }

    fn open_decoder<P: Platform>(
        &mut self,
        p: &mut P,
        info: TrackInfo,
        framerate_milli: u32,
        bitrate_bps: u32,
        dropped_before: u32,
    ) {
        let kind = info.kind();
        let config = DecoderConfig {
            codec: info.codec,
            width: info.width,
            height: info.height,
            framerate_milli: if kind == TrackKind::Video {
                framerate_milli
            } else {
                0
            },
            sample_rate: info.sample_rate,
            channels: info.channels,
            bitrate_bps,
            bit_depth: 0,
            bitstream: info.bitstream,
        };
        match p.decoder_open(&config, &info.config) {
            Ok(id) => {
                let slot = Some(DecoderSlot {
                    id,
                    track: info,
                    inband: None,
                    dropped_before,
                });
                match kind {
                    TrackKind::Video => self.video = slot,
                    _ => self.audio_decoder = slot,
                }
            }
            Err(status) => {
                let message = alloc::format!("cannot open a {:?} decoder: {status}", info.codec);
                self.fail(p, StateReason::Unsupported, &message);
            }
        }
    }
}

/// The parameter sets of an `avcC` (SPS, PPS) or `hvcC` (VPS, SPS, PPS) as
/// length-prefixed NAL units of the record's own length size.
fn inband_parameter_sets(codec: Codec, config: &[u8]) -> Option<Vec<u8>> {
    let (size, sets): (usize, Vec<Vec<u8>>) = match codec {
        Codec::H264 => {
            let c = parse_avcc(config).ok()?;
            (
                usize::from(c.nal_length_size),
                c.sps.into_iter().chain(c.pps).collect(),
            )
        }
        Codec::H265 => {
            let c = crate::codec::hvcc::parse_hvcc(config).ok()?;
            (
                usize::from(c.nal_length_size),
                c.sets.into_iter().map(|(_, set)| set).collect(),
            )
        }
        _ => return None,
    };
    let mut out = Vec::new();
    for set in &sets {
        let len = u32::try_from(set.len()).ok()?.to_be_bytes();
        out.extend_from_slice(len.get(4 - size..)?);
        out.extend_from_slice(set);
    }
    Some(out)
}
