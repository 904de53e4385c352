//! [`Runtime`]: load and check a module, run its ticks under limits, contain its
//! faults, restart it.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use wasmi::{
    CompilationMode, Config, CustomFuelCosts, Engine, ExternType, Linker, Module, Store, TrapCode,
    TypedFunc, TypedResumableCall,
};
use wasmi::{TypedResumableCallOutOfFuel, ValType};
use wasp_abi::player::{LogLevel, PlayerState, QoeReport, StateReason};
use wasp_abi::section::{AbiSection, SECTION_NAME};
use wasp_abi::{AbiVersion, Status, ABI_VERSION, EXPORT_INIT, EXPORT_MEMORY, EXPORT_TICK};

use crate::custom;
use crate::error::{Fault, FaultKind, LoadError, RunError};
use crate::host::Host;
use crate::imports::{self, Resolution};
use crate::limits::Limits;
use crate::port::{HostEvent, Port};

/// Bytes per wasm page.
const PAGE: u64 = 64 * 1024;

/// What the runtime learned about a module when it checked it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleInfo {
    /// The name from its `wasp.abi` section.
    pub name: String,
    /// The version from its `wasp.abi` section.
    pub version: String,
    /// The ABI it was built against.
    pub abi: AbiVersion,
    /// Feature bits it requires.
    pub required: u64,
    /// Size in bytes.
    pub size: usize,
    /// Imports unknown to this runtime, linked to stubs answering `Unsupported`.
    pub stubbed: Vec<String>,
}

/// The result of one [`Runtime::tick`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tick {
    /// The module returned; tick again at `next_us` (port time) or on the next event.
    Ran {
        /// When the module wants to run next (now, if events are waiting).
        next_us: i64,
    },
    /// The module used up this tick's fuel and was suspended; tick again soon to
    /// resume it.
    Sliced,
}

/// Counters for diagnostics and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Successful loads and restarts.
    pub starts: u64,
    /// Faults contained.
    pub faults: u64,
    /// Ticks run (including slices).
    pub ticks: u64,
    /// Host calls made by the module.
    pub host_calls: u64,
}

struct Live<P: Port + 'static> {
    store: Store<Host<P>>,
    tick: TypedFunc<i64, i64>,
    pending: Option<TypedResumableCallOutOfFuel<i64>>,
    slices: u32,
}

#[allow(clippy::large_enum_variant)] // one per runtime, never moved in a hot path
enum Slot<P: Port + 'static> {
    Empty(Host<P>),
    Running(Live<P>),
    Faulted(Host<P>, Fault),
    Moving,
}

/// Runs one player module against one port.
///
/// ```text
/// load(bytes) ─▶ tick(now) ─▶ tick(now) … ─▶ fault ─▶ restart() ─▶ tick(now) …
/// ```
///
/// Nothing the module does can panic the runtime or leak host memory: its faults are
/// reported as [`RunError::Faulted`] with its last log lines, and every object it held
/// (fetches, decoders, images, store objects) is closed.
pub struct Runtime<P: Port + 'static> {
    slot: Slot<P>,
    limits: Limits,
    compiled: Option<Compiled<P>>,
    stats: Stats,
}

/// A checked module with its engine and linker, kept so a restart only builds a new
/// store (functions already translated stay translated; the engine is dropped with the
/// module, so nothing accumulates across loads).
struct Compiled<P: Port + 'static> {
    engine: Engine,
    module: Module,
    linker: Linker<Host<P>>,
    info: ModuleInfo,
}

