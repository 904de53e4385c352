//! Fetch backends: local files and real HTTP(S). (The third, the simulated network,
//! is the test device's, driven by [`crate::EmulatorPort`] itself.)
//!
//! | URL | virtual clock | real-time clock |
//! |---|---|---|
//! | `file:///abs/path`, `/abs/path`, `rel/path` | [`FileFetch`] | [`FileFetch`] |
//! | `http://`, `https://` | simulated network | [`HttpFetch`] |
//! | anything else (`mem://`, ...) | simulated network | `Unsupported` |
//!
//! A file fetch is complete the moment it opens (the bytes are on the device's own
//! storage) and is read from the file as the module reads, so a large file costs no
//! memory. An HTTP fetch runs on a worker thread of its own with a blocking client
//! (ureq): the module never waits, it sees `WouldBlock` until bytes arrive; the
//! worker holds at most [`HTTP_BUFFER`] unread bytes and pauses while the module is
//! behind.
//!
//! HTTPS verifies servers against Mozilla's roots (webpki-roots, built in), or
//! against exactly the certificates of a PEM bundle given with [`TlsRoots::from_pem`]
//! (what `SSL_CERT_FILE` names for `wasp-emu`), like `curl --cacert`.

use std::collections::VecDeque;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use wasp_core::abi::fetch::{FetchInfo, FetchRequest, FetchState, Method, RANGE_TO_END};
use wasp_core::abi::Status;

/// Unread bytes an HTTP worker buffers before it waits for the module.
pub const HTTP_BUFFER: usize = 4 << 20;

/// Which certificate authorities HTTPS servers are verified against.
#[derive(Clone, Debug, Default)]
pub struct TlsRoots(Option<ureq::tls::TlsConfig>);

impl TlsRoots {
    /// Mozilla's roots (the default).
    pub fn mozilla() -> Self {
        Self(None)
    }

    /// Exactly the certificates in a PEM bundle (private keys and other items in
    /// the file are ignored).
    ///
    /// # Errors
    /// The bundle does not parse, or holds no certificate.
    pub fn from_pem(pem: &[u8]) -> Result<Self, String> {
        let mut certs = Vec::new();
        for item in ureq::tls::parse_pem(pem) {
            match item {
                Ok(ureq::tls::PemItem::Certificate(cert)) => certs.push(cert),
                Ok(_) => {}
                Err(e) => return Err(format!("not a PEM bundle: {e}")),
            }
        }
        if certs.is_empty() {
            return Err("the PEM bundle holds no certificate".into());
        }
        let config = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::new_with_certs(&certs))
            .build();
        Ok(Self(Some(config)))
    }

    /// The roots `SSL_CERT_FILE` names, when it is set (Mozilla's otherwise).
    ///
    /// # Errors
    /// The variable names a file that cannot be read or holds no certificate.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var_os("SSL_CERT_FILE") {
            None => Ok(Self::mozilla()),
            Some(path) => {
                let shown = Path::new(&path).display().to_string();
                let pem =
                    std::fs::read(&path).map_err(|e| format!("SSL_CERT_FILE={shown}: {e}"))?;
                Self::from_pem(&pem).map_err(|e| format!("SSL_CERT_FILE={shown}: {e}"))
            }
        }
    }
}

/// The local path a URL names, if it names one (`file://` or no scheme).
pub fn local_path(url: &str) -> Option<PathBuf> {
    if let Some(path) = url.strip_prefix("file://") {
        return Some(PathBuf::from(path));
    }
    if url.contains("://") {
        return None;
    }
    Some(PathBuf::from(url))
}

