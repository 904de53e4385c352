//! The firmware (`main.c`) built with `cc` against `libwasp.a` and the Linux port,
//! playing the emulator's samples headless on the virtual clock through the real
//! TV module: the frame log equals ffmpeg's framemd5 golden exactly (header
//! included, `#software` aside) and the audio log equals ffmpeg's decoded audio
//! (`fixtures/make-goldens.sh`) line for line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use wasp_shim_linux::cbuild;

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../emulator/samples");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");

fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("tv-stick")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The firmware executable and the TV module, built once per test run.
fn firmware() -> &'static (PathBuf, PathBuf) {
    static BUILT: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tv-stick");
        std::fs::create_dir_all(&dir).unwrap();
        let exe = dir.join("tv-stick");
        cbuild::compile_checked(&[PathBuf::from(wasp_tv_stick::MAIN_C)], &exe)
            .unwrap_or_else(|e| panic!("compiling main.c:\n{e}"));
        let module = dir.join("wasp-tv.wasm");
        std::fs::write(&module, wasp_modules::TV).unwrap();
        (exe, module)
    })
}

fn tv_stick(args: &[&str]) -> Output {
    let (exe, module) = firmware();
    let mut cmd = Command::new(exe);
    cmd.arg("--module").arg(module).args(args);
    cbuild::sanitizer_env(&mut cmd).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A framemd5 file without its `#software` line.
fn golden(path: &str) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("#software"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Panics with the first differing line when `got` is not `want`.
fn assert_same(what: &str, got: &str, want: &str) {
    let (got_lines, want_lines): (Vec<&str>, Vec<&str>) =
        (got.lines().collect(), want.lines().collect());
    let mismatch =
        (0..got_lines.len().max(want_lines.len())).find(|&i| got_lines.get(i) != want_lines.get(i));
    if let Some(i) = mismatch {
        panic!(
            "{what}: line {i} of {} (golden {}):\n got {:?}\nwant {:?}",
            got_lines.len(),
            want_lines.len(),
            got_lines.get(i),
            want_lines.get(i)
        );
    }
}

/// Plays `url` (under samples/) to its end and compares both logs.
fn plays_golden(url: &str, config: &str, timebase: &str, video: &str, audio: &str) {
    let dir = work_dir(&url.replace('/', "_"));
    let frames = dir.join("frames.framemd5");
    let sound = dir.join("audio.framemd5");
    let out = tv_stick(&[
        "--virtual-clock",
        "--size",
        "64x36",
        "--max-seconds",
        "60",
        "--timebase",
        timebase,
        "--frame-log",
        frames.to_str().unwrap(),
        "--audio-log",
        sound.to_str().unwrap(),
        "--set",
        config,
        &format!("file://{SAMPLES}/{url}"),
    ]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("tv-stick: ended after "), "{text}");
    assert!(
        text.contains("500 pictures shown, 939 audio frames decoded"),
        "{text}"
    );
    assert_same(
        "frame log",
        &std::fs::read_to_string(&frames).unwrap(),
        &golden(&format!("{SAMPLES}/goldens/{video}")),
    );
    assert_same(
        "audio log",
        &std::fs::read_to_string(&sound).unwrap(),
        &golden(&format!("{FIXTURES}/{audio}")),
    );
}

#[test]
fn cmaf_hls_plays_ffmpegs_pictures_and_audio() {
    plays_golden(
        "cmaf/master.m3u8",
        "max_bitrate=140000",
        "12800",
        "cmaf_v0.framemd5",
        "cmaf.audio.framemd5",
    );
}

#[test]
fn dash_plays_ffmpegs_pictures_and_audio() {
    plays_golden(
        "cmaf/manifest.mpd",
        "max_bitrate=70000",
        "12800",
        "cmaf_v0.framemd5",
        "cmaf.audio.framemd5",
    );
}

#[test]
fn progressive_mp4_plays_ffmpegs_pictures_and_audio() {
    // The same AAC stream as the CMAF rendition, on the same timeline.
    plays_golden(
        "progressive/sample.mp4",
        "title=progressive",
        "12800",
        "progressive.framemd5",
        "cmaf.audio.framemd5",
    );
}

#[test]
fn hls_ts_plays_ffmpegs_pictures_and_audio() {
    plays_golden(
        "hls-ts/master.m3u8",
        "max_bitrate=110000",
        "90000",
        "hls-ts_v0.framemd5",
        "hls-ts_v0.audio.framemd5",
    );
}

/// Serves one request for a file under samples/: `/moved/REST` redirects to
/// `/REST`; playlists and manifests go out chunked, segments with a length;
/// `Range: bytes=A-B` gets 206.
fn serve_sample(stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut range = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
        if let Some(r) = header.to_ascii_lowercase().strip_prefix("range: bytes=") {
            let (a, b) = r.trim().split_once('-').unwrap();
            range = Some((a.parse::<usize>().unwrap(), b.parse::<usize>().ok()));
        }
    }
    let mut out = stream;
    if let Some(rest) = path.strip_prefix("/moved/") {
        let moved = format!("HTTP/1.1 302 Found\r\nLocation: /{rest}\r\nContent-Length: 0\r\n\r\n");
        let _ = out.write_all(moved.as_bytes());
        return;
    }
    let Ok(body) = std::fs::read(format!("{SAMPLES}{path}")) else {
        let _ = out.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let response = match range {
        Some((a, b)) => {
            let end = b.map_or(body.len(), |b| (b + 1).min(body.len()));
            let head = format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\n\r\n",
                end - a
            );
            [head.as_bytes(), &body[a..end]].concat()
        }
        None if path.ends_with(".m3u8") || path.ends_with(".mpd") => {
            let mut r = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            for chunk in body.chunks(100) {
                r.extend(format!("{:x}\r\n", chunk.len()).as_bytes());
                r.extend(chunk);
                r.extend(b"\r\n");
            }
            r.extend(b"0\r\n\r\n");
            r
        }
        None => {
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
            [head.as_bytes(), &body].concat()
        }
    };
    let _ = out.write_all(&response);
}

#[test]
fn hls_ts_over_http_plays_ffmpegs_pictures() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve_sample(stream));
        }
    });
    let dir = work_dir("http");
    let frames = dir.join("frames.framemd5");
    // Through a redirect: relative playlist URLs resolve against the final URL.
    // /dev/null is no V4L2 decoder: video decodes in software.
    let out = tv_stick(&[
        "--v4l2",
        "/dev/null",
        "--virtual-clock",
        "--size",
        "32x18",
        "--max-seconds",
        "60",
        "--frame-log",
        frames.to_str().unwrap(),
        "--set",
        "max_bitrate=110000",
        &format!("http://127.0.0.1:{port}/moved/hls-ts/master.m3u8"),
    ]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("/dev/null: not a V4L2 device; decoding in software"),
        "{text}"
    );
    assert_same(
        "frame log",
        &std::fs::read_to_string(&frames).unwrap(),
        &golden(&format!("{SAMPLES}/goldens/hls-ts_v0.framemd5")),
    );
}

