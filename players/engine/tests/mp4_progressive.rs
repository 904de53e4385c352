#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Progressive MP4 against ffprobe/ffmpeg goldens: every sample's timestamps, size,
//! file position, keyframe flag and payload md5; the codec configurations; the range
//! requests that find `moov` at either end of the file.

#[path = "mp4/common.rs"]
mod common;

use common::*;
use wasp_engine::media::{ByteRange, Codec};
use wasp_engine::mp4::{Movie, Progressive, PROBE_LEN};

/// Checks every sample of `file` against its goldens.
fn check_against_goldens(file: &str) {
    let bytes = fixture(&format!("progressive/{file}"));
    check_progressive(
        &bytes,
        &golden(&format!("progressive_{file}.packets.csv")),
        &golden(&format!("progressive_{file}.framemd5")),
    );
}

#[test]
fn faststart_samples_match_ffprobe_and_framemd5() {
    check_against_goldens("faststart.mp4");
}

#[test]
fn moov_at_end_samples_match_ffprobe_and_framemd5() {
    check_against_goldens("moov-at-end.mp4");
}

#[test]
fn codec_configs_match_ffmpeg_extradata() {
    for file in ["faststart.mp4", "moov-at-end.mp4"] {
        let movie = Progressive::parse(&fixture(&format!("progressive/{file}"))).unwrap();
        let extradata = extradata(&golden(&format!("progressive_{file}.streams.json")));
        let v = &movie.tracks[0].info;
        assert_eq!(
            (v.codec, v.width, v.height, v.timescale),
            (Codec::H264, 320, 180, 12_800)
        );
        assert_eq!(v.config, extradata[0], "avcC");
        let a = &movie.tracks[1].info;
        assert_eq!(
            (a.codec, a.sample_rate, a.channels, a.timescale),
            (Codec::Aac, 48_000, 2, 48_000)
        );
        assert_eq!(a.config, extradata[1], "AudioSpecificConfig");
        assert_eq!(a.config, [0x11, 0x90, 0x56, 0xe5, 0x00]);
        // ffmpeg's edit lists: one frame of B-frame delay, 1024 samples of priming.
        assert_eq!(movie.tracks[0].edit.shift(), -512);
        assert_eq!(movie.tracks[1].edit.shift(), -1024);
        assert!(!movie.fragmented);
    }
}

/// Drives the range-request walk; returns the movie and the requests made.
fn walk(bytes: &[u8]) -> (Movie, Vec<ByteRange>) {
    let mut p = Progressive::new(bytes.len() as u64);
    let mut requests = Vec::new();
    while let Some(r) = p.next_fetch() {
        requests.push(r);
        assert!(requests.len() < 10, "too many requests: {requests:?}");
        let start = r.offset as usize;
        let end = (start + r.length as usize).min(bytes.len());
        p.feed(r.offset, &bytes[start..end]).unwrap();
    }
    (p.into_movie().unwrap(), requests)
}

#[test]
fn faststart_moov_is_found_in_the_first_request() {
    let bytes = fixture("progressive/faststart.mp4");
    let (movie, requests) = walk(&bytes);
    assert_eq!(
        requests,
        [ByteRange {
            offset: 0,
            length: PROBE_LEN
        }]
    );
    assert_eq!(movie.tracks.len(), 2);
}

#[test]
fn moov_at_end_is_reached_by_skipping_mdat_not_reading_it() {
    let bytes = fixture("progressive/moov-at-end.mp4");
    let (movie, requests) = walk(&bytes);
    let fetched: u64 = requests.iter().map(|r| u64::from(r.length)).sum();
    assert!(fetched < 2 * u64::from(PROBE_LEN), "{requests:?}");
    assert_eq!(movie, Progressive::parse(&bytes).unwrap());
    // The second request starts at the box after mdat.
    assert!(
        requests.len() >= 2 && requests[1].offset > 100_000,
        "{requests:?}"
    );
}

#[test]
fn headers_and_moov_arriving_in_small_pieces_are_gathered() {
    for file in ["faststart.mp4", "moov-at-end.mp4"] {
        let bytes = fixture(&format!("progressive/{file}"));
        for limit in [3, 100] {
            // A server (or a fetch delivering its body in pieces) answering at most
            // `limit` bytes at a time.
            let mut p = Progressive::new(bytes.len() as u64);
            let mut fed = 0;
            while let Some(r) = p.next_fetch() {
                let start = r.offset as usize;
                let end = (start + limit).min(start + r.length as usize);
                p.feed(r.offset, &bytes[start..end]).unwrap();
                fed += 1;
                assert!(fed < 10_000);
            }
            assert_eq!(p.into_movie().unwrap(), Progressive::parse(&bytes).unwrap());
        }
    }
}

