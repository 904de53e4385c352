//! Real-time decoders and the media clock: presentation on the clock, stalls when a
//! decoder starves, slow devices dropping frames, accurate-seek pre-roll.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use wasp_core::abi::decoder::{
    DecoderConfig, SampleInfo, SAMPLE_DECODE_ONLY, SAMPLE_END_OF_STREAM, SAMPLE_KEYFRAME,
};
use wasp_core::abi::event::{DecoderEvent, DecoderEventKind};
use wasp_core::abi::media::{Bitstream, Codec, TrackKind};
use wasp_core::{HostEvent, Port, PortId};
use wasp_testkit::{TestPort, START_US};

const MS: i64 = 1_000;
const FRAME: i64 = 40 * MS; // 25 fps

fn config(codec: Codec) -> DecoderConfig {
    let video = codec.kind() == TrackKind::Video;
    DecoderConfig {
        codec,
        width: if video { 640 } else { 0 },
        height: if video { 360 } else { 0 },
        framerate_milli: if video { 25_000 } else { 0 },
        sample_rate: if video { 0 } else { 48_000 },
        channels: if video { 0 } else { 2 },
        bitrate_bps: 1_000_000,
        bit_depth: 0,
        bitstream: Bitstream::Framed,
    }
}

fn submit(port: &mut TestPort, id: PortId, pts: i64, duration: i64, flags: u32) {
    let sample = SampleInfo {
        pts_us: pts,
        dts_us: pts,
        duration_us: duration,
        flags,
        size: 100,
    };
    port.decoder_submit(id, &sample, &[&[0u8; 100]], None)
        .unwrap();
}

/// A video decoder fed frames `range` (keyframe at 0).
fn video(port: &mut TestPort, frames: std::ops::Range<i64>) -> PortId {
    let id = port.decoder_open(&config(Codec::H264), &[]).unwrap();
    feed(port, id, frames);
    id
}

fn feed(port: &mut TestPort, id: PortId, frames: std::ops::Range<i64>) {
    for k in frames {
        let flags = if k == 0 { SAMPLE_KEYFRAME } else { 0 };
        submit(port, id, k * FRAME, FRAME, flags);
    }
}

fn presented_pts(port: &TestPort, id: PortId) -> Vec<i64> {
    port.presented
        .iter()
        .filter(|p| p.decoder == id)
        .map(|p| p.pts_us)
        .collect()
}

#[test]
fn units_are_presented_when_the_clock_reaches_their_pts() {
    let mut port = TestPort::new();
    let id = video(&mut port, 0..10);
    port.media_set_position(0);
    port.media_set_rate(1000);
    // The clock waits for the first picture (decoded in 1 ms), then runs.
    assert_eq!(port.media_clock().running, 0);
    assert_eq!(port.next_event_us(), START_US + MS);
    port.advance(MS);
    assert_eq!(port.media_clock().running, 1);
    port.advance(200 * MS);
    assert_eq!(port.media_clock().position_us, 200 * MS);
    let at: Vec<i64> = port.presented.iter().map(|p| p.at_us - START_US).collect();
    assert_eq!(at, [1, 41, 81, 121, 161, 201].map(|ms| ms * MS));
    assert_eq!(
        presented_pts(&port, id),
        [0, 40, 80, 120, 160, 200].map(|ms| ms * MS)
    );
    assert!(port.presented.iter().all(|p| p.kind == TrackKind::Video));
    let stats = port.decoder_info(id);
    assert_eq!(stats.last_pts_us, 200 * MS);
    // Ten submitted: six shown, four decoded ahead (the pool) or queued.
    assert_eq!(stats.decoded + stats.queued_units, 10);
    assert_eq!(stats.dropped, 0);
}

