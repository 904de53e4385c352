//! Golden tests: the elementary-stream demuxers against ffprobe/ffmpeg on the audio
//! fixtures, in every chunking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod ts_support;

use ts_support::{assert_ranges_sound, fixture, md5_hex, md5s, packets, run};
use wasp_engine::es::{AudioDemuxer, ES_TRACK_ID};
use wasp_engine::media::{Bitstream, Codec, Demuxer};

const CHUNKS: [usize; 5] = [1, 7, 188, 4096, usize::MAX];

#[test]
fn adts_file_gives_ffmpegs_frames_without_their_headers() {
    let input = fixture("audio/tone.aac");
    let golden = packets("audio_tone.aac");
    let hashes = md5s("audio_tone.aac", 0);
    assert_eq!(golden.len(), 174);
    for chunk in CHUNKS {
        let out = run(&mut AudioDemuxer::adts(), &input, chunk);
        assert_ranges_sound(&out, &input);
        assert_eq!(out.tracks.len(), 1);
        let track = &out.tracks[0];
        assert_eq!(
            (track.id, track.codec, track.bitstream),
            (ES_TRACK_ID, Codec::Aac, Bitstream::Framed)
        );
        assert_eq!(
            (track.timescale, track.sample_rate, track.channels),
            (44_100, 44_100, 1)
        );
        assert_eq!(track.config, [0x12, 0x08], "AAC-LC, 44.1 kHz, mono");
        assert_eq!(out.units.len(), golden.len(), "chunk {chunk}");
        for (i, (unit, packet)) in out.units.iter().zip(&golden).enumerate() {
            // ffprobe's time base is 1/28224000 = 1/(44100 * 640).
            assert_eq!(unit.pts, packet.pts / 640, "unit {i}");
            assert_eq!((unit.dts, unit.duration), (packet.dts / 640, 1024));
            assert!(unit.keyframe);
            // ffmpeg's packet is header + payload; ours is the payload right after it.
            let start = unit.ranges[0].offset as usize;
            assert_eq!(start as u64 - 7, packet.pos.unwrap(), "unit {i}");
            assert_eq!(unit.size + 7, packet.size);
            let whole = input[start - 7..start + unit.size as usize].to_vec();
            assert_eq!(unit.gather(&input).unwrap(), whole[7..]);
            assert_eq!(md5_hex(&whole), hashes[i].1, "unit {i}");
        }
    }
}

#[test]
fn mp3_file_gives_ffmpegs_frames_and_skips_the_info_frame() {
    let input = fixture("audio/tone.mp3");
    let golden = packets("audio_tone.mp3");
    let hashes = md5s("audio_tone.mp3", 0);
    assert_eq!(golden.len(), 155);
    for chunk in CHUNKS {
        let mut demuxer = AudioDemuxer::mp3();
        let out = run(&mut demuxer, &input, chunk);
        assert_ranges_sound(&out, &input);
        let track = &out.tracks[..];
        assert_eq!(track.len(), 1);
        assert_eq!(
            (track[0].codec, track[0].timescale, track[0].channels),
            (Codec::Mp3, 44_100, 1)
        );
        assert!(track[0].config.is_empty());
        assert_eq!(out.units.len(), golden.len(), "chunk {chunk}");
        for (i, (unit, packet)) in out.units.iter().zip(&golden).enumerate() {
            // ffprobe's time base is 1/14112000 = 1/(44100 * 320).
            assert_eq!(
                (unit.pts, unit.dts),
                (packet.pts / 320, packet.dts / 320),
                "unit {i}"
            );
            assert_eq!(unit.duration, 1152);
            assert_eq!(unit.size, packet.size);
            assert_eq!(
                unit.ranges,
                [wasp_engine::media::ByteRange {
                    offset: packet.pos.unwrap(),
                    length: unit.size
                }]
            );
            assert_eq!(
                md5_hex(&unit.gather(&input).unwrap()),
                hashes[i].1,
                "unit {i}"
            );
        }
        assert_eq!(demuxer.stats().junk_bytes, 0, "chunk {chunk}");
    }
}

