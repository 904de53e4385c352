#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Every example playlist of RFC 8216 §8 (files in `tests/hls/`), field by field.

use std::time::Duration;

use wasp_engine::hls::{
    self, ClosedCaptions, KeyMethod, MasterPlaylist, MediaPlaylist, MediaType, Playlist,
};

fn load(name: &str) -> String {
    let path = format!("{}/tests/hls/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn media(name: &str, url: &str) -> MediaPlaylist {
    match hls::parse(&load(name), url).unwrap() {
        Playlist::Media(p) => p,
        Playlist::Master(_) => panic!("{name} parsed as a master playlist"),
    }
}

fn master(name: &str, url: &str) -> MasterPlaylist {
    match hls::parse(&load(name), url).unwrap() {
        Playlist::Master(p) => p,
        Playlist::Media(_) => panic!("{name} parsed as a media playlist"),
    }
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

#[test]
fn rfc_8_1_simple_media_playlist() {
    let p = media(
        "rfc8216-8.1-simple-media.m3u8",
        "http://media.example.com/p.m3u8",
    );
    assert_eq!(p.target_duration, Duration::from_secs(10));
    assert_eq!(p.version, Some(3));
    assert!(p.end_list);
    assert_eq!(p.media_sequence, 0);
    assert_eq!(p.playlist_type, None);
    let got: Vec<_> = p
        .segments
        .iter()
        .map(|s| (s.sequence, s.uri.as_str(), s.start, s.duration))
        .collect();
    assert_eq!(
        got,
        [
            (0, "http://media.example.com/first.ts", ms(0), ms(9009)),
            (1, "http://media.example.com/second.ts", ms(9009), ms(9009)),
            (2, "http://media.example.com/third.ts", ms(18018), ms(3003)),
        ]
    );
    assert_eq!(p.duration(), ms(21021));
    for s in &p.segments {
        assert_eq!(s.discontinuity_sequence, 0);
        assert_eq!(s.title, "");
        assert_eq!(s.byte_range, None);
        assert_eq!(s.map, None);
        assert_eq!(s.key(), None);
        assert_eq!(s.iv(), None);
        assert!(!s.gap);
    }
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn rfc_8_2_live_media_playlist_over_https() {
    let p = media(
        "rfc8216-8.2-live-https.m3u8",
        "https://priv.example.com/live.m3u8",
    );
    assert!(!p.end_list);
    assert!(p.is_live());
    assert_eq!(p.target_duration, Duration::from_secs(8));
    assert_eq!(p.media_sequence, 2680);
    let got: Vec<_> = p
        .segments
        .iter()
        .map(|s| (s.sequence, s.uri.as_str(), s.start, s.duration))
        .collect();
    assert_eq!(
        got,
        [
            (
                2680,
                "https://priv.example.com/fileSequence2680.ts",
                ms(0),
                ms(7975)
            ),
            (
                2681,
                "https://priv.example.com/fileSequence2681.ts",
                ms(7975),
                ms(7941)
            ),
            (
                2682,
                "https://priv.example.com/fileSequence2682.ts",
                ms(15916),
                ms(7975)
            ),
        ]
    );
    assert_eq!(p.segment(2681).unwrap().uri, got[1].1);
    assert_eq!(p.segment(2679), None);
    assert_eq!(p.segment(2683), None);
    assert_eq!(
        hls::live::reload_delay(&p, true),
        Some(Duration::from_secs(8))
    );
    assert_eq!(
        hls::live::reload_delay(&p, false),
        Some(Duration::from_secs(4))
    );
}

#[test]
fn rfc_8_3_encrypted_segments_take_the_key_before_them_and_the_sequence_as_iv() {
    let p = media(
        "rfc8216-8.3-encrypted.m3u8",
        "http://media.example.com/p.m3u8",
    );
    assert_eq!(p.media_sequence, 7794);
    assert_eq!(p.target_duration, Duration::from_secs(15));
    let got: Vec<_> = p
        .segments
        .iter()
        .map(|s| {
            let key = s.key().unwrap();
            assert_eq!(key.method, KeyMethod::Aes128);
            assert_eq!(key.iv, None);
            assert!(key.is_identity());
            (
                s.sequence,
                s.uri.rsplit('/').next().unwrap(),
                s.duration,
                key.uri.as_deref().unwrap(),
            )
        })
        .collect();
    let r52 = "https://priv.example.com/key.php?r=52";
    let r53 = "https://priv.example.com/key.php?r=53";
    assert_eq!(
        got,
        [
            (7794, "fileSequence52-A.ts", ms(2833), r52),
            (7795, "fileSequence52-B.ts", ms(15000), r52),
            (7796, "fileSequence52-C.ts", ms(13333), r52),
            (7797, "fileSequence53-A.ts", ms(15000), r53),
        ]
    );
    // RFC 8216 §5.2: no IV attribute, so the IV is the media sequence number.
    let iv = p.segments[3].iv().unwrap();
    assert_eq!(iv, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1e, 0x75]);
    assert_eq!(
        u128::from_be_bytes(p.segments[0].iv().unwrap()),
        7794,
        "first segment"
    );
    // The two segments under one tag share one key allocation.
    assert!(std::sync::Arc::ptr_eq(
        p.segments[0].keys.as_ref().unwrap(),
        p.segments[2].keys.as_ref().unwrap()
    ));
}

#[test]
fn rfc_8_4_master_playlist() {
    let m = master("rfc8216-8.4-master.m3u8", "http://example.com/master.m3u8");
    let got: Vec<_> = m
        .variants
        .iter()
        .map(|v| {
            (
                v.uri.as_str(),
                v.stream.bandwidth,
                v.stream.average_bandwidth,
                v.stream.codecs.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "http://example.com/low.m3u8",
                1_280_000,
                Some(1_000_000),
                None
            ),
            (
                "http://example.com/mid.m3u8",
                2_560_000,
                Some(2_000_000),
                None
            ),
            (
                "http://example.com/hi.m3u8",
                7_680_000,
                Some(6_000_000),
                None
            ),
            (
                "http://example.com/audio-only.m3u8",
                65_000,
                None,
                Some("mp4a.40.5")
            ),
        ]
    );
    assert!(m.renditions.is_empty() && m.i_frame_streams.is_empty());
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
}

#[test]
fn rfc_8_5_master_playlist_with_i_frames() {
    let m = master(
        "rfc8216-8.5-master-iframes.m3u8",
        "https://example.com/v/master.m3u8",
    );
    let variants: Vec<_> = m
        .variants
        .iter()
        .map(|v| (v.uri.as_str(), v.stream.bandwidth))
        .collect();
    assert_eq!(
        variants,
        [
            ("https://example.com/v/low/audio-video.m3u8", 1_280_000),
            ("https://example.com/v/mid/audio-video.m3u8", 2_560_000),
            ("https://example.com/v/hi/audio-video.m3u8", 7_680_000),
            ("https://example.com/v/audio-only.m3u8", 65_000),
        ]
    );
    assert_eq!(
        m.variants[3].stream.codecs().collect::<Vec<_>>(),
        ["mp4a.40.5"]
    );
    let iframes: Vec<_> = m
        .i_frame_streams
        .iter()
        .map(|s| (s.uri.as_str(), s.stream.bandwidth))
        .collect();
    assert_eq!(
        iframes,
        [
            ("https://example.com/v/low/iframe.m3u8", 86_000),
            ("https://example.com/v/mid/iframe.m3u8", 150_000),
            ("https://example.com/v/hi/iframe.m3u8", 550_000),
        ]
    );
}

#[test]
fn rfc_8_6_master_playlist_with_alternative_audio() {
    let m = master(
        "rfc8216-8.6-master-alternative-audio.m3u8",
        "https://example.com/master.m3u8",
    );
    let got: Vec<_> = m
        .renditions
        .iter()
        .map(|r| {
            assert_eq!(r.media_type, MediaType::Audio);
            assert_eq!(r.group_id, "aac");
            (
                r.name.as_str(),
                r.language.as_deref(),
                r.default,
                r.autoselect,
                r.uri.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "English",
                Some("en"),
                true,
                true,
                Some("https://example.com/main/english-audio.m3u8")
            ),
            (
                "Deutsch",
                Some("de"),
                false,
                true,
                Some("https://example.com/main/german-audio.m3u8")
            ),
            (
                "Commentary",
                Some("en"),
                false,
                false,
                Some("https://example.com/commentary/audio-only.m3u8")
            ),
        ]
    );
    let variants: Vec<_> = m
        .variants
        .iter()
        .map(|v| {
            (
                v.uri.as_str(),
                v.stream.bandwidth,
                v.stream.codecs.as_deref(),
                v.audio.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        variants,
        [
            (
                "https://example.com/low/video-only.m3u8",
                1_280_000,
                Some("..."),
                Some("aac")
            ),
            (
                "https://example.com/mid/video-only.m3u8",
                2_560_000,
                Some("..."),
                Some("aac")
            ),
            (
                "https://example.com/hi/video-only.m3u8",
                7_680_000,
                Some("..."),
                Some("aac")
            ),
            (
                "https://example.com/main/english-audio.m3u8",
                65_000,
                Some("mp4a.40.5"),
                Some("aac")
            ),
        ]
    );
    assert_eq!(m.group(MediaType::Audio, "aac").count(), 3);
    assert_eq!(m.group(MediaType::Video, "aac").count(), 0);
}

#[test]
fn rfc_8_7_master_playlist_with_alternative_video() {
    let m = master(
        "rfc8216-8.7-master-alternative-video.m3u8",
        "https://example.com/master.m3u8",
    );
    assert_eq!(m.renditions.len(), 9);
    for (group, variant) in ["low", "mid", "hi"].iter().zip(&m.variants) {
        assert_eq!(variant.stream.video.as_deref(), Some(*group));
        assert_eq!(
            variant.uri,
            format!("https://example.com/{group}/main/audio-video.m3u8")
        );
        let renditions: Vec<_> = m
            .group(MediaType::Video, group)
            .map(|r| (r.name.as_str(), r.default, r.uri.clone().unwrap()))
            .collect();
        let uri = |angle: &str| format!("https://example.com/{group}/{angle}/audio-video.m3u8");
        assert_eq!(
            renditions,
            [
                ("Main", true, uri("main")),
                ("Centerfield", false, uri("centerfield")),
                ("Dugout", false, uri("dugout")),
            ]
        );
    }
    let bandwidths: Vec<_> = m.variants.iter().map(|v| v.stream.bandwidth).collect();
    assert_eq!(bandwidths, [1_280_000, 2_560_000, 7_680_000]);
}

#[test]
fn rfc_8_8_session_data() {
    let m = master(
        "rfc8216-8.8-session-data.m3u8",
        "https://example.com/a/master.m3u8",
    );
    let got: Vec<_> = m
        .session_data
        .iter()
        .map(|d| {
            (
                d.data_id.as_str(),
                d.language.as_deref(),
                d.value.as_deref(),
                d.uri.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "com.example.lyrics",
                None,
                None,
                Some("https://example.com/a/lyrics.json")
            ),
            (
                "com.example.title",
                Some("en"),
                Some("This is an example"),
                None
            ),
            (
                "com.example.title",
                Some("es"),
                Some("Este es un ejemplo"),
                None
            ),
        ]
    );
    assert!(m.variants.is_empty());
}

#[test]
fn rfc_8_9_characteristics_with_several_values_stay_one_attribute() {
    let m = master(
        "rfc8216-8.9-characteristics.m3u8",
        "https://example.com/master.m3u8",
    );
    let r = &m.renditions[0];
    assert_eq!(r.media_type, MediaType::Subtitles);
    assert_eq!(
        r.characteristics.as_deref(),
        Some("public.accessibility.transcribes-spoken-dialog,public.easy-to-read")
    );
    assert_eq!(r.name, "English (easy to read)");
    assert!(r.autoselect && !r.default && !r.forced);
    assert_eq!(
        r.uri.as_deref(),
        Some("https://example.com/subs/en-easy.m3u8")
    );
    assert_eq!(m.variants[0].subtitles.as_deref(), Some("subs"));
    assert_eq!(m.variants[0].closed_captions, None::<ClosedCaptions>);
}

#[test]
fn rfc_8_10_daterange_carrying_scte35() {
    let p = media(
        "rfc8216-8.10-daterange-scte35.m3u8",
        "https://example.com/live.m3u8",
    );
    assert_eq!(p.date_ranges.len(), 2);
    let out = &p.date_ranges[0];
    assert_eq!(out.id, "splice-6FFFFFF0");
    assert_eq!(out.start_date, Some(1_394_018_100_000)); // 2014-03-05T11:15:00Z
    assert_eq!(out.planned_duration, Some(ms(59_993)));
    assert_eq!(out.duration, None);
    assert_eq!(
        out.attribute("SCTE35-OUT"),
        Some("0xFC002F0000000000FF000014056FFFFFF000E011622DCAFF000052636200000000000A0008029896F50000008700000000")
    );
    assert_eq!(out.segment_index, 0);
    let back = &p.date_ranges[1];
    assert_eq!(back.id, out.id);
    assert_eq!(back.start_date, None);
    assert_eq!(back.duration, Some(ms(59_993)));
    assert_eq!(
        back.attribute("SCTE35-IN"),
        Some("0xFC002A0000000000FF00000F056FFFFFF000401162802E6100000000000A0008029896F50000008700000000")
    );
    assert_eq!(back.segment_index, 2);
    assert_eq!(back.attributes.len(), 3);
    // The date-time tag dates the first segment; the others follow by duration.
    let dates: Vec<_> = p.segments.iter().map(|s| s.program_date_time).collect();
    assert_eq!(
        dates,
        [
            Some(1_394_018_100_000),
            Some(1_394_018_130_000),
            Some(1_394_018_160_000)
        ]
    );
}
