//! The scripted network: resources in memory, delivered over virtual time.
//!
//! Two delivery models:
//!
//! * **Per-transfer rate** (no [`Trace`] set, the default): every transfer receives
//!   [`Link::bytes_per_sec`] on its own after [`Link::latency_us`], `0` meaning
//!   unlimited. Simple and what most runtime tests want.
//! * **A shared, trace-driven link** ([`Network::set_trace`]): the trace's throughput is
//!   shared equally between the transfers receiving at the same moment (processor
//!   sharing, as TCP flows on one bottleneck converge to), integrated exactly between
//!   events: a transfer gets `rate / n` bytes per second while `n` transfers receive.
//!   Each transfer's credit is kept in units of `1 / (10^6 · 720720)` byte, 720720
//!   being the least common multiple of 1..=16, so shares among up to 16 transfers are
//!   exact over any run (beyond 16 a share rounds down by less than 10^-12 byte per
//!   event).
//!
//! Either way a request waits [`Link::latency_us`] (plus any
//! [`Fault::SlowFirstByte`]) for its first byte; outages ([`Link::up`],
//! [`Network::schedule_outage`]) fail open transfers with `Io`; every transfer is
//! logged ([`Network::log`]) and delivered bytes are counted
//! ([`Network::delivered_bytes`]). [`Network::next_event_us`] is the next time any of
//! this changes, so a driver can jump there.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use wasp_core::abi::fetch::{FetchInfo, FetchRequest, FetchState, Method, RANGE_TO_END};
use wasp_core::abi::Status;
use wasp_core::PortId;

pub use crate::trace::{Trace, TraceError};

/// A fault injected into the responses for one URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this HTTP status and no body.
    Http(u32),
    /// Deliver only this many body bytes, then fail with `Io`.
    Truncate(usize),
    /// Add this many microseconds before the first byte.
    SlowFirstByte(i64),
}

/// A body produced on demand, for resources too large to keep in memory (long
/// synthetic streams). It must be deterministic: the same offset always gives the same
/// bytes.
pub trait BodySource: fmt::Debug + Send + Sync {
    /// The body's length in bytes.
    fn len(&self) -> u64;

    /// Whether the body is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Host memory it holds, for budget checks (0 if unknown).
    fn heap_bytes(&self) -> usize {
        0
    }

    /// Writes the bytes at `offset..offset + out.len()` (the caller keeps the range
    /// inside the body).
    fn fill(&self, offset: u64, out: &mut [u8]);
}

/// A resource served at a URL.
#[derive(Clone, Debug, Default)]
pub struct Resource {
    /// The body (unless [`Resource::source`] is set).
    pub body: Vec<u8>,
    /// A body produced on demand; when set it replaces [`Resource::body`].
    pub source: Option<Arc<dyn BodySource>>,
    /// Response headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// The URL after redirects, when it differs.
    pub redirect: Option<String>,
    /// Injected faults, applied to every fetch of the URL.
    pub faults: Vec<Fault>,
    /// Faults applied to the next fetches only: `(fetches left, fault)`, see
    /// [`Resource::fail_times`].
    pub transient_faults: Vec<(u32, Fault)>,
}

impl Resource {
    /// Applies `fault` to the next `n` fetches of this URL only, so a retry after them
    /// succeeds.
    pub fn fail_times(&mut self, n: u32, fault: Fault) -> &mut Self {
        self.transient_faults.push((n, fault));
        self
    }

    /// The body's length.
    pub fn len(&self) -> u64 {
        match &self.source {
            Some(source) => source.len(),
            None => self.body.len() as u64,
        }
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Link behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    /// Time to the first byte of a response, µs.
    pub latency_us: i64,
    /// Bytes per second for each transfer, when no trace is set; 0 = unlimited
    /// (everything arrives with the first byte).
    pub bytes_per_sec: u64,
    /// When false, every open fetch fails with `Io` and new ones fail at once.
    pub up: bool,
}

impl Default for Link {
    fn default() -> Self {
        Self {
            latency_us: 1_000,
            bytes_per_sec: 0,
            up: true,
        }
    }
}

/// How a logged transfer ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Still open.
    Open,
    /// The whole body arrived.
    Done,
    /// It failed (`Io` for outages and truncation, `HttpError` for an HTTP error).
    Failed(Status),
    /// Closed by the module before it ended.
    Cancelled,
}

