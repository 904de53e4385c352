//! Fetch imports: open, progress, read (into guest memory or the media store), headers,
//! final URL, close.

use wasmi::Caller;
use wasp_abi::fetch::{FetchRequest, RANGE_TO_END};
use wasp_abi::imports::{MAX_HEADERS, MAX_URL};
use wasp_abi::Status;

use crate::host::{call, Host};
use crate::port::Port;

/// Longest header name accepted.
const MAX_HEADER_NAME: usize = 256;
/// Bytes moved per port read when filling a store object.
const STORE_CHUNK: usize = 64 * 1024;

/// Request headers must be `Name: value` lines: no control characters but `\t`
/// and the `\n` separating lines, so a guest cannot inject a request line.
fn check_headers(headers: &str) -> Result<(), Status> {
    for line in headers.split('\n').filter(|l| !l.is_empty()) {
        let (name, _) = line.split_once(':').ok_or(Status::InvalidArgument)?;
        let name_ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':');
        let line_ok = line.bytes().all(|b| b == b'\t' || !b.is_ascii_control());
        if !name_ok || !line_ok {
            return Err(Status::InvalidArgument);
        }
    }
    Ok(())
}

pub fn fetch_open<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    req: i32,
    req_len: i32,
    url: i32,
    url_len: i32,
    headers: i32,
    headers_len: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let request: FetchRequest = m.read(req, req_len)?;
        if request.range_end != RANGE_TO_END && request.range_end < request.range_start {
            return Err(Status::InvalidArgument);
        }
        let url = m.str(url, url_len, MAX_URL)?;
        if url.is_empty() || url.bytes().any(|b| b.is_ascii_control() || b == b' ') {
            return Err(Status::InvalidArgument);
        }
        let headers = m.str(headers, headers_len, MAX_HEADERS)?;
        check_headers(headers)?;
        if h.fetches.len() >= h.limits.max_fetches {
            return Err(Status::TooManyHandles);
        }
        let id = h.port.fetch_open(&request, url, headers)?;
        h.fetches
            .insert(id)
            .map(|handle| handle as i32)
            .inspect_err(|_| h.port.fetch_close(id))
    })
}

pub fn fetch_info<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    fetch: i32,
    out: i32,
    out_len: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let id = *h.fetches.get(fetch as u32)?;
        let info = h.port.fetch_info(id);
        m.write(out, out_len, &info)
    })
}

pub fn fetch_read<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    fetch: i32,
    out: i32,
    cap: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let id = *h.fetches.get(fetch as u32)?;
        let buf = m.bytes_mut(out, cap)?;
        let n = h.port.fetch_read(id, buf)?;
        Ok(n.min(buf.len()) as i32)
    })
}

pub fn fetch_read_to_store<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    fetch: i32,
    object: i32,
    max: i64,
) -> i32 {
    call(&mut c, |_, h| {
        let id = *h.fetches.get(fetch as u32)?;
        h.store.bytes(object as u32)?;
        // The count is returned as an i32: move at most i32::MAX per call. A negative
        // maximum is wrong; a huge one is a cap, the same on 32- and 64-bit hosts.
        if max < 0 {
            return Err(Status::InvalidArgument);
        }
        let max = usize::try_from(max.min(i64::from(i32::MAX))).unwrap_or(usize::MAX);
        let mut moved = 0usize;
        while moved < max {
            let info = h.port.fetch_info(id);
            let available = usize::try_from(info.unread()).unwrap_or(usize::MAX);
            if available == 0 {
                if moved > 0 {
                    break;
                }
                return Err(info.idle_status());
            }
            let chunk = available.min(max - moved).min(STORE_CHUNK);
            let port = &mut h.port;
            let n = h
                .store
                .append_with(object as u32, chunk, |out| port.fetch_read(id, out));
            match n {
                Ok(0) => break,
                Ok(n) => moved += n,
                Err(e) if moved == 0 => return Err(e),
                Err(_) => break,
            }
        }
        Ok(moved as i32)
    })
}

pub fn fetch_header<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    fetch: i32,
    name: i32,
    name_len: i32,
    out: i32,
    cap: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let id = *h.fetches.get(fetch as u32)?;
        let mut name_buf = [0u8; MAX_HEADER_NAME];
        let name = m.str(name, name_len, MAX_HEADER_NAME)?;
        let name_copy = name_buf
            .get_mut(..name.len())
            .ok_or(Status::InvalidArgument)?;
        name_copy.copy_from_slice(name.as_bytes());
        let name = core::str::from_utf8(name_copy).map_err(|_| Status::InvalidArgument)?;
        let port = &mut h.port;
        m.output(out, cap, |buf| port.fetch_header(id, name, buf))
    })
}

pub fn fetch_url<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    fetch: i32,
    out: i32,
    cap: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let id = *h.fetches.get(fetch as u32)?;
        let port = &mut h.port;
        m.output(out, cap, |buf| port.fetch_url(id, buf))
    })
}

pub fn fetch_close<P: Port + 'static>(mut c: Caller<'_, Host<P>>, fetch: i32) -> i32 {
    call(&mut c, |_, h| {
        let id = h.fetches.remove(fetch as u32)?;
        h.port.fetch_close(id);
        Ok(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_injection_is_refused() {
        assert_eq!(check_headers("Range: bytes=0-99\nX-Cmcd: br=3000"), Ok(()));
        assert_eq!(check_headers(""), Ok(()));
        assert_eq!(
            check_headers("Range: a\r\nGET / HTTP/1.1"),
            Err(Status::InvalidArgument)
        );
        assert_eq!(check_headers("no colon"), Err(Status::InvalidArgument));
        assert_eq!(check_headers(": empty name"), Err(Status::InvalidArgument));
        assert_eq!(check_headers("Bad Name: x"), Err(Status::InvalidArgument));
    }
}
