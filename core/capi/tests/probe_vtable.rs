#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
// The callbacks below are C functions written in Rust: raw pointers from the runtime.
#![allow(unsafe_code)]
//! The probe module (every ABI import once) runs through `wasp_runtime_*` against a
//! `wasp_port` whose callbacks forward to the test device. Every callback of the
//! vtable is exercised, with every struct going through the header's layout both
//! ways, and the probe sees what the device holds.

use std::ffi::c_void;
use std::slice;

use wasp::conv::Conv;
use wasp::sys;
use wasp_abi::decoder::{EncryptionInfo, Subsample};
use wasp_abi::key::Key;
use wasp_abi::player::{LogLevel, PlayerState, ReportKind, StateReason};
use wasp_abi::store::CipherMode;
use wasp_abi::Status;
use wasp_core::{HostEvent, Port};
use wasp_testkit::TestPort;

/// The device behind the vtable, plus the command argument kept alive for the
/// runtime to copy (`wasp_host_event.argument`).
struct Bridge {
    port: TestPort,
    argument: String,
    draws: usize,
    draw_bytes: usize,
}

unsafe fn dev<'a>(user: *mut c_void) -> &'a mut Bridge {
    // SAFETY: `user` is the `Bridge` the test owns for the runtime's lifetime.
    unsafe { &mut *user.cast::<Bridge>() }
}

unsafe fn bytes<'a>(p: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        unsafe { slice::from_raw_parts(p, len) }
    }
}

unsafe fn text<'a>(p: *const std::ffi::c_char, len: usize) -> &'a str {
    std::str::from_utf8(unsafe { bytes(p.cast(), len) }).unwrap()
}

unsafe fn out_bytes<'a>(p: *mut u8, len: usize) -> &'a mut [u8] {
    if len == 0 {
        &mut []
    } else {
        unsafe { slice::from_raw_parts_mut(p, len) }
    }
}

fn code<T>(r: Result<T, Status>, out: impl FnOnce(T)) -> sys::wasp_status {
    match r {
        Ok(v) => {
            out(v);
            0
        }
        Err(s) => s.code(),
    }
}

