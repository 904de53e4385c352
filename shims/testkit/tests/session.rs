//! A ten-minute session with a trivial driver: synthetic 3-rung HLS with muxed audio,
//! a measured FCC throughput trace on a shared link, fetch, demux with the engine,
//! submit to real-time decoders, jump from event to event. It checks what the model
//! promises over a long run and prints how long the simulation took (run it with
//! `cargo test --release -p wasp-testkit --test session -- --nocapture`; wall time
//! is reported, never asserted).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Instant;

use wasp_core::abi::decoder::{
    DecoderConfig, DecoderState, SampleInfo, SAMPLE_END_OF_STREAM, SAMPLE_KEYFRAME,
};
use wasp_core::abi::fetch::{FetchRequest, FetchState};
use wasp_core::abi::media::{Bitstream, Codec, TrackKind};
use wasp_core::abi::Status;
use wasp_core::{Port, PortId};
use wasp_engine::media::{Demuxer, Event};
use wasp_engine::mp4::FragmentDemuxer;
use wasp_testkit::content::{Audio, HlsVod};
use wasp_testkit::{TestPort, Trace, START_US};

const BASE: &str = "http://cdn.test/session";
const S: i64 = 1_000_000;
const LADDER: [(u64, u32, u32); 3] = [
    (1_000_000, 640, 360),
    (2_000_000, 1280, 720),
    (4_000_000, 1920, 1080),
];
/// Fetch ahead while less than this much media is buffered.
const AHEAD_US: i64 = 20 * S;

struct Pending {
    decoder: PortId,
    info: SampleInfo,
    body: Rc<Vec<u8>>,
    offset: usize,
}

#[derive(Default)]
struct Report {
    events: u64,
    variants: Vec<usize>,
    stalls: u32,
}

fn config(codec: Codec, width: u32, height: u32) -> DecoderConfig {
    DecoderConfig {
        codec,
        width,
        height,
        framerate_milli: if codec == Codec::H264 { 30_000 } else { 0 },
        sample_rate: if codec == Codec::H264 { 0 } else { 48_000 },
        channels: if codec == Codec::H264 { 0 } else { 2 },
        bitrate_bps: 0,
        bit_depth: 0,
        bitstream: Bitstream::Framed,
    }
}

/// Fetches, demuxes and submits segments in order, picking the highest rung under
/// 80% of the last segment's throughput; starts the clock after the first segment.
fn run(port: &mut TestPort, stream: &HlsVod) -> Report {
    let count = stream.segment_count();
    let inits: Vec<Vec<u8>> = (0..LADDER.len())
        .map(|v| stream.init_segment(Some(v)))
        .collect();
    let video = port
        .decoder_open(&config(Codec::H264, 1920, 1080), &[])
        .unwrap();
    let audio = port.decoder_open(&config(Codec::Aac, 0, 0), &[]).unwrap();
    let mut report = Report::default();
    let (mut next, mut fetched_end_us, mut estimate_bps) = (0u64, 0i64, 0u64);
    let mut fetch: Option<(PortId, usize, Vec<u8>)> = None;
    let mut pending: VecDeque<Pending> = VecDeque::new();
    let mut buf = vec![0u8; 256 << 10];
    let mut started = false;
    let mut eos_sent = false;
    let mut was_running = false;
    loop {
        report.events += 1;
        // Fetch progress.
        if let Some((id, v, body)) = &mut fetch {
            while let Ok(n) = port.fetch_read(*id, &mut buf) {
                body.extend_from_slice(&buf[..n]);
            }
            if port.fetch_info(*id).state == FetchState::Done {
                let (id, v, body) = (*id, *v, std::mem::take(body));
                let record = port.network.log.last().unwrap().clone();
                let elapsed = (record.end_us.unwrap() - record.start_us).max(1);
                estimate_bps = body.len() as u64 * 8 * 1_000_000 / elapsed as u64;
                port.fetch_close(id);
                fetch = None;
                let init = &inits[v];
                let body = Rc::new(body);
                let mut demuxer = FragmentDemuxer::new();
                let mut tracks = Vec::new();
                let mut units = Vec::new();
                let mut sink = |e: Event| match e {
                    Event::Track(t) => tracks.push(t),
                    Event::Sample(s) => units.push(s),
                    Event::Metadata(_) => {}
                };
                demuxer.push(init, &mut sink).unwrap();
                demuxer.push(&body, &mut sink).unwrap();
                demuxer.finish(&mut sink).unwrap();
                for u in units {
                    let track = tracks.iter().find(|t| t.id == u.track).unwrap();
                    let us = |ticks: i64| ticks * S / i64::from(u.timescale);
                    pending.push_back(Pending {
                        decoder: if track.kind() == TrackKind::Video {
                            video
                        } else {
                            audio
                        },
                        info: SampleInfo {
                            pts_us: us(u.pts),
                            dts_us: us(u.dts),
                            duration_us: us(u.pts + u.duration) - us(u.pts),
                            flags: if u.keyframe { SAMPLE_KEYFRAME } else { 0 },
                            size: u.size,
                        },
                        offset: u.ranges[0].offset as usize - init.len(),
                        body: Rc::clone(&body),
                    });
                }
            }
        }
        // Next fetch.
        let position = port.media_clock().position_us;
        if fetch.is_none() && next < count && fetched_end_us - position < AHEAD_US {
            let v = LADDER
                .iter()
                .rposition(|r| r.0 * 10 <= estimate_bps * 8)
                .unwrap_or(0);
            let url = HlsVod::segment_url(BASE, Some(v), next);
            let id = port.fetch_open(&FetchRequest::get(), &url, "").unwrap();
            fetch = Some((id, v, Vec::new()));
            report.variants.push(v);
            next += 1;
            fetched_end_us = (next as i64 * 4 * S).min(600 * S);
        }
        // Submit what the decoders take.
        while let Some(p) = pending.front() {
            let data = &p.body[p.offset..p.offset + p.info.size as usize];
            match port.decoder_submit(p.decoder, &p.info, &[data], None) {
                Ok(()) => {
                    pending.pop_front();
                }
                Err(Status::WouldBlock) => break,
                Err(e) => panic!("submit: {e}"),
            }
        }
        if !started && next >= 1 && fetch.is_none() {
            port.media_set_position(0);
            port.media_set_rate(1000);
            started = true;
        }
        if !eos_sent && next == count && fetch.is_none() && pending.is_empty() {
            for id in [video, audio] {
                let eos = SampleInfo {
                    flags: SAMPLE_END_OF_STREAM,
                    ..SampleInfo::default()
                };
                port.decoder_submit(id, &eos, &[], None).unwrap();
            }
            eos_sent = true;
        }
        let running = port.media_clock().running != 0;
        if was_running && !running {
            report.stalls += 1;
        }
        was_running = running;
        if eos_sent
            && [video, audio]
                .iter()
                .all(|id| port.decoders[id].state == DecoderState::Drained)
        {
            return report;
        }
        // Wake at the next port event, or when the buffer falls under the fetch-ahead
        // mark.
        let mut wake = port.next_event_us();
        if running && next < count && fetch.is_none() {
            wake = wake.min(port.now + (fetched_end_us - AHEAD_US - position).max(1));
        }
        assert!(wake < i64::MAX, "stuck at {}", port.now - START_US);
        port.advance_to(wake);
    }
}