/// A content type for a file name, as a web server would send it.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("");
    match ext {
        "m3u8" => "application/vnd.apple.mpegurl",
        "mpd" => "application/dash+xml",
        "ts" => "video/mp2t",
        "mp4" | "m4s" | "m4v" | "cmfv" => "video/mp4",
        "m4a" | "cmfa" => "audio/mp4",
        "aac" => "audio/aac",
        "mp3" => "audio/mpeg",
        "vtt" => "text/vtt",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

/// The byte window `[start, end)` of a body of `total` bytes a request asks for,
/// and the HTTP status that answers it (200, 206, or 416 with an empty window).
pub(crate) fn window(request: &FetchRequest, total: u64) -> (u32, u64, u64) {
    if request.range_start == 0 && request.range_end == RANGE_TO_END {
        return (200, 0, total);
    }
    let start = request.range_start;
    let end = match request.range_end {
        RANGE_TO_END => total,
        end => end.saturating_add(1).min(total),
    };
    if start >= total || start >= end {
        (416, 0, 0)
    } else {
        (206, start, end)
    }
}

/// A fetch of a local file.
#[derive(Debug)]
pub struct FileFetch {
    file: Option<File>,
    url: String,
    start: u64,
    len: u64,
    consumed: u64,
    status: u32,
    error: Option<Status>,
    headers: Vec<(String, String)>,
}

impl FileFetch {
    /// Opens `path` for `request` (a missing file answers 404, a range outside it
    /// 416, both as failed fetches, as a web server would).
    pub fn open(request: &FetchRequest, url: &str, path: &Path) -> Self {
        let file = File::open(path).ok();
        let total = file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .filter(|m| m.is_file())
            .map(|m| m.len());
        let (status, start, end, error) = match total {
            None => (404, 0, 0, Some(Status::HttpError)),
            Some(total) => {
                let (status, start, end) = window(request, total);
                let error = (status == 416).then_some(Status::HttpError);
                (status, start, end, error)
            }
        };
        let len = if request.method == Method::Head {
            0
        } else {
            end - start
        };
        let mut headers = vec![
            ("content-length".to_string(), len.to_string()),
            ("content-type".to_string(), content_type(url).to_string()),
        ];
        if status == 206 {
            let total = total.unwrap_or(0);
            headers.push((
                "content-range".into(),
                format!("bytes {start}-{}/{total}", end.saturating_sub(1)),
            ));
        }
        Self {
            file,
            url: url.into(),
            start,
            len,
            consumed: 0,
            status,
            error,
            headers,
        }
    }

    pub(crate) fn info(&self) -> FetchInfo {
        FetchInfo {
            content_length: i64::try_from(self.len).unwrap_or(i64::MAX),
            received: if self.error.is_some() { 0 } else { self.len },
            consumed: self.consumed,
            state: self.state(),
            http_status: self.status,
            error: self.error.map_or(0, |e| (-e.code()) as u32),
            first_byte_us: 0,
        }
    }

    pub(crate) fn state(&self) -> FetchState {
        if self.error.is_some() {
            FetchState::Failed
        } else {
            FetchState::Done
        }
    }

    pub(crate) fn read(&mut self, buf: &mut [u8]) -> Result<usize, Status> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let left = self.len - self.consumed;
        if left == 0 {
            return Err(Status::EndOfStream);
        }
        let n = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
        let file = self.file.as_ref().ok_or(Status::Io)?;
        let dst = buf.get_mut(..n).ok_or(Status::Internal)?;
        let got = file
            .read_at(dst, self.start + self.consumed)
            .map_err(|_| Status::Io)?;
        if got == 0 {
            // The file shrank under us.
            self.error = Some(Status::Io);
            return Err(Status::Io);
        }
        self.consumed += got as u64;
        Ok(got)
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }

    pub(crate) fn final_url(&self) -> &str {
        &self.url
    }
}

fn find<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// What an HTTP worker and the port share.
#[derive(Debug)]
struct Shared {
    status: u32,
    headers: Vec<(String, String)>,
    final_url: String,
    content_length: i64,
    body: VecDeque<u8>,
    received: u64,
    state: FetchState,
    error: Status,
    first_byte_us: u32,
    cancelled: bool,
}

/// A real HTTP(S) fetch on a worker thread.
#[derive(Debug)]
pub struct HttpFetch {
    shared: Arc<Mutex<Shared>>,
    consumed: u64,
}

