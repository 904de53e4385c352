//! How the firmware ends: semihosting `SYS_EXIT` with the verdict under QEMU (or a
//! debugger), a reset otherwise; a HardFault or a panic is logged and ends the run
//! with failure.

use cortex_m_rt::{exception, ExceptionFrame};

/// Ends the run (semihosting `SYS_EXIT`) with success or failure; on hardware,
/// without a debugger to take the exit, resets.
pub fn exit(success: bool) -> ! {
    use cortex_m_semihosting::debug;
    debug::exit(if success {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    cortex_m::peripheral::SCB::sys_reset()
}

#[exception]
#[allow(unsafe_code)]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    defmt::error!(
        "HardFault at pc {=u32:#010x}, lr {=u32:#010x}",
        frame.pc(),
        frame.lr()
    );
    exit(false)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // No message: formatting `PanicInfo` pulls `core::fmt` and wasmi's Debug code into
    // flash (~110 KB, FINDINGS.md).
    defmt::error!("panic");
    exit(false)
}