unsafe extern "C" fn now_us(u: *mut c_void) -> i64 {
    unsafe { dev(u) }.port.now_us()
}
unsafe extern "C" fn log(u: *mut c_void, level: u32, line: *const std::ffi::c_char, len: usize) {
    let d = unsafe { dev(u) };
    d.port.log(LogLevel::from_u32(level).unwrap(), unsafe {
        text(line, len)
    });
}
unsafe extern "C" fn random_fill(u: *mut c_void, buf: *mut u8, len: usize) {
    unsafe { dev(u) }
        .port
        .random_fill(unsafe { out_bytes(buf, len) });
}
unsafe extern "C" fn poll_event(u: *mut c_void, out: *mut sys::wasp_host_event) -> i32 {
    let d = unsafe { dev(u) };
    let Some(event) = d.port.poll_event() else {
        return 0;
    };
    let mut ev = sys::wasp_host_event::default();
    match event {
        HostEvent::Key(k) => {
            ev.kind = sys::WASP_EVENT_KEY;
            ev.key = Conv::from_abi(&k);
        }
        HostEvent::Command(c, arg) => {
            ev.kind = sys::WASP_EVENT_COMMAND;
            ev.command = Conv::from_abi(&c);
            d.argument = arg;
            ev.argument = d.argument.as_ptr().cast();
            ev.argument_len = d.argument.len();
        }
        HostEvent::Fetch(f) => {
            ev.kind = sys::WASP_EVENT_FETCH;
            ev.fetch = Conv::from_abi(&f);
        }
        HostEvent::Decoder(e) => {
            ev.kind = sys::WASP_EVENT_DECODER;
            ev.decoder = Conv::from_abi(&e);
        }
        HostEvent::Device(e) => {
            ev.kind = sys::WASP_EVENT_DEVICE;
            ev.device = Conv::from_abi(&e);
        }
    }
    unsafe { out.write(ev) };
    1
}
unsafe extern "C" fn on_state(u: *mut c_void, state: u32, reason: u32) {
    let (s, r) = (
        PlayerState::from_u32(state).unwrap(),
        StateReason::from_u32(reason).unwrap(),
    );
    unsafe { dev(u) }.port.on_state(s, r);
}
unsafe extern "C" fn on_report(u: *mut c_void, kind: u32, p: *const u8, len: usize) {
    unsafe { dev(u) }
        .port
        .on_report(ReportKind::from_u32(kind).unwrap(), unsafe {
            bytes(p, len)
        });
}
unsafe extern "C" fn fatal(u: *mut c_void, p: *const std::ffi::c_char, len: usize) {
    unsafe { dev(u) }.port.fatal(unsafe { text(p, len) });
}
unsafe extern "C" fn decoding_info(
    u: *mut c_void,
    q: *const sys::wasp_decoding_query,
    codecs: *const std::ffi::c_char,
    codecs_len: usize,
    out: *mut sys::wasp_decoding_info,
) {
    let q = unsafe { &*q }.to_abi().unwrap();
    let info = unsafe { dev(u) }
        .port
        .decoding_info(&q, unsafe { text(codecs, codecs_len) });
    unsafe { out.write(Conv::from_abi(&info)) };
}
unsafe extern "C" fn display_info(u: *mut c_void, out: *mut sys::wasp_display_info) {
    let info = unsafe { dev(u) }.port.display_info();
    unsafe { out.write(Conv::from_abi(&info)) };
}
unsafe extern "C" fn audio_info(u: *mut c_void, out: *mut sys::wasp_audio_output_info) {
    let info = unsafe { dev(u) }.port.audio_info();
    unsafe { out.write(Conv::from_abi(&info)) };
}
unsafe extern "C" fn features(u: *mut c_void) -> u64 {
    unsafe { dev(u) }.port.features()
}
unsafe extern "C" fn fetch_open(
    u: *mut c_void,
    req: *const sys::wasp_fetch_request,
    url: *const std::ffi::c_char,
    url_len: usize,
    headers: *const std::ffi::c_char,
    headers_len: usize,
    out: *mut u32,
) -> i32 {
    let req = unsafe { &*req }.to_abi().unwrap();
    let (url, headers) = unsafe { (text(url, url_len), text(headers, headers_len)) };
    code(
        unsafe { dev(u) }.port.fetch_open(&req, url, headers),
        |id| unsafe { out.write(id) },
    )
}
unsafe extern "C" fn fetch_info(u: *mut c_void, id: u32, out: *mut sys::wasp_fetch_info) {
    let info = unsafe { dev(u) }.port.fetch_info(id);
    unsafe { out.write(Conv::from_abi(&info)) };
}
unsafe extern "C" fn fetch_read(
    u: *mut c_void,
    id: u32,
    buf: *mut u8,
    cap: usize,
    n: *mut usize,
) -> i32 {
    let r = unsafe { dev(u) }
        .port
        .fetch_read(id, unsafe { out_bytes(buf, cap) });
    code(r, |v| unsafe { n.write(v) })
}
unsafe extern "C" fn fetch_header(
    u: *mut c_void,
    id: u32,
    name: *const std::ffi::c_char,
    name_len: usize,
    out: *mut u8,
    cap: usize,
    n: *mut usize,
) -> i32 {
    let name = unsafe { text(name, name_len) };
    let r = unsafe { dev(u) }
        .port
        .fetch_header(id, name, unsafe { out_bytes(out, cap) });
    code(r, |v| unsafe { n.write(v) })
}
unsafe extern "C" fn fetch_url(
    u: *mut c_void,
    id: u32,
    out: *mut u8,
    cap: usize,
    n: *mut usize,
) -> i32 {
    let r = unsafe { dev(u) }
        .port
        .fetch_url(id, unsafe { out_bytes(out, cap) });
    code(r, |v| unsafe { n.write(v) })
}
unsafe extern "C" fn fetch_close(u: *mut c_void, id: u32) {
    unsafe { dev(u) }.port.fetch_close(id);
}
unsafe extern "C" fn decrypt(
    u: *mut c_void,
    mode: u32,
    key: *const u8,
    iv: *const u8,
    data: *mut u8,
    len: usize,
    n: *mut usize,
) -> i32 {
    let key: [u8; 16] = unsafe { bytes(key, 16) }.try_into().unwrap();
    let iv: [u8; 16] = unsafe { bytes(iv, 16) }.try_into().unwrap();
    let mode = CipherMode::from_u32(mode).unwrap();
    let r = unsafe { dev(u) }
        .port
        .decrypt(mode, &key, &iv, unsafe { out_bytes(data, len) });
    code(r, |v| unsafe { n.write(v) })
}
unsafe extern "C" fn decoder_open(
    u: *mut c_void,
    c: *const sys::wasp_decoder_config,
    extra: *const u8,
    extra_len: usize,
    out: *mut u32,
) -> i32 {
    let c = unsafe { &*c }.to_abi().unwrap();
    let r = unsafe { dev(u) }
        .port
        .decoder_open(&c, unsafe { bytes(extra, extra_len) });
    code(r, |id| unsafe { out.write(id) })
}
unsafe extern "C" fn decoder_submit(
    u: *mut c_void,
    id: u32,
    s: *const sys::wasp_sample_info,
    pieces: *const sys::wasp_slice,
    count: usize,
    enc: *const sys::wasp_encryption_info,
    subs: *const sys::wasp_subsample,
    sub_count: usize,
) -> i32 {
    let s = unsafe { &*s }.to_abi().unwrap();
    let pieces: Vec<&[u8]> = (0..count)
        .map(|i| {
            let p = unsafe { &*pieces.add(i) };
            unsafe { bytes(p.data, p.len) }
        })
        .collect();
    let enc: Option<EncryptionInfo> = (!enc.is_null()).then(|| unsafe { &*enc }.to_abi().unwrap());
    let subs: Vec<Subsample> = (0..sub_count)
        .map(|i| unsafe { &*subs.add(i) }.to_abi().unwrap())
        .collect();
    let encryption = enc.as_ref().map(|e| (e, subs.as_slice()));
    code(
        unsafe { dev(u) }
            .port
            .decoder_submit(id, &s, &pieces, encryption),
        |()| {},
    )
}
unsafe extern "C" fn decoder_info(u: *mut c_void, id: u32, out: *mut sys::wasp_decoder_stats) {
    let info = unsafe { dev(u) }.port.decoder_info(id);
    unsafe { out.write(Conv::from_abi(&info)) };
}
unsafe extern "C" fn decoder_flush(u: *mut c_void, id: u32) {
    unsafe { dev(u) }.port.decoder_flush(id);
}
unsafe extern "C" fn decoder_close(u: *mut c_void, id: u32) {
    unsafe { dev(u) }.port.decoder_close(id);
}
unsafe extern "C" fn media_clock(u: *mut c_void, out: *mut sys::wasp_media_clock_info) {
    let info = unsafe { dev(u) }.port.media_clock();
    unsafe { out.write(Conv::from_abi(&info)) };
}
unsafe extern "C" fn media_set_rate(u: *mut c_void, rate: u32) {
    unsafe { dev(u) }.port.media_set_rate(rate);
}
unsafe extern "C" fn media_set_position(u: *mut c_void, pts: i64) {
    unsafe { dev(u) }.port.media_set_position(pts);
}
unsafe extern "C" fn image_create(
    u: *mut c_void,
    desc: *const sys::wasp_image_desc,
    px: *const u8,
    len: usize,
    out: *mut u32,
) -> i32 {
    let desc = unsafe { &*desc }.to_abi().unwrap();
    let r = unsafe { dev(u) }
        .port
        .image_create(&desc, unsafe { bytes(px, len) });
    code(r, |id| unsafe { out.write(id) })
}
unsafe extern "C" fn image_update(
    u: *mut c_void,
    id: u32,
    rect: *const sys::wasp_rect,
    px: *const u8,
    len: usize,
) {
    let rect = unsafe { &*rect }.to_abi().unwrap();
    unsafe { dev(u) }
        .port
        .image_update(id, &rect, unsafe { bytes(px, len) });
}
unsafe extern "C" fn image_free(u: *mut c_void, id: u32) {
    unsafe { dev(u) }.port.image_free(id);
}
unsafe extern "C" fn draw(u: *mut c_void, records: *const u8, len: usize) {
    // A checked list cannot be rebuilt outside the runtime: count what arrived.
    let d = unsafe { dev(u) };
    assert!(!records.is_null());
    d.draws += 1;
    d.draw_bytes += len;
}
unsafe extern "C" fn present(u: *mut c_void) {
    unsafe { dev(u) }.port.present();
}
unsafe extern "C" fn kv_get(
    u: *mut c_void,
    k: *const u8,
    kl: usize,
    out: *mut u8,
    cap: usize,
    n: *mut usize,
) -> i32 {
    let r = unsafe { dev(u) }
        .port
        .kv_get(unsafe { bytes(k, kl) }, unsafe { out_bytes(out, cap) });
    code(r, |v| unsafe { n.write(v) })
}
unsafe extern "C" fn kv_set(
    u: *mut c_void,
    k: *const u8,
    kl: usize,
    v: *const u8,
    vl: usize,
) -> i32 {
    code(
        unsafe { dev(u) }
            .port
            .kv_set(unsafe { bytes(k, kl) }, unsafe { bytes(v, vl) }),
        |()| {},
    )
}
unsafe extern "C" fn kv_delete(u: *mut c_void, k: *const u8, kl: usize) -> i32 {
    code(
        unsafe { dev(u) }.port.kv_delete(unsafe { bytes(k, kl) }),
        |()| {},
    )
}

