//! The smallest firmware embedding `wasp-core`: a counting heap, a port that keeps
//! time and passes the module's log lines to defmt (nothing else: no fetch, audio or
//! display), the audio module in its two pages of memory, the tick loop. It reports
//! the RAM the module takes through wasp: heap in use after each step and the peak
//! (counting allocator), and the stack's high-water mark (painted stack); with the
//! `ram-steps` feature, also what each step of a load with wasmi alone takes.
//!
//! `cargo run --release` in this folder boots it in QEMU's mps2-an386; `cargo xtask
//! size` builds it as one of the size report's boards (docs/perf.md). On a host it
//! builds to a stub so `cargo build --workspace` works everywhere.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(any(test, target_os = "none"))]
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
mod heap;
#[cfg(any(test, target_os = "none"))]
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
#[path = "../../mcu-mps2-an386/src/stack.rs"]
mod stack;

#[cfg(target_os = "none")]
mod exit;
#[cfg(target_os = "none")]
mod firmware;
#[cfg(target_os = "none")]
mod painted;
#[cfg(all(target_os = "none", feature = "ram-steps"))]
mod steps;

/// Host builds: nothing to run (the firmware is for `thumbv7em-none-eabihf`).
#[cfg(not(target_os = "none"))]
fn main() {}
