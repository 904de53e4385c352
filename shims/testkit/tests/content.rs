//! Synthetic HLS content as the engine reads it: playlists parse with
//! `wasp_engine::hls`, every segment demuxes with `wasp_engine::mp4::FragmentDemuxer`
//! into the expected samples, sizes follow the bitrate or the given table exactly,
//! the SPS says each variant's size, and a live stream slides its window.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use wasp_core::abi::fetch::{FetchRequest, FetchState};
use wasp_core::Port;
use wasp_engine::codec::{parse_avcc, rfc6381_codec_string};
use wasp_engine::hls::{MasterPlaylist, MediaPlaylist, MediaType};
use wasp_engine::media::{AccessUnit, Codec, Demuxer, Event, TrackInfo};
use wasp_engine::mp4::FragmentDemuxer;
use wasp_testkit::content::{chunk_table, Audio, HlsLive, HlsVod};
use wasp_testkit::{TestPort, START_US};

const BASE: &str = "http://cdn.test/vod";
const S: i64 = 1_000_000;

/// Fetches a whole resource through the port (unlimited link).
fn get(port: &mut TestPort, url: &str) -> Vec<u8> {
    let id = port.fetch_open(&FetchRequest::get(), url, "").unwrap();
    port.advance(port.network.link.latency_us);
    assert_eq!(port.fetch_info(id).state, FetchState::Done, "{url}");
    let mut body = Vec::new();
    let mut buf = vec![0u8; 100_000];
    while let Ok(n) = port.fetch_read(id, &mut buf) {
        body.extend_from_slice(&buf[..n]);
    }
    port.fetch_close(id);
    body
}

fn text(port: &mut TestPort, url: &str) -> String {
    String::from_utf8(get(port, url)).unwrap()
}

/// Tracks and samples of a segment after its init segment.
fn demux(init: &[u8], segment: &[u8]) -> (Vec<TrackInfo>, Vec<AccessUnit>) {
    let mut demuxer = FragmentDemuxer::new();
    let (mut tracks, mut samples) = (Vec::new(), Vec::new());
    let mut sink = |e: Event| match e {
        Event::Track(t) => tracks.push(t),
        Event::Sample(s) => samples.push(s),
        Event::Metadata(_) => {}
    };
    demuxer.push(init, &mut sink).unwrap();
    demuxer.push(segment, &mut sink).unwrap();
    demuxer.finish(&mut sink).unwrap();
    (tracks, samples)
}

fn ladder() -> HlsVod {
    HlsVod::new(
        &[
            (800_000, 640, 360),
            (2_500_000, 1280, 720),
            (5_000_000, 1920, 1080),
        ],
        4 * S,
        20 * S,
    )
}

#[test]
fn the_master_playlist_names_each_variant_with_its_codecs_and_audio() {
    let stream = ladder().audio(Audio::Rendition);
    let mut port = TestPort::new();
    stream.serve(&mut port, BASE).unwrap();
    let master = MasterPlaylist::parse(
        &text(&mut port, &format!("{BASE}/master.m3u8")),
        &format!("{BASE}/master.m3u8"),
    )
    .unwrap();
    assert!(master.warnings.is_empty(), "{:?}", master.warnings);
    let summary: Vec<_> = master
        .variants
        .iter()
        .map(|v| {
            let r = v.stream.resolution.unwrap();
            (
                v.uri.as_str(),
                v.stream.codecs.as_deref().unwrap(),
                (r.width, r.height),
                v.frame_rate_milli,
                v.audio.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "http://cdn.test/vod/v0/index.m3u8",
                "avc1.64001e,mp4a.40.2",
                (640, 360),
                Some(30_000),
                Some("audio")
            ),
            (
                "http://cdn.test/vod/v1/index.m3u8",
                "avc1.64001f,mp4a.40.2",
                (1280, 720),
                Some(30_000),
                Some("audio")
            ),
            (
                "http://cdn.test/vod/v2/index.m3u8",
                "avc1.640028,mp4a.40.2",
                (1920, 1080),
                Some(30_000),
                Some("audio")
            ),
        ]
    );
    // Constant-bitrate segments: peak = average = video + audio.
    assert_eq!(master.variants[1].stream.bandwidth, 2_628_000);
    assert_eq!(master.variants[1].stream.average_bandwidth, Some(2_628_000));
    let audio: Vec<_> = master.group(MediaType::Audio, "audio").collect();
    assert_eq!(audio.len(), 1);
    assert_eq!(
        audio[0].uri.as_deref(),
        Some("http://cdn.test/vod/audio/index.m3u8")
    );
    assert_eq!(audio[0].channel_count(), Some(2));
}

