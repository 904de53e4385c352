//! Placeholder: replaced by the webvtt parser's fuzz target when the parser lands.
#![no_main]

libfuzzer_sys::fuzz_target!(|_data: &[u8]| {});
