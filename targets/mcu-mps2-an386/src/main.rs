//! Firmware for QEMU's `mps2-an386` board (Cortex-M4F): `wasp-core` runs the `hello`
//! module over a small port (SysTick clock, defmt logs, everything else unsupported),
//! presses scripted, bouncing buttons through `wasp-shim-mcu`'s debouncer as remote
//! keys, then reports heap and stack high-water marks and exits QEMU with the verdict.
//!
//! `cargo run --release` in this folder builds it for `thumbv7em-none-eabihf`, boots it
//! in QEMU with a deterministic clock (`-icount`) and decodes its defmt log;
//! `run-qemu.sh` compares that log with `expected.log`. On a host the crate builds to a
//! stub so workspace builds work everywhere; the board-independent pieces (`board`,
//! `clock`, `stack`) build and are tested on the host too.
#![cfg_attr(target_os = "none", no_std, no_main)]

// The board-independent pieces build for the firmware and for the host's tests.
// The profile's sizes are for the firmware; host tests use the clock's rate only.
#[cfg(any(test, target_os = "none"))]
#[cfg_attr(not(target_os = "none"), allow(dead_code, unused_imports))]
mod board;
#[cfg(any(test, target_os = "none"))]
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
mod chip;
#[cfg(any(test, target_os = "none"))]
mod clock;
#[cfg(any(test, target_os = "none"))]
mod keys;
#[cfg(any(test, target_os = "none"))]
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
mod mps2;
#[cfg(any(test, target_os = "none"))]
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
mod panel;
#[cfg(any(test, target_os = "none"))]
mod stack;

// The minimal firmware's counting heap, exit (HardFault and panic handlers) and
// painted-stack report: the same here.
#[cfg(target_os = "none")]
#[path = "../../mcu-minimal/src/exit.rs"]
mod exit;
#[cfg(target_os = "none")]
mod firmware;
#[cfg(target_os = "none")]
#[allow(dead_code)]
#[path = "../../mcu-minimal/src/heap.rs"]
mod heap;
#[cfg(target_os = "none")]
#[path = "../../mcu-minimal/src/painted.rs"]
mod painted;
#[cfg(target_os = "none")]
mod port;
#[cfg(target_os = "none")]
mod trap;

/// Host builds: nothing to run (the firmware is for `thumbv7em-none-eabihf`).
#[cfg(not(target_os = "none"))]
fn main() {}
