//! Real decoding is bit-exact: the engine demuxes the committed fixtures, every unit
//! goes to the emulator, the clock plays to the end, and the pictures displayed are
//! exactly ffmpeg's (`fixtures/*.framemd5`, made by `fixtures/make-goldens.sh`), frame
//! for frame; the decoded AAC is exactly ffmpeg's PCM; the clock follows the audio.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::collections::BTreeMap;

use wasp_core::abi::decoder::{
    DecoderConfig, DecoderState, SampleInfo, SAMPLE_DECODE_ONLY, SAMPLE_END_OF_STREAM,
    SAMPLE_KEYFRAME,
};
use wasp_core::abi::event::DecoderEventKind;
use wasp_core::abi::media::{Codec, TrackKind};
use wasp_core::abi::Status;
use wasp_core::{HostEvent, Port, PortId};
use wasp_emulator::{DeviceProfile, EmulatorPort};
use wasp_engine::media::{AccessUnit, Demuxer, Event, TrackInfo};
use wasp_engine::mp4::{FragmentDemuxer, Progressive};
use wasp_engine::ts::TsDemuxer;

const ENGINE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../players/engine/fixtures");
const GOLDENS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Tracks, units and the bytes their ranges point into.
struct Demuxed {
    tracks: Vec<TrackInfo>,
    units: Vec<AccessUnit>,
    input: Vec<u8>,
}

fn push_all(demuxer: &mut dyn Demuxer, chunks: &[&[u8]]) -> Demuxed {
    let (mut tracks, mut units) = (Vec::new(), Vec::new());
    let mut sink = |e: Event| match e {
        Event::Track(t) => tracks.push(t),
        Event::Sample(s) => units.push(s),
        Event::Metadata(_) => {}
    };
    for chunk in chunks {
        // Small pushes, as a fetch delivers them.
        for piece in chunk.chunks(1000) {
            demuxer.push(piece, &mut sink).unwrap();
        }
    }
    demuxer.finish(&mut sink).unwrap();
    Demuxed {
        tracks,
        units,
        input: chunks.concat(),
    }
}

fn ts(path: &str) -> Demuxed {
    push_all(&mut TsDemuxer::new(), &[&read(path)])
}

fn fmp4(init: &str, segment: &str) -> Demuxed {
    push_all(&mut FragmentDemuxer::new(), &[&read(init), &read(segment)])
}

fn progressive(path: &str) -> Demuxed {
    let input = read(path);
    let movie = Progressive::parse(&input).unwrap();
    let tracks = movie.tracks.iter().map(|t| t.info.clone()).collect();
    let units = movie
        .interleaved()
        .map(|(i, s)| movie.tracks[i].access_unit(&s))
        .collect();
    Demuxed {
        tracks,
        units,
        input,
    }
}

fn us(ticks: i64, timescale: u32) -> i64 {
    (i128::from(ticks) * 1_000_000 / i128::from(timescale)) as i64
}

fn config(t: &TrackInfo) -> DecoderConfig {
    DecoderConfig {
        codec: t.codec,
        width: t.width,
        height: t.height,
        framerate_milli: 25_000,
        sample_rate: t.sample_rate,
        channels: t.channels,
        bitrate_bps: 0,
        bit_depth: 0,
        bitstream: t.bitstream,
    }
}

/// A playback: the port, and the decoder of each track played.
struct Played {
    port: EmulatorPort,
    decoders: BTreeMap<TrackKind, PortId>,
}

/// Plays the first track of each kind in `kinds` through the emulator in virtual
/// time, the way a player feeds a device: units in decode order, pushing back on
/// `WouldBlock`, the clock anchored at the earliest pts, end of stream at the end.
fn play(d: &Demuxed, kinds: &[TrackKind], log_timescale: bool) -> Played {
    let options = Options {
        log_timescale,
        ..Options::default()
    };
    play_on(
        EmulatorPort::new(DeviceProfile::default()),
        d,
        kinds,
        &options,
    )
}

