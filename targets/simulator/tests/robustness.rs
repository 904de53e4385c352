#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Network faults, retries, exclusion, live edge handling, pause and resume: what the
//! player does when things go wrong, with the decoders' view checked unit by unit.

use std::cell::RefCell;
use std::rc::Rc;

use wasp_core::abi::decoder::SAMPLE_END_OF_STREAM;
use wasp_core::abi::media::TrackKind;
use wasp_core::abi::player::{PlayerState, StateReason};
use wasp_engine::player::{Command, PlayerConfig};
use wasp_sim::Session;
use wasp_testkit::content::{Audio, HlsLive, HlsVod};
use wasp_testkit::net::Fault;
use wasp_testkit::{TestPort, Trace};

const BASE: &str = "http://cdn.test/vod";
const MBPS: u64 = 1_000_000 / 8;
const LADDER: &[(u64, u32, u32)] = &[
    (500_000, 640, 360),
    (1_500_000, 960, 540),
    (3_000_000, 1280, 720),
];

fn start(port: TestPort, config: PlayerConfig, url: &str) -> Session {
    let mut s = Session::new(port, config, 64 << 20);
    s.command_at(
        0,
        Command::Load {
            url: url.into(),
            start_us: None,
        },
    );
    s
}

/// Every video unit the decoders received, in order, across decoders.
fn video_dts(s: &Session) -> Vec<i64> {
    let port = &s.platform.port;
    port.closed_decoders
        .iter()
        .chain(port.decoders.values())
        .filter(|d| d.config.codec.kind() == TrackKind::Video)
        .flat_map(|d| d.received.iter())
        .filter(|u| u.info.flags & SAMPLE_END_OF_STREAM == 0)
        .map(|u| u.info.dts_us)
        .collect()
}

/// The stream's frames are 1/30 s apart: no unit twice, none missing.
fn assert_continuous(dts: &[i64], duration_us: i64) {
    assert!(!dts.is_empty());
    for pair in dts.windows(2) {
        let step = pair[1] - pair[0];
        assert!(
            (33_000..=33_700).contains(&step),
            "a gap or a duplicate between dts {} and {}",
            pair[0],
            pair[1]
        );
    }
    let span = dts[dts.len() - 1] - dts[0];
    assert!(
        (duration_us - 34_000..=duration_us).contains(&span),
        "span {span}"
    );
}

#[test]
fn a_truncated_segment_is_fetched_again_and_no_unit_is_lost_or_duplicated() {
    let mut port = TestPort::new();
    let content = HlsVod::new(LADDER, 4_000_000, 40_000_000).audio(Audio::None);
    content.serve(&mut port, BASE).unwrap();
    port.network
        .set_trace(Trace::constant(20 * MBPS).anchored(port.now));
    // Every variant's third segment breaks once, half way.
    for v in 0..LADDER.len() {
        let url = HlsVod::segment_url(BASE, Some(v), 2);
        port.network
            .resources
            .get_mut(&url)
            .unwrap()
            .fail_times(1, Fault::Truncate(20_000));
    }
    let mut s = start(
        port,
        PlayerConfig::default(),
        &format!("{BASE}/master.m3u8"),
    );
    assert!(
        s.run_until_state(PlayerState::Ended, 120_000_000),
        "{}",
        s.log.join("\n")
    );
    assert_continuous(&video_dts(&s), 40_000_000 - 33_333);
    assert!(s.player.qoe().errors_recovered >= 1);
    let attempts: Vec<_> = s
        .platform
        .port
        .network
        .log
        .iter()
        .filter(|r| r.url.ends_with("/2.m4s"))
        .collect();
    assert!(
        attempts.len() >= 2,
        "the segment was fetched again: {attempts:?}"
    );
}

#[test]
fn a_variant_whose_segments_fail_is_excluded_and_playback_goes_on() {
    let mut port = TestPort::new();
    let content = HlsVod::new(LADDER, 4_000_000, 60_000_000).audio(Audio::None);
    content.serve(&mut port, BASE).unwrap();
    port.network
        .set_trace(Trace::constant(20 * MBPS).anchored(port.now));
    // The top variant's CDN answers 503 for everything from segment 3 on.
    for n in 3..content.segment_count() {
        let url = HlsVod::segment_url(BASE, Some(2), n);
        port.network
            .resources
            .get_mut(&url)
            .unwrap()
            .faults
            .push(Fault::Http(503));
    }
    let mut s = start(
        port,
        PlayerConfig::default(),
        &format!("{BASE}/master.m3u8"),
    );
    assert!(
        s.run_until_state(PlayerState::Ended, 200_000_000),
        "{}",
        s.log.join("\n")
    );
    assert_continuous(&video_dts(&s), 60_000_000 - 33_333);
    let q = s.player.qoe();
    assert_eq!(q.errors_fatal, 0);
    assert!(
        q.errors_recovered >= 3,
        "retries counted: {}",
        q.errors_recovered
    );
    // Once excluded, the top variant is asked for again only after the exclusion time.
    let failed: Vec<_> = s
        .platform
        .port
        .network
        .log
        .iter()
        .filter(|r| r.url.contains("/v2/") && r.status == 503)
        .map(|r| r.start_us)
        .collect();
    assert!(
        failed.len() <= 6,
        "{} failed requests to the broken variant",
        failed.len()
    );
}

