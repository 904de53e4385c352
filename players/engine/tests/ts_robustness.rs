//! The TS demuxer on damaged and unusual input: timestamps across the 33-bit wrap,
//! lost packets, garbage, a cut last packet, ID3 timed metadata, headers split over
//! packets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod ts_support;

use ts_support::*;
use wasp_engine::media::{AccessUnit, DemuxError, Demuxer, Event};
use wasp_engine::ts::TsDemuxer;

/// What a unit is, independent of where its bytes are.
fn essence(unit: &AccessUnit, input: &[u8]) -> (u32, i64, i64, bool, u32, String) {
    let md5 = md5_hex(&unit.gather(input).unwrap());
    (
        unit.track,
        unit.pts,
        unit.dts,
        unit.keyframe,
        unit.size,
        md5,
    )
}

fn essences(out: &Output, input: &[u8]) -> Vec<(u32, i64, i64, bool, u32, String)> {
    out.units.iter().map(|u| essence(u, input)).collect()
}

/// Rewrites every PES timestamp of `input` to `(t + shift) mod 2^33`.
fn shift_timestamps(input: &mut [u8], shift: u64) {
    for packet in input.chunks_exact_mut(188) {
        let pid = ((u16::from(packet[1]) & 0x1f) << 8) | u16::from(packet[2]);
        if packet[1] & 0x40 == 0 || !(256..=257).contains(&pid) {
            continue;
        }
        let mut at = 4;
        if packet[3] & 0x20 != 0 {
            at += 1 + packet[4] as usize;
        }
        let flags = packet[at + 7] >> 6;
        for (n, offset) in [9, 14]
            .into_iter()
            .enumerate()
            .take(if flags == 3 { 2 } else { 1 })
        {
            let b = &packet[at + offset..at + offset + 5];
            let ts = (u64::from(b[0] >> 1) & 7) << 30
                | u64::from(b[1]) << 22
                | u64::from(b[2] >> 1) << 15
                | u64::from(b[3]) << 7
                | u64::from(b[4] >> 1);
            let prefix = if flags == 3 { [3, 1][n] } else { 2 };
            let new = timestamp_bytes(prefix, (ts + shift) % (1 << 33));
            packet[at + offset..at + offset + 5].copy_from_slice(&new);
        }
    }
}

#[test]
fn timestamps_crossing_two_to_the_33_keep_increasing() {
    let mut input = fixture("hls-ts/v0_000.ts");
    let reference = run(&mut TsDemuxer::new(), &input, 4096);
    // The segment's timestamps run from 126000 to about 306000: the wrap falls inside.
    let shift = (1u64 << 33) - 200_000;
    shift_timestamps(&mut input, shift);
    let out = run(&mut TsDemuxer::new(), &input, 4096);
    assert_eq!(out.units.len(), reference.units.len());
    let mut crossed = false;
    for (ours, theirs) in out.units.iter().zip(&reference.units) {
        assert_eq!(ours.pts, theirs.pts + shift as i64);
        assert_eq!(ours.dts, theirs.dts + shift as i64);
        crossed |= ours.pts >= 1 << 33;
        assert_eq!(ours.size, theirs.size);
    }
    assert!(crossed, "the test must cross the wrap");
    assert!(out.units[0].pts < 1 << 33);
}

#[test]
fn a_lost_video_packet_drops_only_its_access_unit() {
    let input = fixture("hls-ts/v0_000.ts");
    let reference = run(&mut TsDemuxer::new(), &input, usize::MAX);
    // The third packet of the first video PES (PID 256, not a unit start).
    let video: Vec<usize> = input
        .chunks_exact(188)
        .enumerate()
        .filter(|(_, p)| p[1] & 0x1f == 1 && p[2] == 0)
        .map(|(n, _)| n)
        .collect();
    let lost = video[2];
    assert_eq!(input[lost * 188 + 1] & 0x40, 0);
    let damaged: Vec<u8> = [&input[..lost * 188], &input[(lost + 1) * 188..]].concat();
    for chunk in [1, 188, 5000] {
        let mut demuxer = TsDemuxer::new();
        let out = run(&mut demuxer, &damaged, chunk);
        assert_ranges_sound(&out, &damaged);
        let mut expected = essences(&reference, &input);
        let first_video = expected.iter().position(|e| e.0 == 256).unwrap();
        expected.remove(first_video);
        assert_eq!(essences(&out, &damaged), expected, "chunk {chunk}");
        let stats = demuxer.stats();
        assert_eq!((stats.continuity_errors, stats.dropped_units), (1, 1));
    }
}

