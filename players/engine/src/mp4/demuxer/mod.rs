//! The push demuxer for fragmented MP4 / CMAF (ISO/IEC 14496-12 §8.8, ISO/IEC
//! 23000-19): an init segment (`moov` with `mvex`) then media segments (`styp`,
//! `sidx`, `emsg`, `moof` + `mdat`), in chunks split anywhere.
//!
//! Memory: a box header is gathered in a 32-byte buffer; only metadata boxes
//! (`moov`, `moof`, `emsg`, `sidx`) are buffered whole, each under a cap; `mdat`
//! payload is never copied: samples are reported as ranges of the pushed bytes once
//! those bytes have gone by.

mod emit;

use alloc::vec::Vec;

use crate::media::{DemuxError, Demuxer, Event, Metadata};

use super::emsg::{parse_emsg, EmsgTime};
use super::fragment::{parse_moof, MoofIndex};
use super::header::{BoxHeader, FourCc};
use super::movie::{parse_moov, Movie};
use super::senc::{AuxInfoOffset, AuxInfoSizes, SampleEncryption};
use super::sidx::{parse_sidx_payload, Sidx};
use super::traf_cursor::{FragmentSample, TrafCursor};

/// Caps on the boxes buffered whole.
const MAX_MOOV: u64 = 16 << 20;
const MAX_MOOF: u64 = 4 << 20;
const MAX_EMSG: u64 = 1 << 20;
const MAX_SIDX: u64 = 1 << 20;
/// Most `sidx` boxes kept per segment, and v0 `emsg`s held for their segment's time.
const MAX_KEPT: usize = 8;

/// Where the reader is in the box structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Gathering a box header.
    Header,
    /// Passing over a box's payload up to an absolute end (`u64::MAX`: to the end).
    Skip(u64),
    /// Buffering a metadata box's payload up to an absolute end.
    Body(u64),
}

/// Pushes fragmented MP4 through [`Demuxer`]; see the module docs.
#[derive(Clone, Debug)]
pub struct FragmentDemuxer {
    movie: Option<Movie>,
    pos: u64,
    state: State,
    header: heapless::Vec<u8, { BoxHeader::MAX_LEN }>,
    /// The box being buffered: type, first byte, header length.
    body_box: Option<(FourCc, u64, u8)>,
    body: Vec<u8>,
    moof: Vec<u8>,
    index: MoofIndex,
    cursors: Vec<(TrafCursor, Option<FragmentSample>)>,
    /// Per track: where its last fragment ended (decode time without `tfdt`).
    next_time: Vec<i64>,
    sidx: Vec<(Sidx, u64)>,
    held_emsg: Vec<(Metadata, u32)>,
}

impl Default for FragmentDemuxer {
    fn default() -> Self {
        Self::new()
    }
}

impl FragmentDemuxer {
    /// A demuxer expecting the init segment first.
    pub fn new() -> Self {
        Self {
            movie: None,
            pos: 0,
            state: State::Header,
            header: heapless::Vec::new(),
            body_box: None,
            body: Vec::new(),
            moof: Vec::new(),
            index: MoofIndex::default(),
            cursors: Vec::new(),
            next_time: Vec::new(),
            sidx: Vec::new(),
            held_emsg: Vec::new(),
        }
    }

    /// A demuxer for media segments of a movie whose init segment was parsed
    /// already (no [`Event::Track`] is emitted for it).
    pub fn with_movie(movie: Movie) -> Self {
        let mut d = Self::new();
        d.next_time = alloc::vec![0; movie.tracks.len()];
        d.movie = Some(movie);
        d
    }

    /// The movie of the init segment, once seen.
    pub fn movie(&self) -> Option<&Movie> {
        self.movie.as_ref()
    }

    /// The `sidx` boxes seen since the last [`reset`](Demuxer::reset), each with the
    /// absolute offset of the byte after it (its anchor point for
    /// [`Sidx::subsegments`]).
    pub fn sidx(&self) -> &[(Sidx, u64)] {
        &self.sidx
    }

    /// The sample auxiliary information boxes (`saiz`, `saio`) of the last `moof`'s
    /// first track fragment of `track_id` (ISO/IEC 14496-12 §8.7.8, §8.7.9).
    pub fn aux_info(&self, track_id: u32) -> (Option<&AuxInfoSizes>, Option<&AuxInfoOffset>) {
        match self.index.trafs.iter().find(|t| t.track_id == track_id) {
            Some(t) => (t.aux_sizes.as_ref(), t.aux_offset.as_ref()),
            None => (None, None),
        }
    }