#[test]
fn a_first_byte_slower_than_the_timeout_is_retried() {
    let mut port = TestPort::new();
    let content = HlsVod::new(LADDER, 4_000_000, 20_000_000).audio(Audio::None);
    content.serve(&mut port, BASE).unwrap();
    port.network
        .set_trace(Trace::constant(20 * MBPS).anchored(port.now));
    for v in 0..LADDER.len() {
        let url = HlsVod::segment_url(BASE, Some(v), 1);
        port.network
            .resources
            .get_mut(&url)
            .unwrap()
            .fail_times(1, Fault::SlowFirstByte(30_000_000));
    }
    let config = PlayerConfig {
        request_timeout_ms: 3_000,
        ..PlayerConfig::default()
    };
    let mut s = start(port, config, &format!("{BASE}/master.m3u8"));
    assert!(
        s.run_until_state(PlayerState::Ended, 100_000_000),
        "{}",
        s.log.join("\n")
    );
    assert_continuous(&video_dts(&s), 20_000_000 - 33_333);
    // The stalled request was given up after ~3 s, not after the 30 s it would take.
    let stalled = s
        .platform
        .port
        .network
        .log
        .iter()
        .find(|r| r.url.ends_with("/1.m4s"))
        .unwrap();
    let gave_up = stalled.end_us.unwrap() - stalled.start_us;
    assert!(
        (3_000_000..4_000_000).contains(&gave_up),
        "gave up after {gave_up} us"
    );
}

#[test]
fn pause_and_play_keep_the_position() {
    let mut port = TestPort::new();
    HlsVod::new(LADDER, 4_000_000, 60_000_000)
        .audio(Audio::Rendition)
        .serve(&mut port, BASE)
        .unwrap();
    port.network
        .set_trace(Trace::constant(20 * MBPS).anchored(port.now));
    let mut s = start(
        port,
        PlayerConfig::default(),
        &format!("{BASE}/master.m3u8"),
    );
    s.command_at(10_000_000, Command::Pause);
    s.command_at(25_000_000, Command::Play);
    s.run_until(12_000_000);
    assert_eq!(
        (s.player.state(), s.player.reason()),
        (PlayerState::Paused, StateReason::Command)
    );
    let paused_at = s.player.position_us();
    s.run_until(24_000_000);
    assert_eq!(
        s.player.position_us(),
        paused_at,
        "the clock holds while paused"
    );
    s.run_until(30_000_000);
    assert_eq!(s.player.state(), PlayerState::Playing);
    let p = s.player.position_us();
    assert!(
        (paused_at + 4_900_000..paused_at + 5_100_000).contains(&p),
        "{paused_at} -> {p}"
    );
}

#[test]
fn a_stop_releases_everything_and_reports_the_session() {
    let mut port = TestPort::new();
    HlsVod::new(LADDER, 4_000_000, 60_000_000)
        .audio(Audio::Rendition)
        .serve(&mut port, BASE)
        .unwrap();
    port.network
        .set_trace(Trace::constant(20 * MBPS).anchored(port.now));
    let mut s = start(
        port,
        PlayerConfig::default(),
        &format!("{BASE}/master.m3u8"),
    );
    s.command_at(8_000_000, Command::Stop);
    s.run_until(9_000_000);
    assert_eq!(s.player.state(), PlayerState::Idle);
    assert_eq!(s.platform.store.objects(), 0, "every store object freed");
    assert_eq!(s.platform.store.used(), 0);
    assert!(s.platform.port.decoders.is_empty(), "decoders closed");
    assert!(s
        .platform
        .port
        .transfers
        .values()
        .all(|t| t.state() != wasp_core::abi::fetch::FetchState::Receiving));
    assert_eq!(
        s.summaries.len(),
        1,
        "one session summary: {:?}",
        s.summaries
    );
}