/// One transfer, as logged for assertions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferRecord {
    /// The port id the fetch had.
    pub id: PortId,
    /// The URL asked for.
    pub url: String,
    /// The requested range: first byte and last byte inclusive ([`RANGE_TO_END`]: to
    /// the end).
    pub range: (u64, u64),
    /// The HTTP status answered.
    pub status: u32,
    /// Virtual time of the request.
    pub start_us: i64,
    /// Virtual time of the first byte (scheduled, for a transfer that failed before).
    pub first_byte_us: i64,
    /// Virtual time it ended (done, failed or closed), if it did.
    pub end_us: Option<i64>,
    /// Body bytes received.
    pub bytes: u64,
    /// How it ended.
    pub outcome: Outcome,
}

/// The body a transfer delivers: a copy of the range, or a window of a source.
#[derive(Clone, Debug)]
enum Body {
    Bytes(Vec<u8>),
    Source {
        source: Arc<dyn BodySource>,
        offset: u64,
        len: usize,
    },
}

impl Body {
    fn len(&self) -> usize {
        match self {
            Body::Bytes(b) => b.len(),
            Body::Source { len, .. } => *len,
        }
    }

    fn copy(&self, at: usize, out: &mut [u8]) {
        match self {
            Body::Bytes(b) => out.copy_from_slice(&b[at..at + out.len()]),
            Body::Source { source, offset, .. } => source.fill(offset + at as u64, out),
        }
    }
}

/// Credit units per byte on a shared link: 10^6 µs per second times lcm(1..=16).
const SHARE_LCM: u128 = 720_720;
const CREDIT_PER_BYTE: u128 = 1_000_000 * SHARE_LCM;

/// One fetch in flight.
#[derive(Clone, Debug)]
pub struct Transfer {
    /// The URL asked for.
    pub url: String,
    /// The request's headers.
    pub headers: String,
    body: Body,
    delivered_headers: Vec<(String, String)>,
    final_url: String,
    status: u32,
    start_us: i64,
    first_byte_us: i64,
    truncate: Option<usize>,
    received: usize,
    consumed: usize,
    state: FetchState,
    error: Status,
    /// Shared-link credit, in `1 / CREDIT_PER_BYTE` bytes.
    credit: u128,
    log_index: usize,
}

impl Transfer {
    /// The state now.
    pub fn state(&self) -> FetchState {
        self.state
    }

    /// Body bytes received so far.
    pub fn received(&self) -> usize {
        self.received
    }

    /// Body bytes this transfer will deliver before it ends (truncation applied).
    fn limit(&self) -> usize {
        let total = self.body.len();
        self.truncate.unwrap_or(total).min(total)
    }

    fn open(&self) -> bool {
        !matches!(self.state, FetchState::Done | FetchState::Failed)
    }

    /// Whether it takes a share of the link at `now` (first byte in, 2xx, bytes due).
    fn receiving(&self, now: i64) -> bool {
        self.open()
            && now >= self.first_byte_us
            && (200..300).contains(&self.status)
            && self.received < self.limit()
    }

    fn fail(&mut self, error: Status) {
        self.state = FetchState::Failed;
        self.error = error;
    }

    pub(crate) fn info(&self, now: i64) -> FetchInfo {
        let headers_in = now >= self.first_byte_us;
        FetchInfo {
            content_length: if headers_in {
                self.body.len() as i64
            } else {
                -1
            },
            received: self.received as u64,
            consumed: self.consumed as u64,
            state: self.state,
            http_status: if headers_in { self.status } else { 0 },
            error: if self.state == FetchState::Failed {
                (-self.error.code()) as u32
            } else {
                0
            },
            first_byte_us: if headers_in {
                (self.first_byte_us - self.start_us) as u32
            } else {
                0
            },
        }
    }

