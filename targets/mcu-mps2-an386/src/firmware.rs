//! The firmware proper: heap, clock, port, the module's run, the report, the exit.

extern crate alloc;

use core::mem::MaybeUninit;

use cortex_m_rt::entry;
use embedded_alloc::LlffHeap;
use wasp_core::abi::key::{Key, KeyAction};
use wasp_core::abi::player::PlayerState;
use wasp_core::{Fault, FaultKind, HostEvent, Limits, LoadError, RunError, Runtime, Tick};
use wasp_shim_mcu::buttons::{Active, Button, Buttons};
use wasp_shim_mcu::port::VOLUME_KEY;

#[cfg(feature = "rtt")]
use defmt_rtt as _;
#[cfg(all(feature = "semihosting", not(feature = "rtt")))]
use defmt_semihosting as _;

use crate::exit::exit;
use crate::heap::Counting;
use crate::keys::{bouncy_press, two_presses, ScriptedPin};
use crate::mps2::{HOLD_US, PRESS_MUTE, PRESS_VOLUME_DOWN, PRESS_VOLUME_UP};
use crate::painted::stack_use;
use crate::panel::hex;
use crate::port::{kv_store, KvFlash, Mps2, Mps2Port, KV_BYTES};
use crate::{board, clock, trap};

#[global_allocator]
static HEAP: Counting<LlffHeap> = Counting::new(LlffHeap::empty());

use clock::uptime_us;

/// The board's buttons: volume up, volume down and mute on scripted active-low pins
/// (keys the device handles; the module leaves volume to it).
fn scripted_buttons() -> Buttons<ScriptedPin, 3> {
    static UP: [(u64, bool); 12] = two_presses(PRESS_VOLUME_UP, HOLD_US);
    static DOWN: [(u64, bool); 6] = bouncy_press(PRESS_VOLUME_DOWN, HOLD_US);
    static MUTE: [(u64, bool); 6] = bouncy_press(PRESS_MUTE, HOLD_US);
    Buttons::new([
        Button::new(ScriptedPin::new(&UP, uptime_us), Key::VolumeUp, Active::Low),
        Button::new(
            ScriptedPin::new(&DOWN, uptime_us),
            Key::VolumeDown,
            Active::Low,
        ),
        Button::new(ScriptedPin::new(&MUTE, uptime_us), Key::Mute, Active::Low),
    ])
}

/// Logs why the module did not load: the variant and its figures (no `core::fmt`,
/// which would cost flash).
fn log_load_error(error: &LoadError) {
    match error {
        LoadError::TooLarge { size, max } => {
            defmt::error!("load: module is {=usize} B, at most {=usize}", size, max)
        }
        LoadError::MissingFeatures { missing } => {
            defmt::error!("load: missing features {=u64:#x}", missing)
        }
        LoadError::MemoryTooLarge { initial, cap } => {
            defmt::error!(
                "load: initial memory {=u64} B over cap {=usize}",
                initial,
                cap
            )
        }
        LoadError::Malformed(m) | LoadError::Instantiate(m) => {
            defmt::error!("load: {=str}", m.as_str())
        }
        LoadError::BadImport { import, reason } => {
            defmt::error!("load: import {=str}: {=str}", import.as_str(), reason)
        }
        LoadError::BadExport { name, expected } => {
            defmt::error!("load: export {=str} must be {=str}", name, expected)
        }
        LoadError::InitFailed { last_logs, .. } => {
            defmt::error!("load: wasp_init failed");
            for line in last_logs {
                defmt::error!("  {=str}", line.as_str());
            }
        }
        LoadError::InitFaulted(fault) => {
            defmt::error!("load: wasp_init faulted");
            log_fault(fault);
        }
        _ => defmt::error!("load: not a wasp module for this runtime"),
    }
}

/// Logs what a fault was and the module's last lines.
fn log_fault(fault: &Fault) {
    match &fault.kind {
        FaultKind::Trap(trap) => defmt::error!("fault: trap {=str}", trap.as_str()),
        FaultKind::StackOverflow => defmt::error!("fault: stack overflow"),
        FaultKind::MemoryLimit { requested, cap } => defmt::error!(
            "fault: memory {=usize} B asked, cap {=usize}",
            requested,
            cap
        ),
        FaultKind::Hung { fuel } => defmt::error!("fault: hung after {=u64} fuel", fuel),
        FaultKind::Host(m) => defmt::error!("fault: host {=str}", m.as_str()),
    }
    for line in &fault.last_logs {
        defmt::error!("  {=str}", line.as_str());
    }
}

