//! # wasp-modules: the player modules as bytes
//!
//! The build script compiles every module in `players/` for `wasm32-unknown-unknown`
//! (profile `wasm`: size-optimised, LTO, `panic = "abort"`) and this crate embeds the
//! results, so hosts, tests and benchmarks always run the modules of this checkout.
//!
//! * [`PROBE`] — exercises every ABI import once through the guest SDK and logs what
//!   it saw (`probe <import>: …`); the runtime's import tests run it.
//! * [`HELLO`] — the small demo module the README's demo runs.
//! * [`ENGINE_BENCH`] — runs one `wasp-engine` component over fetched bytes and logs
//!   what it counted; the engine's `wasm` benchmark times it.
//! * [`TV`] — the TV player module: the engine's player behind the ABI.
//! * [`AUDIO`] — the audio player module (radio, HLS audio, podcasts) in two pages
//!   of memory.
#![no_std]

include!(concat!(env!("OUT_DIR"), "/modules.rs"));

/// Every module: (name, bytes).
pub const ALL: &[(&str, &[u8])] = &[
    ("probe", PROBE),
    ("hello", HELLO),
    ("engine-bench", ENGINE_BENCH),
    ("tv", TV),
    ("audio", AUDIO),
];
