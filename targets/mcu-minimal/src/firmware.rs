//! The firmware: heap, port, the audio module loaded through wasp and ticked on a
//! virtual clock, the RAM report, the exit.

extern crate alloc;

use core::mem::MaybeUninit;

use cortex_m_rt::entry;
use defmt_semihosting as _;
use embedded_alloc::LlffHeap;
use wasp_core::abi::caps::{AudioOutputInfo, DecodingInfo, DecodingQuery, DisplayInfo};
use wasp_core::abi::player::{feature, LogLevel};
use wasp_core::{Limits, Port, Runtime, Tick};

use crate::exit::exit;
use crate::heap::Counting;
use crate::painted::stack_use;

/// Heap for the runtime: wasmi's engine, the module and its translated functions,
/// the module's linear memory, its value stack and the runtime's tables (the report
/// this firmware logs says how much of it is used).
const HEAP_BYTES: usize = 768 * 1024;
/// The module's linear memory: the audio module's two pages, no growth.
const GUEST_MEMORY_BYTES: usize = 128 * 1024;
/// Port time the firmware starts at (µs): an ordinary monotonic clock, not zero.
const EPOCH_US: i64 = 1 << 32;
/// Port time the module runs for (µs of its clock, which jumps to each next tick).
const RUN_US: i64 = 10_000_000;

#[global_allocator]
static HEAP: Counting<LlffHeap> = Counting::new(LlffHeap::empty());

/// A port with a monotonic clock and defmt for the module's lines; everything else is
/// unsupported.
struct MinimalPort {
    now_us: i64,
}

impl Port for MinimalPort {
    fn now_us(&mut self) -> i64 {
        self.now_us
    }
    fn log(&mut self, _level: LogLevel, line: &str) {
        defmt::debug!("module: {=str}", line);
    }
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
        HEAP.inner()
            .init(HEAP_MEM.as_mut_ptr() as usize, HEAP_BYTES)
    }
    #[cfg(feature = "ram-steps")]
    crate::steps::report(wasp_modules::AUDIO, &HEAP);
    // The run through wasp reports its own peak, not the steps'.
    HEAP.reset_peak();

    let limits = Limits {
        guest_memory_bytes: GUEST_MEMORY_BYTES,
        // The audio module uploads its 43 KB font atlas in `wasp_init`.
        image_bytes: 48 * 1024,
        init_fuel: 20_000_000,
        ..Limits::small()
    };
    let mut runtime = Runtime::new(
        MinimalPort { now_us: EPOCH_US },
        limits,
        alloc::vec::Vec::new(),
    );
    defmt::info!("runtime up, heap in use {=usize} B", HEAP.used());
    if runtime.load(wasp_modules::AUDIO).is_err() {
        defmt::error!("the audio module did not load");
        exit(false)
    }
    defmt::info!(
        "loaded audio ({=usize} B), guest memory {=usize} B, heap in use {=usize} B",
        wasp_modules::AUDIO.len(),
        runtime.guest_memory_bytes(),
        HEAP.used()
    );
    let (mut ticks, mut faults) = (0u32, 0u32);
    while runtime.port().now_us < EPOCH_US + RUN_US {
        let now = runtime.port().now_us;
        let next = match runtime.tick(now) {
            Ok(Tick::Ran { next_us }) => {
                ticks += 1;
                next_us
            }
            Ok(Tick::Sliced) => now,
            Err(_) => {
                faults += 1;
                if runtime.restart().is_err() {
                    defmt::error!("the audio module did not restart");
                    exit(false)
                }
                now + 1_000_000
            }
        };
        runtime.port_mut().now_us = next.max(now + 1);
    }
    let (stack_bytes, overflowed) = stack_use();
    defmt::info!(
        "{=u32} ticks, {=u32} faults; heap in use {=usize} B, heap high-water {=usize} B, stack high-water {=usize} B",
        ticks,
        faults,
        HEAP.used(),
        HEAP.peak(),
        stack_bytes
    );
    if overflowed || faults > 0 {
        defmt::error!("the stack overflowed or the module faulted");
        exit(false)
    }
    defmt::info!("Test OK");
    exit(true)
}
