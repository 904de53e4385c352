//! Firmware for ST's NUCLEO-H7A3ZI-Q (STM32H7A3ZIT6Q: Cortex-M7, 2 MiB of flash,
//! 1 MiB of AXI SRAM): `wasp-core` runs the audio module through
//! `wasp_shim_mcu::port::McuPort` on the board's real parts (an ST7789 panel on SPI1, a
//! VS1053 breakout on SPI3, three buttons), with the station's stream embedded in
//! flash, a boot counter in the key-value store on the chip's flash, defmt over RTT,
//! and HardFault and panic handlers that log and reset (README.md: wiring, running).
//!
//! `cargo run --release` in this folder flashes and runs it with probe-rs; the CI
//! builds it (`cargo xtask board`, `cargo xtask size`). On a host the crate builds to a
//! stub; the board-independent pieces (`board`, `files`) build and are tested on the
//! host too.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(any(test, target_os = "none"))]
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
mod board;
#[cfg(any(test, target_os = "none"))]
mod files;

// The mps2 boards' SysTick clock and painted-stack measure, and the minimal
// firmware's counting heap and stack report: the same here.
#[cfg(target_os = "none")]
#[path = "../../mcu-mps2-an386/src/clock.rs"]
mod clock;
#[cfg(target_os = "none")]
#[allow(dead_code)]
#[path = "../../mcu-minimal/src/heap.rs"]
mod heap;
#[cfg(target_os = "none")]
#[path = "../../mcu-minimal/src/painted.rs"]
mod painted;
#[cfg(target_os = "none")]
#[allow(dead_code)]
#[path = "../../mcu-mps2-an386/src/stack.rs"]
mod stack;

#[cfg(target_os = "none")]
mod firmware;
#[cfg(target_os = "none")]
mod port;

/// Host builds: nothing to run (the firmware is for `thumbv7em-none-eabihf`).
#[cfg(not(target_os = "none"))]
fn main() {}