fn vtable(bridge: &mut Bridge) -> sys::wasp_port {
    sys::wasp_port {
        struct_size: std::mem::size_of::<sys::wasp_port>() as u32,
        version: sys::WASP_PORT_VERSION_MAJOR,
        user: (bridge as *mut Bridge).cast(),
        now_us: Some(now_us),
        log: Some(log),
        random_fill: Some(random_fill),
        poll_event: Some(poll_event),
        on_state: Some(on_state),
        on_report: Some(on_report),
        fatal: Some(fatal),
        decoding_info: Some(decoding_info),
        display_info: Some(display_info),
        audio_info: Some(audio_info),
        features: Some(features),
        fetch_open: Some(fetch_open),
        fetch_info: Some(fetch_info),
        fetch_read: Some(fetch_read),
        fetch_header: Some(fetch_header),
        fetch_url: Some(fetch_url),
        fetch_close: Some(fetch_close),
        decrypt: Some(decrypt),
        decoder_open: Some(decoder_open),
        decoder_submit: Some(decoder_submit),
        decoder_info: Some(decoder_info),
        decoder_flush: Some(decoder_flush),
        decoder_close: Some(decoder_close),
        media_clock: Some(media_clock),
        media_set_rate: Some(media_set_rate),
        media_set_position: Some(media_set_position),
        image_create: Some(image_create),
        image_update: Some(image_update),
        image_free: Some(image_free),
        draw: Some(draw),
        present: Some(present),
        kv_get: Some(kv_get),
        kv_set: Some(kv_set),
        kv_delete: Some(kv_delete),
    }
}