#[test]
fn a_lost_audio_packet_drops_the_frames_it_touched_and_the_rest_of_its_pes() {
    let input = fixture("hls-ts/v0_000.ts");
    let reference = run(&mut TsDemuxer::new(), &input, usize::MAX);
    let audio: Vec<usize> = input
        .chunks_exact(188)
        .enumerate()
        .filter(|(_, p)| p[1] & 0x1f == 1 && p[2] == 1)
        .map(|(n, _)| n)
        .collect();
    let lost = audio[5];
    assert_eq!(input[lost * 188 + 1] & 0x40, 0, "not a unit start");
    let damaged: Vec<u8> = [&input[..lost * 188], &input[(lost + 1) * 188..]].concat();
    let out = run(&mut TsDemuxer::new(), &damaged, 188);
    let ours = essences(&out, &damaged);
    let theirs = essences(&reference, &input);
    // What is left is the reference with one run of audio frames missing: those from
    // the frame the lost packet cut to the end of its PES.
    let missing: Vec<_> = theirs.iter().filter(|e| !ours.contains(e)).collect();
    assert!(!missing.is_empty());
    assert!(missing.iter().all(|e| e.0 == 257));
    assert_eq!(ours.len() + missing.len(), theirs.len());
    let lost_at = (lost * 188) as u64;
    let next_pes = audio
        .iter()
        .find(|&&n| n > lost && input[n * 188 + 1] & 0x40 != 0)
        .unwrap();
    for unit in reference
        .units
        .iter()
        .filter(|u| !ours.contains(&essence(u, &input)))
    {
        let end = unit
            .ranges
            .last()
            .map(|r| r.offset + u64::from(r.length))
            .unwrap();
        assert!(end > lost_at, "a frame before the loss was dropped");
        assert!(
            unit.ranges[0].offset < (*next_pes * 188) as u64,
            "a frame of the next PES was dropped"
        );
    }
}

