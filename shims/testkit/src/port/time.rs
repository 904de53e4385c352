//! Virtual time: [`TestPort::advance`] steps from event to event, integrating the
//! shared link's bytes and the media clock between them and settling transfers,
//! decoders and the clock at each.

use std::collections::BTreeSet;

use wasp_core::abi::event::{DecoderEvent, DecoderEventKind, FetchEvent};
use wasp_core::{HostEvent, PortId};

use super::{Presented, TestPort};
use crate::decoder::{ClockView, Shown};

impl TestPort {
    /// Moves virtual time forward by `us`: delivers network bytes, decodes, presents
    /// and runs the media clock, stepping from event to event (see
    /// [`TestPort::next_event_us`]), so its cost grows with the number of events, not
    /// with `us`. Each transfer whose state or byte count changed gets one fetch event.
    pub fn advance(&mut self, us: i64) {
        let target = self.now.saturating_add(us.max(0));
        let mut changed = BTreeSet::new();
        self.settle(&mut changed);
        while self.now < target {
            let next = self.next_event_us().min(target);
            self.network.integrate(&mut self.transfers, self.now, next);
            self.run_clock(next - self.now);
            self.now = next;
            self.settle(&mut changed);
        }
        for id in changed {
            if let Some(t) = self.transfers.get(&id) {
                self.events.push_back(HostEvent::Fetch(FetchEvent {
                    handle: id,
                    state: t.state(),
                }));
            }
        }
    }

    /// Moves virtual time to `at_us` (nothing when it is not in the future).
    pub fn advance_to(&mut self, at_us: i64) {
        self.advance(at_us.saturating_sub(self.now));
    }

    /// The earliest virtual time after now at which anything changes on its own: a
    /// first byte, a transfer completing at the current shares, a trace step, an
    /// outage edge, a decode completing, a unit's presentation, the media clock
    /// stalling. `i64::MAX` when nothing is pending. A driver may jump straight there.
    pub fn next_event_us(&self) -> i64 {
        let mut next = self.network.next_event_us(&self.transfers, self.now);
        let rate = i64::from(self.clock.rate_milli);
        let running = self.clock.running != 0 && rate > 0;
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

    /// The device time at which the running clock reaches media position `target`
    /// (strictly after now), if it lies ahead.
    fn when_position(&self, target: i64) -> Option<i64> {
        let rate = i128::from(self.clock.rate_milli);
        let ahead = i128::from(target) - i128::from(self.clock.position_us);
        if ahead <= 0 || rate == 0 {
            return None;
        }
        // position + floor((carry + dt · rate) / 1000) >= target.
        let need = ahead * 1000 - i128::from(self.clock_carry);
        let dt = ((need + rate - 1) / rate).max(1);
        i64::try_from(i128::from(self.now) + dt).ok()
    }

    /// Advances the media position over `dt` µs of device time, carrying fractions.
    fn run_clock(&mut self, dt: i64) {
        if self.clock.running == 0 || dt <= 0 {
            return;
        }
        let total =
            i128::from(self.clock_carry) + i128::from(dt) * i128::from(self.clock.rate_milli);
        let step = i64::try_from(total / 1000).unwrap_or(i64::MAX);
        self.clock.position_us = self.clock.position_us.saturating_add(step);
        self.clock_carry = (total % 1000) as i64;
    }

    /// Brings everything to the current time: network states, decodes,
    /// presentations, and whether the clock runs.
    fn settle(&mut self, changed: &mut BTreeSet<PortId>) {
        changed.extend(self.network.settle(&mut self.transfers, self.now));
        self.settle_media();
    }

    pub(super) fn settle_media(&mut self) {
        // Presentations can start or stop the clock, which changes what is late, so
        // go round until the clock's state holds (twice at most in practice).
        for _ in 0..4 {
            let view = ClockView {
                position: self.clock.position_us,
                running: self.clock.running != 0,
                rate_milli: self.clock.rate_milli,
            };
            let mut shown = Vec::new();
            for (id, d) in &mut self.decoders {
                let kind = d.kind();
                let start = shown.len();
                if d.settle(self.now, view, &mut shown) {
                    self.events.push_back(HostEvent::Decoder(DecoderEvent {
                        handle: *id,
                        what: DecoderEventKind::Drained,
                    }));
                }
                for s in &shown[start..] {
                    let Shown { pts_us } = *s;
                    self.presented.push_back(Presented {
                        at_us: self.now,
                        decoder: *id,
                        pts_us,
                        kind,
                    });
                    self.presented_total += 1;
                }
            }
            while self.presented.len() > self.presented_keep {
                self.presented.pop_front();
            }
            let position = self.clock.position_us;
            let was = self.clock.running != 0;
            let fed = self.decoders.values().all(|d| !d.starved(position));
            let ready = was || self.decoders.values().all(|d| d.ready(position));
            let running = self.clock.rate_milli > 0 && self.position_set && fed && ready;
            self.clock.running = u32::from(running);
            if was && !running && !fed {
                // The clock stalled for want of data: tell the player which decoder ran
                // dry.
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
