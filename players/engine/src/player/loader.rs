//! Requests: one fetch moving its body into guest memory (playlists, init segments)
//! or into a media-store object (media segments), with progress, timeouts, and the
//! retry schedule (exponential backoff with jitter).

use alloc::vec::Vec;

use wasp_abi::fetch::{FetchRequest, FetchState, Method, RANGE_TO_END};
use wasp_abi::Status;

use super::config::RetryPolicy;
use crate::platform::{FetchId, ObjectId, Platform};

/// Where a request's body goes.
#[derive(Debug)]
pub(crate) enum Sink {
    /// Guest memory, at most this many bytes.
    Memory(Vec<u8>, usize),
    /// A store object.
    Store(ObjectId),
}

/// Why a request failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Failure {
    /// The status.
    pub status: Status,
    /// The HTTP status when there was one (0 otherwise).
    pub http: u32,
}

/// What a poll found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Progress {
    /// Still going.
    Pending,
    /// The whole body arrived.
    Done,
    /// It failed; the sink was released.
    Failed(Failure),
}

/// A request in flight.
#[derive(Debug)]
pub(crate) struct Request {
    fetch: FetchId,
    /// Where the body goes.
    pub sink: Sink,
    /// When it was opened, µs.
    pub opened_us: i64,
    /// When bytes last arrived, µs.
    last_progress_us: i64,
    /// Body bytes received so far.
    pub received: u64,
    /// The body's length once known.
    pub total: Option<u64>,
    timeout_us: i64,
}

/// Most bytes moved in one poll: bounds the work of one tick.
const MAX_POLL_BYTES: u64 = 4 << 20;

impl Request {
    /// Opens a GET of `url` (optionally a byte range: first byte, length).
    pub(crate) fn open<P: Platform>(
        p: &mut P,
        url: &str,
        range: Option<(u64, u64)>,
        sink: Sink,
        timeout_ms: u32,
    ) -> Result<Self, (Status, Sink)> {
        let (range_start, range_end) = match range {
            Some((offset, length)) if length > 0 => (offset, offset + length - 1),
            _ => (0, RANGE_TO_END),
        };
        let request = FetchRequest {
            range_start,
            range_end,
            method: Method::Get,
            timeout_ms,
        };
        let now = p.now_us();
        match p.fetch_open(&request, url, "") {
            Ok(fetch) => Ok(Self {
                fetch,
                sink,
                opened_us: now,
                last_progress_us: now,
                received: 0,
                total: None,
                timeout_us: i64::from(timeout_ms) * 1000,
            }),
            Err(status) => Err((status, sink)),
        }
    }

    /// Moves what arrived; reports completion or failure.
    pub(crate) fn poll<P: Platform>(&mut self, p: &mut P) -> Progress {
        let now = p.now_us();
        let info = match p.fetch_info(self.fetch) {
            Ok(info) => info,
            Err(status) => return Progress::Failed(Failure { status, http: 0 }),
        };
        if info.content_length >= 0 {
            self.total = Some(info.content_length as u64);
        }
        let http = info.http_status;
        let answered = matches!(info.state, FetchState::Receiving | FetchState::Done);
        if answered && !(200..300).contains(&http) && http != 0 {
            return Progress::Failed(Failure {
                status: Status::HttpError,
                http,
            });
        }
        let mut moved = 0u64;
        let result = loop {
            if moved >= MAX_POLL_BYTES {
                break Ok(false);
            }
            let step = match &mut self.sink {
                Sink::Memory(buf, cap) => {
                    let mut chunk = [0u8; 4096];
                    match p.fetch_read(self.fetch, &mut chunk) {
                        Ok(n) => {
                            if buf.len() + n > *cap {
                                break Err(Failure {
                                    status: Status::BudgetExceeded,
                                    http,
                                });
                            }
                            if buf.try_reserve(n).is_err() {
                                break Err(Failure {
                                    status: Status::BudgetExceeded,
                                    http,
                                });
                            }
                            buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
                            Ok(n as u64)
                        }
                        Err(e) => Err(e),
                    }
                }
                Sink::Store(object) => {
                    p.fetch_read_to_store(self.fetch, *object, MAX_POLL_BYTES - moved)
                }
            };
            match step {
                Ok(0) => break Ok(false),
                Ok(n) => {
                    moved += n;
                    self.received += n;
                    self.last_progress_us = now;
                }
                Err(Status::WouldBlock) => break Ok(false),
                Err(Status::EndOfStream) => break Ok(true),
                Err(status) => break Err(Failure { status, http }),
            }
        };
        match result {
            Ok(true) => Progress::Done,
            Ok(false) if info.state == FetchState::Failed => Progress::Failed(Failure {
                status: Status::from_code(-(info.error as i32)).unwrap_or(Status::Io),
                http,
            }),
            Ok(false) if self.timeout_us > 0 && now - self.last_progress_us > self.timeout_us => {
                Progress::Failed(Failure {
                    status: Status::Timeout,
                    http,
                })
            }
            Ok(false) => Progress::Pending,
            Err(failure) => Progress::Failed(failure),
        }
    }

    /// A response header.
    pub(crate) fn header<P: Platform>(
        &self,
        p: &mut P,
        name: &str,
    ) -> Option<alloc::string::String> {
        p.fetch_header(self.fetch, name).ok()
    }

    /// Cancels the fetch and hands back the sink (the caller frees a store object).
    pub(crate) fn close<P: Platform>(self, p: &mut P) -> Sink {
        p.fetch_close(self.fetch);
        self.sink
    }

    /// Cancels the fetch and frees what the sink held.
    pub(crate) fn abort<P: Platform>(self, p: &mut P) {
        if let Sink::Store(object) = self.close(p) {
            p.store_free(object);
        }
    }
}

/// The retry schedule of one request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Backoff {
    /// Failed attempts so far.
    pub failures: u32,
    /// No new attempt before this time, µs.
    pub not_before_us: i64,
}

impl Backoff {
    /// Records a failure at `now`; returns false when the policy's attempts are used up.
    pub(crate) fn fail<P: Platform>(&mut self, p: &mut P, policy: &RetryPolicy, now: i64) -> bool {
        self.failures = self.failures.saturating_add(1);
        let doublings = self.failures.saturating_sub(1).min(20);
        let delay = policy
            .base_us
            .saturating_mul(1i64 << doublings)
            .min(policy.max_us);
        let spread = delay / 100 * i64::from(policy.jitter_pct);
        let jitter = if spread > 0 {
            let r = (p.random_u64() % (2 * spread as u64 + 1)) as i64;
            r - spread
        } else {
            0
        };
        self.not_before_us = now + (delay + jitter).max(0);
        self.failures < policy.attempts
    }

    /// Whether an attempt may start at `now`.
    pub(crate) fn ready(&self, now: i64) -> bool {
        now >= self.not_before_us
    }
}
