//! What the QEMU mps2 boards (`mps2-an386`, `mps2-an500`) have in common: the clock
//! and the run every board's firmware makes.

/// Core clock in Hz: SysTick counts it (QEMU's mps2 boards clock the core from the
/// FPGA's 25 MHz SYSCLK; ARM AN386 and AN500, "Clocks").
pub const CORE_CLOCK_HZ: u32 = 25_000_000;

/// SysTick interrupt period in microseconds.
pub const SYSTICK_PERIOD_US: u32 = 1_000;

/// Cap on the module's linear memory: the audio module's two pages (its initial and
/// maximum memory, `targets/modules`), no growth.
pub const GUEST_MEMORY_BYTES: usize = 128 * 1024;

/// Bytes of images the module may upload: its font atlas (DejaVu Sans 20 px, A8).
pub const IMAGE_BYTES: usize = 48 * 1024;

/// Fuel for the module's `wasp_init`: the audio module unpacks its font atlas
/// there.
pub const INIT_FUEL: u64 = 20_000_000;

/// The module's configuration: one station, the ICY capture of a radio stream read
/// through semihosting (`file:///` is relative to the board folder QEMU runs in; the
/// response headers, `icy-metaint` among them, are the capture's `.headers` sidecar),
/// and 16 KiB of buffered audio (the module's default is 48: one second of a
/// 128 kbit/s stream is enough ahead of the chip, whose own queue holds more).
pub const STATIONS: &str = "station.0.name=Wasp Test Radio\n\
    station.0.url=file:///../../hardware-tests/mcu/radio/tone.mp3.icy\n\
    buffer_kib=16\n";

/// The bound on the run, µs of uptime: the stream is 4 s long; the firmware stops
/// once it has ended and the chip has played it out, and fails at this bound.
pub const RUN_US: u64 = 8_000_000;

/// The scripted button presses (see `keys`): volume up twice, volume down, then
/// mute, each held 400 ms (the loop samples the buttons between ticks, and a frame takes the
/// firmware ~150 ms to render and send) and bouncing; uptime µs of each press.
pub const PRESS_VOLUME_UP: [u64; 2] = [1_500_000, 2_000_000];
/// See [`PRESS_VOLUME_UP`].
pub const PRESS_VOLUME_DOWN: u64 = 2_500_000;
/// See [`PRESS_VOLUME_UP`].
pub const PRESS_MUTE: u64 = 3_000_000;
/// How long each scripted press is held, µs.
pub const HOLD_US: u64 = 400_000;

/// Port time the firmware starts at: a few seconds, not zero, so the module sees an
/// ordinary monotonic clock (µs).
pub const EPOCH_US: i64 = 1 << 32;