#[test]
fn an_id3_tag_and_junk_before_the_frames_are_skipped() {
    let mp3 = fixture("audio/tone.mp3");
    let reference = run(&mut AudioDemuxer::mp3(), &mp3, usize::MAX);
    // A 300-byte ID3v2.4 tag (with 0xFF bytes inside that a sync search would trip on),
    // then junk, then the file.
    let mut input = b"ID3\x04\x00\x00\x00\x00\x02\x22".to_vec();
    input.extend(std::iter::repeat_n(0xffu8, 290));
    let prefix = input.len() + 5;
    input.extend([0x00, 0xff, 0xe0, 0x12, 0x00]);
    input.extend(&mp3);
    for chunk in [1, 3, 64, usize::MAX] {
        let mut demuxer = AudioDemuxer::mp3();
        let out = run(&mut demuxer, &input, chunk);
        // The Info frame is not the first frame any more after junk, so it counts
        // as audio here; everything after it matches, shifted by the prefix.
        let skipped = out.units.len() - reference.units.len();
        assert!(skipped <= 1, "chunk {chunk}");
        for (ours, theirs) in out.units[skipped..].iter().zip(&reference.units) {
            assert_eq!(ours.size, theirs.size);
            assert_eq!(
                ours.ranges[0].offset,
                theirs.ranges[0].offset + prefix as u64
            );
        }
        assert_eq!(out.units.len() - skipped, reference.units.len());
    }
}

#[test]
fn a_truncated_last_frame_is_dropped_and_reset_starts_over() {
    let input = fixture("audio/tone.aac");
    let full = run(&mut AudioDemuxer::adts(), &input, usize::MAX);
    // The last frame is 12 bytes and the one before 255: cutting 20 bytes removes
    // the last and cuts the one before short.
    let cut = &input[..input.len() - 20];
    let mut demuxer = AudioDemuxer::adts();
    let out = run(&mut demuxer, cut, 100);
    assert_eq!(out.units.len(), full.units.len() - 2);
    assert_eq!(out.units[..], full.units[..full.units.len() - 2]);
    assert_eq!(demuxer.stats().dropped_frames, 1);
    demuxer.reset();
    let again = run(&mut demuxer, &input, 4096);
    assert_eq!(again, full);
}

#[test]
fn hls_packed_audio_starts_at_the_timestamp_of_its_id3_tag() {
    // RFC 8216 §3.4: a PRIV frame "com.apple.streaming.transportStreamTimestamp" with
    // the 33-bit 90 kHz timestamp of the first frame.
    let timestamp: u64 = 900_000 + (1 << 33); // only 33 bits count: 10 s
    let mut body = b"com.apple.streaming.transportStreamTimestamp\0".to_vec();
    body.extend_from_slice(&timestamp.to_be_bytes());
    let mut tag = b"ID3\x04\x00\x00\x00\x00\x00".to_vec();
    tag.push(10 + body.len() as u8);
    tag.extend_from_slice(b"PRIV\x00\x00\x00");
    tag.push(body.len() as u8);
    tag.extend_from_slice(&[0, 0]);
    tag.extend_from_slice(&body);
    let aac = fixture("audio/tone.aac");
    let reference = run(&mut AudioDemuxer::adts(), &aac, usize::MAX);
    let input = [&tag[..], &aac[..]].concat();
    for chunk in [1, 7, 4096] {
        let mut demuxer = AudioDemuxer::adts();
        let out = run(&mut demuxer, &input, chunk);
        assert_eq!(demuxer.transport_stream_timestamp(), Some(900_000));
        assert_eq!(out.metadata.len(), 1);
        assert_eq!(
            (out.metadata[0].pts, out.metadata[0].timescale),
            (900_000, 90_000)
        );
        assert_eq!(out.metadata[0].data, tag);
        assert_eq!(out.order[0], ('M', ES_TRACK_ID));
        assert_eq!(out.units.len(), reference.units.len());
        for (ours, theirs) in out.units.iter().zip(&reference.units) {
            assert_eq!(ours.pts, theirs.pts + 441_000, "10 s at 44.1 kHz");
            assert_eq!(ours.size, theirs.size);
            assert_eq!(
                ours.ranges[0].offset,
                theirs.ranges[0].offset + tag.len() as u64
            );
        }
    }
}
