//! Microseconds from SysTick: an interrupt counts whole periods, and the down-counter
//! gives the part of the current period that has elapsed (ARMv7-M ARM, B3.3 "The
//! system timer, SysTick": the counter counts down from RVR to 0, then reloads).

use crate::board::{CORE_CLOCK_HZ, SYSTICK_PERIOD_US};

/// Core clock cycles per SysTick period.
pub const CYCLES_PER_PERIOD: u32 = CORE_CLOCK_HZ / 1_000_000 * SYSTICK_PERIOD_US;

/// The value for SysTick's reload register (RVR): the counter wraps every
/// `RVR + 1` cycles.
pub const RELOAD: u32 = CYCLES_PER_PERIOD - 1;

/// Microseconds since SysTick started, from the number of completed periods and the
/// counter's current value (CVR, counting down from [`RELOAD`]).
pub fn micros(periods: u32, current: u32) -> u64 {
    let elapsed_cycles = RELOAD.saturating_sub(current.min(RELOAD));
    u64::from(periods) * u64::from(SYSTICK_PERIOD_US)
        + u64::from(elapsed_cycles / (CORE_CLOCK_HZ / 1_000_000))
}

/// The running clock on the target: SysTick's interrupt counts periods.
#[cfg(target_os = "none")]
mod systick {
    use core::sync::atomic::{AtomicU32, Ordering};

    use cortex_m::peripheral::syst::SystClkSource;
    use cortex_m::peripheral::SYST;
    use cortex_m_rt::exception;

    use super::{micros, RELOAD};

    /// Completed SysTick periods.
    static PERIODS: AtomicU32 = AtomicU32::new(0);

    #[exception]
    fn SysTick() {
        PERIODS.fetch_add(1, Ordering::Relaxed);
    }

    /// Starts SysTick on the core clock, interrupting every period.
    pub fn start(syst: &mut SYST) {
        syst.set_clock_source(SystClkSource::Core);
        syst.set_reload(RELOAD);
        syst.clear_current();
        syst.enable_interrupt();
        syst.enable_counter();
    }

    /// Microseconds since the clock started. Reads the period count on both sides of
    /// the counter so a wrap between the reads is not lost.
    pub fn uptime_us() -> u64 {
        loop {
            let before = PERIODS.load(Ordering::Relaxed);
            let current = SYST::get_current();
            if PERIODS.load(Ordering::Relaxed) == before {
                return micros(before, current);
            }
        }
    }

    defmt::timestamp!("{=u64:us}", uptime_us());
}

#[cfg(target_os = "none")]
pub use systick::{start, uptime_us};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reload_makes_one_period_per_millisecond_at_25_mhz() {
        assert_eq!(RELOAD, 24_999);
    }

    #[test]
    fn a_fresh_period_adds_nothing() {
        assert_eq!(micros(3, RELOAD), 3_000);
    }

    #[test]
    fn the_counter_counts_down_through_the_period() {
        // 12,500 cycles of 25 MHz elapsed: half a millisecond.
        assert_eq!(micros(0, RELOAD - 12_500), 500);
        assert_eq!(micros(7, 0), 7_999);
    }

    #[test]
    fn a_counter_above_reload_is_read_as_a_fresh_period() {
        assert_eq!(micros(1, u32::MAX), 1_000);
    }
}
