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
fn skipping_mdat_payloads_gives_the_same_samples_as_pushing_them() {
    let input = cat(&[
        "hls-fmp4/init_0.mp4",
        "hls-fmp4/v0_000.m4s",
        "hls-fmp4/v0_001.m4s",
    ]);
    let (_, pushed, _) = demux(&input, 4096);
    let mut d = FragmentDemuxer::new();
    let mut skipped_units = Vec::new();
    let mut sink = |e: Event| {
        if let Event::Sample(s) = e {
            skipped_units.push(s);
        }
    };
    let (mut at, mut skipped) = (0usize, 0u64);
    while at < input.len() {
        let n = d.skippable().min((input.len() - at) as u64);
        if n > 0 {
            d.skip(n, &mut sink).unwrap();
            at += n as usize;
            skipped += n;
            continue;
        }
        let end = (at + 512).min(input.len());
        d.push(&input[at..end], &mut sink).unwrap();
        at = end;
    }
    d.finish(&mut sink).unwrap();
    assert_eq!(skipped_units, pushed);
    // Most of the input (the payload) was never looked at.
    assert!(
        skipped * 10 > input.len() as u64 * 8,
        "skipped {skipped} of {}",
        input.len()
    );
    // Skipping more than the demuxer allows is refused.
    let mut d = FragmentDemuxer::new();
    assert!(d.skip(1, &mut |_| {}).is_err());
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

fn boxed(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut b = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
    b.extend_from_slice(kind);
    b.extend_from_slice(payload);
    b
}

#[test]
fn emsg_events_carry_their_time_and_body() {
    use wasp_engine::media::Metadata;
    // v0: SCTE-35 500 ms after the segment's start; v1: ID3 at an absolute time.
    let mut v0 = vec![0, 0, 0, 0];
    v0.extend_from_slice(b"urn:scte:scte35:2013:bin\0\0");
    v0.extend_from_slice(&[0, 0, 0x03, 0xe8, 0, 0, 0x01, 0xf4, 0, 0, 0, 0, 0, 0, 0, 1]);
    v0.extend_from_slice(&[0xfc, 0x30, 0x11]);
    let mut v1 = vec![1, 0, 0, 0, 0, 1, 0x5f, 0x90]; // timescale 90000
    v1.extend_from_slice(&202_500u64.to_be_bytes());
    v1.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 2]);
    v1.extend_from_slice(b"https://aomedia.org/emsg/ID3\0\0ID3\x04");
    let segment = fixture("hls-fmp4/v0_001.m4s");
    let styp_len = u32::from_be_bytes(segment[..4].try_into().unwrap()) as usize;
    let with_events = [
        &segment[..styp_len],
        &boxed(b"emsg", &v0),
        &boxed(b"emsg", &v1),
        &segment[styp_len..],
    ]
    .concat();
    let head = [
        fixture("hls-fmp4/init_0.mp4"),
        fixture("hls-fmp4/v0_000.m4s"),
    ]
    .concat();
    let plain = [head.clone(), segment.clone()].concat();
    let input = [head.clone(), with_events].concat();
    for chunk in [1, 13, input.len()] {
        let mut d = FragmentDemuxer::new();
        let mut events = Vec::new();
        for c in input.chunks(chunk) {
            d.push(c, &mut |e| events.push(e)).unwrap();
        }
        d.finish(&mut |e| events.push(e)).unwrap();
        let metadata: Vec<(usize, &Metadata)> = events
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match e {
                Event::Metadata(m) => Some((i, m)),
                _ => None,
            })
            .collect();
        assert_eq!(metadata.len(), 2, "chunk {chunk}");
        // v1 at once, with its own time; v0 once the moof gives the segment's start
        // (2 s: tfdt 25600 in 1/12800), so after it in the stream of events.
        assert_eq!(
            (metadata[0].1.pts, metadata[0].1.timescale),
            (202_500, 90_000)
        );
        assert_eq!(metadata[0].1.data, b"ID3\x04");
        assert_eq!(
            (metadata[1].1.pts, metadata[1].1.timescale),
            (2_000 + 500, 1000)
        );
        assert_eq!(metadata[1].1.data, [0xfc, 0x30, 0x11]);
        // Both come before the segment's first sample; the samples are unchanged
        // (moved by the inserted bytes).
        let first_sample = events
            .iter()
            .position(|e| matches!(e, Event::Sample(s) if s.ranges[0].offset >= head.len() as u64))
            .unwrap();
        assert!(metadata[1].0 < first_sample);
        let got: Vec<Vec<u8>> = events
            .iter()
            .filter_map(|e| match e {
                Event::Sample(s) => Some(s.gather(&input).unwrap()),
                _ => None,
            })
            .collect();
        let (_, want, _) = demux(&plain, 4096);
        let want: Vec<Vec<u8>> = want.iter().map(|s| s.gather(&plain).unwrap()).collect();
        assert_eq!(got, want);
    }
}

