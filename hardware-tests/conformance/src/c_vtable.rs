//! Any Rust [`Port`] as a C `wasp_port` vtable ([`export`]): the mirror of
//! `wasp::CPort`, so C code written against `wasp_port.h` (the conformance suite)
//! drives a port written in Rust.
//!
//! What C passes in goes through the header-to-ABI conversions (`wasp::conv`), so an
//! unknown enum value is refused as the runtime would refuse it (with
//! `WASP_ERR_INVALID_ARGUMENT`, a zeroed answer, or a dropped notification); a
//! callback writes its `out` parameters only on `WASP_OK` (`wasp_port.h`). `draw`
//! is not exported (NULL): a `DrawList` is made only by the runtime's own checks.
//!
//! Safety of every callback: C calls it with the `user` of a live [`Exported`]
//! (whose port is borrowed for the export's life and used by nothing else during a
//! call) and with pointers valid for the lengths given, as `wasp_port.h` requires.
#![allow(unsafe_code)] // an FFI adapter

use core::ffi::{c_char, c_void};
use core::marker::PhantomData;

use wasp::conv::Conv;
use wasp::sys;
use wasp_core::abi::player::{LogLevel, PlayerState, ReportKind, StateReason};
use wasp_core::abi::store::CipherMode;
use wasp_core::abi::Status;
use wasp_core::{HostEvent, Port};

/// What `user` points at: the port, and the argument of the last command event
/// (which must stay valid until the next callback, `wasp_port.h`).
struct Slot<P> {
    port: *mut P,
    argument: String,
}

/// A port exported as a vtable; the port stays borrowed while this lives.
pub struct Exported<'a, P: Port> {
    vt: sys::wasp_port,
    slot: Box<Slot<P>>,
    _port: PhantomData<&'a mut P>,
}

impl<P: Port> Exported<'_, P> {
    /// The vtable (its `user` is this export's; valid while the export lives).
    pub fn vtable(&mut self) -> &mut sys::wasp_port {
        &mut self.vt
    }

    /// The exported port, for code that runs between the vtable's calls (a
    /// harness letting time pass). Dereference it only while no callback runs.
    pub fn port(&self) -> *mut P {
        self.slot.port
    }
}

/// Exports `port` as a `wasp_port` of this header's size and major version.
pub fn export<P: Port>(port: &mut P) -> Exported<'_, P> {
    let mut slot = Box::new(Slot {
        port: port as *mut P,
        argument: String::new(),
    });
    let user = (&mut *slot as *mut Slot<P>).cast::<c_void>();
    let vt = sys::wasp_port {
        struct_size: core::mem::size_of::<sys::wasp_port>() as u32,
        version: sys::WASP_PORT_VERSION_MAJOR,
        user,
        now_us: Some(now_us::<P>),
        log: Some(log::<P>),
        random_fill: Some(random_fill::<P>),
        poll_event: Some(poll_event::<P>),
        on_state: Some(on_state::<P>),
        on_report: Some(on_report::<P>),
        fatal: Some(fatal::<P>),
        decoding_info: Some(decoding_info::<P>),
        display_info: Some(display_info::<P>),
        audio_info: Some(audio_info::<P>),
        features: Some(features::<P>),
        fetch_open: Some(fetch_open::<P>),
        fetch_info: Some(fetch_info::<P>),
        fetch_read: Some(fetch_read::<P>),
        fetch_header: Some(fetch_header::<P>),
        fetch_url: Some(fetch_url::<P>),
        fetch_close: Some(fetch_close::<P>),
        decrypt: Some(decrypt::<P>),
        decoder_open: Some(decoder_open::<P>),
        decoder_submit: Some(decoder_submit::<P>),
        decoder_info: Some(decoder_info::<P>),
        decoder_flush: Some(decoder_flush::<P>),
        decoder_close: Some(decoder_close::<P>),
        media_clock: Some(media_clock::<P>),
        media_set_rate: Some(media_set_rate::<P>),
        media_set_position: Some(media_set_position::<P>),
        image_create: Some(image_create::<P>),
        image_update: Some(image_update::<P>),
        image_free: Some(image_free::<P>),
        draw: None,
        present: Some(present::<P>),
        kv_get: Some(kv_get::<P>),
        kv_set: Some(kv_set::<P>),
        kv_delete: Some(kv_delete::<P>),
    };
    Exported {
        vt,
        slot,
        _port: PhantomData,
    }
}

