//! Walking a sample table (ISO/IEC 14496-12 §8.6–§8.7) lazily: decode times from the
//! `stts` runs, composition offsets from `ctts`, file offsets from `stsc` + `stco`
//! and the sizes, sync samples from `stss`. The cursor holds a few indexes, whatever
//! the track's length, and can start at any sample by skipping whole runs.

use super::stbl::{SampleSizes, SampleTable};

/// One sample located by its track's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// 0-based number of the sample in its track (decode order).
    pub index: u32,
    /// Absolute file offset of its first byte.
    pub offset: u64,
    /// Its size in bytes.
    pub size: u32,
    /// Decode time in the media timeline (before the edit list), track timescale.
    pub dts: i64,
    /// Composition offset: `pts = dts + cts_offset` (§8.6.1.3).
    pub cts_offset: i32,
    /// Its duration (`stts` delta).
    pub duration: u32,
    /// A sync sample (`stss`; every sample when the table has none).
    pub keyframe: bool,
}

/// A lazy iterator over a table's samples, in decode order. It ends early at a
/// sample reaching past the end of the file (when the file size is known).
#[derive(Clone, Debug)]
pub struct Samples<'a> {
    table: &'a SampleTable,
    sample: u32,
    dts: i64,
    stts_i: usize,
    stts_left: u32,
    ctts_i: usize,
    ctts_left: u32,
    stsc_i: usize,
    next_chunk: usize,
    chunk_left: u32,
    offset: u64,
}

impl SampleSizes {
    /// The total size of samples `from..to`, without walking past the table (a
    /// constant size is multiplied).
    fn sum(&self, from: u32, to: u32) -> u64 {
        match self {
            SampleSizes::Constant(s) => u64::from(to.saturating_sub(from)) * u64::from(*s),
            SampleSizes::U4(v) => sum_table(from, to, v.len() * 2, |i| self.get(i)),
            SampleSizes::U8(v) => sum_table(from, to, v.len(), |i| self.get(i)),
            SampleSizes::U16(v) => sum_table(from, to, v.len(), |i| self.get(i)),
            SampleSizes::U32(v) => sum_table(from, to, v.len(), |i| self.get(i)),
            SampleSizes::None => 0,
        }
    }
}

fn sum_table(from: u32, to: u32, len: usize, get: impl Fn(u32) -> u32) -> u64 {
    let to = to.min(u32::try_from(len).unwrap_or(u32::MAX));
    (from..to).map(|i| u64::from(get(i))).sum()
}

impl<'a> Samples<'a> {
    /// From the first sample.
    pub(crate) fn new(table: &'a SampleTable) -> Self {
        Self {
            table,
            sample: 0,
            dts: 0,
            stts_i: 0,
            stts_left: table.stts.first().map_or(0, |e| e.0),
            ctts_i: 0,
            ctts_left: table.ctts.first().map_or(0, |e| e.0),
            stsc_i: 0,
            next_chunk: 0,
            chunk_left: 0,
            offset: 0,
        }
    }

    /// From sample `index` (0-based), skipping whole runs of every table.
    pub(crate) fn at(table: &'a SampleTable, index: u32) -> Self {
        let mut c = Self::new(table);
        c.sample = index;
        // stts: decode times.
        let mut left = index;
        c.stts_left = 0;
        c.stts_i = table.stts.len();
        for (i, &(n, delta)) in table.stts.iter().enumerate() {
            let step = left.min(n);
            c.dts = c.dts.saturating_add(i64::from(step) * i64::from(delta));
            left -= step;
            if left == 0 && step < n {
                (c.stts_i, c.stts_left) = (i, n - step);
                break;
            }
        }
        // ctts: composition offsets.
        let mut left = index;
        c.ctts_left = 0;
        c.ctts_i = table.ctts.len();
        for (i, &(n, _)) in table.ctts.iter().enumerate() {
            if left < n {
                (c.ctts_i, c.ctts_left) = (i, n - left);
                break;
            }
            left -= n;
        }
        // stsc + stco: the chunk holding the sample and its place in it.
        let mut left = u64::from(index);
        let chunks = table.chunks.len();
        c.next_chunk = chunks;
        for (i, &(first, per_chunk)) in table.stsc.iter().enumerate() {
            let start = (first as usize).saturating_sub(1).min(chunks);
            let end = table
                .stsc
                .get(i + 1)
                .map_or(chunks, |&(f, _)| (f as usize).saturating_sub(1).min(chunks));
            let in_run = (end.saturating_sub(start) as u64) * u64::from(per_chunk);
            if left < in_run {
                let chunk = start + (left / u64::from(per_chunk)) as usize;
                let within = (left % u64::from(per_chunk)) as u32;
                let base = table.chunks.get(chunk).unwrap_or(0);
                c.offset = base.saturating_add(table.sizes.sum(index - within, index));
                c.chunk_left = per_chunk - within;
                c.next_chunk = chunk + 1;
                c.stsc_i = i;
                break;
            }
            left -= in_run;
        }
        c
    }

