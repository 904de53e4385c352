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

/// CRC-32/MPEG-2 (ISO/IEC 13818-1 Annex A).
pub fn crc32(data: &[u8]) -> u32 {
    data.iter().fold(0xffff_ffff_u32, |mut crc, &byte| {
        crc ^= u32::from(byte) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04c1_1db7
            } else {
                crc << 1
            };
        }
        crc
    })
}

/// The 5 bytes of a PES timestamp with its 4-bit prefix.
pub fn timestamp_bytes(prefix: u8, ts: u64) -> [u8; 5] {
    [
        (prefix << 4) | (((ts >> 29) & 0x0e) as u8) | 1,
        (ts >> 22) as u8,
        (((ts >> 14) & 0xfe) as u8) | 1,
        (ts >> 7) as u8,
        (((ts << 1) & 0xfe) as u8) | 1,
    ]
}

/// Builds transport streams for tests.
#[derive(Default)]
pub struct TsWriter {
    pub out: Vec<u8>,
    counters: std::collections::HashMap<u16, u8>,
}

impl TsWriter {
    /// One packet: `payload` (at most 184 bytes; shorter is padded with an adaptation
    /// field of stuffing).
    pub fn packet(&mut self, pid: u16, unit_start: bool, payload: &[u8]) {
        assert!(payload.len() <= 184);
        let cc = self.counters.entry(pid).or_insert(15);
        *cc = (*cc + 1) & 15;
        let mut p = vec![
            0x47,
            ((pid >> 8) as u8) | if unit_start { 0x40 } else { 0 },
            pid as u8,
        ];
        if payload.len() == 184 {
            p.push(0x10 | *cc);
        } else {
            let af = 183 - payload.len();
            p.push(0x30 | *cc);
            p.push(af as u8);
            if af > 0 {
                p.push(0);
                p.resize(5 + af, 0xff);
            }
        }
        p.extend_from_slice(payload);
        assert_eq!(p.len(), 188);
        self.out.extend(p);
    }

    /// A PSI section (CRC appended) in one packet.
    pub fn section(&mut self, pid: u16, section: &[u8]) {
        let mut body = vec![0];
        body.extend_from_slice(section);
        body.extend_from_slice(&crc32(section).to_be_bytes());
        body.resize(184, 0xff);
        self.packet(pid, true, &body);
    }

    /// A PAT with one program whose PMT is on 0x1000, and that PMT listing
    /// `(stream_type, pid, descriptors)`.
    pub fn tables(&mut self, streams: &[(u8, u16, &[u8])]) {
        self.section(0, &[0x00, 0xb0, 0x0d, 0, 1, 0xc1, 0, 0, 0, 1, 0xf0, 0x00]);
        let mut pmt = vec![0x02, 0xb0, 0, 0, 1, 0xc1, 0, 0, 0xe1, 0x00, 0xf0, 0x00];
        for &(stream_type, pid, descriptors) in streams {
            pmt.extend_from_slice(&[
                stream_type,
                0xe0 | (pid >> 8) as u8,
                pid as u8,
                0xf0,
                descriptors.len() as u8,
            ]);
            pmt.extend_from_slice(descriptors);
        }
        pmt[2] = (pmt.len() + 4 - 3) as u8;
        self.section(0x1000, &pmt);
    }

    /// A PES with a PTS, cut into packets whose payloads have the sizes in `cuts`
    /// (the last size repeats).
    pub fn pes(&mut self, pid: u16, stream_id: u8, pts: u64, payload: &[u8], cuts: &[usize]) {
        self.pes_timed(pid, stream_id, Some(pts), payload, cuts);
    }

    /// A PES with or without a PTS (with `PES_packet_length` when it fits).
    pub fn pes_timed(
        &mut self,
        pid: u16,
        stream_id: u8,
        pts: Option<u64>,
        payload: &[u8],
        cuts: &[usize],
    ) {
        let mut pes = vec![0, 0, 1, stream_id];
        let header = if pts.is_some() { 8 } else { 3 };
        let length = payload.len() + header;
        pes.extend_from_slice(&(if length > 0xffff { 0 } else { length as u16 }).to_be_bytes());
        match pts {
            Some(pts) => {
                pes.extend_from_slice(&[0x80, 0x80, 5]);
                pes.extend_from_slice(&timestamp_bytes(2, pts));
            }
            None => pes.extend_from_slice(&[0x80, 0x00, 0]),
        }
        pes.extend_from_slice(payload);
        let mut rest = &pes[..];
        let mut first = true;
        let mut n = 0;
        while !rest.is_empty() {
            let size = cuts
                .get(n)
                .or(cuts.last())
                .copied()
                .unwrap_or(184)
                .min(184)
                .min(rest.len());
            n += 1;
            self.packet(pid, first, &rest[..size]);
            first = false;
            rest = &rest[size..];
        }
    }
}

/// An ADTS frame of `len` bytes (AAC-LC, 48 kHz, stereo) filled with `fill`.
pub fn adts_frame(len: usize, fill: u8) -> Vec<u8> {
    let mut f = vec![fill; len];
    f[..7].copy_from_slice(&[
        0xff,
        0xf1,
        0x4c,
        0x80 | (len >> 11) as u8,
        (len >> 3) as u8,
        (((len & 7) << 5) as u8) | 0x1f,
        0xfc,
    ]);
    f
}
