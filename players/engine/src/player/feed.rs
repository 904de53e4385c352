//! The feeder: demuxes complete segments from the media store, a window at a time,
//! into access units on the presentation timeline, ready for the decoders.
//!
//! A segment is demuxed only once its download completed, so a failed or abandoned
//! download never leaves half a segment in a decoder and a retry cannot duplicate a
//! unit. The segment's bytes stay in the store; units name them by range.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use wasp_abi::decoder::{
    SampleInfo, SampleRange, SAMPLE_DECODE_ONLY, SAMPLE_DISCONTINUITY, SAMPLE_KEYFRAME,
};

use super::timeline::Timeline;
use crate::es::AudioDemuxer;
use crate::media::{Demuxer, Event, TrackInfo, TrackKind};
use crate::mp4::FragmentDemuxer;
use crate::platform::{ObjectId, Platform};
use crate::ts::TsDemuxer;

/// Bytes read from the store per push.
const WINDOW: usize = 8 << 10;
/// Audio this far before a seek target is still sent, µs.
const AUDIO_TOLERANCE_US: i64 = 50_000;
/// Units held ready at most (the decoders take them as their queues allow).
pub(crate) const MAX_PENDING: usize = 96;

/// What the feeder hands to the submitter, in stream order.
#[derive(Debug)]
pub(crate) enum Pending {
    /// A track's configuration (before its first unit, or when it changed).
    Track(TrackInfo),
    /// An access unit.
    Unit(Unit),
}

/// An access unit ready for a decoder.
#[derive(Debug)]
pub(crate) struct Unit {
    /// Video or audio.
    pub kind: TrackKind,
    /// Timestamps and flags.
    pub sample: SampleInfo,
    /// Its bytes in the store.
    pub ranges: Vec<SampleRange>,
}

/// The segment the feeder is reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SegmentRef {
    /// Media sequence number.
    pub sequence: u64,
    /// Store object.
    pub object: ObjectId,
    /// Its length.
    pub len: u64,
    /// Start on the timeline, µs.
    pub start_us: i64,
    /// Discontinuity domain.
    pub domain: u64,
    /// A discontinuity precedes it (timestamps restart: flag the first units).
    pub discontinuity: bool,
}

/// A window of a progressive file: its units come from the sample tables, so every
/// byte is skippable.
struct TableDemux {
    tracks: Vec<TrackInfo>,
    units: Vec<crate::media::AccessUnit>,
    len: u64,
    pos: u64,
}

impl TableDemux {
    fn emit(&mut self, sink: &mut dyn FnMut(Event)) {
        for t in self.tracks.drain(..) {
            sink(Event::Track(t));
        }
        for u in self.units.drain(..) {
            sink(Event::Sample(u));
        }
    }
}

impl Demuxer for TableDemux {
    fn push(
        &mut self,
        chunk: &[u8],
        sink: &mut dyn FnMut(Event),
    ) -> Result<(), crate::media::DemuxError> {
        self.pos += chunk.len() as u64;
        self.emit(sink);
        Ok(())
    }

    fn finish(&mut self, sink: &mut dyn FnMut(Event)) -> Result<(), crate::media::DemuxError> {
        self.emit(sink);
        Ok(())
    }

    fn reset(&mut self) {
        self.units.clear();
        self.pos = 0;
    }

    fn skippable(&self) -> u64 {
        self.len.saturating_sub(self.pos)
    }

    fn skip(
        &mut self,
        n: u64,
        sink: &mut dyn FnMut(Event),
    ) -> Result<(), crate::media::DemuxError> {
        self.pos += n;
        self.emit(sink);
        Ok(())
    }
}

enum SegmentDemux {
    Table(alloc::boxed::Box<TableDemux>),
    Ts(alloc::boxed::Box<TsDemuxer>),
    Mp4(alloc::boxed::Box<FragmentDemuxer>),
    Audio(alloc::boxed::Box<AudioDemuxer>),
}

impl SegmentDemux {
    fn as_ref_dyn(&self) -> &dyn Demuxer {
        match self {
            SegmentDemux::Table(d) => d.as_ref(),
            SegmentDemux::Ts(d) => d.as_ref(),
            SegmentDemux::Mp4(d) => d.as_ref(),
            SegmentDemux::Audio(d) => d.as_ref(),
        }
    }

