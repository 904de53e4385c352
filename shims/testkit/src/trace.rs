//! Bandwidth traces: piecewise-constant link throughput over virtual time.
//!
//! A [`Trace`] is a list of samples `(offset from the trace start in µs, bytes per
//! second)`; each holds until the next one. A trace either holds its last sample for
//! ever ([`Trace::constant`], [`Trace::steps`]) or repeats with a period
//! ([`Trace::repeating`], and every trace read from a file by [`Trace::parse_mbps`]),
//! as the ABR literature replays measured traces (Pensieve, SIGCOMM 2017: "the trace
//! wraps around when it ends"). It is anchored at a virtual time
//! ([`Trace::anchored`]); by default at [`crate::START_US`], where the test device's
//! clock starts.

use std::fmt;

use crate::port::START_US;

/// A piecewise-constant bandwidth trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// `(offset_us, bytes_per_sec)`, offsets strictly increasing from 0.
    samples: Vec<(i64, u64)>,
    /// The trace repeats every `period_us`; `None`: the last sample holds for ever.
    period_us: Option<i64>,
    /// Virtual time of offset 0.
    start_us: i64,
}

/// Why a trace could not be built or read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceError {
    /// The 1-based line of the text, or 0 for a trace built in code.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => write!(f, "bad trace: {}", self.message),
            line => write!(f, "bad trace, line {line}: {}", self.message),
        }
    }
}

impl std::error::Error for TraceError {}

fn error(line: usize, message: impl Into<String>) -> TraceError {
    TraceError {
        line,
        message: message.into(),
    }
}

impl Trace {
    /// A link of constant throughput.
    pub fn constant(bytes_per_sec: u64) -> Self {
        Self {
            samples: vec![(0, bytes_per_sec)],
            period_us: None,
            start_us: START_US,
        }
    }

    /// Steps `(offset_us, bytes_per_sec)`; the last one holds for ever (see
    /// [`Trace::repeating`] to loop them).
    ///
    /// # Errors
    /// When there is no step, the first offset is not 0, or offsets do not increase.
    pub fn steps(steps: &[(i64, u64)]) -> Result<Self, TraceError> {
        match steps.first() {
            None => return Err(error(0, "no sample")),
            Some(&(offset, _)) if offset != 0 => {
                return Err(error(0, "the first sample must be at offset 0"))
            }
            Some(_) => {}
        }
        if steps.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(error(0, "offsets must increase"));
        }
        Ok(Self {
            samples: steps.to_vec(),
            period_us: None,
            start_us: START_US,
        })
    }

    /// The same samples, repeated every `period_us`.
    ///
    /// # Errors
    /// When the period does not extend past the last sample's offset.
    pub fn repeating(mut self, period_us: i64) -> Result<Self, TraceError> {
        let last = self.samples.last().map_or(0, |s| s.0);
        if period_us <= last {
            return Err(error(0, "the period must end after the last sample"));
        }
        self.period_us = Some(period_us);
        Ok(self)
    }

    /// The same trace with offset 0 at virtual time `start_us`.
    pub fn anchored(mut self, start_us: i64) -> Self {
        self.start_us = start_us;
        self
    }

    /// Reads the `time_seconds throughput_Mbit_per_second` lines of the measured
    /// traces (HSDPA and FCC sets as the ABR literature pre-processes them): tab or
    /// spaces between the fields, times starting anywhere (shifted to 0), blank lines
    /// and `#` comments ignored. Throughput is multiplied by `scale` (e.g. 0.95, the
    /// share of a trace the published simulations grant a player). The trace repeats:
    /// its last sample lasts as long as the interval before it (one sample: constant).
    ///
    /// # Errors
    /// A [`TraceError`] naming the first bad line: not two numbers, a negative or
    /// non-finite value, a time not after the previous one; or no sample at all.
    pub fn parse_mbps(text: &str, scale: f64) -> Result<Self, TraceError> {
        if !(scale.is_finite() && scale >= 0.0) {
            return Err(error(
                0,
                format!("scale {scale} is not a finite non-negative number"),
            ));
        }
        let mut samples: Vec<(i64, u64)> = Vec::new();
        let mut first_time = None;
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let content = raw.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let mut fields = content.split_whitespace();
            let (Some(time), Some(mbps), None) = (fields.next(), fields.next(), fields.next())
            else {
                return Err(error(
                    line,
                    format!("expected `seconds Mbit/s`, got {raw:?}"),
                ));
            };
            let number = |field: &str, what: &str| -> Result<f64, TraceError> {
                match field.parse::<f64>() {
                    Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
                    _ => Err(error(
                        line,
                        format!("{what} {field:?} is not a non-negative number"),
                    )),
                }
            };
            let seconds = number(time, "time")?;
            let mbps = number(mbps, "throughput")?;
            let start = *first_time.get_or_insert(seconds);
            let offset_us = ((seconds - start) * 1e6).round();
            if offset_us > 1e15 {
                return Err(error(line, "time too large"));
            }
            let offset_us = offset_us as i64;
            let bytes_per_sec = (mbps * 1e6 / 8.0 * scale).round();
            if bytes_per_sec > 1e15 {
                return Err(error(line, "throughput too large"));
            }
            if samples.last().is_some_and(|&(last, _)| offset_us <= last) {
                return Err(error(line, "time does not increase"));
            }
            samples.push((offset_us, bytes_per_sec as u64));
        }
        let period_us = match samples.as_slice() {
            [] => return Err(error(0, "no sample")),
            [_] => None,
            [.., (a, _), (b, _)] => Some(b + (b - a)),
        };
        Ok(Self {
            samples,
            period_us,
            start_us: START_US,
        })
    }

    /// Virtual time of offset 0.
    pub fn start_us(&self) -> i64 {
        self.start_us
    }

    /// The repetition period, if the trace repeats.
    pub fn period_us(&self) -> Option<i64> {
        self.period_us
    }

    /// The samples, `(offset_us, bytes_per_sec)`.
    pub fn samples(&self) -> &[(i64, u64)] {
        &self.samples
    }

    /// The throughput at virtual time `now` and the next virtual time it may change
    /// (`i64::MAX` if never). Before the anchor the first sample applies.
    pub fn at(&self, now: i64) -> (u64, i64) {
        let first = self.samples.first().map_or(0, |s| s.1);
        let offset = now.saturating_sub(self.start_us);
        if offset < 0 {
            return (first, self.start_us);
        }
        let (position, cycle_start) = match self.period_us {
            Some(period) => {
                let position = offset.rem_euclid(period);
                (position, now - position)
            }
            None => (offset, self.start_us),
        };
        // The last sample whose offset is <= position (the first is at 0).
        let index = self
            .samples
            .partition_point(|&(o, _)| o <= position)
            .saturating_sub(1);
        let rate = self.samples.get(index).map_or(first, |s| s.1);
        let next = match (self.samples.get(index + 1), self.period_us) {
            (Some(&(o, _)), _) => cycle_start.saturating_add(o),
            (None, Some(period)) => cycle_start.saturating_add(period),
            (None, None) => i64::MAX,
        };
        (rate, next)
    }
}