/// How [`play_on`] feeds the device.
#[derive(Default)]
struct Options {
    /// Log pictures in the track's timescale (else µs).
    log_timescale: bool,
    /// Submit hostile units and flush before the stream.
    garbage_first: bool,
    /// Anchor the clock here instead of the earliest pts.
    anchor: Option<i64>,
    /// Units with these pts are marked `SAMPLE_DECODE_ONLY`.
    decode_only: Vec<i64>,
}

fn play_on(mut port: EmulatorPort, d: &Demuxed, kinds: &[TrackKind], o: &Options) -> Played {
    let (log_timescale, garbage_first) = (o.log_timescale, o.garbage_first);
    let mut decoders = BTreeMap::new();
    let mut by_track = BTreeMap::new();
    for kind in kinds {
        let t = d.tracks.iter().find(|t| t.kind() == *kind).unwrap();
        let id = port.decoder_open(&config(t), &t.config).unwrap();
        if log_timescale {
            assert!(port.set_frame_log(id, 0, 1, t.timescale));
        }
        decoders.insert(*kind, id);
        by_track.insert(t.id, id);
        if garbage_first {
            // Hostile units, an empty one among them, then a seek's flush.
            for (i, len) in [0usize, 5, 188, 4000, 0, 77].into_iter().enumerate() {
                let junk: Vec<u8> = (0..len).map(|b| (b * 31 + i) as u8).collect();
                let info = SampleInfo {
                    pts_us: i as i64,
                    dts_us: i as i64,
                    duration_us: 40_000,
                    flags: SAMPLE_KEYFRAME,
                    size: len as u32,
                };
                submit(&mut port, id, &info, &junk);
                port.advance(10_000);
            }
            assert!(port.decoder_info(id).corrupt >= 2);
            port.decoder_flush(id);
        }
    }
    let mut units: Vec<(PortId, SampleInfo, Vec<u8>)> = d
        .units
        .iter()
        .filter_map(|u| {
            let id = *by_track.get(&u.track)?;
            // MPEG-TS carries no durations: a player takes them from the frame
            // rate (25 fps here) or the AAC frame length.
            let duration = match (u.duration, port.decoder(id)?.kind()) {
                (0, TrackKind::Video) => 40_000,
                (0, _) => us(1024, 48_000),
                (ticks, _) => us(ticks, u.timescale),
            };
            let info = SampleInfo {
                pts_us: us(u.pts, u.timescale),
                dts_us: us(u.dts, u.timescale),
                duration_us: duration,
                flags: if u.keyframe { SAMPLE_KEYFRAME } else { 0 },
                size: u.size,
            };
            Some((id, info, u.gather(&d.input)?))
        })
        .collect();
    units.sort_by_key(|(_, info, _)| info.dts_us);
    for (_, info, _) in &mut units {
        if o.decode_only.contains(&info.pts_us) {
            info.flags |= SAMPLE_DECODE_ONLY;
        }
    }
    let earliest = units.iter().map(|(_, i, _)| i.pts_us).min().unwrap();
    let anchor = o.anchor.unwrap_or(earliest);
    port.media_set_rate(1000);
    port.media_set_position(anchor);
    for (id, info, data) in &units {
        submit(&mut port, *id, info, data);
    }
    for id in decoders.values() {
        let end = SampleInfo {
            flags: SAMPLE_END_OF_STREAM,
            ..SampleInfo::default()
        };
        submit(&mut port, *id, &end, &[]);
    }
    for _ in 0..1000 {
        if decoders
            .values()
            .all(|id| port.decoder_info(*id).state == DecoderState::Drained)
        {
            break;
        }
        port.advance(100_000);
    }
    Played { port, decoders }
}

fn submit(port: &mut EmulatorPort, id: PortId, info: &SampleInfo, data: &[u8]) {
    for _ in 0..10_000 {
        match port.decoder_submit(id, info, &[data], None) {
            Ok(()) => return,
            Err(Status::WouldBlock) => port.advance(5_000),
            Err(e) => panic!("submit: {e}"),
        }
    }
    panic!("the queue never drained");
}

