//! Placeholder: replaced by the mp4 parser's fuzz target when the parser lands.
#![no_main]

libfuzzer_sys::fuzz_target!(|_data: &[u8]| {});
