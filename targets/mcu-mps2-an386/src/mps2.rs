//! What the QEMU mps2 boards (`mps2-an386`, `mps2-an500`) have in common: the clock
//! and the run every board's firmware makes.

/// Core clock in Hz: SysTick counts it (QEMU's mps2 boards clock the core from the
/// FPGA's 25 MHz SYSCLK; ARM AN386 and AN500, "Clocks").
pub const CORE_CLOCK_HZ: u32 = 25_000_000;

/// SysTick interrupt period in microseconds.
pub const SYSTICK_PERIOD_US: u32 = 1_000;

/// Cap on the module's linear memory: the `hello` module's initial memory (192 KiB,
/// `--initial-memory` in the top-level `.cargo/config.toml`) and no growth (a module
/// that grows past it faults).
pub const GUEST_MEMORY_BYTES: usize = 192 * 1024;

/// How long the firmware runs the module before it reports and exits, µs of uptime.
pub const RUN_US: u64 = 1_200_000;

/// The scripted button presses (see `keys`): Right twice, Left, then Ok, each held
/// 80 ms and bouncing; uptime µs of each press.
pub const PRESS_RIGHT: [u64; 2] = [300_000, 500_000];
/// See [`PRESS_RIGHT`].
pub const PRESS_LEFT: u64 = 700_000;
/// See [`PRESS_RIGHT`].
pub const PRESS_OK: u64 = 900_000;
/// How long each scripted press is held, µs.
pub const HOLD_US: u64 = 80_000;

/// Port time the firmware starts at: a few seconds, not zero, so the module sees an
/// ordinary monotonic clock (µs).
pub const EPOCH_US: i64 = 1 << 32;