#[test]
fn the_probe_runs_through_the_c_vtable() {
    const BODY: &[u8] = b"hello probe\nline two\n";
    let mut bridge = Box::new(Bridge {
        port: TestPort::new(),
        argument: String::new(),
        draws: 0,
        draw_bytes: 0,
    });
    bridge
        .port
        .serve("mem://probe.txt", BODY)
        .headers
        .push(("content-type".into(), "text/plain".into()));
    bridge.port.press(Key::Ok);
    let port = vtable(&mut bridge);
    let module_config = b"url=mem://probe.txt\nkv_key=probe-key\n";
    let config = sys::wasp_config {
        struct_size: std::mem::size_of::<sys::wasp_config>() as u32,
        module_config: module_config.as_ptr().cast(),
        module_config_len: module_config.len(),
        ..Default::default()
    };
    let mut rt = std::ptr::null_mut();
    unsafe {
        assert_eq!(wasp::wasp_runtime_new(&port, &config, &mut rt), 0);
        let url = "http://example.test/a.m3u8";
        assert_eq!(
            wasp::wasp_runtime_load_url(rt, url.as_ptr().cast(), url.len(), 0),
            0
        );
        assert_eq!(
            wasp::wasp_runtime_device_event(rt, sys::WASP_DEVICE_VOLUME, 500),
            0
        );
        let probe = wasp_modules::PROBE;
        assert_eq!(wasp::wasp_runtime_load(rt, probe.as_ptr(), probe.len()), 0);
        // `bridge` is only touched between calls, never during one.
        let bridge_ptr: *mut Bridge = &mut *bridge;
        for _ in 0..500 {
            let now = (*bridge_ptr).port.now;
            let mut next = 0i64;
            assert_eq!(wasp::wasp_runtime_tick(rt, now, &mut next), 0);
            if next == i64::MAX {
                break;
            }
            (*bridge_ptr).port.advance((next - now).clamp(1, 1_000_000));
        }
        let mut state = 99;
        let mut reason = 99;
        assert_eq!(wasp::wasp_runtime_state(rt, &mut state, &mut reason), 0);
        assert_eq!(wasp::wasp_runtime_destroy(rt), 0);
    }
    let port = &bridge.port;
    let lines = port.log_lines();
    let line = |import: &str| -> Vec<&str> {
        let prefix = format!("probe {import}: ");
        lines
            .iter()
            .filter_map(|l| l.strip_prefix(prefix.as_str()))
            .collect()
    };
    assert!(lines.contains(&"probe done"), "{lines:#?}");
    for import in wasp_abi::imports::IMPORTS {
        for r in line(import.name) {
            assert!(
                !r.starts_with("error") && !r.starts_with("skipped"),
                "{}: {r}",
                import.name
            );
        }
    }
    let events = line("event_poll");
    assert_eq!(
        events[..3],
        [
            "command Load 0 http://example.test/a.m3u8",
            "device Volume 500",
            "key Ok Down"
        ]
    );
    assert_eq!(line("caps_display"), ["1920x1080"]);
    assert_eq!(
        line("caps_decoding"),
        ["supported 1 smooth 1 power_efficient 1"]
    );
    assert_eq!(line("fetch_header"), ["content-type text/plain"]);
    assert_eq!(line("fetch_url"), ["mem://probe.txt"]);
    assert_eq!(line("fetch_read"), ["21 \"hello probe\\nline two\\n\""]);
    assert_eq!(line("crypto_decrypt"), ["17 \"wasp probe crypto\""]);
    assert_eq!(line("kv_get"), ["probe-value", "not found"]);
    assert!(port.kv.is_empty(), "kv_delete reached the device");
    let decoder = &port.closed_decoders[0];
    assert_eq!(decoder.extra, [1, 0x64, 0, 0x1e]);
    assert_eq!(decoder.received[0].data, b"0123456789");
    assert_eq!(decoder.flushes, 1);
    assert!(port.images.is_empty(), "image_free reached the device");
    assert!(bridge.draws >= 1 && bridge.draw_bytes > 0);
    assert!(port.fatal.is_empty());
}
