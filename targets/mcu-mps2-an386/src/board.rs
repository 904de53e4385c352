//! The board profile: every size and rate the firmware is built for, in one place.
//!
//! The RAM budget is that of the part `memory.x` names (STM32L4R5ZI: 640 KiB of SRAM):
//! the heap, the statics and the stack must fit in it together; the stack gets what the
//! heap and the statics leave.

/// Board name, for the log.
pub const NAME: &str = "mps2-an386";

/// Heap for the runtime: wasmi's engine and translated code, the module's linear
/// memory (the `hello` module starts with 192 KiB, `--initial-memory` in
/// `.cargo/config.toml` at the top), its value stack and the runtime's tables.
pub const HEAP_BYTES: usize = 448 * 1024;

/// Cap on the module's linear memory: the `hello` module's initial memory and no
/// growth (a module that grows past it faults).
pub const GUEST_MEMORY_BYTES: usize = 192 * 1024;

/// Core clock in Hz: SysTick counts it (mps2 boards run the core at 25 MHz, the FPGA's
/// SYSCLK; ARM AN386, "Clocks").
pub const CORE_CLOCK_HZ: u32 = 25_000_000;

/// SysTick interrupt period in microseconds.
pub const SYSTICK_PERIOD_US: u32 = 1_000;

/// Ticks of the module the firmware runs before it reports and exits.
pub const TICKS: u32 = 12;

/// Port time the firmware starts at: a few seconds, not zero, so the module sees an
/// ordinary monotonic clock (µs).
pub const EPOCH_US: i64 = 1 << 32;