    /// The `mfhd` sequence number of the last `moof`.
    pub fn sequence_number(&self) -> u32 {
        self.index.sequence_number
    }

    /// As [`Demuxer::push`], also giving each access unit's encryption information
    /// (IV, subsample map, key id) when its track is protected.
    ///
    /// # Errors
    /// As [`Demuxer::push`].
    pub fn push_with(
        &mut self,
        chunk: &[u8],
        sink: &mut dyn FnMut(Event, Option<&SampleEncryption<'_>>),
    ) -> Result<(), DemuxError> {
        let mut data = chunk;
        while !data.is_empty() {
            let take = match self.state {
                State::Header => {
                    let need = header_need(&self.header);
                    let take = need.saturating_sub(self.header.len()).min(data.len());
                    let (head, _) = data.split_at_checked(take).unwrap_or((data, &[]));
                    self.header
                        .extend_from_slice(head)
                        .map_err(|_| DemuxError::Malformed("box header"))?;
                    take
                }
                State::Skip(end) => usize::try_from(end - self.pos)
                    .unwrap_or(usize::MAX)
                    .min(data.len()),
                State::Body(end) => {
                    let take = usize::try_from(end - self.pos)
                        .unwrap_or(usize::MAX)
                        .min(data.len());
                    self.body.extend_from_slice(data.get(..take).unwrap_or(&[]));
                    take
                }
            };
            data = data.get(take..).unwrap_or(&[]);
            self.pos += take as u64;
            self.advance(sink)?;
            self.emit_ready(sink);
        }
        Ok(())
    }

    /// Moves the state machine on after bytes were taken.
    fn advance(
        &mut self,
        sink: &mut dyn FnMut(Event, Option<&SampleEncryption<'_>>),
    ) -> Result<(), DemuxError> {
        match self.state {
            State::Header if self.header.len() == header_need(&self.header) => {
                let header =
                    BoxHeader::parse(&self.header)?.ok_or(DemuxError::Malformed("box header"))?;
                self.header.clear();
                self.begin_box(header, sink)?;
            }
            State::Skip(end) | State::Body(end) if self.pos == end => {
                if matches!(self.state, State::Body(_)) {
                    self.end_box(sink)?;
                }
                self.state = State::Header;
            }
            _ => {}
        }
        Ok(())
    }

    fn begin_box(
        &mut self,
        header: BoxHeader,
        sink: &mut dyn FnMut(Event, Option<&SampleEncryption<'_>>),
    ) -> Result<(), DemuxError> {
        let start = self.pos - u64::from(header.header_len);
        let end = header.size.map(|s| start.saturating_add(s));
        let cap = match &header.kind.0 {
            b"moov" => MAX_MOOV,
            b"moof" => MAX_MOOF,
            b"emsg" => MAX_EMSG,
            b"sidx" => MAX_SIDX,
            _ => {
                self.state = State::Skip(end.unwrap_or(u64::MAX));
                return self.advance(sink);
            }
        };
        let metadata_box = matches!(&header.kind.0, b"moof" | b"moov");
        if metadata_box && self.cursors.iter().any(|(_, next)| next.is_some()) {
            return Err(DemuxError::Malformed(
                "a fragment's samples lie beyond the next moof",
            ));
        }
        let end = end.ok_or(DemuxError::Unsupported(
            "a metadata box extending to the end of input",
        ))?;
        let len = header.payload_size().unwrap_or(0);
        if len > cap {
            return Err(DemuxError::TooLarge("metadata box"));
        }
        self.body.clear();
        self.body
            .try_reserve_exact(len as usize)
            .map_err(|_| DemuxError::TooLarge("metadata box"))?;
        self.body_box = Some((header.kind, start, header.header_len));
        self.state = State::Body(end);
        self.advance(sink)
    }

    fn end_box(
        &mut self,
        sink: &mut dyn FnMut(Event, Option<&SampleEncryption<'_>>),
    ) -> Result<(), DemuxError> {
        let Some((kind, start, header_len)) = self.body_box.take() else {
            return Ok(());
        };
        match &kind.0 {
            b"moov" => {
                let movie = parse_moov(&self.body)?;
                self.next_time = alloc::vec![0; movie.tracks.len()];
                for t in &movie.tracks {
                    sink(Event::Track(t.info.clone()), None);
                }
                self.movie = Some(movie);
            }
            b"moof" => {
                let movie = self
                    .movie
                    .as_ref()
                    .ok_or(DemuxError::Malformed("moof before the init segment"))?;
                self.index = parse_moof(&self.body, start, header_len, movie, &mut self.next_time)?;
                core::mem::swap(&mut self.moof, &mut self.body);
                self.cursors.clear();
                for (i, traf) in self.index.trafs.iter().enumerate() {
                    if traf.track.is_none() {
                        continue;
                    }
                    let mut cursor = TrafCursor::new(&self.index, i);
                    let first = cursor.next(&self.index, &self.moof);
                    self.cursors
                        .try_reserve(1)
                        .map_err(|_| DemuxError::TooLarge("tracks"))?;
                    self.cursors.push((cursor, first));
                }
                self.release_emsg(sink);
            }
            b"emsg" => {
                let e = parse_emsg(&self.body)?;
                let mut data = Vec::new();
                data.try_reserve_exact(e.message_data.len())
                    .map_err(|_| DemuxError::TooLarge("emsg"))?;
                data.extend_from_slice(e.message_data);
                match e.time {
                    EmsgTime::Absolute(t) => {
                        let pts = i64::try_from(t).unwrap_or(i64::MAX);
                        sink(
                            Event::Metadata(Metadata {
                                track: 0,
                                pts,
                                timescale: e.timescale,
                                data,
                            }),
                            None,
                        );
                    }
                    EmsgTime::Delta(d) if self.held_emsg.len() < MAX_KEPT => {
                        let m = Metadata {
                            track: 0,
                            pts: 0,
                            timescale: e.timescale,
                            data,
                        };
                        self.held_emsg.push((m, d));
                    }
                    EmsgTime::Delta(_) => {
                        return Err(DemuxError::TooLarge("emsg boxes before a moof"))
                    }
                }
            }
            b"sidx" if self.sidx.len() < MAX_KEPT => {
                let sidx = parse_sidx_payload(&self.body)?;
                self.sidx.push((sidx, self.pos));
            }
            _ => {}
        }
        self.body.clear();
        Ok(())
    }
}

/// Bytes the header being gathered needs: 8, then 16 with a `largesize`, plus 16
/// for a `uuid` type.
fn header_need(header: &[u8]) -> usize {
    match header {
        [a, b, c, d, t0, t1, t2, t3, ..] => {
            let large = u32::from_be_bytes([*a, *b, *c, *d]) == 1;
            let uuid = [*t0, *t1, *t2, *t3] == *b"uuid";
            8 + if large { 8 } else { 0 } + if uuid { 16 } else { 0 }
        }
        _ => 8,
    }
}

impl Demuxer for FragmentDemuxer {
    fn push(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Event)) -> Result<(), DemuxError> {
        self.push_with(chunk, &mut |event, _| sink(event))
    }

    fn finish(&mut self, sink: &mut dyn FnMut(Event)) -> Result<(), DemuxError> {
        for (m, delta) in self.held_emsg.drain(..) {
            sink(Event::Metadata(Metadata {
                pts: i64::from(delta),
                ..m
            }));
        }
        match self.state {
            State::Header if self.header.is_empty() => {}
            State::Skip(u64::MAX) => {}
            _ => return Err(DemuxError::Malformed("input ended inside a box")),
        }
        if self.cursors.iter().any(|(_, next)| next.is_some()) {
            return Err(DemuxError::Malformed("input ended before a sample's data"));
        }
        Ok(())
    }

    /// Inside a box passed over (`mdat`, unknown boxes) of known size: the rest of it.
    fn skippable(&self) -> u64 {
        match self.state {
            State::Skip(end) if end != u64::MAX => end - self.pos,
            _ => 0,
        }
    }

    fn skip(&mut self, n: u64, sink: &mut dyn FnMut(Event)) -> Result<(), DemuxError> {
        if n > self.skippable() {
            return Err(DemuxError::Malformed("skipped bytes the demuxer needs"));
        }
        if n == 0 {
            return Ok(());
        }
        self.pos += n;
        let sink = &mut |event, _: Option<&SampleEncryption<'_>>| sink(event);
        self.advance(sink)?;
        self.emit_ready(sink);
        Ok(())
    }

    /// Forgets the stream position, buffers and pending samples; keeps the init
    /// segment's movie (a new `moov` pushed later replaces it). Offsets restart at 0.
    fn reset(&mut self) {
        let movie = self.movie.take();
        *self = match movie {
            Some(m) => Self::with_movie(m),
            None => Self::new(),
        };
    }
}