impl<P: Port + 'static> Runtime<P> {
    /// A runtime with no module, for a port and limits. `config` is the embedder's
    /// configuration the module reads with `config_read` (`key=value` lines).
    pub fn new(port: P, limits: Limits, config: Vec<u8>) -> Self {
        let host = Host::new(port, limits.clone(), config);
        Self {
            slot: Slot::Empty(host),
            limits,
            compiled: None,
            stats: Stats::default(),
        }
    }

    fn host(&self) -> &Host<P> {
        match &self.slot {
            Slot::Empty(h) | Slot::Faulted(h, _) => h,
            Slot::Running(live) => live.store.data(),
            Slot::Moving => unreachable_slot(),
        }
    }

    fn host_mut(&mut self) -> &mut Host<P> {
        match &mut self.slot {
            Slot::Empty(h) | Slot::Faulted(h, _) => h,
            Slot::Running(live) => live.store.data_mut(),
            Slot::Moving => unreachable_slot(),
        }
    }

    /// The port.
    pub fn port(&self) -> &P {
        &self.host().port
    }

    /// The port, mutably (to feed it input, change its network, read its output).
    pub fn port_mut(&mut self) -> &mut P {
        &mut self.host_mut().port
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The loaded module's description.
    pub fn module_info(&self) -> Option<&ModuleInfo> {
        self.compiled.as_ref().map(|c| &c.info)
    }

    /// The player state the module reported last, with its reason.
    pub fn player_state(&self) -> (PlayerState, StateReason) {
        self.host().state
    }

    /// The QoE report the module sent last.
    pub fn qoe(&self) -> Option<&QoeReport> {
        self.host().qoe.as_ref()
    }

    /// The fault that stopped the module, if it is stopped by one.
    pub fn fault(&self) -> Option<&Fault> {
        match &self.slot {
            Slot::Faulted(_, f) => Some(f),
            _ => None,
        }
    }

    /// Whether a module is loaded and running.
    pub fn is_running(&self) -> bool {
        matches!(self.slot, Slot::Running(_))
    }

    /// Counters.
    pub fn stats(&self) -> Stats {
        let mut stats = self.stats;
        stats.host_calls = self.host().host_calls;
        stats
    }

    /// Bytes held by the media store now.
    pub fn media_store_used(&self) -> usize {
        self.host().store.used()
    }

    /// Open handles: fetches, store objects, decoders, images.
    pub fn open_handles(&self) -> [usize; 4] {
        let h = self.host();
        [
            h.fetches.len(),
            h.store.objects(),
            h.decoders.len(),
            h.images.len(),
        ]
    }

    /// Guest linear memory size in bytes (0 when not running).
    pub fn guest_memory_bytes(&self) -> usize {
        match &self.slot {
            Slot::Running(live) => live
                .store
                .data()
                .memory
                .map_or(0, |m| m.data(&live.store).len()),
            _ => 0,
        }
    }

    /// Queues an embedder event (a command, a key) for the module.
    ///
    /// # Errors
    /// [`Status::WouldBlock`] when the queue is full: tick, then try again.
    pub fn push_event(&mut self, event: HostEvent) -> Result<(), Status> {
        self.host_mut().push_event(event)
    }

    /// Fully checks a module without running it: size, validation of every function,
    /// the ABI section, exports, imports. Call this when a module is installed or
    /// updated; `load` then validates lazily.
    ///
    /// # Errors
    /// A [`LoadError`] saying what is wrong.
    pub fn verify(&mut self, bytes: &[u8]) -> Result<ModuleInfo, LoadError> {
        let engine = self.engine(CompilationMode::Eager);
        let features = self.host_mut().port.features();
        let (_, info) = check(&self.limits, features, &engine, bytes)?;
        Ok(info)
    }

    /// Checks and starts a module, replacing (and releasing) any current one. Every
    /// function is validated now; translation to the interpreter's code happens when a
    /// function first runs.
    ///
    /// # Errors
    /// A [`LoadError`]; the runtime then has no module, and the next `load` may try
    /// another.
    pub fn load(&mut self, bytes: &[u8]) -> Result<&ModuleInfo, LoadError> {
        self.load_with(bytes, CompilationMode::LazyTranslation)
    }

    /// As [`Runtime::load`], for bytes that passed [`Runtime::verify`] when they were
    /// installed (the device checked their hash since): functions are validated when
    /// they first run instead of all up front, which is most of a cold start. A module
    /// that was not verified is still never run unchecked: an invalid function fails
    /// when it is first called, and that fault is contained like any other.
    ///
    /// # Errors
    /// As [`Runtime::load`].
    pub fn load_verified(&mut self, bytes: &[u8]) -> Result<&ModuleInfo, LoadError> {
        self.load_with(bytes, CompilationMode::Lazy)
    }

    fn load_with(&mut self, bytes: &[u8], mode: CompilationMode) -> Result<&ModuleInfo, LoadError> {
        let host = take(&mut self.slot);
        self.slot = Slot::Empty(host);
        self.compiled = None;
        let compiled = self.compile(bytes, mode)?;
        for stub in &compiled.info.stubbed {
            let line =
                alloc::format!("wasp: `{stub}` is newer than this runtime; it answers Unsupported");
            self.host_mut().runtime_log(LogLevel::Warn, &line);
        }
        self.compiled = Some(compiled);
        self.start()?;
        self.module_info().ok_or(LoadError::NothingToRestart)
    }

    /// Restarts the loaded module from scratch (after a fault, or on request) without
    /// touching the device: a new instance of the module already checked and compiled.
    ///
    /// # Errors
    /// [`LoadError::NothingToRestart`], or why starting failed.
    pub fn restart(&mut self) -> Result<(), LoadError> {
        if self.compiled.is_none() {
            return Err(LoadError::NothingToRestart);
        }
        self.start()
    }

    /// Stops the module, releases everything it held and forgets it.
    pub fn unload(&mut self) {
        let host = take(&mut self.slot);
        self.slot = Slot::Empty(host);
        self.compiled = None;
    }

    fn engine(&self, mode: CompilationMode) -> Engine {
        let mut config = Config::default();
        config
            .consume_fuel(true)
            // Fuel meters the module's own work; translating a function on its first
            // call is the host's, once per function and bounded by the module's size.
            // Charged to the tick, a large function first called with little fuel left
            // would fault the module: wasmi cannot resume a call suspended while
            // translating its callee (wasmi-labs/wasmi#2032). Copies and fills still
            // cost fuel, at wasmi's default rate.
            .fuel_cost(CustomFuelCosts {
                bytes_copied_per_fuel: 64,
                fuel_per_bytes_translated: 0,
                fuel_per_bytes_validated: 0,
            })
            .compilation_mode(mode)
            // wasmi would keep every custom section for the module's life (the name
            // section alone is 10-15 % of a module); `wasp.abi` is read from the
            // bytes instead (`custom::find`).
            .ignore_custom_sections(true)
            .set_max_stack_height(self.limits.max_stack_height)
            .set_max_recursion_depth(self.limits.max_recursion_depth)
            .set_max_cached_stacks(1);
        Engine::new(&config)
    }

    /// Checks a module and links it.
    fn compile(&mut self, bytes: &[u8], mode: CompilationMode) -> Result<Compiled<P>, LoadError> {
        let engine = self.engine(mode);
        let features = self.host_mut().port.features();
        let (module, info) = check(&self.limits, features, &engine, bytes)?;
        let mut linker = Linker::<Host<P>>::new(&engine);
        imports::link(&mut linker).map_err(|e| LoadError::Instantiate(e.to_string()))?;
        for import in module.imports() {
            if let ExternType::Func(ty) = import.ty() {
                if wasp_abi::imports::find(import.name()).is_none() {
                    imports::link_stub(&mut linker, import.name(), ty.clone())
                        .map_err(|e| LoadError::Instantiate(e.to_string()))?;
                }
            }
        }
        Ok(Compiled {
            engine,
            module,
            linker,
            info,
        })
    }

    /// Instantiates the compiled module in a new store and runs `wasp_init`.
    fn start(&mut self) -> Result<(), LoadError> {
        let host = take(&mut self.slot);
        let Some(compiled) = self.compiled.as_ref() else {
            self.slot = Slot::Empty(host);
            return Err(LoadError::NothingToRestart);
        };
        let mut store = Store::new(&compiled.engine, host);
        store.limiter(|h| &mut h.limiter);
        let init_fuel = self.limits.init_fuel;
        let fault = |store: Store<Host<P>>, e: wasmi::Error| -> (Host<P>, Fault) {
            let mut host = store.into_data();
            let fault = classify(&e, &host, init_fuel);
            host.release_all();
            (host, fault)
        };
        if store.set_fuel(init_fuel).is_err() {
            self.slot = Slot::Empty(store.into_data());
            return Err(LoadError::Instantiate(
                "fuel metering is unavailable".into(),
            ));
        }
        let instance = match compiled
            .linker
            .instantiate_and_start(&mut store, &compiled.module)
        {
            Ok(instance) => instance,
            Err(e) => {
                let trapped = e.as_trap_code().is_some();
                let (host, fault) = fault(store, e);
                self.slot = Slot::Empty(host);
                return Err(if trapped {
                    LoadError::InitFaulted(fault)
                } else {
                    LoadError::Instantiate(fault.to_string())
                });
            }
        };
        // Exports were checked above; these lookups cannot fail for a checked module.
        let (Some(memory), Ok(init), Ok(tick)) = (
            instance.get_memory(&store, EXPORT_MEMORY),
            instance.get_typed_func::<(), i32>(&store, EXPORT_INIT),
            instance.get_typed_func::<i64, i64>(&store, EXPORT_TICK),
        ) else {
            self.slot = Slot::Empty(store.into_data());
            return Err(LoadError::BadExport {
                name: EXPORT_TICK,
                expected: "a function (i64) -> i64",
            });
        };
        store.data_mut().memory = Some(memory);
        let status = match init.call(&mut store, ()) {
            Ok(status) => status,
            Err(e) => {
                let (host, fault) = fault(store, e);
                self.stats.faults += 1;
                self.slot = Slot::Faulted(host, fault.clone());
                return Err(LoadError::InitFaulted(fault));
            }
        };
        if let Some(refused) = store.data().limiter.refused {
            let mut host = store.into_data();
            let fault = Fault {
                kind: memory_fault(refused),
                last_logs: host.logs.to_vec(),
            };
            host.release_all();
            self.stats.faults += 1;
            self.slot = Slot::Faulted(host, fault.clone());
            return Err(LoadError::InitFaulted(fault));
        }
        if status < 0 {
            let mut host = store.into_data();
            let last_logs = host.logs.to_vec();
            host.release_all();
            self.slot = Slot::Empty(host);
            let status = Status::from_code(status).unwrap_or(Status::Internal);
            return Err(LoadError::InitFailed { status, last_logs });
        }
        let info = &compiled.info;
        let line = alloc::format!(
            "wasp: started module `{}` {} (ABI {})",
            info.name,
            info.version,
            info.abi
        );
        store.data_mut().runtime_log(LogLevel::Info, &line);
        self.slot = Slot::Running(Live {
            store,
            tick,
            pending: None,
            slices: 0,
        });
        self.stats.starts += 1;
        Ok(())
    }

    /// Runs the module for one tick at port time `now_us`: delivers waiting events,
    /// calls `wasp_tick` (or resumes a call suspended for lack of fuel) with this
    /// tick's fuel.
    ///
    /// # Errors
    /// [`RunError::NotLoaded`]; [`RunError::Faulted`] when the module faulted now or
    /// earlier. The device keeps running; call [`Runtime::restart`] or load another
    /// module.
    pub fn tick(&mut self, now_us: i64) -> Result<Tick, RunError> {
        let fuel = self.limits.fuel_per_tick;
        let max_slices = self.limits.max_slices;
        let live = match &mut self.slot {
            Slot::Running(live) => live,
            Slot::Faulted(_, fault) => return Err(RunError::Faulted(fault.clone())),
            Slot::Empty(_) => return Err(RunError::NotLoaded),
            Slot::Moving => unreachable_slot(),
        };
        self.stats.ticks += 1;
        live.store.data_mut().pump_events();
        if live.store.set_fuel(fuel).is_err() {
            return Err(self.stop(FaultKind::Host("fuel metering is unavailable".into())));
        }
        let result = match live.pending.take() {
            Some(suspended) => suspended.resume(&mut live.store),
            None => live.tick.call_resumable(&mut live.store, now_us),
        };
        let kind = match result {
            Ok(TypedResumableCall::Finished(next_us)) => {
                live.slices = 0;
                match live.store.data().limiter.refused {
                    Some(refused) => memory_fault(refused),
                    None => {
                        let next_us = if live.store.data().events.is_empty() {
                            next_us
                        } else {
                            now_us
                        };
                        return Ok(Tick::Ran { next_us });
                    }
                }
            }
            Ok(TypedResumableCall::OutOfFuel(suspended)) => {
                live.slices += 1;
                if live.slices < max_slices {
                    live.pending = Some(suspended);
                    return Ok(Tick::Sliced);
                }
                FaultKind::Hung {
                    fuel: fuel.saturating_mul(u64::from(live.slices)),
                }
            }
            Ok(TypedResumableCall::HostTrap(_)) => {
                FaultKind::Host("a host function trapped".into())
            }
            Err(e) => classify(&e, live.store.data(), fuel).kind,
        };
        Err(self.stop(kind))
    }

    /// Stops the running module with a fault: releases what it held, logs the fault
    /// to the port, and keeps it for [`Runtime::fault`].
    fn stop(&mut self, kind: FaultKind) -> RunError {
        let mut host = match core::mem::replace(&mut self.slot, Slot::Moving) {
            Slot::Running(live) => live.store.into_data(),
            Slot::Empty(h) | Slot::Faulted(h, _) => h,
            Slot::Moving => unreachable_slot(),
        };
        let fault = Fault {
            kind,
            last_logs: host.logs.to_vec(),
        };
        host.release_all();
        let line = alloc::format!("wasp: {fault}");
        host.runtime_log(LogLevel::Error, &line);
        self.stats.faults += 1;
        self.slot = Slot::Faulted(host, fault.clone());
        RunError::Faulted(fault)
    }
}

