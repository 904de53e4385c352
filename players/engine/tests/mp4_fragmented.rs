#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Fragmented MP4 / CMAF pushed in chunks of every size against ffprobe/ffmpeg
//! goldens: timestamps, sizes, positions, keyframes and payload md5 of every sample;
//! the global `sidx` of a SegmentBase file against its `moof` offsets.
//!
//! Goldens under `tests/mp4/` come from `tests/mp4/make-goldens.sh` (ffprobe and
//! `ffmpeg -i <(cat init segment...) -map 0 -c copy -f framemd5 -`).

#[path = "mp4/common.rs"]
mod common;

use common::*;
use wasp_engine::media::{AccessUnit, Codec, Demuxer, Event, TrackInfo};
use wasp_engine::mp4::{parse_sidx, BoxHeader, FragmentDemuxer};

/// Pushes `input` in chunks of `chunk` bytes; returns the tracks and samples.
fn demux(input: &[u8], chunk: usize) -> (Vec<TrackInfo>, Vec<AccessUnit>, FragmentDemuxer) {
    let mut d = FragmentDemuxer::new();
    let (mut tracks, mut samples) = (Vec::new(), Vec::new());
    let mut sink = |e: Event| match e {
        Event::Track(t) => tracks.push(t),
        Event::Sample(s) => samples.push(s),
        Event::Metadata(_) => {}
    };
    for c in input.chunks(chunk) {
        d.push(c, &mut sink).unwrap();
    }
    d.finish(&mut sink).unwrap();
    (tracks, samples, d)
}

fn cat(files: &[&str]) -> Vec<u8> {
    files.iter().flat_map(|f| fixture(f)).collect()
}

/// Checks the samples of `input`, pushed in several chunk sizes, against goldens.
///
/// Compared per stream: the demuxer reports samples in input order, ffprobe
/// interleaves tracks by time. The last sample of each stream is compared without
/// its duration: ffmpeg does not report the `trun` duration there (nor where it
/// says N/A: the priming sample).
fn check(input: &[u8], packets_csv: &str, framemd5_text: &str) -> Vec<TrackInfo> {
    let expected = packets(packets_csv, true);
    let md5s = framemd5(framemd5_text);
    let mut first = None;
    for chunk in [1, 13, 4096, input.len()] {
        let (tracks, samples, _) = demux(input, chunk);
        assert_eq!(samples.len(), expected.len(), "chunk {chunk}");
        for (stream, track) in tracks.iter().enumerate() {
            let want: Vec<&Packet> = expected.iter().filter(|p| p.stream == stream).collect();
            let got: Vec<&AccessUnit> = samples.iter().filter(|s| s.track == track.id).collect();
            assert_eq!(got.len(), want.len(), "samples of stream {stream}");
            assert_eq!(md5s[stream].len(), want.len());
            let count = want.len();
            for (i, (au, want)) in got.iter().zip(&want).enumerate() {
                assert_eq!(au.ranges.len(), 1);
                assert_eq!(au.ranges[0].length, au.size);
                assert_eq!(au.timescale, track.timescale);
                let last = i + 1 == count;
                let got = Packet {
                    stream,
                    pts: au.pts,
                    dts: au.dts,
                    duration: if last {
                        want.duration
                    } else {
                        want.duration.map(|_| au.duration)
                    },
                    size: au.size,
                    pos: Some(au.ranges[0].offset),
                    keyframe: au.keyframe,
                };
                assert_eq!(&got, *want, "stream {stream} sample {i}, chunk {chunk}");
                let payload = au.gather(input).unwrap();
                assert_eq!(
                    md5_hex(&payload),
                    md5s[stream][i],
                    "md5 of stream {stream} sample {i}"
                );
            }
        }
        // Input order: each sample starts after the previous one.
        assert!(samples
            .windows(2)
            .all(|w| w[0].ranges[0].offset < w[1].ranges[0].offset));
        match &first {
            None => first = Some((tracks, samples)),
            Some(f) => assert_eq!(
                f,
                &(tracks, samples),
                "chunk size {chunk} changes the output"
            ),
        }
    }
    first.unwrap().0
}

#[test]
fn hls_fmp4_segment_matches_goldens_in_any_chunking() {
    let input = cat(&["hls-fmp4/init_0.mp4", "hls-fmp4/v0_000.m4s"]);
    let tracks = check(
        &input,
        include_str!("mp4/hls-fmp4_v0_000.packets.csv"),
        include_str!("mp4/hls-fmp4_v0_000.framemd5"),
    );
    assert_eq!(tracks.len(), 2);
    assert_eq!(
        (tracks[0].codec, tracks[0].width, tracks[0].height),
        (Codec::H264, 320, 180)
    );
    assert_eq!(tracks[1].codec, Codec::Aac);
    assert_eq!(tracks[1].config, [0x11, 0x90, 0x56, 0xe5, 0x00]);
    // The fixture's own golden (without positions) agrees on what it has.
    let (_, samples, _) = demux(&input, 4096);
    let committed = packets(&golden("hls-fmp4_v0_000.packets.csv"), false);
    let video: Vec<_> = samples.iter().filter(|s| s.track == tracks[0].id).collect();
    assert_eq!(
        video.len(),
        committed.iter().filter(|p| p.stream == 0).count()
    );
    for (au, want) in video.iter().zip(committed.iter().filter(|p| p.stream == 0)) {
        assert_eq!(
            (au.pts, au.dts, au.size, au.keyframe),
            (want.pts, want.dts, want.size, want.keyframe)
        );
    }
}

