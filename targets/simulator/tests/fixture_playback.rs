#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! The player plays the engine's real ffmpeg fixtures (HLS with MPEG-TS and with fMP4
//! segments) to the end on the test device, and what reached the decoders equals, unit
//! for unit, what `ffmpeg -c copy -f framemd5` reports for the same segments.

use std::path::Path;

use md5::{Digest, Md5};
use wasp_core::abi::decoder::{SAMPLE_END_OF_STREAM, SAMPLE_KEYFRAME};
use wasp_core::abi::media::TrackKind;
use wasp_core::abi::player::{PlayerState, StateReason};
use wasp_engine::player::{Command, PlayerConfig};
use wasp_sim::Session;
use wasp_testkit::TestPort;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../players/engine/fixtures");

fn serve_dir(port: &mut TestPort, dir: &str) {
    for entry in std::fs::read_dir(Path::new(FIXTURES).join(dir)).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        port.serve(
            &format!("http://cdn.test/{dir}/{name}"),
            std::fs::read(&path).unwrap(),
        );
    }
}

/// (stream index, pts in the stream's time base, md5) of a framemd5 golden.
fn golden(name: &str) -> Vec<(u32, i64, String)> {
    golden_framemd5(name)
}

fn golden_framemd5(name: &str) -> Vec<(u32, i64, String)> {
    let text = std::fs::read_to_string(Path::new(FIXTURES).join("goldens").join(name)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split(',').map(str::trim).collect();
            (
                f[0].parse().unwrap(),
                f[2].parse().unwrap(),
                f[5].to_owned(),
            )
        })
        .collect()
}

/// ffmpeg's packet of ADTS audio is header + payload; the decoder gets the raw payload
/// and the AudioSpecificConfig. Rebuilds the 7-byte header (ISO/IEC 13818-7 §6.2)
/// from the configuration, with the VBR buffer fullness ffmpeg's encoder writes.
fn adts(asc: &[u8], payload: &[u8]) -> Vec<u8> {
    let object = u32::from(asc[0] >> 3);
    let frequency = u32::from(((asc[0] & 7) << 1) | (asc[1] >> 7));
    let channels = u32::from((asc[1] >> 3) & 0xf);
    let length = payload.len() as u32 + 7;
    let fullness = 0x7ffu32;
    let mut h = vec![
        0xff,
        0xf1,
        (((object - 1) << 6) | (frequency << 2) | (channels >> 2)) as u8,
        (((channels & 3) << 6) | (length >> 11)) as u8,
        ((length >> 3) & 0xff) as u8,
        (((length & 7) << 5) | (fullness >> 6)) as u8,
        (((fullness & 0x3f) << 2) as u8),
    ];
    h.extend_from_slice(payload);
    h
}

