//! Scripted buttons: QEMU's mps2 boards have no buttons to press, so each button's pin
//! is a level that follows a script of edges in time, contact bounce included. The
//! firmware reads them through `wasp-shim-mcu`'s debouncer exactly as it would read
//! GPIO pins on hardware.

use core::convert::Infallible;
use embedded_hal::digital::{ErrorType, InputPin};

/// A pin whose level follows `edges`: (uptime µs, high) pairs in time order, high
/// before the first one.
pub struct ScriptedPin {
    edges: &'static [(u64, bool)],
    clock: fn() -> u64,
}

impl ScriptedPin {
    /// A pin following `edges`, read against `clock` (uptime in µs).
    pub const fn new(edges: &'static [(u64, bool)], clock: fn() -> u64) -> Self {
        Self { edges, clock }
    }
}

impl ErrorType for ScriptedPin {
    type Error = Infallible;
}

impl InputPin for ScriptedPin {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        let now = (self.clock)();
        Ok(self
            .edges
            .iter()
            .take_while(|(at, _)| *at <= now)
            .last()
            .is_none_or(|&(_, high)| high))
    }

    fn is_low(&mut self) -> Result<bool, Infallible> {
        self.is_high().map(|high| !high)
    }
}

/// A press of an active-low button from `at` for `hold` µs, with the contact
/// bouncing twice on closing and once on opening (a 2 ms and a 1 ms burst).
pub const fn bouncy_press(at: u64, hold: u64) -> [(u64, bool); 6] {
    [
        (at, false),
        (at + 700, true),
        (at + 1_400, false),
        (at + hold, true),
        (at + hold + 500, false),
        (at + hold + 1_000, true),
    ]
}

/// Two [`bouncy_press`]es of one button, at `at[0]` and `at[1]`.
pub const fn two_presses(at: [u64; 2], hold: u64) -> [(u64, bool); 12] {
    let [a0, a1, a2, a3, a4, a5] = bouncy_press(at[0], hold);
    let [b0, b1, b2, b3, b4, b5] = bouncy_press(at[1], hold);
    [a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5]
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::sync::atomic::{AtomicU64, Ordering};

    static PRESSES: [(u64, bool); 12] = two_presses([1_000, 100_000], 50_000);
    static NOW: AtomicU64 = AtomicU64::new(0);

    fn clock() -> u64 {
        NOW.load(Ordering::Relaxed)
    }

    #[test]
    fn the_pin_follows_its_edges_and_is_high_before_them() {
        let mut pin = ScriptedPin::new(&PRESSES, clock);
        let times = [
            0, 1_000, 1_700, 2_400, 51_000, 51_500, 60_000, 100_000, 160_000,
        ];
        let levels = times.map(|t| {
            NOW.store(t, Ordering::Relaxed);
            pin.is_high().unwrap_or_else(|never| match never {})
        });
        assert_eq!(
            levels,
            [true, false, true, false, true, false, true, false, true]
        );
    }
}
