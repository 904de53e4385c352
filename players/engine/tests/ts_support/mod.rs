//! Helpers shared by the TS and elementary-stream golden tests: fixtures, ffprobe
//! goldens, and running a push demuxer over chunked input.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)] // test code

use md5::{Digest, Md5};
use std::path::PathBuf;
use wasp_engine::media::{AccessUnit, Demuxer, Event, Metadata, TrackInfo};

/// The bytes of `fixtures/<path>`.
pub fn fixture(path: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn golden(name: &str) -> String {
    String::from_utf8(fixture(&format!("goldens/{name}"))).unwrap()
}

/// One line of `<file>.packets.csv` (ffprobe).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    pub stream: u32,
    pub pts: i64,
    pub dts: i64,
    pub duration: i64,
    pub size: u32,
    pub pos: Option<u64>,
    pub keyframe: bool,
}

/// The packets of a fixture, in ffprobe's order.
pub fn packets(name: &str) -> Vec<Packet> {
    golden(&format!("{name}.packets.csv"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Packet {
                stream: f[0].parse().unwrap(),
                pts: f[1].parse().unwrap(),
                dts: f[2].parse().unwrap(),
                duration: f[3].parse().unwrap(),
                size: f[4].parse().unwrap(),
                pos: f[5].parse().ok(),
                keyframe: f[6].starts_with('K'),
            }
        })
        .collect()
}

/// The md5s of `<file>.framemd5`, per stream, in packet order.
pub fn md5s(name: &str, stream: u32) -> Vec<(u32, String)> {
    golden(&format!("{name}.framemd5"))
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').map(str::trim).collect();
            (f[0].parse::<u32>().ok()? == stream).then(|| (f[4].parse().unwrap(), f[5].to_string()))
        })
        .collect()
}

/// The md5 of `bytes` in hex.
pub fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a demuxer said about an input.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub tracks: Vec<TrackInfo>,
    pub units: Vec<AccessUnit>,
    pub metadata: Vec<Metadata>,
    /// Every event's kind in order ('T', 'S', 'M') with its track.
    pub order: Vec<(char, u32)>,
}

impl Output {
    /// The units of one track.
    pub fn track(&self, id: u32) -> Vec<&AccessUnit> {
        self.units.iter().filter(|u| u.track == id).collect()
    }
}

/// Pushes `input` in `chunk`-byte pieces, then finishes.
pub fn run(demuxer: &mut dyn Demuxer, input: &[u8], chunk: usize) -> Output {
    let mut out = Output::default();
    let mut sink = |e: Event| match e {
        Event::Track(t) => {
            out.order.push(('T', t.id));
            out.tracks.push(t)
        }
        Event::Sample(u) => {
            out.order.push(('S', u.track));
            out.units.push(u)
        }
        Event::Metadata(m) => {
            out.order.push(('M', m.track));
            out.metadata.push(m)
        }
    };
    for piece in input.chunks(chunk.max(1)) {
        demuxer.push(piece, &mut sink).unwrap();
    }
    demuxer.finish(&mut sink).unwrap();
    out
}

/// Every unit's ranges lie inside the input and sum to its size.
pub fn assert_ranges_sound(out: &Output, input: &[u8]) {
    for u in &out.units {
        let sum: u64 = u.ranges.iter().map(|r| u64::from(r.length)).sum();
        assert_eq!(sum, u64::from(u.size));
        assert!(u.gather(input).is_some(), "unit outside the input: {u:?}");
    }
}

/// The extradata of stream `index` in `<file>.streams.json`, from ffprobe's hex dump.
pub fn extradata(name: &str, index: usize) -> Vec<u8> {
    let json = golden(&format!("{name}.streams.json"));
    // The top-level "streams" array comes after "programs"; take the index-th
    // "extradata" after it.
    let streams = &json[json.rfind("\"streams\"").unwrap()..];
    let field = streams.split("\"extradata\": \"").nth(index + 1).unwrap();
    let dump = &field[..field.find('"').unwrap()];
    let mut bytes = Vec::new();
    for line in dump.split("\\n").filter(|l| l.contains(':')) {
        // "00000000: 0000 0167 ...  ascii": hex groups between the colon and two spaces.
        let hex = line.split_once(": ").unwrap().1;
        let hex = hex.split("  ").next().unwrap();
        for group in hex.split(' ').filter(|g| !g.is_empty()) {
            for i in (0..group.len()).step_by(2) {
                bytes.push(u8::from_str_radix(&group[i..i + 2], 16).unwrap());
            }
        }
    }
    bytes
}

/// The NAL units of an Annex B byte string (trailing zeros removed).
pub fn annex_b_units(data: &[u8]) -> Vec<Vec<u8>> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= data.len() {
        if data[i..i + 3] == [0, 0, 1] {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    starts
        .iter()
        .enumerate()
        .map(|(n, &s)| {
            let end = starts.get(n + 1).map_or(data.len(), |&next| next - 3);
            let mut unit = data[s..end].to_vec();
            while unit.last() == Some(&0) {
                unit.pop();
            }
            unit
        })
        .collect()
}

/// An independent reading of one PID's PES payload: every payload byte (PES headers
/// left out) with its input offset.
pub fn pes_payload(input: &[u8], pid: u16) -> (Vec<u8>, Vec<u64>) {
    let (mut bytes, mut offsets) = (Vec::new(), Vec::new());
    for (n, packet) in input.chunks_exact(188).enumerate() {
        let this = ((u16::from(packet[1]) & 0x1f) << 8) | u16::from(packet[2]);
        if this != pid || packet[3] & 0x10 == 0 {
            continue;
        }
        let mut start = 4;
        if packet[3] & 0x20 != 0 {
            start += 1 + packet[4] as usize;
        }
        if packet[1] & 0x40 != 0 {
            start += 9 + packet[start + 8] as usize;
        }
        for (i, &b) in packet.iter().enumerate().skip(start) {
            bytes.push(b);
            offsets.push((n * 188 + i) as u64);
        }
    }
    (bytes, offsets)
}