fn md5_hex(data: &[u8]) -> String {
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn play_to_end(dir: &str, cap: Option<u32>) -> Session {
    play_manifest(dir, "master.m3u8", cap)
}

fn play_manifest(dir: &str, manifest: &str, cap: Option<u32>) -> Session {
    let mut port = TestPort::new();
    serve_dir(&mut port, dir);
    let mut session = Session::new(port, PlayerConfig::default(), 32 << 20);
    session.command_at(0, Command::SetQuality(cap));
    session.command_at(
        0,
        Command::Load {
            url: format!("http://cdn.test/{dir}/{manifest}"),
            start_us: None,
        },
    );
    let ended = session.run_until_state(PlayerState::Ended, 30_000_000);
    let port = &session.platform.port;
    assert!(
        ended,
        "log:\n{}\nposition {} clock {:?}\ndecoders {:?}",
        session.log.join("\n"),
        session.player.position_us(),
        port.clock,
        port.decoders
            .values()
            .map(|d| (
                d.config.codec,
                d.received.len(),
                d.state,
                d.decoded,
                d.dropped
            ))
            .collect::<Vec<_>>()
    );
    session
}

fn units(session: &Session, kind: TrackKind) -> Vec<wasp_testkit::decoder::Unit> {
    let port = &session.platform.port;
    port.closed_decoders
        .iter()
        .chain(port.decoders.values())
        .filter(|d| d.config.codec.kind() == kind)
        .flat_map(|d| d.received.iter().cloned())
        .filter(|u| u.info.flags & SAMPLE_END_OF_STREAM == 0)
        .collect()
}

fn config(session: &Session, kind: TrackKind) -> Vec<u8> {
    let port = &session.platform.port;
    let decoder = port
        .decoders
        .values()
        .find(|d| d.config.codec.kind() == kind)
        .unwrap();
    decoder.extra.clone()
}

#[test]
fn hls_ts_plays_to_the_end_and_every_unit_equals_ffmpeg() {
    let session = play_to_end("hls-ts", Some(500_000));
    let states: Vec<_> = session.states.iter().map(|(_, s, r)| (*s, *r)).collect();
    assert_eq!(
        states,
        [
            (PlayerState::Loading, StateReason::Command),
            (PlayerState::Buffering, StateReason::Command),
            (PlayerState::Playing, StateReason::Buffer),
            (PlayerState::Ended, StateReason::EndOfStream),
        ]
    );
    // The cap keeps the 400 kbit/s variant: its two segments, in order. framemd5
    // restarts each file's timestamps, so pts are compared within a segment, and the
    // segments must follow each other on the timeline.
    for (kind, index) in [(TrackKind::Video, 0), (TrackKind::Audio, 1)] {
        let got = units(&session, kind);
        let mut at = 0;
        let mut previous_end: Option<i64> = None;
        for file in ["hls-ts_v0_000.ts.framemd5", "hls-ts_v0_001.ts.framemd5"] {
            let want: Vec<_> = golden(file).into_iter().filter(|g| g.0 == index).collect();
            let segment = &got[at..at + want.len()];
            at += want.len();
            let base = segment[0].info.pts_us - want[0].1 * 1_000_000 / 90_000;
            let asc = config(&session, TrackKind::Audio);
            for (u, g) in segment.iter().zip(&want) {
                let packet = if kind == TrackKind::Audio {
                    adts(&asc, &u.data)
                } else {
                    u.data.clone()
                };
                assert_eq!(
                    md5_hex(&packet),
                    g.2,
                    "{kind:?} unit at pts {} of {file}",
                    g.1
                );
                let expected_pts = base + g.1 * 1_000_000 / 90_000;
                assert!(
                    (u.info.pts_us - expected_pts).abs() <= 1,
                    "{kind:?} pts {} vs {expected_pts}",
                    u.info.pts_us
                );
            }
            // Each segment starts with a keyframe (video).
            if kind == TrackKind::Video {
                assert_ne!(segment[0].info.flags & SAMPLE_KEYFRAME, 0);
            }
            let first_dts = segment.iter().map(|u| u.info.dts_us).min().unwrap();
            if let Some(end) = previous_end {
                assert!(
                    (first_dts - end).abs() < 50_000,
                    "{kind:?} {file} starts at dts {first_dts}, previous ended at {end}"
                );
            }
            let last = segment.iter().max_by_key(|u| u.info.dts_us).unwrap();
            previous_end = Some(last.info.dts_us + last.info.duration_us);
        }
        assert_eq!(
            at,
            got.len(),
            "{kind:?}: every unit accounted for, none twice"
        );
    }
    // The first picture is at the playlist's 0; the audio starts 1920 ticks (21.3 ms)
    // before it, as in the stream.
    assert_eq!(units(&session, TrackKind::Video)[0].info.pts_us, 0);
    assert_eq!(units(&session, TrackKind::Audio)[0].info.pts_us, -21_333);
}

#[test]
fn hls_fmp4_plays_to_the_end_with_each_segment_from_one_variant() {
    let session = play_to_end("hls-fmp4", None);
    assert_eq!(session.player.state(), PlayerState::Ended);
    let video = units(&session, TrackKind::Video);
    // Two segments of two seconds at 25 fps... whatever the variant, 4 s of frames.
    assert!(!video.is_empty());
    let last = video.iter().map(|u| u.info.pts_us).max().unwrap();
    assert!(
        last > 3_800_000 && last < 4_000_000,
        "last video pts {last}"
    );
}

#[test]
fn two_runs_give_identical_logs() {
    let a = play_to_end("hls-ts", None);
    let b = play_to_end("hls-ts", None);
    assert_eq!(a.log, b.log);
    assert_eq!(units(&a, TrackKind::Video), units(&b, TrackKind::Video));
}

/// (pts, md5) of a framemd5 file of the engine's mp4 goldens.
fn mp4_golden(name: &str) -> Vec<(i64, String)> {
    let path = Path::new(FIXTURES).join("../tests/mp4").join(name);
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split(',').map(str::trim).collect();
            (f[2].parse().unwrap(), f[5].to_owned())
        })
        .collect()
}

