//! # wasp-guest: the guest SDK for wasp player modules
//!
//! Safe, zero-cost bindings over the wasp ABI ([`wasp_abi`], re-exported as [`abi`])
//! for `no_std` + `alloc` modules built for `wasm32-unknown-unknown`.
//!
//! ## The layers, top to bottom
//!
//! 1. **The module**: a type implementing [`Player`] and one [`module!`] line, which
//!    emits the `wasp.abi` custom section and the `wasp_init` / `wasp_tick` exports.
//!    With the default feature `runtime`, the SDK also provides the wasm32 global
//!    allocator (dlmalloc) and a panic handler that logs, then traps.
//! 2. **Safe wrappers**, one module per group of imports, typed with the ABI's structs
//!    and enums and returning `Result<_, Status>`:
//!    [`log`] (and the [`error!`], [`warn!`], [`info!`], [`debug!`], [`trace!`]
//!    macros), [`time`], [`random`], [`config`], [`events`], [`report`], [`caps`],
//!    [`fetch`] ([`Fetch`]), [`store`] ([`StoreObject`]), [`crypto`], [`decoder`]
//!    ([`Decoder`]), [`media`], [`gfx`] ([`Image`](gfx::Image),
//!    [`DrawList`](gfx::DrawList)), [`kv`]. Handles are RAII types: dropping one
//!    closes or frees it.
//! 3. **[`sys`]**: the raw imports, one `unsafe fn` per entry of
//!    [`abi::imports::IMPORTS`], checked against that table by a test.
//!
//! ## Promises
//!
//! * Every wrapper follows the ABI's calling conventions (see [`abi::imports`]):
//!   fixed-struct outputs are decoded from the prefix the host wrote (an older host's
//!   missing fields read as zero), variable-length outputs are fetched again with a
//!   bigger buffer when the first is too small.
//! * Logging never allocates; nothing here panics on host input.
//! * On targets other than wasm32 every import returns
//!   [`Status::Unsupported`](abi::Status), so modules build and unit-test natively.
#![no_std]

extern crate alloc;
#[cfg(not(target_arch = "wasm32"))]
extern crate std;

pub use wasp_abi as abi;
pub use wasp_abi::Status;

pub mod caps;
pub mod config;
pub mod crypto;
pub mod decoder;
pub mod events;
pub mod fetch;
pub mod gfx;
pub mod kv;
pub mod log;
pub mod media;
mod module;
pub mod random;
pub mod report;
#[cfg(all(target_arch = "wasm32", feature = "runtime", not(test)))]
mod runtime;
pub mod store;
pub mod sys;
pub mod time;
mod util;

pub use decoder::Decoder;
pub use fetch::Fetch;
pub use module::Player;
pub use store::StoreObject;

/// Results of this crate: a value or the host's [`Status`].
pub type Result<T, E = Status> = core::result::Result<T, E>;

/// What [`module!`] expands to; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::module::PlayerCell;
    pub use crate::util::str_eq;
}
