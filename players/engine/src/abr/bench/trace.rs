//! Throughput traces and the video's chunk table, parsed from text.

use alloc::vec::Vec;

use super::{BenchError, CANONICAL_LADDER_BPS};

/// A throughput trace: sample times (seconds, non-decreasing) and rates (Mbit/s).
/// Sample `i` holds over `[t_i, t_(i+1))`; the period is `t_last - t_0`.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    times_s: Vec<f64>,
    mbps: Vec<f64>,
}

impl Trace {
    /// Parses `time_seconds throughput_mbit_per_second` lines (tab or spaces; blank
    /// lines skipped). Needs a period that moves bytes.
    pub fn parse(text: &str) -> Result<Self, BenchError> {
        let mut samples = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let mut fields = line.split_whitespace();
            let Some(t) = fields.next() else { continue };
            let parsed = (t.parse::<f64>(), fields.next().map(str::parse::<f64>));
            let (Ok(t), Some(Ok(v))) = parsed else {
                return Err(BenchError::BadTraceLine(n + 1));
            };
            samples.push((t, v));
            if fields.next().is_some() {
                return Err(BenchError::BadTraceLine(n + 1));
            }
        }
        Self::from_samples(&samples)
    }

    /// A trace from `(time_s, mbps)` samples (line numbers in errors count from 1).
    pub fn from_samples(samples: &[(f64, f64)]) -> Result<Self, BenchError> {
        let mut times_s = Vec::with_capacity(samples.len());
        let mut mbps = Vec::with_capacity(samples.len());
        for (n, &(t, v)) in samples.iter().enumerate() {
            if !t.is_finite() || !v.is_finite() || v < 0.0 {
                return Err(BenchError::BadTraceLine(n + 1));
            }
            if times_s.last().is_some_and(|&last| t < last) {
                return Err(BenchError::TimeGoesBack(n + 1));
            }
            times_s.push(t);
            mbps.push(v);
        }
        let trace = Self { times_s, mbps };
        let moves = (0..trace.segments()).any(|i| trace.len_s(i) > 0.0 && trace.rate(i) > 0.0);
        if moves {
            Ok(trace)
        } else {
            Err(BenchError::NoThroughput)
        }
    }

    /// A constant `mbps` trace with period `period_s` (> 0).
    pub fn constant(mbps: f64, period_s: f64) -> Result<Self, BenchError> {
        Self::from_samples(&[(0.0, mbps), (period_s, mbps)])
    }

    /// Mean throughput over the period, Mbit/s.
    pub fn mean_mbps(&self) -> f64 {
        let period: f64 = (0..self.segments()).map(|i| self.len_s(i)).sum();
        let mbit: f64 = (0..self.segments())
            .map(|i| self.len_s(i) * self.rate(i))
            .sum();
        if period > 0.0 {
            mbit / period
        } else {
            0.0
        }
    }

    fn segments(&self) -> usize {
        self.times_s.len().saturating_sub(1)
    }

    fn len_s(&self, i: usize) -> f64 {
        match (self.times_s.get(i), self.times_s.get(i + 1)) {
            (Some(a), Some(b)) => b - a,
            _ => 0.0,
        }
    }

    fn rate(&self, i: usize) -> f64 {
        self.mbps.get(i).copied().unwrap_or(0.0)
    }

    pub(crate) fn cursor(&self) -> Cursor {
        Cursor {
            segment: 0,
            into_s: 0.0,
        }
    }
}

/// A position in a trace: a segment and the seconds spent in it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cursor {
    segment: usize,
    into_s: f64,
}

impl Cursor {
    fn next(&mut self, trace: &Trace) {
        self.segment += 1;
        if self.segment >= trace.segments() {
            self.segment = 0;
        }
        self.into_s = 0.0;
    }

