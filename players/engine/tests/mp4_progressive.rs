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
