//! The floor under the runtime: the same operations on bare wasmi (same fuel metering
//! and compilation modes as `Runtime`, no wasp code), so a figure of `Runtime` can be
//! split into what wasmi costs and what wasp adds.

use wasmi::{
    Caller, CompilationMode, Config, Engine, Linker, Module, Store, TypedFunc, TypedResumableCall,
};

/// An engine configured like `Runtime::engine` (fuel on, one cached stack).
pub fn engine(mode: CompilationMode) -> Engine {
    let mut config = Config::default();
    config
        .consume_fuel(true)
        .compilation_mode(mode)
        .set_max_cached_stacks(1);
    Engine::new(&config)
}

/// What a host function sees: the memory, looked up once after instantiation.
#[derive(Default)]
pub struct Data {
    memory: Option<wasmi::Memory>,
}

/// `bytes` instantiated on bare wasmi with `time_now` linked either to a no-op or to a
/// host function writing 8 bytes through the cached memory, and `wasp_init` run.
pub struct Bare {
    store: Store<Data>,
    tick: TypedFunc<i64, i64>,
}

/// The host function `time_now` is linked to.
#[derive(Clone, Copy)]
pub enum TimeNow {
    /// Returns 0 at once.
    Noop,
    /// Writes a constant i64 at `out` with a bounds check, as the runtime's does.
    Write,
}

impl Bare {
    /// Instantiates `bytes` (which may import `wasp.time_now`).
    pub fn new(bytes: &[u8], time_now: TimeNow) -> Self {
        let engine = engine(CompilationMode::LazyTranslation);
        let module = Module::new(&engine, bytes).expect("valid module");
        let mut linker = Linker::<Data>::new(&engine);
        match time_now {
            TimeNow::Noop => {
                linker.func_wrap("wasp", "time_now", |_: Caller<'_, Data>, _: i32| -> i32 {
                    0
                })
            }
            TimeNow::Write => linker.func_wrap("wasp", "time_now", write_time),
        }
        .expect("links");
        let mut store = Store::new(&engine, Data::default());
        store.set_fuel(u64::MAX).expect("fuel is on");
        let instance = linker
            .instantiate_and_start(&mut store, &module)
            .expect("instantiates");
        store.data_mut().memory = instance.get_memory(&store, "memory");
        let init = instance
            .get_typed_func::<(), i32>(&store, wasp_abi::EXPORT_INIT)
            .expect("the init export");
        init.call(&mut store, ()).expect("init runs");
        let tick = instance
            .get_typed_func::<i64, i64>(&store, wasp_abi::EXPORT_TICK)
            .expect("the tick export");
        Self { store, tick }
    }

    /// `wasp_tick` through `call_resumable` after `set_fuel`, as `Runtime::tick` does.
    pub fn tick_resumable(&mut self) -> i64 {
        self.store.set_fuel(20_000_000).expect("fuel is on");
        match self.tick.call_resumable(&mut self.store, 0) {
            Ok(TypedResumableCall::Finished(next)) => next,
            _ => panic!("the bench tick finishes"),
        }
    }

    /// `wasp_tick` through a plain `call` (no fuel reset, not resumable).
    pub fn tick_call(&mut self) -> i64 {
        self.tick
            .call(&mut self.store, 0)
            .expect("the bench tick finishes")
    }
}

fn write_time(mut caller: Caller<'_, Data>, out: i32) -> i32 {
    let Some(memory) = caller.data().memory else {
        return -1;
    };
    let start = out as u32 as usize;
    match memory
        .data_mut(&mut caller)
        .get_mut(start..start.wrapping_add(8))
    {
        Some(dst) => {
            dst.copy_from_slice(&(1i64 << 32).to_le_bytes());
            0
        }
        None => -1,
    }
}

/// `Module::new` on a fresh engine in `mode` (what `Runtime::load`/`restart` begin with).
pub fn module_new(bytes: &[u8], mode: CompilationMode) -> Module {
    Module::new(&engine(mode), bytes).expect("valid module")
}

/// A fresh `Store` + `Linker` instantiating an already parsed module (no imports) and
/// running `wasp_init`: what a restart would cost if it kept the `Module`.
pub fn instantiate(module: &Module) -> Store<Data> {
    let mut store = Store::new(module.engine(), Data::default());
    store.set_fuel(u64::MAX).expect("fuel is on");
    let instance = Linker::<Data>::new(module.engine())
        .instantiate_and_start(&mut store, module)
        .expect("instantiates");
    let init = instance
        .get_typed_func::<(), i32>(&store, wasp_abi::EXPORT_INIT)
        .expect("the init export");
    init.call(&mut store, ()).expect("init runs");
    store
}
