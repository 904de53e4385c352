#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Hand-written MPDs (`tests/dash/*.mpd`): multi-Period timing, live availability,
//! timelines, templates, BaseURL inheritance, descriptors, and what is refused.

use wasp_engine::dash::{
    parse_date_time, parse_duration, Addressing, Mpd, MpdError, MpdType, Representation,
};
use wasp_engine::media::ByteRange;
use wasp_engine::time::Micros;

fn load(name: &str, url: &str) -> Mpd {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/dash")
        .join(name);
    Mpd::parse(&std::fs::read_to_string(path).unwrap(), url).unwrap()
}

fn rep<'a>(mpd: &'a Mpd, period: usize, id: &str) -> &'a Representation {
    mpd.periods[period]
        .adaptation_sets
        .iter()
        .flat_map(|a| &a.representations)
        .find(|r| r.id == id)
        .unwrap()
}

/// (number, presentation start in ms, URL) of each segment.
fn listed(segments: impl Iterator<Item = wasp_engine::dash::Segment>) -> Vec<(u64, i64, String)> {
    segments
        .map(|s| (s.number, s.start.0 / 1000, s.url))
        .collect()
}

fn numbers(segments: impl Iterator<Item = wasp_engine::dash::Segment>) -> Vec<u64> {
    segments.map(|s| s.number).collect()
}

#[test]
fn periods_without_start_follow_the_previous_duration() {
    let mpd = load(
        "multi-period.mpd",
        "https://origin.example.com/manifests/show.mpd",
    );
    let timing: Vec<(Option<&str>, i64, Option<i64>)> = mpd
        .periods
        .iter()
        .map(|p| (p.id.as_deref(), p.start.0, p.duration.map(|d| d.0)))
        .collect();
    assert_eq!(
        timing,
        [
            (Some("ad-free"), 0, Some(30_000_000)),
            (Some("ad"), 30_000_000, Some(20_500_000)),
            (Some("main"), 50_500_000, Some(10_000_000)),
        ]
    );
    let p1 = rep(&mpd, 0, "v");
    assert_eq!(
        listed(p1.segments()),
        (1..=5)
            .map(|n| (
                n,
                (n as i64 - 1) * 6000,
                format!("https://cdn.example.com/show/p1/{n}.m4s")
            ))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        p1.initialization().unwrap().url,
        "https://cdn.example.com/show/p1/init.mp4"
    );
    // The second Period: numbers from 0, media times after presentationTimeOffset.
    let p2: Vec<_> = rep(&mpd, 1, "v").segments().collect();
    let times: Vec<(u64, i64, i64)> = p2
        .iter()
        .map(|s| (s.number, s.time.value, s.start.0))
        .collect();
    assert_eq!(
        times,
        [
            (0, 5000, 30_000_000),
            (1, 15000, 40_000_000),
            (2, 25000, 50_000_000)
        ]
    );
    assert_eq!(rep(&mpd, 1, "v").initialization(), None);
    assert_eq!(
        listed(rep(&mpd, 2, "v").segments()),
        [
            (
                1,
                50_500,
                "https://cdn.example.com/show/p3/1.m4s".to_owned()
            ),
            (
                2,
                54_500,
                "https://cdn.example.com/show/p3/2.m4s".to_owned()
            ),
            (
                3,
                58_500,
                "https://cdn.example.com/show/p3/3.m4s".to_owned()
            ),
        ]
    );
    // A window starts at the segment containing the time, by arithmetic.
    assert_eq!(
        numbers(p1.segments().from_time(Micros(13_000_000))),
        [3, 4, 5]
    );
    assert_eq!(
        numbers(p1.segments().from_time(Micros(12_000_000))),
        [3, 4, 5]
    );
    assert_eq!(
        numbers(p1.segments().from_time(Micros(30_000_000))),
        Vec::<u64>::new()
    );
}