    pub(crate) fn read(&mut self, buf: &mut [u8]) -> Result<usize, Status> {
        let available = self.received - self.consumed;
        if available == 0 {
            return Err(match self.state {
                FetchState::Done => Status::EndOfStream,
                FetchState::Failed => self.error,
                _ => Status::WouldBlock,
            });
        }
        let n = available.min(buf.len());
        self.body.copy(self.consumed, &mut buf[..n]);
        self.consumed += n;
        Ok(n)
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.delivered_headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn headers_in(&self, now: i64) -> bool {
        now >= self.first_byte_us
    }

    pub(crate) fn final_url(&self) -> &str {
        &self.final_url
    }
}

/// Resources, the link, its trace and outages, and the log of transfers.
#[derive(Clone, Debug, Default)]
pub struct Network {
    /// Resources by URL.
    pub resources: BTreeMap<String, Resource>,
    /// The link.
    pub link: Link,
    /// The shared link's throughput over time; `None`: per-transfer
    /// [`Link::bytes_per_sec`].
    pub trace: Option<Trace>,
    /// Scheduled outages `[from_us, to_us)`.
    pub outages: Vec<(i64, i64)>,
    /// Every transfer opened, in order.
    pub log: Vec<TransferRecord>,
    /// Body bytes delivered over all transfers.
    pub delivered_bytes: u64,
}

impl Network {
    /// Shares the link between transfers and drives its throughput by `trace` (see
    /// the module docs); the trace starts at its anchor.
    pub fn set_trace(&mut self, trace: Trace) {
        self.trace = Some(trace);
    }

    /// Takes the link down over `[from_us, to_us)` of virtual time: open transfers
    /// fail with `Io` at `from_us`, new ones fail at once until `to_us`.
    pub fn schedule_outage(&mut self, from_us: i64, to_us: i64) {
        if from_us < to_us {
            self.outages.push((from_us, to_us));
        }
    }

    /// Whether the link is up at `now` (no [`Link::up`] = false, no outage).
    pub fn is_up(&self, now: i64) -> bool {
        self.link.up && !self.outages.iter().any(|&(a, b)| a <= now && now < b)
    }

    /// How many times `url` was fetched (any outcome).
    pub fn fetch_count(&self, url: &str) -> usize {
        self.log.iter().filter(|r| r.url == url).count()
    }

