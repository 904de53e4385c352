//! # The canonical ABR benchmark: a chunk-level simulator
//!
//! The rules are those of the published ABR evaluations (MPC, SIGCOMM 2015;
//! Pensieve, SIGCOMM 2017) so figures compare with them (`docs/qoe.md`):
//!
//! * a chunk's download takes the time to move its bytes through the throughput
//!   trace at [`Rules::payload_fraction`] (95%) of the trace's rate, plus one round
//!   trip ([`Rules::rtt_s`], 80 ms) per request; as in the reference simulator, the
//!   round trip does not advance the trace;
//! * the buffer drains in real time while downloading and gains one chunk duration
//!   (4 s) when a chunk arrives; time with an empty buffer is rebuffering;
//! * above [`Rules::buffer_cap_s`] (60 s) the player waits until the buffer is back
//!   at the cap (the trace advances while it waits);
//! * the first chunk is fetched at the lowest rung without asking the algorithm, and
//!   its download (the start-up delay) counts as rebuffering;
//! * the trace is piecewise constant, each sample holding until the next one's time;
//!   it starts at its first sample and wraps from its last sample's time back to the
//!   first (so the last sample only closes the period).
//!
//! The score is `QoE_lin = Σ R_n - 4.3 · Σ rebuffer_s - Σ |R_(n+1) - R_n|`, `R` in
//! Mbit/s ([`Session::qoe_lin`]).
//!
//! No file I/O here: [`Trace::parse`] and [`Video::parse_csv`] take the text.

use alloc::vec::Vec;
use core::fmt;

mod mpc;
mod optimum;
mod rules;
mod trace;

pub use mpc::RobustMpc;
pub use optimum::OfflineOptimum;
pub use rules::{Bba, BolaBasic, ThroughputRule, WaspAbr};
pub use trace::{Trace, Video};

/// The canonical ladder, bits per second (the Envivio test video's six rungs).
pub const CANONICAL_LADDER_BPS: [u32; 6] =
    [300_000, 750_000, 1_200_000, 1_850_000, 2_850_000, 4_300_000];

/// Rebuffer penalty of `QoE_lin`, per second of stall: the top bitrate in Mbit/s, the
/// value the literature uses with this ladder, so a second of stall costs as much as
/// one chunk at the top bitrate earns.
pub const REBUFFER_PENALTY: f64 = 4.3;

/// What went wrong building or running a simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchError {
    /// A trace line is not two numbers, or a number is negative or not finite.
    BadTraceLine(usize),
    /// Trace times go backwards at this line.
    TimeGoesBack(usize),
    /// The trace moves no bytes in a period (too short or all zero).
    NoThroughput,
    /// The chunk table is empty, ragged, or does not match the ladder.
    BadVideo,
}

impl fmt::Display for BenchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadTraceLine(n) => write!(f, "trace line {n}: not `time throughput`"),
            Self::TimeGoesBack(n) => write!(f, "trace line {n}: time goes backwards"),
            Self::NoThroughput => write!(f, "the trace moves no bytes"),
            Self::BadVideo => write!(f, "the chunk table does not match the ladder"),
        }
    }
}

/// The simulation's constants; `Default` is the canonical benchmark.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rules {
    /// Share of the trace's throughput that carries payload: 0.95.
    pub payload_fraction: f64,
    /// Round trip added to each request, seconds: 0.08.
    pub rtt_s: f64,
    /// The player waits while the buffer is above this, seconds: 60.
    pub buffer_cap_s: f64,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            payload_fraction: 0.95,
            rtt_s: 0.08,
            buffer_cap_s: 60.0,
        }
    }
}

/// One downloaded chunk.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChunkRecord {
    /// Rung fetched.
    pub rung: usize,
    /// Its bitrate, Mbit/s.
    pub mbps: f64,
    /// Bytes fetched.
    pub bytes: u64,
    /// Request to last byte, round trip included, seconds.
    pub download_s: f64,
    /// Time the buffer was empty during this download, seconds.
    pub rebuffer_s: f64,
    /// Time waited after it because the buffer was above the cap, seconds.
    pub wait_s: f64,
    /// Buffer after the chunk arrived and after any wait, seconds.
    pub buffer_s: f64,
}

/// What an algorithm sees before choosing chunk `chunk`.
#[derive(Clone, Copy, Debug)]
pub struct Observation<'a> {
    /// Index of the chunk to choose a rung for (>= 1: chunk 0 is always the lowest).
    pub chunk: usize,
    /// Buffer now, seconds.
    pub buffer_s: f64,
    /// Every chunk downloaded so far, in order.
    pub history: &'a [ChunkRecord],
    /// The video (ladder, chunk sizes, chunk duration).
    pub video: &'a Video,
}

/// An ABR algorithm under test. A fresh value runs each session.
pub trait Algorithm {
    /// Short name for tables.
    fn name(&self) -> &'static str;
    /// The rung for `obs.chunk`; out-of-range answers are clamped to the top rung.
    fn choose(&mut self, obs: &Observation<'_>) -> usize;
}

/// The result of one session.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// Every chunk in order.
    pub chunks: Vec<ChunkRecord>,
}