#[test]
fn live_number_template_lists_what_is_available_at_each_wall_clock_time() {
    let mpd = load(
        "live-number.mpd",
        "https://live.example.com/channel/manifest.mpd",
    );
    assert_eq!(mpd.kind, MpdType::Dynamic);
    let ast = 1_704_067_200_000; // 2024-01-01T00:00:00Z, written as 01:00+01:00
    assert_eq!(mpd.availability_start_time, Some(ast));
    assert_eq!(mpd.publish_time, Some(ast + 600_000));
    assert_eq!(mpd.time_shift_buffer_depth, Some(Micros(30_000_000)));
    assert_eq!(mpd.minimum_update_period, Some(Micros(10_000_000)));
    assert_eq!(mpd.suggested_presentation_delay, Some(Micros(8_000_000)));
    assert_eq!(
        mpd.locations,
        ["https://live.example.com/channel/manifest.mpd?t=1"]
    );
    assert_eq!(
        mpd.utc_timings[0].scheme_id_uri,
        "urn:mpeg:dash:utc:http-iso:2014"
    );
    assert_eq!(
        mpd.utc_timings[0].value.as_deref(),
        Some("https://time.example.com/now")
    );

    let v1 = rep(&mpd, 0, "v1");
    // The Period starts at AST + 10 s with 4 s segments: at AST + 60 s, 50 s of it
    // exist; a segment is listed from the moment it is complete until its end plus its
    // duration plus the 30 s buffer have passed.
    assert_eq!(
        numbers(v1.available_segments(ast + 60_000)),
        (104..=111).collect::<Vec<_>>()
    );
    assert_eq!(
        numbers(v1.available_segments(ast + 3_600_500)),
        (989..=996).collect::<Vec<_>>()
    );
    let s = v1.available_segments(ast + 60_000).next().unwrap();
    assert_eq!(
        (s.number, s.time.value, s.start.0, s.url.as_str()),
        (
            104,
            16_000,
            26_000_000,
            "https://live.example.com/channel/v1/seg-104.m4s"
        )
    );
    assert_eq!(
        v1.initialization().unwrap().url,
        "https://live.example.com/channel/v1/init.mp4"
    );
    // Nothing before the first segment is complete, then exactly the first.
    assert_eq!(
        numbers(v1.available_segments(ast + 13_999)),
        Vec::<u64>::new()
    );
    assert_eq!(numbers(v1.available_segments(ast + 14_000)), [100]);
    assert_eq!(
        numbers(v1.available_segments(ast - 86_400_000)),
        Vec::<u64>::new()
    );
    // availabilityTimeOffset="2" on one Representation moves only its live edge.
    let v2 = rep(&mpd, 0, "v2");
    assert_eq!(
        numbers(v2.available_segments(ast + 60_000)),
        (104..=112).collect::<Vec<_>>()
    );
    // Without a clock, the description is open-ended: lazily.
    assert_eq!(
        v1.segments()
            .from_time(Micros(10_000_000 + 4_000_000 * 1_000_000))
            .next()
            .map(|s| s.number),
        Some(1_000_100)
    );
}

#[test]
fn live_timeline_open_repeat_runs_up_to_now() {
    let mpd = load("live-timeline.mpd", "https://l.example.com/a.mpd");
    let a = rep(&mpd, 0, "a");
    let now = 1_000_100_000; // ms since AST (the epoch)
    let got: Vec<_> = a.available_segments(now).collect();
    assert_eq!(numbers(got.iter().cloned()), (20..=50).collect::<Vec<_>>());
    assert_eq!(got[0].url, "https://l.example.com/1000038000.m4s");
    assert_eq!(got[0].time.value, 1_000_038_000);
    assert_eq!(got.last().unwrap().time.value, 1_000_098_000);
    assert_eq!(
        numbers(a.available_segments(now + 2_000)),
        (21..=51).collect::<Vec<_>>()
    );
    assert_eq!(
        numbers(a.available_segments(1_000_001_999)),
        Vec::<u64>::new()
    );
    assert_eq!(numbers(a.available_segments(1_000_002_000)), [1]);
}

