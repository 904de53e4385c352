//! The audio module (`players/audio`, `wasp_modules::AUDIO`) on the `mcu-audio`
//! profile: internet radio over HTTP/1.0 with ICY metadata (MP3 and AAC), a podcast
//! file and HLS audio-only, each played to the end. Checked: the audio units the
//! device's decoder received equal the fixture's frames (per unit, as
//! `ffmpeg -c copy -f framemd5` lists them) and together the fixture with its ICY
//! blocks removed; the now-playing screen (graphics md5); the titles from the
//! stream; guest memory at most 128 KiB.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;

use md5::{Digest, Md5};
use support::{wasp_emu, wasp_emu_script, Run, ROOT};

/// The audio module's memory: two pages.
const GUEST_LIMIT: usize = 131_072;

fn samples() -> String {
    format!("{ROOT}/samples/audio")
}

fn hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `size md5` of every packet of a framemd5 file.
fn framemd5_units(file: &str) -> Vec<(usize, String)> {
    std::fs::read_to_string(format!("{}/{file}", samples()))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split(',').map(str::trim).collect();
            (f[4].parse().unwrap(), f[5].to_string())
        })
        .collect()
}

/// `size md5` of every unit the device's decoders received (`audio-units.txt`).
fn received_units(run: &Run) -> Vec<(usize, String)> {
    std::fs::read_to_string(run.out.join("audio-units.txt"))
        .unwrap()
        .lines()
        .map(|l| {
            let (size, md5) = l.split_once(' ').unwrap();
            (size.parse().unwrap(), md5.to_string())
        })
        .collect()
}

/// The clean md5 `make.sh` committed for an ICY body.
fn clean_md5(icy_file: &str) -> String {
    std::fs::read_to_string(format!("{}/icy.md5", samples()))
        .unwrap()
        .lines()
        .find(|l| l.ends_with(&format!("  {icy_file}")))
        .map(|l| l[..32].to_string())
        .unwrap()
}

fn guest_memory(run: &Run) -> usize {
    let qoe = std::fs::read_to_string(run.out.join("qoe.json")).unwrap();
    let line = qoe
        .lines()
        .find(|l| l.contains("\"guest_memory_bytes\""))
        .unwrap();
    line.trim()
        .trim_start_matches("\"guest_memory_bytes\": ")
        .trim_end_matches(',')
        .parse()
        .unwrap()
}

fn module_log(run: &Run) -> String {
    std::fs::read_to_string(run.out.join("module.log")).unwrap()
}

/// Serves `/tone` and `/sweep` as a SHOUTcast-style server does: `HTTP/1.0 200 OK`,
/// the body until the end, then the connection closes. A request with
/// `Icy-MetaData: 1` gets the ICY body and `icy-metaint`; any other gets the clean
/// stream. Returns the port.
fn serve_radio() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || respond(stream));
        }
    });
    port
}