    fn as_dyn(&mut self) -> &mut dyn Demuxer {
        match self {
            SegmentDemux::Table(d) => d.as_mut(),
            SegmentDemux::Ts(d) => d.as_mut(),
            SegmentDemux::Mp4(d) => d.as_mut(),
            SegmentDemux::Audio(d) => d.as_mut(),
        }
    }
}

/// Why feeding stopped for good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FeedError {
    /// The segment's bytes break its format.
    Malformed(&'static str),
    /// The store lost the segment.
    Store,
}

/// Demuxes one stream's segments in order.
#[derive(Default)]
pub(crate) struct Feeder {
    segment: Option<SegmentRef>,
    demux: Option<SegmentDemux>,
    pushed: u64,
    /// Demuxer bytes before the segment's first byte (an init segment pushed first).
    base: u64,
    /// Units and track changes waiting for the decoders.
    pub pending: VecDeque<Pending>,
    tracks: Vec<TrackInfo>,
    /// Events of a new timestamp domain waiting for its offset.
    held: Vec<Event>,
    /// Accurate seek: video before this is decode-only, audio before it is dropped.
    pub present_from_us: Option<i64>,
    /// The first keyframe demuxed since the last reset, µs (keyframe seeks anchor on it).
    pub first_keyframe_us: Option<i64>,
    /// Sequence of the last segment demuxed to its end.
    pub last_done: Option<u64>,
    /// Kinds this stream feeds (the main stream drops its muxed audio when an
    /// alternate audio rendition plays).
    pub wants_audio: bool,
    /// As `wants_audio`, for video.
    pub wants_video: bool,
    /// This stream places new timestamp domains on the timeline (the main stream);
    /// an alternate rendition waits for it.
    pub opens_domains: bool,
    discontinuity_pending: bool,
}

impl Feeder {
    /// A feeder for the given kinds.
    pub(crate) fn new(wants_video: bool, wants_audio: bool) -> Self {
        Self {
            wants_audio,
            wants_video,
            opens_domains: true,
            ..Self::default()
        }
    }

    /// Forgets the segment in progress and every pending unit (seek, stop).
    pub(crate) fn reset(&mut self) {
        self.segment = None;
        self.demux = None;
        self.pushed = 0;
        self.base = 0;
        self.pending.clear();
        self.held.clear();
        self.first_keyframe_us = None;
        self.last_done = None;
    }

    /// The segment being demuxed.
    pub(crate) fn current(&self) -> Option<SegmentRef> {
        self.segment
    }

    /// Whether the feeder can take another segment.
    pub(crate) fn idle(&self) -> bool {
        self.segment.is_none()
    }

    /// Starts demuxing `segment`; `init` is the init segment of fragmented MP4.
    pub(crate) fn start<P: Platform>(
        &mut self,
        p: &mut P,
        segment: SegmentRef,
        init: Option<&[u8]>,
    ) -> Result<(), FeedError> {
        let mut head = [0u8; 4];
        let n = p
            .store_read(segment.object, 0, &mut head)
            .map_err(|_| FeedError::Store)?;
        let mut demux = match (init, head.get(..n)) {
            (Some(_), _) => SegmentDemux::Mp4(alloc::boxed::Box::default()),
            (None, Some([0x47, ..])) => SegmentDemux::Ts(alloc::boxed::Box::default()),
            (None, Some([b'I', b'D', b'3', ..] | [0xFF, ..])) => {
                SegmentDemux::Audio(alloc::boxed::Box::new(AudioDemuxer::adts()))
            }
            (None, _) => SegmentDemux::Mp4(alloc::boxed::Box::default()),
        };
        self.base = 0;
        if let Some(init) = init {
            let mut events = Vec::new();
            demux
                .as_dyn()
                .push(init, &mut |e| events.push(e))
                .map_err(|_| FeedError::Malformed("init segment"))?;
            self.base = init.len() as u64;
            for e in events {
                if let Event::Track(t) = e {
                    self.track(t);
                }
            }
        }
        self.demux = Some(demux);
        self.segment = Some(segment);
        self.pushed = 0;
        if segment.discontinuity {
            self.discontinuity_pending = true;
        }
        Ok(())
    }