#[test]
fn garbage_before_the_first_sync_byte_is_skipped() {
    let input = fixture("progressive/eac3-mp3.ts");
    let reference = run(&mut TsDemuxer::new(), &input, usize::MAX);
    // Pseudo-random garbage with sync bytes in it.
    let mut garbage: Vec<u8> = (0..1000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for i in (0..1000).step_by(97) {
        garbage[i] = 0x47;
    }
    let noisy = [&garbage[..], &input[..]].concat();
    for chunk in [1, 7, 188, 4096, usize::MAX] {
        let mut demuxer = TsDemuxer::new();
        let out = run(&mut demuxer, &noisy, chunk);
        assert_eq!(
            essences(&out, &noisy),
            essences(&reference, &input),
            "chunk {chunk}"
        );
        assert_eq!(
            out.units[0].ranges[0].offset,
            reference.units[0].ranges[0].offset + 1000
        );
        assert_eq!(demuxer.stats().skipped_bytes, 1000);
        assert_eq!(out.tracks, reference.tracks);
    }
}

#[test]
fn bytes_inserted_between_packets_are_skipped_without_losing_a_packet() {
    let input = fixture("hls-ts/v0_000.ts");
    let reference = run(&mut TsDemuxer::new(), &input, usize::MAX);
    // Junk that starts with a sync byte where packet 100 should start.
    let at = 188 * 100;
    let noisy = [&input[..at], &[0x47, 0x00, 0x47, 0x12][..], &input[at..]].concat();
    for chunk in [1, 188, 4096] {
        let mut demuxer = TsDemuxer::new();
        let out = run(&mut demuxer, &noisy, chunk);
        assert_ranges_sound(&out, &noisy);
        assert_eq!(
            essences(&out, &noisy),
            essences(&reference, &input),
            "chunk {chunk}"
        );
        let stats = demuxer.stats();
        assert_eq!((stats.sync_losses, stats.skipped_bytes), (1, 4));
        assert_eq!((stats.continuity_errors, stats.dropped_units), (0, 0));
    }
}

#[test]
fn a_packet_cut_short_is_dropped_not_read_with_the_next_packets_bytes() {
    let input = fixture("hls-ts/v0_000.ts");
    let reference = run(&mut TsDemuxer::new(), &input, usize::MAX);
    // Packet 30 (video, not a unit start) loses its last 88 bytes.
    let at = 188 * 30;
    assert_eq!(input[at + 1] & 0x5f, 0x01);
    let hit = reference
        .units
        .iter()
        .position(|u| {
            u.ranges
                .iter()
                .any(|r| (at as u64..at as u64 + 188).contains(&r.offset))
        })
        .unwrap();
    let damaged = [&input[..at + 100], &input[at + 188..]].concat();
    for chunk in [1, 188, 4096] {
        let mut demuxer = TsDemuxer::new();
        let out = run(&mut demuxer, &damaged, chunk);
        let mut expected = essences(&reference, &input);
        expected.remove(hit); // the access unit packet 30 belongs to
        assert_eq!(essences(&out, &damaged), expected, "chunk {chunk}");
        let stats = demuxer.stats();
        assert_eq!((stats.sync_losses, stats.skipped_bytes), (1, 100));
        assert_eq!((stats.continuity_errors, stats.dropped_units), (1, 1));
    }
}

#[test]
fn a_truncated_final_packet_drops_its_unit_and_is_reported() {
    let input = fixture("hls-ts/v0_000.ts");
    let reference = run(&mut TsDemuxer::new(), &input, usize::MAX);
    for cut in [
        input.len() - 100,
        input.len() - 188 * 7 - 1,
        input.len() - 188 * 20 - 187,
    ] {
        let cut_packet = (cut / 188 * 188) as u64;
        let truncated = &input[..cut];
        let mut demuxer = TsDemuxer::new();
        let mut units = Vec::new();
        let mut sink = |e: Event| {
            if let Event::Sample(u) = e {
                units.push(u)
            }
        };
        for piece in truncated.chunks(4096) {
            demuxer.push(piece, &mut sink).unwrap();
        }
        assert!(matches!(
            demuxer.finish(&mut sink),
            Err(DemuxError::Malformed(_))
        ));
        assert!(demuxer.stats().truncated);
        let expected: Vec<&AccessUnit> = reference
            .units
            .iter()
            .filter(|u| {
                u.ranges
                    .iter()
                    .all(|r| r.offset + u64::from(r.length) <= cut_packet)
            })
            .collect();
        let ours: Vec<&AccessUnit> = units.iter().collect();
        let differ: Vec<(u32, i64)> = ours
            .iter()
            .filter(|u| !expected.contains(u))
            .chain(expected.iter().filter(|u| !ours.contains(u)))
            .map(|u| (u.track, u.pts))
            .collect();
        assert!(differ.is_empty(), "cut at {cut}: {differ:?}");
        assert_eq!(ours, expected, "cut at {cut}");
    }
}

#[test]
fn id3_timed_metadata_is_emitted_with_its_pts() {
    // PMT per Apple's Timed Metadata spec: stream_type 0x15 with a metadata_descriptor.
    let descriptor = b"\x26\x0d\xff\xffID3 \xffID3 \x00\x0f";
    let mut w = TsWriter::default();
    w.tables(&[(0x0f, 0x101, b""), (0x15, 0x102, descriptor)]);
    let mut tag = b"ID3\x04\x00\x00\x00\x00\x01\x10".to_vec();
    tag.extend((0..144u8).map(|i| i.wrapping_mul(7)));
    // The PES header is split over two packets (5 bytes in the first).
    w.pes(0x102, 0xbd, 900_000, &tag, &[5, 100, 184]);
    // A tag over 64 KiB is dropped; the next one still comes.
    w.pes(0x102, 0xbd, 990_000, &vec![0x55; 70_000], &[184]);
    w.pes(0x102, 0xbd, 1_080_000, &tag[..20], &[184]);
    for chunk in [1, 188, usize::MAX] {
        let mut demuxer = TsDemuxer::new();
        let out = run(&mut demuxer, &w.out, chunk);
        assert_eq!(out.metadata.len(), 2, "chunk {chunk}");
        assert_eq!(
            (
                out.metadata[0].track,
                out.metadata[0].pts,
                out.metadata[0].timescale
            ),
            (0x102, 900_000, 90_000)
        );
        assert_eq!(out.metadata[0].data, tag);
        assert_eq!(
            (out.metadata[1].pts, &out.metadata[1].data[..]),
            (1_080_000, &tag[..20])
        );
        assert_eq!(demuxer.stats().dropped_units, 1);
    }
}

#[test]
fn adts_frames_spanning_pes_packets_are_timed_by_the_pes_they_start_in() {
    let mut w = TsWriter::default();
    w.tables(&[(0x0f, 0x101, b"\x0a\x04fra\x00")]);
    // PES 1: frames A (100 bytes), B (100) and the first 50 bytes of C (120).
    // PES 2 (pts given for the first frame that starts in it, D): the rest of C, D.
    let frames = [
        adts_frame(100, 1),
        adts_frame(100, 2),
        adts_frame(120, 3),
        adts_frame(90, 4),
    ];
    let first = [&frames[0][..], &frames[1][..], &frames[2][..50]].concat();
    let second = [&frames[2][50..], &frames[3][..]].concat();
    w.pes(0x101, 0xc0, 10_000, &first, &[30, 184]);
    w.pes(0x101, 0xc0, 20_000, &second, &[7, 184]);
    for chunk in [1, 3, 188, usize::MAX] {
        let out = run(&mut TsDemuxer::new(), &w.out, chunk);
        assert_eq!(out.tracks.len(), 1);
        assert_eq!(out.tracks[0].language.as_deref(), Some("fra"));
        let pts: Vec<i64> = out.units.iter().map(|u| u.pts).collect();
        assert_eq!(pts, [10_000, 11_920, 13_840, 20_000], "chunk {chunk}");
        for (unit, frame) in out.units.iter().zip(&frames) {
            assert_eq!(unit.gather(&w.out).unwrap(), frame[7..], "chunk {chunk}");
        }
    }
}

#[test]
fn reset_forgets_the_stream_and_restarts_offsets() {
    let input = fixture("hls-ts/v1_001.ts");
    let mut demuxer = TsDemuxer::new();
    let reference = run(&mut demuxer, &input, usize::MAX);
    demuxer.push(&input[..5000], &mut |_| {}).unwrap();
    demuxer.reset();
    assert_eq!(run(&mut demuxer, &input, 188), reference);
}

#[test]
fn a_frame_split_over_untimed_pes_packets_is_one_access_unit() {
    const SPS: [u8; 24] = [
        0x67, 0x64, 0x00, 0x0d, 0xac, 0xd3, 0x05, 0x06, 0x7e, 0x7c, 0x04, 0x40, 0x00, 0x00, 0x03,
        0x00, 0x40, 0x00, 0x00, 0x0c, 0x83, 0xc5, 0x0a, 0x4e,
    ];
    let aud = [0, 0, 0, 1, 0x09, 0xf0];
    let mut idr = aud.to_vec();
    idr.extend([0, 0, 0, 1]);
    idr.extend(SPS);
    idr.extend([0, 0, 0, 1, 0x68, 0xef, 0xbc, 0xb0, 0, 0, 1, 0x65]);
    idr.extend((0..700u32).map(|i| (i % 200 + 20) as u8));
    let mut p_frame = aud.to_vec();
    p_frame.extend([0, 0, 1, 0x41]);
    p_frame.extend((0..300u32).map(|i| (i % 100 + 30) as u8));
    let mut w = TsWriter::default();
    w.tables(&[(0x1b, 0x100, b"")]);
    // The IDR frame in two bounded PES packets, only the first timed.
    w.pes_timed(0x100, 0xe0, Some(1_000), &idr[..400], &[184]);
    w.pes_timed(0x100, 0xe0, None, &idr[400..], &[184]);
    w.pes_timed(0x100, 0xe0, Some(4_600), &p_frame, &[184]);
    // An untimed PES that starts with a start code is a new (untimed) frame.
    w.pes_timed(0x100, 0xe0, None, &p_frame, &[184]);
    for chunk in [1, 188, usize::MAX] {
        let mut demuxer = TsDemuxer::new();
        let out = run(&mut demuxer, &w.out, chunk);
        assert_eq!(out.tracks.len(), 1);
        assert_eq!((out.tracks[0].width, out.tracks[0].height), (320, 180));
        let summary: Vec<(i64, bool, usize)> = out
            .units
            .iter()
            .map(|u| (u.pts, u.keyframe, u.size as usize))
            .collect();
        assert_eq!(
            summary,
            [
                (1_000, true, idr.len()),
                (4_600, false, p_frame.len()),
                (8_200, false, p_frame.len())
            ],
            "chunk {chunk}"
        );
        assert_eq!(out.units[0].gather(&w.out).unwrap(), idr);
        assert_eq!(out.units[2].gather(&w.out).unwrap(), p_frame);
        assert_eq!(demuxer.stats().dropped_units, 0);
    }
}

#[test]
fn streams_past_the_limit_are_not_followed() {
    use wasp_engine::ts::MAX_STREAMS;
    // A PMT listing 24 ADTS streams, each then sending one frame.
    let pids: Vec<u16> = (0x100..0x118).collect();
    let entries: Vec<(u8, u16, &[u8])> = pids.iter().map(|&p| (0x0f, p, &b""[..])).collect();
    let mut w = TsWriter::default();
    w.tables(&entries);
    for &pid in &pids {
        w.pes(pid, 0xc0, 90_000, &adts_frame(100, 0x22), &[184]);
    }
    let out = run(&mut TsDemuxer::new(), &w.out, 188);
    assert_eq!(out.tracks.len(), MAX_STREAMS);
    let followed: Vec<u32> = out.tracks.iter().map(|t| t.id).collect();
    let first: Vec<u32> = pids[..MAX_STREAMS].iter().map(|&p| u32::from(p)).collect();
    assert_eq!(
        followed, first,
        "the first streams listed are the ones followed"
    );
    assert_eq!(out.units.len(), MAX_STREAMS);
}
