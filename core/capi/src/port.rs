//! [`CPort`]: a C `wasp_port` as a Rust [`Port`].
//!
//! Every method calls the matching function pointer, or answers the trait's default
//! when it is NULL. Rust buffers handed to C are valid only during the call
//! (`wasp_port.h`). What C hands back is checked before the runtime sees it: statuses
//! outside the ABI's range become `Internal`, lengths larger than the buffer become
//! `Internal`, structs go through the ABI's decoders (unknown enum values rejected).

use alloc::string::String;
use alloc::vec::Vec;

use wasp_abi::caps::{AudioOutputInfo, DecodingInfo, DecodingQuery, DisplayInfo};
use wasp_abi::decoder::{
    DecoderConfig, DecoderStats, EncryptionInfo, MediaClockInfo, SampleInfo, Subsample,
};
use wasp_abi::event::MAX_ARGUMENT;
use wasp_abi::fetch::{FetchInfo, FetchRequest};
use wasp_abi::gfx::{ImageDesc, Rect};
use wasp_abi::player::{LogLevel, PlayerState, ReportKind, StateReason};
use wasp_abi::store::CipherMode;
use wasp_abi::Status;
use wasp_core::{DrawList, HostEvent, Port, PortId};

use crate::conv::Conv;
use crate::sys;

/// A C port: the vtable copied from the caller (fields past its `struct_size` NULL).
pub struct CPort {
    vt: sys::wasp_port,
}

impl CPort {
    /// Wraps a vtable already checked by `wasp_runtime_new`.
    pub(crate) fn new(vt: sys::wasp_port) -> Self {
        Self { vt }
    }

    /// A C port as a Rust [`Port`], for Rust code that drives a port written in C
    /// (the conformance suite runs C ports through this).
    ///
    /// # Safety
    /// Every non-NULL callback of `vt` must be a function of the header's
    /// signature, and `vt.user` must stay valid, as `wasp_port.h` requires of a
    /// port given to `wasp_runtime_new`, for as long as the `CPort` is used.
    pub unsafe fn from_vtable(vt: sys::wasp_port) -> Self {
        Self { vt }
    }
}

/// A status returned by C: 0 is success, ABI codes pass through, anything else (a
/// positive value, a C-API-only code) is `Internal`.
fn check(code: sys::wasp_status) -> Result<(), Status> {
    match code {
        0 => Ok(()),
        c if c < 0 && c > -100 => Err(Status::from_code(c).unwrap_or(Status::Internal)),
        _ => Err(Status::Internal),
    }
}

/// A length C reported for a buffer of `cap` bytes.
fn within(len: usize, cap: usize) -> Result<usize, Status> {
    if len <= cap {
        Ok(len)
    } else {
        Err(Status::Internal)
    }
}

/// Calls an optional callback: `$none` when it is NULL.
macro_rules! call {
    ($self:ident . $f:ident ( $($arg:expr),* ) else $none:expr) => {
        match $self.vt.$f {
            // SAFETY: the port promised (wasp_port.h) that a non-NULL callback is a
            // function of the header's signature; `user` is its own pointer, and every
            // pointer argument is valid for the stated length for the whole call.
            Some(f) => unsafe { f($self.vt.user $(, $arg)*) },
            None => return $none,
        }
    };
    ($self:ident . $f:ident ( $($arg:expr),* )) => {
        if let Some(f) = $self.vt.$f {
            // SAFETY: as above.
            unsafe { f($self.vt.user $(, $arg)*) }
        }
    };
}

impl Port for CPort {
    fn now_us(&mut self) -> i64 {
        call!(self.now_us() else 0)
    }

    fn log(&mut self, level: LogLevel, line: &str) {
        call!(self.log(level.as_u32(), line.as_ptr().cast(), line.len()));
    }

    fn random_fill(&mut self, buf: &mut [u8]) {
        if self.vt.random_fill.is_none() {
            buf.fill(0);
        }
        call!(self.random_fill(buf.as_mut_ptr(), buf.len()));
    }