/// Takes the host out of a slot (leaving `Moving`), releasing what a module held.
fn take<P: Port + 'static>(slot: &mut Slot<P>) -> Host<P> {
    let mut host = match core::mem::replace(slot, Slot::Moving) {
        Slot::Empty(h) | Slot::Faulted(h, _) => h,
        Slot::Running(live) => live.store.into_data(),
        Slot::Moving => unreachable_slot(),
    };
    host.release_all();
    host
}

fn memory_fault((requested, cap): (usize, usize)) -> FaultKind {
    FaultKind::MemoryLimit { requested, cap }
}

fn classify<P: Port>(e: &wasmi::Error, host: &Host<P>, fuel: u64) -> Fault {
    let kind = if let Some(refused) = host.limiter.refused {
        memory_fault(refused)
    } else {
        match e.as_trap_code() {
            Some(TrapCode::StackOverflow) => FaultKind::StackOverflow,
            Some(TrapCode::OutOfFuel) => FaultKind::Hung { fuel },
            Some(code) => FaultKind::Trap(code.trap_message().into()),
            None => FaultKind::Host(e.to_string()),
        }
    };
    Fault {
        kind,
        last_logs: host.logs.to_vec(),
    }
}

/// Parses and checks a module for an engine.
fn check(
    limits: &Limits,
    features: u64,
    engine: &Engine,
    bytes: &[u8],
) -> Result<(Module, ModuleInfo), LoadError> {
    if bytes.len() > limits.max_module_bytes {
        return Err(LoadError::TooLarge {
            size: bytes.len(),
            max: limits.max_module_bytes,
        });
    }
    let module = Module::new(engine, bytes).map_err(|e| LoadError::Malformed(e.to_string()))?;
    let section = custom::find(bytes, SECTION_NAME).ok_or(LoadError::MissingAbiSection)?;
    let abi = AbiSection::decode(section).map_err(LoadError::BadAbiSection)?;
    let version = AbiVersion {
        major: abi.major,
        minor: abi.minor,
    };
    if version.major != ABI_VERSION.major || version.minor > ABI_VERSION.minor {
        return Err(LoadError::IncompatibleAbi {
            module: version,
            runtime: ABI_VERSION,
        });
    }
    let missing = abi.required & !features;
    if missing != 0 {
        return Err(LoadError::MissingFeatures { missing });
    }
    check_exports(&module, limits.guest_memory_bytes)?;
    let mut stubbed = Vec::new();
    for import in module.imports() {
        let ty = match import.ty() {
            ExternType::Func(f) => Some(f),
            _ => None,
        };
        if let Resolution::Stub = imports::resolve(import.module(), import.name(), ty)? {
            stubbed.push(imports::describe(import.module(), import.name()));
        }
    }
    let info = ModuleInfo {
        name: abi.name.into(),
        version: abi.version.into(),
        abi: version,
        required: abi.required,
        size: bytes.len(),
        stubbed,
    };
    Ok((module, info))
}

