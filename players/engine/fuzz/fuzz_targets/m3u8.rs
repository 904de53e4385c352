//! Placeholder: replaced by the m3u8 parser's fuzz target when the parser lands.
#![no_main]

libfuzzer_sys::fuzz_target!(|_data: &[u8]| {});
