//! Fetch (`fetch_*` imports): non-blocking HTTP(S) and storage reads.
//!
//! A fetch is opened with a [`FetchRequest`], the URL and optional request headers
//! (`Name: value` lines separated by `\n`, for `Range`, CMCD and the like). Its bytes are
//! then read into guest memory (`fetch_read`, for playlists and box headers) or moved
//! into a media-store object (`fetch_read_to_store`, for segment payload), without ever
//! blocking: a call returns [`Status::WouldBlock`](crate::Status) when no byte is there
//! yet. Progress also arrives as [`crate::event::FetchEvent`]s.

use crate::wire::{wire_enum, wire_struct};

wire_enum! {
    /// The request method.
    pub enum Method {
        /// GET.
        Get = 0,
        /// HEAD (headers only).
        Head = 1,
    }
}

wire_enum! {
    /// Where a fetch is.
    pub enum FetchState {
        /// Connecting or waiting for the response headers.
        Pending = 0,
        /// Headers are in; the body is arriving.
        Receiving = 1,
        /// The whole body has arrived (it may still be unread).
        Done = 2,
        /// Failed; `FetchInfo::error` says how.
        Failed = 3,
    }
}

/// `range_end` meaning "to the end of the resource".
pub const RANGE_TO_END: u64 = u64::MAX;

wire_struct! {
    /// How to fetch (`fetch_open`).
    pub struct FetchRequest {
        /// First byte wanted (0 for the whole resource).
        pub range_start: u64,
        /// Last byte wanted, inclusive, or [`RANGE_TO_END`].
        pub range_end: u64,
        /// The method.
        pub method: Method,
        /// Give up after this many milliseconds without progress; 0 = port default.
        pub timeout_ms: u32,
    }
}

impl FetchRequest {
    /// A GET of the whole resource.
    pub const fn get() -> Self {
        Self {
            range_start: 0,
            range_end: RANGE_TO_END,
            method: Method::Get,
            timeout_ms: 0,
        }
    }
}

wire_struct! {
    /// The progress of a fetch (`fetch_info`).
    pub struct FetchInfo {
        /// Body length from the response, or -1 when unknown.
        pub content_length: i64,
        /// Body bytes received so far.
        pub received: u64,
        /// Body bytes already read by the guest.
        pub consumed: u64,
        /// The state.
        pub state: FetchState,
        /// HTTP status (200, 206, 404…); 0 before headers or for storage.
        pub http_status: u32,
        /// When `Failed`: the negated [`Status`](crate::Status) code (a positive number).
        pub error: u32,
        /// Microseconds from open to the first body byte (0 until then).
        pub first_byte_us: u32,
    }
}

impl FetchInfo {
    /// Body bytes received and not yet read.
    pub fn unread(&self) -> u64 {
        self.received.saturating_sub(self.consumed)
    }

    /// What a read returns when no body byte is waiting: `EndOfStream` once the
    /// fetch is done, the failure's status when it failed (`Internal` for a code
    /// that is no status, `Io` for none), `WouldBlock` while bytes may still come.
    pub fn idle_status(&self) -> crate::Status {
        match self.state {
            FetchState::Done => crate::Status::EndOfStream,
            FetchState::Failed => crate::Status::from_code((self.error as i32).wrapping_neg())
                .unwrap_or(crate::Status::Io),
            _ => crate::Status::WouldBlock,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    #[test]
    fn an_idle_read_ends_fails_or_waits_by_the_fetch_state() {
        let mut info = FetchInfo {
            received: 10,
            consumed: 4,
            ..FetchInfo::default()
        };
        assert_eq!(info.unread(), 6);
        info.state = FetchState::Receiving;
        assert_eq!(info.idle_status(), Status::WouldBlock);
        info.state = FetchState::Done;
        assert_eq!(info.idle_status(), Status::EndOfStream);
        info.state = FetchState::Failed;
        info.error = Status::Timeout.code().unsigned_abs();
        assert_eq!(info.idle_status(), Status::Timeout);
        info.error = 9999;
        assert_eq!(info.idle_status(), Status::Internal);
        info.error = 0;
        assert_eq!(info.idle_status(), Status::Io);
    }
}
