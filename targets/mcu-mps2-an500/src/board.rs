//! The board profile: every size and rate the firmware is built for, in one place.
//!
//! The RAM budget is that of the part `memory.x` names (1 MiB of SRAM):
//! the heap, the statics and the stack must fit in it together; the stack gets what the
//! heap and the statics leave.

pub use crate::mps2::{
    CORE_CLOCK_HZ, EPOCH_US, GUEST_MEMORY_BYTES, IMAGE_BYTES, INIT_FUEL, RUN_US, STATIONS,
    SYSTICK_PERIOD_US,
};

/// Board name, for the log.
pub const NAME: &str = "mps2-an500";

/// Heap for the runtime: wasmi's engine and translated code, the module's linear
/// memory ([`GUEST_MEMORY_BYTES`]), its value stack and the runtime's tables, the
/// media store, the font atlas and the display's stripes (the audio player's peak
/// is ~720 KiB).
pub const HEAP_BYTES: usize = 896 * 1024;