/// The golden's frame lines (headers and `#software` left out).
fn golden_lines(name: &str) -> Vec<String> {
    String::from_utf8(read(&format!("{GOLDENS}/{name}")))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(String::from)
        .collect()
}

fn assert_frames_match(played: &Played, golden: &str) {
    let id = played.decoders[&TrackKind::Video];
    let log = played.port.frame_log(id).unwrap();
    let expected = golden_lines(golden);
    assert!(!expected.is_empty());
    for (i, (got, want)) in log.lines.iter().zip(&expected).enumerate() {
        assert_eq!(got, want, "{golden}: frame {i}");
    }
    assert_eq!(log.lines.len(), expected.len(), "{golden}: frame count");
    let stats = played.port.decoder(id).unwrap().stats();
    assert_eq!(stats.corrupt, 0);
    assert_eq!(stats.dropped, 0);
    assert_eq!(stats.decoded as usize, expected.len());
}

#[test]
fn h264_in_mpeg_ts_displays_exactly_ffmpegs_frames() {
    let d = ts(&format!("{ENGINE}/hls-ts/v1_000.ts"));
    let played = play(&d, &[TrackKind::Video], true);
    assert_frames_match(&played, "hls-ts_v1_000.ts.framemd5");
    // The last picture stays on screen, as decoded planes.
    let frame = played.port.current_video_frame().unwrap();
    assert_eq!((frame.width, frame.height), (640, 360));
    assert_eq!(frame.strides, [640, 320, 320]);
    assert_eq!(
        (frame.y.len(), frame.u.len(), frame.v.len()),
        (640 * 360, 320 * 180, 320 * 180)
    );
    assert_eq!(frame.pts_us, 1_440_000 + 49 * 40_000);
}

#[test]
fn h264_in_cmaf_displays_exactly_ffmpegs_frames() {
    let d = fmp4(
        &format!("{ENGINE}/hls-fmp4/init_1.mp4"),
        &format!("{ENGINE}/hls-fmp4/v1_000.m4s"),
    );
    let played = play(&d, &[TrackKind::Video], true);
    assert_frames_match(&played, "hls-fmp4_v1_000.m4s.framemd5");
}

#[test]
fn h264_in_progressive_mp4_displays_exactly_ffmpegs_frames() {
    let d = progressive(&format!("{ENGINE}/progressive/faststart.mp4"));
    let played = play(&d, &[TrackKind::Video, TrackKind::Audio], true);
    assert_frames_match(&played, "progressive_faststart.mp4.framemd5");
}

#[test]
fn h265_in_mpeg_ts_displays_exactly_ffmpegs_frames() {
    let d = ts(&format!("{ENGINE}/progressive/hevc-ac3.ts"));
    let played = play(&d, &[TrackKind::Video], true);
    assert_frames_match(&played, "progressive_hevc-ac3.ts.framemd5");
}

#[test]
fn aac_decodes_to_exactly_ffmpegs_pcm_and_all_of_it_is_played() {
    let d = ts(&format!("{ENGINE}/hls-ts/v1_000.ts"));
    let played = play(&d, &[TrackKind::Audio], false);
    let want = String::from_utf8(read(&format!("{GOLDENS}/hls-ts_v1_000.ts.pcm.md5"))).unwrap();
    let id = played.decoders[&TrackKind::Audio];
    let (decoded, bytes) = played.port.decoder(id).unwrap().decoded_pcm_md5();
    assert_eq!(decoded, want.trim());
    // Anchored at the first unit: every sample decoded is played, in order.
    assert_eq!(played.port.audio().md5(), want.trim());
    assert_eq!(played.port.audio().samples() * 2, bytes);
    let stats = played.port.decoder(id).unwrap().stats();
    assert_eq!((stats.corrupt, stats.dropped), (0, 0));
}