#[test]
fn every_segment_demuxes_into_its_frames_with_their_times_and_keyframes() {
    let stream = ladder().audio(Audio::Rendition);
    let mut port = TestPort::new();
    stream.serve(&mut port, BASE).unwrap();
    for (v, &(bitrate, width, height)) in [
        (800_000u64, 640u32, 360u32),
        (2_500_000, 1280, 720),
        (5_000_000, 1920, 1080),
    ]
    .iter()
    .enumerate()
    {
        let url = format!("{BASE}/v{v}/index.m3u8");
        let playlist = MediaPlaylist::parse(&text(&mut port, &url), &url).unwrap();
        assert!(playlist.end_list && !playlist.is_live());
        assert_eq!(playlist.segments.len(), 5);
        assert_eq!(playlist.target_duration.as_secs(), 4);
        let init = get(&mut port, &playlist.segments[0].map.as_ref().unwrap().uri);
        for (n, segment) in playlist.segments.iter().enumerate() {
            assert_eq!(segment.duration.as_micros(), 4_000_000);
            let body = get(&mut port, &segment.uri);
            // 4 s at the bitrate, to the byte.
            assert_eq!(body.len() as u64, bitrate / 2, "v{v} segment {n}");
            let (tracks, samples) = demux(&init, &body);
            assert_eq!(tracks.len(), 1);
            let track = &tracks[0];
            assert_eq!(
                (track.codec, track.width, track.height, track.timescale),
                (Codec::H264, width, height, 90_000)
            );
            // The engine derives the same CODECS from the stream as the playlist says.
            let codecs = stream.codecs(v);
            assert!(codecs.starts_with(&rfc6381_codec_string(track)), "{codecs}");
            let avcc = parse_avcc(&track.config).unwrap();
            assert_eq!(
                (avcc.width, avcc.height, avcc.profile),
                (width, height, 100)
            );
            assert_eq!(samples.len(), 120);
            for (k, s) in samples.iter().enumerate() {
                assert_eq!(s.dts, (n as i64 * 120 + k as i64) * 3000);
                assert_eq!(s.pts, s.dts);
                assert_eq!(s.duration, 3000);
                assert_eq!(s.keyframe, k == 0, "v{v} segment {n} sample {k}");
                // A length-prefixed NAL unit filling the sample: IDR first.
                let unit = s.gather(&[init.as_slice(), &body].concat()).unwrap();
                assert_eq!(
                    u32::from_be_bytes(unit[..4].try_into().unwrap()) as usize,
                    unit.len() - 4
                );
                assert_eq!(unit[4] & 0x1f, if k == 0 { 5 } else { 1 });
            }
        }
    }
    // The audio rendition: AAC-LC 48 kHz stereo, 1024-sample frames tiling the time.
    let url = format!("{BASE}/audio/index.m3u8");
    let playlist = MediaPlaylist::parse(&text(&mut port, &url), &url).unwrap();
    let init = get(&mut port, &format!("{BASE}/audio/init.mp4"));
    let mut next_pts = 0;
    for segment in &playlist.segments {
        let (tracks, samples) = demux(&init, &get(&mut port, &segment.uri));
        let t = &tracks[0];
        assert_eq!(
            (t.codec, t.sample_rate, t.channels, t.config.as_slice()),
            (Codec::Aac, 48_000, 2, &[0x11, 0x90][..])
        );
        assert!(samples.len() == 187 || samples.len() == 188);
        for s in &samples {
            assert_eq!((s.pts, s.duration, s.keyframe), (next_pts, 1024, true));
            next_pts += 1024;
        }
    }
    assert_eq!(
        next_pts,
        20 * 48_000 / 1024 * 1024 + 1024,
        "ceil(20 s / 1024 samples) frames"
    );
}

