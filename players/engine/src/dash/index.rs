//! The segments of a `SegmentBase` Representation (ISO/IEC 23009-1 §5.3.9.2): one
//! resource whose `sidx` (ISO/IEC 14496-12 §8.16.3), at `@indexRange`, lists the
//! subsegments' byte ranges and durations.

use alloc::string::String;
use alloc::vec::Vec;

use super::representation::Representation;
use super::segments::Segment;
use crate::media::DemuxError;
use crate::mp4::{parse_sidx, BoxHeader, FourCc};
use crate::time::{Micros, Ticks};

impl Representation {
    /// The segments listed by the `sidx` in `index` (the bytes fetched for
    /// [`Representation::index`], which start at `index_offset` in the resource).
    /// Boxes before the `sidx` (a `styp`) are skipped. Times are in the `sidx`'s
    /// timescale; presentation starts subtract `@presentationTimeOffset`.
    ///
    /// # Errors
    /// The `sidx` is missing, malformed, or hierarchical (references another `sidx`,
    /// which would need another fetch: [`DemuxError::Unsupported`]).
    pub fn segments_from_index(
        &self,
        index: &[u8],
        index_offset: u64,
    ) -> Result<Vec<Segment>, DemuxError> {
        let (at, end) = find_sidx(index)?;
        let sidx = parse_sidx(index.get(at..end).unwrap_or_default())?;
        if sidx.timescale == 0 {
            return Err(DemuxError::Malformed("sidx timescale 0"));
        }
        if sidx.references.iter().any(|r| r.references_index) {
            return Err(DemuxError::Unsupported("hierarchical sidx"));
        }
        let base = self.addressing.base();
        let offset_us = Ticks::new(base.presentation_time_offset as i64, base.timescale)
            .to_micros()
            .0;
        let mut out = Vec::new();
        out.try_reserve_exact(sidx.references.len())
            .map_err(|_| DemuxError::TooLarge("sidx references"))?;
        let anchor = index_offset.saturating_add(end as u64);
        for (i, sub) in sidx.subsegments(anchor).enumerate() {
            let time = i64::try_from(sub.start).unwrap_or(i64::MAX);
            let since = Ticks::new(time, sidx.timescale).to_micros().0;
            out.push(Segment {
                number: i as u64 + 1,
                time: Ticks::new(time, sidx.timescale),
                duration: Ticks::new(i64::from(sub.duration), sidx.timescale),
                start: Micros(
                    self.timing
                        .period_start
                        .0
                        .saturating_add(since.saturating_sub(offset_us)),
                ),
                url: String::from(&*self.base_url),
                range: Some(sub.range),
            });
        }
        Ok(out)
    }
}

/// The start and end of the first top-level `sidx` box in `bytes`.
fn find_sidx(bytes: &[u8]) -> Result<(usize, usize), DemuxError> {
    let mut at = 0usize;
    loop {
        let window = bytes.get(at..).unwrap_or_default();
        let header =
            BoxHeader::parse(window)?.ok_or(DemuxError::Malformed("no sidx in the index range"))?;
        let size = header
            .size
            .and_then(|s| usize::try_from(s).ok())
            .unwrap_or(window.len());
        let end = at
            .checked_add(size)
            .filter(|&e| e <= bytes.len() && size >= usize::from(header.header_len))
            .ok_or(DemuxError::Malformed("box beyond the index range"))?;
        if header.kind == FourCc::new(b"sidx") {
            return Ok((at, end));
        }
        at = end;
    }
}
