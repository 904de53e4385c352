//! The push demuxer for an audio elementary stream (ADTS AAC, MP3, AC-3, E-AC-3).

use alloc::vec::Vec;
use heapless::Vec as BoundedVec;

use super::framer::{Frame, Framer, FramerStats};
use super::id3;
use super::syntax::Syntax;
use crate::codec::AudioHeader;
use crate::media::{AccessUnit, Bitstream, DemuxError, Demuxer, Event, Metadata, TrackInfo};
use crate::time::{Ticks, MPEG_TIMESCALE};

/// Largest ID3 tag given out as metadata (a larger one, cover art, is skipped).
pub const MAX_TAG: usize = 64 * 1024;

/// The track id of the one track of an elementary stream.
pub const ES_TRACK_ID: u32 = 1;

/// Where the demuxer is in the file's prelude.
#[derive(Debug)]
enum Prelude {
    /// Reading the first bytes, which may be an ID3v2 header.
    Probing(BoundedVec<u8, { id3::HEADER_LENGTH }>),
    /// Reading the rest of an ID3v2 tag: `left` bytes, copied into `kept` while the
    /// tag is small enough to keep (at most [`MAX_TAG`]).
    Tag { kept: Vec<u8>, left: u64 },
    /// In the frames.
    Frames,
}

/// Timing and track state, apart from the framer so both can be borrowed at once.
#[derive(Debug, Default)]
struct Timeline {
    track: Option<AudioHeader>,
    timescale: u32,
    elapsed: i64,
    /// HLS packed audio: the 90 kHz timestamp of the first frame.
    start: Option<u64>,
}

impl Timeline {
    fn emit(&mut self, frame: Frame, sink: &mut dyn FnMut(Event)) {
        let header = frame.header;
        if self.track.is_none_or(|t| !t.same_stream(&header)) {
            if self.timescale == 0 {
                self.timescale = header.sample_rate;
                if let Some(start) = self.start {
                    self.elapsed = Ticks::new(start as i64, MPEG_TIMESCALE).rescale(self.timescale);
                }
            }
            self.track = Some(header);
            sink(Event::Track(TrackInfo {
                id: ES_TRACK_ID,
                codec: header.codec,
                timescale: self.timescale,
                sample_rate: header.sample_rate,
                channels: header.channels,
                config: header
                    .aac
                    .map(|asc| asc.to_bytes().to_vec())
                    .unwrap_or_default(),
                bitstream: Bitstream::Framed,
                ..TrackInfo::default()
            }));
        }
        let duration = header.duration(self.timescale);
        sink(Event::Sample(AccessUnit {
            track: ES_TRACK_ID,
            pts: self.elapsed,
            dts: self.elapsed,
            duration,
            timescale: self.timescale,
            keyframe: true,
            size: frame.size,
            ranges: frame.ranges,
        }));
        self.elapsed = self.elapsed.saturating_add(duration);
    }
}

/// A push demuxer for an audio elementary stream: one track ([`ES_TRACK_ID`]), every
/// frame an access unit and a keyframe, timestamps counted in samples from 0 (the
/// timescale is the first frame's sample rate).
#[derive(Debug)]
pub struct AudioDemuxer {
    syntax: Syntax,
    framer: Framer,
    prelude: Prelude,
    /// Input offset of the next byte pushed.
    offset: u64,
    timeline: Timeline,
}

impl AudioDemuxer {
    /// A demuxer for streams framed as `syntax`.
    pub fn new(syntax: Syntax) -> Self {
        Self {
            syntax,
            framer: Framer::new(syntax, true),
            prelude: Prelude::Probing(BoundedVec::new()),
            offset: 0,
            timeline: Timeline::default(),
        }
    }

    /// An ADTS AAC demuxer (`.aac`, AAC radio).
    pub fn adts() -> Self {
        Self::new(Syntax::Adts)
    }

    /// An MP3 demuxer (`.mp3`, podcasts, MP3 radio).
    pub fn mp3() -> Self {
        Self::new(Syntax::Mpeg)
    }