    /// Starts a window of a progressive file whose units (ranges relative to the
    /// window) come from the sample tables.
    pub(crate) fn start_table(
        &mut self,
        segment: SegmentRef,
        tracks: Vec<TrackInfo>,
        units: Vec<crate::media::AccessUnit>,
    ) {
        self.base = 0;
        self.demux = Some(SegmentDemux::Table(alloc::boxed::Box::new(TableDemux {
            tracks,
            units,
            len: segment.len,
            pos: 0,
        })));
        self.segment = Some(segment);
        self.pushed = 0;
        if segment.discontinuity {
            self.discontinuity_pending = true;
        }
    }

    /// Pushes up to `budget` bytes of the current segment; returns the bytes pushed.
    pub(crate) fn step<P: Platform>(
        &mut self,
        p: &mut P,
        timeline: &mut Timeline,
        budget: usize,
    ) -> Result<usize, FeedError> {
        let (Some(segment), Some(_)) = (self.segment, self.demux.as_ref()) else {
            return Ok(0);
        };
        let mut done = 0usize;
        let mut window = [0u8; WINDOW];
        if !self.held.is_empty() && timeline.knows(segment.domain) {
            self.absorb(Vec::new(), segment, timeline, false);
        }
        while done < budget && self.pending.len() + self.held.len() < MAX_PENDING {
            let mut events = Vec::new();
            if self.pushed >= segment.len {
                if let Some(d) = self.demux.as_mut() {
                    d.as_dyn()
                        .finish(&mut |e| events.push(e))
                        .map_err(|_| FeedError::Malformed("segment ends inside a structure"))?;
                }
                self.absorb(events, segment, timeline, true);
                self.last_done = Some(segment.sequence);
                self.segment = None;
                self.demux = None;
                break;
            }
            // What the demuxer would only count (an `mdat` payload) stays in the
            // store: the units name it by range, the guest never copies it.
            let skippable = self
                .demux
                .as_ref()
                .map_or(0, |d| d.as_ref_dyn().skippable())
                .min(segment.len - self.pushed);
            if skippable > 0 {
                if let Some(d) = self.demux.as_mut() {
                    d.as_dyn()
                        .skip(skippable, &mut |e| events.push(e))
                        .map_err(|_| FeedError::Malformed("segment"))?;
                }
                self.pushed += skippable;
                done += usize::try_from(skippable).unwrap_or(usize::MAX).min(budget);
                self.absorb(events, segment, timeline, false);
                continue;
            }
            let want = (segment.len - self.pushed).min(WINDOW as u64) as usize;
            let buf = window.get_mut(..want).unwrap_or_default();
            let n = p
                .store_read(segment.object, self.pushed, buf)
                .map_err(|_| FeedError::Store)?;
            if n == 0 {
                return Err(FeedError::Store);
            }
            if let Some(d) = self.demux.as_mut() {
                d.as_dyn()
                    .push(buf.get(..n).unwrap_or_default(), &mut |e| events.push(e))
                    .map_err(|e| {
                        FeedError::Malformed(match e {
                            crate::media::DemuxError::Malformed(m)
                            | crate::media::DemuxError::Unsupported(m)
                            | crate::media::DemuxError::TooLarge(m) => m,
                        })
                    })?;
            }
            self.pushed += n as u64;
            done += n;
            self.absorb(events, segment, timeline, false);
        }
        Ok(done)
    }

    fn track(&mut self, info: TrackInfo) {
        let wanted = match info.kind() {
            TrackKind::Video => self.wants_video,
            TrackKind::Audio => self.wants_audio,
            _ => false,
        };
        match self.tracks.iter_mut().find(|t| t.id == info.id) {
            Some(t) if *t == info => return,
            Some(t) => *t = info.clone(),
            None => self.tracks.push(info.clone()),
        }
        if wanted {
            self.pending.push_back(Pending::Track(info));
        }
    }