#[test]
fn with_audio_the_pictures_are_shown_on_the_audio_clock() {
    let d = ts(&format!("{ENGINE}/hls-ts/v1_000.ts"));
    let played = play(&d, &[TrackKind::Video, TrackKind::Audio], true);
    assert_frames_match(&played, "hls-ts_v1_000.ts.framemd5");
    let video = played.decoders[&TrackKind::Video];
    let shown: Vec<_> = played
        .port
        .presented()
        .iter()
        .filter(|p| p.decoder == video)
        .collect();
    assert_eq!(shown.len(), 50);
    // Each picture is shown the moment the audio clock reaches its pts: no A/V
    // offset at all in virtual time.
    for p in &shown {
        assert_eq!(p.position_us, p.pts_us, "{p:?}");
    }
}

#[test]
fn the_clock_stops_when_the_audio_runs_dry_and_resumes_when_it_is_fed() {
    let d = ts(&format!("{ENGINE}/hls-ts/v1_000.ts"));
    let t = d
        .tracks
        .iter()
        .find(|t| t.kind() == TrackKind::Audio)
        .unwrap();
    let mut port = EmulatorPort::new(DeviceProfile::default());
    let id = port.decoder_open(&config(t), &t.config).unwrap();
    let units: Vec<_> = d.units.iter().filter(|u| u.track == t.id).collect();
    let info = |u: &AccessUnit| SampleInfo {
        pts_us: us(u.pts, u.timescale),
        dts_us: us(u.dts, u.timescale),
        duration_us: us(1024, 48_000),
        flags: SAMPLE_KEYFRAME,
        size: u.size,
    };
    let first = info(units[0]);
    port.media_set_rate(1000);
    port.media_set_position(first.pts_us);
    // Ten AAC frames: 10 * 1024 samples at 48 kHz = 213,333 us of audio.
    for u in &units[..10] {
        submit(&mut port, id, &info(u), &u.gather(&d.input).unwrap());
    }
    port.advance(1_000_000);
    let clock = port.media_clock();
    assert_eq!(
        clock.running, 0,
        "the clock must stop when the audio runs dry"
    );
    let dry = first.pts_us + 10 * 1024 * 1_000_000 / 48_000;
    assert!(
        (clock.position_us - dry).abs() <= 1,
        "stopped at {}, the audio ends at {dry}",
        clock.position_us
    );
    assert_eq!(port.audio().frames(), 10 * 1024);
    let underflows = std::iter::from_fn(|| port.poll_event())
        .filter(|e| {
            matches!(e, HostEvent::Decoder(ev)
                if ev.handle == id && ev.what == DecoderEventKind::Underflow)
        })
        .count();
    assert_eq!(underflows, 1);
    // Fed again, it resumes where it stopped and plays the new audio.
    for u in &units[10..20] {
        submit(&mut port, id, &info(u), &u.gather(&d.input).unwrap());
    }
    port.advance(100_000);
    let resumed = port.media_clock();
    assert_eq!(resumed.running, 1);
    assert!(resumed.position_us > clock.position_us);
    assert!(port.audio().frames() > 10 * 1024);
}

#[test]
fn garbage_then_a_flush_leaves_the_decoder_bit_exact() {
    let d = ts(&format!("{ENGINE}/hls-ts/v1_000.ts"));
    let port = EmulatorPort::new(DeviceProfile::default());
    let options = Options {
        log_timescale: true,
        garbage_first: true,
        ..Options::default()
    };
    let mut played = play_on(port, &d, &[TrackKind::Video, TrackKind::Audio], &options);
    let id = played.decoders[&TrackKind::Video];
    let lines = played.port.frame_log(id).unwrap().lines.clone();
    assert_eq!(lines, golden_lines("hls-ts_v1_000.ts.framemd5"));
    assert_eq!(played.port.decoder_info(id).decoded, 50);
}

