//! The sound card: real audio output in real time, and the clock it drives.
//!
//! A [`Speaker`] takes the PCM the device plays and says how much of it is still
//! queued, unheard. With one attached ([`crate::EmulatorPort::set_speaker`]), a
//! real-time port runs its media clock on the card, as a TV does:
//!
//! * the **clock is what is heard**: it advances by the sample frames the card has
//!   consumed since the last look (written minus queued), not by the OS clock, so
//!   pictures follow the card's crystal and the card never over- or underflows;
//! * while the clock runs, audio is **released [`Speaker::lead_us`] ahead** of it:
//!   that much stays queued in the card, covering the gaps between the emulator's
//!   ticks (a stopped clock releases nothing ahead);
//! * pausing pauses the card (its queue is kept and heard on resume); a seek or a
//!   flush discards the queue, and the clock starts again from the new position.
//!
//! What is released also goes to the WAV capture, so `audio.wav` holds exactly what
//! the card was given. [`AlsaSpeaker`] (feature `audio-out`) is the ALSA
//! implementation; tests use a card of their own.

/// A sound card the device plays to (interleaved s16).
pub trait Speaker {
    /// Prepares for `rate` Hz and `channels` channels; called before the first
    /// write and whenever the format changes.
    ///
    /// # Errors
    /// The card refuses the format.
    fn configure(&mut self, rate: u32, channels: u16) -> Result<(), String>;
    /// Queues interleaved samples without blocking; returns the sample frames taken.
    fn write(&mut self, samples: &[i16]) -> usize;
    /// Sample frames queued and not yet heard.
    fn queued(&mut self) -> u64;
    /// Pauses (`true`) or resumes the card, keeping its queue.
    fn pause(&mut self, paused: bool);
    /// Discards the queue (a seek or a flush).
    fn discard(&mut self);
    /// How far ahead of the clock audio is released, µs.
    fn lead_us(&self) -> i64 {
        100_000
    }
}

/// The port's bookkeeping of its card.
pub(crate) struct SpeakerLink {
    pub(crate) card: Box<dyn Speaker>,
    format: Option<(u32, u16)>,
    /// Sample frames written since the last discard.
    written: u64,
    /// Of those, the frames the clock has already advanced over.
    heard: u64,
    /// Sub-microsecond remainder of the clock's advance (frames × 10^6 mod rate).
    carry: u64,
    /// Whether the format failed (the card is then left alone).
    failed: bool,
}

impl SpeakerLink {
    pub(crate) fn new(card: Box<dyn Speaker>) -> Self {
        Self {
            card,
            format: None,
            written: 0,
            heard: 0,
            carry: 0,
            failed: false,
        }
    }

    /// Plays released samples (`channels` interleaved at `rate`).
    pub(crate) fn play(&mut self, rate: u32, channels: u16, samples: &[i16]) {
        if self.failed || channels == 0 {
            return;
        }
        if self.format != Some((rate, channels)) {
            if self.card.configure(rate, channels).is_err() {
                self.failed = true;
                return;
            }
            self.format = Some((rate, channels));
            self.written = 0;
            self.heard = 0;
            self.carry = 0;
        }
        let frames = self.card.write(samples);
        self.written = self.written.saturating_add(frames as u64);
    }

    /// Microseconds of audio the card consumed since the last call.
    pub(crate) fn consumed_us(&mut self) -> i64 {
        let Some((rate, _)) = self.format.filter(|_| !self.failed) else {
            return 0;
        };
        let queued = self.card.queued().min(self.written);
        let consumed = self.written - queued;
        let new = consumed.saturating_sub(self.heard);
        self.heard = self.heard.max(consumed);
        let total = u128::from(new) * 1_000_000 + u128::from(self.carry);
        let rate = u128::from(rate.max(1));
        self.carry = u64::try_from(total % rate).unwrap_or(0);
        i64::try_from(total / rate).unwrap_or(i64::MAX)
    }

    /// Whether the card is playing (configured and working).
    pub(crate) fn active(&self) -> bool {
        self.format.is_some() && !self.failed
    }

