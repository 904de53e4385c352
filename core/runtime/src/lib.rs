//! # wasp-core: the runtime that runs a player module on a device
//!
//! `no_std` + `alloc`, on the wasmi interpreter. The layers, top to bottom:
//!
//! 1. [`Runtime`] — loads a module, checks it ([`LoadError`] says what a firmware
//!    engineer must change), instantiates it with a memory cap and fuel per tick, runs
//!    `wasp_tick`, contains every fault ([`RunError::Faulted`] with the module's last
//!    log lines) and restarts it without restarting the device.
//! 2. The imports (`imports`) — the host side of every function in
//!    [`wasp_abi::imports::IMPORTS`]. Each bounds-checks its `(ptr, len)` arguments
//!    ([`guest::GuestMemory`]), checks handles ([`handles::HandleTable`]: generation,
//!    kind, cap) and byte budgets, and answers a [`wasp_abi::Status`]; none traps.
//! 3. Host-owned state — the [`media_store::MediaStore`] (compressed media outside
//!    guest memory), image and decoder tables, the event queue.
//! 4. The [`Port`] — the device. It receives host slices, decoded structs, checked
//!    draw lists ([`DrawList`]) and its own ids; never a guest pointer.
//!
//! ## Promise
//! No guest behaviour panics the host or leaks host memory: hostile pointers, lengths,
//! handles, enum values, endless loops, deep recursion and memory growth are all
//! answered with a status or contained as a fault.
#![no_std]

extern crate alloc;

mod custom;
pub mod draw;
mod error;
pub mod guest;
pub mod handles;
mod host;
mod imports;
mod limits;
pub mod media_store;
mod port;
mod runtime;

pub use draw::DrawList;
pub use error::{Fault, FaultKind, LoadError, RunError};
pub use limits::Limits;
pub use port::{HostEvent, Port, PortId};
pub use runtime::{ModuleInfo, Runtime, Stats, Tick};
pub use wasp_abi as abi;