    /// Moves `bytes` at `fraction` of the trace's rate; returns the seconds taken.
    /// Terminates: a validated trace moves bytes in every period.
    pub(crate) fn transfer(
        &mut self,
        trace: &Trace,
        bytes: f64,
        fraction: f64,
    ) -> Result<f64, BenchError> {
        if fraction.is_nan() || fraction <= 0.0 {
            return Err(BenchError::NoThroughput);
        }
        let mut remaining = bytes;
        let mut elapsed = 0.0;
        while remaining > 0.0 {
            let left = (trace.len_s(self.segment) - self.into_s).max(0.0);
            let bytes_per_s = trace.rate(self.segment) * 1e6 / 8.0 * fraction;
            if bytes_per_s > 0.0 && bytes_per_s * left >= remaining {
                let dt = remaining / bytes_per_s;
                self.into_s += dt;
                return Ok(elapsed + dt);
            }
            remaining -= bytes_per_s * left;
            elapsed += left;
            self.next(trace);
        }
        Ok(elapsed)
    }

    /// Lets `seconds` of trace pass.
    pub(crate) fn wait(&mut self, trace: &Trace, seconds: f64) {
        let mut remaining = seconds;
        // Bounded: each turn ends a segment or returns, and a validated trace has a
        // positive period.
        while remaining > 0.0 {
            let left = (trace.len_s(self.segment) - self.into_s).max(0.0);
            if left > remaining {
                self.into_s += remaining;
                return;
            }
            remaining -= left;
            self.next(trace);
        }
    }
}

/// The video: ladder, chunk duration, and each chunk's size at each rung.
#[derive(Clone, Debug, PartialEq)]
pub struct Video {
    bitrates_bps: Vec<u32>,
    chunk_s: f64,
    /// `bytes[chunk][rung]`.
    bytes: Vec<Vec<u64>>,
}

impl Video {
    /// A video from its ladder, chunk duration and `bytes[chunk][rung]` table; every
    /// row must have one size per rung.
    pub fn new(
        bitrates_bps: &[u32],
        chunk_s: f64,
        bytes: Vec<Vec<u64>>,
    ) -> Result<Self, BenchError> {
        let ok = !bitrates_bps.is_empty()
            && !bytes.is_empty()
            && chunk_s > 0.0
            && chunk_s.is_finite()
            && bytes.iter().all(|row| row.len() == bitrates_bps.len());
        if !ok {
            return Err(BenchError::BadVideo);
        }
        Ok(Self {
            bitrates_bps: bitrates_bps.to_vec(),
            chunk_s,
            bytes,
        })
    }

    /// The canonical video from `envivio_chunk_sizes.csv` (`chunk,bytes_300kbps,…`
    /// with a header line): 4 s chunks on [`CANONICAL_LADDER_BPS`].
    pub fn parse_csv(text: &str) -> Result<Self, BenchError> {
        let mut rows = Vec::new();
        for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let row: Result<Vec<u64>, _> = line
                .split(',')
                .skip(1)
                .map(|f| f.trim().parse::<u64>())
                .collect();
            rows.push(row.map_err(|_| BenchError::BadVideo)?);
        }
        Self::new(&CANONICAL_LADDER_BPS, 4.0, rows)
    }

    /// Number of rungs.
    pub fn rungs(&self) -> usize {
        self.bitrates_bps.len()
    }

    /// Number of chunks.
    pub fn chunks(&self) -> usize {
        self.bytes.len()
    }

    /// Chunk duration, seconds.
    pub fn chunk_s(&self) -> f64 {
        self.chunk_s
    }

    /// The ladder, bits per second.
    pub fn bitrates_bps(&self) -> &[u32] {
        &self.bitrates_bps
    }

    /// A rung's bitrate in Mbit/s (0 outside the ladder).
    pub fn mbps(&self, rung: usize) -> f64 {
        self.bitrates_bps
            .get(rung)
            .map_or(0.0, |&b| f64::from(b) / 1e6)
    }

    /// Size of `chunk` at `rung`.
    pub fn bytes(&self, chunk: usize, rung: usize) -> Option<u64> {
        self.bytes.get(chunk)?.get(rung).copied()
    }
}
