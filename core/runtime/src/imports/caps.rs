//! Capability imports: decoding questions, display, audio output, memory, features.

use wasmi::Caller;
use wasp_abi::caps::{decode_feature, DecodingQuery, MemoryBudget};

use crate::host::{call, Host};
use crate::port::Port;

/// Longest RFC 6381 codecs string accepted.
const MAX_CODECS: usize = 256;

pub fn caps_decoding<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    query: i32,
    query_len: i32,
    codecs: i32,
    codecs_len: i32,
    out: i32,
    out_len: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let q: DecodingQuery = m.read(query, query_len)?;
        let info = h
            .port
            .decoding_info(&q, m.str(codecs, codecs_len, MAX_CODECS)?);
        m.write(out, out_len, &info)
    })
}

pub fn caps_display<P: Port + 'static>(mut c: Caller<'_, Host<P>>, out: i32, out_len: i32) -> i32 {
    call(&mut c, |m, h| m.write(out, out_len, &h.port.display_info()))
}

pub fn caps_audio<P: Port + 'static>(mut c: Caller<'_, Host<P>>, out: i32, out_len: i32) -> i32 {
    call(&mut c, |m, h| m.write(out, out_len, &h.port.audio_info()))
}

pub fn caps_memory<P: Port + 'static>(mut c: Caller<'_, Host<P>>, out: i32, out_len: i32) -> i32 {
    call(&mut c, |m, h| {
        let l = &h.limits;
        let budget = MemoryBudget {
            guest_memory: l.guest_memory_bytes as u64,
            media_store: l.media_store_bytes as u64,
            decoder_queue: l.decoder_queue_bytes as u64,
            images: l.image_bytes as u64,
            kv_store: l.kv_bytes as u64,
            max_fetches: l.max_fetches as u32,
            max_store_objects: l.max_store_objects as u32,
        };
        m.write(out, out_len, &budget)
    })
}

pub fn caps_feature<P: Port + 'static>(mut c: Caller<'_, Host<P>>, bit: i64) -> i32 {
    call(&mut c, |_, h| {
        let bit = decode_feature(bit)?;
        Ok(i32::from(h.port.features() & bit != 0))
    })
}
