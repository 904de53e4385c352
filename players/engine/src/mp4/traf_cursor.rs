//! Reading a track fragment's samples (ISO/IEC 14496-12 §8.8.8) from a checked
//! `moof` ([`MoofIndex`]): one run after another, each field from the run's entry or
//! the fragment defaults, the data offset advancing by each size, and the sample's
//! encryption entry (IV, subsamples) walked alongside.

use core::ops::Range;

use super::fragment::{
    offset_in, MoofIndex, Trun, SAMPLE_CTO, SAMPLE_DURATION, SAMPLE_FLAGS, SAMPLE_SIZE,
};
use super::reader::Reader;
use super::senc;

/// A sync sample per its flags (§8.8.3.1): not `sample_is_non_sync_sample` and not
/// `sample_depends_on` = 1 (depends on others).
pub(crate) fn is_sync(flags: u32) -> bool {
    (flags >> 16) & 1 == 0 && (flags >> 24) & 3 != 1
}

/// One sample of a track fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FragmentSample {
    pub offset: u64,
    pub size: u32,
    pub duration: u32,
    /// Decode time, media timeline.
    pub dts: i64,
    pub cts_offset: i32,
    pub keyframe: bool,
    /// The IV and subsample map, as ranges of the moof payload.
    pub encryption: Option<(Range<usize>, Range<usize>)>,
}

/// Reads one traf's samples from the moof, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TrafCursor {
    pub traf: usize,
    trun: usize,
    in_trun: u32,
    offset: u64,
    dts: i64,
    sample: u32,
    enc_pos: usize,
}

impl TrafCursor {
    pub(crate) fn new(index: &MoofIndex, traf: usize) -> Self {
        let t = index.trafs.get(traf);
        let trun = t.map_or(0, |t| t.truns.start);
        Self {
            traf,
            trun,
            in_trun: 0,
            offset: index.truns.get(trun).map_or(0, |t| t.data_start),
            dts: t.map_or(0, |t| t.decode_time),
            sample: 0,
            enc_pos: t
                .and_then(|t| t.encryption.as_ref())
                .map_or(0, |e| e.range.start),
        }
    }

    /// The next sample.
    pub(crate) fn next(&mut self, index: &MoofIndex, moof: &[u8]) -> Option<FragmentSample> {
        let traf = index.trafs.get(self.traf)?;
        let trun = loop {
            if self.trun >= traf.truns.end {
                return None;
            }
            let trun = index.truns.get(self.trun)?;
            if self.in_trun < trun.count {
                break trun;
            }
            self.trun += 1;
            self.in_trun = 0;
            self.offset = index
                .truns
                .get(self.trun)
                .map_or(self.offset, |t| t.data_start);
        };
        let len = Trun::entry_len(trun.flags);
        let at = trun.entries.start + self.in_trun as usize * len;
        let mut r = Reader::new(moof.get(at..at + len).unwrap_or(&[]));
        let d = &traf.defaults;
        let mut field = |bit: u32, default: u32| {
            if trun.flags & bit != 0 {
                r.u32().unwrap_or(0)
            } else {
                default
            }
        };
        let duration = field(SAMPLE_DURATION, d.duration);
        let size = field(SAMPLE_SIZE, d.size);
        let default_flags = match trun.first_flags {
            Some(f) if self.in_trun == 0 => f,
            _ => d.flags,
        };
        let flags = field(SAMPLE_FLAGS, default_flags);
        let cts_offset = field(SAMPLE_CTO, 0) as i32;
        let encryption = match &traf.encryption {
            Some(e) if self.sample < e.count => {
                let mut r = Reader::new(moof.get(self.enc_pos..e.range.end).unwrap_or(&[]));
                let (iv, map) = senc::entry(&mut r, e.iv_size, e.subsamples).ok()?;
                let iv_at = offset_in(moof, iv);
                let map_at = offset_in(moof, map);
                self.enc_pos += e.range.end.saturating_sub(self.enc_pos) - r.remaining();
                Some((iv_at..iv_at + iv.len(), map_at..map_at + map.len()))
            }
            _ => None,
        };
        let sample = FragmentSample {
            offset: self.offset,
            size,
            duration,
            dts: self.dts,
            cts_offset,
            keyframe: is_sync(flags),
            encryption,
        };
        self.in_trun += 1;
        self.sample += 1;
        self.offset = self.offset.saturating_add(u64::from(size));
        self.dts = self.dts.saturating_add(i64::from(duration));
        Some(sample)
    }
}
