//! The exports of `wasp.h`. Each checks its pointers, then runs inside
//! `handle::with` (registry, magic, reentrancy, panic guard).
//!
//! # Safety (every function)
//! Pointers are NULL or valid as `wasp.h` states for the call: inputs readable for
//! their lengths, outputs writable. NULL is answered with an error; a dangling
//! non-NULL pointer cannot be detected.

use alloc::string::ToString;

use wasp_abi::event::{Command, CommandEvent, DeviceEvent, DeviceEventKind, KeyEvent};
use wasp_abi::key::{Key, KeyAction};
use wasp_abi::Status;
use wasp_core::{HostEvent, Limits, LoadError, RunError, Runtime, Tick};

use crate::conv::Conv;
use crate::handle::{self, Fail};
use crate::port::{copy_str, CPort};
use crate::registry::contain;
use crate::sys;

/// Version of this library, `major << 16 | minor << 8 | patch`.
const VERSION: u32 = {
    const fn num(s: &str) -> u32 {
        let b = s.as_bytes();
        let mut v = 0u32;
        let mut i = 0;
        while i < b.len() {
            #[allow(clippy::indexing_slicing)] // `i < b.len()` is the loop condition.
            let d = b[i];
            v = v * 10 + (d - b'0') as u32;
            i += 1;
        }
        v
    }
    num(env!("CARGO_PKG_VERSION_MAJOR")) << 16
        | num(env!("CARGO_PKG_VERSION_MINOR")) << 8
        | num(env!("CARGO_PKG_VERSION_PATCH"))
};

fn abi(status: Status) -> Fail {
    Fail::new(status.code(), status.name())
}

fn load_fail(e: &LoadError) -> Fail {
    Fail::new(sys::WASP_ERR_LOAD, e.to_string())
}

fn run_fail(e: &RunError) -> Fail {
    match e {
        RunError::NotLoaded => Fail::new(sys::WASP_ERR_NOT_LOADED, e.to_string()),
        RunError::Faulted(_) => Fail::new(sys::WASP_ERR_FAULTED, e.to_string()),
    }
}

/// Borrows `len` bytes at `ptr` (NULL only when empty).
///
/// # Safety
/// `ptr` is NULL or readable for `len` bytes for the lifetime `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], Fail> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() || len > isize::MAX as usize {
        return Err(Fail::new(
            sys::WASP_ERR_INVALID_ARGUMENT,
            "NULL or oversize buffer",
        ));
    }
    // SAFETY: non-NULL, at most isize::MAX, readable per the caller's contract.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// The library version. See `wasp.h`.
#[no_mangle]
pub extern "C" fn wasp_version() -> u32 {
    VERSION
}

/// A static name for a status. See `wasp.h`.
#[no_mangle]
pub extern "C" fn wasp_status_name(status: sys::wasp_status) -> *const core::ffi::c_char {
    let name: &'static core::ffi::CStr = match status {
        sys::WASP_OK => c"ok",
        sys::WASP_ERR_VERSION => c"unsupported struct size or version",
        sys::WASP_ERR_LOAD => c"module rejected",
        sys::WASP_ERR_FAULTED => c"module faulted",
        sys::WASP_ERR_NOT_LOADED => c"no module loaded",
        sys::WASP_ERR_NOT_INITIALIZED => c"wasp_platform_init was not called",
        c => match Status::from_code(c) {
            Some(s) if s.code() == c => status_cname(s),
            _ => c"unknown status",
        },
    };
    name.as_ptr()
}

fn status_cname(s: Status) -> &'static core::ffi::CStr {
    match s {
        Status::InvalidArgument => c"invalid argument",
        Status::OutOfBounds => c"out of bounds",
        Status::BadHandle => c"bad or stale handle",
        Status::TooManyHandles => c"too many open handles",
        Status::BudgetExceeded => c"budget exceeded",
        Status::Unsupported => c"unsupported",
        Status::NotFound => c"not found",
        Status::WouldBlock => c"would block",
        Status::EndOfStream => c"end of stream",
        Status::InvalidState => c"invalid state",
        Status::Io => c"I/O error",
        Status::Timeout => c"timed out",
        Status::HttpError => c"HTTP error",
        Status::DecodeError => c"decode error",
        Status::Internal => c"internal error",
    }
}