    /// Starts a transfer at virtual time `now`; `id` is the port's id for it.
    pub(crate) fn open(
        &mut self,
        request: &FetchRequest,
        url: &str,
        headers: &str,
        now: i64,
        id: PortId,
    ) -> Result<Transfer, Status> {
        if !self.is_up(now) {
            return Err(Status::Io);
        }
        let resource = self.resources.get_mut(url);
        let mut faults: Vec<Fault> = Vec::new();
        if let Some(r) = &resource {
            faults.extend(r.faults.iter().cloned());
        }
        let (mut status, total) = match &resource {
            Some(r) => (200, r.len()),
            None => (404, 0),
        };
        if let Some(r) = resource {
            for (left, fault) in &mut r.transient_faults {
                if *left > 0 {
                    *left -= 1;
                    faults.push(fault.clone());
                }
            }
            r.transient_faults.retain(|(left, _)| *left > 0);
        }
        let resource = self.resources.get(url);
        let mut first_byte_us = now + self.link.latency_us;
        let mut truncate = None;
        for fault in &faults {
            match fault {
                Fault::Http(code) => status = *code,
                Fault::Truncate(n) => truncate = Some(*n),
                Fault::SlowFirstByte(us) => first_byte_us += us,
            }
        }
        // The byte window of the resource this response carries.
        let mut window = (0u64, if status == 200 { total } else { 0 });
        if status == 200 && (request.range_start != 0 || request.range_end != RANGE_TO_END) {
            let start = request.range_start;
            let end = match request.range_end {
                RANGE_TO_END => total,
                end => end.saturating_add(1).min(total),
            };
            if start >= total || start >= end {
                status = 416;
                window = (0, 0);
            } else {
                window = (start, end);
                status = 206;
            }
        }
        if request.method == Method::Head {
            window = (0, 0);
        }
        let len = usize::try_from(window.1 - window.0).map_err(|_| Status::Io)?;
        let body = match resource {
            Some(Resource {
                source: Some(source),
                ..
            }) => Body::Source {
                source: Arc::clone(source),
                offset: window.0,
                len,
            },
            Some(r) => {
                let (a, b) = (window.0 as usize, window.1 as usize);
                Body::Bytes(r.body.get(a..b).map(<[u8]>::to_vec).unwrap_or_default())
            }
            None => Body::Bytes(Vec::new()),
        };
        let mut delivered_headers = resource.map(|r| r.headers.clone()).unwrap_or_default();
        delivered_headers.push(("content-length".into(), len.to_string()));
        if status == 206 {
            // RFC 9110 §14.4: the range sent and the whole length.
            let range = format!("bytes {}-{}/{total}", window.0, window.1.saturating_sub(1));
            delivered_headers.push(("content-range".into(), range));
        }
        self.log.push(TransferRecord {
            id,
            url: url.into(),
            range: (request.range_start, request.range_end),
            status,
            start_us: now,
            first_byte_us,
            end_us: None,
            bytes: 0,
            outcome: Outcome::Open,
        });
        Ok(Transfer {
            url: url.into(),
            headers: headers.into(),
            final_url: resource
                .and_then(|r| r.redirect.clone())
                .unwrap_or_else(|| url.into()),
            body,
            delivered_headers,
            status,
            start_us: now,
            first_byte_us,
            truncate,
            received: 0,
            consumed: 0,
            state: FetchState::Pending,
            error: Status::Io,
            credit: 0,
            log_index: self.log.len() - 1,
        })
    }

    /// The module closed a transfer.
    pub(crate) fn close(&mut self, transfer: &Transfer, now: i64) {
        if let Some(record) = self.log.get_mut(transfer.log_index) {
            if record.outcome == Outcome::Open {
                record.outcome = Outcome::Cancelled;
                record.end_us = Some(now);
            }
        }
    }

    /// Moves shared-link credit over `[from, to)`, during which no event happens (the
    /// set of receiving transfers and the trace's rate are constant).
    pub(crate) fn integrate(&self, transfers: &mut BTreeMap<PortId, Transfer>, from: i64, to: i64) {
        let Some(trace) = &self.trace else {
            return; // per-transfer delivery is a closed form of time (see `settle`)
        };
        if to <= from {
            return;
        }
        let (rate, _) = trace.at(from);
        let n = transfers.values().filter(|t| t.receiving(from)).count() as u128;
        if n == 0 || rate == 0 {
            return;
        }
        let work = u128::from(rate) * (to - from) as u128 * SHARE_LCM;
        let share = work / n;
        for t in transfers.values_mut().filter(|t| t.receiving(from)) {
            t.credit = t.credit.saturating_add(share);
        }
    }

