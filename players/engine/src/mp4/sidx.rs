//! The segment index box `sidx` (ISO/IEC 14496-12 §8.16.3): the time and byte extent
//! of each subsegment of a DASH SegmentBase representation (or of a single file).

use alloc::vec::Vec;

use crate::media::{ByteRange, DemuxError};

use super::header::BoxHeader;
use super::reader::Reader;

/// One reference of a `sidx`: a subsegment (media) or another `sidx` (hierarchical
/// indexes, `reference_type` 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SidxReference {
    /// `reference_type`: true when the range holds another `sidx`, false for media.
    pub references_index: bool,
    /// `referenced_size`: bytes from the first byte of this reference to the first
    /// byte of the next (31 bits).
    pub referenced_size: u32,
    /// `subsegment_duration`, in the `sidx` timescale.
    pub subsegment_duration: u32,
    /// `starts_with_SAP`: the subsegment starts with a stream access point.
    pub starts_with_sap: bool,
    /// `SAP_type` (0 = unknown, 1..=6 per Annex I).
    pub sap_type: u8,
    /// `SAP_delta_time` (28 bits), in the `sidx` timescale.
    pub sap_delta_time: u32,
}

/// A parsed `sidx` box (version 0 or 1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sidx {
    /// `reference_ID`: the track (stream) it indexes.
    pub reference_id: u32,
    /// Units per second of the times below.
    pub timescale: u32,
    /// `earliest_presentation_time` of the first subsegment.
    pub earliest_presentation_time: u64,
    /// `first_offset`: bytes from the end of this box (the anchor point) to the first
    /// referenced byte.
    pub first_offset: u64,
    /// The references, in order.
    pub references: Vec<SidxReference>,
}

/// A subsegment located in the file: what [`Sidx::subsegments`] yields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subsegment {
    /// Its bytes, as an absolute range of the file.
    pub range: ByteRange,
    /// Its earliest presentation time, in the `sidx` timescale.
    pub start: u64,
    /// Its duration, in the `sidx` timescale.
    pub duration: u32,
    /// The reference it comes from (SAP info, whether it is another index).
    pub reference: SidxReference,
}

/// Largest `first_offset` accepted, so absolute offsets stay far from overflow.
const MAX_FIRST_OFFSET: u64 = 1 << 56;

/// Parses a whole `sidx` box, header included.
///
/// # Errors
/// [`DemuxError::Malformed`] when the bytes are not a complete `sidx` box;
/// [`DemuxError::Unsupported`] for a version other than 0 or 1;
/// [`DemuxError::TooLarge`] when the reference table cannot be allocated.
pub fn parse_sidx(box_bytes: &[u8]) -> Result<Sidx, DemuxError> {
    let header =
        BoxHeader::parse(box_bytes)?.ok_or(DemuxError::Malformed("sidx header truncated"))?;
    if header.kind.0 != *b"sidx" {
        return Err(DemuxError::Malformed("not a sidx box"));
    }
    let end = match header.size {
        Some(size) => usize::try_from(size)
            .ok()
            .filter(|&s| s <= box_bytes.len())
            .ok_or(DemuxError::Malformed("sidx truncated"))?,
        None => box_bytes.len(),
    };
    let payload = box_bytes
        .get(usize::from(header.header_len)..end)
        .ok_or(DemuxError::Malformed("sidx truncated"))?;
    parse_sidx_payload(payload)
}

/// Parses a `sidx` payload (the bytes after the box header).
pub(crate) fn parse_sidx_payload(payload: &[u8]) -> Result<Sidx, DemuxError> {
    let mut r = Reader::new(payload);
    let (version, _flags) = r.version_flags()?;
    if version > 1 {
        return Err(DemuxError::Unsupported("sidx version"));
    }
    let reference_id = r.u32()?;
    let timescale = r.u32()?;
    let earliest_presentation_time = r.u32_or_u64(version == 1)?;
    let first_offset = r.u32_or_u64(version == 1)?;
    if first_offset > MAX_FIRST_OFFSET {
        return Err(DemuxError::TooLarge("sidx first_offset"));
    }
    let _reserved = r.u16()?;
    let count = usize::from(r.u16()?);
    if r.remaining() < count * 12 {
        return Err(DemuxError::Malformed(
            "sidx shorter than its reference_count",
        ));
    }
    let mut references = Vec::new();
    references
        .try_reserve_exact(count)
        .map_err(|_| DemuxError::TooLarge("sidx references"))?;
    for _ in 0..count {
        let a = r.u32()?;
        let subsegment_duration = r.u32()?;
        let c = r.u32()?;
        references.push(SidxReference {
            references_index: a >> 31 == 1,
            referenced_size: a & 0x7fff_ffff,
            subsegment_duration,
            starts_with_sap: c >> 31 == 1,
            sap_type: ((c >> 28) & 0x7) as u8,
            sap_delta_time: c & 0x0fff_ffff,
        });
    }
    Ok(Sidx {
        reference_id,
        timescale,
        earliest_presentation_time,
        first_offset,
        references,
    })
}

