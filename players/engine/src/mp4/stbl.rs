//! The sample table `stbl` (ISO/IEC 14496-12 §8.5–§8.7), kept as the file stores it.
//!
//! Run-length tables (`stts`, `ctts`, `stsc`) stay run-length and per-sample tables
//! (`stsz`/`stz2`, `stss`) keep the file's width, so an index costs what its boxes
//! cost and never a struct per sample; [`super::samples`] walks them lazily. Every
//! table's entry count is checked against its box before anything is allocated.

use alloc::vec::Vec;

use crate::media::DemuxError;

use super::header::Boxes;
use super::reader::Reader;

/// Sample sizes (`stsz` §8.7.3.2 or the compact `stz2` §8.7.3.3).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum SampleSizes {
    /// Every sample has the same size.
    Constant(u32),
    /// 4-bit sizes, two per byte, the first in the high nibble.
    U4(Vec<u8>),
    /// 8-bit sizes.
    U8(Vec<u8>),
    /// 16-bit sizes.
    U16(Vec<u16>),
    /// 32-bit sizes.
    U32(Vec<u32>),
    /// No table.
    #[default]
    None,
}

impl SampleSizes {
    /// The size of sample `i` (0-based); 0 past the table (the count is checked at
    /// parse time, so that only happens for a table shorter than the sample count).
    pub(crate) fn get(&self, i: u32) -> u32 {
        let i = i as usize;
        match self {
            SampleSizes::Constant(s) => *s,
            SampleSizes::U4(v) => v.get(i / 2).map_or(0, |b| {
                u32::from(if i.is_multiple_of(2) {
                    b >> 4
                } else {
                    b & 0x0f
                })
            }),
            SampleSizes::U8(v) => v.get(i).map_or(0, |&s| u32::from(s)),
            SampleSizes::U16(v) => v.get(i).map_or(0, |&s| u32::from(s)),
            SampleSizes::U32(v) => v.get(i).copied().unwrap_or(0),
            SampleSizes::None => 0,
        }
    }
}

/// A track's sample table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SampleTable {
    /// Samples in the track (from `stsz`/`stz2`).
    pub sample_count: u32,
    /// `stts`: (sample_count, sample_delta) runs.
    pub stts: Vec<(u32, u32)>,
    /// `ctts`: (sample_count, sample_offset) runs; version 0 offsets are read as
    /// signed too, as every player does (writers put negative values there).
    pub ctts: Vec<(u32, i32)>,
    /// `stsc`: (first_chunk, samples_per_chunk) runs, first_chunk 1-based.
    pub stsc: Vec<(u32, u32)>,
    /// `stss`: 1-based sync sample numbers, increasing; `None` when every sample is one.
    pub stss: Option<Vec<u32>>,
    /// `stsz`/`stz2`.
    pub sizes: SampleSizes,
    /// `stco` (widened) or `co64`: the file offset of each chunk.
    pub chunks: ChunkOffsets,
    /// The end of the file: a sample reaching past it ends the walk (a truncated
    /// file, or a table pointing outside it). `u64::MAX` when unknown.
    pub data_end: u64,
}

impl Default for SampleTable {
    fn default() -> Self {
        Self {
            sample_count: 0,
            stts: Vec::new(),
            ctts: Vec::new(),
            stsc: Vec::new(),
            stss: None,
            sizes: SampleSizes::None,
            chunks: ChunkOffsets::None,
            data_end: u64::MAX,
        }
    }
}

/// Chunk offsets at the width the file stores them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum ChunkOffsets {
    /// `stco`.
    #[default]
    None,
    /// `stco`: 32-bit.
    U32(Vec<u32>),
    /// `co64`: 64-bit.
    U64(Vec<u64>),
}

impl ChunkOffsets {
    pub(crate) fn len(&self) -> usize {
        match self {
            ChunkOffsets::None => 0,
            ChunkOffsets::U32(v) => v.len(),
            ChunkOffsets::U64(v) => v.len(),
        }
    }

    pub(crate) fn get(&self, i: usize) -> Option<u64> {
        match self {
            ChunkOffsets::None => None,
            ChunkOffsets::U32(v) => v.get(i).map(|&o| u64::from(o)),
            ChunkOffsets::U64(v) => v.get(i).copied(),
        }
    }
}

/// Reads a full box's entry count and checks that `count` entries of `entry_len`
/// bytes fit in the rest of it, then reserves a vector for them.
fn table<'a, T>(
    payload: &'a [u8],
    entry_len: usize,
    what: &'static str,
) -> Result<(Reader<'a>, u32, Vec<T>), DemuxError> {
    let mut r = Reader::new(payload);
    let _ = r.version_flags()?;
    let count = r.u32()?;
    let bytes = (count as usize)
        .checked_mul(entry_len)
        .ok_or(DemuxError::Malformed(what))?;
    if bytes > r.remaining() {
        return Err(DemuxError::Malformed(what));
    }
    let mut v = Vec::new();
    v.try_reserve_exact(count as usize)
        .map_err(|_| DemuxError::TooLarge(what))?;
    Ok((r, count, v))
}

fn parse_pairs(payload: &[u8], what: &'static str) -> Result<Vec<(u32, u32)>, DemuxError> {
    let (mut r, count, mut v) = table(payload, 8, what)?;
    for _ in 0..count {
        v.push((r.u32()?, r.u32()?));
    }
    Ok(v)
}

/// `ctts` (§8.6.1.3), version 0 or 1, offsets read as signed.
fn parse_ctts(payload: &[u8]) -> Result<Vec<(u32, i32)>, DemuxError> {
    let (mut r, count, mut v) = table(payload, 8, "ctts entry count")?;
    for _ in 0..count {
        v.push((r.u32()?, r.i32()?));
    }
    Ok(v)
}

