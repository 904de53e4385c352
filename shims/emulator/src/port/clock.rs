//! Time and the media clock: stepping virtual time from event to event, pumping
//! real time, running the clock (capped by the audio) and settling the decoders.

use std::time::Duration;

use wasp_core::abi::event::{DecoderEvent, DecoderEventKind};
use wasp_core::abi::media::TrackKind;
use wasp_core::HostEvent;

use super::{EmulatorPort, Presented};
use crate::decoder::ClockView;
use crate::speaker::SpeakerLink;

impl EmulatorPort {
    /// Lets `us` of device time pass: in virtual time, from event to event; in real
    /// time, by sleeping, then [`EmulatorPort::pump`].
    pub fn advance(&mut self, us: i64) {
        if self.origin.is_some() {
            std::thread::sleep(Duration::from_micros(u64::try_from(us).unwrap_or(0)));
            self.pump();
            return;
        }
        let target = self.now.saturating_add(us.max(0));
        self.settle();
        while self.now < target {
            let next = self.next_event_us().min(target);
            self.run_clock(next - self.now);
            self.now = next;
            self.net.advance_to(next);
            self.settle();
        }
    }

    /// Moves virtual time to `at_us` (nothing when it is not in the future).
    pub fn advance_to(&mut self, at_us: i64) {
        self.advance(at_us.saturating_sub(self.now));
    }

    /// Real time: brings the clock, decoders, presentations and fetches to the OS's
    /// time now (virtual time: settles at the current time).
    pub fn pump(&mut self) {
        self.settle();
        if let Some(now) = self.os_now() {
            // With a sound card playing the audio, the clock is what it has played.
            let heard = self
                .speaker
                .as_mut()
                .filter(|s| s.active())
                .map(SpeakerLink::consumed_us);
            // An audio decoder still playing (the one `audio_cap` follows).
            let audio = self.audio_cap().is_some();
            if now > self.now {
                match heard {
                    Some(us) if audio => self.move_clock(us),
                    _ => self.run_clock(now - self.now),
                }
                self.now = now;
            }
            self.settle();
        }
    }

    /// How far ahead of the clock audio is released: the sound card's lead while
    /// the clock runs in real time with a card, 0 otherwise.
    fn audio_lead_us(&self) -> i64 {
        if self.clock.running == 0 {
            return 0;
        }
        self.speaker.as_ref().map_or(0, |s| s.card.lead_us().max(0))
    }

    /// The earliest virtual time after now at which anything changes on its own (a
    /// network event, a decode completing, a pts reached, the audio running out);
    /// `i64::MAX` when nothing is pending.
    pub fn next_event_us(&self) -> i64 {
        let mut next = self.net.next_event_us();
        let running = self.clock.running != 0 && self.clock.rate_milli > 0;
        for d in self.decoders.values() {
            let (decode, next_pts, held_end) = d.next_event(self.now);
            next = next.min(decode);
            if running {
                for at in [next_pts, held_end].into_iter().flatten() {
                    if let Some(t) = self.when_position(at) {
                        next = next.min(t);
                    }
                }
            }
        }
        next
    }

    fn when_position(&self, target: i64) -> Option<i64> {
        let rate = i128::from(self.clock.rate_milli);
        let ahead = i128::from(target) - i128::from(self.clock.position_us);
        if ahead <= 0 || rate == 0 {
            return None;
        }
        let need = ahead * 1000 - i128::from(self.clock_carry);
        let dt = ((need + rate - 1) / rate).max(1);
        i64::try_from(i128::from(self.now) + dt).ok()
    }

    /// Where the audio lets the clock go: the end of the decoded audio of every
    /// audio decoder that has not ended (`None`: no such decoder).
    fn audio_cap(&self) -> Option<i64> {
        self.decoders
            .values()
            .filter(|d| d.kind() == TrackKind::Audio && !d.at_end())
            .map(|d| d.audio_horizon().unwrap_or(i64::MIN))
            .min()
    }

    fn run_clock(&mut self, dt: i64) {
        if self.clock.running == 0 || dt <= 0 {
            return;
        }
        let total =
            i128::from(self.clock_carry) + i128::from(dt) * i128::from(self.clock.rate_milli);
        let step = i64::try_from(total / 1000).unwrap_or(i64::MAX);
        self.clock_carry = (total % 1000) as i64;
        self.move_clock(step);
    }

    /// Moves the running clock `step` µs of media time, no further than the audio.
    fn move_clock(&mut self, step: i64) {
        if self.clock.running == 0 || step <= 0 {
            return;
        }
        let mut position = self.clock.position_us.saturating_add(step);
        if let Some(cap) = self.audio_cap() {
            if position >= cap {
                // The audio ran out: the clock is where the last sample ends.
                position = cap.max(self.clock.position_us);
                self.clock_carry = 0;
            }
        }
        self.clock.position_us = position;
    }

    pub(super) fn settle(&mut self) {
        self.settle_media();
        self.settle_fetches();
    }

    pub(super) fn settle_media(&mut self) {
        let channels = u16::try_from(self.profile.audio_channels).unwrap_or(2);
        for _ in 0..4 {
            let lead = self.audio_lead_us();
            let view = ClockView {
                position: self.clock.position_us,
                running: self.clock.running != 0,
                rate_milli: self.clock.rate_milli,
                audio_lead_us: lead,
            };
            let audio = &mut self.audio;
            let speaker = &mut self.speaker;
            for (id, d) in &mut self.decoders {
                let mut shown = Vec::new();
                let kind = d.kind();
                // Audio released ahead is heard that much later.
                let heard_in = if kind == TrackKind::Audio { lead } else { 0 };
                if d.settle(self.now, view, &mut shown, &mut |rate, s| {
                    audio.play(rate, s);
                    if let Some(speaker) = speaker.as_mut() {
                        speaker.play(rate, channels, s);
                    }
                }) {
                    self.events.push_back(HostEvent::Decoder(DecoderEvent {
                        handle: *id,
                        what: DecoderEventKind::Drained,
                    }));
                }
                self.presented_total += shown.len() as u64;
                for s in shown {
                    self.presented.push(Presented {
                        at_us: self.now.saturating_add(heard_in),
                        decoder: *id,
                        pts_us: s.pts_us,
                        position_us: view.position,
                        kind,
                    });
                }
            }
            if self.presented.len() / 2 > self.presented_keep {
                // Amortised: drop the oldest half at once.
                let excess = self.presented.len() - self.presented_keep;
                self.presented.drain(..excess);
            }
            let position = self.clock.position_us;
            let was = self.clock.running != 0;
            let fed = self.decoders.values().all(|d| !d.starved(position));
            let ready = was || self.decoders.values().all(|d| d.ready(position));
            let running = self.clock.rate_milli > 0 && self.position_set && fed && ready;
            self.clock.running = u32::from(running);
            if was && !running && !fed {
                for (id, d) in &self.decoders {
                    if d.starved(position) {
                        self.events.push_back(HostEvent::Decoder(DecoderEvent {
                            handle: *id,
                            what: DecoderEventKind::Underflow,
                        }));
                    }
                }
            }
            if running == was {
                break;
            }
        }
    }
}