#[test]
fn a_ten_minute_session_simulates_event_by_event() {
    let stream = HlsVod::new(&LADDER, 4 * S, 600 * S).audio(Audio::Muxed);
    let mut port = TestPort::new();
    port.keep_units = false;
    port.keep_trace = false;
    port.presented_keep = 1_000;
    port.network.link.latency_us = 80_000;
    let trace = Trace::parse_mbps(include_str!("../fixtures/fcc_google_part5.log"), 0.95).unwrap();
    port.network.set_trace(trace);
    let clock = Instant::now();
    stream.serve(&mut port, BASE).unwrap();
    let report = run(&mut port, &stream);
    let elapsed = clock.elapsed();
    let session_us = port.now - START_US;
    println!(
        "10-minute session: simulated {:.1} s in {:.3} s of wall time, {} driver steps, \
         {} bytes, {} stalls, rungs {:?}",
        session_us as f64 / 1e6,
        elapsed.as_secs_f64(),
        report.events,
        port.network.delivered_bytes,
        report.stalls,
        (0..LADDER.len())
            .map(|v| report.variants.iter().filter(|&&x| x == v).count())
            .collect::<Vec<_>>(),
    );
    // Every segment was fetched exactly once, completely.
    assert_eq!(port.network.log.len(), 150);
    for (n, record) in port.network.log.iter().enumerate() {
        assert_eq!(port.network.fetch_count(&record.url), 1);
        assert!(record.url.ends_with(&format!("/{n}.m4s")), "{}", record.url);
        assert_eq!(
            record.bytes,
            port.network.resources[&record.url].len(),
            "{}",
            record.url
        );
    }
    let fetched: u64 = port.network.log.iter().map(|r| r.bytes).sum();
    assert_eq!(port.network.delivered_bytes, fetched);
    // Every frame was shown once, in order: 18000 video frames, 28125 AAC frames.
    let decoders = [&port.decoders[&1], &port.decoders[&2]];
    assert_eq!(
        decoders.map(|d| (d.presented, d.dropped)),
        [(18_000, 0), (28_125, 0)]
    );
    assert_eq!(port.presented_total, 18_000 + 28_125);
    assert_eq!(port.presented.len(), 1_000);
    assert!(port.trace.is_empty());
    assert_eq!(port.decoder_info(1).last_pts_us, 599_966_666);
    let video: Vec<i64> = port
        .presented
        .iter()
        .filter(|p| p.kind == TrackKind::Video)
        .map(|p| p.pts_us)
        .collect();
    assert!(video.windows(2).all(|w| w[0] < w[1]));
    // Playback took ten minutes plus the start-up and the stalls, never less.
    assert!(session_us >= 600 * S, "{session_us}");
    // The throughput estimate moved the rungs on this trace (0.2-6 Mbit/s).
    assert!(report.variants.contains(&0) && report.variants.iter().any(|&v| v > 0));
}
