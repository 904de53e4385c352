//! One followed PID carrying PES packets: continuity checking and the PES state
//! machine (header, then payload until `PES_packet_length` or the next unit start),
//! dispatching payload to the video, audio or metadata reader.

use alloc::boxed::Box;
use alloc::string::String;

use super::audio::AudioStream;
use super::continuity::{Continuity, Verdict};
use super::descriptor::StreamClass;
use super::metadata::MetadataStream;
use super::packet::PacketHeader;
use super::pes::{PesHeaderReader, PesProgress};
use super::stats::TsStats;
use super::video::VideoStream;
use crate::media::{DemuxError, Event};
use crate::time::Unwrapper;

#[derive(Debug)]
enum Reader {
    Video(Box<VideoStream>),
    Audio(Box<AudioStream>),
    Metadata(MetadataStream),
}

#[derive(Debug)]
enum PesState {
    /// Waiting for a unit start (at the beginning, after a loss, after a PES).
    Idle,
    /// Reading a PES header.
    Header(PesHeaderReader),
    /// In the payload; `remaining` bytes when the PES has a length.
    Payload { remaining: Option<u32> },
}

/// A followed elementary stream.
#[derive(Debug)]
pub(crate) struct ElementaryStream {
    pub(crate) pid: u16,
    pub(crate) stream_type: u8,
    /// Index of its program in the demuxer's list (for its timestamp unwrapper).
    pub(crate) program: usize,
    continuity: Continuity,
    state: PesState,
    reader: Reader,
}

impl ElementaryStream {
    /// A stream of `class` on `pid`.
    pub(crate) fn new(
        pid: u16,
        stream_type: u8,
        program: usize,
        class: StreamClass,
        language: Option<String>,
    ) -> Self {
        let id = u32::from(pid);
        let reader = match class {
            StreamClass::Video(codec) => Reader::Video(Box::new(VideoStream::new(id, codec))),
            StreamClass::Audio(codec, syntax) => {
                Reader::Audio(Box::new(AudioStream::new(id, codec, syntax, language)))
            }
            StreamClass::Id3 => Reader::Metadata(MetadataStream::new(id)),
        };
        Self {
            pid,
            stream_type,
            program,
            continuity: Continuity::default(),
            state: PesState::Idle,
            reader,
        }
    }

