//! The movie box `moov` (ISO/IEC 14496-12 §8.2.1): the movie header, its tracks, and
//! for fragmented files the `mvex` defaults (§8.8.1) and protection `pssh` boxes
//! (ISO/IEC 23001-7 §8.1).

use alloc::vec::Vec;

use crate::media::DemuxError;

use super::header::Boxes;
use super::reader::Reader;
use super::samples::{sync_sample_at_or_before, Sample, Samples};
use super::track::{parse_trak, Track, TrackDefaults};

/// Most tracks one movie may declare.
pub const MAX_TRACKS: usize = 32;
/// Most `pssh` boxes kept.
const MAX_PSSH: usize = 16;

/// A parsed `moov`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Movie {
    /// The movie timescale (`mvhd`): units of edit list durations.
    pub timescale: u32,
    /// The movie duration (`mvhd`), in the movie timescale.
    pub duration: u64,
    /// The tracks, in file order.
    pub tracks: Vec<Track>,
    /// An `mvex` was present: samples come in movie fragments.
    pub fragmented: bool,
    /// The `pssh` boxes, whole (header included), for a DRM system.
    pub pssh: Vec<Vec<u8>>,
}

impl Movie {
    /// The track with `id`.
    pub fn track(&self, id: u32) -> Option<&Track> {
        self.tracks.iter().find(|t| t.info.id == id)
    }

    /// The samples of the track at `index` (in [`tracks`](Self::tracks)), in decode
    /// order, from its progressive sample table. Empty for an unknown index.
    pub fn samples(&self, index: usize) -> Samples<'_> {
        match self.tracks.get(index) {
            Some(t) => Samples::new(&t.table),
            None => Samples::new(&EMPTY),
        }
    }

    /// The samples of the track at `index`, from sample number `from` (0-based).
    pub fn samples_from(&self, index: usize, from: u32) -> Samples<'_> {
        match self.tracks.get(index) {
            Some(t) => Samples::at(&t.table, from),
            None => Samples::new(&EMPTY),
        }
    }

    /// For seeking: the sync sample of the track at `index` whose presentation time
    /// (after the edit list, in the track timescale) is at or before `time`, or the
    /// first sync sample when all are later. `None` for an empty or unknown track.
    pub fn find_sample_at(&self, index: usize, time: i64) -> Option<Sample> {
        let t = self.tracks.get(index)?;
        let media_time = time.saturating_sub(t.edit.shift());
        let n = sync_sample_at_or_before(&t.table, media_time)?;
        Samples::at(&t.table, n).next()
    }
}

static EMPTY: super::stbl::SampleTable = super::stbl::SampleTable {
    sample_count: 0,
    stts: Vec::new(),
    ctts: Vec::new(),
    stsc: Vec::new(),
    stss: None,
    sizes: super::stbl::SampleSizes::None,
    chunks: super::stbl::ChunkOffsets::None,
    data_end: 0,
};

/// Parses a `moov` payload (after its header).
///
/// # Errors
/// A [`DemuxError`] when a box inside breaks its rules or a table cannot be
/// allocated.
pub fn parse_moov(payload: &[u8]) -> Result<Movie, DemuxError> {
    let mut movie = Movie::default();
    // mvhd first: edit lists need the movie timescale.
    for child in Boxes::new(payload) {
        let child = child?;
        if child.header.kind.0 == *b"mvhd" {
            let mut r = Reader::new(child.payload);
            let (version, _) = r.version_flags()?;
            r.skip(if version == 1 { 16 } else { 8 })?;
            movie.timescale = r.u32()?;
            movie.duration = r.u32_or_u64(version == 1)?;
        }
    }
    for child in Boxes::new(payload) {
        let child = child?;
        match &child.header.kind.0 {
            b"trak" => {
                if movie.tracks.len() >= MAX_TRACKS {
                    return Err(DemuxError::TooLarge("more than 32 tracks"));
                }
                let track = parse_trak(child.payload, movie.timescale)?;
                movie
                    .tracks
                    .try_reserve(1)
                    .map_err(|_| DemuxError::TooLarge("tracks"))?;
                movie.tracks.push(track);
            }
            b"mvex" => {
                movie.fragmented = true;
                for grandchild in Boxes::new(child.payload) {
                    let grandchild = grandchild?;
                    if grandchild.header.kind.0 == *b"trex" {
                        apply_trex(grandchild.payload, &mut movie)?;
                    }
                }
            }
            b"pssh" if movie.pssh.len() < MAX_PSSH => {
                let start = child.offset;
                let end = start + usize::from(child.header.header_len) + child.payload.len();
                let whole = payload.get(start..end).unwrap_or(&[]);
                let mut v = Vec::new();
                v.try_reserve_exact(whole.len())
                    .map_err(|_| DemuxError::TooLarge("pssh"))?;
                v.extend_from_slice(whole);
                movie
                    .pssh
                    .try_reserve(1)
                    .map_err(|_| DemuxError::TooLarge("pssh"))?;
                movie.pssh.push(v);
            }
            _ => {}
        }
    }
    Ok(movie)
}

/// `trex` (§8.8.3): the defaults of one track's fragments.
fn apply_trex(payload: &[u8], movie: &mut Movie) -> Result<(), DemuxError> {
    let mut r = Reader::new(payload);
    let _ = r.version_flags()?;
    let id = r.u32()?;
    let defaults = TrackDefaults {
        description_index: r.u32()?,
        duration: r.u32()?,
        size: r.u32()?,
        flags: r.u32()?,
    };
    if let Some(t) = movie.tracks.iter_mut().find(|t| t.info.id == id) {
        t.defaults = defaults;
    }
    Ok(())
}