#[test]
fn the_played_audio_is_written_as_a_wav_file() {
    let d = ts(&format!("{ENGINE}/hls-ts/v1_000.ts"));
    let path = std::env::temp_dir().join(format!("wasp-emulator-{}.wav", std::process::id()));
    let mut port = EmulatorPort::new(DeviceProfile::default());
    port.audio_mut().write_wav(&path).unwrap();
    let mut played = play_on(port, &d, &[TrackKind::Audio], &Options::default());
    played.port.audio_mut().finish().unwrap();
    let wav = read(path.to_str().unwrap());
    std::fs::remove_file(&path).unwrap();
    let frames = played.port.audio().frames();
    assert!(frames > 90_000, "{frames}"); // about two seconds at 48 kHz
    let data = (frames * 4) as u32;
    assert_eq!(&wav[..4], b"RIFF");
    assert_eq!(u32::from_le_bytes(wav[4..8].try_into().unwrap()), data + 36);
    assert_eq!(&wav[8..16], b"WAVEfmt ");
    assert_eq!(u16::from_le_bytes([wav[22], wav[23]]), 2); // channels
    assert_eq!(u32::from_le_bytes(wav[24..28].try_into().unwrap()), 48_000);
    assert_eq!(&wav[36..40], b"data");
    assert_eq!(u32::from_le_bytes(wav[40..44].try_into().unwrap()), data);
    assert_eq!(wav.len(), 44 + data as usize);
    // The samples in the file are the ones played (ffmpeg's PCM, as checked above).
    use md5::{Digest, Md5};
    let md5: String = Md5::digest(&wav[44..])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(md5, played.port.audio().md5());
}

/// The pts (µs) of the n-th picture of `hls-ts/v1_000.ts` in presentation order.
fn v1_pts(n: i64) -> i64 {
    1_440_000 + n * 40_000
}

#[test]
fn pre_roll_and_decode_only_pictures_are_decoded_but_never_shown() {
    let d = ts(&format!("{ENGINE}/hls-ts/v1_000.ts"));
    let options = Options {
        log_timescale: true,
        // An accurate seek to picture 30: the GOP from picture 25 is pre-roll.
        anchor: Some(v1_pts(30)),
        // And the player marks two pictures decode-only.
        decode_only: vec![v1_pts(40), v1_pts(41)],
        ..Options::default()
    };
    let port = EmulatorPort::new(DeviceProfile::default());
    let played = play_on(port, &d, &[TrackKind::Video], &options);
    let id = played.decoders[&TrackKind::Video];
    let golden = golden_lines("hls-ts_v1_000.ts.framemd5");
    let want: Vec<String> = golden[30..40]
        .iter()
        .chain(&golden[42..])
        .cloned()
        .collect();
    assert_eq!(played.port.frame_log(id).unwrap().lines, want);
    let stats = played.port.decoder(id).unwrap().stats();
    assert_eq!((stats.decoded, stats.dropped, stats.corrupt), (18, 32, 0));
}

#[test]
fn a_seek_flushes_and_shows_the_new_position_exactly() {
    let d = ts(&format!("{ENGINE}/hls-ts/v1_000.ts"));
    let t = d
        .tracks
        .iter()
        .find(|t| t.kind() == TrackKind::Video)
        .unwrap();
    let mut port = EmulatorPort::new(DeviceProfile::default());
    let id = port.decoder_open(&config(t), &t.config).unwrap();
    assert!(port.set_frame_log(id, 0, 1, 90_000));
    let units: Vec<(SampleInfo, Vec<u8>)> = d
        .units
        .iter()
        .filter(|u| u.track == t.id)
        .map(|u| {
            let info = SampleInfo {
                pts_us: us(u.pts, u.timescale),
                dts_us: us(u.dts, u.timescale),
                duration_us: 40_000,
                flags: if u.keyframe { SAMPLE_KEYFRAME } else { 0 },
                size: u.size,
            };
            (info, u.gather(&d.input).unwrap())
        })
        .collect();
    // The second GOP starts at the second keyframe (decode order).
    let second = units
        .iter()
        .skip(1)
        .position(|(i, _)| i.flags & SAMPLE_KEYFRAME != 0)
        .unwrap()
        + 1;
    assert_eq!(units[second].0.pts_us, v1_pts(25));
    port.media_set_rate(1000);
    port.media_set_position(v1_pts(0));
    for (info, data) in &units[..second] {
        submit(&mut port, id, info, data);
    }
    port.advance(300_000);
    let before = port.frame_log(id).unwrap().lines.len();
    assert!(
        (5..25).contains(&before),
        "{before} pictures before the seek"
    );
    // Seek to picture 25: flush, re-anchor, feed from its keyframe.
    port.decoder_flush(id);
    port.media_set_position(v1_pts(25));
    for (info, data) in &units[second..] {
        submit(&mut port, id, info, data);
    }
    let end = SampleInfo {
        flags: SAMPLE_END_OF_STREAM,
        ..SampleInfo::default()
    };
    submit(&mut port, id, &end, &[]);
    port.advance(3_000_000);
    let golden = golden_lines("hls-ts_v1_000.ts.framemd5");
    let want: Vec<String> = golden[..before]
        .iter()
        .chain(&golden[25..])
        .cloned()
        .collect();
    assert_eq!(port.frame_log(id).unwrap().lines, want);
    assert_eq!(port.decoder_info(id).state, DecoderState::Drained);
}

