//! Media-store imports and bulk crypto.

use wasmi::Caller;
use wasp_abi::store::{CipherMode, CryptoParams, StoreUsage};
use wasp_abi::Status;

use crate::host::{call, Host};
use crate::port::Port;

pub fn store_create<P: Port + 'static>(mut c: Caller<'_, Host<P>>, reserve: i64) -> i32 {
    call(&mut c, |_, h| {
        h.store.create(reserve).map(|handle| handle as i32)
    })
}

pub fn store_write<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    object: i32,
    ptr: i32,
    len: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let n = h.store.append(object as u32, m.bytes(ptr, len)?)?;
        Ok(n as i32)
    })
}

pub fn store_read<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    object: i32,
    offset: i64,
    out: i32,
    len: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let data = h.store.bytes(object as u32)?;
        let offset = usize::try_from(offset).map_err(|_| Status::InvalidArgument)?;
        let buf = m.bytes_mut(out, len)?;
        let src = data.get(offset..).unwrap_or_default();
        let n = src.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), src.get(..n)) {
            dst.copy_from_slice(src);
        }
        Ok(n as i32)
    })
}

pub fn store_size<P: Port + 'static>(mut c: Caller<'_, Host<P>>, object: i32, out: i32) -> i32 {
    call(&mut c, |m, h| {
        let len = h.store.bytes(object as u32)?.len() as u64;
        m.put(out, len.to_le_bytes())?;
        Ok(0)
    })
}

pub fn store_free<P: Port + 'static>(mut c: Caller<'_, Host<P>>, object: i32) -> i32 {
    call(&mut c, |_, h| h.store.free(object as u32).map(|()| 0))
}

pub fn store_usage<P: Port + 'static>(mut c: Caller<'_, Host<P>>, out: i32, out_len: i32) -> i32 {
    call(&mut c, |m, h| {
        let usage = StoreUsage {
            used: h.store.used() as u64,
            budget: h.store.budget() as u64,
            objects: h.store.objects() as u32,
            max_objects: h.limits.max_store_objects as u32,
        };
        m.write(out, out_len, &usage)
    })
}

pub fn crypto_decrypt<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    params: i32,
    params_len: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let p: CryptoParams = m.read(params, params_len)?;
        if p.src == p.dst || p.reserved != 0 {
            return Err(Status::InvalidArgument);
        }
        if p.mode != CipherMode::Ctr && !p.length.is_multiple_of(16) {
            return Err(Status::InvalidArgument);
        }
        let len = usize::try_from(p.length)
            .ok()
            .filter(|n| *n <= i32::MAX as usize)
            .ok_or(Status::InvalidArgument)?;
        // Copy the ciphertext to the end of the destination, then decrypt it in place.
        let start = h.store.append_range(p.dst, p.src, p.src_offset, len)?;
        let port = &mut h.port;
        let result = h.store.bytes_mut(p.dst).and_then(|data| {
            let tail = data.get_mut(start..).ok_or(Status::Internal)?;
            port.decrypt(p.mode, &p.key, &p.iv, tail)
        });
        let kept = match result {
            Ok(plain) if plain <= len => Ok(plain),
            Ok(_) => Err(Status::Internal),
            Err(e) => Err(e),
        };
        h.store.truncate(p.dst, start + kept.unwrap_or(0));
        kept.map(|n| n as i32)
    })
}