    fn poll_event(&mut self) -> Option<HostEvent> {
        let mut ev = sys::wasp_host_event::default();
        if call!(self.poll_event(&mut ev) else None) != 1 {
            return None;
        }
        match self.event(&ev) {
            Ok(event) => Some(event),
            Err(why) => {
                // A malformed event is the port's bug: say so and drop it.
                let line = alloc::format!("wasp: port event of kind {} dropped: {why}", ev.kind);
                self.log(LogLevel::Error, &line);
                None
            }
        }
    }

    fn on_state(&mut self, state: PlayerState, reason: StateReason) {
        call!(self.on_state(state.as_u32(), reason.as_u32()));
    }

    fn on_report(&mut self, kind: ReportKind, payload: &[u8]) {
        call!(self.on_report(kind.as_u32(), payload.as_ptr(), payload.len()));
    }

    fn fatal(&mut self, message: &str) {
        call!(self.fatal(message.as_ptr().cast(), message.len()));
    }

    fn decoding_info(&mut self, query: &DecodingQuery, codecs: &str) -> DecodingInfo {
        let q = sys::wasp_decoding_query::from_abi(query);
        let mut out = sys::wasp_decoding_info::default();
        call!(self.decoding_info(&q, codecs.as_ptr().cast(), codecs.len(), &mut out)
            else DecodingInfo::default());
        out.to_abi().unwrap_or_default()
    }

    fn display_info(&mut self) -> DisplayInfo {
        let mut out = sys::wasp_display_info::default();
        call!(self.display_info(&mut out) else DisplayInfo::default());
        out.to_abi().unwrap_or_default()
    }

    fn audio_info(&mut self) -> AudioOutputInfo {
        let mut out = sys::wasp_audio_output_info::default();
        call!(self.audio_info(&mut out) else AudioOutputInfo::default());
        out.to_abi().unwrap_or_default()
    }

    fn features(&mut self) -> u64 {
        call!(self.features() else 0)
    }

    fn fetch_open(
        &mut self,
        request: &FetchRequest,
        url: &str,
        headers: &str,
    ) -> Result<PortId, Status> {
        let req = sys::wasp_fetch_request::from_abi(request);
        let mut id = 0u32;
        check(call!(self.fetch_open(&req, url.as_ptr().cast(), url.len(),
            headers.as_ptr().cast(), headers.len(), &mut id) else Err(Status::Unsupported)))?;
        Ok(id)
    }

    fn fetch_info(&mut self, id: PortId) -> FetchInfo {
        let mut out = sys::wasp_fetch_info::default();
        call!(self.fetch_info(id, &mut out) else FetchInfo::default());
        out.to_abi().unwrap_or_default()
    }

    fn fetch_read(&mut self, id: PortId, buf: &mut [u8]) -> Result<usize, Status> {
        let mut n = 0usize;
        check(
            call!(self.fetch_read(id, buf.as_mut_ptr(), buf.len(), &mut n)
            else Err(Status::Unsupported)),
        )?;
        within(n, buf.len())
    }

    fn fetch_header(&mut self, id: PortId, name: &str, out: &mut [u8]) -> Result<usize, Status> {
        let mut n = 0usize;
        check(
            call!(self.fetch_header(id, name.as_ptr().cast(), name.len(),
            out.as_mut_ptr(), out.len(), &mut n) else Err(Status::NotFound)),
        )?;
        Ok(n)
    }

    fn fetch_url(&mut self, id: PortId, out: &mut [u8]) -> Result<usize, Status> {
        let mut n = 0usize;
        check(
            call!(self.fetch_url(id, out.as_mut_ptr(), out.len(), &mut n)
            else Err(Status::Unsupported)),
        )?;
        Ok(n)
    }

    fn fetch_close(&mut self, id: PortId) {
        call!(self.fetch_close(id));
    }