#[entry]
fn main() -> ! {
    static mut HEAP_MEM: [MaybeUninit<u8>; board::HEAP_BYTES] =
        [MaybeUninit::uninit(); board::HEAP_BYTES];
    // The key-value store's NOR flash, erased (FFh) at boot.
    static mut KV_FLASH: [u8; KV_BYTES] = [0xFF; KV_BYTES];
    // SAFETY: called once, before any allocation; `HEAP_MEM` is only used here
    // (cortex-m-rt's `#[entry]` makes this `static mut` a unique `&mut`).
    #[allow(unsafe_code)]
    unsafe {
        HEAP.inner()
            .init(HEAP_MEM.as_mut_ptr() as usize, board::HEAP_BYTES)
    }

    let Some(mut core) = cortex_m::Peripherals::take() else {
        defmt::error!("peripherals already taken");
        exit(false)
    };
    clock::start(&mut core.SYST);

    defmt::info!(
        "{=str}: heap {=usize} B, guest memory cap {=usize} B",
        board::NAME,
        board::HEAP_BYTES,
        board::GUEST_MEMORY_BYTES
    );
    let limits = Limits {
        guest_memory_bytes: board::GUEST_MEMORY_BYTES,
        image_bytes: board::IMAGE_BYTES,
        init_fuel: board::INIT_FUEL,
        ..Limits::small()
    };
    let port = Mps2::port(uptime_us, board::EPOCH_US, KvFlash::new(KV_FLASH));
    defmt::info!(
        "port up (panel, decoder chip), heap in use {=usize} B",
        HEAP.used()
    );
    let mut runtime = Runtime::new(port, limits, board::STATIONS.as_bytes().to_vec());
    match runtime.load(wasp_modules::AUDIO) {
        Ok(_) => defmt::info!(
            "loaded audio ({=usize} B), heap in use {=usize} B",
            wasp_modules::AUDIO.len(),
            HEAP.used()
        ),
        Err(error) => {
            log_load_error(&error);
            exit(false)
        }
    }

    if cfg!(feature = "fault-check") {
        defmt::info!("fault-check: executing an undefined instruction");
        cortex_m::asm::udf();
    }

    let mut buttons = scripted_buttons();
    let mut keys = 0u32;
    let mut ticks = 0u32;
    let mut slices = 0u32;
    // Plays until the stream has ended and the chip has played it out, or the bound.
    loop {
        let done = {
            let port = runtime.port_mut();
            port.state == PlayerState::Ended && port.chip_idle()
        };
        if done || uptime_us() >= board::RUN_US {
            break;
        }
        let next = match runtime.tick(now_us()) {
            Ok(Tick::Ran { next_us }) => {
                ticks += 1;
                next_us
            }
            Ok(Tick::Sliced) => {
                slices += 1;
                continue;
            }
            Err(error) => {
                defmt::error!("module faulted after {=u32} ticks", ticks);
                if let RunError::Faulted(fault) = &error {
                    log_fault(fault);
                }
                exit(false)
            }
        };
        // Until the module's next tick: feed the decoder chip while it asks for
        // data, sample the buttons on every SysTick wake-up; a key wakes the module.
        loop {
            runtime.port_mut().pump();
            let mut pressed = false;
            let mut volume = None;
            let Ok(()) = buttons.poll(now_us(), |event| {
                if event.action == KeyAction::Down {
                    defmt::info!(
                        "key {=u32} down, settled at {=i64} us of uptime",
                        event.key as u32,
                        event.time_us - board::EPOCH_US
                    );
                    volume = Some(event.key);
                }
                keys += 1;
                pressed |= runtime.push_event(HostEvent::Key(event)).is_ok();
            });
            if let Some(key) = volume {
                let attenuation = runtime.port_mut().volume_key(key);
                defmt::info!("volume: attenuation {=u8} half-dB", attenuation);
            }
            if pressed || now_us() >= next || uptime_us() >= board::RUN_US {
                break;
            }
            cortex_m::asm::wfi();
        }
    }

    let (stack_bytes, overflowed) = stack_use();
    let port = runtime.port_mut();
    let counts = port.counts;
    let (sdi, overruns) = port.board().sdi_report();
    let ended = port.state == PlayerState::Ended;
    let last_plane = hex(&port.board().last_plane);
    defmt::info!(
        "ran {=u32} ticks ({=u32} sliced), {=u32} key events, module logged {=u32} lines",
        ticks,
        slices,
        keys,
        counts.lines
    );
    let md5 = hex(&sdi.stream_md5);
    defmt::info!(
        "decoder chip: {=u32} units, SDI {=u64} B: stream {=u64} B md5 {=str}, end fill {=u64} B ({=u64} not endFillByte), {=u32} overruns",
        counts.units,
        counts.sdi_bytes,
        sdi.stream_bytes,
        core::str::from_utf8(&md5).unwrap_or(""),
        sdi.fill_bytes,
        sdi.bad_fill,
        overruns
    );
    defmt::info!(
        "display: {=u32} frames, last graphics {=str}",
        counts.frames,
        core::str::from_utf8(&last_plane).unwrap_or("")
    );
    defmt::info!(
        "guest memory {=usize} B, heap in use {=usize} B, heap high-water {=usize} B",
        runtime.guest_memory_bytes(),
        HEAP.used(),
        HEAP.peak()
    );
    defmt::info!("stack high-water {=usize} B", stack_bytes);
    let kept = volume_survives_a_restart(runtime.port_mut());
    let contained = contain_faults(&mut runtime);
    if overflowed {
        defmt::error!("the stack reached the bottom of its region");
        exit(false)
    }
    if !ended || overruns > 0 || sdi.bad_fill > 0 {
        defmt::error!("the stream did not play to its end cleanly");
        exit(false)
    }
    if !kept {
        defmt::error!("the volume was not kept in the key-value store");
        exit(false)
    }
    if !contained {
        defmt::error!("a trapping module was not contained");
        exit(false)
    }
    defmt::info!("Test OK");
    exit(true)
}