#[test]
fn seeking_finds_the_keyframe_at_or_before_a_time() {
    let movie = Progressive::parse(&fixture("progressive/faststart.mp4")).unwrap();
    // Keyframes every 25 frames (1 s = 12800 ticks) at pts 0, 12800, 25600, 38400.
    let s = movie.find_sample_at(0, 30_000).unwrap();
    let au = movie.tracks[0].access_unit(&s);
    assert_eq!((s.index, au.pts, au.keyframe), (50, 25_600, true));
    let s = movie.find_sample_at(0, 25_600).unwrap();
    assert_eq!(s.index, 50);
    let s = movie.find_sample_at(0, 25_599).unwrap();
    assert_eq!(s.index, 25);
    assert_eq!(movie.find_sample_at(0, -100).unwrap().index, 0);
    // Samples from the seek point continue exactly as the full walk does.
    let from: Vec<_> = movie.samples_from(0, 50).collect();
    let all: Vec<_> = movie.samples(0).skip(50).collect();
    assert_eq!(from, all);
    // Audio: every sample is a sync sample; 48000 ticks = sample 47 after the shift.
    let a = movie.find_sample_at(1, 48_000).unwrap();
    let au = movie.tracks[1].access_unit(&a);
    assert!(au.pts <= 48_000 && au.pts + au.duration > 48_000, "{au:?}");
}

fn mp4_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut b = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
    b.extend_from_slice(kind);
    b.extend_from_slice(payload);
    b
}

fn table(kind: &[u8; 4], count: u32, entries: impl IntoIterator<Item = u32>) -> Vec<u8> {
    let mut p = vec![0, 0, 0, 0];
    p.extend_from_slice(&count.to_be_bytes());
    p.extend(entries.into_iter().flat_map(u32::to_be_bytes));
    mp4_box(kind, &p)
}

#[test]
fn an_hour_at_60_fps_is_indexed_from_its_tables_and_seeks_by_runs() {
    // The fixture's video track with its tables replaced: 216,000 samples of about
    // 1/60 s (delta 213 in 1/12800), a keyframe every 60, 60 samples per chunk,
    // alternating composition offsets, 64-bit chunk offsets beyond 4 GiB.
    let file = fixture("progressive/faststart.mp4");
    let moov_at = 32;
    let moov = &file[moov_at + 8..moov_at + 4052];
    let n: u32 = 216_000;
    let stbl = [
        table(b"stts", 1, [n, 213]),
        table(b"ctts", n, (0..n / 2).flat_map(|_| [1, 426, 1, 0])),
        table(b"stss", n / 60, (0..n / 60).map(|k| k * 60 + 1)),
        table(b"stsc", 1, [1, 60, 1]),
        {
            let mut p = vec![0, 0, 0, 0, 0, 0, 0, 0];
            p.extend_from_slice(&n.to_be_bytes());
            p.extend((0..n).flat_map(|i| (100 + i % 7).to_be_bytes()));
            mp4_box(b"stsz", &p)
        },
    ];
    let mut co64 = vec![0, 0, 0, 0];
    co64.extend_from_slice(&(n / 60).to_be_bytes());
    co64.extend((0..u64::from(n / 60)).flat_map(|c| ((1u64 << 32) | (c * 10_000)).to_be_bytes()));
    let mut tables: Vec<u8> = stbl.concat();
    tables.extend(mp4_box(b"co64", &co64));
    // Rebuild moov: mvhd, then a trak whose stbl is the stsd + these tables.
    let stsd_at = file.windows(4).position(|w| w == b"stsd").unwrap() - 4;
    let stsd_len = u32::from_be_bytes(file[stsd_at..stsd_at + 4].try_into().unwrap()) as usize;
    let stsd = &file[stsd_at..stsd_at + stsd_len];
    let mdhd_at = file.windows(4).position(|w| w == b"mdhd").unwrap() - 4;
    let mdhd = &file[mdhd_at..mdhd_at + 32];
    let tkhd_at = file.windows(4).position(|w| w == b"tkhd").unwrap() - 4;
    let tkhd = &file[tkhd_at..tkhd_at + 92];
    let stbl = mp4_box(b"stbl", &[stsd, &tables].concat());
    let minf = mp4_box(b"minf", &stbl);
    let mdia = mp4_box(b"mdia", &[mdhd, &minf].concat());
    let trak = mp4_box(b"trak", &[tkhd, &mdia].concat());
    let mvhd = &moov[..108];
    let movie = wasp_engine::mp4::parse_moov(&[mvhd, &trak].concat()).unwrap();
    let track = &movie.tracks[0];
    assert_eq!(track.sample_count(), n);
    let mut count = 0u32;
    let mut last = None;
    for s in movie.samples(0) {
        assert_eq!(s.size, 100 + count % 7);
        assert_eq!(s.keyframe, count.is_multiple_of(60));
        assert_eq!(s.cts_offset, if count.is_multiple_of(2) { 426 } else { 0 });
        count += 1;
        last = Some(s);
    }
    assert_eq!(count, n);
    let last = last.unwrap();
    assert_eq!(last.dts, i64::from(n - 1) * 213);
    let chunk = u64::from((n - 1) / 60);
    let within: u64 = ((n - 60)..(n - 1)).map(|i| u64::from(100 + i % 7)).sum();
    assert_eq!(
        last.offset,
        (1 << 32) + chunk * 10_000 + within,
        "co64 offsets beyond 4 GiB"
    );
    // Seek to 30 minutes: the keyframe at or before it, by runs.
    let half = i64::from(n / 2) * 213 + 1000;
    let k = movie.find_sample_at(0, half).unwrap();
    assert_eq!(k.index, n / 2);
    assert_eq!(Some(k), movie.samples(0).nth((n / 2) as usize));
}