#[test]
fn at_double_rate_pictures_come_twice_as_fast() {
    let d = ts(&format!("{ENGINE}/hls-ts/v1_000.ts"));
    let mut port = EmulatorPort::new(DeviceProfile::default());
    port.media_set_rate(2000);
    let t = d
        .tracks
        .iter()
        .find(|t| t.kind() == TrackKind::Video)
        .unwrap();
    let id = port.decoder_open(&config(t), &t.config).unwrap();
    port.media_set_position(v1_pts(0));
    for u in d.units.iter().filter(|u| u.track == t.id) {
        let info = SampleInfo {
            pts_us: us(u.pts, u.timescale),
            dts_us: us(u.dts, u.timescale),
            duration_us: 40_000,
            flags: 0,
            size: u.size,
        };
        submit(&mut port, id, &info, &u.gather(&d.input).unwrap());
    }
    let end = SampleInfo {
        flags: SAMPLE_END_OF_STREAM,
        ..SampleInfo::default()
    };
    submit(&mut port, id, &end, &[]);
    port.advance(2_000_000);
    let shown: Vec<_> = port
        .presented()
        .iter()
        .filter(|p| p.decoder == id)
        .collect();
    assert_eq!(shown.len(), 50);
    // 40 ms of media apart, 20 ms of device time apart.
    for w in shown.windows(2) {
        assert_eq!(w[1].pts_us - w[0].pts_us, 40_000);
        assert_eq!(w[1].at_us - w[0].at_us, 20_000, "{w:?}");
    }
}

#[test]
fn a_video_stall_waits_for_the_pictures_inside_the_decoder_and_loses_none() {
    let d = ts(&format!("{ENGINE}/hls-ts/v1_000.ts"));
    let t = d
        .tracks
        .iter()
        .find(|t| t.kind() == TrackKind::Video)
        .unwrap();
    let mut port = EmulatorPort::new(DeviceProfile::default());
    let id = port.decoder_open(&config(t), &t.config).unwrap();
    assert!(port.set_frame_log(id, 0, 1, 90_000));
    let units: Vec<(SampleInfo, Vec<u8>)> = d
        .units
        .iter()
        .filter(|u| u.track == t.id)
        .map(|u| {
            let info = SampleInfo {
                pts_us: us(u.pts, u.timescale),
                dts_us: us(u.dts, u.timescale),
                duration_us: 40_000,
                flags: 0,
                size: u.size,
            };
            (info, u.gather(&d.input).unwrap())
        })
        .collect();
    port.media_set_rate(1000);
    port.media_set_position(v1_pts(0));
    for (info, data) in &units[..25] {
        submit(&mut port, id, info, data);
    }
    port.advance(3_000_000);
    let clock = port.media_clock();
    assert_eq!(clock.running, 0);
    let shown = port.frame_log(id).unwrap().lines.len();
    // The clock stopped at the end of the last picture out of libavcodec: the
    // ones it still holds for reordering wait, and so does the clock.
    assert!(shown < 25, "{shown}");
    assert_eq!(clock.position_us, v1_pts(shown as i64));
    let underflow = std::iter::from_fn(|| port.poll_event())
        .any(|e| matches!(e, HostEvent::Decoder(ev) if ev.what == DecoderEventKind::Underflow));
    assert!(underflow);
    for (info, data) in &units[25..] {
        submit(&mut port, id, info, data);
    }
    let end = SampleInfo {
        flags: SAMPLE_END_OF_STREAM,
        ..SampleInfo::default()
    };
    submit(&mut port, id, &end, &[]);
    port.advance(3_000_000);
    assert_eq!(
        port.frame_log(id).unwrap().lines,
        golden_lines("hls-ts_v1_000.ts.framemd5")
    );
    let stats = port.decoder_info(id);
    assert_eq!((stats.decoded, stats.dropped), (50, 0));
}

