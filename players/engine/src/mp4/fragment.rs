//! Movie fragments (ISO/IEC 14496-12 §8.8): a `moof` is indexed once — every
//! `traf`'s defaults resolved (`tfhd` over `trex`), its decode time (`tfdt`), its
//! runs (`trun`) checked against their boxes and placed in the input, its encryption
//! entries (`senc`, `saiz`/`saio`) validated — then each track fragment's samples are
//! read lazily by a [`TrafCursor`](super::traf_cursor::TrafCursor) straight from the
//! buffered `moof`, so a fragment costs its `moof` bytes plus a few words per track.

use alloc::vec::Vec;
use core::ops::Range;

use crate::media::DemuxError;

use super::header::Boxes;
use super::movie::Movie;
use super::reader::Reader;
use super::senc::{
    self, parse_saio, parse_saiz, parse_senc, AuxInfoOffset, AuxInfoSizes, EncryptionEntries,
};
use super::track::TrackDefaults;

/// Most samples one `moof` may describe (a `trun` without per-sample fields can
/// declare billions in a few bytes).
pub const MAX_FRAGMENT_SAMPLES: u32 = 1 << 17;

/// `tfhd` flags (§8.8.7.1).
const BASE_DATA_OFFSET: u32 = 0x1;
const DESCRIPTION_INDEX: u32 = 0x2;
const DEFAULT_DURATION: u32 = 0x8;
const DEFAULT_SIZE: u32 = 0x10;
const DEFAULT_FLAGS: u32 = 0x20;
const DEFAULT_BASE_IS_MOOF: u32 = 0x2_0000;
/// `trun` flags (§8.8.8.1).
const DATA_OFFSET: u32 = 0x1;
const FIRST_SAMPLE_FLAGS: u32 = 0x4;
pub(crate) const SAMPLE_DURATION: u32 = 0x100;
pub(crate) const SAMPLE_SIZE: u32 = 0x200;
pub(crate) const SAMPLE_FLAGS: u32 = 0x400;
pub(crate) const SAMPLE_CTO: u32 = 0x800;

/// One `trun`, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Trun {
    /// Its per-sample entries, as a range of the moof payload.
    pub entries: Range<usize>,
    /// `sample_count`.
    pub count: u32,
    /// `tr_flags`.
    pub flags: u32,
    /// `first_sample_flags`, when present.
    pub first_flags: Option<u32>,
    /// Absolute offset of its first sample's data.
    pub data_start: u64,
}

impl Trun {
    /// Bytes of one per-sample entry under `flags`.
    pub(crate) fn entry_len(flags: u32) -> usize {
        4 * (flags & (SAMPLE_DURATION | SAMPLE_SIZE | SAMPLE_FLAGS | SAMPLE_CTO)).count_ones()
            as usize
    }
}

/// One `traf`, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Traf {
    /// Index of its track in the movie; `None` for a track the init does not declare.
    pub track: Option<usize>,
    /// `track_ID`.
    pub track_id: u32,
    /// Sample defaults after `tfhd` overrides.
    pub defaults: TrackDefaults,
    /// Decode time of its first sample (media timeline).
    pub decode_time: i64,
    /// Decode time after its last sample.
    pub end_time: i64,
    /// Its runs, as a range of [`MoofIndex::truns`].
    pub truns: Range<usize>,
    /// Per-sample encryption entries.
    pub encryption: Option<EncryptionEntries>,
    /// `saiz`, when present.
    pub aux_sizes: Option<AuxInfoSizes>,
    /// `saio`, when present.
    pub aux_offset: Option<AuxInfoOffset>,
}

/// A checked `moof`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct MoofIndex {
    /// `mfhd` sequence_number.
    pub sequence_number: u32,
    /// Its track fragments.
    pub trafs: Vec<Traf>,
    /// Every traf's runs, in order.
    pub truns: Vec<Trun>,
}

/// Where `inner` (a subslice) starts in `outer`.
pub(crate) fn offset_in(outer: &[u8], inner: &[u8]) -> usize {
    (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize)
}

fn push<T>(v: &mut Vec<T>, item: T) -> Result<(), DemuxError> {
    v.try_reserve(1)
        .map_err(|_| DemuxError::TooLarge("moof tables"))?;
    v.push(item);
    Ok(())
}