/// Copies a caller's versioned struct of `T` into a zeroed `T`: fields past its
/// `struct_size` stay zero (NULL callbacks, preset values).
///
/// # Safety
/// `ptr` is non-NULL and readable for its leading `u32` and then `struct_size` bytes.
pub(crate) unsafe fn read_versioned<T: Default>(
    ptr: *const T,
    min: usize,
) -> Result<T, sys::wasp_status> {
    // SAFETY: every versioned struct starts with `uint32_t struct_size`.
    let size = unsafe { ptr.cast::<u32>().read_unaligned() } as usize;
    if size < min || !size.is_multiple_of(core::mem::align_of::<T>()) {
        return Err(sys::WASP_ERR_VERSION);
    }
    let mut out = T::default();
    let n = size.min(core::mem::size_of::<T>());
    // SAFETY: the caller's struct has `size >= n` readable bytes; `out` has
    // `size_of::<T>() >= n`; the copy is whole fields (size is a multiple of T's
    // alignment, and all fields are integers, pointers or nullable function
    // pointers, for which any bytes a C compiler wrote are valid).
    unsafe {
        core::ptr::copy_nonoverlapping(ptr.cast::<u8>(), (&mut out as *mut T).cast::<u8>(), n)
    };
    Ok(out)
}

/// Bytes of a v1.0 `wasp_port` (through `kv_delete`).
const PORT_V1_SIZE: usize = core::mem::size_of::<sys::wasp_port>();
/// Bytes of a v1.0 `wasp_config` (through `media_store_bytes`; 1.1 appended
/// `init_fuel` and `image_bytes`).
const CONFIG_V1_SIZE: usize = core::mem::offset_of!(sys::wasp_config, init_fuel);

fn limits(config: &sys::wasp_config) -> Result<Limits, sys::wasp_status> {
    let mut l = match config.limits_preset {
        sys::WASP_LIMITS_TV => Limits::default(),
        sys::WASP_LIMITS_SMALL => Limits::small(),
        _ => return Err(sys::WASP_ERR_INVALID_ARGUMENT),
    };
    let size = |v: u64, keep: usize| -> Result<usize, sys::wasp_status> {
        if v == 0 {
            Ok(keep)
        } else {
            usize::try_from(v).map_err(|_| sys::WASP_ERR_INVALID_ARGUMENT)
        }
    };
    l.max_module_bytes = size(config.max_module_bytes, l.max_module_bytes)?;
    l.guest_memory_bytes = size(config.guest_memory_bytes, l.guest_memory_bytes)?;
    l.media_store_bytes = size(config.media_store_bytes, l.media_store_bytes)?;
    if config.fuel_per_tick != 0 {
        l.fuel_per_tick = config.fuel_per_tick;
    }
    if config.init_fuel != 0 {
        l.init_fuel = config.init_fuel;
    }
    l.image_bytes = size(config.image_bytes, l.image_bytes)?;
    Ok(l)
}

/// Creates a runtime. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_new(
    port: *const sys::wasp_port,
    config: *const sys::wasp_config,
    out: *mut *mut sys::wasp_runtime,
) -> sys::wasp_status {
    if port.is_null() || out.is_null() {
        return sys::WASP_ERR_INVALID_ARGUMENT;
    }
    if let Err(code) = crate::platform::ready() {
        return code;
    }
    let result = contain(|| -> Result<*mut sys::wasp_runtime, sys::wasp_status> {
        // SAFETY: non-NULL; readable per the contract. A v1.0 port is the whole struct.
        let vt = unsafe { read_versioned(port, PORT_V1_SIZE) }?;
        if vt.version != sys::WASP_PORT_VERSION_MAJOR {
            return Err(sys::WASP_ERR_VERSION);
        }
        if vt.now_us.is_none() || vt.log.is_none() {
            return Err(sys::WASP_ERR_INVALID_ARGUMENT);
        }
        let cfg = if config.is_null() {
            sys::wasp_config::default()
        } else {
            // SAFETY: non-NULL; readable per the contract.
            unsafe { read_versioned(config, CONFIG_V1_SIZE) }?
        };
        let limits = limits(&cfg)?;
        // SAFETY: `module_config` is NULL or readable for its length.
        let module_config = unsafe { bytes(cfg.module_config.cast(), cfg.module_config_len) }
            .map_err(|f| f.code)?
            .to_vec();
        handle::register(Runtime::new(CPort::new(vt), limits, module_config))
    });
    match result {
        Some(Ok(rt)) => {
            // SAFETY: `out` is non-NULL and writable per the contract.
            unsafe { out.write(rt) };
            sys::WASP_OK
        }
        Some(Err(code)) => code,
        None => sys::WASP_ERR_INTERNAL,
    }
}