/// The slot behind `user`.
///
/// # Safety
/// `user` is the `user` of a live [`Exported`] vtable and no other reference to
/// its port is in use during the callback.
unsafe fn slot<'a, P>(user: *mut c_void) -> &'a mut Slot<P> {
    // SAFETY: the caller's promise.
    unsafe { &mut *user.cast::<Slot<P>>() }
}

/// The port behind `user` (see [`slot`]).
unsafe fn port<'a, P>(user: *mut c_void) -> &'a mut P {
    // SAFETY: the caller's promise; the slot's port outlives the export.
    unsafe { &mut *slot::<P>(user).port }
}

/// `len` bytes at `ptr` (empty when NULL or 0).
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: the header's contract: a buffer is valid for its length.
    unsafe { core::slice::from_raw_parts(ptr, len) }
}

/// `len` writable bytes at `ptr` (empty when NULL or 0).
unsafe fn bytes_mut<'a>(ptr: *mut u8, len: usize) -> &'a mut [u8] {
    if ptr.is_null() || len == 0 {
        return &mut [];
    }
    // SAFETY: as `bytes`.
    unsafe { core::slice::from_raw_parts_mut(ptr, len) }
}

/// A UTF-8 string of `len` bytes at `ptr`; `None` when it is not UTF-8.
unsafe fn text<'a>(ptr: *const c_char, len: usize) -> Option<&'a str> {
    // SAFETY: as `bytes`.
    core::str::from_utf8(unsafe { bytes(ptr.cast(), len) }).ok()
}

/// Writes `value` to `out` when it is not NULL.
unsafe fn put<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: the header's contract: `out` points at a `T`.
        unsafe { out.write(value) };
    }
}

/// A result as a status, writing `Ok`'s value through `write` first.
fn status<T>(result: Result<T, Status>, write: impl FnOnce(T)) -> sys::wasp_status {
    match result {
        Ok(value) => {
            write(value);
            0
        }
        Err(e) => e.code(),
    }
}

const INVALID: sys::wasp_status = sys::WASP_ERR_INVALID_ARGUMENT;

unsafe extern "C" fn now_us<P: Port>(user: *mut c_void) -> i64 {
    unsafe { port::<P>(user) }.now_us()
}

unsafe extern "C" fn log<P: Port>(user: *mut c_void, level: u32, line: *const c_char, len: usize) {
    let level = LogLevel::from_u32(level).unwrap_or(LogLevel::Error);
    if let Some(line) = unsafe { text(line, len) } {
        unsafe { port::<P>(user) }.log(level, line);
    }
}

unsafe extern "C" fn random_fill<P: Port>(user: *mut c_void, buf: *mut u8, len: usize) {
    unsafe { port::<P>(user) }.random_fill(unsafe { bytes_mut(buf, len) });
}

unsafe extern "C" fn poll_event<P: Port>(user: *mut c_void, out: *mut sys::wasp_host_event) -> i32 {
    let slot = unsafe { slot::<P>(user) };
    let Some(event) = unsafe { &mut *slot.port }.poll_event() else {
        return 0;
    };
    let mut ev = sys::wasp_host_event::default();
    match event {
        HostEvent::Key(key) => {
            ev.kind = sys::WASP_EVENT_KEY;
            ev.key = sys::wasp_key_event::from_abi(&key);
        }
        HostEvent::Command(command, argument) => {
            ev.kind = sys::WASP_EVENT_COMMAND;
            ev.command = sys::wasp_command_event::from_abi(&command);
            slot.argument = argument;
            ev.argument = slot.argument.as_ptr().cast();
            ev.argument_len = slot.argument.len();
        }
        HostEvent::Fetch(fetch) => {
            ev.kind = sys::WASP_EVENT_FETCH;
            ev.fetch = sys::wasp_fetch_event::from_abi(&fetch);
        }
        HostEvent::Decoder(decoder) => {
            ev.kind = sys::WASP_EVENT_DECODER;
            ev.decoder = sys::wasp_decoder_event::from_abi(&decoder);
        }
        HostEvent::Device(device) => {
            ev.kind = sys::WASP_EVENT_DEVICE;
            ev.device = sys::wasp_device_event::from_abi(&device);
        }
    }
    unsafe { put(out, ev) };
    1
}

