//! Real time: three seconds of the progressive sample on the OS clock give the same
//! PCM as the virtual-clock run, sample for sample, with none of it skipped (real
//! time moves the clock in steps longer than an audio frame; each frame it passes is
//! still played whole). With a sound card the media clock is the card's: with a
//! card whose crystal runs 8 % slow the clock moves as far as the card has played,
//! slower than the OS clock, and the card gets exactly the captured sound (a test card here; alsa-lib's `file` PCM through the
//! binary).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use md5::{Digest, Md5};
use wasp_core::Port as _;
use wasp_emu::runner::on_big_stack;
use wasp_emu::{run, AudioDevice, Profile, RunOptions, Script, Session};
use wasp_emulator::Speaker;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/samples/progressive/sample.mp4"
);

/// The PCM bytes of a run of 3 s, and the pictures it showed.
fn play(real_time: bool) -> (Vec<u8>, usize) {
    let name = if real_time { "rt-audio" } else { "vt-audio" };
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let script = Script::parse(&format!("url = {SAMPLE:?}\nduration = 3\n"), "test", name).unwrap();
    let profile = Profile::load("tv-stick-1080p").unwrap();
    let options = RunOptions {
        real_time,
        out_dir: Some(out.clone()),
        progress: false,
        // The sound of this test is the capture's (no card here).
        audio_device: AudioDevice::Off,
        screen_log: false,
    };
    let outcome = run(&script, &profile, &options).unwrap();
    let wav = std::fs::read(out.join("audio.wav")).unwrap();
    (wav[44..].to_vec(), outcome.frames)
}

#[test]
fn real_time_plays_the_virtual_clocks_sound_without_skipping() {
    let _serial = serial();
    let (virtual_pcm, _) = play(false);
    let (real_pcm, pictures) = play(true);
    // Start-up takes a moment in real time; at least 2 s of 48 kHz stereo s16 must
    // have played (it was 1.3 s when passed frames were skipped).
    let min = 48_000 * 4 * 2;
    assert!(
        real_pcm.len() >= min,
        "real time played {:.2} s of sound in 3 s",
        real_pcm.len() as f64 / (48_000.0 * 4.0)
    );
    assert!(pictures > 0);
    let n = real_pcm.len().min(virtual_pcm.len());
    let first = (0..n).find(|&i| real_pcm[i] != virtual_pcm[i]);
    assert_eq!(first, None, "the PCM differs from byte {first:?} on");
}

/// What a test sound card saw.
#[derive(Default)]
struct CardLog {
    pcm: Vec<u8>,
    /// Sample frames written, and played, until now.
    frames: u64,
    played: f64,
}

/// A sound card that plays at `speed` times its nominal rate (a crystal off by
/// that much), paced by the OS clock, and records what it was given.
struct PacedCard {
    speed: f64,
    rate: f64,
    channels: usize,
    written: u64,
    played: f64,
    last: Option<Instant>,
    paused: bool,
    log: Arc<Mutex<CardLog>>,
}

impl PacedCard {
    fn new(speed: f64, log: Arc<Mutex<CardLog>>) -> Self {
        Self {
            speed,
            rate: 48_000.0,
            channels: 2,
            written: 0,
            played: 0.0,
            last: None,
            paused: false,
            log,
        }
    }

    /// Plays what the time since the last look allows (a dry card waits).
    fn run(&mut self) {
        let now = Instant::now();
        if let Some(last) = self.last {
            if !self.paused {
                let more = now.duration_since(last).as_secs_f64() * self.rate * self.speed;
                let before = self.played;
                self.played = (self.played + more).min(self.written as f64);
                self.log.lock().unwrap().played += self.played - before;
            }
        }
        self.last = Some(now);
    }
}

impl Speaker for PacedCard {
    fn configure(&mut self, rate: u32, channels: u16) -> Result<(), String> {
        self.rate = f64::from(rate);
        self.channels = usize::from(channels);
        Ok(())
    }

    fn write(&mut self, samples: &[i16]) -> usize {
        self.run();
        let frames = samples.len() / self.channels;
        self.written += frames as u64;
        let mut log = self.log.lock().unwrap();
        log.frames += frames as u64;
        for s in samples {
            log.pcm.extend_from_slice(&s.to_le_bytes());
        }
        frames
    }

    fn queued(&mut self) -> u64 {
        self.run();
        self.written - self.played as u64
    }