    pub(crate) fn discard(&mut self) {
        self.card.discard();
        self.written = 0;
        self.heard = 0;
        self.carry = 0;
    }
}

impl core::fmt::Debug for SpeakerLink {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SpeakerLink")
            .field("format", &self.format)
            .field("written", &self.written)
            .field("heard", &self.heard)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "audio-out")]
pub use alsa_out::AlsaSpeaker;

#[cfg(feature = "audio-out")]
mod alsa_out {
    use alsa::pcm::{Access, Format, HwParams, State, PCM};
    use alsa::{Direction, ValueOr};

    use super::Speaker;

    /// Buffer the card holds, µs: room for the lead and the ticks' jitter.
    const BUFFER_US: u32 = 500_000;
    /// One period, µs.
    const PERIOD_US: u32 = 20_000;

    /// An ALSA playback device (`default`, `hw:0`, `plughw:1,0`, ...), non-blocking.
    pub struct AlsaSpeaker {
        name: String,
        pcm: Option<PCM>,
        channels: u16,
    }

    impl AlsaSpeaker {
        /// Opens the device `name` (its format is set by [`Speaker::configure`]).
        ///
        /// # Errors
        /// There is no such device, or it is busy.
        pub fn open(name: &str) -> Result<Self, String> {
            // alsa-lib prints its diagnostics on stderr; this thread's go to a
            // buffer instead, and the last one into our error.
            let messages = alsa::Output::local_error_handler().ok();
            // Opening now tells the user at once when there is no card.
            let pcm = PCM::new(name, Direction::Playback, true).map_err(|e| {
                let detail = messages
                    .map(|m| m.borrow().to_string())
                    .and_then(|m| m.lines().last().map(str::to_owned))
                    .map_or(String::new(), |l| format!(" ({})", l.trim()));
                format!("ALSA device {name}: {e}{detail}")
            })?;
            Ok(Self {
                name: name.into(),
                pcm: Some(pcm),
                channels: 2,
            })
        }

        fn pcm(&mut self) -> Option<&PCM> {
            self.pcm.as_ref()
        }
    }

    impl Speaker for AlsaSpeaker {
        fn configure(&mut self, rate: u32, channels: u16) -> Result<(), String> {
            if self.pcm.is_none() {
                self.pcm = Some(
                    PCM::new(&self.name, Direction::Playback, true)
                        .map_err(|e| format!("ALSA device {}: {e}", self.name))?,
                );
            }
            let name = self.name.clone();
            let pcm = self.pcm().ok_or("no ALSA device")?;
            let fail = |what: &str, e: alsa::Error| format!("ALSA device {name}: {what}: {e}");
            {
                let hw = HwParams::any(pcm).map_err(|e| fail("parameters", e))?;
                hw.set_access(Access::RWInterleaved)
                    .map_err(|e| fail("access", e))?;
                hw.set_format(Format::s16())
                    .map_err(|e| fail("format", e))?;
                hw.set_channels(u32::from(channels))
                    .map_err(|e| fail("channels", e))?;
                hw.set_rate(rate, ValueOr::Nearest)
                    .map_err(|e| fail("rate", e))?;
                hw.set_buffer_time_near(BUFFER_US, ValueOr::Nearest)
                    .map_err(|e| fail("buffer", e))?;
                hw.set_period_time_near(PERIOD_US, ValueOr::Nearest)
                    .map_err(|e| fail("period", e))?;
                pcm.hw_params(&hw).map_err(|e| fail("hw_params", e))?;
            }
            {
                // Start as soon as a period is queued.
                let sw = pcm.sw_params_current().map_err(|e| fail("sw", e))?;
                let period = pcm
                    .hw_params_current()
                    .and_then(|h| h.get_period_size())
                    .map_err(|e| fail("period size", e))?;
                sw.set_start_threshold(period)
                    .map_err(|e| fail("start threshold", e))?;
                pcm.sw_params(&sw).map_err(|e| fail("sw_params", e))?;
            }
            self.channels = channels.max(1);
            Ok(())
        }