#[test]
fn muxed_audio_is_a_second_track_of_the_video_segments() {
    let stream = ladder().audio(Audio::Muxed);
    let mut port = TestPort::new();
    stream.serve(&mut port, BASE).unwrap();
    let init = get(&mut port, &format!("{BASE}/v1/init.mp4"));
    let body = get(&mut port, &format!("{BASE}/v1/1.m4s"));
    assert_eq!(
        body.len(),
        1_250_000,
        "the segment's size includes its audio"
    );
    let (tracks, samples) = demux(&init, &body);
    let codecs: Vec<_> = tracks.iter().map(|t| t.codec).collect();
    assert_eq!(codecs, [Codec::H264, Codec::Aac]);
    let video = samples.iter().filter(|s| s.track == tracks[0].id).count();
    let audio: Vec<_> = samples.iter().filter(|s| s.track == tracks[1].id).collect();
    assert_eq!((video, audio.len()), (120, 187));
    assert_eq!(audio[0].pts, 188 * 1024);
    assert!(!port
        .network
        .resources
        .contains_key(&format!("{BASE}/audio/index.m3u8")));
}

#[test]
fn the_canonical_chunk_table_is_honoured_to_the_byte() {
    let csv = include_str!("../fixtures/envivio_chunk_sizes.csv");
    let (bitrates, sizes) = chunk_table(csv).unwrap();
    assert_eq!(
        bitrates,
        [300_000, 750_000, 1_200_000, 1_850_000, 2_850_000, 4_300_000]
    );
    assert_eq!(sizes.len(), 6);
    assert_eq!(sizes[0].len(), 48);
    assert_eq!((sizes[0][0], sizes[5][47]), (181_801, sizes[5][47]));
    let rungs: Vec<(u64, u32, u32)> = bitrates
        .iter()
        .zip([
            (320, 180),
            (640, 360),
            (854, 480),
            (1280, 720),
            (1600, 900),
            (1920, 1080),
        ])
        .map(|(&b, (w, h))| (b, w, h))
        .collect();
    let stream = HlsVod::new(&rungs, 4 * S, 192 * S).segment_sizes(sizes.clone());
    let mut port = TestPort::new();
    stream.serve(&mut port, BASE).unwrap();
    for (v, column) in sizes.iter().enumerate() {
        for (n, &size) in column.iter().enumerate() {
            let url = HlsVod::segment_url(BASE, Some(v), n as u64);
            assert_eq!(port.network.resources[&url].len(), size, "{url}");
        }
    }
    let url = format!("{BASE}/v5/index.m3u8");
    let playlist = MediaPlaylist::parse(&text(&mut port, &url), &url).unwrap();
    assert_eq!(playlist.segments.len(), 48);
    let init = get(&mut port, &format!("{BASE}/v5/init.mp4"));
    let body = get(&mut port, &HlsVod::segment_url(BASE, Some(5), 47));
    assert_eq!(body.len() as u64, sizes[5][47]);
    let (_, samples) = demux(&init, &body);
    assert_eq!(samples.len(), 120);
    assert_eq!(samples[0].dts, 47 * 120 * 3000);
    // A table that cannot hold the samples is refused.
    let tiny = HlsVod::new(&[(1, 320, 180)], 4 * S, 8 * S).segment_sizes(vec![vec![100, 100]]);
    assert!(tiny.serve(&mut TestPort::new(), BASE).is_err());
    assert!(chunk_table("chunk,bytes_1kbps\n1,x\n")
        .unwrap_err()
        .to_string()
        .contains("line 2"));
}