#[test]
fn reset_restarts_offsets_and_keeps_the_init() {
    let init = fixture("hls-fmp4/init_0.mp4");
    let segment = fixture("hls-fmp4/v0_001.m4s");
    let mut d = FragmentDemuxer::new();
    d.push(&init, &mut |_| {}).unwrap();
    d.push(&fixture("hls-fmp4/v0_000.m4s")[..1000], &mut |_| {})
        .unwrap();
    d.reset();
    let mut samples = Vec::new();
    d.push(&segment, &mut |e| {
        if let Event::Sample(s) = e {
            samples.push(s)
        }
    })
    .unwrap();
    d.finish(&mut |_| {}).unwrap();
    let (_, all, _) = demux(&[init.clone(), segment.clone()].concat(), 4096);
    assert_eq!(samples.len(), all.len());
    for (s, a) in samples.iter().zip(&all) {
        assert_eq!((s.pts, s.dts, s.size), (a.pts, a.dts, a.size));
        assert_eq!(s.ranges[0].offset + init.len() as u64, a.ranges[0].offset);
        assert_eq!(
            s.gather(&segment),
            a.gather(&[init.clone(), segment.clone()].concat())
        );
    }
}

fn full(kind: &[u8; 4], version: u8, flags: u32, body: &[u8]) -> Vec<u8> {
    let mut p = (u32::from(version) << 24 | flags).to_be_bytes().to_vec();
    p.extend_from_slice(body);
    boxed(kind, &p)
}