#[test]
fn timeline_open_repeat_fills_the_period_and_time_templates_expand() {
    let mpd = load("timeline.mpd", "http://h.example/vod/x.mpd");
    let time = rep(&mpd, 0, "time");
    assert_eq!(
        listed(time.segments()),
        (0..5)
            .map(|k| {
                let t = 900_000 + 270_000 * k;
                (
                    k as u64 + 1,
                    k * 3000,
                    format!("http://h.example/vod/v/{t}.m4s"),
                )
            })
            .collect::<Vec<_>>()
    );
    assert_eq!(
        time.initialization().unwrap().url,
        "http://h.example/vod/v/init-500000.mp4"
    );
    let padded = rep(&mpd, 0, "padded");
    let urls: Vec<String> = padded.segments().map(|s| s.url).collect();
    assert_eq!(
        urls[0],
        "http://h.example/vod/padded/00007-000000900000.m4s"
    );
    assert_eq!(
        urls[4],
        "http://h.example/vod/padded/00011-000001980000.m4s"
    );
    assert_eq!(
        padded.initialization().unwrap().url,
        "http://h.example/vod/v/init-250000.mp4",
        "the AdaptationSet's @initialization, with this Representation's bandwidth"
    );
    let audio: Vec<(u64, i64, i64)> = rep(&mpd, 0, "a")
        .segments()
        .map(|s| (s.number, s.time.value, s.duration.value))
        .collect();
    assert_eq!(
        audio,
        [
            (1, 0, 96256),
            (2, 96256, 96256),
            (3, 192_512, 96256),
            (4, 288_768, 95232),
            (5, 480_000, 40000),
            (6, 520_000, 40000),
            (7, 560_000, 40000),
            (50, 600_000, 1000),
        ]
    );
    // Seeking into the timeline lands in the right run.
    let from: Vec<u64> = numbers(rep(&mpd, 0, "a").segments().from_time(Micros(11_000_000)));
    assert_eq!(from, [6, 7, 50]);
}

#[test]
fn base_urls_chain_through_all_four_levels_and_absolute_ones_win() {
    let mpd = load(
        "base-urls.mpd",
        "https://origin.example.com/a/b/manifest.mpd",
    );
    assert_eq!(&*mpd.base_url, "https://origin.example.com/a/b/media/");
    assert_eq!(
        &*mpd.periods[0].base_url,
        "https://origin.example.com/a/b/media/period-1/"
    );
    let first_url = |id| rep(&mpd, 0, id).segments().next().unwrap().url;
    assert_eq!(
        first_url("chained"),
        "https://origin.example.com/a/b/media/period-1/video/hd/seg-1.m4s"
    );
    assert_eq!(
        rep(&mpd, 0, "chained").initialization().unwrap().url,
        "https://origin.example.com/a/b/media/period-1/video/hd/init.mp4"
    );
    assert_eq!(
        first_url("inherits"),
        "https://origin.example.com/a/b/media/period-1/video/seg-1.m4s"
    );
    assert_eq!(
        first_url("absolute"),
        "https://other.example.net/abs/seg-1.m4s"
    );
    assert_eq!(
        first_url("rooted"),
        "https://origin.example.com/root/seg-1.m4s"
    );
    assert_eq!(numbers(rep(&mpd, 0, "inherits").segments()), [1, 2]);

    let single = rep(&mpd, 0, "single");
    assert_eq!(&*single.base_url, "https://edge.example.org/track.mp4");
    assert!(matches!(single.addressing, Addressing::Base(_)));
    let init = single.initialization().unwrap();
    assert_eq!(
        (init.url.as_str(), init.range),
        (
            "https://edge.example.org/track.mp4",
            Some(ByteRange {
                offset: 0,
                length: 800
            })
        )
    );
    assert_eq!(
        single.index().unwrap().range,
        Some(ByteRange {
            offset: 800,
            length: 100
        })
    );
    let whole: Vec<_> = single.segments().collect();
    assert_eq!(whole.len(), 1);
    assert_eq!(
        (whole[0].url.as_str(), whole[0].range),
        ("https://edge.example.org/track.mp4", None)
    );
}

