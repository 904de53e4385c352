//! System imports: runtime info, log, time, randomness, configuration, events and
//! reports to the embedder.

use alloc::string::String;
use wasmi::Caller;
use wasp_abi::caps::RuntimeInfo;
use wasp_abi::event::{Event, MAX_EVENT};
use wasp_abi::imports::{MAX_LOG_LINE, MAX_RANDOM, MAX_REPORT};
use wasp_abi::player::{decode_state, LogLevel, QoeReport, ReportKind};
use wasp_abi::{Status, ABI_VERSION};

use crate::host::{call, Host};
use crate::port::{HostEvent, Port};

/// `major << 16 | minor << 8 | patch` of this crate.
const RUNTIME_VERSION: u32 = {
    #[allow(clippy::indexing_slicing)] // compile-time: `i < b.len()`
    const fn num(s: &str) -> u32 {
        let b = s.as_bytes();
        let mut v = 0;
        let mut i = 0;
        while i < b.len() {
            v = v * 10 + (b[i] - b'0') as u32;
            i += 1;
        }
        v
    }
    (num(env!("CARGO_PKG_VERSION_MAJOR")) << 16)
        | (num(env!("CARGO_PKG_VERSION_MINOR")) << 8)
        | num(env!("CARGO_PKG_VERSION_PATCH"))
};

pub fn runtime_info<P: Port + 'static>(mut c: Caller<'_, Host<P>>, out: i32, out_len: i32) -> i32 {
    call(&mut c, |m, h| {
        let info = RuntimeInfo {
            fuel_per_tick: h.limits.fuel_per_tick,
            abi_major: ABI_VERSION.major.into(),
            abi_minor: ABI_VERSION.minor.into(),
            runtime_version: RUNTIME_VERSION,
            reserved: 0,
        };
        m.write(out, out_len, &info)
    })
}

pub fn log<P: Port + 'static>(mut c: Caller<'_, Host<P>>, level: i32, ptr: i32, len: i32) -> i32 {
    call(&mut c, |m, h| {
        let level = LogLevel::from_u32(level as u32).ok_or(Status::InvalidArgument)?;
        let bytes = m.bytes(ptr, len)?;
        let bytes = bytes
            .get(..bytes.len().min(MAX_LOG_LINE))
            .unwrap_or_default();
        match core::str::from_utf8(bytes) {
            Ok(line) => h.module_log(level, line),
            Err(_) => h.module_log(level, &String::from_utf8_lossy(bytes)),
        }
        Ok(0)
    })
}

pub fn time_now<P: Port + 'static>(mut c: Caller<'_, Host<P>>, out: i32) -> i32 {
    call(&mut c, |m, h| {
        m.put(out, h.port.now_us().to_le_bytes())?;
        Ok(0)
    })
}

pub fn random_fill<P: Port + 'static>(mut c: Caller<'_, Host<P>>, ptr: i32, len: i32) -> i32 {
    call(&mut c, |m, h| {
        if len as u32 as usize > MAX_RANDOM {
            return Err(Status::InvalidArgument);
        }
        h.port.random_fill(m.bytes_mut(ptr, len)?);
        Ok(len)
    })
}

pub fn config_read<P: Port + 'static>(mut c: Caller<'_, Host<P>>, out: i32, cap: i32) -> i32 {
    call(&mut c, |m, h| {
        m.output(out, cap, |buf| {
            if let Some(dst) = buf.get_mut(..h.config.len()) {
                dst.copy_from_slice(&h.config);
            }
            Ok(h.config.len())
        })
    })
}

pub fn event_poll<P: Port + 'static>(mut c: Caller<'_, Host<P>>, out: i32, cap: i32) -> i32 {
    call(&mut c, |m, h| {
        let buf = m.bytes_mut(out, cap)?;
        let Some(front) = h.events.front() else {
            return Ok(0);
        };
        let mut record = [0u8; MAX_EVENT];
        let event = match front {
            HostEvent::Key(e) => Event::Key(*e),
            HostEvent::Command(e, arg) => Event::Command(*e, arg),
            HostEvent::Fetch(e) => Event::Fetch(*e),
            HostEvent::Decoder(e) => Event::Decoder(*e),
            HostEvent::Device(e) => Event::Device(*e),
        };
        let len = match event.encode(&mut record) {
            Some(len) => len,
            None => {
                // An embedder argument too long for the ABI: drop it rather than wedge
                // the queue.
                h.events.pop_front();
                h.runtime_log(
                    LogLevel::Warn,
                    "wasp: dropped an event whose argument exceeds the ABI's limit",
                );
                return Ok(0);
            }
        };
        if let (Some(dst), Some(src)) = (buf.get_mut(..len), record.get(..len)) {
            dst.copy_from_slice(src);
            h.events.pop_front();
        }
        Ok(len as i32)
    })
}

pub fn report_state<P: Port + 'static>(mut c: Caller<'_, Host<P>>, state: i32, reason: i32) -> i32 {
    call(&mut c, |_, h| {
        let (state, reason) = decode_state(state as u32, reason as u32)?;
        h.state = (state, reason);
        h.port.on_state(state, reason);
        Ok(0)
    })
}

pub fn report<P: Port + 'static>(mut c: Caller<'_, Host<P>>, kind: i32, ptr: i32, len: i32) -> i32 {
    call(&mut c, |m, h| {
        let kind = ReportKind::from_u32(kind as u32).ok_or(Status::InvalidArgument)?;
        if len as u32 as usize > MAX_REPORT {
            return Err(Status::InvalidArgument);
        }
        let payload = m.bytes(ptr, len)?;
        match kind {
            ReportKind::Qoe => h.qoe = Some(QoeReport::decode(payload)?),
            _ => {
                core::str::from_utf8(payload).map_err(|_| Status::InvalidArgument)?;
            }
        }
        h.port.on_report(kind, payload);
        Ok(0)
    })
}