        fn write(&mut self, samples: &[i16]) -> usize {
            let channels = usize::from(self.channels);
            let Some(pcm) = self.pcm() else { return 0 };
            let Ok(io) = pcm.io_i16() else { return 0 };
            let mut done = 0usize;
            let frames = samples.len() / channels;
            for _ in 0..4 {
                let Some(rest) = samples.get(done * channels..frames * channels) else {
                    break;
                };
                if rest.is_empty() {
                    break;
                }
                match io.writei(rest) {
                    Ok(n) => done += n,
                    // Underrun (the card ran dry) or suspended: recover and retry.
                    Err(e) => {
                        if pcm.try_recover(e, true).is_err() {
                            break;
                        }
                    }
                }
            }
            done
        }

        fn queued(&mut self) -> u64 {
            let Some(pcm) = self.pcm() else { return 0 };
            if matches!(pcm.state(), State::XRun | State::Setup | State::Prepared) {
                // Not running: what was written and not started is all queued,
                // except after an underrun, where nothing is.
                if pcm.state() == State::XRun {
                    return 0;
                }
            }
            pcm.delay().map_or(0, |d| u64::try_from(d).unwrap_or(0))
        }

        fn pause(&mut self, paused: bool) {
            let Some(pcm) = self.pcm() else { return };
            let running = pcm.state() == State::Running;
            let is_paused = pcm.state() == State::Paused;
            if (paused && running) || (!paused && is_paused) {
                let can = pcm.hw_params_current().is_ok_and(|h| h.can_pause());
                if can {
                    let _ = pcm.pause(paused);
                }
            }
        }

        fn discard(&mut self) {
            if let Some(pcm) = self.pcm() {
                let _ = pcm.drop();
                let _ = pcm.prepare();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    /// A card whose queue the test sets.
    struct Fixed {
        queued: Rc<Cell<u64>>,
        refuse: bool,
    }

    impl Speaker for Fixed {
        fn configure(&mut self, _: u32, _: u16) -> Result<(), String> {
            if self.refuse {
                Err("no".into())
            } else {
                Ok(())
            }
        }
        fn write(&mut self, samples: &[i16]) -> usize {
            samples.len() / 2
        }
        fn queued(&mut self) -> u64 {
            self.queued.get()
        }
        fn pause(&mut self, _: bool) {}
        fn discard(&mut self) {
            self.queued.set(0);
        }
    }

    fn link(refuse: bool) -> (SpeakerLink, Rc<Cell<u64>>) {
        let queued = Rc::new(Cell::new(0));
        let card = Fixed {
            queued: Rc::clone(&queued),
            refuse,
        };
        (SpeakerLink::new(Box::new(card)), queued)
    }

    #[test]
    fn the_clock_advances_by_what_the_card_played_with_no_rounding_drift() {
        let (mut link, queued) = link(false);
        assert_eq!(link.consumed_us(), 0, "nothing before the first write");
        // 44.1 kHz: one frame is 22.67 µs; 441 frames written, all queued.
        link.play(44_100, 2, &[0i16; 882]);
        queued.set(441);
        assert_eq!(link.consumed_us(), 0);
        // The card plays one frame at a time: the remainders add up exactly.
        let mut total = 0;
        for left in (0..441).rev() {
            queued.set(left);
            total += link.consumed_us();
        }
        assert_eq!(total, 10_000, "441 frames at 44.1 kHz are 10 ms");
        // A queue that grows back (a glitch) never moves the clock backwards.
        queued.set(100);
        assert_eq!(link.consumed_us(), 0);
        // A discard starts counting afresh.
        link.discard();
        link.play(44_100, 2, &[0i16; 882]);
        queued.set(0);
        assert_eq!(link.consumed_us(), 10_000);
    }

    #[test]
    fn a_card_that_refuses_the_format_is_left_alone() {
        let (mut link, _) = link(true);
        link.play(48_000, 2, &[0i16; 960]);
        assert!(!link.active());
        assert_eq!(link.consumed_us(), 0);
    }
}