/// A live stream, a player that falls out of the window while paused, and rejoins.
#[test]
fn live_falls_behind_the_window_and_rejoins_the_edge() {
    let mut port = TestPort::new();
    port.network
        .set_trace(Trace::constant(20 * MBPS).anchored(port.now));
    let live = HlsLive::new(
        HlsVod::new(LADDER, 4_000_000, 0).audio(Audio::None),
        "http://cdn.test/live",
        6,
        port.now - 60_000_000,
    );
    let now = port.now;
    live.update(&mut port, now).unwrap();
    let mut s = start(
        port,
        PlayerConfig::default(),
        "http://cdn.test/live/master.m3u8",
    );
    let origin = live.clone();
    s.every_step(move |port| {
        let now = port.now;
        origin.update(port, now).unwrap();
    });
    s.command_at(20_000_000, Command::Pause);
    s.command_at(120_000_000, Command::Play);
    s.run_until(150_000_000);
    assert_eq!(
        s.player.state(),
        PlayerState::Playing,
        "{}",
        s.log.join("\n")
    );
    // Back near the start distance (3 target durations = 12 s) behind the edge; the
    // edge itself is up to a segment behind real time.
    let latency = s.player.live_latency_us().unwrap();
    assert!(
        (8_000_000..=16_000_000).contains(&latency),
        "latency {latency} us\n{}",
        s.log.join("\n")
    );
    assert!(
        s.log
            .iter()
            .any(|l| l.contains("fell behind the live window")),
        "{}",
        s.log.join("\n")
    );
}

#[test]
fn live_catch_up_steers_the_rate_back_to_the_target_latency() {
    let mut port = TestPort::new();
    port.network
        .set_trace(Trace::constant(20 * MBPS).anchored(port.now));
    let start_us = port.now;
    // An 8 s outage after a minute makes the player stall and fall behind.
    port.network
        .schedule_outage(start_us + 60_000_000, start_us + 68_000_000);
    let live = HlsLive::new(
        HlsVod::new(LADDER, 2_000_000, 0).audio(Audio::None),
        "http://cdn.test/live",
        10,
        port.now - 60_000_000,
    );
    let now = port.now;
    live.update(&mut port, now).unwrap();
    let config = PlayerConfig {
        live_catch_up: true,
        ..PlayerConfig::default()
    };
    let mut s = start(port, config, "http://cdn.test/live/master.m3u8");
    let origin = live.clone();
    let rates = Rc::new(RefCell::new(Vec::new()));
    let seen = Rc::clone(&rates);
    s.every_step(move |port| {
        let now = port.now;
        origin.update(port, now).unwrap();
        seen.borrow_mut().push(port.clock.rate_milli);
    });
    s.run_until(50_000_000);
    let before = s.player.live_latency_us().unwrap();
    // The edge moves by whole segments (2 s) as the playlist reloads.
    assert!(
        (4_000_000..=8_000_000).contains(&before),
        "at the target before the outage: {before}"
    );
    s.run_until(80_000_000);
    assert!(s.player.qoe().rebuffer_count >= 1, "the outage stalled it");
    let behind = s.player.live_latency_us().unwrap();
    assert!(
        behind > before + 8_000_000,
        "fell behind by the stall: {behind}"
    );
    s.run_until(300_000_000);
    assert_eq!(
        s.player.state(),
        PlayerState::Playing,
        "{}",
        s.log.join("\n")
    );
    assert!(
        rates.borrow().contains(&1030),
        "it sped up after falling behind"
    );
    // At 1.03x it gains 30 ms per second: over 220 s, at least 5.9 s (90 %).
    let after = s.player.live_latency_us().unwrap();
    assert!(after <= behind - 5_900_000, "latency {behind} -> {after}");
    assert!(after >= 4_000_000, "no overshoot below the target: {after}");
}

/// A live variant switched back to after minutes has a stale playlist: the fresh one
/// is placed on the timeline by media sequence, and segments keep coming.
#[test]
fn live_switch_down_to_a_variant_loaded_long_ago_keeps_playing() {
    let mut port = TestPort::new();
    let steps = Trace::steps(&[(0, 8 * MBPS), (90_000_000, MBPS * 7 / 10)]).unwrap();
    port.network.set_trace(steps.anchored(port.now));
    let live = HlsLive::new(
        HlsVod::new(LADDER, 4_000_000, 0).audio(Audio::Rendition),
        "http://cdn.test/live",
        6,
        port.now - 60_000_000,
    );
    let now = port.now;
    live.update(&mut port, now).unwrap();
    let mut s = start(
        port,
        PlayerConfig::default(),
        "http://cdn.test/live/master.m3u8",
    );
    let origin = live.clone();
    s.every_step(move |port| {
        let now = port.now;
        origin.update(port, now).unwrap();
    });
    s.run_until(240_000_000);
    assert_eq!(
        s.player.state(),
        PlayerState::Playing,
        "{}",
        s.log.join("\n")
    );
    let log = &s.platform.port.network.log;
    let late_v0 = log
        .iter()
        .filter(|r| {
            r.url.contains("/v0/")
                && r.url.ends_with(".m4s")
                && r.start_us > s.start_us + 150_000_000
        })
        .count();
    assert!(
        late_v0 >= 15,
        "the lowest variant keeps being fetched after the drop: {late_v0}\n{}",
        s.log.join("\n")
    );
    let latency = s.player.live_latency_us().unwrap();
    assert!(latency < 30_000_000, "latency {latency}");
}

