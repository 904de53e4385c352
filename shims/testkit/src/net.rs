//! The scripted network: resources in memory, delivered over virtual time.

use std::collections::BTreeMap;

use wasp_core::abi::fetch::{FetchInfo, FetchRequest, FetchState, Method, RANGE_TO_END};
use wasp_core::abi::Status;

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

/// A resource served at a URL.
#[derive(Clone, Debug, Default)]
pub struct Resource {
    /// The body.
    pub body: Vec<u8>,
    /// Response headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// The URL after redirects, when it differs.
    pub redirect: Option<String>,
    /// Injected faults, applied to every fetch of the URL.
    pub faults: Vec<Fault>,
}

/// Link behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    /// Time to the first byte of a response, µs.
    pub latency_us: i64,
    /// Bytes per second; 0 = unlimited (everything arrives with the first byte).
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

/// One fetch in flight.
#[derive(Clone, Debug)]
pub struct Transfer {
    /// The URL asked for.
    pub url: String,
    /// The request's headers.
    pub headers: String,
    body: Vec<u8>,
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
}

impl Transfer {
    /// The state now.
    pub fn state(&self) -> FetchState {
        self.state
    }

    /// Advances delivery to virtual time `now`; returns whether the state changed.
    pub(crate) fn advance(&mut self, now: i64, link: &Link) -> bool {
        let before = (self.state, self.received);
        if matches!(self.state, FetchState::Done | FetchState::Failed) {
            return false;
        }
        if !link.up {
            self.fail(Status::Io);
            return true;
        }
        if now < self.first_byte_us {
            return false;
        }
        if !(200..300).contains(&self.status) {
            self.fail(Status::HttpError);
            return true;
        }
        let total = self.body.len();
        let limit = self.truncate.unwrap_or(total).min(total);
        let elapsed = u64::try_from(now - self.first_byte_us).unwrap_or(0);
        let allowed = match link.bytes_per_sec {
            0 => limit,
            rate => usize::try_from(elapsed.saturating_mul(rate) / 1_000_000)
                .unwrap_or(usize::MAX)
                .min(limit),
        };
        self.received = self.received.max(allowed);
        self.state = FetchState::Receiving;
        if self.received == limit {
            if self.truncate.is_some_and(|t| t < total) {
                self.fail(Status::Io);
            } else {
                self.state = FetchState::Done;
            }
        }
        before != (self.state, self.received)
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
        let available = &self.body[self.consumed..self.received];
        if available.is_empty() {
            return Err(match self.state {
                FetchState::Done => Status::EndOfStream,
                FetchState::Failed => self.error,
                _ => Status::WouldBlock,
            });
        }
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
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

/// Resources and the link.
#[derive(Clone, Debug, Default)]
pub struct Network {
    /// Resources by URL.
    pub resources: BTreeMap<String, Resource>,
    /// The link.
    pub link: Link,
}

impl Network {
    /// Starts a transfer at virtual time `now`.
    pub(crate) fn open(
        &self,
        request: &FetchRequest,
        url: &str,
        headers: &str,
        now: i64,
    ) -> Result<Transfer, Status> {
        if !self.link.up {
            return Err(Status::Io);
        }
        let resource = self.resources.get(url);
        let (mut status, mut body) = match resource {
            Some(r) => (200, r.body.clone()),
            None => (404, Vec::new()),
        };
        let faults = resource.map(|r| r.faults.as_slice()).unwrap_or_default();
        let mut first_byte_us = now + self.link.latency_us;
        let mut truncate = None;
        for fault in faults {
            match fault {
                Fault::Http(code) => status = *code,
                Fault::Truncate(n) => truncate = Some(*n),
                Fault::SlowFirstByte(us) => first_byte_us += us,
            }
        }
        if status == 200 && (request.range_start != 0 || request.range_end != RANGE_TO_END) {
            let start = usize::try_from(request.range_start).unwrap_or(usize::MAX);
            let end = match request.range_end {
                RANGE_TO_END => body.len(),
                end => usize::try_from(end)
                    .unwrap_or(usize::MAX)
                    .saturating_add(1)
                    .min(body.len()),
            };
            if start >= body.len() || start >= end {
                status = 416;
                body.clear();
            } else {
                body = body[start..end].to_vec();
                status = 206;
            }
        }
        if request.method == Method::Head {
            body.clear();
        }
        let mut delivered_headers = resource.map(|r| r.headers.clone()).unwrap_or_default();
        delivered_headers.push(("content-length".into(), body.len().to_string()));
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
        })
    }
}
