//! # wasp-testkit: a deterministic device for tests
//!
//! [`TestPort`] implements [`wasp_core::Port`] entirely in memory:
//!
//! * a **virtual clock** that starts at 2^32 µs (so 32-bit time bugs show at once) and
//!   moves only when the test says ([`TestPort::advance`]);
//! * a **network** ([`net`]): resources served from memory (or produced on demand),
//!   delivered after a scripted latency at a per-transfer rate or over one link shared
//!   by the transfers and driven by a bandwidth [`Trace`] (measured traces parse with
//!   [`Trace::parse_mbps`]), with faults (HTTP errors, truncation, a slow first byte,
//!   failures of the next N fetches, scheduled outages) and a log of every transfer;
//! * **decoders** ([`decoder`]): queues with byte budgets, decoded at the device's
//!   speed and presented on a **media clock** that stalls when a decoder starves
//!   (that is what a rebuffer looks like to the player); every presentation is
//!   recorded ([`TestPort::presented`]) and every unit received can be kept;
//! * a recorded **graphics plane**, **key-value store**, **events**, logs, states and
//!   reports;
//! * [`content`]: synthetic HLS streams (CMAF fMP4, VOD and live) that the engine
//!   parses, served lazily so long sessions fit in little memory;
//! * a seeded random source;
//! * [`wasm`]: hand-written WAT test modules with a valid `wasp.abi` section.
//!
//! Time is event-driven: [`TestPort::advance`] jumps from one event to the next
//! ([`TestPort::next_event_us`]: a first byte, a completion, a trace step, an outage
//! edge, a decode, a presentation, a stall), so simulating ten minutes costs what
//! happens in them, not their length.
//!
//! Every call the runtime makes is also appended to [`TestPort::trace`] as one line, so
//! two runs of a scenario can be compared exactly.
#![forbid(unsafe_code)]
// Test infrastructure on std: its indices are its own, never guest input.
#![allow(clippy::indexing_slicing)]

pub mod content;
pub mod decoder;
pub mod net;
mod port;
mod trace;
pub mod wasm;

pub use net::{Trace, TraceError};
pub use port::{Frame, ImageRecord, Presented, TestPort, START_US};