    fn decrypt(
        &mut self,
        mode: CipherMode,
        key: &[u8; 16],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<usize, Status> {
        let mut n = 0usize;
        check(call!(self.decrypt(mode.as_u32(), key.as_ptr(), iv.as_ptr(),
            data.as_mut_ptr(), data.len(), &mut n) else Err(Status::Unsupported)))?;
        within(n, data.len())
    }

    fn decoder_open(&mut self, config: &DecoderConfig, extra: &[u8]) -> Result<PortId, Status> {
        let c = sys::wasp_decoder_config::from_abi(config);
        let mut id = 0u32;
        check(
            call!(self.decoder_open(&c, extra.as_ptr(), extra.len(), &mut id)
            else Err(Status::Unsupported)),
        )?;
        Ok(id)
    }

    fn decoder_submit(
        &mut self,
        id: PortId,
        sample: &SampleInfo,
        data: &[&[u8]],
        encryption: Option<(&EncryptionInfo, &[Subsample])>,
    ) -> Result<(), Status> {
        let s = sys::wasp_sample_info::from_abi(sample);
        let pieces: Vec<sys::wasp_slice> = data
            .iter()
            .map(|p| sys::wasp_slice {
                data: p.as_ptr(),
                len: p.len(),
            })
            .collect();
        let enc = encryption.map(|(e, _)| sys::wasp_encryption_info::from_abi(e));
        let subs: Vec<sys::wasp_subsample> = encryption
            .map(|(_, s)| s.iter().map(sys::wasp_subsample::from_abi).collect())
            .unwrap_or_default();
        let enc_ptr = enc.as_ref().map_or(core::ptr::null(), |e| e as *const _);
        check(
            call!(self.decoder_submit(id, &s, pieces.as_ptr(), pieces.len(), enc_ptr,
            subs.as_ptr(), subs.len()) else Err(Status::Unsupported)),
        )
    }

    fn decoder_info(&mut self, id: PortId) -> DecoderStats {
        let mut out = sys::wasp_decoder_stats::default();
        call!(self.decoder_info(id, &mut out) else DecoderStats::default());
        out.to_abi().unwrap_or_default()
    }

    fn decoder_flush(&mut self, id: PortId) {
        call!(self.decoder_flush(id));
    }

    fn decoder_close(&mut self, id: PortId) {
        call!(self.decoder_close(id));
    }

    fn media_clock(&mut self) -> MediaClockInfo {
        let mut out = sys::wasp_media_clock_info::default();
        call!(self.media_clock(&mut out) else MediaClockInfo::default());
        out.to_abi().unwrap_or_default()
    }

    fn media_set_rate(&mut self, rate_milli: u32) {
        call!(self.media_set_rate(rate_milli));
    }

    fn media_set_position(&mut self, pts_us: i64) {
        call!(self.media_set_position(pts_us));
    }

    fn image_create(&mut self, desc: &ImageDesc, pixels: &[u8]) -> Result<PortId, Status> {
        let d = sys::wasp_image_desc::from_abi(desc);
        let mut id = 0u32;
        check(
            call!(self.image_create(&d, pixels.as_ptr(), pixels.len(), &mut id)
            else Err(Status::Unsupported)),
        )?;
        Ok(id)
    }

    fn image_update(&mut self, id: PortId, rect: &Rect, pixels: &[u8]) {
        let r = sys::wasp_rect::from_abi(rect);
        call!(self.image_update(id, &r, pixels.as_ptr(), pixels.len()));
    }

    fn image_free(&mut self, id: PortId) {
        call!(self.image_free(id));
    }

    fn draw(&mut self, list: &DrawList<'_>) {
        let bytes = list.as_bytes();
        call!(self.draw(bytes.as_ptr(), bytes.len()));
    }

    fn present(&mut self) {
        call!(self.present());
    }

    fn kv_get(&mut self, key: &[u8], out: &mut [u8]) -> Result<usize, Status> {
        let mut n = 0usize;
        check(
            call!(self.kv_get(key.as_ptr(), key.len(), out.as_mut_ptr(), out.len(), &mut n)
            else Err(Status::Unsupported)),
        )?;
        Ok(n)
    }

    fn kv_set(&mut self, key: &[u8], value: &[u8]) -> Result<(), Status> {
        check(
            call!(self.kv_set(key.as_ptr(), key.len(), value.as_ptr(), value.len())
            else Err(Status::Unsupported)),
        )
    }

    fn kv_delete(&mut self, key: &[u8]) -> Result<(), Status> {
        check(call!(self.kv_delete(key.as_ptr(), key.len()) else Err(Status::Unsupported)))
    }
}

impl CPort {
    /// A C event as a [`HostEvent`], checked like any input from outside.
    fn event(&self, ev: &sys::wasp_host_event) -> Result<HostEvent, Status> {
        Ok(match ev.kind {
            sys::WASP_EVENT_KEY => HostEvent::Key(ev.key.to_abi()?),
            sys::WASP_EVENT_COMMAND => {
                let command = ev.command.to_abi()?;
                let argument = copy_str(ev.argument, ev.argument_len)?;
                HostEvent::Command(command, argument)
            }
            sys::WASP_EVENT_FETCH => HostEvent::Fetch(ev.fetch.to_abi()?),
            sys::WASP_EVENT_DECODER => HostEvent::Decoder(ev.decoder.to_abi()?),
            sys::WASP_EVENT_DEVICE => HostEvent::Device(ev.device.to_abi()?),
            _ => return Err(Status::InvalidArgument),
        })
    }
}

/// Copies a C string of `len` bytes (at most [`MAX_ARGUMENT`], UTF-8; NULL only when
/// empty).
pub(crate) fn copy_str(ptr: *const core::ffi::c_char, len: usize) -> Result<String, Status> {
    if len == 0 {
        return Ok(String::new());
    }
    if ptr.is_null() || len > MAX_ARGUMENT {
        return Err(Status::InvalidArgument);
    }
    // SAFETY: non-NULL and, per the header's contract, valid for `len` bytes; `len`
    // is bounded above, so it cannot exceed `isize::MAX`.
    let bytes = unsafe { core::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    core::str::from_utf8(bytes)
        .map(String::from)
        .map_err(|_| Status::InvalidArgument)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
mod tests {
    use super::*;
    use core::ffi::{c_char, c_void};

    /// What the hostile callbacks below answer and record.
    #[derive(Default)]
    struct Script {
        kind: u32,
        argument: Vec<u8>,
        argument_null: bool,
        status: i32,
        length: usize,
        logs: Vec<String>,
    }

    // Callbacks get the script through `user`.
    fn script<'a>(user: *mut c_void) -> &'a mut Script {
        // SAFETY: every test passes a `Script` it owns for the adapter's lifetime.
        unsafe { &mut *user.cast::<Script>() }
    }

    unsafe extern "C" fn now(_: *mut c_void) -> i64 {
        7
    }
    unsafe extern "C" fn log(u: *mut c_void, _: u32, line: *const c_char, len: usize) {
        // SAFETY: the adapter passes a valid UTF-8 slice.
        let bytes = unsafe { core::slice::from_raw_parts(line.cast::<u8>(), len) };
        script(u)
            .logs
            .push(String::from_utf8(bytes.to_vec()).unwrap());
    }
    unsafe extern "C" fn poll(u: *mut c_void, out: *mut sys::wasp_host_event) -> i32 {
        let s = script(u);
        let mut ev = sys::wasp_host_event {
            kind: s.kind,
            ..Default::default()
        };
        ev.argument = if s.argument_null {
            core::ptr::null()
        } else {
            s.argument.as_ptr().cast()
        };
        ev.argument_len = s.argument.len();
        ev.command.command = sys::WASP_COMMAND_LOAD;
        // SAFETY: `out` is the adapter's event.
        unsafe { out.write(ev) };
        1
    }
    unsafe extern "C" fn display(_: *mut c_void, out: *mut sys::wasp_display_info) {
        let info = sys::wasp_display_info {
            width: 640,
            format: 999,
            ..Default::default()
        };
        // SAFETY: `out` is the adapter's struct.
        unsafe { out.write(info) };
    }
    unsafe extern "C" fn read(u: *mut c_void, _: u32, _: *mut u8, _: usize, n: *mut usize) -> i32 {
        let s = script(u);
        // SAFETY: `n` is the adapter's length.
        unsafe { n.write(s.length) };
        s.status
    }

    fn port(s: &mut Script) -> CPort {
        CPort::new(sys::wasp_port {
            struct_size: core::mem::size_of::<sys::wasp_port>() as u32,
            version: 1,
            user: (s as *mut Script).cast(),
            now_us: Some(now),
            log: Some(log),
            poll_event: Some(poll),
            display_info: Some(display),
            fetch_read: Some(read),
            ..Default::default()
        })
    }

    #[test]
    fn statuses_from_c_outside_the_abi_are_internal() {
        assert_eq!(check(0), Ok(()));
        assert_eq!(check(-8), Err(Status::WouldBlock));
        assert_eq!(check(-15), Err(Status::Internal));
        for hostile in [1, 5, i32::MAX, -16, -50, -99, -100, -101, i32::MIN] {
            assert_eq!(check(hostile), Err(Status::Internal), "{hostile}");
        }
    }

    #[test]
    fn lengths_and_enums_from_c_are_checked() {
        let mut s = Script {
            length: 65,
            ..Default::default()
        };
        let mut p = port(&mut s);
        let mut buf = [0u8; 64];
        assert_eq!(p.fetch_read(1, &mut buf), Err(Status::Internal));
        s.length = 64;
        assert_eq!(p.fetch_read(1, &mut buf), Ok(64));
        s.status = -8;
        assert_eq!(p.fetch_read(1, &mut buf), Err(Status::WouldBlock));
        // An unknown pixel format: the whole answer is refused (zeroed).
        assert_eq!(p.display_info(), DisplayInfo::default());
        // NULL callbacks answer the trait's defaults.
        assert_eq!(
            p.fetch_open(&FetchRequest::default(), "x", ""),
            Err(Status::Unsupported)
        );
        assert_eq!(p.fetch_header(1, "a", &mut buf), Err(Status::NotFound));
        assert_eq!(p.kv_set(b"k", b"v"), Err(Status::Unsupported));
        let mut random = [9u8; 4];
        p.random_fill(&mut random);
        assert_eq!(random, [0; 4]);
        assert_eq!(p.now_us(), 7);
    }

    #[test]
    fn malformed_events_are_dropped_with_a_log_line() {
        let mut s = Script {
            kind: 42,
            ..Default::default()
        };
        let mut p = port(&mut s);
        assert_eq!(p.poll_event(), None);
        s.kind = sys::WASP_EVENT_COMMAND;
        s.argument = b"abc".to_vec();
        s.argument_null = true;
        assert_eq!(p.poll_event(), None);
        s.argument_null = false;
        s.argument = vec![0xff, 0xfe];
        assert_eq!(p.poll_event(), None);
        s.argument = vec![b'a'; MAX_ARGUMENT + 1];
        assert_eq!(p.poll_event(), None);
        s.argument = b"mem://a".to_vec();
        let Some(HostEvent::Command(c, arg)) = p.poll_event() else {
            panic!("a valid command");
        };
        assert_eq!(
            (c.command.as_u32(), arg.as_str()),
            (sys::WASP_COMMAND_LOAD, "mem://a")
        );
        assert_eq!(
            s.logs,
            [
                "wasp: port event of kind 42 dropped: invalid argument (-1)",
                "wasp: port event of kind 2 dropped: invalid argument (-1)",
                "wasp: port event of kind 2 dropped: invalid argument (-1)",
                "wasp: port event of kind 2 dropped: invalid argument (-1)",
            ]
        );
    }
}