unsafe extern "C" fn on_state<P: Port>(user: *mut c_void, state: u32, reason: u32) {
    if let (Some(state), Some(reason)) =
        (PlayerState::from_u32(state), StateReason::from_u32(reason))
    {
        unsafe { port::<P>(user) }.on_state(state, reason);
    }
}

unsafe extern "C" fn on_report<P: Port>(
    user: *mut c_void,
    kind: u32,
    payload: *const u8,
    len: usize,
) {
    if let Some(kind) = ReportKind::from_u32(kind) {
        unsafe { port::<P>(user) }.on_report(kind, unsafe { bytes(payload, len) });
    }
}

unsafe extern "C" fn fatal<P: Port>(user: *mut c_void, message: *const c_char, len: usize) {
    let message = unsafe { text(message, len) }.unwrap_or("(not UTF-8)");
    unsafe { port::<P>(user) }.fatal(message);
}

unsafe extern "C" fn decoding_info<P: Port>(
    user: *mut c_void,
    query: *const sys::wasp_decoding_query,
    codecs: *const c_char,
    codecs_len: usize,
    out: *mut sys::wasp_decoding_info,
) {
    let answer = match (unsafe { query.as_ref() }.map(Conv::to_abi), unsafe {
        text(codecs, codecs_len)
    }) {
        (Some(Ok(query)), Some(codecs)) => unsafe { port::<P>(user) }.decoding_info(&query, codecs),
        _ => Default::default(),
    };
    unsafe { put(out, sys::wasp_decoding_info::from_abi(&answer)) };
}

unsafe extern "C" fn display_info<P: Port>(user: *mut c_void, out: *mut sys::wasp_display_info) {
    let info = unsafe { port::<P>(user) }.display_info();
    unsafe { put(out, sys::wasp_display_info::from_abi(&info)) };
}

unsafe extern "C" fn audio_info<P: Port>(user: *mut c_void, out: *mut sys::wasp_audio_output_info) {
    let info = unsafe { port::<P>(user) }.audio_info();
    unsafe { put(out, sys::wasp_audio_output_info::from_abi(&info)) };
}

unsafe extern "C" fn features<P: Port>(user: *mut c_void) -> u64 {
    unsafe { port::<P>(user) }.features()
}

unsafe extern "C" fn fetch_open<P: Port>(
    user: *mut c_void,
    request: *const sys::wasp_fetch_request,
    url: *const c_char,
    url_len: usize,
    headers: *const c_char,
    headers_len: usize,
    out_id: *mut u32,
) -> sys::wasp_status {
    let (Some(Ok(request)), Some(url), Some(headers)) = (
        unsafe { request.as_ref() }.map(Conv::to_abi),
        unsafe { text(url, url_len) },
        unsafe { text(headers, headers_len) },
    ) else {
        return INVALID;
    };
    let opened = unsafe { port::<P>(user) }.fetch_open(&request, url, headers);
    status(opened, |id| unsafe { put(out_id, id) })
}

unsafe extern "C" fn fetch_info<P: Port>(
    user: *mut c_void,
    id: u32,
    out: *mut sys::wasp_fetch_info,
) {
    let info = unsafe { port::<P>(user) }.fetch_info(id);
    unsafe { put(out, sys::wasp_fetch_info::from_abi(&info)) };
}