#[test]
fn dash_segment_timeline_plays_video_and_audio_like_ffmpeg() {
    let session = play_manifest("dash-timeline", "manifest.mpd", None);
    let states: Vec<_> = session.states.iter().map(|(_, s, _)| *s).collect();
    assert_eq!(
        states,
        [
            PlayerState::Loading,
            PlayerState::Buffering,
            PlayerState::Playing,
            PlayerState::Ended
        ]
    );
    for (kind, golden, timescale) in [
        (TrackKind::Video, "dash-timeline_0.framemd5", 12_800),
        (TrackKind::Audio, "dash-timeline_1.framemd5", 48_000),
    ] {
        let want = mp4_golden(golden);
        let got = units(&session, kind);
        assert_eq!(got.len(), want.len(), "{kind:?}");
        // framemd5 starts the audio at 0; the edit list puts its first frame (the
        // encoder's 1024-sample priming) 21.3 ms before the presentation start.
        let base = if kind == TrackKind::Audio { -21_333 } else { 0 };
        assert_eq!(got[0].info.pts_us, base, "{kind:?} starts");
        for (u, (pts, md5)) in got.iter().zip(&want) {
            assert_eq!(&md5_hex(&u.data), md5, "{kind:?} at {pts}");
            let expected = base + pts * 1_000_000 / timescale;
            assert!(
                (u.info.pts_us - expected).abs() <= 1,
                "{kind:?} pts {} vs {expected}",
                u.info.pts_us
            );
        }
    }
}

#[test]
fn dash_segment_list_plays_to_the_end() {
    let session = play_manifest("dash-list", "manifest.mpd", None);
    assert_eq!(
        session.player.state(),
        PlayerState::Ended,
        "{}",
        session.log.join("\n")
    );
    assert!(!units(&session, TrackKind::Video).is_empty());
}

fn play_file(path: &str) -> Session {
    let mut port = TestPort::new();
    let body = std::fs::read(Path::new(FIXTURES).join(path)).unwrap();
    port.serve(&format!("http://cdn.test/{path}"), body);
    let mut session = Session::new(port, PlayerConfig::default(), 32 << 20);
    session.command_at(
        0,
        Command::Load {
            url: format!("http://cdn.test/{path}"),
            start_us: None,
        },
    );
    let ended = session.run_until_state(PlayerState::Ended, 60_000_000);
    assert!(ended, "{}", session.log.join("\n"));
    session
}

#[test]
fn progressive_mp4_plays_faststart_and_moov_at_end_like_ffmpeg() {
    for (file, golden) in [
        (
            "progressive/faststart.mp4",
            "progressive_faststart.mp4.framemd5",
        ),
        (
            "progressive/moov-at-end.mp4",
            "progressive_moov-at-end.mp4.framemd5",
        ),
    ] {
        let session = play_file(file);
        let want = golden_framemd5(golden);
        for (kind, index) in [(TrackKind::Video, 0), (TrackKind::Audio, 1)] {
            let want: Vec<_> = want.iter().filter(|g| g.0 == index).collect();
            let got = units(&session, kind);
            assert_eq!(got.len(), want.len(), "{file} {kind:?}");
            for (u, g) in got.iter().zip(&want) {
                assert_eq!(md5_hex(&u.data), g.2, "{file} {kind:?} at {}", g.1);
            }
        }
        // Only the moov search and the windows were fetched: no byte twice.
        let log = &session.platform.port.network.log;
        let media: u64 = log.iter().map(|r| r.bytes).sum();
        let size = std::fs::metadata(Path::new(FIXTURES).join(file))
            .unwrap()
            .len();
        assert!(
            media <= size + 32 * 1024,
            "{file}: fetched {media} of {size} bytes"
        );
    }
}

