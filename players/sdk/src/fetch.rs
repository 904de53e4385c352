//! Non-blocking fetches (`fetch_*`): HTTP(S) and storage reads.
//!
//! A [`Fetch`] never blocks: reads return [`Status::WouldBlock`] until bytes arrive
//! (progress also comes as [`Event::Fetch`](crate::events::Event::Fetch)) and
//! [`Status::EndOfStream`] once every byte was read. Dropping a fetch closes it.
#![allow(unsafe_code)] // FFI edge: calls the `fetch_*` imports.

use alloc::string::String;
use wasp_abi::fetch::{FetchInfo, FetchRequest};
use wasp_abi::Status;

use crate::store::StoreObject;
use crate::{sys, util};

crate::util::owned_handle! {
    /// An open fetch; closed on drop.
    pub struct Fetch;
    release: fetch_close, close, "fetch", "closed", "Cancels and frees the fetch";
    handle_doc: "The raw handle (as in [`FetchEvent::handle`](wasp_abi::event::FetchEvent)).";
}

impl Fetch {
    /// Starts fetching `url` (UTF-8) with optional request `headers` (`Name: value`
    /// lines separated by `\n`; `""` for none).
    ///
    /// # Errors
    /// The import's status (`TooManyHandles`, `InvalidArgument`, `Unsupported`…).
    pub fn open(request: &FetchRequest, url: &str, headers: &str) -> Result<Self, Status> {
        let request = request.to_bytes();
        // SAFETY: the three inputs are live shared borrows the host only reads.
        let ret = unsafe {
            sys::fetch_open(
                util::addr(&request),
                util::len(request.len()),
                util::addr(url.as_bytes()),
                util::len(url.len()),
                util::addr(headers.as_bytes()),
                util::len(headers.len()),
            )
        };
        Status::check(ret).map(|handle| Self { handle })
    }

    /// State, HTTP status, lengths and timing.
    ///
    /// # Errors
    /// The import's status.
    #[inline]
    pub fn info(&self) -> Result<FetchInfo, Status> {
        let fetch = util::handle(self.handle);
        // SAFETY: `out_struct` passes an exclusively borrowed buffer of `len` bytes.
        util::out_struct(|out, len| unsafe { sys::fetch_info(fetch, out, len) })
    }

    /// Copies received body bytes into `buf`; returns how many (at least 1).
    ///
    /// # Errors
    /// [`Status::WouldBlock`] when none has arrived yet, [`Status::EndOfStream`] when
    /// every byte was read, or the fetch's failure (`Io`, `HttpError`, `Timeout`…).
    #[inline]
    pub fn read(&mut self, buf: &mut [u8]) -> Result<usize, Status> {
        // SAFETY: `buf` is exclusively borrowed and `buf.len()` bytes long.
        let ret = unsafe {
            sys::fetch_read(
                util::handle(self.handle),
                util::addr_mut(buf),
                util::len(buf.len()),
            )
        };
        Status::check(ret).map(|n| n as usize)
    }

    /// Moves up to `max` received bytes to the end of `object` without copying them
    /// through the guest; returns how many.
    ///
    /// # Errors
    /// As [`read`](Self::read), and the store's `BudgetExceeded`.
    #[inline]
    pub fn read_to_store(&mut self, object: &StoreObject, max: u64) -> Result<u64, Status> {
        // SAFETY: no pointer arguments.
        let ret = unsafe {
            sys::fetch_read_to_store(
                util::handle(self.handle),
                util::handle(object.handle()),
                util::wide(max),
            )
        };
        Status::check(ret).map(u64::from)
    }

    /// A response header's value (the name is case-insensitive).
    ///
    /// # Errors
    /// [`Status::NotFound`], [`Status::WouldBlock`] before the headers, or the import's
    /// status.
    pub fn header(&self, name: &str) -> Result<String, Status> {
        let fetch = util::handle(self.handle);
        let bytes = util::out_vec(|out, cap| {
            // SAFETY: `name` is a live shared borrow the host only reads; `out_vec`
            // passes an exclusively borrowed buffer of `cap` bytes.
            unsafe {
                sys::fetch_header(
                    fetch,
                    util::addr(name.as_bytes()),
                    util::len(name.len()),
                    out,
                    cap,
                )
            }
        })?;
        Ok(util::into_string(bytes))
    }

    /// The final URL after redirects.
    ///
    /// # Errors
    /// The import's status.
    pub fn url(&self) -> Result<String, Status> {
        let fetch = util::handle(self.handle);
        // SAFETY: `out_vec` passes an exclusively borrowed buffer of `cap` bytes.
        let bytes = util::out_vec(|out, cap| unsafe { sys::fetch_url(fetch, out, cap) })?;
        Ok(util::into_string(bytes))
    }
}
