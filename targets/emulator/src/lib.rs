//! # wasp-emu: the emulator and QA runner
//!
//! Plays a stream through the TV module (`wasp_modules::TV`, the real module in the
//! real runtime) on an emulated device: [`wasp_emulator::EmulatorPort`] decodes with
//! libavcodec, the device is described by a [`Profile`] (display, decoders, budgets,
//! CPU), and the QA runner ([`runner`]) plays a [`Script`] of timed keys, commands
//! and network changes on the virtual clock, checks its assertions, and writes what
//! the device showed and played (frame hashes in ffmpeg's `framemd5` form, PNG
//! screenshots composed by `wasp_raster`, a WAV file, QoE and A/V sync as JSON).
//!
//! The `wasp-emu` binary is the command line (`docs/emulator.md`):
//! `wasp-emu play [--profile P] [--window] [--real-time] URL` and
//! `wasp-emu run --profile P --script S [--out DIR]`.
#![deny(unsafe_code)]

pub mod device;
pub mod output;
pub mod profile;
pub mod runner;
pub mod screen;
pub mod script;

pub use device::Device;
pub use output::AvSync;
pub use profile::{ConfigError, Profile};
pub use runner::{run, AudioDevice, Outcome, RunOptions, Session, Verdict};
pub use screen::Screen;
pub use script::Script;