/// Destroys a runtime. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_destroy(runtime: *mut sys::wasp_runtime) -> sys::wasp_status {
    handle::destroy(runtime)
}

/// Verifies a module. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_verify(
    runtime: *mut sys::wasp_runtime,
    module: *const u8,
    len: usize,
) -> sys::wasp_status {
    handle::with(runtime, |h| {
        // SAFETY: NULL or readable for `len` during this call.
        let b = unsafe { bytes(module, len) }?;
        h.runtime.verify(b).map(drop).map_err(|e| load_fail(&e))
    })
}

/// Loads and starts a module. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_load(
    runtime: *mut sys::wasp_runtime,
    module: *const u8,
    len: usize,
) -> sys::wasp_status {
    handle::with(runtime, |h| {
        // SAFETY: NULL or readable for `len` during this call.
        let b = unsafe { bytes(module, len) }?;
        h.runtime.load(b).map(drop).map_err(|e| load_fail(&e))
    })
}

/// Restarts the module. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_restart(runtime: *mut sys::wasp_runtime) -> sys::wasp_status {
    handle::with(runtime, |h| {
        h.runtime.restart().map_err(|e| match e {
            LoadError::NothingToRestart => Fail::new(sys::WASP_ERR_NOT_LOADED, e.to_string()),
            e => load_fail(&e),
        })
    })
}

/// Runs one tick. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_tick(
    runtime: *mut sys::wasp_runtime,
    now_us: i64,
    out_next_us: *mut i64,
) -> sys::wasp_status {
    handle::with(runtime, |h| {
        let next = match h.runtime.tick(now_us).map_err(|e| run_fail(&e))? {
            Tick::Ran { next_us } => next_us,
            Tick::Sliced => now_us,
        };
        if !out_next_us.is_null() {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { out_next_us.write(next) };
        }
        Ok(())
    })
}

fn push(h: &mut handle::Handle, event: HostEvent) -> Result<(), Fail> {
    h.runtime.push_event(event).map_err(abi)
}

/// Queues a key. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_key(
    runtime: *mut sys::wasp_runtime,
    key: u32,
    action: u32,
    time_us: i64,
) -> sys::wasp_status {
    handle::with(runtime, |h| {
        let bad = || Fail::new(sys::WASP_ERR_INVALID_ARGUMENT, "unknown key or key action");
        let key = Key::from_u32(key)
            .filter(|k| *k != Key::None)
            .ok_or_else(bad)?;
        let action = KeyAction::from_u32(action).ok_or_else(bad)?;
        push(
            h,
            HostEvent::Key(KeyEvent {
                time_us,
                key,
                action,
            }),
        )
    })
}

/// Queues a command. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_command(
    runtime: *mut sys::wasp_runtime,
    command: u32,
    value: i64,
    argument: *const core::ffi::c_char,
    argument_len: usize,
) -> sys::wasp_status {
    handle::with(runtime, |h| {
        let command = Command::from_u32(command)
            .ok_or_else(|| Fail::new(sys::WASP_ERR_INVALID_ARGUMENT, "unknown command"))?;
        let argument = copy_str(argument, argument_len).map_err(|_| {
            Fail::new(
                sys::WASP_ERR_INVALID_ARGUMENT,
                "command argument NULL, longer than WASP_MAX_ARGUMENT or not UTF-8",
            )
        })?;
        let event = CommandEvent {
            position_us: value,
            command,
            flags: 0,
        };
        push(h, HostEvent::Command(event, argument))
    })
}

/// Queues a `Load` command. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_load_url(
    runtime: *mut sys::wasp_runtime,
    url: *const core::ffi::c_char,
    url_len: usize,
    start_us: i64,
) -> sys::wasp_status {
    // SAFETY: forwarded with the caller's guarantees.
    unsafe { wasp_runtime_command(runtime, sys::WASP_COMMAND_LOAD, start_us, url, url_len) }
}

/// Queues `Play`. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_play(runtime: *mut sys::wasp_runtime) -> sys::wasp_status {
    // SAFETY: no pointer argument besides the checked handle.
    unsafe { wasp_runtime_command(runtime, sys::WASP_COMMAND_PLAY, 0, core::ptr::null(), 0) }
}