fn words(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// A moof exercising what ffmpeg does not write: an explicit base-data-offset, runs
/// without data offsets (each continuing the previous), a second traf whose data
/// follows the first's (no base at all), per-sample durations, first-sample-flags,
/// signed (version 1) composition offsets, and a traf without tfdt.
fn synthetic_fragment(moof_start: u64, with_tfdt: bool) -> (Vec<u8>, Vec<u8>) {
    let build = |mdat_payload: u64| {
        let mut traf1 = full(
            b"tfhd",
            0,
            0x1 | 0x20,
            &[
                words(&[1]),
                mdat_payload.to_be_bytes().to_vec(),
                words(&[0x0101_0000]),
            ]
            .concat(),
        );
        if with_tfdt {
            traf1.extend(full(b"tfdt", 1, 0, &100_000u64.to_be_bytes()));
        }
        // trun 1: first-sample-flags, duration + size + signed cto per sample.
        traf1.extend(full(
            b"trun",
            1,
            0x4 | 0x100 | 0x200 | 0x800,
            &words(&[2, 0x0200_0000, 100, 10, 200, 200, 20, (-100i32) as u32]),
        ));
        // trun 2: no data offset: continues after trun 1's 30 bytes.
        traf1.extend(full(b"trun", 0, 0x100 | 0x200, &words(&[1, 50, 30])));
        let mut traf2 = full(b"tfhd", 0, 0x8 | 0x10, &words(&[2, 1024, 5]));
        traf2.extend(full(b"tfdt", 0, 0, &words(&[4800])));
        traf2.extend(full(b"trun", 0, 0, &words(&[2])));
        let moof = [
            full(b"mfhd", 0, 0, &words(&[7])),
            boxed(b"traf", &traf1),
            boxed(b"traf", &traf2),
        ]
        .concat();
        boxed(b"moof", &moof)
    };
    let moof_len = build(0).len() as u64;
    let moof = build(moof_start + moof_len + 8);
    let payload: Vec<u8> = (0..70u8).collect();
    (moof, boxed(b"mdat", &payload))
}

#[test]
fn fragment_bases_offsets_flags_and_times_follow_the_spec() {
    let init = fixture("hls-fmp4/init_0.mp4");
    let (moof, mdat) = synthetic_fragment(init.len() as u64, true);
    let payload = (init.len() + moof.len() + 8) as u64;
    let first = [init.clone(), moof, mdat].concat();
    let (moof2, mdat2) = synthetic_fragment(first.len() as u64, false);
    let payload2 = (first.len() + moof2.len() + 8) as u64;
    let input = [first.clone(), moof2, mdat2].concat();
    for chunk in [1, 13, input.len()] {
        let (_, samples, d) = demux(&input, chunk);
        assert_eq!(d.sequence_number(), 7);
        let got: Vec<(u32, i64, i64, u64, u32, bool)> = samples
            .iter()
            .map(|s| {
                (
                    s.track,
                    s.pts,
                    s.dts,
                    s.ranges[0].offset - payload,
                    s.size,
                    s.keyframe,
                )
            })
            .collect();
        // Video: tfdt 100000, shift 0; audio: shift +864 (its 18 ms empty edit).
        let moof1 = [
            (1, 100_200, 100_000, 0, 10, true),
            (1, 100_000, 100_100, 10, 20, false),
            (1, 100_300, 100_300, 30, 30, false),
            (2, 4800 + 864, 4800 + 864, 60, 5, true),
            (2, 5824 + 864, 5824 + 864, 65, 5, true),
        ];
        assert_eq!(&got[..5], &moof1[..], "chunk {chunk}");
        // The second fragment has no tfdt for video: it continues at 100350.
        let moof2: Vec<_> = moof1
            .iter()
            .map(|&(t, p, d, o, s, k)| {
                let shift = if t == 1 { 350 } else { 0 };
                (t, p + shift, d + shift, o + payload2 - payload, s, k)
            })
            .collect();
        assert_eq!(&got[5..], &moof2[..], "chunk {chunk}");
        for s in &samples {
            let b = s.gather(&input).unwrap();
            assert_eq!(b.len(), s.size as usize);
        }
    }
}

#[test]
fn a_second_traf_of_a_track_continues_its_time_and_data() {
    let init = fixture("hls-fmp4/init_0.mp4");
    // Two trafs of the audio track: the first with tfdt 9600 and 2 samples, the second
    // without tfdt (it continues at 9600 + 2 × 1024) and without a base (its data
    // follows the first's).
    let build = |base: u64| {
        let mut traf1 = full(
            b"tfhd",
            0,
            0x1 | 0x8 | 0x10,
            &[words(&[2]), base.to_be_bytes().to_vec(), words(&[1024, 7])].concat(),
        );
        traf1.extend(full(b"tfdt", 0, 0, &words(&[9600])));
        traf1.extend(full(b"trun", 0, 0, &words(&[2])));
        let mut traf2 = full(b"tfhd", 0, 0x8 | 0x10, &words(&[2, 1024, 3]));
        traf2.extend(full(b"trun", 0, 0, &words(&[1])));
        boxed(
            b"moof",
            &[
                full(b"mfhd", 0, 0, &words(&[1])),
                boxed(b"traf", &traf1),
                boxed(b"traf", &traf2),
            ]
            .concat(),
        )
    };
    let moof_len = build(0).len() as u64;
    let payload = init.len() as u64 + moof_len + 8;
    let input = [init.clone(), build(payload), boxed(b"mdat", &[9; 17])].concat();
    let (_, samples, _) = demux(&input, 5);
    let got: Vec<(i64, u64, u32)> = samples
        .iter()
        .map(|s| (s.dts - 864, s.ranges[0].offset - payload, s.size))
        .collect();
    assert_eq!(got, [(9600, 0, 7), (10_624, 7, 7), (11_648, 14, 3)]);
}
