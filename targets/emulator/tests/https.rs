//! HTTPS in real time: `wasp-emu play --real-time` plays the progressive sample from
//! an HTTPS server on 127.0.0.1 (rustls, with the test CA of
//! `shims/emulator/tests/tls`), showing ffmpeg's pictures, when `SSL_CERT_FILE`
//! names that CA; with Mozilla's roots the same server is refused and the run
//! fails; a `SSL_CERT_FILE` that holds no certificate is a usage error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use support::{hashes, ROOT};

const TLS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shims/emulator/tests/tls"
);

/// Serves the files under `root` over HTTPS (GET, `Range: bytes=a-b` and `a-`), one
/// thread per connection, each response closing its connection. Returns the port.
fn serve_https(root: PathBuf) -> u16 {
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(format!("{TLS}/server.pem"))
            .unwrap()
            .map(Result::unwrap)
            .collect();
    let key = PrivateKeyDer::from_pem_file(format!("{TLS}/server.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (config, root) = (Arc::clone(&config), root.clone());
            std::thread::spawn(move || {
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                respond(rustls::StreamOwned::new(conn, stream), &root);
            });
        }
    });
    port
}

fn respond(mut tls: rustls::StreamOwned<rustls::ServerConnection, TcpStream>, root: &Path) {
    let mut request = Vec::new();
    let mut byte = [0u8; 1];
    while !request.ends_with(b"\r\n\r\n") {
        match tls.read(&mut byte) {
            Ok(1) => request.push(byte[0]),
            _ => return, // a client that refused the certificate ends here
        }
    }
    let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    let Ok(body) = std::fs::read(root.join(path.trim_start_matches('/'))) else {
        let _ = tls
            .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        return;
    };
    let range = text
        .lines()
        .find_map(|l| l.strip_prefix("range: bytes="))
        .and_then(|r| r.trim().split_once('-'))
        .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok())));
    let (head, part) = match range {
        Some((a, b)) if a < body.len() => {
            let end = b.map_or(body.len(), |b| (b + 1).min(body.len()));
            let head = format!(
                "HTTP/1.1 206 Partial Content\r\ncontent-range: bytes {a}-{}/{}\r\n",
                end - 1,
                body.len()
            );
            (head, &body[a..end])
        }
        _ => ("HTTP/1.1 200 OK\r\n".to_string(), &body[..]),
    };
    let head = format!(
        "{head}content-length: {}\r\ncontent-type: video/mp4\r\nconnection: close\r\n\r\n",
        part.len()
    );
    let _ = tls.write_all(head.as_bytes());
    let _ = tls.write_all(part);
    tls.conn.send_close_notify();
    let _ = tls.flush();
}

/// `wasp-emu play --real-time` of `url` for `seconds`, with `SSL_CERT_FILE` set to
/// `ca` (or unset): exit code, stderr, and the md5 column of the frame log.
fn play(url: &str, seconds: &str, ca: Option<&str>, out: &str) -> (i32, String, Vec<String>) {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(out);
    let _ = std::fs::remove_dir_all(&out);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasp-emu"));
    cmd.args([
        "play",
        "--real-time",
        "--audio-device",
        "none",
        "--duration",
        seconds,
    ])
    .arg("--out")
    .arg(&out)
    .arg(url)
    .env_remove("SSL_CERT_FILE");
    if let Some(ca) = ca {
        cmd.env("SSL_CERT_FILE", ca);
    }
    let output = cmd.output().unwrap();
    let frames = std::fs::read_to_string(out.join("frames.framemd5")).unwrap_or_default();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        hashes(&frames),
    )
}

fn golden_md5s() -> Vec<String> {
    hashes(
        &std::fs::read_to_string(format!("{ROOT}/samples/goldens/progressive.framemd5")).unwrap(),
    )
}

#[test]
fn https_plays_from_a_server_the_named_ca_vouches_for() {
    let port = serve_https(PathBuf::from(format!("{ROOT}/samples")));
    let url = format!("https://localhost:{port}/progressive/sample.mp4");
    let (code, stderr, got) = play(&url, "3", Some(&format!("{TLS}/ca.pem")), "https-ok");
    // The run stops at its duration while the stream goes on: exit 0.
    assert_eq!(code, 0, "{stderr}");
    let golden = golden_md5s();
    // Three seconds in real time: pictures, each one of ffmpeg's, in order, starting
    // with the first (a real-time device drops late pictures on a busy machine, so
    // the log is a subsequence of the golden, and at least 10 of 75 are asked for).
    assert!(got.len() >= 10, "only {} pictures over HTTPS", got.len());
    assert_eq!(got[0], golden[0]);
    let mut rest = golden.iter();
    for (i, md5) in got.iter().enumerate() {
        assert!(
            rest.any(|g| g == md5),
            "picture {i} ({md5}) is not ffmpeg's next"
        );
    }
}

#[test]
fn https_refuses_a_server_outside_the_trusted_roots() {
    let port = serve_https(PathBuf::from(format!("{ROOT}/samples")));
    let url = format!("https://localhost:{port}/progressive/sample.mp4");
    // Mozilla's roots do not include the test CA: the connection is refused, no
    // picture is shown and the run fails with the module's network error.
    let (code, stderr, got) = play(&url, "3", None, "https-untrusted");
    assert!(
        got.is_empty(),
        "{} pictures from an untrusted server",
        got.len()
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("the player stopped with an error"),
        "{stderr}"
    );
}

#[test]
fn an_ssl_cert_file_without_certificates_is_a_usage_error() {
    let (code, stderr, _) = play(
        "https://localhost:9/x.mp4",
        "1",
        Some(&format!("{TLS}/server.key")),
        "https-bad-ca",
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("SSL_CERT_FILE") && stderr.contains("no certificate"),
        "{stderr}"
    );
}