unsafe extern "C" fn fetch_read<P: Port>(
    user: *mut c_void,
    id: u32,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> sys::wasp_status {
    let read = unsafe { port::<P>(user) }.fetch_read(id, unsafe { bytes_mut(buf, cap) });
    status(read, |n| unsafe { put(out_len, n) })
}

unsafe extern "C" fn fetch_header<P: Port>(
    user: *mut c_void,
    id: u32,
    name: *const c_char,
    name_len: usize,
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> sys::wasp_status {
    let Some(name) = (unsafe { text(name, name_len) }) else {
        return INVALID;
    };
    let got = unsafe { port::<P>(user) }.fetch_header(id, name, unsafe { bytes_mut(out, cap) });
    status(got, |n| unsafe { put(out_len, n) })
}

unsafe extern "C" fn fetch_url<P: Port>(
    user: *mut c_void,
    id: u32,
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> sys::wasp_status {
    let got = unsafe { port::<P>(user) }.fetch_url(id, unsafe { bytes_mut(out, cap) });
    status(got, |n| unsafe { put(out_len, n) })
}

unsafe extern "C" fn fetch_close<P: Port>(user: *mut c_void, id: u32) {
    unsafe { port::<P>(user) }.fetch_close(id);
}

unsafe extern "C" fn decrypt<P: Port>(
    user: *mut c_void,
    mode: u32,
    key: *const u8,
    iv: *const u8,
    data: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> sys::wasp_status {
    let (Some(mode), Ok(key), Ok(iv)) = (
        CipherMode::from_u32(mode),
        <&[u8; 16]>::try_from(unsafe { bytes(key, 16) }),
        <&[u8; 16]>::try_from(unsafe { bytes(iv, 16) }),
    ) else {
        return INVALID;
    };
    let done = unsafe { port::<P>(user) }.decrypt(mode, key, iv, unsafe { bytes_mut(data, len) });
    status(done, |n| unsafe { put(out_len, n) })
}

unsafe extern "C" fn decoder_open<P: Port>(
    user: *mut c_void,
    config: *const sys::wasp_decoder_config,
    extra: *const u8,
    extra_len: usize,
    out_id: *mut u32,
) -> sys::wasp_status {
    let Some(Ok(config)) = unsafe { config.as_ref() }.map(Conv::to_abi) else {
        return INVALID;
    };
    let opened =
        unsafe { port::<P>(user) }.decoder_open(&config, unsafe { bytes(extra, extra_len) });
    status(opened, |id| unsafe { put(out_id, id) })
}

#[allow(clippy::too_many_arguments)] // the header's signature
unsafe extern "C" fn decoder_submit<P: Port>(
    user: *mut c_void,
    id: u32,
    sample: *const sys::wasp_sample_info,
    pieces: *const sys::wasp_slice,
    piece_count: usize,
    encryption: *const sys::wasp_encryption_info,
    subsamples: *const sys::wasp_subsample,
    subsample_count: usize,
) -> sys::wasp_status {
    let Some(Ok(sample)) = unsafe { sample.as_ref() }.map(Conv::to_abi) else {
        return INVALID;
    };
    let slices: &[sys::wasp_slice] = if pieces.is_null() || piece_count == 0 {
        &[]
    } else {
        // SAFETY: the header's contract: `piece_count` slices at `pieces`.
        unsafe { core::slice::from_raw_parts(pieces, piece_count) }
    };
    let data: Vec<&[u8]> = slices
        .iter()
        .map(|p| unsafe { bytes(p.data, p.len) })
        .collect();
    let encrypted = match unsafe { encryption.as_ref() } {
        None => None,
        Some(info) => {
            let Ok(info) = info.to_abi() else {
                return INVALID;
            };
            let runs: &[sys::wasp_subsample] = if subsamples.is_null() || subsample_count == 0 {
                &[]
            } else {
                // SAFETY: as the pieces.
                unsafe { core::slice::from_raw_parts(subsamples, subsample_count) }
            };
            let runs: Result<Vec<_>, Status> = runs.iter().map(Conv::to_abi).collect();
            let Ok(runs) = runs else {
                return INVALID;
            };
            Some((info, runs))
        }
    };
    let port = unsafe { port::<P>(user) };
    let result = port.decoder_submit(
        id,
        &sample,
        &data,
        encrypted
            .as_ref()
            .map(|(info, runs)| (info, runs.as_slice())),
    );
    status(result, |()| {})
}

unsafe extern "C" fn decoder_info<P: Port>(
    user: *mut c_void,
    id: u32,
    out: *mut sys::wasp_decoder_stats,
) {
    let stats = unsafe { port::<P>(user) }.decoder_info(id);
    unsafe { put(out, sys::wasp_decoder_stats::from_abi(&stats)) };
}

unsafe extern "C" fn decoder_flush<P: Port>(user: *mut c_void, id: u32) {
    unsafe { port::<P>(user) }.decoder_flush(id);
}

unsafe extern "C" fn decoder_close<P: Port>(user: *mut c_void, id: u32) {
    unsafe { port::<P>(user) }.decoder_close(id);
}

unsafe extern "C" fn media_clock<P: Port>(user: *mut c_void, out: *mut sys::wasp_media_clock_info) {
    let clock = unsafe { port::<P>(user) }.media_clock();
    unsafe { put(out, sys::wasp_media_clock_info::from_abi(&clock)) };
}

unsafe extern "C" fn media_set_rate<P: Port>(user: *mut c_void, rate_milli: u32) {
    unsafe { port::<P>(user) }.media_set_rate(rate_milli);
}

unsafe extern "C" fn media_set_position<P: Port>(user: *mut c_void, pts_us: i64) {
    unsafe { port::<P>(user) }.media_set_position(pts_us);
}

unsafe extern "C" fn image_create<P: Port>(
    user: *mut c_void,
    desc: *const sys::wasp_image_desc,
    pixels: *const u8,
    len: usize,
    out_id: *mut u32,
) -> sys::wasp_status {
    let Some(Ok(desc)) = unsafe { desc.as_ref() }.map(Conv::to_abi) else {
        return INVALID;
    };
    let created = unsafe { port::<P>(user) }.image_create(&desc, unsafe { bytes(pixels, len) });
    status(created, |id| unsafe { put(out_id, id) })
}

unsafe extern "C" fn image_update<P: Port>(
    user: *mut c_void,
    id: u32,
    rect: *const sys::wasp_rect,
    pixels: *const u8,
    len: usize,
) {
    if let Some(Ok(rect)) = unsafe { rect.as_ref() }.map(Conv::to_abi) {
        unsafe { port::<P>(user) }.image_update(id, &rect, unsafe { bytes(pixels, len) });
    }
}

unsafe extern "C" fn image_free<P: Port>(user: *mut c_void, id: u32) {
    unsafe { port::<P>(user) }.image_free(id);
}

unsafe extern "C" fn present<P: Port>(user: *mut c_void) {
    unsafe { port::<P>(user) }.present();
}

unsafe extern "C" fn kv_get<P: Port>(
    user: *mut c_void,
    key: *const u8,
    key_len: usize,
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> sys::wasp_status {
    let got = unsafe { port::<P>(user) }.kv_get(unsafe { bytes(key, key_len) }, unsafe {
        bytes_mut(out, cap)
    });
    status(got, |n| unsafe { put(out_len, n) })
}

unsafe extern "C" fn kv_set<P: Port>(
    user: *mut c_void,
    key: *const u8,
    key_len: usize,
    value: *const u8,
    value_len: usize,
) -> sys::wasp_status {
    let set = unsafe { port::<P>(user) }.kv_set(unsafe { bytes(key, key_len) }, unsafe {
        bytes(value, value_len)
    });
    status(set, |()| {})
}

unsafe extern "C" fn kv_delete<P: Port>(
    user: *mut c_void,
    key: *const u8,
    key_len: usize,
) -> sys::wasp_status {
    status(
        unsafe { port::<P>(user) }.kv_delete(unsafe { bytes(key, key_len) }),
        |()| {},
    )
}
