//! Arbitrary bytes as a module, with and without a valid `wasp.abi` section appended:
//! loading is refused with an error or succeeds, and a loaded module's first tick
//! either runs or faults, never panicking the host.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasp_core::{Limits, Runtime};
use wasp_testkit::TestPort;

fuzz_target!(|data: &[u8]| {
    let limits = Limits { fuel_per_tick: 100_000, max_slices: 2, guest_memory_bytes: 1 << 20, ..Limits::default() };
    let mut rt = Runtime::new(TestPort::new(), limits, Vec::new());
    if rt.load(data).is_ok() {
        let _ = rt.tick(0);
        let _ = rt.tick(1);
    }
    let _ = rt.verify(data);
});