    fn pause(&mut self, paused: bool) {
        self.run();
        self.paused = paused;
    }

    fn discard(&mut self) {
        self.run();
        self.written = 0;
        self.played = 0.0;
    }
}

/// Plays the sample in real time for `seconds` on a card running at `speed`:
/// (media time the clock moved per second of sound the card played, media time it
/// moved per second of OS time, the card's log, the md5 of the captured PCM).
fn play_on_card(speed: f64, seconds: i64) -> (f64, f64, CardLog, String) {
    let log = Arc::new(Mutex::new(CardLog::default()));
    let card_log = Arc::clone(&log);
    let card_log_view = Arc::clone(&log);
    let measured = on_big_stack(move || {
        let profile = Profile::load("tv-stick-1080p").map_err(|e| e.to_string())?;
        let mut session = Session::new(&profile, SAMPLE, &[], 90_000, true)?;
        session
            .port_mut()
            .set_speaker(Box::new(PacedCard::new(speed, card_log)));
        let played = || card_log_view.lock().unwrap().played;
        let mut start: Option<(Instant, i64, f64)> = None;
        while session.now() < seconds * 1_000_000 {
            let next = session.tick();
            let now = session.now();
            session.advance_to((next - session.start_us).clamp(now + 1, now + 10_000));
            let position = session.port_mut().media_clock().position_us;
            if start.is_none() && position > 500_000 {
                // Measure from half a second in, well after start-up.
                start = Some((Instant::now(), position, played()));
            }
        }
        let (at, from, played_from) = start.ok_or("the clock never reached 0.5 s")?;
        let moved = (session.port_mut().media_clock().position_us - from) as f64 / 1e6;
        let heard = (played() - played_from) / 48_000.0;
        let per_os_second = moved / at.elapsed().as_secs_f64();
        Ok((
            moved / heard,
            per_os_second,
            session.port_mut().audio().md5(),
        ))
    })
    .unwrap();
    let log = Arc::try_unwrap(log).ok().unwrap().into_inner().unwrap();
    (measured.0, measured.1, log, measured.2)
}

#[test]
fn with_a_sound_card_the_clock_runs_on_the_cards_crystal() {
    let _serial = serial();
    // A card 8 % slow: the clock moves exactly as far as the card has played, and
    // so slower than the OS clock. (On the OS clock it would move 1/0.92 = 1.09 s
    // per second played, and the card's queue would grow without end. A loaded
    // machine can only let the card run dry for a moment, when the clock waits with
    // it: that keeps the first figure and lowers the second.)
    let (per_heard, per_os, log, captured) = play_on_card(0.92, 3);
    assert!(
        (0.98..1.02).contains(&per_heard),
        "the clock moved {per_heard:.3} s per second the 0.92x card played"
    );
    assert!(
        per_os < 0.97,
        "the clock ran {per_os:.3}x the OS clock on a 0.92x card"
    );
    assert!(log.frames > 48_000, "the card played {} frames", log.frames);
    // The capture holds exactly what the card was given.
    let card = format!("{:x}", Md5::digest(&log.pcm));
    assert_eq!(card, captured);
}

/// The real-time tests run one at a time: each measures time.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[test]
fn an_alsa_device_gets_exactly_the_captured_sound() {
    let _serial = serial();
    // alsa-lib's `file` PCM writes what it is given to a file (over its `null`
    // device, which takes samples as fast as they come: the clock follows it).
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("alsa-file");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let raw = dir.join("card.raw");
    let device = format!("file:FILE={},FORMAT=raw", raw.display());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wasp-emu"))
        .args([
            "play",
            "--real-time",
            "--duration",
            "2",
            "--audio-device",
            &device,
            "--out",
        ])
        .arg(dir.join("out"))
        .arg(SAMPLE)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let card = std::fs::read(&raw).unwrap();
    let wav = std::fs::read(dir.join("out/audio.wav")).unwrap();
    assert!(card.len() > 48_000 * 4, "the card got {} bytes", card.len());
    assert!(
        card == wav[44..],
        "the card's bytes differ from the capture"
    );
    // A device that does not exist is a usage error, named.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wasp-emu"))
        .args([
            "play",
            "--real-time",
            "--duration",
            "1",
            "--audio-device",
            "no-such-card",
            "--out",
        ])
        .arg(dir.join("out2"))
        .arg(SAMPLE)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("ALSA device no-such-card"), "{stderr}");
}