/// Restarts after a trap: the runtime runs a module whose every tick traps; the
/// first fault is reported, then the module is restarted and traps again, 100
/// restarts in all. The heap in use after the 100th restart must be what it was
/// after the first (nothing leaks per fault). Returns whether every restart worked
/// and the heap stayed flat.
fn contain_faults(runtime: &mut Runtime<Mps2Port>) -> bool {
    const RESTARTS: u32 = 100;
    if let Err(error) = runtime.load(&trap::module()) {
        log_load_error(&error);
        return false;
    }
    let mut after_first = 0;
    for restart in 1..=RESTARTS {
        match runtime.tick(now_us()) {
            Err(RunError::Faulted(fault)) => {
                if restart == 1 {
                    defmt::info!("trap module: its tick faulted, reported as:");
                    log_fault(&fault);
                    // The runtime's own report of each later trap is not logged.
                    runtime.port_mut().quiet = true;
                }
            }
            _ => {
                defmt::error!("trap module: tick {=u32} did not fault", restart);
                return false;
            }
        }
        if runtime.restart().is_err() {
            defmt::error!("trap module: restart {=u32} failed", restart);
            return false;
        }
        if restart == 1 {
            after_first = HEAP.used();
        }
    }
    runtime.port_mut().quiet = false;
    let after_all = HEAP.used();
    defmt::info!(
        "fault containment: {=u32} traps and restarts, heap in use after the first {=usize} B, after the last {=usize} B",
        RESTARTS,
        after_first,
        after_all
    );
    after_first == after_all
}

/// The volume the keys set, read back through the port's `kv_get` after the store
/// is reopened on its flash (as after a restart); logs it. Returns whether it is the
/// volume the port has (Mute aside).
fn volume_survives_a_restart(port: &mut Mps2Port) -> bool {
    let Some(store) = port.take_kv() else {
        return false;
    };
    let Some(reopened) = kv_store(store.release()) else {
        return false;
    };
    port.set_kv(reopened);
    let mut value = [0u8; 1];
    let read = wasp_core::Port::kv_get(port, VOLUME_KEY, &mut value);
    let volume = port.volume();
    defmt::info!(
        "key-value store reopened: {=str} = {=u8} half-dB (the volume: {=u8})",
        core::str::from_utf8(VOLUME_KEY).unwrap_or(""),
        value[0],
        volume
    );
    read == Ok(1) && value[0] == volume
}

/// Port time now (µs): the board's epoch plus the uptime.
fn now_us() -> i64 {
    board::EPOCH_US.saturating_add(i64::try_from(uptime_us()).unwrap_or(i64::MAX))
}
