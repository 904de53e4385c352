//! The firmware: a heap, wasmi configured as `wasp-core` configures it (fuel metering,
//! lazy translation), the module validated, linked to one host function, instantiated
//! and run; the answer checked, the heap in use logged, QEMU exited with the verdict.

extern crate alloc;

use core::mem::MaybeUninit;

use cortex_m_rt::entry;
use defmt_semihosting as _;
use embedded_alloc::LlffHeap;
use wasmi::{Caller, CompilationMode, Config, Engine, Extern, Linker, Module, Store};

use crate::exit::exit;
use crate::fold::fold;
use crate::module::MODULE;

/// Heap for wasmi's engine, the compiled module, its instance and its 64 KiB page.
const HEAP_BYTES: usize = 128 * 1024;
/// Loop iterations asked of the module.
const ITERATIONS: u32 = 1000;
/// Fuel for the call: far more than the loop needs, as a wasp tick's budget would be.
const FUEL: u64 = 1_000_000;

#[global_allocator]
static HEAP: LlffHeap = LlffHeap::empty();

/// The module's `env.log(ptr, len)`: logs the UTF-8 string at `ptr..ptr + len` of its
/// memory (at most 64 bytes; anything else is logged as unreadable).
fn log(caller: Caller<'_, ()>, ptr: i32, len: i32) {
    let mut buffer = [0u8; 64];
    let text = caller
        .get_export("memory")
        .and_then(Extern::into_memory)
        .zip(usize::try_from(len).ok())
        .and_then(|(memory, len)| {
            let bytes = buffer.get_mut(..len)?;
            memory.read(&caller, ptr as u32 as usize, bytes).ok()?;
            core::str::from_utf8(bytes).ok()
        });
    match text {
        Some(text) => defmt::info!("module: {=str}", text),
        None => defmt::error!("module: unreadable string at {=i32}", ptr),
    }
}

/// Validates, links, instantiates and runs the module; the answer of `run`, or what
/// failed.
fn run_module() -> Result<u32, &'static str> {
    let mut config = Config::default();
    config
        .consume_fuel(true)
        .compilation_mode(CompilationMode::LazyTranslation);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, MODULE).map_err(|_| "the module did not validate")?;
    defmt::info!(
        "validated the {=usize}-byte module, heap in use {=usize} B",
        MODULE.len(),
        HEAP.used()
    );
    let mut store = Store::new(&engine, ());
    store.set_fuel(FUEL).map_err(|_| "fuel not set")?;
    let mut linker = Linker::<()>::new(&engine);
    linker
        .func_wrap("env", "log", log)
        .map_err(|_| "env.log not linked")?;
    let instance = linker
        .instantiate_and_start(&mut store, &module)
        .map_err(|_| "the module did not instantiate")?;
    let run = instance
        .get_typed_func::<i32, i32>(&store, "run")
        .map_err(|_| "no `run` export of type (i32) -> i32")?;
    let answer = run
        .call(&mut store, ITERATIONS as i32)
        .map_err(|_| "`run` trapped")?;
    defmt::info!("instantiated and ran, heap in use {=usize} B", HEAP.used());
    Ok(answer as u32)
}

#[entry]
fn main() -> ! {
    static mut HEAP_MEM: [MaybeUninit<u8>; HEAP_BYTES] = [MaybeUninit::uninit(); HEAP_BYTES];
    // SAFETY: called once, before any allocation; `HEAP_MEM` is only used here
    // (cortex-m-rt's `#[entry]` makes this `static mut` a unique `&mut`).
    #[allow(unsafe_code)]
    unsafe {
        HEAP.init(HEAP_MEM.as_mut_ptr() as usize, HEAP_BYTES)
    }
    match run_module() {
        Ok(answer) if answer == fold(ITERATIONS) => {
            defmt::info!(
                "run({=u32}) = {=u32}, as computed natively",
                ITERATIONS,
                answer
            );
            defmt::info!("Test OK");
            exit(true)
        }
        Ok(answer) => {
            defmt::error!(
                "run({=u32}) = {=u32}, natively {=u32}",
                ITERATIONS,
                answer,
                fold(ITERATIONS)
            );
            exit(false)
        }
        Err(what) => {
            defmt::error!("{=str}", what);
            exit(false)
        }
    }
}