#[test]
fn two_hls_segments_continue_the_timeline() {
    let input = cat(&[
        "hls-fmp4/init_0.mp4",
        "hls-fmp4/v0_000.m4s",
        "hls-fmp4/v0_001.m4s",
    ]);
    check(
        &input,
        include_str!("mp4/hls-fmp4_v0_000-001.packets.csv"),
        include_str!("mp4/hls-fmp4_v0_000-001.framemd5"),
    );
}

#[test]
fn dash_timeline_video_and_audio_match_goldens() {
    let video = cat(&[
        "dash-timeline/init-0.m4s",
        "dash-timeline/chunk-0-00001.m4s",
        "dash-timeline/chunk-0-00002.m4s",
    ]);
    check(
        &video,
        include_str!("mp4/dash-timeline_0.packets.csv"),
        include_str!("mp4/dash-timeline_0.framemd5"),
    );
    let audio = cat(&[
        "dash-timeline/init-1.m4s",
        "dash-timeline/chunk-1-00001.m4s",
        "dash-timeline/chunk-1-00002.m4s",
        "dash-timeline/chunk-1-00003.m4s",
    ]);
    check(
        &audio,
        include_str!("mp4/dash-timeline_1.packets.csv"),
        include_str!("mp4/dash-timeline_1.framemd5"),
    );
}

#[test]
fn dash_segment_base_file_matches_goldens() {
    for name in ["video", "audio"] {
        let input = fixture(&format!("dash-base/{name}.mp4"));
        check(
            &input,
            &golden(&format!("dash-base_{name}.mp4.packets.csv")),
            &golden(&format!("dash-base_{name}.mp4.framemd5")),
        );
    }
}

/// The top-level boxes of a file: (type, offset, size).
fn top_level(bytes: &[u8]) -> Vec<([u8; 4], u64, u64)> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let h = BoxHeader::parse(&bytes[pos..]).unwrap().unwrap();
        let size = h.size.unwrap() as usize;
        out.push((h.kind.0, pos as u64, size as u64));
        pos += size;
    }
    out
}

#[test]
fn global_sidx_subsegments_are_the_moof_mdat_pairs() {
    let input = fixture("dash-base/video.mp4");
    let boxes = top_level(&input);
    let &(_, sidx_at, sidx_size) = boxes.iter().find(|b| &b.0 == b"sidx").unwrap();
    let sidx_end = sidx_at + sidx_size;
    let sidx = parse_sidx(&input[sidx_at as usize..sidx_end as usize]).unwrap();
    let moofs: Vec<u64> = boxes
        .iter()
        .filter(|b| &b.0 == b"moof")
        .map(|b| b.1)
        .collect();
    let subs: Vec<_> = sidx.subsegments(sidx_end).collect();
    assert_eq!(subs.len(), moofs.len());
    assert_eq!(sidx.timescale, 12_800);
    for (i, s) in subs.iter().enumerate() {
        assert_eq!(
            s.range.offset, moofs[i],
            "subsegment {i} starts at its moof"
        );
        // The next moof, or the box after the last mdat (ffmpeg ends with an mfra).
        let last_mdat = boxes.iter().rfind(|b| &b.0 == b"mdat").unwrap();
        let end = moofs
            .get(i + 1)
            .copied()
            .unwrap_or(last_mdat.1 + last_mdat.2);
        assert_eq!(
            s.range.offset + u64::from(s.range.length),
            end,
            "subsegment {i} ends at the next moof"
        );
        assert!(s.reference.starts_with_sap && !s.reference.references_index);
    }
    assert_eq!(sidx.duration(), 100 * 512, "4 s at 25 fps in 1/12800");
    // The demuxer exposes the same box with its anchor point.
    let (_, samples, d) = demux(&input, 777);
    assert_eq!(d.sidx(), &[(sidx.clone(), sidx_end)]);
    // Each subsegment starts with a keyframe whose time is the subsegment's start.
    for s in &subs {
        let first = samples
            .iter()
            .find(|au| au.ranges[0].offset > s.range.offset)
            .unwrap();
        assert!(first.keyframe);
        assert_eq!(
            first.pts as u64,
            s.start + 512,
            "B-frame delay: pts = dts + 512"
        );
    }
}