#[test]
fn the_monotonic_clock_plays_in_real_time() {
    let dir = work_dir("real-time");
    let frames = dir.join("frames.framemd5");
    // 1.5 s of wall time: no end (exit 1), and pictures at the stream's pace.
    let out = tv_stick(&[
        "--size",
        "32x18",
        "--max-seconds",
        "1.5",
        "--frame-log",
        frames.to_str().unwrap(),
        "--set",
        "max_bitrate=110000",
        &format!("{SAMPLES}/hls-ts/master.m3u8"),
    ]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("no end after 1.500 s"), "{text}");
    let shown = std::fs::read_to_string(&frames)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .count();
    // 25 frames/s: at most 38 in 1.5 s; a loaded machine starts later.
    assert!((5..=40).contains(&shown), "{shown} pictures in 1.5 s");
}

#[test]
fn the_screen_shows_every_picture_on_the_framebuffer_file() {
    let dir = work_dir("screen");
    let (fb, screens, kv) = (dir.join("fb.rgb"), dir.join("screen.md5"), dir.join("kv"));
    let config = dir.join("tv-stick.conf");
    // Settings from a file (comments, spaces), the URL on the command line.
    std::fs::write(
        &config,
        format!(
            "# headless TV stick\nvirtual-clock = 1\nsize = 32x18\nfbdev = {}\n\
             screen-log = {}\nkv = {}\nset = max_bitrate=110000\nmax-seconds = 60\n",
            fb.display(),
            screens.display(),
            kv.display()
        ),
    )
    .unwrap();
    let out = tv_stick(&[
        "--config",
        config.to_str().unwrap(),
        &format!("{SAMPLES}/hls-ts/master.m3u8"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = std::fs::read_to_string(&screens).unwrap();
    // One composed picture per video picture at least (and per UI frame).
    assert!(
        log.lines().count() >= 500,
        "{} screens",
        log.lines().count()
    );
    // The framebuffer file holds the last one: 32 x 18 RGB888.
    let picture = std::fs::read(&fb).unwrap();
    assert_eq!(picture.len(), 32 * 18 * 3);
    // `<pts µs of the picture on it, or -> <md5>`: the last screen shows a picture.
    let last = log.lines().last().unwrap();
    let (pts, last) = last.split_once(' ').unwrap();
    assert!(pts.parse::<i64>().is_ok(), "{pts}");
    let md5 = Command::new("md5sum").arg(&fb).output().unwrap();
    assert!(String::from_utf8_lossy(&md5.stdout).starts_with(last));
    // testsrc2 is colourful: not a black screen.
    assert!(picture.iter().any(|&b| b > 64));
}

#[test]
fn audio_plays_on_an_alsa_device() {
    // alsa-lib's `null` PCM: a real ALSA device that needs no sound card.
    let out = tv_stick(&[
        "--virtual-clock",
        "--size",
        "32x18",
        "--alsa",
        "null",
        "--set",
        "max_bitrate=110000",
        &format!("{SAMPLES}/hls-ts/master.m3u8"),
    ]);
    let text = stderr(&out);
    if !wasp_shim_linux::has_alsa() {
        // Built without alsa-lib: asking for ALSA is a configuration error.
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(text.contains("built without alsa-lib"), "{text}");
        return;
    }
    assert_eq!(out.status.code(), Some(0), "{text}");
    // 20 s at 48 kHz (the sound plays to the end of its last AAC frame).
    let played: u64 = text
        .lines()
        .find_map(|l| l.strip_suffix(" sample frames played on ALSA"))
        .and_then(|l| l.strip_prefix("tv-stick: "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no ALSA count: {text}"));
    assert!((955_000..=965_000).contains(&played), "{played}");
}

#[test]
fn the_shipped_configuration_parses() {
    // tv-stick.conf names device paths this machine does not have: the firmware
    // reads every line, then fails on the first device it opens (exit 2), not
    // on a setting.
    let out = tv_stick(&[
        "--config",
        concat!(env!("CARGO_MANIFEST_DIR"), "/tv-stick.conf"),
        "--module",
        firmware().1.to_str().unwrap(),
        "--drm",
        "/nonexistent/card0",
        "--fbdev",
        "/nonexistent/fb0",
        "--file-root",
        env!("CARGO_MANIFEST_DIR"),
    ]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(!text.contains("bad setting"), "{text}");
    assert!(text.contains("/nonexistent/fb0"), "{text}");
}

#[test]
fn usage_errors_exit_with_status_2() {
    let dir = work_dir("usage");
    let bad = dir.join("bad.conf");
    std::fs::write(&bad, "size = 0x0\n").unwrap();
    for args in [
        &[][..],
        &["--size"][..],
        &["--size", "huge", "x.m3u8"][..],
        &["--unknown", "1", "x.m3u8"][..],
        &["--config", "/nonexistent/tv-stick.conf", "x.m3u8"][..],
        &["--config", bad.to_str().unwrap(), "x.m3u8"][..],
        &["--module", "/nonexistent.wasm", "x.m3u8"][..],
        // A local stream's folder is where its fetches are confined: it must exist.
        &["/nonexistent/master.m3u8"][..],
    ] {
        let out = tv_stick(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("tv-stick:"), "{args:?}");
    }
}

#[test]
fn a_missing_stream_fails_with_status_1() {
    let out = tv_stick(&[
        "--virtual-clock",
        "--size",
        "32x18",
        "--max-seconds",
        "30",
        &format!("{SAMPLES}/hls-ts/missing.m3u8"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}
