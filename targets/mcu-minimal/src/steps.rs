//! What each step of loading a module takes of the heap, with wasmi alone configured
//! as `wasp-core` configures it (fuel, lazy translation, the same stack limits):
//! parsing and validating (lazy translation keeps the code section for later
//! translation), instantiating (linear memory, tables, globals, the instance),
//! translating every function (an eager build of the same module), and parsing
//! without the custom sections (which wasmi keeps by default). Each step is dropped
//! before the next, so the run through wasp that follows starts from the same heap.

use wasmi::{CompilationMode, Config, Engine, Error, ExternType, Linker, Module, Store, Val};
use wasp_core::Limits;

use crate::heap::Counting;

/// The engine `wasp-core` makes (`Runtime::engine`), in `mode`; `custom` false
/// drops the custom sections (the name section among them) instead of keeping them.
fn engine(mode: CompilationMode, custom: bool) -> Engine {
    let limits = Limits::small();
    let mut config = Config::default();
    config
        .consume_fuel(true)
        .compilation_mode(mode)
        .set_max_stack_height(limits.max_stack_height)
        .set_max_recursion_depth(limits.max_recursion_depth)
        .set_max_cached_stacks(1)
        .ignore_custom_sections(!custom);
    Engine::new(&config)
}

/// Loads `wasm` step by step and logs the heap in use after each step, over what was in
/// use before.
pub fn report<A>(wasm: &[u8], heap: &Counting<A>) {
    let base = heap.used();
    let lazy = engine(CompilationMode::LazyTranslation, true);
    let Ok(module) = Module::new(&lazy, wasm) else {
        defmt::error!("steps: the module did not validate");
        return;
    };
    let parsed = heap.used().saturating_sub(base);
    defmt::info!(
        "steps: engine + module parsed and validated (lazy translation) {=usize} B",
        parsed
    );
    let mut store = Store::new(&lazy, ());
    let mut linker = Linker::<()>::new(&lazy);
    for import in module.imports() {
        if let ExternType::Func(ty) = import.ty() {
            // Never called: only the instance's size is measured.
            let linked = linker.func_new(
                import.module(),
                import.name(),
                ty.clone(),
                |_, _: &[Val], _: &mut [Val]| Err(Error::i32_exit(1)),
            );
            if linked.is_err() {
                defmt::error!("steps: import {=str} not linked", import.name());
                return;
            }
        }
    }
    let Ok(instance) = linker.instantiate_and_start(&mut store, &module) else {
        defmt::error!("steps: the module did not instantiate");
        return;
    };
    let instantiated = heap.used().saturating_sub(base);
    let memory = instance
        .get_export(&store, "memory")
        .and_then(wasmi::Extern::into_memory)
        .map_or(0, |m| m.data_size(&store));
    defmt::info!(
        "steps: + instance {=usize} B (of it linear memory {=usize} B)",
        instantiated.saturating_sub(parsed),
        memory
    );
    drop((instance, linker, store, module, lazy));
    let eager = engine(CompilationMode::Eager, true);
    let Ok(translated_module) = Module::new(&eager, wasm) else {
        defmt::error!("steps: the module did not translate");
        return;
    };
    let translated = heap.used().saturating_sub(base);
    defmt::info!(
        "steps: engine + module with every function translated (eager) {=usize} B: translated code over the lazy parse {=isize} B",
        translated,
        translated as isize - parsed as isize
    );
    drop((translated_module, eager));
    let bare = engine(CompilationMode::LazyTranslation, false);
    let Ok(bare_module) = Module::new(&bare, wasm) else {
        defmt::error!("steps: the module did not validate");
        return;
    };
    let without_custom = heap.used().saturating_sub(base);
    defmt::info!(
        "steps: engine + module parsed and validated without its custom sections {=usize} B: {=isize} B",
        without_custom,
        without_custom as isize - parsed as isize
    );
    drop((bare_module, bare));
    defmt::info!(
        "steps: heap in use after the steps {=usize} B over the start",
        heap.used().saturating_sub(base)
    );
}