#[test]
fn content_protection_roles_and_common_attributes_are_kept_and_inherited() {
    let mpd = load("protection.mpd", "https://p.example/m.mpd");
    assert_eq!(mpd.media_presentation_duration, Some(Micros(10_010_000)));
    assert_eq!(mpd.min_buffer_time, Some(Micros(1_500_000)));
    assert_eq!(
        mpd.periods.len(),
        1,
        "the Period inside an unknown element is not one"
    );
    let video = &mpd.periods[0].adaptation_sets[0];
    assert_eq!(video.id.as_deref(), Some("7"));
    assert_eq!(video.lang.as_deref(), Some("en"));
    assert_eq!(video.par.map(|r| (r.h, r.v)), Some((16, 9)));
    assert!(video.segment_alignment);
    assert_eq!(
        (video.max_width, video.max_height),
        (Some(1920), Some(1080))
    );
    assert_eq!(video.roles.len(), 1);
    assert_eq!(
        (
            video.roles[0].scheme_id_uri.as_str(),
            video.roles[0].value.as_deref()
        ),
        ("urn:mpeg:dash:role:2011", Some("main"))
    );
    assert_eq!(video.accessibility[0].value.as_deref(), Some("CC1=eng"));
    let cp = &video.common.content_protection;
    assert_eq!(cp.len(), 2);
    assert_eq!(cp[0].scheme_id_uri, "urn:mpeg:dash:mp4protection:2011");
    assert_eq!(cp[0].value.as_deref(), Some("cenc"));
    assert_eq!(
        cp[0].default_kid,
        Some([
            0x10, 0x77, 0xef, 0xec, 0xc0, 0xb2, 0x4d, 0x02, 0xac, 0xe3, 0x3c, 0x1e, 0x52, 0xe2,
            0xfb, 0x4b
        ])
    );
    assert_eq!(
        cp[1].scheme_id_uri,
        "urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"
    );
    assert!(cp[1].pssh.as_deref().unwrap().starts_with("AAAAQ3Bzc2g"));

    let sd = rep(&mpd, 0, "sd");
    assert_eq!(sd.common.codecs.as_deref(), Some("avc1.4d401f"));
    assert_eq!(sd.common.mime_type.as_deref(), Some("video/mp4"));
    let rate = sd.common.frame_rate.unwrap();
    assert_eq!(
        (rate.num, rate.den, rate.millihertz()),
        (30000, 1001, 29_970)
    );
    assert_eq!(
        sd.common.content_protection,
        video.common.content_protection
    );
    assert_eq!(sd.common.start_with_sap, Some(1));
    assert_eq!(sd.common.sar.map(|r| (r.h, r.v)), Some((1, 1)));
    // 2.002 s segments fill 10.010 s exactly: five of them.
    let starts: Vec<i64> = sd.segments().map(|s| s.start.0).collect();
    assert_eq!(starts, [0, 2_002_000, 4_004_000, 6_006_000, 8_008_000]);

    let hd = rep(&mpd, 0, "hd");
    assert_eq!(hd.common.codecs.as_deref(), Some("avc1.640028"));
    let rate = hd.common.frame_rate.unwrap();
    assert_eq!((rate.num, rate.den), (60000, 1001));
    assert_eq!(hd.quality_ranking, Some(1));
    assert_eq!(
        hd.common.content_protection.len(),
        1,
        "its own list replaces the set's"
    );
    assert_eq!(
        hd.common.content_protection[0].value.as_deref(),
        Some("cbcs")
    );
    assert_eq!(hd.common.content_protection[0].default_kid, None);

    let audio = &mpd.periods[0].adaptation_sets[1];
    assert_eq!(audio.lang.as_deref(), Some("fr"));
    assert_eq!(audio.roles[0].value.as_deref(), Some("dub"));
    let fr = rep(&mpd, 0, "fr");
    assert_eq!(
        fr.common.audio_channel_configuration[0].value.as_deref(),
        Some("6")
    );
    assert_eq!(
        fr.initialization().unwrap().url,
        "https://p.example/fr/init.mp4"
    );
    assert_eq!(
        listed(fr.segments()),
        [
            (1, 0, "https://p.example/fr/1.m4s".to_owned()),
            (2, 5000, "https://p.example/fr/2.m4s".to_owned()),
        ]
    );
}