#[test]
fn a_download_too_slow_for_the_buffer_is_abandoned_for_a_lower_variant() {
    let mut port = TestPort::new();
    HlsVod::new(LADDER, 4_000_000, 120_000_000)
        .audio(Audio::None)
        .serve(&mut port, BASE)
        .unwrap();
    // Fast enough for the top variant, then a collapse in the middle of a download.
    let trace = Trace::steps(&[(0, 10 * MBPS), (20_300_000, MBPS / 5)]).unwrap();
    port.network.set_trace(trace.anchored(port.now));
    let config = PlayerConfig {
        forward_goal_us: 12_000_000,
        ..PlayerConfig::default()
    };
    let mut s = start(port, config, &format!("{BASE}/master.m3u8"));
    s.run_until(60_000_000);
    assert!(
        s.log.iter().any(|l| l.contains("abandon segment")),
        "{}",
        s.log.join("\n")
    );
    let log = &s.platform.port.network.log;
    let after: Vec<_> = log
        .iter()
        .filter(|r| r.start_us > s.start_us + 20_300_000 && r.url.ends_with(".m4s"))
        .collect();
    assert!(
        after.iter().any(|r| r.url.contains("/v0/")),
        "a lower variant was fetched after the collapse"
    );
    assert!(!s.states.iter().any(|(_, st, _)| *st == PlayerState::Error));
}

#[test]
fn a_device_too_slow_for_the_top_variant_drops_frames_and_the_player_steps_down() {
    let mut port = TestPort::new();
    HlsVod::new(LADDER, 4_000_000, 120_000_000)
        .audio(Audio::None)
        .serve(&mut port, BASE)
        .unwrap();
    port.network
        .set_trace(Trace::constant(20 * MBPS).anchored(port.now));
    // Decoding costs 4 ms per KiB: ~12 KiB pictures of the 3 Mbit/s variant take
    // ~50 ms (a 30 fps stream cannot keep up), the 1.5 Mbit/s ones ~25 ms.
    port.decode_us = 1_000;
    port.decode_us_per_kib = 4_000;
    let mut s = start(
        port,
        PlayerConfig::default(),
        &format!("{BASE}/master.m3u8"),
    );
    s.run_until(100_000_000);
    let q = s.player.qoe();
    assert!(q.dropped_frames > 100, "dropped {}", q.dropped_frames);
    let log = &s.platform.port.network.log;
    let seq: Vec<(String, i64)> = log
        .iter()
        .filter(|r| r.url.ends_with(".m4s"))
        .map(|r| {
            (
                r.url.rsplit('/').nth(1).unwrap().to_owned(),
                r.start_us - s.start_us,
            )
        })
        .collect();
    // Once the first top-variant pictures were dropped (within ~10 s), the rule bans
    // the top variant for its cool-off (60 s of requested media): the next requests
    // are all below it, and the variant below keeps up (few drops while it plays).
    let banned: Vec<_> = seq
        .iter()
        .filter(|(_, t)| (12_000_000..60_000_000).contains(t))
        .collect();
    assert!(banned.len() >= 10, "{seq:?}");
    assert!(
        banned.iter().all(|(v, _)| v != "v2"),
        "the top variant was banned: {seq:?}"
    );
    // After the cool-off it is tried again (and banned again, for twice as long).
    assert!(
        seq.iter().any(|(v, t)| v == "v2" && *t > 60_000_000),
        "{seq:?}"
    );
}

