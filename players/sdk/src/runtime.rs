//! What every wasm module needs once (feature `runtime`, wasm32 only): the global
//! allocator and the panic handler.
//!
//! The panic handler logs `panic: <file>:<line>:<column>: <message>` at
//! [`LogLevel::Error`] and traps; the runtime then reports the trap and restarts the
//! module. A panic while panicking traps at once.

use core::fmt::Write;
use core::sync::atomic::{AtomicBool, Ordering};
use wasp_abi::player::LogLevel;

use crate::log::{LineBuffer, MAX_LOG_LINE};

#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

static PANICKING: AtomicBool = AtomicBool::new(false);

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    if !PANICKING.swap(true, Ordering::Relaxed) {
        let mut line = LineBuffer::<MAX_LOG_LINE>::new();
        let _ = line.write_str("panic: ");
        if let Some(at) = info.location() {
            let _ = write!(line, "{}:{}:{}: ", at.file(), at.line(), at.column());
        }
        let _ = write!(line, "{}", info.message());
        let _ = crate::log::log(LogLevel::Error, line.as_str());
    }
    core::arch::wasm32::unreachable()
}
