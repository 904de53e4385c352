//! Progressive (non-fragmented) files over range requests: the top-level box walk
//! that finds `moov` wherever it is (ISO/IEC 14496-12 §6.2.3: before the media for
//! "faststart", after `mdat` as most muxers write it by default), then the samples
//! as access units naming file ranges.
//!
//! The driver never needs more than one box header window or the `moov` itself in
//! memory: the player asks [`Progressive::next_fetch`] what to read, fetches it, and
//! [`feeds`](Progressive::feed) it back.

use alloc::vec;
use alloc::vec::Vec;

use crate::media::{AccessUnit, ByteRange, DemuxError};

use super::header::BoxHeader;
use super::movie::{parse_moov, Movie};
use super::samples::{Sample, Samples};
use super::track::Track;

/// Bytes asked for when looking for a box header: enough for `ftyp` and a small
/// `moov` in one request.
pub const PROBE_LEN: u32 = 16 * 1024;
/// The largest `moov` accepted (about ten hours of 60 fps video with audio).
pub const MAX_MOOV_LEN: u64 = 64 * 1024 * 1024;
/// Most top-level boxes walked before `moov` (bounds the requests a file causes).
const MAX_TOP_LEVEL_BOXES: u32 = 1024;

/// Finds and parses the `moov` of a progressive file through range requests.
#[derive(Clone, Debug)]
pub struct Progressive {
    file_size: u64,
    /// Offset of the next top-level box header.
    pos: u64,
    boxes: u32,
    /// The first bytes at `pos`, while a header arrives in pieces.
    head: heapless::Vec<u8, { BoxHeader::MAX_LEN }>,
    /// The `moov` being gathered: where its payload starts and ends in the file.
    moov: Option<(u64, u64)>,
    buffer: Vec<u8>,
    movie: Option<Movie>,
}

impl Progressive {
    /// A walk over a file of `file_size` bytes (from a `Content-Length` or
    /// `Content-Range`).
    pub fn new(file_size: u64) -> Self {
        Self {
            file_size,
            pos: 0,
            boxes: 0,
            head: heapless::Vec::new(),
            moov: None,
            buffer: Vec::new(),
            movie: None,
        }
    }

    /// What to fetch next; `None` once the movie is parsed.
    pub fn next_fetch(&self) -> Option<ByteRange> {
        if self.movie.is_some() {
            return None;
        }
        let (start, end) = match self.moov {
            Some((start, end)) => (start + self.buffer.len() as u64, end),
            None => {
                // Continue a header that arrived in part.
                let start = self.pos + self.head.len() as u64;
                let probe_end = self.pos.saturating_add(u64::from(PROBE_LEN));
                (start, self.file_size.min(probe_end))
            }
        };
        let length = u32::try_from(end.saturating_sub(start)).unwrap_or(u32::MAX);
        Some(ByteRange {
            offset: start,
            length,
        })
    }

    /// The movie, once found.
    pub fn movie(&self) -> Option<&Movie> {
        self.movie.as_ref()
    }

    /// The movie, once found, by value.
    pub fn into_movie(self) -> Option<Movie> {
        self.movie
    }

