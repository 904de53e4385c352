//! The Linux port's C test program (`tests/c/port.c`), built with `cc` against
//! the port and libwasp (ASan/UBSan) and run with file-backed devices and a local
//! HTTP/1.1 server (below): content length, chunked, ranges, redirects, 404, a
//! server that never answers, a body larger than the port's buffer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use wasp_shim_linux::cbuild;

const HELLO: &[u8] = b"hello from the test host";

/// Answers one request on `stream`.
fn serve(stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (mut range, mut tagged) = (None, false);
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
        let lower = header.to_ascii_lowercase();
        if let Some(r) = lower.strip_prefix("range: bytes=") {
            let (a, b) = r.trim().split_once('-').unwrap();
            range = Some((a.parse::<usize>().unwrap(), b.parse::<usize>().unwrap()));
        }
        tagged |= lower.starts_with("x-test: 1");
    }
    let mut out = stream;
    let tag = if tagged { "X-Saw-Test: 1\r\n" } else { "" };
    let response: Vec<u8> = match path.as_str() {
        "/hello" => match range {
            Some((a, b)) => [
                format!(
                    "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\n{tag}\r\n",
                    b - a + 1
                )
                .as_bytes(),
                &HELLO[a..=b],
            ]
            .concat(),
            None => [
                format!("HTTP/1.1 200 OK\r\nContent-Length: 24\r\n{tag}\r\n").as_bytes(),
                HELLO,
            ]
            .concat(),
        },
        "/chunked" => b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
                        5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n"
            .to_vec(),
        "/silent" => {
            std::thread::sleep(Duration::from_secs(2));
            Vec::new()
        }
        "/large" => {
            let head = "HTTP/1.1 200 OK\r\nContent-Length: 8388608\r\n\r\n";
            let _ = out.write_all(head.as_bytes());
            let block = vec![7u8; 65536];
            for _ in 0..128 {
                if out.write_all(&block).is_err() {
                    return;
                }
            }
            Vec::new()
        }
        p if p.starts_with("/redirect/") => {
            let n: u32 = p["/redirect/".len()..].parse().unwrap();
            let next = if n > 1 {
                format!("/redirect/{}", n - 1)
            } else {
                "/hello".to_string()
            };
            format!("HTTP/1.1 302 Found\r\nLocation: {next}\r\nContent-Length: 0\r\n\r\n")
                .into_bytes()
        }
        _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found".to_vec(),
    };
    let _ = out.write_all(&response);
}

/// A local HTTP/1.1 server on a free port, one thread per connection.
fn http_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    port
}

fn build(source: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasp-shim-linux");
    std::fs::create_dir_all(&dir).unwrap();
    let exe = dir.join(source.trim_end_matches(".c"));
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/c")
        .join(source);
    cbuild::compile_checked(&[src], &exe).unwrap_or_else(|e| panic!("compiling {source}:\n{e}"));
    exe
}

#[test]
fn the_v4l2_decoder_prepares_annex_b_and_refuses_what_is_no_decoder() {
    let exe = build("v4l2_bitstream.c");
    let init = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../targets/emulator/samples/cmaf/init-0.m4s");
    let mut cmd = Command::new(&exe);
    cmd.arg(init);
    let ran = cbuild::sanitizer_env(&mut cmd).output().unwrap();
    let stdout = String::from_utf8_lossy(&ran.stdout);
    let stderr = String::from_utf8_lossy(&ran.stderr);
    assert!(ran.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("v4l2_bitstream: failures 0"),
        "{stdout}\n{stderr}"
    );
}

#[test]
fn file_backed_devices_and_http_behave_as_the_port_promises() {
    let exe = build("port.c");
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasp-shim-linux/port-work");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let port = http_server();
    let mut cmd = Command::new(&exe);
    cmd.arg(&work).arg(port.to_string());
    let ran = cbuild::sanitizer_env(&mut cmd).output().unwrap();
    let stdout = String::from_utf8_lossy(&ran.stdout);
    let stderr = String::from_utf8_lossy(&ran.stderr);
    assert!(ran.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("port: failures 0"), "{stdout}\n{stderr}");
}