#[test]
fn iso8601_durations_and_date_times_are_exact() {
    let us = |s| parse_duration(s).map(|m| m.0);
    assert_eq!(us("PT1H2M3.5S"), Some(3_723_500_000));
    assert_eq!(us("P1DT2H"), Some(93_600_000_000));
    assert_eq!(us("PT0.1S"), Some(100_000), "no float drift");
    assert_eq!(us("PT2562047788H"), Some(9_223_372_036_800_000_000));
    assert_eq!(us("PT2562047789H"), None, "beyond i64 µs");
    assert_eq!(us("P1W"), None, "weeks are not xs:duration");
    assert_eq!(us("PT1,5S"), Some(1_500_000), "ISO 8601 decimal comma");
    assert_eq!(
        parse_date_time("2024-06-30T23:59:59.999-02:30"),
        Some(1_719_800_999_999)
    );
}

fn parse_err(xml: &str) -> MpdError {
    Mpd::parse(xml, "http://x/").unwrap_err()
}

#[test]
fn errors_say_what_is_wrong_and_where() {
    let mpd = |attrs: &str, body: &str| {
        format!(
            r#"<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" {attrs}><Period>{body}</Period></MPD>"#
        )
    };
    assert_eq!(
        parse_err(&mpd(r#"mediaPresentationDuration="4S""#, "")),
        MpdError::BadDuration {
            element: "MPD",
            attribute: "mediaPresentationDuration"
        }
    );
    assert_eq!(
        parse_err(&mpd(r#"type="dynamic""#, "")),
        MpdError::MissingAttribute {
            element: "MPD",
            attribute: "availabilityStartTime"
        }
    );
    assert_eq!(
        parse_err(&mpd(
            r#"type="dynamic" availabilityStartTime="yesterday""#,
            ""
        )),
        MpdError::BadDateTime {
            element: "MPD",
            attribute: "availabilityStartTime"
        }
    );
    assert_eq!(
        parse_err(&mpd(
            "",
            r#"<AdaptationSet><Representation id="a"/></AdaptationSet>"#
        )),
        MpdError::MissingAttribute {
            element: "Representation",
            attribute: "bandwidth"
        }
    );
    assert_eq!(
        parse_err(&mpd(
            "",
            r#"<AdaptationSet><SegmentTemplate media="$Nmber$.m4s"/></AdaptationSet>"#
        )),
        MpdError::BadTemplate {
            element: "SegmentTemplate",
            attribute: "media"
        }
    );
    assert_eq!(
        parse_err(&mpd(
            "",
            r#"<SegmentTemplate><SegmentTimeline><S t="0"/></SegmentTimeline></SegmentTemplate>"#
        )),
        MpdError::MissingAttribute {
            element: "S",
            attribute: "d"
        }
    );
    assert_eq!(
        parse_err(&mpd(
            "",
            r#"<SegmentList><SegmentURL mediaRange="9-1"/></SegmentList>"#
        )),
        MpdError::BadValue {
            element: "SegmentURL",
            attribute: "mediaRange"
        }
    );
    assert_eq!(
        parse_err(&mpd("", r#"<SegmentTemplate timescale="0"/>"#)),
        MpdError::BadValue {
            element: "SegmentTemplate",
            attribute: "timescale"
        }
    );
    assert_eq!(
        parse_err(r#"<MPD><Period start="PT0S"/><Period/><Period/></MPD>"#),
        MpdError::PeriodStart
    );
    assert_eq!(parse_err("<MPD/>"), MpdError::NoPeriod);
    assert_eq!(parse_err("<Playlist/>"), MpdError::NotMpd);
    assert!(matches!(
        parse_err("<MPD>\n  <Period></Perio>"),
        MpdError::Xml { row: 2, .. }
    ));
    assert!(matches!(
        parse_err(r#"<?xml version="1.0"?><!DOCTYPE MPD [<!ENTITY a "aaaa">]><MPD>&a;</MPD>"#),
        MpdError::Xml { .. }
    ));
    // Unknown elements and attributes, and MPDs without the namespace, are fine.
    let ok = Mpd::parse(
        r#"<MPD novel="1"><Extra/><Period><Gizmo/><AdaptationSet sparkle="y"/></Period></MPD>"#,
        "http://x/",
    )
    .unwrap();
    assert_eq!(ok.periods[0].adaptation_sets.len(), 1);
}

#[test]
fn huge_timelines_and_tiny_durations_are_walked_lazily() {
    // 2^31 repeats of one tick, over a century: a window costs arithmetic, not a walk.
    let mpd = Mpd::parse(
        r#"<MPD type="static" mediaPresentationDuration="P100Y"><Period>
             <AdaptationSet><SegmentTemplate timescale="1" media="$Number$/$Time$">
               <SegmentTimeline><S t="0" d="1" r="2147483647"/><S d="5" r="-1"/></SegmentTimeline>
             </SegmentTemplate><Representation id="r" bandwidth="1"/></AdaptationSet>
           </Period></MPD>"#,
        "http://h/",
    )
    .unwrap();
    let r = rep(&mpd, 0, "r");
    let second: i64 = 1_000_000;
    let at = |s: i64| r.segments().from_time(Micros(s * second)).next().unwrap();
    let s = at(2_000_000_000);
    assert_eq!(
        (s.number, s.time.value, s.duration.value),
        (2_000_000_001, 2_000_000_000, 1)
    );
    // After the 2^31 one-tick segments, five-tick ones repeat to the end of the Period.
    let s = at(2_147_483_650);
    assert_eq!(
        (s.number, s.time.value, s.duration.value),
        (2_147_483_649, 2_147_483_648, 5)
    );
    assert_eq!(s.url, "http://h/2147483649/2147483648");
    let century = 100 * 365 * 86_400;
    let last = r.segments().from_time(Micros((century - 1) * second));
    let tail: Vec<_> = last.collect();
    assert_eq!(tail.len(), 1);
    assert!(tail[0].time.value < century && tail[0].time.value + 5 >= century);

    // One-microsecond segments in a live stream that started a century ago.
    let mpd = Mpd::parse(
        r#"<MPD type="dynamic" availabilityStartTime="1970-01-01T00:00:00Z" timeShiftBufferDepth="PT0.00001S">
             <Period start="PT0S"><AdaptationSet>
               <SegmentTemplate timescale="1000000" duration="1" media="$Number$"/>
               <Representation id="r" bandwidth="1"/></AdaptationSet></Period></MPD>"#,
        "http://h/",
    )
    .unwrap();
    let now_ms = century * 1000;
    let got = numbers(rep(&mpd, 0, "r").available_segments(now_ms));
    // Available while its end + its duration + 10 µs > now: the last 11 ones.
    let last = (century * second) as u64; // number = 1 + index, last index = now − 1 µs
    assert_eq!(got, ((last - 10)..=last).collect::<Vec<_>>());
}

#[test]
fn fetched_bytes_may_carry_a_byte_order_mark_but_must_be_utf8() {
    let text = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dash/timeline.mpd"),
    )
    .unwrap();
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(&text);
    let mpd = Mpd::parse_bytes(&with_bom, "http://h/x.mpd").unwrap();
    assert_eq!(numbers(rep(&mpd, 0, "time").segments()), [1, 2, 3, 4, 5]);
    let mut latin1 = text.clone();
    latin1.extend_from_slice(b"<!-- caf\xE9 -->");
    assert_eq!(
        Mpd::parse_bytes(&latin1, "http://h/x.mpd"),
        Err(MpdError::NotUtf8)
    );
}