#[test]
fn the_clock_stalls_when_a_decoder_starves_and_resumes_when_data_arrives() {
    let mut port = TestPort::new();
    let id = video(&mut port, 0..10);
    port.media_set_position(0);
    port.media_set_rate(1000);
    port.advance(MS);
    // Ten frames hold 400 ms of media: the clock stops at their end.
    let mut steps = 0;
    while port.now < START_US + 2_000 * MS {
        let next = port.next_event_us().min(START_US + 2_000 * MS);
        port.advance_to(next);
        steps += 1;
    }
    assert!(steps < 40, "event-driven: {steps} steps");
    let clock = port.media_clock();
    assert_eq!(
        (clock.position_us, clock.running, clock.rate_milli),
        (400 * MS, 0, 1000)
    );
    assert_eq!(port.decoder_info(id).last_pts_us, 360 * MS);
    assert_eq!(
        port.next_event_us(),
        i64::MAX,
        "nothing moves while starved"
    );
    let underflows: Vec<_> = port
        .events
        .iter()
        .filter_map(|e| match e {
            HostEvent::Decoder(d) if d.what == DecoderEventKind::Underflow => Some(d.handle),
            _ => None,
        })
        .collect();
    assert_eq!(underflows, [id], "one underflow, when the clock stalled");
    // Data arrives: decoded in 1 ms, presented, and the clock runs again.
    feed(&mut port, id, 10..12);
    assert_eq!(port.media_clock().running, 0);
    port.advance(MS);
    assert_eq!(port.media_clock().running, 1);
    let last = *port.presented.back().unwrap();
    assert_eq!((last.at_us, last.pts_us), (START_US + 2_001 * MS, 400 * MS));
    port.advance(100 * MS);
    assert_eq!(port.media_clock().position_us, 480 * MS);
    assert_eq!(port.media_clock().running, 0);
}

#[test]
fn a_decoder_too_slow_for_the_stream_drops_what_it_cannot_show_in_time() {
    let mut port = TestPort::new();
    port.decode_us = 50 * MS; // 20 frames per second for a 25 fps stream
    let id = video(&mut port, 0..20);
    port.media_set_position(0);
    port.media_set_rate(1000);
    port.advance(2_000 * MS);
    // It skips every fifth frame: four of five fit in its speed.
    let shown = presented_pts(&port, id);
    let expected: Vec<i64> = (0..20).filter(|k| k % 5 != 4).map(|k| k * FRAME).collect();
    assert_eq!(shown, expected);
    let stats = port.decoder_info(id);
    assert_eq!(
        (stats.decoded, stats.dropped, stats.queued_units),
        (16, 4, 0)
    );
    // Each was shown within its own interval, some late.
    for p in port.presented.iter() {
        let start = START_US + 50 * MS; // the clock started with the first picture
        assert!(p.at_us >= start + p.pts_us && p.at_us < start + p.pts_us + FRAME);
    }
}

#[test]
fn an_accurate_seek_decodes_the_pre_roll_without_presenting_it() {
    let mut port = TestPort::new();
    let id = video(&mut port, 0..5);
    port.media_set_position(0);
    port.media_set_rate(1000);
    port.advance(100 * MS);
    // Seek to 1 s: flush, re-anchor, feed from the keyframe at 0.
    port.decoder_flush(id);
    port.media_set_position(1_000 * MS);
    let seek_at = port.now;
    let before = port.presented.len();
    feed(&mut port, id, 0..50);
    port.advance(100 * MS);
    let after: Vec<_> = port.presented.iter().skip(before).copied().collect();
    assert!(after.iter().all(|p| p.pts_us >= 1_000 * MS), "{after:?}");
    // 25 frames of pre-roll at 1 ms each, then the target frame.
    assert_eq!(after[0].pts_us, 1_000 * MS);
    assert_eq!(after[0].at_us, seek_at + 26 * MS);
    assert_eq!(port.decoder_info(id).dropped, 25);
    assert_eq!(port.media_clock().position_us, 1_000 * MS + 74 * MS);
}