fn check_exports(module: &Module, memory_cap: usize) -> Result<(), LoadError> {
    let mut seen = [false; 3];
    for export in module.exports() {
        match (export.name(), export.ty()) {
            (EXPORT_MEMORY, ExternType::Memory(m)) => {
                let initial = m.minimum().saturating_mul(PAGE);
                if initial > memory_cap as u64 {
                    return Err(LoadError::MemoryTooLarge {
                        initial,
                        cap: memory_cap,
                    });
                }
                seen[0] = true;
            }
            (EXPORT_INIT, ExternType::Func(f))
                if f.params().is_empty() && f.results() == [ValType::I32] =>
            {
                seen[1] = true;
            }
            (EXPORT_TICK, ExternType::Func(f))
                if f.params() == [ValType::I64] && f.results() == [ValType::I64] =>
            {
                seen[2] = true;
            }
            _ => {}
        }
    }
    let expected = [
        (EXPORT_MEMORY, "a linear memory"),
        (EXPORT_INIT, "a function () -> i32"),
        (EXPORT_TICK, "a function (i64) -> i64"),
    ];
    match seen.iter().zip(expected).find(|(ok, _)| !**ok) {
        Some((_, (name, expected))) => Err(LoadError::BadExport { name, expected }),
        None => Ok(()),
    }
}

#[cold]
fn unreachable_slot() -> ! {
    // `Moving` exists only inside `take`/`stop`, whose callers always put a slot back
    // before returning; no public method can observe it.
    unreachable!("runtime slot observed while moving")
}