fn respond(mut stream: TcpStream) {
    let Some(text) = request_head(&mut stream) else {
        return;
    };
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (file, metaint, content_type) = match path.as_str() {
        "/tone" => ("tone.mp3", 4000, "audio/mpeg"),
        "/sweep" => ("sweep.aac", 3000, "audio/aacp"),
        _ => {
            let _ = stream.write_all(b"HTTP/1.0 404 Not Found\r\n\r\n");
            return;
        }
    };
    let icy = text.lines().any(|l| l.trim() == "icy-metadata: 1");
    let dir = samples();
    let (body, head) = if icy {
        (
            std::fs::read(format!("{dir}/{file}.icy")).unwrap(),
            format!(
                "HTTP/1.0 200 OK\r\ncontent-type: {content_type}\r\nicy-name: Wasp Test Radio\r\n\
                 icy-metaint: {metaint}\r\n\r\n"
            ),
        )
    } else {
        (
            std::fs::read(format!("{dir}/{file}")).unwrap(),
            format!("HTTP/1.0 200 OK\r\ncontent-type: {content_type}\r\n\r\n"),
        )
    };
    let _ = stream.write_all(head.as_bytes());
    // A radio sends in small pieces as the encoder makes them: the ICY blocks land
    // at every position of the client's reads.
    for piece in body.chunks(1399) {
        if stream.write_all(piece).is_err() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// Serves a live HLS audio playlist, `/live.m3u8`: `samples/audio/hls`'s segments,
/// two listed at the first request and one more every second after it, the list
/// with all five ending with `EXT-X-ENDLIST`; and the segments. Returns the port.
fn serve_live() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let start = std::sync::Arc::new(std::sync::OnceLock::new());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let start = std::sync::Arc::clone(&start);
            std::thread::spawn(move || {
                let Some(head) = request_head(&mut stream) else {
                    return;
                };
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let dir = format!("{}/hls", samples());
                let body = if path == "/live.m3u8" {
                    let since = start.get_or_init(std::time::Instant::now).elapsed();
                    live_playlist(&dir, 2 + since.as_secs() as usize)
                } else {
                    match std::fs::read(format!("{dir}{path}")) {
                        Ok(body) => body,
                        Err(_) => {
                            let _ = stream.write_all(b"HTTP/1.0 404 Not Found\r\n\r\n");
                            return;
                        }
                    }
                };
                let head = format!("HTTP/1.0 200 OK\r\ncontent-length: {}\r\n\r\n", body.len());
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
    port
}

/// The VOD playlist of `dir` cut to its first `count` segments, live (no end list)
/// until it holds them all.
fn live_playlist(dir: &str, count: usize) -> Vec<u8> {
    let vod = std::fs::read_to_string(format!("{dir}/sweep.m3u8")).unwrap();
    let mut out = String::new();
    let mut segments = 0;
    let total = vod.lines().filter(|l| l.ends_with(".ts")).count();
    for line in vod.lines() {
        if line.starts_with("#EXT-X-PLAYLIST-TYPE") || line.starts_with("#EXT-X-ENDLIST") {
            continue;
        }
        if line.starts_with("#EXTINF") && segments == count {
            break;
        }
        out.push_str(line);
        out.push('\n');
        if line.ends_with(".ts") {
            segments += 1;
        }
    }
    if count >= total {
        out.push_str("#EXT-X-ENDLIST\n");
    }
    out.into_bytes()
}

/// Reads a request's head (lower case).
fn request_head(stream: &mut TcpStream) -> Option<String> {
    let mut request = Vec::new();
    let mut byte = [0u8; 1];
    while !request.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => request.push(byte[0]),
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&request).to_ascii_lowercase())
}

/// `clean` as an ICY body with `metaint`, a `StreamTitle` in the first block.
fn icy_body(clean: &[u8], metaint: usize, title: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, chunk) in clean.chunks(metaint).enumerate() {
        out.extend_from_slice(chunk);
        if chunk.len() < metaint {
            break;
        }
        let block = if i == 0 {
            format!("StreamTitle='{title}';").into_bytes()
        } else {
            Vec::new()
        };
        let units = block.len().div_ceil(16);
        out.push(units as u8);
        out.extend_from_slice(&block);
        out.resize(out.len() + units * 16 - block.len(), 0);
    }
    out
}