/// Decodes and plays every unit of the first track of `codec`.
fn decoded_pcm(
    d: &Demuxed,
    codec: Codec,
) -> (String, wasp_core::abi::decoder::DecoderStats, u64, u64) {
    let t = d.tracks.iter().find(|t| t.codec == codec).unwrap();
    let mut port = EmulatorPort::new(DeviceProfile::default());
    let id = port.decoder_open(&config(t), &t.config).unwrap();
    let units: Vec<_> = d.units.iter().filter(|u| u.track == t.id).collect();
    port.media_set_rate(1000);
    port.media_set_position(us(units[0].pts, units[0].timescale));
    for u in units {
        let info = SampleInfo {
            pts_us: us(u.pts, u.timescale),
            dts_us: us(u.dts, u.timescale),
            duration_us: 0,
            flags: SAMPLE_KEYFRAME,
            size: u.size,
        };
        submit(&mut port, id, &info, &u.gather(&d.input).unwrap());
    }
    let end = SampleInfo {
        flags: SAMPLE_END_OF_STREAM,
        ..SampleInfo::default()
    };
    submit(&mut port, id, &end, &[]);
    port.advance(5_000_000);
    let decoder = port.decoder(id).unwrap();
    let (md5, bytes) = decoder.decoded_pcm_md5();
    (md5, decoder.stats(), bytes / 2, port.audio().samples())
}

#[test]
fn ac3_eac3_and_mp3_decode_to_exactly_ffmpegs_pcm() {
    let hevc = ts(&format!("{ENGINE}/progressive/hevc-ac3.ts"));
    let eac3 = ts(&format!("{ENGINE}/progressive/eac3-mp3.ts"));
    // The fixtures are mono: they play on both output channels.
    for (d, codec, golden, upmix) in [
        (&hevc, Codec::Ac3, "progressive_hevc-ac3.ts.ac3.pcm.md5", 2),
        (
            &eac3,
            Codec::Eac3,
            "progressive_eac3-mp3.ts.eac3.pcm.md5",
            2,
        ),
        (&eac3, Codec::Mp3, "progressive_eac3-mp3.ts.mp3.pcm.md5", 2),
    ] {
        let want = String::from_utf8(read(&format!("{GOLDENS}/{golden}"))).unwrap();
        let (md5, stats, decoded, played) = decoded_pcm(d, codec);
        assert_eq!(played, decoded * upmix, "{codec}");
        assert_eq!(md5, want.trim(), "{codec}");
        assert_eq!(stats.corrupt, 0, "{codec}");
        assert!(stats.decoded > 100, "{codec}: {stats:?}");
    }
}

