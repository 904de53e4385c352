//! The three fetch backends: local files with ranges, the simulated network (bytes
//! arrive over virtual time at the trace's rate), and real HTTP against a server on
//! 127.0.0.1 started by the test (ranges, a 404, a redirect).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::io::{Read, Write};
use std::net::TcpListener;

use wasp_core::abi::event::FetchEvent;
use wasp_core::abi::fetch::{FetchRequest, FetchState};
use wasp_core::abi::Status;
use wasp_core::{HostEvent, Port, PortId};
use wasp_emulator::{DeviceProfile, EmulatorPort, START_US};
use wasp_testkit::net::Outcome;
use wasp_testkit::Trace;

const ENGINE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../players/engine/fixtures");

fn ranged(start: u64, end: u64) -> FetchRequest {
    FetchRequest {
        range_start: start,
        range_end: end,
        ..FetchRequest::get()
    }
}

fn header(port: &mut EmulatorPort, id: PortId, name: &str) -> Option<String> {
    let mut out = [0u8; 256];
    let n = port.fetch_header(id, name, &mut out).ok()?;
    Some(String::from_utf8(out[..n].to_vec()).unwrap())
}

fn final_url(port: &mut EmulatorPort, id: PortId) -> String {
    let mut out = [0u8; 256];
    let n = port.fetch_url(id, &mut out).unwrap();
    String::from_utf8(out[..n].to_vec()).unwrap()
}

/// Reads a fetch to its end, letting `step_us` pass whenever nothing is there.
fn read_all(port: &mut EmulatorPort, id: PortId, step_us: i64) -> Result<Vec<u8>, Status> {
    let mut body = Vec::new();
    let mut buf = [0u8; 7000];
    for _ in 0..100_000 {
        match port.fetch_read(id, &mut buf) {
            Ok(n) => body.extend_from_slice(&buf[..n]),
            Err(Status::WouldBlock) => port.advance(step_us),
            Err(Status::EndOfStream) => return Ok(body),
            Err(e) => return Err(e),
        }
    }
    panic!("fetch {id} never ended");
}

#[test]
fn a_local_file_is_read_whole_or_by_range() {
    let path = format!("{ENGINE}/hls-ts/v1_000.ts");
    let file = std::fs::read(&path).unwrap();
    let mut port = EmulatorPort::new(DeviceProfile::default());
    let url = format!("file://{path}");

    let id = port
        .fetch_open(&ranged(188, 188 * 3 - 1), &url, "")
        .unwrap();
    let info = port.fetch_info(id);
    assert_eq!((info.state, info.http_status), (FetchState::Done, 206));
    assert_eq!(info.content_length, 376);
    assert_eq!(read_all(&mut port, id, 1_000).unwrap(), &file[188..564]);
    assert_eq!(header(&mut port, id, "Content-Type").unwrap(), "video/mp2t");
    assert_eq!(
        header(&mut port, id, "content-range").unwrap(),
        format!("bytes 188-563/{}", file.len())
    );
    assert_eq!(final_url(&mut port, id), url);
    assert_eq!(
        port.poll_event(),
        Some(HostEvent::Fetch(FetchEvent {
            handle: id,
            state: FetchState::Done
        }))
    );

    // A plain path, whole.
    let id = port.fetch_open(&FetchRequest::get(), &path, "").unwrap();
    assert_eq!(port.fetch_info(id).http_status, 200);
    assert_eq!(read_all(&mut port, id, 1_000).unwrap(), file);

    // Past the end: 416; missing: 404; both fail cleanly.
    let size = file.len() as u64;
    let id = port.fetch_open(&ranged(size, size + 10), &url, "").unwrap();
    let info = port.fetch_info(id);
    assert_eq!((info.state, info.http_status), (FetchState::Failed, 416));
    let id = port
        .fetch_open(&FetchRequest::get(), "file:///nonexistent/wasp.ts", "")
        .unwrap();
    let info = port.fetch_info(id);
    assert_eq!((info.state, info.http_status), (FetchState::Failed, 404));
    assert_ne!(info.error, 0);
    assert_eq!(read_all(&mut port, id, 1_000), Err(Status::HttpError));
}

