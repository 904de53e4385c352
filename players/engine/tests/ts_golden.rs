//! Golden tests: the TS demuxer against ffprobe/ffmpeg on the TS fixtures, in every
//! chunking: the access units (count, pts, dts, keyframe, size, md5 of the bytes)
//! and the codec configuration records.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod ts_support;

use std::collections::HashMap;
use ts_support::*;
use wasp_engine::codec::{parse_avcc, parse_hvcc};
use wasp_engine::media::{Bitstream, Codec};
use wasp_engine::ts::TsDemuxer;

const CHUNKS: [usize; 5] = [1, 7, 188, 4096, usize::MAX];

/// Checks one track's units against ffprobe's packets and ffmpeg's md5s. For ADTS
/// audio ffmpeg's packet is header + payload: the header is read from an independent
/// parse of the PES payload and must sit right before our payload.
///
/// ffmpeg's HEVC parser cuts access units at the 3-byte start code, so the
/// `zero_byte` of the next unit's 4-byte start code (H.265 §B.2) ends up at the end
/// of the previous packet; `hevc` moves that byte the same way before comparing.
fn check_track(name: &str, input: &[u8], out: &Output, stream: u32, adts: bool, hevc: bool) {
    let pid = 256 + stream;
    let golden: Vec<Packet> = packets(name)
        .into_iter()
        .filter(|p| p.stream == stream)
        .collect();
    let hashes = md5s(name, stream);
    let units = out.track(pid);
    assert_eq!(units.len(), golden.len(), "{name} stream {stream}");
    assert_eq!(hashes.len(), golden.len());
    let (es, es_offsets) = pes_payload(input, pid as u16);
    let es_index: HashMap<u64, usize> = es_offsets
        .iter()
        .enumerate()
        .map(|(i, &o)| (o, i))
        .collect();
    let mut es_end = 0;
    for (i, (unit, packet)) in units.iter().zip(&golden).enumerate() {
        let at = format!("{name} stream {stream} unit {i}");
        assert_eq!((unit.pts, unit.dts), (packet.pts, packet.dts), "{at}");
        assert_eq!(unit.keyframe, packet.keyframe, "{at}");
        assert_eq!(unit.timescale, 90_000);
        let mut bytes = unit.gather(input).unwrap();
        assert_eq!(bytes.len() as u32, unit.size);
        if hevc {
            assert_eq!(
                bytes[..4],
                [0, 0, 0, 1],
                "{at}: PES payload starts with a 4-byte start code"
            );
            if i > 0 {
                bytes.remove(0);
            }
            if i + 1 < units.len() {
                bytes.push(0);
            }
        }
        if adts {
            let first = es_index[&unit.ranges[0].offset];
            assert_eq!(
                first - 7,
                es_end,
                "{at}: the payload follows its header, the header the last frame"
            );
            assert_eq!(&es[first - 7..first][..2], [0xff, 0xf1]);
            let whole = [&es[first - 7..first], &bytes[..]].concat();
            assert_eq!(whole.len() as u32, packet.size, "{at}");
            assert_eq!(md5_hex(&whole), hashes[i].1, "{at}");
            assert_eq!(unit.duration, packet.duration);
            es_end = first + bytes.len();
        } else {
            assert_eq!(bytes.len() as u32, packet.size, "{at}");
            assert_eq!(md5_hex(&bytes), hashes[i].1, "{at}");
        }
    }
}

/// Runs every chunking and checks that they agree with the whole-input run.
fn run_all(path: &str) -> (Vec<u8>, Output) {
    let input = fixture(path);
    let reference = run(&mut TsDemuxer::new(), &input, usize::MAX);
    assert_ranges_sound(&reference, &input);
    for chunk in CHUNKS {
        let mut demuxer = TsDemuxer::new();
        let out = run(&mut demuxer, &input, chunk);
        assert_eq!(out, reference, "{path} in chunks of {chunk}");
        let stats = demuxer.stats();
        assert_eq!(stats.packets as usize, input.len() / 188);
        assert_eq!(
            (
                stats.skipped_bytes,
                stats.continuity_errors,
                stats.dropped_units
            ),
            (0, 0, 0),
            "{stats:?}"
        );
    }
    // Every track is announced before its first sample.
    for (i, &(kind, id)) in reference.order.iter().enumerate() {
        if kind == 'S' {
            assert!(reference.order[..i].contains(&('T', id)));
        }
    }
    (input, reference)
}