fn lock(shared: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    // A worker that panicked leaves consistent data (every update is one field
    // write under the lock): keep going.
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

impl HttpFetch {
    /// Starts the request on a worker thread. `headers` are `Name: value` lines;
    /// HTTPS servers are verified against `roots`.
    ///
    /// # Errors
    /// `Io` when no thread can be started.
    pub fn open(
        request: &FetchRequest,
        url: &str,
        headers: &str,
        roots: &TlsRoots,
    ) -> Result<Self, Status> {
        let shared = Arc::new(Mutex::new(Shared {
            status: 0,
            headers: Vec::new(),
            final_url: url.into(),
            content_length: -1,
            body: VecDeque::new(),
            received: 0,
            state: FetchState::Pending,
            error: Status::Io,
            first_byte_us: 0,
            cancelled: false,
        }));
        let job = Job {
            shared: Arc::clone(&shared),
            url: url.into(),
            headers: headers.into(),
            request: *request,
            roots: roots.clone(),
        };
        std::thread::Builder::new()
            .name("wasp-http".into())
            .spawn(move || job.run())
            .map_err(|_| Status::Io)?;
        Ok(Self {
            shared,
            consumed: 0,
        })
    }

    pub(crate) fn info(&self) -> FetchInfo {
        let s = lock(&self.shared);
        FetchInfo {
            content_length: s.content_length,
            received: s.received,
            consumed: self.consumed,
            state: s.state,
            http_status: s.status,
            error: if s.state == FetchState::Failed {
                (-s.error.code()) as u32
            } else {
                0
            },
            first_byte_us: s.first_byte_us,
        }
    }

    pub(crate) fn progress(&self) -> (FetchState, u64) {
        let s = lock(&self.shared);
        (s.state, s.received)
    }

    pub(crate) fn read(&mut self, buf: &mut [u8]) -> Result<usize, Status> {
        let mut s = lock(&self.shared);
        if s.body.is_empty() {
            return Err(match s.state {
                FetchState::Done => Status::EndOfStream,
                FetchState::Failed => s.error,
                _ => Status::WouldBlock,
            });
        }
        let n = s.body.len().min(buf.len());
        for (dst, src) in buf.iter_mut().zip(s.body.drain(..n)) {
            *dst = src;
        }
        self.consumed += n as u64;
        Ok(n)
    }

    pub(crate) fn header(&self, name: &str, out: &mut [u8]) -> Result<usize, Status> {
        let s = lock(&self.shared);
        if s.status == 0 {
            return Err(match s.state {
                FetchState::Failed => Status::NotFound,
                _ => Status::WouldBlock,
            });
        }
        find(&s.headers, name)
            .map(|v| crate::port::copy_out(v.as_bytes(), out))
            .ok_or(Status::NotFound)
    }

    pub(crate) fn final_url(&self, out: &mut [u8]) -> usize {
        let s = lock(&self.shared);
        crate::port::copy_out(s.final_url.as_bytes(), out)
    }
}

impl Drop for HttpFetch {
    fn drop(&mut self) {
        lock(&self.shared).cancelled = true;
    }
}

/// The worker's side of one fetch.
struct Job {
    shared: Arc<Mutex<Shared>>,
    url: String,
    headers: String,
    request: FetchRequest,
    roots: TlsRoots,
}

impl Job {
    fn run(self) {
        let started = Instant::now();
        let timeout = (self.request.timeout_ms > 0)
            .then(|| Duration::from_millis(u64::from(self.request.timeout_ms)));
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(10)
            .timeout_global(timeout);
        if let Some(tls) = &self.roots.0 {
            config = config.tls_config(tls.clone());
        }
        let agent: ureq::Agent = config.build().into();
        let mut builder = match self.request.method {
            Method::Head => agent.head(&self.url),
            Method::Get => agent.get(&self.url),
        };
        for line in self.headers.lines() {
            if let Some((name, value)) = line.split_once(':') {
                builder = builder.header(name.trim(), value.trim());
            }
        }
        let r = &self.request;
        if r.range_start != 0 || r.range_end != RANGE_TO_END {
            let range = match r.range_end {
                RANGE_TO_END => format!("bytes={}-", r.range_start),
                end => format!("bytes={}-{end}", r.range_start),
            };
            builder = builder.header("Range", range);
        }
        let response = match builder.call() {
            Ok(response) => response,
            Err(e) => {
                let mut s = lock(&self.shared);
                s.state = FetchState::Failed;
                s.error = match e {
                    ureq::Error::Timeout(_) => Status::Timeout,
                    _ => Status::Io,
                };
                return;
            }
        };
        let status = u32::from(response.status().as_u16());
        {
            use ureq::ResponseExt as _;
            let mut s = lock(&self.shared);
            s.status = status;
            s.final_url = response.get_uri().to_string();
            s.headers = response
                .headers()
                .iter()
                .map(|(k, v)| {
                    let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                    (k.as_str().to_ascii_lowercase(), value)
                })
                .collect();
            s.content_length = find(&s.headers, "content-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(-1);
            s.first_byte_us = u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX);
            if !(200..300).contains(&status) {
                s.state = FetchState::Failed;
                s.error = Status::HttpError;
                return;
            }
            s.state = FetchState::Receiving;
        }
        let mut reader = response.into_body().into_reader();
        let mut chunk = vec![0u8; 64 << 10];
        loop {
            // Wait while the module is behind, and stop when it closed the fetch.
            loop {
                let s = lock(&self.shared);
                if s.cancelled {
                    return;
                }
                if s.body.len() < HTTP_BUFFER {
                    break;
                }
                drop(s);
                std::thread::sleep(Duration::from_millis(2));
            }
            match reader.read(&mut chunk) {
                Ok(0) => {
                    lock(&self.shared).state = FetchState::Done;
                    return;
                }
                Ok(n) => {
                    let mut s = lock(&self.shared);
                    s.body.extend(chunk.iter().take(n));
                    s.received += n as u64;
                }
                Err(e) => {
                    let mut s = lock(&self.shared);
                    s.state = FetchState::Failed;
                    s.error = if e.kind() == std::io::ErrorKind::TimedOut {
                        Status::Timeout
                    } else {
                        Status::Io
                    };
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_roots_come_from_a_pem_bundle_with_certificates_only() {
        let tls = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tls");
        let ca = std::fs::read(format!("{tls}/ca.pem")).unwrap_or_default();
        assert!(TlsRoots::from_pem(&ca).is_ok_and(|r| r.0.is_some()));
        let key = std::fs::read(format!("{tls}/server.key")).unwrap_or_default();
        let err = TlsRoots::from_pem(&key).err().unwrap_or_default();
        assert!(err.contains("no certificate"), "{err}");
        let err = TlsRoots::from_pem(b"").err().unwrap_or_default();
        assert!(err.contains("no certificate"), "{err}");
        assert!(TlsRoots::mozilla().0.is_none());
    }

    #[test]
    fn windows_follow_http_ranges() {
        let mut r = FetchRequest::get();
        assert_eq!(window(&r, 10), (200, 0, 10));
        r.range_start = 2;
        r.range_end = 4;
        assert_eq!(window(&r, 10), (206, 2, 5));
        r.range_end = 100;
        assert_eq!(window(&r, 10), (206, 2, 10));
        r.range_start = 10;
        assert_eq!(window(&r, 10), (416, 0, 0));
    }

    #[test]
    fn local_paths_are_file_urls_and_plain_paths() {
        assert_eq!(local_path("file:///a/b.ts"), Some(PathBuf::from("/a/b.ts")));
        assert_eq!(
            local_path("fixtures/x.ts"),
            Some(PathBuf::from("fixtures/x.ts"))
        );
        assert_eq!(local_path("http://h/x"), None);
    }
}