impl Session {
    /// Total rebuffering (start-up delay included), seconds.
    pub fn rebuffer_s(&self) -> f64 {
        self.chunks.iter().map(|c| c.rebuffer_s).sum()
    }

    /// Mean bitrate over the chunks, Mbit/s.
    pub fn mean_mbps(&self) -> f64 {
        if self.chunks.is_empty() {
            return 0.0;
        }
        self.chunks.iter().map(|c| c.mbps).sum::<f64>() / self.chunks.len() as f64
    }

    /// Number of rung changes between consecutive chunks.
    pub fn switches(&self) -> usize {
        self.chunks
            .windows(2)
            .filter(|w| matches!(w, [a, b] if a.rung != b.rung))
            .count()
    }

    /// `Σ |R_(n+1) - R_n|`, Mbit/s.
    pub fn smoothness_mbps(&self) -> f64 {
        self.chunks
            .windows(2)
            .map(|w| match w {
                [a, b] => (b.mbps - a.mbps).abs(),
                _ => 0.0,
            })
            .sum()
    }

    /// `QoE_lin = Σ R_n - 4.3 · Σ rebuffer_s - Σ |R_(n+1) - R_n|`.
    pub fn qoe_lin(&self) -> f64 {
        let bitrate: f64 = self.chunks.iter().map(|c| c.mbps).sum();
        bitrate - REBUFFER_PENALTY * self.rebuffer_s() - self.smoothness_mbps()
    }

    /// Each chunk's share of `QoE_lin`: `R_n - 4.3 · rebuffer_n - |R_n - R_(n-1)|`
    /// (the first chunk has no switch term). They sum to [`qoe_lin`](Self::qoe_lin).
    pub fn qoe_per_chunk(&self) -> Vec<f64> {
        let mut last = None;
        self.chunks
            .iter()
            .map(|c| {
                let switch = last.map_or(0.0, |l: f64| (c.mbps - l).abs());
                last = Some(c.mbps);
                c.mbps - REBUFFER_PENALTY * c.rebuffer_s - switch
            })
            .collect()
    }
}

/// Runs `algorithm` over every chunk of `video` on `trace` under `rules`.
pub fn simulate(
    trace: &Trace,
    video: &Video,
    rules: &Rules,
    algorithm: &mut dyn Algorithm,
) -> Result<Session, BenchError> {
    let top = video.rungs().saturating_sub(1);
    let mut player = Player::new(trace);
    let mut chunks: Vec<ChunkRecord> = Vec::with_capacity(video.chunks());
    for chunk in 0..video.chunks() {
        let rung = if chunk == 0 {
            0
        } else {
            let obs = Observation {
                chunk,
                buffer_s: player.buffer_s,
                history: &chunks,
                video,
            };
            algorithm.choose(&obs).min(top)
        };
        chunks.push(player.fetch(trace, video, rules, chunk, rung)?);
    }
    Ok(Session { chunks })
}

/// The simulated player between two requests: where the trace is, what is buffered.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Player {
    cursor: trace::Cursor,
    buffer_s: f64,
}

impl Player {
    pub(crate) fn new(trace: &Trace) -> Self {
        Self {
            cursor: trace.cursor(),
            buffer_s: 0.0,
        }
    }

    pub(crate) fn buffer_s(&self) -> f64 {
        self.buffer_s
    }

    /// Downloads `chunk` at `rung` under the benchmark's rules.
    pub(crate) fn fetch(
        &mut self,
        trace: &Trace,
        video: &Video,
        rules: &Rules,
        chunk: usize,
        rung: usize,
    ) -> Result<ChunkRecord, BenchError> {
        let bytes = video.bytes(chunk, rung).ok_or(BenchError::BadVideo)?;
        let transfer_s = self
            .cursor
            .transfer(trace, bytes as f64, rules.payload_fraction)?;
        let download_s = transfer_s + rules.rtt_s;
        let rebuffer_s = (download_s - self.buffer_s).max(0.0);
        self.buffer_s = (self.buffer_s - download_s).max(0.0) + video.chunk_s();
        let wait_s = (self.buffer_s - rules.buffer_cap_s).max(0.0);
        if wait_s > 0.0 {
            self.cursor.wait(trace, wait_s);
            self.buffer_s -= wait_s;
        }
        Ok(ChunkRecord {
            rung,
            mbps: video.mbps(rung),
            bytes,
            download_s,
            rebuffer_s,
            wait_s,
            buffer_s: self.buffer_s,
        })
    }
}

/// Harmonic mean of the last `n` throughputs (bytes over download time, round trip
/// included, as the player measures), bits per second; `None` before any chunk.
pub(crate) fn harmonic_bps(history: &[ChunkRecord], n: usize) -> Option<f64> {
    let recent = history.get(history.len().saturating_sub(n)..)?;
    let mut inverse = 0.0;
    let mut count = 0usize;
    for c in recent {
        if c.bytes > 0 && c.download_s > 0.0 {
            inverse += c.download_s / (c.bytes as f64 * 8.0);
            count += 1;
        }
    }
    (count > 0 && inverse > 0.0).then(|| count as f64 / inverse)
}