#[test]
fn hls_segment_180p_matches_ffmpeg_and_builds_its_avcc() {
    let name = "hls-ts_v0_000.ts";
    let (input, out) = run_all("hls-ts/v0_000.ts");
    check_track(name, &input, &out, 0, false, false);
    check_track(name, &input, &out, 1, true, false);
    assert_eq!(out.tracks.len(), 2);
    let video = out.tracks.iter().find(|t| t.id == 256).unwrap();
    assert_eq!(
        (video.codec, video.bitstream),
        (Codec::H264, Bitstream::AnnexB)
    );
    assert_eq!(
        (video.width, video.height, video.timescale),
        (320, 180, 90_000)
    );
    // The MP4 encoded with the same settings has this avcC (ffprobe extradata).
    assert_eq!(video.config, extradata("progressive_faststart.mp4", 0));
    let avcc = parse_avcc(&video.config).unwrap();
    let ts_units = annex_b_units(&extradata(name, 0));
    assert_eq!([avcc.sps, avcc.pps].concat(), ts_units);
    let audio = out.tracks.iter().find(|t| t.id == 257).unwrap();
    assert_eq!(
        (audio.codec, audio.bitstream),
        (Codec::Aac, Bitstream::Framed)
    );
    assert_eq!(audio.config, [0x11, 0x90]);
    assert_eq!((audio.sample_rate, audio.channels), (48_000, 2));
}

#[test]
fn hls_segment_360p_matches_ffmpeg() {
    let name = "hls-ts_v1_001.ts";
    let (input, out) = run_all("hls-ts/v1_001.ts");
    check_track(name, &input, &out, 0, false, false);
    check_track(name, &input, &out, 1, true, false);
    let video = out.tracks.iter().find(|t| t.id == 256).unwrap();
    assert_eq!((video.width, video.height), (640, 360));
    let avcc = parse_avcc(&video.config).unwrap();
    assert_eq!(
        (avcc.profile, avcc.level, avcc.width, avcc.height),
        (100, 30, 640, 360)
    );
    assert_eq!(
        [avcc.sps, avcc.pps].concat(),
        annex_b_units(&extradata(name, 0))
    );
}

#[test]
fn hevc_with_ac3_matches_ffmpeg_and_builds_an_hvcc() {
    let name = "progressive_hevc-ac3.ts";
    let (input, out) = run_all("progressive/hevc-ac3.ts");
    check_track(name, &input, &out, 0, false, true);
    check_track(name, &input, &out, 1, false, false);
    let video = out.tracks.iter().find(|t| t.id == 256).unwrap();
    assert_eq!(
        (video.codec, video.width, video.height),
        (Codec::H265, 320, 180)
    );
    let hvcc = parse_hvcc(&video.config).unwrap();
    let sets: Vec<Vec<u8>> = hvcc.sets.iter().map(|(_, s)| s.clone()).collect();
    assert_eq!(
        sets,
        annex_b_units(&extradata(name, 0)),
        "VPS, SPS, PPS as ffmpeg found them"
    );
    assert_eq!(
        wasp_engine::codec::rfc6381_codec_string(video),
        "hvc1.1.6.L60.90"
    );
    let audio = out.tracks.iter().find(|t| t.id == 257).unwrap();
    assert_eq!(
        (audio.codec, audio.sample_rate, audio.channels),
        (Codec::Ac3, 48_000, 1)
    );
    assert!(audio.config.is_empty());
}

#[test]
fn eac3_and_mp3_audio_match_ffmpeg() {
    let name = "progressive_eac3-mp3.ts";
    let (input, out) = run_all("progressive/eac3-mp3.ts");
    check_track(name, &input, &out, 0, false, false);
    check_track(name, &input, &out, 1, false, false);
    let eac3 = out.tracks.iter().find(|t| t.id == 256).unwrap();
    assert_eq!(
        (eac3.codec, eac3.sample_rate, eac3.channels),
        (Codec::Eac3, 48_000, 1)
    );
    let mp3 = out.tracks.iter().find(|t| t.id == 257).unwrap();
    assert_eq!(
        (mp3.codec, mp3.sample_rate, mp3.channels),
        (Codec::Mp3, 48_000, 1)
    );
}