    /// Takes bytes read at `offset` (any range; those not needed are ignored).
    ///
    /// # Errors
    /// [`DemuxError::Malformed`] when a box overruns the file or the file has no
    /// `moov`; [`DemuxError::TooLarge`] for a `moov` beyond [`MAX_MOOV_LEN`]; the
    /// `moov`'s own errors.
    pub fn feed(&mut self, offset: u64, bytes: &[u8]) -> Result<(), DemuxError> {
        let end = offset.saturating_add(bytes.len() as u64);
        while self.movie.is_none() {
            if let Some((start, moov_end)) = self.moov {
                let have = start + self.buffer.len() as u64;
                // An empty moov is complete as soon as its header is read: it must
                // not wait for (or ask for) zero more bytes.
                if have < moov_end {
                    if offset > have || end <= have {
                        return Ok(());
                    }
                    let from = (have - offset) as usize;
                    let take = (moov_end - have).min(end - have) as usize;
                    let part = bytes.get(from..from + take).unwrap_or(&[]);
                    self.buffer.extend_from_slice(part);
                }
                if self.buffer.len() as u64 == moov_end - start {
                    let mut movie = parse_moov(&self.buffer)?;
                    for t in &mut movie.tracks {
                        t.table.data_end = self.file_size;
                    }
                    self.movie = Some(movie);
                    self.buffer = Vec::new();
                }
                return Ok(());
            }
            if self.pos >= self.file_size {
                return Err(DemuxError::Malformed("no moov in the file"));
            }
            // The header may arrive in pieces: gather it (at most 32 bytes) from `pos`.
            let want = self.pos + self.head.len() as u64;
            if offset > want || end <= want {
                return Ok(());
            }
            let from = (want - offset) as usize;
            let room = BoxHeader::MAX_LEN - self.head.len();
            let piece = bytes.get(from..).unwrap_or(&[]);
            let piece = piece.get(..room.min(piece.len())).unwrap_or(&[]);
            self.head
                .extend_from_slice(piece)
                .map_err(|_| DemuxError::Malformed("box header"))?;
            let Some(header) = BoxHeader::parse(&self.head)? else {
                if self.pos + self.head.len() as u64 >= self.file_size {
                    return Err(DemuxError::Malformed("file ends inside a box header"));
                }
                return Ok(());
            };
            self.head.clear();
            self.boxes += 1;
            if self.boxes > MAX_TOP_LEVEL_BOXES {
                return Err(DemuxError::TooLarge("too many top-level boxes before moov"));
            }
            let size = header.size.unwrap_or(self.file_size - self.pos);
            let box_end = self
                .pos
                .checked_add(size)
                .filter(|&e| e <= self.file_size)
                .ok_or(DemuxError::Malformed("box overruns the file"))?;
            if header.kind.0 == *b"moov" {
                if size > MAX_MOOV_LEN {
                    return Err(DemuxError::TooLarge("moov"));
                }
                let payload = size - u64::from(header.header_len);
                self.buffer
                    .try_reserve_exact(payload as usize)
                    .map_err(|_| DemuxError::TooLarge("moov"))?;
                self.moov = Some((self.pos + u64::from(header.header_len), box_end));
            } else {
                self.pos = box_end;
            }
        }
        Ok(())
    }

    /// Runs the walk over a file held whole in memory (tests, tools, small files).
    ///
    /// # Errors
    /// As [`feed`](Self::feed).
    pub fn parse(file: &[u8]) -> Result<Movie, DemuxError> {
        let mut p = Self::new(file.len() as u64);
        while let Some(range) = p.next_fetch() {
            let start = usize::try_from(range.offset).unwrap_or(usize::MAX);
            let end = start.saturating_add(range.length as usize).min(file.len());
            let before = (p.pos, p.head.len(), p.moov, p.buffer.len());
            p.feed(range.offset, file.get(start..end).unwrap_or(&[]))?;
            if (p.pos, p.head.len(), p.moov, p.buffer.len()) == before && p.movie.is_none() {
                return Err(DemuxError::Malformed("file ends inside a box"));
            }
        }
        p.movie.ok_or(DemuxError::Malformed("no moov in the file"))
    }
}

impl Track {
    /// The access unit of one of this track's samples: timestamps moved onto the
    /// presentation timeline by the edit list ([`Edit::shift`](super::Edit::shift)).
    pub fn access_unit(&self, sample: &Sample) -> AccessUnit {
        let shift = self.edit.shift();
        let dts = sample.dts.saturating_add(shift);
        AccessUnit {
            track: self.info.id,
            pts: dts.saturating_add(i64::from(sample.cts_offset)),
            dts,
            duration: i64::from(sample.duration),
            timescale: self.info.timescale,
            keyframe: sample.keyframe,
            size: sample.size,
            ranges: vec![ByteRange {
                offset: sample.offset,
                length: sample.size,
            }],
        }
    }
}

/// Every track's samples merged in file order (the order a player reads the file):
/// `(track index, sample)`.
#[derive(Clone, Debug)]
pub struct Interleaved<'a> {
    cursors: Vec<(Samples<'a>, Option<Sample>)>,
}

impl Movie {
    /// All samples of all tracks in file order.
    pub fn interleaved(&self) -> Interleaved<'_> {
        let cursors = (0..self.tracks.len())
            .map(|i| {
                let mut s = self.samples(i);
                let first = s.next();
                (s, first)
            })
            .collect();
        Interleaved { cursors }
    }
}

impl Iterator for Interleaved<'_> {
    type Item = (usize, Sample);

    fn next(&mut self) -> Option<(usize, Sample)> {
        let (index, _) = self
            .cursors
            .iter()
            .enumerate()
            .filter_map(|(i, (_, s))| s.map(|s| (i, s.offset)))
            .min_by_key(|&(_, offset)| offset)?;
        let (samples, slot) = self.cursors.get_mut(index)?;
        let sample = core::mem::replace(slot, samples.next())?;
        Some((index, sample))
    }
}
