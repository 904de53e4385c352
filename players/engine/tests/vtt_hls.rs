#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! HLS WebVTT segments: `X-TIMESTAMP-MAP` (RFC 8216 §3.5) puts cues on the MPEG-TS
//! timeline across the 33-bit wrap; which cues are on screen at a time.

use wasp_engine::time::{Micros, Ticks, Unwrapper, MPEG_TIMESCALE};
use wasp_engine::vtt::{active_cues, to_media_time, Cue, Document, Item, Parser, TimestampMap};

const WRAP: i64 = 1 << 33;

fn ticks(value: i64) -> Ticks {
    Ticks::new(value, MPEG_TIMESCALE)
}

#[test]
fn cues_of_segments_across_the_33_bit_wrap_line_up_with_unwrapped_video_pts() {
    // The video demuxer has placed a pts one second before the wrap.
    let mut unwrapper = Unwrapper::mpeg();
    assert_eq!(unwrapper.unwrap((WRAP - 90_000) as u64), WRAP - 90_000);

    // Segments arrive one by one through one parser (finish resets it).
    let mut parser = Parser::new();
    let mut placed = Vec::new();
    for segment in [
        &include_bytes!("vtt/segment_0.vtt")[..],
        include_bytes!("vtt/segment_1.vtt"),
    ] {
        let mut cues = Vec::new();
        let mut map = None;
        for chunk in segment.chunks(7) {
            parser
                .push(chunk, &mut |item| match item {
                    Item::Header(h) => map = h.timestamp_map,
                    Item::Cue(c) => cues.push(c),
                    _ => {}
                })
                .unwrap();
        }
        assert_eq!(parser.timestamp_map(), map);
        parser
            .finish(&mut |item| {
                if let Item::Cue(c) = item {
                    cues.push(c)
                }
            })
            .unwrap();
        let offset = map.unwrap().offset(&mut unwrapper);
        for cue in cues {
            placed.push((
                to_media_time(cue.start, offset),
                to_media_time(cue.end, offset),
                cue.text,
            ));
        }
    }
    assert_eq!(
        placed,
        [
            (
                ticks(WRAP - 90_000),
                ticks(WRAP + 90_000),
                "before the wrap".into()
            ),
            (
                ticks(WRAP + 90_000),
                ticks(WRAP + 270_000),
                "after the wrap, in the same segment".into()
            ),
            (
                ticks(WRAP + 810_000),
                ticks(WRAP + 990_000),
                "the next segment, whose MPEGTS wrapped".into()
            ),
        ]
    );
}

#[test]
fn without_the_shared_unwrapper_a_wrapped_mpegts_would_land_before_the_video() {
    let map = TimestampMap::parse("X-TIMESTAMP-MAP=LOCAL:00:00:10.000,MPEGTS:810000").unwrap();
    assert_eq!(map.offset(&mut Unwrapper::mpeg()), ticks(-90_000));
    let mut primed = Unwrapper::mpeg();
    primed.unwrap((WRAP - 1) as u64);
    assert_eq!(map.offset(&mut primed), ticks(WRAP - 90_000));
}

#[test]
fn timestamp_map_is_exposed_and_maps_exactly() {
    let doc = Document::parse(include_bytes!("vtt/segment_0.vtt")).unwrap();
    let map = doc.header.timestamp_map.unwrap();
    assert_eq!(
        map,
        TimestampMap {
            mpegts: 8_589_844_592,
            local: Micros(0)
        }
    );
    // 1 ms is 90 ticks, exactly.
    assert_eq!(to_media_time(Micros(1_001_000), ticks(5)), ticks(90_095));
    assert_eq!(to_media_time(Micros(0), ticks(-7)), ticks(-7));
}

fn cue(start_ms: i64, end_ms: i64, text: &str) -> Cue {
    Cue::new(
        String::new(),
        Micros(start_ms * 1000),
        Micros(end_ms * 1000),
        Default::default(),
        text.into(),
    )
    .unwrap()
}

#[test]
fn cues_are_active_from_their_start_until_just_before_their_end() {
    let cues = [
        cue(0, 2_000, "a"),
        cue(2_000, 4_000, "b"),
        cue(1_000, 3_000, "c"),
        cue(5_000, 5_000, "empty"),
    ];
    let at = |us: i64| -> Vec<&str> {
        active_cues(&cues, Micros(us))
            .map(|c| c.text.as_str())
            .collect()
    };
    assert_eq!(at(-1), Vec::<&str>::new());
    assert_eq!(at(0), ["a"]);
    assert_eq!(at(999_999), ["a"]);
    assert_eq!(at(1_000_000), ["a", "c"]);
    assert_eq!(at(1_999_999), ["a", "c"]);
    assert_eq!(at(2_000_000), ["b", "c"], "a is cleared exactly at its end");
    assert_eq!(at(3_000_000), ["b"]);
    assert_eq!(at(4_000_000), Vec::<&str>::new());
    assert_eq!(
        at(5_000_000),
        Vec::<&str>::new(),
        "a zero-length cue never shows"
    );
    assert!(Cue::new(
        String::new(),
        Micros(2),
        Micros(1),
        Default::default(),
        String::new()
    )
    .is_none());
}
