//! The smallest firmware embedding `wasp-core`: a heap, a port that only logs and
//! keeps time, the `hello` module, and the tick loop. `cargo xtask size` builds it for
//! `thumbv7em-none-eabihf` and reports flash and RAM (docs/perf.md). On a host it
//! builds to a stub so `cargo build --workspace` works everywhere.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(not(target_os = "none"))]
fn main() {}

#[cfg(target_os = "none")]
mod firmware {
    extern crate alloc;

    use core::mem::MaybeUninit;
    use cortex_m_rt::entry;
    use embedded_alloc::LlffHeap as Heap;
    use wasp_core::abi::caps::{AudioOutputInfo, DecodingInfo, DecodingQuery, DisplayInfo};
    use wasp_core::abi::player::{feature, LogLevel};
    use wasp_core::{Limits, Port, Runtime, Tick};

    /// Heap for the runtime, the module's linear memory and its stacks.
    const HEAP_BYTES: usize = 200 * 1024;

    #[global_allocator]
    static HEAP: Heap = Heap::empty();

    /// A port with a monotonic tick counter and nothing else.
    struct MinimalPort {
        now_us: i64,
    }

    impl Port for MinimalPort {
        fn now_us(&mut self) -> i64 {
            self.now_us
        }
        fn log(&mut self, _level: LogLevel, _line: &str) {}
        fn decoding_info(&mut self, _: &DecodingQuery, _: &str) -> DecodingInfo {
            DecodingInfo::default()
        }
        fn display_info(&mut self) -> DisplayInfo {
            DisplayInfo::default()
        }
        fn audio_info(&mut self) -> AudioOutputInfo {
            AudioOutputInfo::default()
        }
        fn features(&mut self) -> u64 {
            feature::ALL_V1
        }
    }

    #[entry]
    fn main() -> ! {
        static mut HEAP_MEM: [MaybeUninit<u8>; HEAP_BYTES] = [MaybeUninit::uninit(); HEAP_BYTES];
        // SAFETY: called once, before any allocation; `HEAP_MEM` is only used here
        // (cortex-m-rt's `#[entry]` makes this `static mut` a unique `&mut`).
        #[allow(unsafe_code)]
        unsafe {
            HEAP.init(HEAP_MEM.as_ptr() as usize, HEAP_BYTES)
        }
        let limits = Limits {
            guest_memory_bytes: 160 * 1024,
            ..Limits::small()
        };
        let mut runtime = Runtime::new(
            MinimalPort { now_us: 1 << 32 },
            limits,
            alloc::vec::Vec::new(),
        );
        let _ = runtime.load(wasp_modules::HELLO);
        loop {
            let now = runtime.port().now_us;
            let next = match runtime.tick(now) {
                Ok(Tick::Ran { next_us }) => next_us,
                Ok(Tick::Sliced) => now,
                Err(_) => {
                    let _ = runtime.restart();
                    now + 1_000_000
                }
            };
            runtime.port_mut().now_us = next.max(now + 1);
        }
    }

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
        // No formatting here: it would pull `core::fmt` and wasmi's Debug code into
        // flash (~110 KB, FINDINGS.md). Issue 9's boards log through defmt and reset.
        cortex_m::asm::udf()
    }
}