impl Sidx {
    /// Each reference located in the file: byte ranges follow one another from
    /// `sidx_end + first_offset`, times from `earliest_presentation_time`.
    ///
    /// `sidx_end` is the absolute offset of the first byte after this `sidx` box (the
    /// anchor point, §8.16.3.3): for a DASH `indexRange="a-b"`, it is `b + 1`.
    pub fn subsegments(&self, sidx_end: u64) -> impl Iterator<Item = Subsegment> + '_ {
        let mut offset = sidx_end.saturating_add(self.first_offset);
        let mut start = self.earliest_presentation_time;
        self.references.iter().map(move |reference| {
            let sub = Subsegment {
                range: ByteRange {
                    offset,
                    length: reference.referenced_size,
                },
                start,
                duration: reference.subsegment_duration,
                reference: *reference,
            };
            offset = offset.saturating_add(u64::from(reference.referenced_size));
            start = start.saturating_add(u64::from(reference.subsegment_duration));
            sub
        })
    }

    /// The `index`th subsegment (see [`subsegments`](Self::subsegments)).
    pub fn subsegment(&self, index: usize, sidx_end: u64) -> Option<Subsegment> {
        self.subsegments(sidx_end).nth(index)
    }

    /// The total duration of all references, in the `sidx` timescale.
    pub fn duration(&self) -> u64 {
        self.references
            .iter()
            .map(|r| u64::from(r.subsegment_duration))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn sidx_v(version: u8, refs: &[(u32, u32, u32)]) -> Vec<u8> {
        let mut p = vec![version, 0, 0, 0];
        p.extend_from_slice(&1u32.to_be_bytes());
        p.extend_from_slice(&1000u32.to_be_bytes());
        if version == 0 {
            p.extend_from_slice(&500u32.to_be_bytes());
            p.extend_from_slice(&10u32.to_be_bytes());
        } else {
            p.extend_from_slice(&(1u64 << 33).to_be_bytes());
            p.extend_from_slice(&10u64.to_be_bytes());
        }
        p.extend_from_slice(&0u16.to_be_bytes());
        p.extend_from_slice(&(refs.len() as u16).to_be_bytes());
        for &(a, d, c) in refs {
            p.extend_from_slice(&a.to_be_bytes());
            p.extend_from_slice(&d.to_be_bytes());
            p.extend_from_slice(&c.to_be_bytes());
        }
        let mut b = ((p.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(b"sidx");
        b.extend_from_slice(&p);
        b
    }

    #[test]
    fn version_0_subsegments_follow_the_anchor_point() {
        let b = sidx_v(0, &[(100, 2000, 0x9000_0000), (0x8000_0000 | 50, 1000, 5)]);
        let s = parse_sidx(&b).unwrap();
        assert_eq!(
            (s.reference_id, s.timescale, s.earliest_presentation_time),
            (1, 1000, 500)
        );
        let subs: Vec<_> = s.subsegments(1000).collect();
        assert_eq!(
            subs[0].range,
            ByteRange {
                offset: 1010,
                length: 100
            }
        );
        assert_eq!((subs[0].start, subs[0].duration), (500, 2000));
        assert!(subs[0].reference.starts_with_sap && subs[0].reference.sap_type == 1);
        assert_eq!(
            subs[1].range,
            ByteRange {
                offset: 1110,
                length: 50
            }
        );
        assert_eq!(subs[1].start, 2500);
        assert!(subs[1].reference.references_index);
        assert_eq!(subs[1].reference.sap_delta_time, 5);
        assert_eq!(s.duration(), 3000);
    }

    #[test]
    fn version_1_has_64_bit_times() {
        let s = parse_sidx(&sidx_v(1, &[(7, 1, 0)])).unwrap();
        assert_eq!(s.earliest_presentation_time, 1 << 33);
        assert_eq!(s.subsegment(0, 0).unwrap().range.offset, 10);
        assert!(s.subsegment(1, 0).is_none());
    }

    #[test]
    fn a_reference_count_beyond_the_box_fails() {
        let mut b = sidx_v(0, &[(7, 1, 0)]);
        let n = b.len();
        b[n - 13] = 9; // reference_count low byte
        assert!(parse_sidx(&b).is_err());
        assert!(parse_sidx(&b[..b.len() - 1]).is_err(), "truncated box");
    }
}