/// Queues `Pause`. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_pause(runtime: *mut sys::wasp_runtime) -> sys::wasp_status {
    // SAFETY: no pointer argument besides the checked handle.
    unsafe { wasp_runtime_command(runtime, sys::WASP_COMMAND_PAUSE, 0, core::ptr::null(), 0) }
}

/// Queues `Seek`. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_seek(
    runtime: *mut sys::wasp_runtime,
    position_us: i64,
) -> sys::wasp_status {
    // SAFETY: no pointer argument besides the checked handle.
    unsafe {
        wasp_runtime_command(
            runtime,
            sys::WASP_COMMAND_SEEK,
            position_us,
            core::ptr::null(),
            0,
        )
    }
}

/// Queues `Stop`. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_stop(runtime: *mut sys::wasp_runtime) -> sys::wasp_status {
    // SAFETY: no pointer argument besides the checked handle.
    unsafe { wasp_runtime_command(runtime, sys::WASP_COMMAND_STOP, 0, core::ptr::null(), 0) }
}

/// Queues a device event. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_device_event(
    runtime: *mut sys::wasp_runtime,
    what: u32,
    value: i64,
) -> sys::wasp_status {
    handle::with(runtime, |h| {
        let what = DeviceEventKind::from_u32(what)
            .ok_or_else(|| Fail::new(sys::WASP_ERR_INVALID_ARGUMENT, "unknown device event"))?;
        push(
            h,
            HostEvent::Device(DeviceEvent {
                value,
                what,
                reserved: 0,
            }),
        )
    })
}

/// The module's latest state. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_state(
    runtime: *mut sys::wasp_runtime,
    out_state: *mut u32,
    out_reason: *mut u32,
) -> sys::wasp_status {
    handle::with(runtime, |h| {
        if out_state.is_null() || out_reason.is_null() {
            return Err(abi(Status::InvalidArgument));
        }
        let (state, reason) = h.runtime.player_state();
        // SAFETY: both non-NULL and writable per the contract.
        unsafe {
            out_state.write(state.as_u32());
            out_reason.write(reason.as_u32());
        }
        Ok(())
    })
}

/// The module's latest QoE snapshot. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_qoe(
    runtime: *mut sys::wasp_runtime,
    out: *mut sys::wasp_qoe,
) -> sys::wasp_status {
    handle::with(runtime, |h| {
        if out.is_null() {
            return Err(abi(Status::InvalidArgument));
        }
        let qoe = h.runtime.qoe().ok_or_else(|| abi(Status::NotFound))?;
        // SAFETY: non-NULL and writable per the contract.
        unsafe { out.write(sys::wasp_qoe::from_abi(qoe)) };
        Ok(())
    })
}

/// The text of the last failure. See `wasp.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_runtime_last_error(
    runtime: *mut sys::wasp_runtime,
    buf: *mut core::ffi::c_char,
    cap: usize,
    out_len: *mut usize,
) -> sys::wasp_status {
    handle::with(runtime, |h| {
        if out_len.is_null() || (buf.is_null() && cap != 0) {
            // Not recorded: it would overwrite the error being asked for.
            return Err(Fail::new(
                sys::WASP_ERR_INVALID_ARGUMENT,
                h.last_error.clone(),
            ));
        }
        let text = h.last_error.as_bytes();
        let len = text.len();
        if cap != 0 {
            if len >= cap {
                return Err(Fail::new(
                    sys::WASP_ERR_BUDGET_EXCEEDED,
                    h.last_error.clone(),
                ));
            }
            // SAFETY: `buf` is writable for `cap > len` bytes per the contract.
            unsafe {
                core::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), len);
                buf.add(len).write(0);
            }
        }
        // SAFETY: non-NULL and writable per the contract.
        unsafe { out_len.write(len) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_1_1_limits_apply_and_zero_keeps_the_preset() {
        let config = sys::wasp_config {
            limits_preset: sys::WASP_LIMITS_SMALL,
            init_fuel: 20_000_000,
            image_bytes: 48 * 1024,
            ..Default::default()
        };
        let l = limits(&config).unwrap_or_else(|_| Limits::default());
        assert_eq!((l.init_fuel, l.image_bytes), (20_000_000, 48 * 1024));
        let preset = limits(&sys::wasp_config {
            limits_preset: sys::WASP_LIMITS_SMALL,
            ..Default::default()
        })
        .unwrap_or_else(|_| Limits::default());
        let small = Limits::small();
        assert_eq!(
            (preset.init_fuel, preset.image_bytes),
            (small.init_fuel, small.image_bytes)
        );
    }
}