#[test]
fn a_live_stream_slides_its_window_and_retires_old_segments() {
    let stream = HlsVod::new(&[(1_000_000, 640, 360)], 4 * S, 0).audio(Audio::Rendition);
    let live = HlsLive::new(stream, "http://cdn.test/live", 6, START_US);
    let mut port = TestPort::new();
    live.update(&mut port, START_US + 24 * S).unwrap();
    assert_eq!(live.window_at(START_US + 24 * S), (0, 6));
    live.update(&mut port, START_US + 30 * S).unwrap();
    let url = "http://cdn.test/live/v0/index.m3u8";
    let playlist = MediaPlaylist::parse(&text(&mut port, url), url).unwrap();
    assert!(playlist.is_live() && !playlist.end_list);
    assert_eq!(playlist.playlist_type, None);
    assert_eq!(playlist.media_sequence, 1);
    let sequence: Vec<u64> = playlist.segments.iter().map(|s| s.sequence).collect();
    assert_eq!(sequence, [1, 2, 3, 4, 5, 6]);
    // Segment 7 ends at 32 s: not there yet. Segment 0 left the window but is in its
    // grace period.
    let seven = HlsVod::segment_url("http://cdn.test/live", Some(0), 7);
    let zero = HlsVod::segment_url("http://cdn.test/live", Some(0), 0);
    assert!(!port.network.resources.contains_key(&seven));
    assert!(port.network.resources.contains_key(&zero));
    live.update(&mut port, START_US + 34 * S).unwrap();
    let playlist = MediaPlaylist::parse(&text(&mut port, url), url).unwrap();
    assert_eq!(playlist.media_sequence, 2);
    assert_eq!(playlist.segments.last().unwrap().sequence, 7);
    assert!(!port.network.resources.contains_key(&zero), "retired: 404");
    let id = port.fetch_open(&FetchRequest::get(), &zero, "").unwrap();
    port.advance(S);
    assert_eq!(port.fetch_info(id).http_status, 404);
    // The new segment continues the timeline.
    let init = get(&mut port, "http://cdn.test/live/v0/init.mp4");
    let (_, samples) = demux(&init, &get(&mut port, &seven));
    assert_eq!(samples[0].dts, 7 * 120 * 3000);
    let audio_url = "http://cdn.test/live/audio/index.m3u8";
    let audio = MediaPlaylist::parse(&text(&mut port, audio_url), audio_url).unwrap();
    assert_eq!(audio.media_sequence, 2);
    let master = MasterPlaylist::parse(
        &text(&mut port, "http://cdn.test/live/master.m3u8"),
        "http://cdn.test/live/master.m3u8",
    )
    .unwrap();
    assert_eq!(master.variants[0].stream.bandwidth, 1_128_000);
}

#[test]
fn ten_minutes_of_five_rungs_are_served_in_little_memory() {
    let stream = HlsVod::new(
        &[
            (800_000, 640, 360),
            (1_500_000, 960, 540),
            (3_000_000, 1280, 720),
            (5_000_000, 1920, 1080),
            (8_000_000, 1920, 1080),
        ],
        4 * S,
        600 * S,
    )
    .audio(Audio::Rendition);
    let mut port = TestPort::new();
    stream.serve(&mut port, BASE).unwrap();
    let resources = &port.network.resources;
    let held: usize = resources
        .values()
        .map(|r| r.body.capacity() + r.source.as_ref().map_or(0, |s| s.heap_bytes()))
        .sum();
    let served: u64 = resources.values().map(|r| r.len()).sum();
    println!("10 min x 5 rungs: {served} bytes served, {held} bytes held");
    assert!(served > 1_300_000_000, "{served}");
    assert!(held < 64 << 20, "{held} bytes held");
    // Bytes read twice are the same bytes.
    let url = HlsVod::segment_url(BASE, Some(4), 149);
    let source = port.network.resources[&url].source.clone().unwrap();
    let (mut a, mut b) = (vec![0u8; 5000], vec![0u8; 5000]);
    source.fill(1_000_000, &mut a);
    source.fill(1_000_000, &mut b);
    assert_eq!(a, b);
}
