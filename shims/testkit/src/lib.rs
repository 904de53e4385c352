//! # wasp-testkit: a deterministic device for tests
//!
//! [`TestPort`] implements [`wasp_core::Port`] entirely in memory:
//!
//! * a **virtual clock** that starts at 2^32 µs (so 32-bit time bugs show at once) and
//!   moves only when the test says ([`TestPort::advance`]);
//! * a **network** ([`net`]): resources served from memory, delivered at a scripted
//!   bandwidth after a scripted latency, with faults (HTTP errors, truncation, a slow
//!   first byte, outages);
//! * **decoders** ([`decoder`]): queues with byte budgets that "decode" one access unit
//!   per frame interval of the virtual clock and keep every unit they received, so a
//!   test can check exactly what reached the device;
//! * a recorded **graphics plane**, **key-value store**, **media clock**, **events**,
//!   logs, states and reports;
//! * a seeded random source;
//! * [`wasm`]: hand-written WAT test modules with a valid `wasp.abi` section.
//!
//! Every call the runtime makes is also appended to [`TestPort::trace`] as one line, so
//! two runs of a scenario can be compared exactly.
#![forbid(unsafe_code)]
// Test infrastructure on std: its indices are its own, never guest input.
#![allow(clippy::indexing_slicing)]

pub mod decoder;
pub mod net;
mod port;
pub mod wasm;

pub use port::{Frame, ImageRecord, TestPort, START_US};