#[test]
fn in_real_time_the_stream_plays_on_the_os_clock() {
    let d = ts(&format!("{ENGINE}/hls-ts/v1_000.ts"));
    let mut port = EmulatorPort::real_time(DeviceProfile::default());
    let mut ids = BTreeMap::new();
    for kind in [TrackKind::Video, TrackKind::Audio] {
        let t = d.tracks.iter().find(|t| t.kind() == kind).unwrap();
        let id = port.decoder_open(&config(t), &t.config).unwrap();
        assert!(port.set_frame_log(id, 0, 1, 90_000));
        ids.insert(t.id, id);
    }
    let mut units: Vec<_> = d
        .units
        .iter()
        .filter(|u| ids.contains_key(&u.track))
        .collect();
    units.sort_by_key(|u| us(u.dts, u.timescale));
    port.media_set_rate(1000);
    port.media_set_position(units.iter().map(|u| us(u.pts, u.timescale)).min().unwrap());
    for u in &units {
        let info = SampleInfo {
            pts_us: us(u.pts, u.timescale),
            dts_us: us(u.dts, u.timescale),
            duration_us: if port.decoder(ids[&u.track]).unwrap().kind() == TrackKind::Video {
                40_000
            } else {
                us(1024, 48_000)
            },
            flags: 0,
            size: u.size,
        };
        submit(
            &mut port,
            ids[&u.track],
            &info,
            &u.gather(&d.input).unwrap(),
        );
    }
    let end = SampleInfo {
        flags: SAMPLE_END_OF_STREAM,
        ..SampleInfo::default()
    };
    for id in ids.values() {
        submit(&mut port, *id, &end, &[]);
    }
    let start = port.now_us();
    while ids
        .values()
        .any(|id| port.decoder_info(*id).state != DecoderState::Drained)
    {
        assert!(port.now_us() - start < 10_000_000, "not drained after 10 s");
        port.advance(5_000);
    }
    // Two seconds of media took about two seconds.
    let took = port.now_us() - start;
    assert!((1_900_000..10_000_000).contains(&took), "{took} us");
    // Whatever a loaded machine made late was dropped, not shown out of order or
    // wrong: the pictures shown are ffmpeg's, in order.
    let video = ids
        .values()
        .copied()
        .find(|id| port.decoder(*id).unwrap().kind() == TrackKind::Video);
    let shown = &port.frame_log(video.unwrap()).unwrap().lines;
    let golden = golden_lines("hls-ts_v1_000.ts.framemd5");
    let mut rest = golden.iter();
    for line in shown {
        assert!(rest.any(|g| g == line), "{line} is not next in the golden");
    }
    // A loaded machine may pump late; the floor only says playback happened.
    assert!(shown.len() >= 10, "{} of 50 shown", shown.len());
}

#[test]
fn a_device_too_slow_for_the_stream_skips_to_the_next_keyframe() {
    let d = ts(&format!("{ENGINE}/hls-ts/v1_000.ts"));
    // 60 ms to decode a 40 ms picture: it cannot keep up.
    let port = EmulatorPort::new(DeviceProfile {
        decode_us: 60_000,
        ..DeviceProfile::default()
    });
    let options = Options {
        log_timescale: true,
        ..Options::default()
    };
    let played = play_on(port, &d, &[TrackKind::Video], &options);
    let id = played.decoders[&TrackKind::Video];
    let shown = &played.port.frame_log(id).unwrap().lines;
    let golden = golden_lines("hls-ts_v1_000.ts.framemd5");
    // What is shown is ffmpeg's pictures, in order, the second GOP's keyframe
    // among them: the decoder jumped there instead of showing nothing more.
    let mut rest = golden.iter();
    for line in shown {
        assert!(rest.any(|g| g == line), "{line} is not next in the golden");
    }
    assert!(shown.contains(&golden[25]), "the second keyframe is shown");
    let stats = played.port.decoder(id).unwrap().stats();
    assert_eq!(stats.corrupt, 0);
    assert_eq!(stats.decoded as usize, shown.len());
    assert_eq!(stats.decoded + stats.dropped, 50, "{stats:?}");
    // Deterministic in virtual time: 26 shown, 24 skipped or late.
    assert_eq!((stats.decoded, stats.dropped), (26, 24));
}
