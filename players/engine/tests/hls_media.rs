#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Media playlists: the segment rules (byte ranges, discontinuities, keys, maps,
//! date-times, gaps, bitrates) and the real-world forms players tolerate.

use std::time::Duration;

use wasp_engine::hls::{ErrorKind, KeyMethod, MediaPlaylist, SubRange, Warning, WarningKind};

const URL: &str = "https://cdn.example/live/v1/index.m3u8";

fn parse(text: &str) -> MediaPlaylist {
    MediaPlaylist::parse(text, URL).unwrap()
}

fn error(text: &str) -> (u32, ErrorKind) {
    let e = MediaPlaylist::parse(text, URL).unwrap_err();
    (e.line, e.kind)
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

#[test]
fn crlf_bom_blank_lines_comments_and_no_final_newline_parse_like_lf() {
    let clean = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:5.005,\na.ts\n#EXTINF:4.5,\nb.ts";
    let messy = "\u{feff}#EXTM3U\r\n\r\n# comment\r\n#EXT-X-TARGETDURATION:6\r\n\r\n#EXTINF:5.005,\r\n  a.ts  \r\n#EXTINF:4.5,\r\n\r\nb.ts";
    let (a, b) = (parse(clean), parse(messy));
    assert_eq!(a.segments, b.segments);
    assert_eq!(b.segments[1].uri, "https://cdn.example/live/v1/b.ts");
    assert_eq!(b.segments[1].start, ms(5005));
    assert!(b.warnings.is_empty());
}

#[test]
fn bytes_must_be_utf8_and_the_error_names_the_line() {
    let mut bytes = b"#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\n".to_vec();
    bytes.extend_from_slice(b"seg\xff.ts\n");
    let e = MediaPlaylist::parse_bytes(&bytes, URL).unwrap_err();
    assert_eq!((e.line, e.kind), (4, ErrorKind::NotUtf8));
    let ok = MediaPlaylist::parse_bytes("#EXTM3U\n#EXTINF:1,\né.ts".as_bytes(), URL).unwrap();
    assert_eq!(ok.segments[0].uri, "https://cdn.example/live/v1/é.ts");
}

#[test]
fn fatal_problems_are_errors_with_their_line() {
    assert_eq!(error(""), (1, ErrorKind::MissingHeader));
    assert_eq!(error("<html>404</html>"), (1, ErrorKind::MissingHeader));
    assert_eq!(error("\n\n#EXTINF:1,\na.ts"), (3, ErrorKind::MissingHeader));
    assert_eq!(
        error("#EXTM3U\n#EXTINF:1,\na.ts\nb.ts"),
        (4, ErrorKind::UriWithoutExtinf)
    );
    assert_eq!(
        error("#EXTM3U\n#EXTINF:abc,\na.ts"),
        (2, ErrorKind::MalformedTag { tag: "EXTINF" })
    );
    assert_eq!(
        error("#EXTM3U\n#EXT-X-KEY:METHOD=AES-128\n#EXTINF:1,\na.ts"),
        (
            2,
            ErrorKind::MissingAttribute {
                tag: "EXT-X-KEY",
                name: "URI"
            }
        )
    );
    assert_eq!(
        error("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:-4\n"),
        (
            2,
            ErrorKind::MalformedTag {
                tag: "EXT-X-MEDIA-SEQUENCE"
            }
        )
    );
    assert_eq!(
        error("#EXTM3U\n#EXTINF:1,\na.ts\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8"),
        (
            4,
            ErrorKind::MixedPlaylist {
                tag: "EXT-X-STREAM-INF"
            }
        )
    );
    assert_eq!(
        error("#EXTM3U\n#EXT-X-MAP:URI=\"i.mp4\",BYTERANGE=\"x\"\n"),
        (
            2,
            ErrorKind::MalformedAttribute {
                tag: "EXT-X-MAP",
                name: "BYTERANGE"
            }
        )
    );
}

#[test]
fn a_segment_longer_than_the_target_after_rounding_is_only_a_warning() {
    let p = parse(
        "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.499,\na.ts\n#EXTINF:10.5,\nb.ts\n#EXTINF:12,\nc.ts\n",
    );
    assert_eq!(p.segments.len(), 3);
    assert_eq!(
        p.warnings,
        [
            Warning {
                line: 6,
                kind: WarningKind::SegmentLongerThanTarget
            },
            Warning {
                line: 8,
                kind: WarningKind::SegmentLongerThanTarget
            },
        ]
    );
    // A target given after the segments checks them too (line 0: not one line).
    let late = parse("#EXTM3U\n#EXTINF:7,\na.ts\n#EXT-X-TARGETDURATION:6\n");
    assert_eq!(
        late.warnings,
        [Warning {
            line: 0,
            kind: WarningKind::SegmentLongerThanTarget
        }]
    );
    assert_eq!(late.target_duration, Duration::from_secs(6));
}

#[test]
fn a_missing_target_duration_is_derived_from_the_longest_segment() {
    let p = parse("#EXTM3U\n#EXTINF:4.2,\na.ts\n#EXTINF:5.9,\nb.ts\n");
    assert_eq!(p.target_duration, Duration::from_secs(6));
    assert_eq!(p.warnings[0].kind, WarningKind::MissingTargetDuration);
}

#[test]
fn extinf_titles_missing_commas_and_negative_durations() {
    let p = parse(
        "#EXTM3U\n#EXTINF:10.0,Artist - Title, with comma\na.ts\n#EXTINF:3\nb.ts\n#EXTINF:-1,Radio\nhttp://radio.example/stream\n",
    );
    let got: Vec<_> = p
        .segments
        .iter()
        .map(|s| (s.duration, s.title.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (ms(10_000), "Artist - Title, with comma"),
            (ms(3000), ""),
            (Duration::ZERO, "Radio")
        ]
    );
    assert!(p
        .warnings
        .iter()
        .any(|w| w.line == 6 && w.kind == WarningKind::NegativeDuration));
}

#[test]
fn byte_ranges_without_offset_continue_the_previous_sub_range_of_the_same_uri() {
    let p = parse(concat!(
        "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXT-X-VERSION:4\n",
        "#EXTINF:10,\n#EXT-X-BYTERANGE:75232@0\nmain.ts\n",
        "#EXTINF:10,\n#EXT-X-BYTERANGE:82112\nmain.ts\n",
        "#EXTINF:10,\n#EXT-X-BYTERANGE:69864\nmain.ts\n",
        "#EXTINF:10,\n#EXT-X-BYTERANGE:1000@500\nother.ts\n",
        "#EXTINF:10,\n#EXT-X-BYTERANGE:10\nother.ts\n",
    ));
    let ranges: Vec<_> = p.segments.iter().map(|s| s.byte_range.unwrap()).collect();
    let r = |offset, length| SubRange { offset, length };
    assert_eq!(
        ranges,
        [
            r(0, 75_232),
            r(75_232, 82_112),
            r(157_344, 69_864),
            r(500, 1000),
            r(1500, 10)
        ]
    );
    assert_eq!(ranges[1].last(), Some(157_343));
    // No previous sub-range of the same resource: RFC 8216 §4.3.2.2 says refuse.
    assert_eq!(
        error("#EXTM3U\n#EXTINF:1,\n#EXT-X-BYTERANGE:100\na.ts\n"),
        (4, ErrorKind::ByteRangeWithoutOffset)
    );
    assert_eq!(
        error("#EXTM3U\n#EXTINF:1,\n#EXT-X-BYTERANGE:100@0\na.ts\n#EXTINF:1,\n#EXT-X-BYTERANGE:100\nb.ts\n"),
        (7, ErrorKind::ByteRangeWithoutOffset)
    );
    assert_eq!(
        error("#EXTM3U\n#EXTINF:1,\na.ts\n#EXTINF:1,\n#EXT-X-BYTERANGE:100\na.ts\n"),
        (6, ErrorKind::ByteRangeWithoutOffset)
    );
}

#[test]
fn discontinuity_sequence_counts_the_tags_up_to_each_segment() {
    let p = parse(concat!(
        "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:100\n",
        "#EXT-X-DISCONTINUITY-SEQUENCE:7\n",
        "#EXTINF:6,\na.ts\n",
        "#EXT-X-DISCONTINUITY\n#EXTINF:6,\nad1.ts\n#EXTINF:6,\nad2.ts\n",
        "#EXT-X-DISCONTINUITY\n#EXTINF:6,\nb.ts\n",
        "#EXT-X-DISCONTINUITY\n#EXT-X-DISCONTINUITY\n#EXTINF:6,\nc.ts\n",
    ));
    let got: Vec<_> = p
        .segments
        .iter()
        .map(|s| (s.sequence, s.discontinuity, s.discontinuity_sequence))
        .collect();
    assert_eq!(
        got,
        [
            (100, false, 7),
            (101, true, 8),
            (102, false, 8),
            (103, true, 9),
            (104, true, 10)
        ]
    );
}

#[test]
fn keys_apply_until_changed_by_format_and_none_clears_them() {
    let p = parse(concat!(
        "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:5\n",
        "#EXTINF:6,\nclear.ts\n",
        "#EXT-X-KEY:METHOD=AES-128,URI=\"k1\",IV=0x00112233445566778899aabbccddeeff\n",
        "#EXTINF:6,\nenc1.ts\n",
        "#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://x\",KEYFORMAT=\"com.apple.streamingkeydelivery\",KEYFORMATVERSIONS=\"1\"\n",
        "#EXTINF:6,\nenc2.ts\n",
        "#EXT-X-KEY:METHOD=AES-128,URI=\"k2\"\n",
        "#EXTINF:6,\nenc3.ts\n",
        "#EXT-X-KEY:METHOD=NONE\n",
        "#EXTINF:6,\nclear2.ts\n",
    ));
    let s = &p.segments;
    assert_eq!(s[0].keys, None);
    assert_eq!(s[0].iv(), None);
    let k1 = s[1].key().unwrap();
    assert_eq!(k1.uri.as_deref(), Some("https://cdn.example/live/v1/k1"));
    let explicit = [
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
        0xff,
    ];
    assert_eq!(s[1].iv(), Some(explicit));
    // Two formats apply together; the identity key is the one the player uses.
    let formats: Vec<_> = s[2]
        .keys
        .as_deref()
        .unwrap()
        .iter()
        .map(|k| (k.key_format.as_str(), k.method))
        .collect();
    assert_eq!(
        formats,
        [
            ("identity", KeyMethod::Aes128),
            ("com.apple.streamingkeydelivery", KeyMethod::SampleAes)
        ]
    );
    assert_eq!(s[2].key().unwrap().uri, k1.uri);
    assert_eq!(s[2].iv(), Some(explicit));
    // A new identity key replaces the old one; without IV it is the sequence (8).
    assert_eq!(s[3].keys.as_deref().unwrap().len(), 2);
    assert_eq!(
        s[3].key().unwrap().uri.as_deref(),
        Some("https://cdn.example/live/v1/k2")
    );
    assert_eq!(s[3].iv(), Some(8u128.to_be_bytes()));
    assert_eq!(s[4].keys, None);
}

#[test]
fn maps_apply_to_following_segments_with_their_byte_range_and_keys() {
    let p = parse(concat!(
        "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-VERSION:7\n",
        "#EXT-X-MAP:URI=\"init.mp4\",BYTERANGE=\"720@0\"\n",
        "#EXTINF:4,\n#EXT-X-BYTERANGE:1000@720\nmovie.mp4\n",
        "#EXTINF:4,\n#EXT-X-BYTERANGE:1000\nmovie.mp4\n",
        "#EXT-X-DISCONTINUITY\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"key\"\n",
        "#EXT-X-MAP:URI=\"../ad/init.mp4\"\n",
        "#EXTINF:4,\n../ad/1.m4s\n",
    ));
    let m0 = p.segments[0].map.as_deref().unwrap();
    assert_eq!(m0.uri, "https://cdn.example/live/v1/init.mp4");
    assert_eq!(
        m0.byte_range,
        Some(SubRange {
            offset: 0,
            length: 720
        })
    );
    assert_eq!(m0.keys, None);
    assert!(std::sync::Arc::ptr_eq(
        p.segments[0].map.as_ref().unwrap(),
        p.segments[1].map.as_ref().unwrap()
    ));
    assert_eq!(
        p.segments[1].byte_range,
        Some(SubRange {
            offset: 1720,
            length: 1000
        })
    );
    let m2 = p.segments[2].map.as_deref().unwrap();
    assert_eq!(m2.uri, "https://cdn.example/live/ad/init.mp4");
    assert_eq!(m2.byte_range, None);
    assert_eq!(m2.keys.as_deref().unwrap()[0].method, KeyMethod::SampleAes);
    assert_eq!(p.segments[2].uri, "https://cdn.example/live/ad/1.m4s");
}

#[test]
fn program_date_time_parses_offsets_and_is_extrapolated_by_duration() {
    let p = parse(concat!(
        "#EXTM3U\n#EXT-X-TARGETDURATION:3\n",
        "#EXTINF:2.5,\nbefore.ts\n",
        "#EXT-X-PROGRAM-DATE-TIME:2010-02-19T14:54:23.031+08:00\n",
        "#EXTINF:2.002,\na.ts\n#EXTINF:2.0025,\nb.ts\n#EXTINF:2,\nc.ts\n",
        "#EXT-X-PROGRAM-DATE-TIME:not a date\n#EXTINF:2,\nd.ts\n",
    ));
    let t = 1_266_562_463_031;
    let got: Vec<_> = p.segments.iter().map(|s| s.program_date_time).collect();
    assert_eq!(
        got,
        [
            None,
            Some(t),
            Some(t + 2002),
            Some(t + 4005),
            Some(t + 6005)
        ]
    );
    assert_eq!(
        p.warnings,
        [Warning {
            line: 12,
            kind: WarningKind::MalformedTag {
                tag: "EXT-X-PROGRAM-DATE-TIME"
            }
        }]
    );
}

#[test]
fn gaps_and_bitrates_apply_as_the_draft_says() {
    let p = parse(concat!(
        "#EXTM3U\n#EXT-X-TARGETDURATION:4\n",
        "#EXT-X-BITRATE:1500\n#EXTINF:4,\na.ts\n",
        "#EXT-X-GAP\n#EXTINF:4,\nmissing.ts\n",
        "#EXTINF:4,\n#EXT-X-BYTERANGE:10@0\nr.ts\n",
        "#EXT-X-BITRATE:800\n#EXTINF:4,\nb.ts\n",
    ));
    let got: Vec<_> = p.segments.iter().map(|s| (s.gap, s.bitrate)).collect();
    assert_eq!(
        got,
        [
            (false, Some(1_500_000)),
            (true, Some(1_500_000)),
            (false, None), // byte-range segments get no bitrate
            (false, Some(800_000)),
        ]
    );
}

#[test]
fn unknown_tags_are_kept_with_their_place_and_comments_are_not() {
    let p = parse(concat!(
        "#EXTM3U\n#EXT-X-TARGETDURATION:30\n# just a comment\n",
        "#EXTINF:30,\na.ts\n",
        "#EXT-X-CUE-OUT:DURATION=60\n#EXTINF:30,\nad.ts\n",
        "#EXT-X-CUE-IN\n#EXT-X-ALLOW-CACHE:NO\n",
    ));
    let got: Vec<_> = p
        .unknown_tags
        .iter()
        .map(|t| (t.name.as_str(), t.value.as_deref(), t.line, t.segment_index))
        .collect();
    assert_eq!(
        got,
        [
            ("EXT-X-CUE-OUT", Some("DURATION=60"), 6, 1),
            ("EXT-X-CUE-IN", None, 9, 2),
            ("EXT-X-ALLOW-CACHE", Some("NO"), 10, 2),
        ]
    );
}

#[test]
fn start_times_are_exact_sums_and_segment_at_finds_the_span() {
    let p = parse(
        "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:9.9766666667,\na.ts\n#EXTINF:0.0233333333,\nb.ts\n#EXTINF:10,\nc.ts\n",
    );
    assert_eq!(p.segments[1].start, Duration::new(9, 976_666_667));
    assert_eq!(p.segments[2].start, Duration::from_secs(10));
    assert_eq!(p.duration(), Duration::from_secs(20));
    assert_eq!(p.segment_at(Duration::ZERO).unwrap().uri, p.segments[0].uri);
    assert_eq!(
        p.segment_at(Duration::new(9, 976_666_667))
            .unwrap()
            .sequence,
        1
    );
    assert_eq!(p.segment_at(Duration::from_secs(10)).unwrap().sequence, 2);
    assert_eq!(p.segment_at(Duration::from_secs(20)), None);
}

#[test]
fn playlist_tags_vod_event_independent_start_and_iframes() {
    let p = parse(concat!(
        "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:EVENT\n",
        "#EXT-X-I-FRAMES-ONLY\n#EXT-X-INDEPENDENT-SEGMENTS\n",
        "#EXT-X-START:TIME-OFFSET=-4.5,PRECISE=YES\n",
        "#EXTINF:1.5,\n#EXT-X-BYTERANGE:188@0\nmain.ts\n",
    ));
    assert_eq!(p.version, Some(6));
    assert_eq!(p.playlist_type, Some(wasp_engine::hls::PlaylistType::Event));
    assert!(p.i_frames_only && p.independent_segments && !p.end_list);
    let start = p.start.unwrap();
    assert_eq!(start.time_offset, wasp_engine::time::Micros(-4_500_000));
    assert!(start.precise);
}

#[test]
fn extreme_numbers_saturate_instead_of_overflowing() {
    // No target duration and a longest segment of u64::MAX.5 s: the derived target
    // saturates.
    let p = parse("#EXTM3U\n#EXTINF:18446744073709551615.5,\na.ts\n#EXTINF:1,\nb.ts\n");
    assert_eq!(p.target_duration, Duration::from_secs(u64::MAX));
    assert_eq!(p.segments[1].start, Duration::new(u64::MAX, 500_000_000));
    assert_eq!(p.duration(), Duration::MAX);
    let p = parse(
        "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:18446744073709551615\n#EXTINF:1,\na.ts\n#EXTINF:1,\nb.ts\n",
    );
    assert_eq!(p.segments[1].sequence, u64::MAX);
    assert_eq!(
        error("#EXTM3U\n#EXTINF:18446744073709551616,\na.ts\n"),
        (2, ErrorKind::MalformedTag { tag: "EXTINF" })
    );
}

#[test]
fn unquoted_strings_and_odd_spacing_are_accepted_as_players_do() {
    let p = parse(concat!(
        "#EXTM3U\n#EXT-X-TARGETDURATION: 4 \n",
        "#EXT-X-MAP:URI=init.mp4 , BYTERANGE=100@0\n",
        "#EXT-X-KEY: METHOD=AES-128 ,URI=key.bin, IV=0X0A\n",
        "#EXTINF: 4.0 , spaced title \nseg.m4s\n",
    ));
    let s = &p.segments[0];
    let map = s.map.as_deref().unwrap();
    assert_eq!(map.uri, "https://cdn.example/live/v1/init.mp4");
    assert_eq!(
        map.byte_range,
        Some(SubRange {
            offset: 0,
            length: 100
        })
    );
    assert_eq!(
        s.key().unwrap().uri.as_deref(),
        Some("https://cdn.example/live/v1/key.bin")
    );
    assert_eq!(s.iv(), Some(10u128.to_be_bytes()));
    assert_eq!((s.duration, s.title.as_str()), (ms(4000), "spaced title"));
    assert_eq!(p.target_duration, Duration::from_secs(4));
}

#[test]
fn tags_without_uris_reserve_no_segments() {
    let text = format!("#EXTM3U\n{}", "#EXTINF:1,\n".repeat(10_000));
    let p = parse(&text);
    assert!(p.segments.is_empty());
    assert_eq!(p.segments.capacity(), 0);
    // Each EXTINF replaces the one before (a warning each), capped at MAX_WARNINGS.
    assert_eq!(p.warnings.len(), wasp_engine::hls::MAX_WARNINGS);
    for (i, w) in p.warnings.iter().enumerate() {
        assert_eq!(w.line, i as u32 + 3);
        assert_eq!(w.kind, WarningKind::DuplicateTag { tag: "EXTINF" });
    }
    // 9,999 duplicates, the dangling last EXTINF and the missing target duration.
    assert_eq!(p.warnings_dropped, 9_999 + 2 - 64);
}
