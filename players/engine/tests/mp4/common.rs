//! Helpers shared by the mp4 golden tests: fixture loading and ffprobe/ffmpeg golden
//! parsing.
#![allow(dead_code)] // each test file uses a subset

use std::path::PathBuf;

use md5::{Digest, Md5};
use wasp_engine::mp4::{Movie, Progressive};

/// The engine's fixtures folder.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A fixture's bytes.
pub fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(path)).unwrap()
}

/// A golden file's text.
pub fn golden(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("goldens").join(name)).unwrap()
}

/// One ffprobe packet line: stream, pts, dts, duration (None for N/A), size, pos
/// (None when absent), keyframe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    pub stream: usize,
    pub pts: i64,
    pub dts: i64,
    pub duration: Option<i64>,
    pub size: u32,
    pub pos: Option<u64>,
    pub keyframe: bool,
}

/// Parses `ffprobe -show_entries packet=stream_index,pts,dts,duration,size[,pos],flags
/// -of csv=p=0` output (side-data lines and blank lines skipped).
pub fn packets(text: &str, with_pos: bool) -> Vec<Packet> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let flags = if with_pos { f[6] } else { f[5] };
            Packet {
                stream: f[0].parse().unwrap(),
                pts: f[1].parse().unwrap(),
                dts: f[2].parse().unwrap(),
                duration: f[3].parse().ok(),
                size: f[4].parse().unwrap(),
                pos: if with_pos {
                    Some(f[5].parse().unwrap())
                } else {
                    None
                },
                keyframe: flags.starts_with('K'),
            }
        })
        .collect()
}

/// The per-packet md5s of a framemd5 golden, per stream, in order.
pub fn framemd5(text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let stream: usize = f[0].parse().unwrap();
        if out.len() <= stream {
            out.resize(stream + 1, Vec::new());
        }
        out[stream].push(f[5].to_string());
    }
    out
}

/// Hex md5 of bytes.
pub fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `extradata` of every stream in a `streams.json` golden (ffprobe's hex dump).
pub fn extradata(json: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for line in json.lines() {
        let Some(rest) = line.trim().strip_prefix("\"extradata\": \"") else {
            continue;
        };
        let mut bytes = Vec::new();
        for dump in rest.split("\\n").filter(|d| d.contains(": ")) {
            let hex = &dump[dump.find(": ").unwrap() + 2..];
            let hex = &hex[..hex.find("  ").unwrap_or(hex.len())];
            let hex: String = hex.chars().filter(|c| !c.is_whitespace()).collect();
            for i in (0..hex.len()).step_by(2) {
                bytes.push(u8::from_str_radix(&hex[i..i + 2], 16).unwrap());
            }
        }
        out.push(bytes);
    }
    out
}

/// Parses a progressive file and checks every sample, in file order, against
/// ffprobe's packets (stream, pts, dts, duration, size, pos, keyframe) and the
/// payload md5s of ffmpeg's framemd5. Returns the movie.
pub fn check_progressive(bytes: &[u8], packets_csv: &str, framemd5_text: &str) -> Movie {
    let movie = Progressive::parse(bytes).unwrap();
    let expected = packets(packets_csv, true);
    let md5s = framemd5(framemd5_text);
    let mut seen = vec![0usize; movie.tracks.len()];
    let mut count = 0;
    for ((track, sample), want) in movie.interleaved().zip(&expected) {
        let au = movie.tracks[track].access_unit(&sample);
        let got = Packet {
            stream: track,
            pts: au.pts,
            dts: au.dts,
            duration: Some(au.duration),
            size: au.size,
            pos: Some(au.ranges[0].offset),
            keyframe: au.keyframe,
        };
        assert_eq!(&got, want, "packet {count}");
        let payload = au.gather(bytes).unwrap();
        assert_eq!(
            md5_hex(&payload),
            md5s[track][seen[track]],
            "md5 of packet {count}"
        );
        seen[track] += 1;
        count += 1;
    }
    assert_eq!(count, expected.len(), "sample count");
    assert_eq!(movie.interleaved().count(), expected.len());
    movie
}
