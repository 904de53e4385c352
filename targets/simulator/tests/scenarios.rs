#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Playback scenarios on the simulated device and network, with asserted outcomes.
//!
//! Content is synthetic CMAF HLS from the test kit (real init and media segments the
//! engine parses; filler payloads of the exact sizes a variant's bitrate gives), the
//! network a trace-driven shared link, the decoders real-time with a media clock that
//! stalls when one starves. Every scenario is deterministic.

use wasp_core::abi::media::TrackKind;
use wasp_core::abi::player::PlayerState;
use wasp_engine::player::{Command, PlayerConfig};
use wasp_sim::Session;
use wasp_testkit::content::{Audio, HlsLive, HlsVod, TV_LADDER};
use wasp_testkit::{TestPort, Trace};

const BASE: &str = "http://cdn.test/vod";
const MBPS: u64 = 1_000_000 / 8; // bytes per second in one Mbit/s

fn vod(duration_us: i64) -> HlsVod {
    HlsVod::new(TV_LADDER, 4_000_000, duration_us).audio(Audio::Rendition)
}

fn session(port: TestPort) -> Session {
    let mut port = port;
    port.keep_units = false;
    port.presented_keep = 4096;
    Session::new(port, PlayerConfig::default(), 64 << 20)
}

fn load(s: &mut Session, url: &str) {
    s.command_at(
        0,
        Command::Load {
            url: url.into(),
            start_us: None,
        },
    );
}

/// The bitrate of each media segment the network served, in request order.
fn fetched_bitrates(s: &Session) -> Vec<u64> {
    s.platform
        .port
        .network
        .log
        .iter()
        .filter(|r| r.url.ends_with(".m4s") && r.url.contains("/v"))
        .filter_map(|r| {
            let v: usize = r.url.rsplit('/').nth(1)?.strip_prefix('v')?.parse().ok()?;
            Some(TV_LADDER[v].0)
        })
        .collect()
}

#[test]
fn cold_start_on_5_mbps_reaches_the_top_sustainable_variant() {
    let mut port = TestPort::new();
    vod(120_000_000).serve(&mut port, BASE).unwrap();
    port.network
        .set_trace(Trace::constant(5 * MBPS).anchored(port.now));
    let mut s = session(port);
    load(&mut s, &format!("{BASE}/master.m3u8"));
    s.run_until(60_000_000);
    let rates = fetched_bitrates(&s);
    // 3.5 Mbit/s is the highest rung below 5 (6 is not sustainable); it is reached
    // within the first 20 s and then held, and 6 is never fetched.
    assert!(!rates.contains(&6_000_000), "{rates:?}");
    let first_top = rates
        .iter()
        .position(|r| *r == 3_500_000)
        .expect("reaches 3.5 Mbit/s");
    assert!(first_top <= 5, "reached at segment {first_top}: {rates:?}");
    assert!(
        rates[first_top..].iter().all(|r| *r == 3_500_000),
        "{rates:?}"
    );
    assert_eq!(s.player.qoe().rebuffer_count, 0);
    assert_eq!(s.player.state(), PlayerState::Playing);
    let startup = s.player.qoe().startup_us.unwrap();
    assert!(startup < 2_000_000, "startup {startup} us");
}

#[test]
fn a_drop_from_8_to_1_mbps_stalls_at_most_2_seconds() {
    let mut port = TestPort::new();
    vod(180_000_000).serve(&mut port, BASE).unwrap();
    let trace = Trace::steps(&[(0, 8 * MBPS), (40_000_000, MBPS)])
        .unwrap()
        .anchored(port.now);
    port.network.set_trace(trace);
    let mut s = session(port);
    load(&mut s, &format!("{BASE}/master.m3u8"));
    assert!(
        s.run_until_state(PlayerState::Ended, 400_000_000),
        "{}",
        s.log.join("\n")
    );
    let q = s.player.qoe();
    // The bound: at most 2 s of stall in total after the drop.
    assert!(
        q.rebuffer_us <= 2_000_000,
        "rebuffered {} us\n{}",
        q.rebuffer_us,
        s.log.join("\n")
    );
    // After the drop the player settles at or under 1 Mbit/s (video + 128 kbit/s audio).
    let rates = fetched_bitrates(&s);
    assert!(
        rates.iter().rev().take(10).all(|r| *r <= 1_000_000),
        "{rates:?}"
    );
    assert!(
        rates.contains(&6_000_000) || rates.contains(&3_500_000),
        "{rates:?}"
    );
}

#[test]
fn a_20_second_outage_recovers_and_plays_on() {
    let mut port = TestPort::new();
    vod(120_000_000).serve(&mut port, BASE).unwrap();
    port.network
        .set_trace(Trace::constant(4 * MBPS).anchored(port.now));
    let start = port.now;
    port.network
        .schedule_outage(start + 20_000_000, start + 40_000_000);
    let mut s = session(port);
    load(&mut s, &format!("{BASE}/master.m3u8"));
    assert!(
        s.run_until_state(PlayerState::Ended, 300_000_000),
        "{}",
        s.log.join("\n")
    );
    let q = s.player.qoe();
    assert!(q.errors_recovered > 0, "the outage was seen");
    assert_eq!(q.errors_fatal, 0);
    // Every segment of the 120 s stream was played (the position reached the end).
    assert!(
        s.player.position_us() >= 119_000_000,
        "position {}",
        s.player.position_us()
    );
    assert!(!s.states.iter().any(|(_, st, _)| *st == PlayerState::Error));
}