    /// Moves to the next chunk that holds samples; false when there is none.
    fn next_chunk_with_samples(&mut self) -> bool {
        let t = self.table;
        while self.chunk_left == 0 {
            let Some(offset) = t.chunks.get(self.next_chunk) else {
                return false;
            };
            while t
                .stsc
                .get(self.stsc_i + 1)
                .is_some_and(|&(f, _)| (f as usize).saturating_sub(1) <= self.next_chunk)
            {
                self.stsc_i += 1;
            }
            self.chunk_left = match t.stsc.get(self.stsc_i) {
                Some(&(f, n)) if (f as usize).saturating_sub(1) <= self.next_chunk => n,
                _ => 0,
            };
            self.offset = offset;
            self.next_chunk += 1;
        }
        true
    }
}

impl Iterator for Samples<'_> {
    type Item = Sample;

    fn next(&mut self) -> Option<Sample> {
        let t = self.table;
        if self.sample >= t.sample_count {
            return None;
        }
        while self.stts_left == 0 {
            self.stts_i += 1;
            self.stts_left = t.stts.get(self.stts_i)?.0;
        }
        let duration = t.stts.get(self.stts_i)?.1;
        let cts_offset = loop {
            match t.ctts.get(self.ctts_i) {
                None => break 0,
                Some(_) if self.ctts_left == 0 => {
                    self.ctts_i += 1;
                    self.ctts_left = t.ctts.get(self.ctts_i).map_or(0, |e| e.0);
                }
                Some(&(_, o)) => {
                    self.ctts_left -= 1;
                    break o;
                }
            }
        };
        if !self.next_chunk_with_samples() {
            return None;
        }
        let index = self.sample;
        let size = t.sizes.get(index);
        if self.offset.saturating_add(u64::from(size)) > t.data_end {
            return None;
        }
        let keyframe = match &t.stss {
            None => true,
            Some(s) => s.binary_search(&(index + 1)).is_ok(),
        };
        let sample = Sample {
            index,
            offset: self.offset,
            size,
            dts: self.dts,
            cts_offset,
            duration,
            keyframe,
        };
        self.stts_left -= 1;
        self.chunk_left -= 1;
        self.offset = self.offset.saturating_add(u64::from(size));
        self.dts = self.dts.saturating_add(i64::from(duration));
        self.sample += 1;
        Some(sample)
    }
}

/// The last sync sample whose presentation time (`dts + cts_offset`, media
/// timeline) is at or before `time`, or the first sync sample when all are later.
/// Walks the run tables once: O(entries), not O(samples).
pub(crate) fn sync_sample_at_or_before(table: &SampleTable, time: i64) -> Option<u32> {
    if table.sample_count == 0 {
        return None;
    }
    // The decode time of sample `index` and its composition offset, by runs.
    let mut stts = (0usize, 0u32, 0i64); // (run, first sample of run, dts at it)
    let mut ctts = (0usize, 0u32); // (run, first sample of run)
    let mut pts_of = |index: u32| -> Option<i64> {
        loop {
            let &(n, delta) = table.stts.get(stts.0)?;
            if index < stts.1.saturating_add(n) {
                let dts = stts
                    .2
                    .saturating_add(i64::from(index - stts.1) * i64::from(delta));
                let cts = loop {
                    match table.ctts.get(ctts.0) {
                        Some(&(n, o)) if index < ctts.1.saturating_add(n) => break i64::from(o),
                        Some(&(n, _)) => {
                            ctts = (ctts.0 + 1, ctts.1.saturating_add(n));
                        }
                        None => break 0,
                    }
                };
                return Some(dts.saturating_add(cts));
            }
            stts = (
                stts.0 + 1,
                stts.1.saturating_add(n),
                stts.2.saturating_add(i64::from(n) * i64::from(delta)),
            );
        }
    };
    let mut best = None;
    match &table.stss {
        Some(sync) => {
            for &number in sync {
                let Some(index) = number.checked_sub(1).filter(|&i| i < table.sample_count) else {
                    continue;
                };
                let Some(pts) = pts_of(index) else { break };
                if pts <= time || best.is_none() {
                    best = Some(index);
                }
                if pts > time {
                    break;
                }
            }
        }
        None => return Some(sample_at_or_before(table, time)),
    }
    best
}

