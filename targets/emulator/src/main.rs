//! The `wasp-emu` command (placeholder until the command line lands).
fn main() {}
