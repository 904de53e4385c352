//! Real time: three seconds of the progressive sample on the OS clock give the same
//! PCM as the virtual-clock run, sample for sample, with none of it skipped (real
//! time moves the clock in steps longer than an audio frame; each frame it passes is
//! still played whole). With a sound card the media clock is the card's: a card
//! whose crystal runs 8 % fast carries the pictures 8 % fast, and the card gets
//! exactly the captured sound (a test card here; alsa-lib's `file` PCM through the
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
    };
    let outcome = run(&script, &profile, &options).unwrap();
    let wav = std::fs::read(out.join("audio.wav")).unwrap();
    (wav[44..].to_vec(), outcome.frames)
}

#[test]
fn real_time_plays_the_virtual_clocks_sound_without_skipping() {
    let (virtual_pcm, _) = play(false);
    let (real_pcm, pictures) = play(true);
    // Start-up takes a moment in real time; at least 2.5 s of 48 kHz stereo s16
    // must have played (it was 1.3 s when passed frames were skipped).
    let min = 48_000 * 4 * 5 / 2;
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
    /// When the first sample was written, and the frames written until now.
    first_write: Option<Instant>,
    frames: u64,
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
                self.played = (self.played + more).min(self.written as f64);
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
        log.first_write.get_or_insert_with(Instant::now);
        log.frames = self.written;
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
/// (media time the clock moved per second of card playback, the card's log, the
/// md5 of the captured PCM).
fn play_on_card(speed: f64, seconds: i64) -> (f64, CardLog, String) {
    let log = Arc::new(Mutex::new(CardLog::default()));
    let card_log = Arc::clone(&log);
    let measured = on_big_stack(move || {
        let profile = Profile::load("tv-stick-1080p").map_err(|e| e.to_string())?;
        let mut session = Session::new(&profile, SAMPLE, &[], 90_000, true)?;
        session
            .port_mut()
            .set_speaker(Box::new(PacedCard::new(speed, card_log)));
        let mut start: Option<(Instant, i64)> = None;
        while session.now() < seconds * 1_000_000 {
            let next = session.tick();
            let now = session.now();
            session.advance_to((next - session.start_us).clamp(now + 1, now + 10_000));
            let position = session.port_mut().media_clock().position_us;
            if start.is_none() && position > 500_000 {
                // Measure from half a second in, well after start-up.
                start = Some((Instant::now(), position));
            }
        }
        let (at, from) = start.ok_or("the clock never reached 0.5 s")?;
        let moved = session.port_mut().media_clock().position_us - from;
        let speed = moved as f64 / 1e6 / at.elapsed().as_secs_f64();
        Ok((speed, session.port_mut().audio().md5()))
    })
    .unwrap();
    let log = Arc::try_unwrap(log).ok().unwrap().into_inner().unwrap();
    (measured.0, log, measured.1)
}

#[test]
fn with_a_sound_card_the_clock_runs_on_the_cards_crystal() {
    // A card 8 % fast carries the clock 8 % fast; the OS clock would not.
    let (fast, log, captured) = play_on_card(1.08, 3);
    assert!(
        (1.05..1.11).contains(&fast),
        "clock speed {fast:.3} on a 1.08x card"
    );
    assert!(log.frames > 48_000, "the card played {} frames", log.frames);
    // The capture holds exactly what the card was given.
    let card = format!("{:x}", Md5::digest(&log.pcm));
    assert_eq!(card, captured);
    let (nominal, _, _) = play_on_card(1.0, 3);
    assert!(
        (0.97..1.03).contains(&nominal),
        "clock speed {nominal:.3} on a 1.0x card"
    );
}

#[test]
fn an_alsa_device_gets_exactly_the_captured_sound() {
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
