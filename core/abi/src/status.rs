//! Status codes: the `i32` every host function returns.
//!
//! `>= 0` is success (often a count, a length or a handle); `< 0` is one of
//! [`Status`]. Codes are stable across minor versions: new codes are only appended,
//! and a guest treats an unknown negative value as [`Status::Internal`].

/// A failure reported by a host function, as a negative `i32`.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// An argument is malformed: an unknown enum value, a bad flag combination, a
    /// string that is not UTF-8, a record that overruns its list.
    InvalidArgument = -1,
    /// A `(ptr, len)` lies outside guest memory or `ptr + len` overflows.
    OutOfBounds = -2,
    /// The handle is not open: never issued, already closed (stale generation), or of
    /// another kind.
    BadHandle = -3,
    /// The per-kind handle limit is reached; close something first.
    TooManyHandles = -4,
    /// A byte budget would be exceeded (media store, decoder queue, images, key-value
    /// store).
    BudgetExceeded = -5,
    /// This device or runtime does not offer the call, codec or feature. Imports newer
    /// than the runtime are linked to stubs that return this.
    Unsupported = -6,
    /// The named thing does not exist (key, header, file).
    NotFound = -7,
    /// Nothing can be done now; try again on a later tick (queue full, no data yet).
    WouldBlock = -8,
    /// The stream has ended and every byte has been read.
    EndOfStream = -9,
    /// The call is not valid in the object's current state.
    InvalidState = -10,
    /// The network or storage failed (connection refused, reset, DNS, I/O error).
    Io = -11,
    /// The operation did not complete in time.
    Timeout = -12,
    /// The server answered with an HTTP error status (see the fetch's info).
    HttpError = -13,
    /// The decoder rejected the data or failed.
    DecodeError = -14,
    /// The port failed in a way it could not describe better.
    Internal = -15,
}

impl Status {
    /// Every status, in code order.
    pub const ALL: &'static [Status] = &[
        Status::InvalidArgument,
        Status::OutOfBounds,
        Status::BadHandle,
        Status::TooManyHandles,
        Status::BudgetExceeded,
        Status::Unsupported,
        Status::NotFound,
        Status::WouldBlock,
        Status::EndOfStream,
        Status::InvalidState,
        Status::Io,
        Status::Timeout,
        Status::HttpError,
        Status::DecodeError,
        Status::Internal,
    ];

    /// The wire value (negative).
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The status for a negative wire value; unknown negatives map to `Internal`,
    /// non-negative values are not statuses.
    #[allow(clippy::indexing_slicing)] // `i < ALL.len()` is the loop condition.
    pub const fn from_code(code: i32) -> Option<Status> {
        if code >= 0 {
            return None;
        }
        let mut i = 0;
        while i < Self::ALL.len() {
            if Self::ALL[i] as i32 == code {
                return Some(Self::ALL[i]);
            }
            i += 1;
        }
        Some(Status::Internal)
    }

    /// Splits a wire return value into success (`Ok(value)`) or a status.
    ///
    /// # Errors
    /// The status when `ret < 0`.
    pub const fn check(ret: i32) -> Result<u32, Status> {
        match Self::from_code(ret) {
            Some(status) => Err(status),
            None => Ok(ret as u32),
        }
    }

    /// A short, stable name.
    pub const fn name(self) -> &'static str {
        match self {
            Status::InvalidArgument => "invalid argument",
            Status::OutOfBounds => "pointer or length outside guest memory",
            Status::BadHandle => "bad or stale handle",
            Status::TooManyHandles => "too many open handles",
            Status::BudgetExceeded => "byte budget exceeded",
            Status::Unsupported => "unsupported",
            Status::NotFound => "not found",
            Status::WouldBlock => "would block",
            Status::EndOfStream => "end of stream",
            Status::InvalidState => "invalid state",
            Status::Io => "I/O error",
            Status::Timeout => "timed out",
            Status::HttpError => "HTTP error",
            Status::DecodeError => "decode error",
            Status::Internal => "internal error",
        }
    }
}

impl core::fmt::Display for Status {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} ({})", self.name(), self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_negative_unique_and_round_trip() {
        for (i, s) in Status::ALL.iter().enumerate() {
            assert_eq!(s.code(), -(i as i32) - 1, "codes are dense and stable");
            assert_eq!(Status::from_code(s.code()), Some(*s));
        }
        assert_eq!(Status::from_code(0), None);
        assert_eq!(Status::from_code(-999), Some(Status::Internal));
        assert_eq!(Status::check(5), Ok(5));
        assert_eq!(Status::check(-3), Err(Status::BadHandle));
    }
}
