//! Firmware for QEMU's `mps2-an500` board (Cortex-M7): the `mps2-an386` firmware
//! (`wasp-core` running the audio module, defmt logs, heap and stack high-water
//! marks, the verdict as QEMU's exit status) with this board's profile and `memory.x`.
//!
//! `cargo run --release` in this folder boots it in QEMU and decodes its log;
//! `run-qemu.sh` compares that log with `expected.log`. On a host the crate builds to a
//! stub.
#![cfg_attr(target_os = "none", no_std, no_main)]

// The profile's sizes are for the firmware; host tests use the clock's rate only.
#[cfg(any(test, target_os = "none"))]
#[cfg_attr(not(target_os = "none"), allow(dead_code, unused_imports))]
mod board;
#[cfg(any(test, target_os = "none"))]
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
#[path = "../../mcu-mps2-an386/src/chip.rs"]
mod chip;
#[cfg(any(test, target_os = "none"))]
#[path = "../../mcu-mps2-an386/src/clock.rs"]
mod clock;
#[cfg(any(test, target_os = "none"))]
#[path = "../../mcu-mps2-an386/src/keys.rs"]
mod keys;
#[cfg(any(test, target_os = "none"))]
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
#[path = "../../mcu-mps2-an386/src/mps2.rs"]
mod mps2;
#[cfg(any(test, target_os = "none"))]
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
#[path = "../../mcu-mps2-an386/src/panel.rs"]
mod panel;
#[cfg(any(test, target_os = "none"))]
#[path = "../../mcu-mps2-an386/src/stack.rs"]
mod stack;

// The minimal firmware's counting heap, exit (HardFault and panic handlers) and
// painted-stack report: the same here.
#[cfg(target_os = "none")]
#[path = "../../mcu-minimal/src/exit.rs"]
mod exit;
#[cfg(target_os = "none")]
#[path = "../../mcu-mps2-an386/src/firmware.rs"]
mod firmware;
#[cfg(target_os = "none")]
#[allow(dead_code)]
#[path = "../../mcu-minimal/src/heap.rs"]
mod heap;
#[cfg(target_os = "none")]
#[path = "../../mcu-minimal/src/painted.rs"]
mod painted;
#[cfg(target_os = "none")]
#[path = "../../mcu-mps2-an386/src/port.rs"]
mod port;
#[cfg(target_os = "none")]
#[path = "../../mcu-mps2-an386/src/trap.rs"]
mod trap;

/// Host builds: nothing to run (the firmware is for `thumbv7em-none-eabihf`).
#[cfg(not(target_os = "none"))]
fn main() {}