    /// The HLS packed-audio timestamp (RFC 8216 §3.4) of the stream's first frame, in
    /// 90 kHz units, when its leading ID3 tag has one; the access units' timestamps
    /// then start there (in the sample-rate timescale) instead of at 0.
    pub fn transport_stream_timestamp(&self) -> Option<u64> {
        self.timeline.start
    }

    /// A whole leading ID3 tag (empty when it was too large to keep): its timestamp
    /// is noted and it is given out as metadata.
    fn tag(&mut self, tag: Vec<u8>, sink: &mut dyn FnMut(Event)) {
        if tag.is_empty() {
            return;
        }
        let start = id3::transport_stream_timestamp(&tag);
        self.timeline.start = start;
        sink(Event::Metadata(Metadata {
            track: ES_TRACK_ID,
            pts: start.map_or(0, |t| t as i64),
            timescale: MPEG_TIMESCALE,
            data: tag,
        }));
    }

    /// Bytes skipped as junk and frames dropped so far.
    pub fn stats(&self) -> FramerStats {
        self.framer.stats()
    }

    fn feed_frames(
        &mut self,
        data: &[u8],
        offset: u64,
        sink: &mut dyn FnMut(Event),
    ) -> Result<(), DemuxError> {
        let timeline = &mut self.timeline;
        self.framer
            .push(data, offset, &mut |frame| timeline.emit(frame, sink))
    }
}

impl Demuxer for AudioDemuxer {
    fn push(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Event)) -> Result<(), DemuxError> {
        let mut data = chunk;
        let mut at = self.offset;
        self.offset += chunk.len() as u64;
        while !data.is_empty() {
            match &mut self.prelude {
                Prelude::Probing(head) => {
                    let room = id3::HEADER_LENGTH - head.len();
                    let (take, rest) = data.split_at(room.min(data.len()));
                    let _ = head.extend_from_slice(take);
                    if !id3::may_begin_tag(head) {
                        // Not a tag: these first bytes are the stream's.
                        let head = core::mem::take(head);
                        self.prelude = Prelude::Frames;
                        let start = (at + take.len() as u64).saturating_sub(head.len() as u64);
                        self.feed_frames(&head, start, sink)?;
                    } else if head.len() == id3::HEADER_LENGTH {
                        match id3::tag_length(head) {
                            Some(len) => {
                                let mut kept = Vec::new();
                                if len <= MAX_TAG as u64 && kept.try_reserve(len as usize).is_ok() {
                                    kept.extend_from_slice(head);
                                }
                                let left = len - id3::HEADER_LENGTH as u64;
                                if left == 0 {
                                    self.prelude = Prelude::Frames;
                                    self.tag(kept, sink);
                                } else {
                                    self.prelude = Prelude::Tag { kept, left };
                                }
                            }
                            None => {
                                let head = core::mem::take(head);
                                self.prelude = Prelude::Frames;
                                let start =
                                    (at + take.len() as u64).saturating_sub(head.len() as u64);
                                self.feed_frames(&head, start, sink)?;
                            }
                        }
                    }
                    at += take.len() as u64;
                    data = rest;
                }
                Prelude::Tag { kept, left } => {
                    let n = (*left).min(data.len() as u64);
                    let (body, rest) = data.split_at(n as usize);
                    if !kept.is_empty() {
                        kept.extend_from_slice(body);
                    }
                    *left -= n;
                    data = rest;
                    at += n;
                    if *left == 0 {
                        let tag = core::mem::take(kept);
                        self.prelude = Prelude::Frames;
                        self.tag(tag, sink);
                    }
                }
                Prelude::Frames => return self.feed_frames(data, at, sink),
            }
        }
        Ok(())
    }

    fn finish(&mut self, sink: &mut dyn FnMut(Event)) -> Result<(), DemuxError> {
        if let Prelude::Probing(head) = &mut self.prelude {
            let head = core::mem::take(head);
            self.prelude = Prelude::Frames;
            let start = self.offset.saturating_sub(head.len() as u64);
            self.feed_frames(&head, start, sink)?;
        }
        let timeline = &mut self.timeline;
        self.framer.finish(&mut |frame| timeline.emit(frame, sink));
        Ok(())
    }

    fn reset(&mut self) {
        *self = Self::new(self.syntax);
    }
}