/// Indexes a `moof` payload. `moof_start` is the absolute offset of the box's first
/// byte, `header_len` its header's length; `next_time[i]` is where track `i`'s
/// previous fragment ended (used without `tfdt`), updated traf by traf.
pub(crate) fn parse_moof(
    moof: &[u8],
    moof_start: u64,
    header_len: u8,
    movie: &Movie,
    next_time: &mut [i64],
) -> Result<MoofIndex, DemuxError> {
    let mut index = MoofIndex::default();
    let mut total: u32 = 0;
    // Without explicit or moof-relative bases, a traf's data follows the previous
    // traf's (§8.8.7.1); the first starts at the moof.
    let mut implicit_base = moof_start;
    for child in Boxes::new(moof) {
        let child = child?;
        match &child.header.kind.0 {
            b"mfhd" => {
                let mut r = Reader::new(child.payload);
                let _ = r.version_flags()?;
                index.sequence_number = r.u32()?;
            }
            b"traf" => {
                let traf = parse_traf(
                    moof,
                    child.payload,
                    moof_start,
                    header_len,
                    implicit_base,
                    movie,
                    next_time,
                    &mut index.truns,
                    &mut total,
                )?;
                if let Some(t) = traf.track.and_then(|i| next_time.get_mut(i)) {
                    *t = traf.end_time; // a later traf of the same track continues here
                }
                if let Some(last) = index.truns.get(traf.truns.clone()).and_then(|t| t.last()) {
                    implicit_base =
                        last.data_start
                            .saturating_add(run_bytes(moof, last, &traf.defaults));
                }
                push(&mut index.trafs, traf)?;
            }
            _ => {}
        }
    }
    Ok(index)
}

/// The total size of a checked run's samples.
fn run_bytes(moof: &[u8], trun: &Trun, defaults: &TrackDefaults) -> u64 {
    if trun.flags & SAMPLE_SIZE == 0 {
        return u64::from(trun.count) * u64::from(defaults.size);
    }
    let len = Trun::entry_len(trun.flags);
    let at = 4 * (trun.flags & SAMPLE_DURATION != 0) as usize;
    moof.get(trun.entries.clone())
        .unwrap_or(&[])
        .chunks_exact(len)
        .map(|e| {
            let mut r = Reader::new(e.get(at..).unwrap_or(&[]));
            u64::from(r.u32().unwrap_or(0))
        })
        .sum()
}