/// Serves `/drop`: `tone.mp3` as an ICY radio that breaks. The first connection
/// announces the whole body's length but sends only the clean bytes up to 100 bytes
/// into frame 63 and closes; the next ones send the rest of the programme (a fresh
/// ICY body of the clean bytes from there). Returns the port.
fn serve_dropping_radio() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let clean = std::fs::read(format!("{}/tone.mp3", samples())).unwrap();
    // 40 % of the file is the end of frame 62: cut inside the next one.
    let cut = clean.len() * 2 / 5 + 100;
    std::thread::spawn(move || {
        for (i, mut stream) in listener.incoming().flatten().enumerate() {
            if request_head(&mut stream).is_none() {
                continue;
            }
            let (body, length) = if i == 0 {
                let whole = icy_body(&clean, 4000, "Before the drop");
                let sent = icy_body(&clean[..cut], 4000, "Before the drop");
                (sent, format!("content-length: {}\r\n", whole.len()))
            } else {
                (
                    icy_body(&clean[cut..], 4000, "After the drop"),
                    String::new(),
                )
            };
            let head = format!(
                "HTTP/1.0 200 OK\r\ncontent-type: audio/mpeg\r\nicy-metaint: 4000\r\n{length}\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    port
}

/// Runs scenario `name` against the radio server (its `127.0.0.1:0` replaced by the
/// server's port) in real time on `mcu-audio`.
fn run_radio(name: &str) -> Run {
    run_served(name, serve_radio())
}

/// Runs scenario `name` with `127.0.0.1:0` replaced by `127.0.0.1:port`, in real
/// time on `mcu-audio`.
fn run_served(name: &str, port: u16) -> Run {
    let text = std::fs::read_to_string(format!("{ROOT}/scenarios/{name}.toml")).unwrap();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-script"));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join(format!("{name}.toml"));
    std::fs::write(
        &script,
        text.replace("127.0.0.1:0/", &format!("127.0.0.1:{port}/")),
    )
    .unwrap();
    // Captured, not played on a sound card: the clock is the OS's, the same on a
    // machine with or without one.
    let extra = [
        "--real-time",
        "--audio-device",
        "none",
        "--profile",
        "mcu-audio",
    ];
    wasp_emu_script(&script, name, &extra)
}

/// `size md5` of the payload of every ADTS frame of `sweep.aac` (checked against
/// ffmpeg's framemd5 of the whole frames, and against the md5 of the clean file).
fn adts_payloads() -> Vec<(usize, String)> {
    let clean = std::fs::read(format!("{}/sweep.aac", samples())).unwrap();
    assert_eq!(hex(&clean), clean_md5("sweep.aac.icy"));
    let mut payloads = Vec::new();
    let mut at = 0;
    for (size, md5) in framemd5_units("sweep.aac.framemd5") {
        let frame = &clean[at..at + size];
        assert_eq!(hex(frame), md5);
        payloads.push((size - 7, hex(&frame[7..])));
        at += size;
    }
    assert_eq!(at, clean.len());
    payloads
}

#[test]
fn icy_mp3_radio_gives_the_decoder_the_clean_frames_and_shows_the_title() {
    let run = run_radio("audio_radio");
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // Every frame, in order, byte for byte as ffmpeg reads them from the clean file.
    let units = received_units(&run);
    assert_eq!(units, framemd5_units("tone.mp3.framemd5"));
    // MP3 frames keep their headers: together they are the clean file.
    let clean = std::fs::read(format!("{}/tone.mp3", samples())).unwrap();
    assert_eq!(hex(&clean), clean_md5("tone.mp3.icy"));
    let mut at = 0;
    for (size, md5) in &units {
        assert_eq!(&hex(&clean[at..at + size]), md5);
        at += size;
    }
    assert_eq!(at, clean.len(), "the units are the whole clean stream");
    let log = module_log(&run);
    assert!(log.contains("metaint 4000"), "{log}");
    assert!(log.contains("now playing: Test Tone - 440 Hz"), "{log}");
    assert!(
        log.contains("now playing: Guns N' Roses - Patience"),
        "{log}"
    );
    assert!(guest_memory(&run) <= GUEST_LIMIT);
}

#[test]
fn icy_aac_radio_gives_the_decoder_the_raw_aac_of_every_adts_frame() {
    let run = run_radio("audio_radio_aac");
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // ADTS frames reach the decoder without their 7-byte headers (the
    // AudioSpecificConfig goes with the decoder's configuration instead): each unit
    // is the payload of the fixture's frame, frame by frame.
    let expected = adts_payloads();
    assert_eq!(received_units(&run), expected);
    let log = module_log(&run);
    assert!(log.contains("now playing: Sweep - 200 to 1800 Hz"), "{log}");
    assert!(guest_memory(&run) <= GUEST_LIMIT);
}

#[test]
fn a_podcast_file_plays_to_the_end_frame_for_frame() {
    let run = wasp_emu(
        "audio_podcast",
        "audio_podcast",
        &["--profile", "mcu-audio"],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(received_units(&run), framemd5_units("tone.mp3.framemd5"));
    let log = module_log(&run);
    assert!(log.contains("heap high-water"), "{log}");
    assert!(guest_memory(&run) <= GUEST_LIMIT);
}

#[test]
fn hls_audio_only_plays_every_segment_to_the_end() {
    let run = wasp_emu("audio_hls", "audio_hls", &["--profile", "mcu-audio"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // The master playlist's audio-only variant; the AAC demuxed from its MPEG-TS
    // segments is the sweep's, frame for frame, across the segment boundaries.
    let log = module_log(&run);
    assert!(
        log.contains("HLS variant http://emu.local/sweep.m3u8"),
        "{log}"
    );
    assert_eq!(received_units(&run), adts_payloads());
    assert!(guest_memory(&run) <= GUEST_LIMIT);
}

#[test]
fn keys_pause_resume_and_change_station() {
    let run = wasp_emu("audio_keys", "audio_keys", &["--profile", "mcu-audio"]);
    // The script asserts paused, playing again, the end of the second station and
    // its screen ("2/2 Sweep").
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let log = module_log(&run);
    assert!(
        log.contains("station 1 http://emu.local/sweep.aac"),
        "{log}"
    );
    // The second station's frames all reach the decoder after some of the first's.
    let units = received_units(&run);
    let sweep = adts_payloads();
    assert!(units.len() > sweep.len());
    assert!(units.ends_with(&sweep));
    let tone = framemd5_units("tone.mp3.framemd5");
    let before = &units[..units.len() - sweep.len()];
    assert_eq!(before, &tone[..before.len()]);
}

#[test]
fn the_now_playing_screen_fits_a_320_by_240_panel() {
    // mcu-audio with a panel 320 pixels wide.
    let profile = std::fs::read_to_string(format!("{ROOT}/profiles/mcu-audio.toml"))
        .unwrap()
        .replace("width = 240", "width = 320")
        .replace("name = \"mcu-audio\"", "name = \"mcu-audio-320\"");
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mcu-audio-320.toml");
    std::fs::write(&path, profile).unwrap();
    let run = wasp_emu(
        "audio_podcast_320",
        "audio_podcast_320",
        &["--profile", path.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let qoe = std::fs::read_to_string(run.out.join("qoe.json")).unwrap();
    assert!(qoe.contains("\"profile\": \"mcu-audio-320\""), "{qoe}");
}

#[test]
fn live_hls_is_reloaded_until_its_end_list() {
    let run = run_served("audio_hls_live", serve_live());
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // Reloaded as it grew (two segments, then one more a second) until it ended.
    let log = module_log(&run);
    let loads = log.matches("audio: HLS playlist, ").count();
    assert!(loads >= 4, "{log}");
    assert_eq!(log.matches(", live\n").count(), loads - 1, "{log}");
    assert!(log.contains(", ended\n"), "{log}");
    // Every segment was taken once, in order.
    assert_eq!(received_units(&run), adts_payloads());
    assert!(guest_memory(&run) <= GUEST_LIMIT);
}

#[test]
fn a_stream_without_audio_frames_ends_in_error_without_a_trap() {
    let run = wasp_emu(
        "audio_garbage",
        "audio_garbage",
        &["--profile", "mcu-audio"],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(module_log(&run).contains("no audio frames"));
    assert!(received_units(&run).is_empty());
    let qoe = std::fs::read_to_string(run.out.join("qoe.json")).unwrap();
    assert!(qoe.contains("\"fault\": null"), "{qoe}");
}

#[test]
fn unannounced_metadata_blocks_cost_only_the_frames_they_hit() {
    let run = wasp_emu(
        "audio_icy_unannounced",
        "audio_icy_unannounced",
        &["--profile", "mcu-audio"],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // A frame a block lands in still comes out whole by its header's length (the
    // block's bytes inside it, for the decoder to conceal); the bytes it pushed
    // out are junk before the next sync. So: every unit is frame-sized, the clean
    // frames come in order, and the eight blocks spoil at most a frame or two each.
    let units = received_units(&run);
    let frames = framemd5_units("tone.mp3.framemd5");
    assert!(units.iter().all(|(size, _)| *size == 208 || *size == 209));
    let mut next = 0;
    let mut clean = 0;
    for unit in &units {
        if let Some(at) = frames[next..].iter().position(|f| f == unit) {
            next += at + 1;
            clean += 1;
        }
    }
    assert!(clean >= frames.len() - 16, "{clean} of {}", frames.len());
    assert!(module_log(&run).contains("format None"));
}

#[test]
fn a_dropped_radio_stream_is_reconnected_and_plays_on() {
    let run = run_served("audio_radio_drop", serve_dropping_radio());
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let log = module_log(&run);
    assert!(log.contains("stream dropped"), "{log}");
    assert!(log.contains("reconnecting to"), "{log}");
    assert!(log.contains("now playing: After the drop"), "{log}");
    // The frames before the drop and after it, in order: only those the drop cut
    // (the last of the first connection, the first of the second before sync is
    // found again) are missing.
    let units = received_units(&run);
    let frames = framemd5_units("tone.mp3.framemd5");
    let mut next = 0;
    for (i, unit) in units.iter().enumerate() {
        let at = frames[next..].iter().position(|f| f == unit);
        assert!(at.is_some(), "unit {i} is not a later clean frame");
        next += at.unwrap_or(0) + 1;
    }
    assert!(
        units.len() >= frames.len() - 3,
        "{} of {}",
        units.len(),
        frames.len()
    );
}