#[test]
fn timestamps_restart_at_a_discontinuity_and_the_timeline_goes_on() {
    let mut port = TestPort::new();
    serve_dir(&mut port, "hls-ts");
    // The same two segments twice: their timestamps start again after the tag.
    let playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n\
#EXTINF:2.0,\nv0_000.ts\n#EXTINF:2.0,\nv0_001.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.0,\nv0_000.ts\n#EXTINF:2.0,\nv0_001.ts\n#EXT-X-ENDLIST\n";
    port.serve("http://cdn.test/hls-ts/twice.m3u8", playlist);
    let mut session = Session::new(port, PlayerConfig::default(), 32 << 20);
    session.command_at(
        0,
        Command::Load {
            url: "http://cdn.test/hls-ts/twice.m3u8".into(),
            start_us: None,
        },
    );
    assert!(
        session.run_until_state(PlayerState::Ended, 30_000_000),
        "{}",
        session.log.join("\n")
    );
    assert_eq!(session.player.qoe().rebuffer_count, 0);
    let video = units(&session, TrackKind::Video);
    let half = video.len() / 2;
    // The second copy plays 4 s later, unit for unit, flagged at its first unit.
    for (a, b) in video[..half].iter().zip(&video[half..]) {
        assert_eq!(b.info.pts_us - a.info.pts_us, 4_000_000);
        assert_eq!(a.data, b.data);
    }
    assert_ne!(
        video[half].info.flags & wasp_core::abi::decoder::SAMPLE_DISCONTINUITY,
        0
    );
    assert!(video[..half]
        .iter()
        .all(|u| u.info.flags & wasp_core::abi::decoder::SAMPLE_DISCONTINUITY == 0));
}

#[test]
fn subtitles_show_their_cues_at_their_times() {
    let mut port = TestPort::new();
    serve_dir(&mut port, "hls-ts");
    let master = "#EXTM3U\n#EXT-X-VERSION:3\n\
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",NAME=\"English\",LANGUAGE=\"en\",AUTOSELECT=YES,URI=\"subs.m3u8\"\n\
#EXT-X-STREAM-INF:BANDWIDTH=400400,RESOLUTION=320x180,CODECS=\"avc1.64000d,mp4a.40.2\",SUBTITLES=\"subs\"\nv0.m3u8\n";
    port.serve("http://cdn.test/hls-ts/subs-master.m3u8", master);
    port.serve(
        "http://cdn.test/hls-ts/subs.m3u8",
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:2.0,\nsubs0.vtt\n#EXTINF:2.0,\nsubs1.vtt\n#EXT-X-ENDLIST\n",
    );
    // The audio starts at MPEG time 0, so MPEGTS:0 is presentation time 0.
    port.serve(
        "http://cdn.test/hls-ts/subs0.vtt",
        "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\n00:00:00.500 --> 00:00:01.500\nHello, <b>wasp</b>!\n",
    );
    port.serve(
        "http://cdn.test/hls-ts/subs1.vtt",
        "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\n00:00:02.000 --> 00:00:03.250\nSecond line\n",
    );
    let mut session = Session::new(port, PlayerConfig::default(), 32 << 20);
    session.command_at(
        0,
        Command::Load {
            url: "http://cdn.test/hls-ts/subs-master.m3u8".into(),
            start_us: None,
        },
    );
    session.command_at(0, Command::SelectSubtitle("en".into()));
    let mut seen = Vec::new();
    while session.player.state() != PlayerState::Ended && session.now() < 20_000_000 {
        let t = session.now() + 10_000;
        session.run_until(t);
        let position = session.player.position_us();
        let text: Vec<String> = session
            .player
            .active_cues()
            .map(|c| c.plain_text())
            .collect();
        // The next change on screen is the next cue boundary after the position.
        let next = [500_000, 1_500_000, 2_000_000, 3_250_000]
            .into_iter()
            .find(|b| *b > position);
        if session.player.subtitle().is_some() && position > 100_000 {
            assert_eq!(session.player.next_cue_change_us(), next, "at {position}");
        }
        seen.push((position, text));
    }
    assert_eq!(session.player.subtitle_options().len(), 1);
    for (position, text) in &seen {
        let want: &[&str] = match position {
            500_000..=1_499_999 => &["Hello, wasp!"],
            2_000_000..=3_249_999 => &["Second line"],
            _ => &[],
        };
        // The position moves between samples: skip the instants at a boundary.
        let near = [500_000, 1_500_000, 2_000_000, 3_250_000]
            .iter()
            .any(|b| (position - b).abs() < 20_000);
        if !near {
            assert_eq!(text, want, "at {position}");
        }
    }
    assert!(seen.iter().any(|(_, t)| t == &["Second line"]));
}
