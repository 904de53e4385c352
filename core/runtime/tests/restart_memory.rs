//! A thousand trap/restart cycles leave the host's memory where it was: every engine,
//! store, handle table and store object of a faulted module is released.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use wasp_abi::caps::{AudioOutputInfo, DecodingInfo, DecodingQuery, DisplayInfo};
use wasp_abi::fetch::FetchRequest;
use wasp_abi::gfx::ImageDesc;
use wasp_abi::player::{feature, LogLevel};
use wasp_abi::Status;
use wasp_core::{Limits, Port, PortId, RunError, Runtime};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: delegates to the system allocator unchanged; only counts bytes.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A port that keeps nothing, so only the runtime's memory is measured.
struct QuietPort {
    next: PortId,
    open: usize,
}

impl Port for QuietPort {
    fn now_us(&mut self) -> i64 {
        1 << 32
    }
    fn log(&mut self, _: LogLevel, _: &str) {}
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
    fn fetch_open(&mut self, _: &FetchRequest, _: &str, _: &str) -> Result<PortId, Status> {
        self.next += 1;
        self.open += 1;
        Ok(self.next)
    }
    fn fetch_close(&mut self, _: PortId) {
        self.open -= 1;
    }
    fn image_create(&mut self, _: &ImageDesc, _: &[u8]) -> Result<PortId, Status> {
        self.next += 1;
        self.open += 1;
        Ok(self.next)
    }
    fn image_free(&mut self, _: PortId) {
        self.open -= 1;
    }
}

#[test]
fn a_thousand_trap_restart_cycles_leave_host_memory_flat() {
    // Each tick: a store object with 4 KiB, a fetch, an image, 1 page of memory growth,
    // a log line, then a trap.
    let imports = r#"
        (import "wasp" "store_create" (func $create (param i64) (result i32)))
        (import "wasp" "store_write" (func $write (param i32 i32 i32) (result i32)))
        (import "wasp" "fetch_open" (func $open (param i32 i32 i32 i32 i32 i32) (result i32)))
        (import "wasp" "gfx_image_create" (func $image (param i32 i32 i32 i32) (result i32)))
        (import "wasp" "log" (func $log (param i32 i32 i32) (result i32)))
        (data (i32.const 100) "mem://a")
        (data (i32.const 200) "\01\00\00\00\01\00\00\00\04\00\00\00\01\00\00\00")"#;
    let body = r#"
        (drop (call $write (call $create (i64.const 0)) (i32.const 0) (i32.const 4096)))
        (drop (call $open (i32.const 0) (i32.const 0) (i32.const 100) (i32.const 7) (i32.const 0) (i32.const 0)))
        (drop (call $image (i32.const 200) (i32.const 16) (i32.const 300) (i32.const 4)))
        (drop (memory.grow (i32.const 1)))
        (drop (call $log (i32.const 0) (i32.const 16) (i32.const 5)))
        unreachable"#;
    let bytes = common::module(&common::guest(imports, body));
    let mut rt = Runtime::new(
        QuietPort { next: 0, open: 0 },
        Limits::default(),
        Vec::new(),
    );
    rt.load(&bytes).unwrap();
    let mut baseline = 0;

    for cycle in 0..1000 {
        assert!(
            matches!(rt.tick(0), Err(RunError::Faulted(_))),
            "cycle {cycle}"
        );
        assert_eq!(rt.port().open, 0, "the port got every object back");
        rt.restart().unwrap();
        // The log ring (kept across restarts, so a crash loop shows its history) fills
        // during the first `log_lines_kept` cycles; from then on nothing may grow.
        if cycle == 100 {
            baseline = LIVE.load(Ordering::Relaxed);
        }
    }
    let end = LIVE.load(Ordering::Relaxed);

    assert_eq!(rt.stats().faults, 1000);
    assert_eq!(
        end - baseline,
        0,
        "host memory grew by {} bytes over 899 cycles",
        end - baseline
    );
}