    /// Handles one packet of this PID; `payload` starts at input `offset`.
    pub(crate) fn packet(
        &mut self,
        header: &PacketHeader,
        payload: &[u8],
        offset: u64,
        unwrapper: &mut Unwrapper,
        stats: &mut TsStats,
        sink: &mut dyn FnMut(Event),
    ) -> Result<(), DemuxError> {
        if header.transport_error || header.scrambled {
            stats.bad_packets += 1;
            self.loss(stats, sink);
            return Ok(());
        }
        match self.continuity.check(header) {
            Verdict::Continue => {}
            Verdict::Duplicate => {
                stats.duplicate_packets += 1;
                return Ok(());
            }
            Verdict::Gap => {
                stats.continuity_errors += 1;
                self.loss(stats, sink);
            }
        }
        if !header.has_payload {
            return Ok(());
        }
        if header.unit_start {
            if matches!(self.state, PesState::Payload { .. } | PesState::Header(_)) {
                self.end_pes(stats, sink);
            }
            self.state = PesState::Header(PesHeaderReader::default());
        }
        let mut data = payload;
        let mut at = offset;
        while !data.is_empty() {
            match &mut self.state {
                PesState::Idle => return Ok(()),
                PesState::Header(reader) => match reader.push(data) {
                    Ok(PesProgress::More) => return Ok(()),
                    Ok(PesProgress::Done(used, pes)) => {
                        let dts = pes.dts.or(pes.pts).map(|t| unwrapper.unwrap(t));
                        let pts = pes.pts.map(|t| unwrapper.unwrap(t));
                        let dropped = match &mut self.reader {
                            Reader::Video(v) => v.pes_start(pts, dts, sink),
                            Reader::Audio(a) => {
                                a.pes_start(pts);
                                false
                            }
                            Reader::Metadata(m) => {
                                m.pes_start(pts);
                                false
                            }
                        };
                        stats.dropped_units += u64::from(dropped);
                        data = data.get(used..).unwrap_or_default();
                        at += used as u64;
                        self.state = PesState::Payload {
                            remaining: pes.payload_length,
                        };
                        if pes.payload_length == Some(0) {
                            self.end_pes(stats, sink);
                        }
                    }
                    Err(_) => {
                        stats.dropped_units += 1;
                        self.state = PesState::Idle;
                    }
                },
                PesState::Payload { remaining } => {
                    let n = remaining.map_or(data.len(), |r| (r as usize).min(data.len()));
                    let (piece, _) = data.split_at(n);
                    match &mut self.reader {
                        Reader::Video(v) => {
                            stats.dropped_units += u64::from(v.payload(piece, at, sink)?);
                        }
                        Reader::Audio(a) => a.payload(piece, at, sink)?,
                        Reader::Metadata(m) => m.payload(piece),
                    }
                    if let Some(r) = remaining {
                        *r -= n as u32;
                        if *r == 0 {
                            self.end_pes(stats, sink);
                        }
                    }
                    // Bytes past the PES length are not part of any PES: ignored.
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// The PES in progress ended: whole (its length reached, or no length and the
    /// next unit start or the end of the input), or cut short.
    fn end_pes(&mut self, stats: &mut TsStats, sink: &mut dyn FnMut(Event)) {
        let state = core::mem::replace(&mut self.state, PesState::Idle);
        let whole = matches!(
            state,
            PesState::Payload {
                remaining: None | Some(0)
            }
        );
        let dropped = match &mut self.reader {
            Reader::Video(v) if whole => {
                v.pes_complete();
                false
            }
            // A cut header belongs to the next unit: the open one may be whole.
            Reader::Video(v) => v.loss(sink),
            Reader::Metadata(m) if whole => m.pes_end(sink),
            Reader::Metadata(m) => m.loss(),
            // Frames may span PES packets: only a cut header breaks the stream.
            Reader::Audio(a) => {
                if !matches!(state, PesState::Payload { .. }) {
                    a.loss();
                }
                false
            }
        };
        stats.dropped_units += u64::from(dropped);
    }

    /// Data was lost: the unit in progress is dropped (a video unit whose PES had
    /// ended is whole and emitted), and reading waits for the next unit start.
    pub(crate) fn loss(&mut self, stats: &mut TsStats, sink: &mut dyn FnMut(Event)) {
        let dropped = match &mut self.reader {
            Reader::Video(v) => v.loss(sink),
            Reader::Audio(a) => {
                a.loss();
                false
            }
            Reader::Metadata(m) => m.loss(),
        };
        stats.dropped_units += u64::from(dropped);
        self.state = PesState::Idle;
    }

    /// The input ended: a PES without a length is complete; one with a length that
    /// did not arrive is dropped.
    pub(crate) fn finish(&mut self, stats: &mut TsStats, sink: &mut dyn FnMut(Event)) {
        if !matches!(self.state, PesState::Idle) {
            self.end_pes(stats, sink);
        }
        match &mut self.reader {
            Reader::Audio(a) => a.finish(sink),
            Reader::Video(v) => stats.dropped_units += u64::from(v.finish(sink)),
            Reader::Metadata(_) => {}
        }
    }

    /// Whether a PES is being read.
    pub(crate) fn is_open(&self) -> bool {
        !matches!(self.state, PesState::Idle)
    }

    /// Audio junk and dropped frames, for the statistics.
    pub(crate) fn audio_stats(&self) -> Option<crate::es::FramerStats> {
        match &self.reader {
            Reader::Audio(a) => Some(a.stats()),
            _ => None,
        }
    }
}