#[test]
fn decode_only_units_are_decoded_and_never_presented() {
    let mut port = TestPort::new();
    let id = port.decoder_open(&config(Codec::H264), &[]).unwrap();
    submit(
        &mut port,
        id,
        0,
        FRAME,
        SAMPLE_KEYFRAME | SAMPLE_DECODE_ONLY,
    );
    submit(&mut port, id, FRAME, FRAME, SAMPLE_DECODE_ONLY);
    submit(&mut port, id, 2 * FRAME, FRAME, 0);
    submit(&mut port, id, 3 * FRAME, 0, SAMPLE_END_OF_STREAM);
    port.media_set_position(2 * FRAME);
    port.media_set_rate(1000);
    port.advance(500 * MS);
    assert_eq!(presented_pts(&port, id), [2 * FRAME]);
    let stats = port.decoder_info(id);
    assert_eq!((stats.decoded, stats.dropped), (1, 2));
    assert_eq!(
        port.events
            .iter()
            .filter(|e| matches!(
                e,
                HostEvent::Decoder(DecoderEvent {
                    what: DecoderEventKind::Drained,
                    ..
                })
            ))
            .count(),
        1
    );
    // End of stream: the clock does not stall for a drained decoder.
    assert_eq!(port.media_clock().running, 1);
}

#[test]
fn audio_and_video_are_presented_on_one_clock() {
    let mut port = TestPort::new();
    port.keep_units = false;
    let v = video(&mut port, 0..10);
    let a = port
        .decoder_open(&config(Codec::Aac), &[0x11, 0x90])
        .unwrap();
    for k in 0..20 {
        submit(&mut port, a, k * 20 * MS, 20 * MS, SAMPLE_KEYFRAME);
    }
    port.media_set_position(0);
    port.media_set_rate(1000);
    port.advance(1_000 * MS);
    let start = START_US + MS;
    assert!(port.presented.iter().all(|p| p.at_us == start + p.pts_us));
    assert_eq!(presented_pts(&port, a).len(), 20);
    assert_eq!(presented_pts(&port, v).len(), 10);
    assert!(port.presented.iter().any(|p| p.kind == TrackKind::Audio));
    assert!(port.decoders[&a].received.is_empty(), "units are not kept");
    assert_eq!(port.presented_total, 30);
    // Both end at 400 ms; the clock stopped there.
    assert_eq!(port.media_clock().position_us, 400 * MS);
}

#[test]
fn a_bounded_record_keeps_the_last_presentations_and_counts_all() {
    let mut port = TestPort::new();
    port.presented_keep = 3;
    let id = video(&mut port, 0..10);
    port.media_set_position(0);
    port.media_set_rate(2000);
    port.advance(1_000 * MS);
    assert_eq!(presented_pts(&port, id), [280 * MS, 320 * MS, 360 * MS]);
    assert_eq!(port.presented_total, 10);
    // At double speed the 40 ms frames come every 20 ms.
    assert_eq!(port.presented[2].at_us - port.presented[1].at_us, 20 * MS);
}

#[test]
fn frames_decoded_out_of_order_are_presented_in_pts_order() {
    let mut port = TestPort::new();
    let id = port.decoder_open(&config(Codec::H264), &[]).unwrap();
    // Decode order I P B B: pts 0, 120, 40, 80 ms.
    for (pts, flags) in [(0, SAMPLE_KEYFRAME), (120, 0), (40, 0), (80, 0)] {
        submit(&mut port, id, pts * MS, FRAME, flags);
    }
    port.media_set_position(0);
    port.media_set_rate(1000);
    port.advance(500 * MS);
    assert_eq!(presented_pts(&port, id), [0, 40, 80, 120].map(|ms| ms * MS));
    let at: Vec<i64> = port.presented.iter().map(|p| p.at_us - START_US).collect();
    assert_eq!(at, [1, 41, 81, 121].map(|ms| ms * MS));
}
