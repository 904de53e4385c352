//! The reference for the firmware size report: validating wasmi alone, built exactly
//! as the boards build it (wasmi 2.0 with `validate` and `portable-dispatch`, no
//! default features; defmt over semihosting, cortex-m-rt, embedded-alloc; the boards'
//! release profile), loading and running one small module (`src/module.wat`,
//! encoded in `src/module.rs`) with a host function, and no wasp crate at all.
//!
//! `cargo xtask size` builds it next to each board and reports what the boards add over
//! it (docs/perf.md). `cargo run --release` in this folder boots it in QEMU's
//! mps2-an386: it logs the module's result and exits with success when the result is
//! the one computed natively. On a host the crate builds to a stub.
#![cfg_attr(target_os = "none", no_std, no_main)]

// The QEMU exit and the fault handlers of the minimal firmware, the same here.
#[cfg(target_os = "none")]
#[path = "../../../../targets/mcu-minimal/src/exit.rs"]
mod exit;
#[cfg(target_os = "none")]
mod firmware;
#[cfg(any(test, target_os = "none"))]
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
mod fold;
#[cfg(any(test, target_os = "none"))]
mod module;

/// Host builds: nothing to run (the firmware is for `thumbv7em-none-eabihf`).
#[cfg(not(target_os = "none"))]
fn main() {}
