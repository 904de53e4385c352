//! GPIO buttons as remote-control keys, debounced in time.
//!
//! A mechanical contact bounces for a few milliseconds after it closes or opens. A
//! button's new level is accepted only once every sample for [`Buttons::debounce_us`]
//! has read it; the key event carries the time of the first such sample, so a press
//! is timed from when the contact settled, not from when the debounce window ended.

use embedded_hal::digital::InputPin;
use wasp_abi::event::KeyEvent;
use wasp_abi::key::{Key, KeyAction};

/// Debounce window that suits common tactile switches (their datasheets give 5 ms of
/// bounce at most; twice that is a common margin).
pub const DEFAULT_DEBOUNCE_US: i64 = 10_000;

/// How a button's pin reads when the button is pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Active {
    /// Pressed pulls the pin low (a switch to ground with a pull-up).
    Low,
    /// Pressed pulls the pin high.
    High,
}

/// One button: its pin, the key it stands for and its debounce state.
#[derive(Debug)]
pub struct Button<P> {
    pin: P,
    key: Key,
    active: Active,
    /// The accepted state.
    pressed: bool,
    /// The state the samples read now, and since when.
    candidate: bool,
    since_us: i64,
}

impl<P: InputPin> Button<P> {
    /// A released button on `pin` that stands for `key`.
    pub fn new(pin: P, key: Key, active: Active) -> Self {
        Self {
            pin,
            key,
            active,
            pressed: false,
            candidate: false,
            since_us: 0,
        }
    }

    /// Whether the button is pressed, as debounced.
    pub fn is_pressed(&self) -> bool {
        self.pressed
    }

    /// Gives the pin back.
    pub fn release(self) -> P {
        self.pin
    }

    fn sample(&mut self, now_us: i64, debounce_us: i64) -> Result<Option<KeyEvent>, P::Error> {
        let level_high = self.pin.is_high()?;
        let pressed = level_high == (self.active == Active::High);
        if pressed != self.candidate {
            self.candidate = pressed;
            self.since_us = now_us;
        }
        if self.candidate == self.pressed || now_us.saturating_sub(self.since_us) < debounce_us {
            return Ok(None);
        }
        self.pressed = self.candidate;
        Ok(Some(KeyEvent {
            time_us: self.since_us,
            key: self.key,
            action: if self.pressed {
                KeyAction::Down
            } else {
                KeyAction::Up
            },
        }))
    }
}

/// A set of buttons sampled together. They share one pin type: HALs whose pins are
/// types of their own per pin offer a type-erased pin for this (`AnyPin`, `ErasedPin`).
#[derive(Debug)]
pub struct Buttons<P, const N: usize> {
    buttons: [Button<P>; N],
    /// How long a new level must hold before it is accepted, µs.
    pub debounce_us: i64,
}

impl<P: InputPin, const N: usize> Buttons<P, N> {
    /// Buttons with the [`DEFAULT_DEBOUNCE_US`] window.
    pub fn new(buttons: [Button<P>; N]) -> Self {
        Self {
            buttons,
            debounce_us: DEFAULT_DEBOUNCE_US,
        }
    }

    /// The buttons, in the order given.
    pub fn buttons(&self) -> &[Button<P>; N] {
        &self.buttons
    }

    /// Samples every button at port time `now_us` and hands each accepted change to
    /// `emit` as a key event (`Down` on press, `Up` on release). Call it at least
    /// a few times per debounce window (from a timer or the tick loop).
    ///
    /// # Errors
    /// The first pin read that fails; the buttons after it are not sampled this time.
    pub fn poll(&mut self, now_us: i64, mut emit: impl FnMut(KeyEvent)) -> Result<(), P::Error> {
        for button in &mut self.buttons {
            if let Some(event) = button.sample(now_us, self.debounce_us)? {
                emit(event);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use embedded_hal_mock::eh1::digital::{Mock, State, Transaction};
    use std::vec::Vec;

    /// Polls one active-low button with the given pin levels at the given times and
    /// returns the events.
    fn run(samples: &[(i64, State)]) -> Vec<KeyEvent> {
        let expectations: Vec<Transaction> =
            samples.iter().map(|&(_, s)| Transaction::get(s)).collect();
        let pin = Mock::new(&expectations);
        let mut buttons = Buttons::new([Button::new(pin, Key::Ok, Active::Low)]);
        let mut events = Vec::new();
        for &(t, _) in samples {
            assert!(buttons.poll(t, |e| events.push(e)).is_ok());
        }
        let [button] = buttons.buttons;
        button.release().done();
        events
    }

    fn event(time_us: i64, action: KeyAction) -> KeyEvent {
        KeyEvent {
            time_us,
            key: Key::Ok,
            action,
        }
    }

    #[test]
    fn a_press_held_for_the_window_is_one_down_timed_at_its_first_sample() {
        use State::{High, Low};
        let events = run(&[
            (0, High),
            (1_000, Low),
            (6_000, Low),
            (11_000, Low),
            (20_000, Low),
        ]);
        assert_eq!(events, [event(1_000, KeyAction::Down)]);
    }

    #[test]
    fn bounces_shorter_than_the_window_are_ignored() {
        use State::{High, Low};
        let events = run(&[
            (0, Low),
            (2_000, High),
            (4_000, Low),
            (6_000, High),
            (8_000, Low),
            (17_000, Low),
        ]);
        // Accepted only after the last bounce settled for 10 ms (8 ms + 10 ms > 17 ms).
        assert!(events.is_empty());
        let events = run(&[(0, Low), (2_000, High), (4_000, Low), (14_000, Low)]);
        assert_eq!(events, [event(4_000, KeyAction::Down)]);
    }

    #[test]
    fn a_release_is_debounced_like_a_press() {
        use State::{High, Low};
        let events = run(&[
            (0, Low),
            (10_000, Low),
            (30_000, High),
            (32_000, Low),
            (34_000, High),
            (43_000, High),
            (44_000, High),
        ]);
        assert_eq!(
            events,
            [event(0, KeyAction::Down), event(34_000, KeyAction::Up)]
        );
    }

    #[test]
    fn an_active_high_button_is_pressed_when_the_pin_is_high() {
        let pin = Mock::new(&[Transaction::get(State::High), Transaction::get(State::High)]);
        let mut buttons = Buttons::new([Button::new(pin, Key::Left, Active::High)]);
        let mut events = Vec::new();
        assert!(buttons.poll(0, |e| events.push(e)).is_ok());
        assert!(buttons
            .poll(DEFAULT_DEBOUNCE_US, |e| events.push(e))
            .is_ok());
        assert!(buttons.buttons()[0].is_pressed());
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].key, Key::Left);
        let [button] = buttons.buttons;
        button.release().done();
    }
}
