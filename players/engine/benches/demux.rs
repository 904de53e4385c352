//! Native throughput of the engine's demuxers and manifest parsers; figures and the
//! commands that made them are in `docs/perf.md` ("Engine").
//!
//! * `demux/ts` — `TsDemuxer` over `fixtures/hls-ts/v1_*.ts` pushed in 64 KiB chunks.
//! * `demux/fmp4` — `FragmentDemuxer` over `hls-fmp4/init_1.mp4` + `v1_*.m4s`.
//! * `parse/hls_10000` — `hls::parse` of a generated 10,000-segment media playlist.
//! * `parse/mpd_timeline` — `dash::Mpd::parse` of `dash-timeline/manifest.mpd`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // bench setup, not an input path

mod common;

use std::time::Duration;

use criterion::{black_box, Criterion, Throughput};
use wasp_engine::hls::{self, Playlist};
use wasp_engine::mp4::FragmentDemuxer;
use wasp_engine::ts::TsDemuxer;

fn demux(c: &mut Criterion) {
    let ts = common::ts_segments();
    let (init, fmp4) = common::fmp4_segments();
    let mut group = c.benchmark_group("demux");
    group.throughput(Throughput::Bytes(ts.len() as u64));
    group.bench_function("ts", |b| {
        b.iter(|| common::demux(&mut TsDemuxer::new(), &[black_box(&ts)]))
    });
    group.throughput(Throughput::Bytes((init.len() + fmp4.len()) as u64));
    group.bench_function("fmp4", |b| {
        b.iter(|| common::demux(&mut FragmentDemuxer::new(), &[black_box(&init), &fmp4]))
    });
    group.finish();
}

fn parse(c: &mut Criterion) {
    let playlist = common::media_playlist(10_000);
    match hls::parse(&playlist, "https://cdn.example.com/live/v1.m3u8") {
        Ok(Playlist::Media(media)) => assert_eq!(media.segments.len(), 10_000),
        other => panic!("the generated playlist parses as a media playlist: {other:?}"),
    }
    let mpd = common::fixture("dash-timeline/manifest.mpd");
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(playlist.len() as u64));
    group.bench_function("hls_10000", |b| {
        b.iter(|| hls::parse(black_box(&playlist), "https://cdn.example.com/live/v1.m3u8"))
    });
    group.throughput(Throughput::Bytes(mpd.len() as u64));
    group.bench_function("mpd_timeline", |b| {
        b.iter(|| {
            wasp_engine::dash::Mpd::parse_bytes(
                black_box(&mpd),
                "https://cdn.example.com/dash/manifest.mpd",
            )
        })
    });
    group.finish();
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    demux(&mut c);
    parse(&mut c);
    c.final_summary();
}