#[allow(clippy::too_many_arguments)] // the moof-wide context a traf is resolved in
fn parse_traf(
    moof: &[u8],
    payload: &[u8],
    moof_start: u64,
    header_len: u8,
    implicit_base: u64,
    movie: &Movie,
    next_time: &[i64],
    truns: &mut Vec<Trun>,
    total: &mut u32,
) -> Result<Traf, DemuxError> {
    let tfhd =
        super::header::find(payload, b"tfhd")?.ok_or(DemuxError::Malformed("traf without tfhd"))?;
    let mut r = Reader::new(tfhd);
    let (_, flags) = r.version_flags()?;
    let track_id = r.u32()?;
    let track = movie.tracks.iter().position(|t| t.info.id == track_id);
    let mut defaults = track
        .and_then(|i| movie.tracks.get(i))
        .map(|t| t.defaults)
        .unwrap_or_default();
    let base = if flags & BASE_DATA_OFFSET != 0 {
        r.u64()?
    } else if flags & DEFAULT_BASE_IS_MOOF != 0 {
        moof_start
    } else {
        implicit_base
    };
    if flags & DESCRIPTION_INDEX != 0 {
        defaults.description_index = r.u32()?;
    }
    if flags & DEFAULT_DURATION != 0 {
        defaults.duration = r.u32()?;
    }
    if flags & DEFAULT_SIZE != 0 {
        defaults.size = r.u32()?;
    }
    if flags & DEFAULT_FLAGS != 0 {
        defaults.flags = r.u32()?;
    }
    let decode_time = match super::header::find(payload, b"tfdt")? {
        Some(tfdt) => {
            let mut r = Reader::new(tfdt);
            let (version, _) = r.version_flags()?;
            i64::try_from(r.u32_or_u64(version == 1)?)
                .map_err(|_| DemuxError::Malformed("tfdt beyond 2^63"))?
        }
        None => track.and_then(|i| next_time.get(i)).copied().unwrap_or(0),
    };
    let protection = track
        .and_then(|i| movie.tracks.get(i))
        .and_then(|t| t.protection);
    let iv_size = protection
        .and_then(|p| p.encryption)
        .map_or(0, |e| e.per_sample_iv_size);
    let first_trun = truns.len();
    let mut end_time = decode_time;
    let mut data = base;
    let mut traf = Traf {
        track,
        track_id,
        defaults,
        decode_time,
        end_time,
        truns: 0..0,
        encryption: None,
        aux_sizes: None,
        aux_offset: None,
    };
    for child in Boxes::new(payload) {
        let child = child?;
        let p = child.payload;
        match &child.header.kind.0 {
            b"trun" => {
                let trun = parse_trun(moof, p, base, data, total)?;
                data = trun
                    .data_start
                    .saturating_add(run_bytes(moof, &trun, &defaults));
                end_time = end_time.saturating_add(run_duration(moof, &trun, &defaults));
                push(truns, trun)?;
            }
            b"senc" => traf.encryption = Some(parse_senc(p, offset_in(moof, p), iv_size)?),
            b"uuid" if child.header.usertype == Some(senc::PIFF_SENC) => {
                traf.encryption = Some(parse_senc(p, offset_in(moof, p), iv_size)?);
            }
            b"saiz" => traf.aux_sizes = Some(parse_saiz(p)?),
            b"saio" => traf.aux_offset = Some(parse_saio(p)?),
            _ => {}
        }
    }
    // Without senc, CENC auxiliary information inside the moof has the same layout.
    if let (None, Some(sizes), Some(at)) = (&traf.encryption, &traf.aux_sizes, &traf.aux_offset) {
        let payload_start = moof_start + u64::from(header_len);
        let start = base
            .checked_add(at.offset)
            .and_then(|o| o.checked_sub(payload_start));
        if let Some(start) = start
            .and_then(|s| usize::try_from(s).ok())
            .filter(|&s| s < moof.len())
        {
            traf.encryption = Some(EncryptionEntries {
                range: start..moof.len(),
                count: sizes.sample_count,
                subsamples: sizes.default_size == 0 || sizes.default_size > iv_size,
                iv_size,
            });
        }
    }
    if let Some(e) = &traf.encryption {
        e.check(moof)?;
    }
    traf.truns = first_trun..truns.len();
    traf.end_time = end_time;
    Ok(traf)
}

/// The total duration of a checked run's samples.
fn run_duration(moof: &[u8], trun: &Trun, defaults: &TrackDefaults) -> i64 {
    if trun.flags & SAMPLE_DURATION == 0 {
        return i64::from(trun.count) * i64::from(defaults.duration);
    }
    let len = Trun::entry_len(trun.flags);
    moof.get(trun.entries.clone())
        .unwrap_or(&[])
        .chunks_exact(len)
        .map(|e| i64::from(Reader::new(e).u32().unwrap_or(0)))
        .sum()
}

fn parse_trun(
    moof: &[u8],
    payload: &[u8],
    base: u64,
    data: u64,
    total: &mut u32,
) -> Result<Trun, DemuxError> {
    let mut r = Reader::new(payload);
    let (_, flags) = r.version_flags()?;
    let count = r.u32()?;
    *total = total.saturating_add(count);
    if *total > MAX_FRAGMENT_SAMPLES {
        return Err(DemuxError::TooLarge("samples in one moof"));
    }
    let data_start = if flags & DATA_OFFSET != 0 {
        let d = i64::from(r.i32()?);
        base.checked_add_signed(d)
            .ok_or(DemuxError::Malformed("trun data offset before the input"))?
    } else {
        data
    };
    let first_flags = if flags & FIRST_SAMPLE_FLAGS != 0 {
        Some(r.u32()?)
    } else {
        None
    };
    let len = (count as usize)
        .checked_mul(Trun::entry_len(flags))
        .ok_or(DemuxError::Malformed("trun sample count"))?;
    let entries = r
        .bytes(len)
        .map_err(|_| DemuxError::Malformed("trun shorter than its sample count"))?;
    let start = offset_in(moof, entries);
    Ok(Trun {
        entries: start..start + len,
        count,
        flags,
        first_flags,
        data_start,
    })
}
