//! Key-value store imports.

use wasmi::Caller;
use wasp_abi::imports::{MAX_KV_KEY, MAX_KV_VALUE};
use wasp_abi::Status;

use crate::guest::GuestMemory;
use crate::host::{call, Host};
use crate::port::Port;

fn key<'a>(m: &'a GuestMemory<'_>, ptr: i32, len: i32) -> Result<&'a [u8], Status> {
    let key = m.bytes(ptr, len)?;
    if key.is_empty() || key.len() > MAX_KV_KEY {
        return Err(Status::InvalidArgument);
    }
    Ok(key)
}

pub fn kv_get<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    k: i32,
    k_len: i32,
    out: i32,
    cap: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let mut copy = [0u8; MAX_KV_KEY];
        let key = key(m, k, k_len)?;
        let copy = copy.get_mut(..key.len()).ok_or(Status::InvalidArgument)?;
        copy.copy_from_slice(key);
        let port = &mut h.port;
        m.output(out, cap, |buf| port.kv_get(copy, buf))
    })
}

pub fn kv_set<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    k: i32,
    k_len: i32,
    v: i32,
    v_len: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let key = key(m, k, k_len)?;
        let value = m.bytes(v, v_len)?;
        if value.len() > MAX_KV_VALUE {
            return Err(Status::InvalidArgument);
        }
        h.port.kv_set(key, value)?;
        Ok(0)
    })
}

pub fn kv_delete<P: Port + 'static>(mut c: Caller<'_, Host<P>>, k: i32, k_len: i32) -> i32 {
    call(&mut c, |m, h| {
        h.port.kv_delete(key(m, k, k_len)?)?;
        Ok(0)
    })
}