    /// Brings every transfer's state up to `now`: failures from outages, first
    /// bytes, HTTP errors, bytes due and completions. Returns the ids whose state or
    /// byte count changed.
    pub(crate) fn settle(
        &mut self,
        transfers: &mut BTreeMap<PortId, Transfer>,
        now: i64,
    ) -> Vec<PortId> {
        let up = self.is_up(now);
        let shared = self.trace.is_some();
        let mut changed = Vec::new();
        for (id, t) in transfers.iter_mut() {
            if !t.open() {
                continue;
            }
            let before = (t.state, t.received);
            // A link taken down by hand fails at once (when it went down is unknown);
            // bytes that arrived before a scheduled outage's edge count, then it fails.
            if !self.link.up {
                t.fail(Status::Io);
            } else if now >= t.first_byte_us {
                if !(200..300).contains(&t.status) {
                    t.fail(Status::HttpError);
                } else {
                    let limit = t.limit();
                    let due = if shared {
                        usize::try_from(t.credit / CREDIT_PER_BYTE).unwrap_or(usize::MAX)
                    } else {
                        let elapsed = u64::try_from(now - t.first_byte_us).unwrap_or(0);
                        match self.link.bytes_per_sec {
                            0 => limit,
                            rate => {
                                usize::try_from(u128::from(elapsed) * u128::from(rate) / 1_000_000)
                                    .unwrap_or(usize::MAX)
                            }
                        }
                    };
                    t.received = t.received.max(due.min(limit));
                    t.state = FetchState::Receiving;
                    if t.received == limit {
                        if t.truncate.is_some_and(|n| n < t.body.len()) {
                            t.fail(Status::Io);
                        } else {
                            t.state = FetchState::Done;
                        }
                    }
                }
            }
            if !up && t.open() {
                t.fail(Status::Io);
            }
            if before != (t.state, t.received) {
                self.delivered_bytes += (t.received - before.1) as u64;
                if let Some(record) = self.log.get_mut(t.log_index) {
                    record.bytes = t.received as u64;
                    record.outcome = match t.state {
                        FetchState::Done => Outcome::Done,
                        FetchState::Failed => Outcome::Failed(t.error),
                        _ => Outcome::Open,
                    };
                    if record.outcome != Outcome::Open {
                        record.end_us = Some(now);
                    }
                }
                changed.push(*id);
            }
        }
        changed
    }

    /// The earliest virtual time after `now` at which a transfer's state changes or a
    /// shared link's shares change: a first byte, a completion at the current shares,
    /// a trace step, an outage edge. `i64::MAX` when nothing is pending.
    pub fn next_event_us(&self, transfers: &BTreeMap<PortId, Transfer>, now: i64) -> i64 {
        let mut next = i64::MAX;
        for &(a, b) in &self.outages {
            for edge in [a, b] {
                if edge > now {
                    next = next.min(edge);
                }
            }
        }
        let open: Vec<&Transfer> = transfers.values().filter(|t| t.open()).collect();
        if open.is_empty() {
            return next;
        }
        for t in &open {
            if t.first_byte_us > now {
                next = next.min(t.first_byte_us);
            }
        }
        match &self.trace {
            None => {
                let rate = self.link.bytes_per_sec;
                for t in open.iter().filter(|t| t.receiving(now)) {
                    if rate == 0 {
                        continue; // unlimited: done at the first byte
                    }
                    // floor((t - first) · rate / 10^6) >= limit.
                    let need = t.limit() as u128 * 1_000_000;
                    let dt = need.div_ceil(u128::from(rate));
                    let at = i64::try_from(dt)
                        .ok()
                        .and_then(|dt| t.first_byte_us.checked_add(dt))
                        .unwrap_or(i64::MAX);
                    next = next.min(at.max(now + 1));
                }
            }
            Some(trace) => {
                let (rate, step) = trace.at(now);
                let receiving: Vec<&&Transfer> = open.iter().filter(|t| t.receiving(now)).collect();
                if !receiving.is_empty() {
                    next = next.min(step.max(now + 1));
                }
                let n = receiving.len() as u128;
                let gain = u128::from(rate) * SHARE_LCM / n.max(1); // credit per µs
                if gain > 0 {
                    for t in receiving {
                        let need = (t.limit() as u128 * CREDIT_PER_BYTE).saturating_sub(t.credit);
                        let dt = need.div_ceil(gain).max(1);
                        let at = i64::try_from(dt)
                            .ok()
                            .and_then(|dt| now.checked_add(dt))
                            .unwrap_or(i64::MAX);
                        next = next.min(at);
                    }
                }
            }
        }
        next
    }
}