#[test]
fn the_simulated_network_delivers_files_at_the_traces_rate() {
    let path = format!("{ENGINE}/hls-ts/v1_000.ts");
    let file = std::fs::read(&path).unwrap();
    let mut port = EmulatorPort::new(DeviceProfile::default());
    let served = port
        .serve_dir(
            "https://cdn.example/hls",
            std::path::Path::new(&format!("{ENGINE}/hls-ts")),
        )
        .unwrap();
    assert_eq!(served, 7);
    port.network().link.latency_us = 0;
    // 100 kB/s for one second, then 400 kB/s.
    port.network()
        .set_trace(Trace::steps(&[(0, 100_000), (1_000_000, 400_000)]).unwrap());
    let id = port
        .fetch_open(
            &FetchRequest::get(),
            "https://cdn.example/hls/v1_000.ts",
            "",
        )
        .unwrap();
    port.advance(1_000_000);
    assert_eq!(port.fetch_info(id).received, 100_000);
    port.advance(100_000);
    assert_eq!(port.fetch_info(id).received, 140_000);
    let events: Vec<_> = std::iter::from_fn(|| port.poll_event()).collect();
    assert!(events.contains(&HostEvent::Fetch(FetchEvent {
        handle: id,
        state: FetchState::Receiving
    })));
    let body = read_all(&mut port, id, 10_000).unwrap();
    assert_eq!(body, file);
    // Done exactly when the last byte's credit arrived.
    let rest = file.len() as i64 - 100_000;
    let done = START_US + 1_000_000 + (rest * 1_000_000 + 399_999) / 400_000;
    let record = &port.network().log[0];
    assert_eq!(record.outcome, Outcome::Done);
    assert_eq!(record.end_us, Some(done));
    assert_eq!(header(&mut port, id, "content-type").unwrap(), "video/mp2t");

    let id = port
        .fetch_open(&FetchRequest::get(), "https://cdn.example/hls/none.ts", "")
        .unwrap();
    assert_eq!(read_all(&mut port, id, 10_000), Err(Status::HttpError));
    assert_eq!(port.fetch_info(id).http_status, 404);
}

/// A one-thread HTTP/1.1 server for the test: `/file` (ranges honoured), `/moved`
/// (302 to `/file`), anything else 404. Each response closes its connection.
fn serve(body: Vec<u8>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut byte = [0u8; 1];
            while !request.ends_with(b"\r\n\r\n") {
                if stream.read(&mut byte).unwrap_or(0) == 0 {
                    break;
                }
                request.push(byte[0]);
            }
            let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
            let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
            let range = text
                .lines()
                .find_map(|l| l.strip_prefix("range: bytes="))
                .and_then(|r| r.trim().split_once('-'))
                .map(|(a, b)| (a.parse::<usize>().unwrap(), b.parse::<usize>().ok()));
            let response = match (path.as_str(), range) {
                ("/file", None) => {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\ncontent-type: video/mp2t\r\nconnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend_from_slice(&body);
                    r
                }
                ("/file", Some((a, b))) => {
                    let end = b.map_or(body.len(), |b| (b + 1).min(body.len()));
                    let mut r = format!(
                        "HTTP/1.1 206 Partial Content\r\ncontent-length: {}\r\ncontent-range: bytes {a}-{}/{}\r\nconnection: close\r\n\r\n",
                        end - a,
                        end - 1,
                        body.len()
                    )
                    .into_bytes();
                    r.extend_from_slice(&body[a..end]);
                    r
                }
                ("/moved", _) => b"HTTP/1.1 302 Found\r\nlocation: /file\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec(),
                _ => b"HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\nconnection: close\r\n\r\nnot found".to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    port
}

#[test]
fn real_http_fetches_ranges_follows_redirects_and_reports_404() {
    let body: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let server = serve(body.clone());
    let base = format!("http://127.0.0.1:{server}");
    let mut port = EmulatorPort::real_time(DeviceProfile::default());

    let id = port
        .fetch_open(&ranged(1000, 1999), &format!("{base}/file"), "X-Test: 1")
        .unwrap();
    assert_eq!(read_all(&mut port, id, 1_000).unwrap(), &body[1000..2000]);
    let info = port.fetch_info(id);
    assert_eq!((info.state, info.http_status), (FetchState::Done, 206));
    assert_eq!(header(&mut port, id, "Content-Length").unwrap(), "1000");
    assert_eq!(
        header(&mut port, id, "content-range").unwrap(),
        "bytes 1000-1999/300000"
    );
    port.fetch_close(id);

    let id = port
        .fetch_open(&FetchRequest::get(), &format!("{base}/moved"), "")
        .unwrap();
    assert_eq!(read_all(&mut port, id, 1_000).unwrap(), body);
    assert_eq!(port.fetch_info(id).http_status, 200);
    assert_eq!(final_url(&mut port, id), format!("{base}/file"));
    assert_eq!(header(&mut port, id, "content-type").unwrap(), "video/mp2t");
    port.fetch_close(id);

    let id = port
        .fetch_open(&FetchRequest::get(), &format!("{base}/missing"), "")
        .unwrap();
    assert_eq!(read_all(&mut port, id, 1_000), Err(Status::HttpError));
    let info = port.fetch_info(id);
    assert_eq!((info.state, info.http_status), (FetchState::Failed, 404));
    assert_ne!(info.error, 0);

    // Real time only: other schemes are refused there.
    assert_eq!(
        port.fetch_open(&FetchRequest::get(), "mem://x", ""),
        Err(Status::Unsupported)
    );
}
