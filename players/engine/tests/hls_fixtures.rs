#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! The ffmpeg-made HLS fixtures (`fixtures/hls-ts`, `fixtures/hls-fmp4`, see
//! `fixtures/make.sh`): every variant, every segment's URI, duration and byte count
//! (the size of the file the resolved URI names), and the init section.

use std::time::Duration;

use wasp_engine::hls::{MasterPlaylist, MediaPlaylist, PlaylistType, Resolution};

fn dir(name: &str) -> String {
    format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The playlist's `file://` URL and its text.
fn fixture(name: &str) -> (String, String) {
    let path = dir(name);
    (
        format!("file://{path}"),
        std::fs::read_to_string(&path).unwrap(),
    )
}

/// The size of the file a resolved `file://` URI names.
fn size(uri: &str) -> u64 {
    let path = uri.strip_prefix("file://").expect("a file URI");
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .len()
}

fn check_master(folder: &str, version: u64) {
    let (url, text) = fixture(&format!("{folder}/master.m3u8"));
    let m = MasterPlaylist::parse(&text, &url).unwrap();
    assert_eq!(m.version, Some(version));
    let got: Vec<_> = m
        .variants
        .iter()
        .map(|v| {
            (
                v.uri.clone(),
                v.stream.bandwidth,
                v.stream.resolution,
                v.stream.codecs().collect::<Vec<_>>(),
            )
        })
        .collect();
    let res = |width, height| Some(Resolution { width, height });
    assert_eq!(
        got,
        [
            (
                format!("file://{}/v0.m3u8", dir(folder)),
                400_400,
                res(320, 180),
                vec!["avc1.64000d", "mp4a.40.2"]
            ),
            (
                format!("file://{}/v1.m3u8", dir(folder)),
                840_400,
                res(640, 360),
                vec!["avc1.64001e", "mp4a.40.2"]
            ),
        ]
    );
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
}

/// Parses a variant and returns `(file name, duration, byte count)` per segment.
fn segments(folder: &str, variant: &str) -> (MediaPlaylist, Vec<(String, Duration, u64)>) {
    let (url, text) = fixture(&format!("{folder}/{variant}"));
    let p = MediaPlaylist::parse(&text, &url).unwrap();
    assert_eq!(p.target_duration, Duration::from_secs(2));
    assert_eq!(p.playlist_type, Some(PlaylistType::Vod));
    assert!(p.end_list);
    assert_eq!(p.media_sequence, 0);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    let list = p
        .segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            assert_eq!(s.sequence, i as u64);
            assert_eq!(s.start, Duration::from_secs(2 * i as u64));
            assert_eq!(s.byte_range, None);
            assert_eq!(s.key(), None);
            assert!(s.uri.starts_with(&format!("file://{}/", dir(folder))));
            let name = s.uri.rsplit('/').next().unwrap().to_owned();
            (name, s.duration, size(&s.uri))
        })
        .collect();
    (p, list)
}

#[test]
fn ts_master_lists_both_variants() {
    check_master("hls-ts", 3);
}

#[test]
fn fmp4_master_lists_both_variants() {
    check_master("hls-fmp4", 7);
}

#[test]
fn ts_variants_list_every_segment_with_its_size() {
    let two = Duration::from_secs(2);
    for (variant, expected) in [
        (
            "v0.m3u8",
            [("v0_000.ts", two, 87_984), ("v0_001.ts", two, 109_040)],
        ),
        (
            "v1.m3u8",
            [("v1_000.ts", two, 177_472), ("v1_001.ts", two, 216_576)],
        ),
    ] {
        let (p, got) = segments("hls-ts", variant);
        let expected: Vec<_> = expected
            .iter()
            .map(|(n, d, s)| (n.to_string(), *d, *s))
            .collect();
        assert_eq!(got, expected, "{variant}");
        assert!(p.segments.iter().all(|s| s.map.is_none()));
        assert_eq!(p.duration(), Duration::from_secs(4));
        // Whole TS packets.
        assert!(got.iter().all(|(_, _, size)| size % 188 == 0));
    }
}

#[test]
fn fmp4_variants_list_every_segment_with_its_size_and_init_section() {
    let two = Duration::from_secs(2);
    for (variant, init, init_size, expected) in [
        (
            "v0.m3u8",
            "init_0.mp4",
            1371,
            [("v0_000.m4s", two, 78_777), ("v0_001.m4s", two, 100_156)],
        ),
        (
            "v1.m3u8",
            "init_1.mp4",
            1373,
            [("v1_000.m4s", two, 166_852), ("v1_001.m4s", two, 205_305)],
        ),
    ] {
        let (p, got) = segments("hls-fmp4", variant);
        let expected: Vec<_> = expected
            .iter()
            .map(|(n, d, s)| (n.to_string(), *d, *s))
            .collect();
        assert_eq!(got, expected, "{variant}");
        for s in &p.segments {
            let map = s.map.as_deref().unwrap();
            assert_eq!(map.uri, format!("file://{}/{init}", dir("hls-fmp4")));
            assert_eq!(map.byte_range, None);
            assert_eq!(map.keys, None);
            assert_eq!(size(&map.uri), init_size);
        }
        // The init section starts with an `ftyp` box.
        let init_bytes = std::fs::read(dir(&format!("hls-fmp4/{init}"))).unwrap();
        assert_eq!(&init_bytes[4..8], b"ftyp");
    }
}
