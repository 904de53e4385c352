//! The port as Rust sees it: [`Device`] owns a `wasp_linux` device (the C library
//! this crate compiles and links) and hands out its vtable as a [`wasp::CPort`],
//! so Rust code (the conformance suite) drives the C port through the same
//! adapter the runtime uses.
// The FFI edge of this crate: every unsafe block states its reason.
#![allow(unsafe_code)]

use core::ffi::{c_char, c_void};
use std::ffi::CString;
use std::path::Path;

use wasp::{sys, CPort};

/// `wasp_linux_config` (include/wasp_linux.h), field for field.
#[repr(C)]
struct RawConfig {
    fbdev_path: *const c_char,
    evdev_path: *const c_char,
    wav_path: *const c_char,
    kv_path: *const c_char,
    frame_log_path: *const c_char,
    audio_log_path: *const c_char,
    screen_log_path: *const c_char,
    width: u32,
    height: u32,
    frame_timebase: u32,
    virtual_clock: u32,
    decoder_queue_bytes: u32,
    log_level: u32,
    drm_path: *const c_char,
    alsa_device: *const c_char,
    v4l2_path: *const c_char,
}

extern "C" {
    fn wasp_linux_new(config: *const RawConfig, out: *mut *mut c_void) -> i32;
    fn wasp_linux_free(device: *mut c_void);
    fn wasp_linux_port(device: *mut c_void, out: *mut sys::wasp_port);
    fn wasp_linux_wait(device: *mut c_void, until_us: i64, max_step_us: i64) -> i64;
    fn wasp_linux_now(device: *mut c_void) -> i64;
}

/// What to open (a subset of `wasp_linux_config`: the file-backed devices).
#[derive(Clone, Debug, Default)]
pub struct Settings<'a> {
    /// DRM/KMS device (falls back to `fbdev`).
    pub drm: Option<&'a Path>,
    /// fbdev device or file.
    pub fbdev: Option<&'a Path>,
    /// evdev device or file of `struct input_event`s.
    pub evdev: Option<&'a Path>,
    /// Key-value store file.
    pub kv: Option<&'a Path>,
    /// Display size (0: 1280 x 720).
    pub size: (u32, u32),
    /// Virtual clock (deterministic) instead of CLOCK_MONOTONIC.
    pub virtual_clock: bool,
}

/// A `wasp_linux` device.
#[derive(Debug)]
pub struct Device {
    raw: *mut c_void,
}

fn c_path(path: Option<&Path>) -> Result<Option<CString>, i32> {
    path.map(|p| CString::new(p.as_os_str().as_encoded_bytes()).map_err(|_| -1))
        .transpose()
}

impl Device {
    /// Opens a device.
    ///
    /// # Errors
    /// The `wasp_status` of `wasp_linux_new` (a path with a NUL byte: -1).
    pub fn new(settings: &Settings<'_>) -> Result<Self, i32> {
        let (drm, fbdev, evdev, kv) = (
            c_path(settings.drm)?,
            c_path(settings.fbdev)?,
            c_path(settings.evdev)?,
            c_path(settings.kv)?,
        );
        let ptr = |s: &Option<CString>| s.as_ref().map_or(core::ptr::null(), |c| c.as_ptr());
        let config = RawConfig {
            fbdev_path: ptr(&fbdev),
            evdev_path: ptr(&evdev),
            wav_path: core::ptr::null(),
            kv_path: ptr(&kv),
            frame_log_path: core::ptr::null(),
            audio_log_path: core::ptr::null(),
            screen_log_path: core::ptr::null(),
            width: settings.size.0,
            height: settings.size.1,
            frame_timebase: 0,
            virtual_clock: u32::from(settings.virtual_clock),
            decoder_queue_bytes: 0,
            log_level: 0,
            drm_path: ptr(&drm),
            alsa_device: core::ptr::null(),
            v4l2_path: core::ptr::null(),
        };
        let mut raw = core::ptr::null_mut();
        // SAFETY: `config` and the strings it points to live through the call (the
        // device copies them); `raw` is writable.
        let status = unsafe { wasp_linux_new(&config, &mut raw) };
        if status != 0 || raw.is_null() {
            return Err(status);
        }
        Ok(Self { raw })
    }

    /// The device's port as a Rust `Port`: a copy of its vtable whose `user` is
    /// the device.
    ///
    /// # Safety
    /// The port calls into the device: use it only while the device lives.
    pub unsafe fn port(&mut self) -> CPort {
        let mut vt = sys::wasp_port::default();
        // SAFETY: `self.raw` is a live device; `vt` is writable.
        unsafe { wasp_linux_port(self.raw, &mut vt) };
        // SAFETY: the vtable is the device's own (every callback of the header's
        // signature); `user` is the device, which the caller keeps alive.
        unsafe { CPort::from_vtable(vt) }
    }

    /// `wasp_linux_wait`: lets time pass (virtual: moves to `until_us`).
    pub fn wait(&mut self, until_us: i64, max_step_us: i64) -> i64 {
        // SAFETY: `self.raw` is a live device.
        unsafe { wasp_linux_wait(self.raw, until_us, max_step_us) }
    }

    /// The device's time, µs.
    pub fn now(&mut self) -> i64 {
        // SAFETY: `self.raw` is a live device.
        unsafe { wasp_linux_now(self.raw) }
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        // SAFETY: `self.raw` came from `wasp_linux_new` and is freed once.
        unsafe { wasp_linux_free(self.raw) };
    }
}
