//! Logging through the `log` import, and the [`error!`](crate::error),
//! [`warn!`](crate::warn), [`info!`](crate::info), [`debug!`](crate::debug) and
//! [`trace!`](crate::trace) macros.
//!
//! The macros format with `core::fmt` into a [`LineBuffer`] on the stack (one line of
//! [`MAX_LOG_LINE`] bytes, cut at a UTF-8 boundary): logging never allocates, so it
//! works when the heap is exhausted and inside the panic handler.
#![allow(unsafe_code)] // FFI edge: calls the `log` import.

use core::fmt;
pub use wasp_abi::imports::MAX_LOG_LINE;
use wasp_abi::player::LogLevel;
use wasp_abi::Status;

use crate::{sys, util};

/// Logs one line at `level`. The host keeps at most [`MAX_LOG_LINE`] bytes of it.
///
/// # Errors
/// The import's status (natively always [`Status::Unsupported`]).
#[inline]
pub fn log(level: LogLevel, line: &str) -> Result<(), Status> {
    // SAFETY: `line` is a live shared borrow of `line.len()` bytes the host only reads.
    let ret = unsafe {
        sys::log(
            level.as_u32() as i32,
            util::addr(line.as_bytes()),
            util::len(line.len()),
        )
    };
    Status::check(ret).map(drop)
}

/// Formats `args` into a stack buffer (truncated at [`MAX_LOG_LINE`] bytes) and logs
/// it at `level`. What the macros call.
///
/// # Errors
/// As [`log`].
pub fn log_fmt(level: LogLevel, args: fmt::Arguments<'_>) -> Result<(), Status> {
    if let Some(text) = args.as_str() {
        return log(level, text);
    }
    let mut line = LineBuffer::<MAX_LOG_LINE>::new();
    // An error only means the line was cut; log what fits.
    let _ = fmt::write(&mut line, args);
    log(level, line.as_str())
}

/// A fixed-capacity UTF-8 line that [`fmt::Write`] fills up to `N` bytes, cutting at a
/// character boundary. Once full it refuses further text.
#[derive(Clone)]
pub struct LineBuffer<const N: usize> {
    bytes: [u8; N],
    len: usize,
    truncated: bool,
}

impl<const N: usize> LineBuffer<N> {
    /// An empty line.
    pub const fn new() -> Self {
        Self {
            bytes: [0; N],
            len: 0,
            truncated: false,
        }
    }

    /// The text so far (always whole characters).
    pub fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..self.len).unwrap_or_default();
        // Only whole characters of `&str`s are ever copied in, so this cannot fail.
        core::str::from_utf8(bytes).unwrap_or_default()
    }

    /// Whether text was cut off because the line was full.
    pub const fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Empties the line.
    pub fn clear(&mut self) {
        self.len = 0;
        self.truncated = false;
    }
}

impl<const N: usize> Default for LineBuffer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Write for LineBuffer<N> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if self.truncated {
            return Err(fmt::Error);
        }
        let room = N - self.len;
        let mut take = text.len().min(room);
        while !text.is_char_boundary(take) {
            take -= 1; // stops at 0 at the latest, a boundary
        }
        let src = text.as_bytes().get(..take).unwrap_or_default();
        if let Some(dst) = self.bytes.get_mut(self.len..self.len + take) {
            dst.copy_from_slice(src);
            self.len += take;
        }
        if take < text.len() {
            self.truncated = true;
            return Err(fmt::Error);
        }
        Ok(())
    }
}

impl<const N: usize> fmt::Debug for LineBuffer<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> fmt::Display for LineBuffer<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Logs a formatted line at [`LogLevel::Error`]; the result is ignored.
#[macro_export]
macro_rules! error {
    ($($arg:tt)*) => {{
        let _ = $crate::log::log_fmt(
            $crate::abi::player::LogLevel::Error,
            ::core::format_args!($($arg)*),
        );
    }};
}

/// Logs a formatted line at [`LogLevel::Warn`]; the result is ignored.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)*) => {{
        let _ = $crate::log::log_fmt(
            $crate::abi::player::LogLevel::Warn,
            ::core::format_args!($($arg)*),
        );
    }};
}

/// Logs a formatted line at [`LogLevel::Info`]; the result is ignored.
#[macro_export]
macro_rules! info {
    ($($arg:tt)*) => {{
        let _ = $crate::log::log_fmt(
            $crate::abi::player::LogLevel::Info,
            ::core::format_args!($($arg)*),
        );
    }};
}

/// Logs a formatted line at [`LogLevel::Debug`]; the result is ignored.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => {{
        let _ = $crate::log::log_fmt(
            $crate::abi::player::LogLevel::Debug,
            ::core::format_args!($($arg)*),
        );
    }};
}

/// Logs a formatted line at [`LogLevel::Trace`]; the result is ignored.
#[macro_export]
macro_rules! trace {
    ($($arg:tt)*) => {{
        let _ = $crate::log::log_fmt(
            $crate::abi::player::LogLevel::Trace,
            ::core::format_args!($($arg)*),
        );
    }};
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;

    #[test]
    fn long_lines_are_cut_at_max_log_line() {
        let mut line = LineBuffer::<MAX_LOG_LINE>::new();
        for _ in 0..MAX_LOG_LINE {
            let _ = write!(line, "ab");
        }
        assert_eq!(line.as_str().len(), MAX_LOG_LINE);
        assert!(line.is_truncated());
        assert!(write!(line, "x").is_err());
    }

    #[test]
    fn cuts_fall_on_utf8_boundaries() {
        let mut line = LineBuffer::<5>::new();
        // "aé" is 3 bytes; "€" is 3 bytes and would end at 6 > 5.
        assert!(write!(line, "aé€").is_err());
        assert_eq!(line.as_str(), "aé");
        assert!(line.is_truncated());

        let mut line = LineBuffer::<MAX_LOG_LINE>::new();
        let text = "€".repeat(MAX_LOG_LINE); // 3 bytes each
        let _ = line.write_str(&text);
        assert_eq!(line.as_str().len(), MAX_LOG_LINE / 3 * 3);
        assert!(line.as_str().chars().all(|c| c == '€'));
    }

    #[test]
    fn short_lines_are_kept_whole() {
        let mut line = LineBuffer::<16>::new();
        let import = "log";
        write!(line, "probe {import}: {}", 7).unwrap();
        assert_eq!(line.as_str(), "probe log: 7");
        assert!(!line.is_truncated());
        line.clear();
        assert_eq!(line.as_str(), "");
    }

    #[test]
    fn macros_compile_and_log_natively_to_a_stub() {
        crate::info!("hello {}", 1);
        crate::error!("plain");
        assert_eq!(log(LogLevel::Info, "x"), Err(Status::Unsupported));
    }
}
