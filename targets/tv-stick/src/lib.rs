//! # wasp-tv-stick: the reference firmware of a Linux TV stick
//!
//! The firmware is `main.c` (C11): it includes only `wasp.h`, `wasp_port.h` and
//! the Linux port's `wasp_linux.h`, links `libwasp.a` and the port, loads the
//! player module from a path, takes the URL and device paths from its arguments
//! or a configuration file, runs the loop and exits with a status (README.md).
//! This crate exists so cargo builds and plays it in its tests (`tests/play.rs`).

/// Path of the firmware's source.
pub const MAIN_C: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/main.c");