/// For a table without `stss` (every sample a sync sample): the last sample whose
/// decode time is at or before `time`, found from the `stts` runs.
fn sample_at_or_before(table: &SampleTable, time: i64) -> u32 {
    let last = table.sample_count.saturating_sub(1);
    let (mut start, mut dts) = (0u32, 0i64);
    for &(n, delta) in &table.stts {
        let end = dts.saturating_add(i64::from(n) * i64::from(delta));
        if time < end && delta > 0 && n > 0 {
            let k = (time.saturating_sub(dts).max(0) / i64::from(delta)) as u32;
            return start.saturating_add(k.min(n - 1)).min(last);
        }
        (start, dts) = (start.saturating_add(n), end);
    }
    last.min(start.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mp4::stbl::ChunkOffsets;
    use alloc::vec;
    use alloc::vec::Vec;

    /// 10 samples: chunks of 3, 3, then 1 (stsc runs), sizes 1..=10, two stts runs,
    /// ctts in runs, sync samples 1 and 7.
    fn table() -> SampleTable {
        SampleTable {
            sample_count: 10,
            stts: vec![(6, 10), (4, 20)],
            ctts: vec![(2, 5), (3, -5), (5, 0)],
            stsc: vec![(1, 3), (3, 1)],
            stss: Some(vec![1, 7]),
            sizes: SampleSizes::U32((1..=10).collect()),
            chunks: ChunkOffsets::U32(vec![100, 200, 300, 400, 500, 600]),
            data_end: u64::MAX,
        }
    }

    #[test]
    fn samples_follow_chunks_runs_and_sizes() {
        let t = table();
        let s: Vec<Sample> = Samples::new(&t).collect();
        let offsets: Vec<u64> = s.iter().map(|s| s.offset).collect();
        assert_eq!(offsets, [100, 101, 103, 200, 204, 209, 300, 400, 500, 600]);
        let dts: Vec<i64> = s.iter().map(|s| s.dts).collect();
        assert_eq!(dts, [0, 10, 20, 30, 40, 50, 60, 80, 100, 120]);
        let cts: Vec<i32> = s.iter().map(|s| s.cts_offset).collect();
        assert_eq!(cts, [5, 5, -5, -5, -5, 0, 0, 0, 0, 0]);
        let keys: Vec<u32> = s.iter().filter(|s| s.keyframe).map(|s| s.index).collect();
        assert_eq!(keys, [0, 6]);
    }

    #[test]
    fn starting_anywhere_equals_walking_there() {
        let t = table();
        let all: Vec<Sample> = Samples::new(&t).collect();
        for i in 0..=11 {
            let from: Vec<Sample> = Samples::at(&t, i).collect();
            assert_eq!(from, all.get(i as usize..).unwrap_or(&[]), "from {i}");
        }
    }

    #[test]
    fn sync_sample_search_uses_presentation_times() {
        let t = table();
        assert_eq!(sync_sample_at_or_before(&t, 59), Some(0));
        assert_eq!(sync_sample_at_or_before(&t, 60), Some(6));
        assert_eq!(
            sync_sample_at_or_before(&t, -10),
            Some(0),
            "before the first"
        );
        let all_sync = SampleTable {
            stss: None,
            ..table()
        };
        assert_eq!(sync_sample_at_or_before(&all_sync, 85), Some(7));
        assert_eq!(sync_sample_at_or_before(&all_sync, 10_000), Some(9));
        assert_eq!(sync_sample_at_or_before(&SampleTable::default(), 0), None);
    }

    #[test]
    fn a_sample_past_the_file_end_ends_the_walk() {
        let t = SampleTable {
            data_end: 209,
            ..table()
        };
        assert_eq!(Samples::new(&t).count(), 5);
    }
}
