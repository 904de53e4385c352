#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Live playlists: LL-HLS tags, reload delays (RFC 8216 §6.3.4), and merging a reload
//! into the previous timeline by media sequence number, delta updates included.

use std::time::Duration;

use wasp_engine::hls::live::{merge, reload_delay, MergeError};
use wasp_engine::hls::{ErrorKind, HintKind, MediaPlaylist, SubRange};

const URL: &str = "https://example.com/2M/playlist.m3u8";

fn load(name: &str) -> MediaPlaylist {
    let path = format!("{}/tests/hls/{name}", env!("CARGO_MANIFEST_DIR"));
    MediaPlaylist::parse(&std::fs::read_to_string(path).unwrap(), URL).unwrap()
}

/// A sliding window of `count` 6-second segments from `first`.
fn window(first: u64, count: u64) -> MediaPlaylist {
    let mut text = format!("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:{first}\n");
    for n in first..first + count {
        text += &format!("#EXTINF:6.006,\nseg{n}.ts\n");
    }
    MediaPlaylist::parse(&text, URL).unwrap()
}

const PART: Duration = Duration::from_micros(333_340);
const SEGMENT: Duration = Duration::from_micros(4_000_080);

#[test]
fn low_latency_tags_are_parsed_and_kept() {
    let p = load("ll-hls-live.m3u8");
    let sc = p.server_control.clone().unwrap();
    assert!(sc.can_block_reload && !sc.can_skip_dateranges);
    assert_eq!(sc.part_hold_back, Some(Duration::from_secs(1)));
    assert_eq!(sc.can_skip_until, Some(Duration::from_secs(12)));
    assert_eq!(sc.hold_back, None);
    assert_eq!(p.part_target, Some(PART));
    let sequences: Vec<_> = p.segments.iter().map(|s| s.sequence).collect();
    assert_eq!(sequences, [266, 267, 268, 269, 270, 271]);
    assert_eq!(p.segments[5].start, SEGMENT * 5);
    // 2019-02-14T02:13:36.106Z, then 20.0004 s later.
    assert_eq!(p.segments[0].program_date_time, Some(1_550_110_416_106));
    assert_eq!(p.segments[5].program_date_time, Some(1_550_110_436_106));
    let parts = &p.segments[5].parts;
    assert_eq!(parts.len(), 12);
    assert!(parts
        .iter()
        .all(|x| x.duration == PART && !x.gap && x.byte_range.is_none()));
    let independent: Vec<_> = parts.iter().map(|x| x.independent).collect();
    assert_eq!(
        independent,
        [false, false, false, false, true, false, false, false, true, false, false, false]
    );
    assert_eq!(parts[11].uri, "https://example.com/2M/filePart271.11.mp4");
    assert!(p.segments[..5].iter().all(|s| s.parts.is_empty()));
    let trailing: Vec<_> = p.trailing_parts.iter().map(|x| x.uri.as_str()).collect();
    assert_eq!(
        trailing,
        [
            "https://example.com/2M/filePart272.a.mp4",
            "https://example.com/2M/filePart272.b.mp4",
            "https://example.com/2M/filePart272.c.mp4"
        ]
    );
    let hint = &p.preload_hints[0];
    assert_eq!(hint.kind, HintKind::Part);
    assert_eq!(hint.uri, "https://example.com/2M/filePart272.d.mp4");
    assert_eq!((hint.start, hint.length), (0, None));
    let reports: Vec<_> = p
        .rendition_reports
        .iter()
        .map(|r| (r.uri.as_str(), r.last_msn, r.last_part))
        .collect();
    assert_eq!(
        reports,
        [
            ("https://example.com/1M/waitForMSN.php", Some(273), Some(2)),
            ("https://example.com/4M/waitForMSN.php", Some(273), Some(1))
        ]
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn part_byte_ranges_continue_the_previous_part_and_hints_carry_ranges() {
    let p = MediaPlaylist::parse(
        concat!(
            "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PART-INF:PART-TARGET=1\n",
            "#EXT-X-PART:DURATION=1,URI=\"s.mp4\",BYTERANGE=\"100@0\",INDEPENDENT=YES\n",
            "#EXT-X-PART:DURATION=1,URI=\"s.mp4\",BYTERANGE=\"50\"\n",
            "#EXTINF:2,\ns.mp4\n",
            "#EXT-X-PART:DURATION=1,URI=\"s.mp4\",BYTERANGE=\"70\",GAP=YES\n",
            "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"s.mp4\",BYTERANGE-START=220,BYTERANGE-LENGTH=30\n",
            "#EXT-X-PRELOAD-HINT:TYPE=MAP,URI=\"init2.mp4\"\n",
        ),
        URL,
    )
    .unwrap();
    let ranges: Vec<_> = p.segments[0]
        .parts
        .iter()
        .chain(&p.trailing_parts)
        .map(|x| x.byte_range.unwrap())
        .collect();
    let r = |offset, length| SubRange { offset, length };
    assert_eq!(ranges, [r(0, 100), r(100, 50), r(150, 70)]);
    assert!(p.trailing_parts[0].gap);
    assert_eq!(
        (p.preload_hints[0].start, p.preload_hints[0].length),
        (220, Some(30))
    );
    assert_eq!(p.preload_hints[1].kind, HintKind::Map);
    let e = MediaPlaylist::parse(
        "#EXTM3U\n#EXT-X-PART:DURATION=1,URI=\"s.mp4\",BYTERANGE=\"50\"\n",
        URL,
    )
    .unwrap_err();
    assert_eq!((e.line, e.kind), (2, ErrorKind::ByteRangeWithoutOffset));
    let e = MediaPlaylist::parse("#EXTM3U\n#EXT-X-PART:URI=\"s.mp4\"\n", URL).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::MissingAttribute {
            tag: "EXT-X-PART",
            name: "DURATION"
        }
    );
}

#[test]
fn reload_delay_is_the_target_after_a_change_and_half_when_unchanged() {
    let mut p = window(0, 3);
    assert_eq!(reload_delay(&p, true), Some(Duration::from_secs(6)));
    assert_eq!(reload_delay(&p, false), Some(Duration::from_secs(3)));
    p.end_list = true;
    assert_eq!(reload_delay(&p, true), None);
}

#[test]
fn a_sliding_window_reload_continues_the_timeline_and_names_the_new_segments() {
    let before = window(100, 4); // 100..=103
    let r = merge(&before, window(102, 4)).unwrap(); // 102..=105
    assert!(r.changed && !r.restarted);
    assert_eq!(r.missed, 0);
    assert_eq!(r.first_new, 2);
    let new: Vec<_> = r.playlist.segments[r.first_new..]
        .iter()
        .map(|s| (s.sequence, s.start))
        .collect();
    let step = Duration::from_millis(6006);
    assert_eq!(new, [(104, step * 4), (105, step * 5)]);
    // Segments both have start at the same time in both.
    assert_eq!(r.playlist.segments[0].start, before.segments[2].start);

    let same = merge(&r.playlist, window(102, 4)).unwrap();
    assert!(!same.changed);
    assert_eq!(same.first_new, 4);
    assert_eq!(same.playlist.segments[0].start, step * 2);
}

#[test]
fn a_late_reload_counts_the_missed_segments_and_a_restart_keeps_its_own_timeline() {
    let before = window(100, 4);
    let late = merge(&before, window(110, 3)).unwrap();
    assert_eq!(late.missed, 6);
    assert_eq!(late.first_new, 0);
    assert_eq!(
        late.playlist.segments[0].start,
        before.segments[3].end(),
        "continues at the previous end"
    );
    let restart = merge(&before, window(0, 3)).unwrap();
    assert!(restart.restarted && restart.changed);
    assert_eq!(restart.first_new, 0);
    assert_eq!(restart.playlist.segments[0].start, Duration::ZERO);
}

#[test]
fn a_delta_update_is_completed_from_the_previous_playlist() {
    let before = load("ll-hls-live.m3u8");
    let delta = load("ll-hls-delta.m3u8");
    // Alone, the delta numbers its listed segments after the skipped ones.
    assert_eq!(delta.segments[0].sequence, 271);
    assert_eq!(delta.skip.as_ref().unwrap().skipped_segments, 4);
    let r = merge(&before, delta).unwrap();
    let got: Vec<_> = r
        .playlist
        .segments
        .iter()
        .map(|s| {
            (
                s.sequence,
                s.start,
                s.uri.rsplit('/').next().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<_> = (267..=272)
        .map(|n| {
            (
                n,
                SEGMENT * (n as u32 - 266),
                format!("fileSequence{n}.mp4"),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert_eq!(r.first_new, 5);
    assert!(r.changed);
    assert_eq!(r.playlist.skip, None);
    // Skipped segments keep their init section and dates from the previous load.
    assert_eq!(
        r.playlist.segments[0].map.as_deref().unwrap().uri,
        "https://example.com/2M/init.mp4"
    );
    assert_eq!(
        r.playlist.segments[5].program_date_time,
        Some(1_550_110_440_106)
    );
    assert_eq!(r.playlist.trailing_parts.len(), 1);
}

#[test]
fn a_delta_update_renumbers_discontinuities_from_the_skipped_segments() {
    let before = MediaPlaylist::parse(
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:10\n#EXTINF:2,\na\n#EXT-X-DISCONTINUITY\n#EXTINF:2,\nb\n#EXTINF:2,\nc\n#EXTINF:2,\nd\n",
        URL,
    )
    .unwrap();
    let delta = MediaPlaylist::parse(
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:11\n#EXT-X-SKIP:SKIPPED-SEGMENTS=2\n#EXTINF:2,\nd\n#EXT-X-DISCONTINUITY\n#EXTINF:2,\ne\n",
        URL,
    )
    .unwrap();
    let r = merge(&before, delta).unwrap();
    let got: Vec<_> = r
        .playlist
        .segments
        .iter()
        .map(|s| (s.sequence, s.discontinuity_sequence, s.start.as_secs()))
        .collect();
    assert_eq!(got, [(11, 1, 2), (12, 1, 4), (13, 1, 6), (14, 2, 8)]);
    assert_eq!(r.first_new, 3);

    // Skipped segments the previous load never had cannot be filled in.
    let old = window(0, 3);
    let delta = MediaPlaylist::parse(
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:50\n#EXT-X-SKIP:SKIPPED-SEGMENTS=2\n#EXTINF:2,\nx\n",
        URL,
    )
    .unwrap();
    assert_eq!(merge(&old, delta), Err(MergeError::SkippedSegmentsUnknown));
}

#[test]
fn blocking_reload_asks_for_the_next_part_or_segment() {
    use wasp_engine::hls::live::reload_url;
    let mut p = load("ll-hls-live.m3u8");
    // Three parts of segment 272 are listed: the next is part 3.
    assert_eq!(
        reload_url(&p, false).as_deref(),
        Some("https://example.com/2M/playlist.m3u8?_HLS_msn=272&_HLS_part=3")
    );
    assert_eq!(
        reload_url(&p, true).as_deref(),
        Some("https://example.com/2M/playlist.m3u8?_HLS_msn=272&_HLS_part=3&_HLS_skip=YES")
    );
    // Other query parameters stay, old directives go.
    p.url = "https://example.com/2M/playlist.m3u8?token=abc&_HLS_msn=1&_HLS_part=0".into();
    p.trailing_parts.clear();
    p.server_control.as_mut().unwrap().can_skip_dateranges = true;
    assert_eq!(
        reload_url(&p, true).as_deref(),
        Some(
            "https://example.com/2M/playlist.m3u8?token=abc&_HLS_msn=272&_HLS_part=0&_HLS_skip=v2"
        )
    );
    // Without parts, the next segment.
    p.part_target = None;
    assert_eq!(
        reload_url(&p, false).as_deref(),
        Some("https://example.com/2M/playlist.m3u8?token=abc&_HLS_msn=272")
    );
    p.end_list = true;
    assert_eq!(reload_url(&p, false), None);
    // No CAN-BLOCK-RELOAD: plain polling with reload_delay.
    assert_eq!(reload_url(&window(5, 2), false), None);
}