#[test]
fn selecting_another_audio_rendition_switches_without_stopping_video() {
    let mut port = TestPort::new();
    let content = HlsVod::new(LADDER, 4_000_000, 60_000_000).audio(Audio::Rendition);
    content.serve(&mut port, BASE).unwrap();
    // A second language: the same audio served under another playlist.
    let master = content.master_playlist().replace(
        "URI=\"audio/index.m3u8\"\n",
        "URI=\"audio/index.m3u8\"\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"French\",LANGUAGE=\"fr\",AUTOSELECT=YES,CHANNELS=\"2\",URI=\"audio/index.m3u8?lang=fr\"\n",
    );
    port.serve(&format!("{BASE}/master.m3u8"), master);
    let audio_playlist = content
        .media_playlist(None)
        .replace(".m4s", ".m4s?lang=fr")
        .replace("init.mp4", "init.mp4?lang=fr");
    port.serve(&format!("{BASE}/audio/index.m3u8?lang=fr"), audio_playlist);
    for n in 0..content.segment_count() {
        let url = HlsVod::segment_url(BASE, None, n);
        let body = port.network.resources.get(&url).unwrap().clone();
        port.network
            .resources
            .insert(format!("{url}?lang=fr"), body);
    }
    let init = port
        .network
        .resources
        .get(&format!("{BASE}/audio/init.mp4"))
        .unwrap()
        .clone();
    port.network
        .resources
        .insert(format!("{BASE}/audio/init.mp4?lang=fr"), init);
    port.network
        .set_trace(Trace::constant(20 * MBPS).anchored(port.now));
    let mut s = start(
        port,
        PlayerConfig::default(),
        &format!("{BASE}/master.m3u8"),
    );
    s.command_at(20_000_000, Command::SelectAudio("fr".into()));
    assert!(
        s.run_until_state(PlayerState::Ended, 120_000_000),
        "{}",
        s.log.join("\n")
    );
    assert_eq!(s.player.audio_options().len(), 2);
    assert!(
        s.log.iter().any(|l| l.contains("Event audio fr")),
        "{}",
        s.log.join("\n")
    );
    let french = s
        .platform
        .port
        .network
        .log
        .iter()
        .filter(|r| r.url.contains("lang=fr") && r.url.contains(".m4s"))
        .count();
    assert!(
        french >= 9,
        "the French segments from the switch on: {french}"
    );
    // Video went on: presented without a gap longer than a frame or two.
    let video: Vec<i64> = s
        .platform
        .port
        .presented
        .iter()
        .filter(|p| p.kind == TrackKind::Video)
        .map(|p| p.pts_us)
        .collect();
    assert!(
        video.windows(2).all(|w| w[1] - w[0] < 100_000),
        "a video gap"
    );
}

#[test]
fn the_byte_budget_caps_the_forward_buffer() {
    let mut port = TestPort::new();
    HlsVod::new(LADDER, 4_000_000, 120_000_000)
        .audio(Audio::None)
        .serve(&mut port, BASE)
        .unwrap();
    port.network
        .set_trace(Trace::constant(20 * MBPS).anchored(port.now));
    // A 4 MiB store: ~10 s of the 3 Mbit/s variant, less than the 30 s goal.
    let mut s = Session::new(port, PlayerConfig::default(), 4 << 20);
    s.command_at(
        0,
        Command::Load {
            url: format!("{BASE}/master.m3u8"),
            start_us: None,
        },
    );
    assert!(
        s.run_until_state(PlayerState::Ended, 300_000_000),
        "{}",
        s.log.join("\n")
    );
    assert!(
        s.platform.store_high_water <= 4 << 20,
        "store {}",
        s.platform.store_high_water
    );
    assert_eq!(s.player.qoe().rebuffer_count, 0, "{}", s.log.join("\n"));
}

#[test]
fn a_keyframe_seek_lands_on_the_keyframe_before_the_target() {
    let mut port = TestPort::new();
    HlsVod::new(LADDER, 4_000_000, 120_000_000)
        .audio(Audio::None)
        .serve(&mut port, BASE)
        .unwrap();
    port.network
        .set_trace(Trace::constant(20 * MBPS).anchored(port.now));
    let config = PlayerConfig {
        seek_mode: wasp_engine::player::SeekMode::Keyframe,
        ..PlayerConfig::default()
    };
    let mut s = start(port, config, &format!("{BASE}/master.m3u8"));
    s.command_at(10_000_000, Command::Seek(50_500_000));
    s.run_until(12_000_000);
    assert_eq!(s.player.state(), PlayerState::Playing);
    let since = s.start_us + 10_000_000;
    let first = s
        .platform
        .port
        .presented
        .iter()
        .find(|p| p.at_us > since && p.kind == TrackKind::Video)
        .unwrap();
    // Segments (and keyframes) every 4 s: the keyframe at or before 50.5 s is 48 s.
    assert_eq!(first.pts_us, 48_000_000);
}