fn parse_stsc(payload: &[u8]) -> Result<Vec<(u32, u32)>, DemuxError> {
    let (mut r, count, mut v) = table::<(u32, u32)>(payload, 12, "stsc entry count")?;
    let mut last = 0;
    for _ in 0..count {
        let first_chunk = r.u32()?;
        let per_chunk = r.u32()?;
        let _description = r.u32()?;
        if first_chunk <= last {
            return Err(DemuxError::Malformed("stsc first_chunk not increasing"));
        }
        last = first_chunk;
        v.push((first_chunk, per_chunk));
    }
    Ok(v)
}

fn parse_u32s(payload: &[u8], what: &'static str) -> Result<Vec<u32>, DemuxError> {
    let (mut r, count, mut v) = table(payload, 4, what)?;
    for _ in 0..count {
        v.push(r.u32()?);
    }
    Ok(v)
}

fn parse_co64(payload: &[u8]) -> Result<Vec<u64>, DemuxError> {
    let (mut r, count, mut v) = table(payload, 8, "co64 entry count")?;
    for _ in 0..count {
        v.push(r.u64()?);
    }
    Ok(v)
}

/// `stsz` (§8.7.3.2): a constant size or one 32-bit size per sample.
fn parse_stsz(payload: &[u8]) -> Result<(u32, SampleSizes), DemuxError> {
    let mut r = Reader::new(payload);
    let _ = r.version_flags()?;
    let constant = r.u32()?;
    if constant != 0 {
        let count = r.u32()?;
        return Ok((count, SampleSizes::Constant(constant)));
    }
    let rest = r.rest();
    // The count and table of a non-constant stsz have the layout of a u32 table.
    let mut with_header = Reader::new(rest);
    let count = with_header.u32()?;
    if (count as usize).saturating_mul(4) > with_header.remaining() {
        return Err(DemuxError::Malformed("stsz sample count beyond the box"));
    }
    let mut v = Vec::new();
    v.try_reserve_exact(count as usize)
        .map_err(|_| DemuxError::TooLarge("stsz"))?;
    for _ in 0..count {
        v.push(with_header.u32()?);
    }
    Ok((count, SampleSizes::U32(v)))
}

/// `stz2` (§8.7.3.3): 4-, 8- or 16-bit sizes.
fn parse_stz2(payload: &[u8]) -> Result<(u32, SampleSizes), DemuxError> {
    let mut r = Reader::new(payload);
    let _ = r.version_flags()?;
    let field_size = r.u32()? & 0xff;
    let count = r.u32()?;
    let bytes = match field_size {
        4 => (count as usize).div_ceil(2),
        8 => count as usize,
        16 => (count as usize).saturating_mul(2),
        _ => return Err(DemuxError::Malformed("stz2 field size")),
    };
    let table = r
        .bytes(bytes)
        .map_err(|_| DemuxError::Malformed("stz2 sample count beyond the box"))?;
    let mut raw = Vec::new();
    raw.try_reserve_exact(bytes)
        .map_err(|_| DemuxError::TooLarge("stz2"))?;
    raw.extend_from_slice(table);
    let sizes = match field_size {
        4 => SampleSizes::U4(raw),
        8 => SampleSizes::U8(raw),
        _ => {
            let mut v = Vec::new();
            v.try_reserve_exact(count as usize)
                .map_err(|_| DemuxError::TooLarge("stz2"))?;
            v.extend(raw.chunks_exact(2).map(|c| match c {
                [a, b] => u16::from_be_bytes([*a, *b]),
                _ => 0,
            }));
            SampleSizes::U16(v)
        }
    };
    Ok((count, sizes))
}

/// Parses an `stbl` payload (the sample description is read separately).
pub(crate) fn parse_stbl(payload: &[u8]) -> Result<SampleTable, DemuxError> {
    let mut t = SampleTable::default();
    for child in Boxes::new(payload) {
        let child = child?;
        let p = child.payload;
        match &child.header.kind.0 {
            b"stts" => t.stts = parse_pairs(p, "stts entry count")?,
            b"ctts" => t.ctts = parse_ctts(p)?,
            b"stsc" => t.stsc = parse_stsc(p)?,
            b"stss" => t.stss = Some(parse_u32s(p, "stss entry count")?),
            b"stsz" => (t.sample_count, t.sizes) = parse_stsz(p)?,
            b"stz2" => (t.sample_count, t.sizes) = parse_stz2(p)?,
            b"stco" => t.chunks = ChunkOffsets::U32(parse_u32s(p, "stco entry count")?),
            b"co64" => t.chunks = ChunkOffsets::U64(parse_co64(p)?),
            _ => {}
        }
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn stz2_sizes_of_4_8_and_16_bits() {
        let (n, s) = parse_stz2(&[0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 3, 0x12, 0x30]).unwrap();
        assert_eq!((n, s.get(0), s.get(1), s.get(2), s.get(3)), (3, 1, 2, 3, 0));
        let (n, s) = parse_stz2(&[0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 2, 1, 2, 3, 4]).unwrap();
        assert_eq!((n, s.get(0), s.get(1)), (2, 0x0102, 0x0304));
        let (_, s) = parse_stz2(&[0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 1, 9]).unwrap();
        assert_eq!(s, SampleSizes::U8(vec![9]));
        assert!(parse_stz2(&[0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 3, 1, 2, 3, 4]).is_err());
        assert!(parse_stz2(&[0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0]).is_err());
    }

    #[test]
    fn stsc_first_chunks_must_increase() {
        let p = [
            0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0,
            0, 0, 1,
        ];
        assert!(parse_stsc(&p).is_err());
    }
}