    fn absorb(
        &mut self,
        mut events: Vec<Event>,
        segment: SegmentRef,
        timeline: &mut Timeline,
        last: bool,
    ) {
        if timeline.knows(segment.domain) && !self.held.is_empty() {
            // Units held while the domain was unknown go first.
            let mut all = core::mem::take(&mut self.held);
            all.append(&mut events);
            events = all;
        }
        if !timeline.knows(segment.domain) {
            // A new timestamp domain. Its offset puts the first picture (the video's
            // first keyframe) at the segment's start, as a decoder's output starts;
            // audio priming before it stays before it. Without video, the earliest
            // audio unit. Only the main stream sets it: an alternate audio rendition
            // holds its units until the main stream did, so the timeline never
            // depends on which stream arrived first.
            for event in events {
                match event {
                    Event::Track(t) => self.track(t),
                    other => self.held.push(other),
                }
            }
            if !self.opens_domains {
                return;
            }
            let (mut keyframe, mut video, mut audio) = (None::<i64>, None::<i64>, None::<i64>);
            for e in &self.held {
                if let Event::Sample(au) = e {
                    let us = crate::time::Ticks::new(au.pts, au.timescale).to_micros().0;
                    match self
                        .tracks
                        .iter()
                        .find(|t| t.id == au.track)
                        .map(TrackInfo::kind)
                    {
                        Some(TrackKind::Video) => {
                            if au.keyframe && keyframe.is_none() {
                                keyframe = Some(us);
                            }
                            video = Some(video.map_or(us, |v| v.min(us)));
                        }
                        Some(TrackKind::Audio) => audio = Some(audio.map_or(us, |v| v.min(us))),
                        _ => {}
                    }
                }
            }
            let enough = last || self.held.len() >= MAX_PENDING;
            let anchor = match (self.wants_video, keyframe.or(video), audio) {
                (true, Some(v), _) => Some(v),
                (true, None, a) if enough => a,
                (false, _, Some(a)) => Some(a),
                _ if enough => None,
                _ => return,
            };
            if let Some(anchor) = anchor {
                timeline.open(segment.domain, segment.start_us, anchor);
            }
            events = core::mem::take(&mut self.held);
        }
        for event in events {
            match event {
                Event::Track(t) => self.track(t),
                Event::Sample(au) => {
                    let Some(kind) = self
                        .tracks
                        .iter()
                        .find(|t| t.id == au.track)
                        .map(TrackInfo::kind)
                    else {
                        continue;
                    };
                    let wanted = match kind {
                        TrackKind::Video => self.wants_video,
                        TrackKind::Audio => self.wants_audio,
                        _ => false,
                    };
                    if !wanted {
                        continue;
                    }
                    let pts_us =
                        timeline.place(segment.domain, segment.start_us, au.pts, au.timescale);
                    let dts_us =
                        timeline.place(segment.domain, segment.start_us, au.dts, au.timescale);
                    let duration_us = crate::time::Ticks::new(au.duration, au.timescale)
                        .to_micros()
                        .0;
                    let mut flags = 0;
                    if au.keyframe {
                        flags |= SAMPLE_KEYFRAME;
                        if self.first_keyframe_us.is_none()
                            && (kind == TrackKind::Video || !self.wants_video)
                        {
                            self.first_keyframe_us = Some(pts_us);
                        }
                    }
                    if let Some(from) = self.present_from_us {
                        // Audio wholly before the target is not sent (the device would
                        // drop it anyway); a tolerance keeps a frame that straddles it.
                        if kind == TrackKind::Audio
                            && pts_us + duration_us + AUDIO_TOLERANCE_US <= from
                        {
                            continue;
                        }
                        if kind == TrackKind::Video && pts_us < from {
                            flags |= SAMPLE_DECODE_ONLY;
                        }
                    }
                    if self.discontinuity_pending {
                        flags |= SAMPLE_DISCONTINUITY;
                        self.discontinuity_pending = false;
                    }
                    let mut ranges = Vec::with_capacity(au.ranges.len());
                    let mut size = 0u32;
                    let mut ok = true;
                    for r in &au.ranges {
                        let Some(offset) = r.offset.checked_sub(self.base) else {
                            ok = false;
                            break;
                        };
                        if offset + u64::from(r.length) > segment.len {
                            ok = false;
                            break;
                        }
                        // Adjacent pieces (MP4 always, TS rarely) travel as one range.
                        match ranges.last_mut() {
                            Some(SampleRange {
                                offset: o,
                                length: l,
                                ..
                            }) if *o + u64::from(*l) == offset
                                && l.checked_add(r.length).is_some() =>
                            {
                                *l += r.length;
                            }
                            _ => ranges.push(SampleRange {
                                offset,
                                object: segment.object,
                                length: r.length,
                            }),
                        }
                        size = size.saturating_add(r.length);
                    }
                    if !ok {
                        continue;
                    }
                    self.pending.push_back(Pending::Unit(Unit {
                        kind,
                        sample: SampleInfo {
                            pts_us,
                            dts_us,
                            duration_us,
                            flags,
                            size,
                        },
                        ranges,
                    }));
                }
                Event::Metadata(_) => {}
            }
        }
    }
}