#[test]
fn a_seek_storm_ends_at_the_last_target_without_stale_frames() {
    let mut port = TestPort::new();
    vod(300_000_000).serve(&mut port, BASE).unwrap();
    port.network
        .set_trace(Trace::constant(20 * MBPS).anchored(port.now));
    let mut s = session(port);
    load(&mut s, &format!("{BASE}/master.m3u8"));
    s.run_until_state(PlayerState::Playing, 10_000_000);
    let t0 = s.now();
    let mut target = 0;
    for i in 0..20i64 {
        // Forward and back across the stream, inside and outside the buffer.
        target = (i * 37_000_000 + 5_500_000) % 290_000_000;
        s.command_at(t0 + i * 500_000, Command::Seek(target));
    }
    let last_seek_at = t0 + 19 * 500_000;
    s.run_until(last_seek_at + 10_000_000);
    assert_eq!(
        s.player.state(),
        PlayerState::Playing,
        "{}",
        s.log.join("\n")
    );
    let position = s.player.position_us();
    assert!(
        position >= target && position < target + 10_500_000,
        "position {position} target {target}"
    );
    // Every video frame presented after the last seek is at or after its target.
    let since = s.start_us + last_seek_at;
    let port = &s.platform.port;
    let video: Vec<_> = port
        .presented
        .iter()
        .filter(|p| p.at_us > since && p.kind == TrackKind::Video)
        .collect();
    assert!(!video.is_empty());
    assert!(
        video.iter().all(|p| p.pts_us >= target),
        "a stale frame: {:?}",
        video.first()
    );
    assert!(
        (video[0].pts_us - target) < 40_000,
        "first frame {} for target {target}",
        video[0].pts_us
    );
}

#[test]
fn a_seek_inside_the_buffer_does_not_refetch() {
    let mut port = TestPort::new();
    vod(120_000_000).serve(&mut port, BASE).unwrap();
    port.network
        .set_trace(Trace::constant(20 * MBPS).anchored(port.now));
    let mut s = session(port);
    load(&mut s, &format!("{BASE}/master.m3u8"));
    s.run_until(12_000_000);
    let before = s.platform.port.network.log.len();
    s.command_at(12_000_000, Command::Seek(3_000_000));
    s.run_until(13_000_000);
    assert_eq!(s.player.state(), PlayerState::Playing);
    let refetched: Vec<_> = s.platform.port.network.log[before..]
        .iter()
        .filter(|r| {
            r.url.contains("/seg_0") || r.url.ends_with("_0.m4s") || r.url.ends_with("/0.m4s")
        })
        .map(|r| r.url.clone())
        .collect();
    assert!(refetched.is_empty(), "{refetched:?}");
    let p = s.player.position_us();
    assert!((3_000_000..4_100_000).contains(&p), "position {p}");
}

#[test]
fn a_variant_the_device_cannot_decode_is_never_selected() {
    let mut port = TestPort::new();
    vod(60_000_000).serve(&mut port, BASE).unwrap();
    // A 720p device: the 1080p rung exceeds it.
    port.display.video_max_width = 1280;
    port.display.video_max_height = 720;
    port.network
        .set_trace(Trace::constant(50 * MBPS).anchored(port.now));
    let mut s = session(port);
    load(&mut s, &format!("{BASE}/master.m3u8"));
    assert!(s.run_until_state(PlayerState::Ended, 200_000_000));
    let rates = fetched_bitrates(&s);
    assert!(!rates.contains(&6_000_000), "{rates:?}");
    assert!(
        rates.contains(&3_500_000),
        "the best playable rung is used: {rates:?}"
    );
    assert!(
        s.player.variants().nth(4).is_some_and(|v| !v.3),
        "the 1080p rung is marked unplayable"
    );
}

#[test]
fn a_live_sliding_window_plays_for_10_minutes_with_bounded_memory() {
    let mut port = TestPort::new();
    port.network
        .set_trace(Trace::constant(6 * MBPS).anchored(port.now));
    // The stream has been live for a minute when the player joins.
    let live = HlsLive::new(vod(0), "http://cdn.test/live", 6, port.now - 60_000_000);
    let now = port.now;
    live.update(&mut port, now).unwrap();
    let mut s = session(port);
    let origin = live.clone();
    s.every_step(move |port| {
        let now = port.now;
        origin.update(port, now).unwrap();
    });
    load(&mut s, "http://cdn.test/live/master.m3u8");
    s.run_until(600_000_000);
    assert_eq!(
        s.player.state(),
        PlayerState::Playing,
        "{}",
        s.log.join("\n")
    );
    assert!(s.player.is_live());
    let q = s.player.qoe();
    assert_eq!(q.rebuffer_count, 0, "{}", s.log.join("\n"));
    // It played ~10 minutes of media, at the live edge's distance (3 target durations).
    assert!(q.played_us > 590_000_000, "played {}", q.played_us);
    // Memory stays bounded: the store never held more than the forward goal's worth
    // of the top rung plus the back buffer.
    let high = s.platform.store_high_water;
    assert!(high < 40 << 20, "store high-water {high}");
    assert!(
        s.platform.store.objects() < 30,
        "objects {}",
        s.platform.store.objects()
    );
}

#[test]
fn a_ten_minute_session_simulates_in_a_fraction_of_a_second() {
    let mut port = TestPort::new();
    vod(600_000_000).serve(&mut port, BASE).unwrap();
    port.network
        .set_trace(Trace::constant(3 * MBPS).anchored(port.now));
    let mut s = session(port);
    load(&mut s, &format!("{BASE}/master.m3u8"));
    assert!(s.run_until_state(PlayerState::Ended, 900_000_000));
    // Not a timing assertion (benchmarks measure time): the tick count bounds the work.
    assert!(s.ticks < 100_000, "ticks {}", s.ticks);
    println!("{}", s.summaries.last().unwrap());
}
