//! What reached the decoder chip's SDI, seen through the driver's `SdiObserver`: the
//! stream's bytes (as many as were pushed into the driver's queue, which it sends
//! before any end fill) go into an md5; the bytes after them are the end-of-stream
//! fill (VS1053b datasheet v1.31 §10.5.1), counted and each checked to be the
//! `endFillByte` the chip reports (`wasp_shim_mcu::virt`'s model reports 0).

extern crate alloc;

use alloc::rc::Rc;
use core::cell::RefCell;

use md5::{Digest, Md5};
use wasp_shim_mcu::vs1053::SdiObserver;

/// The `endFillByte` of the board's chip.
pub const END_FILL_BYTE: u8 = 0;

/// What reached SDI, for the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SdiReport {
    /// Stream bytes.
    pub stream_bytes: u64,
    /// The md5 of the stream bytes.
    pub stream_md5: [u8; 16],
    /// End-fill bytes after the stream.
    pub fill_bytes: u64,
    /// End-fill bytes that were not [`END_FILL_BYTE`].
    pub bad_fill: u64,
}

/// The account, shared by the observer (in the driver) and the port.
#[derive(Debug, Default)]
pub struct SdiAccount {
    pushed: u64,
    stream_bytes: u64,
    stream: Md5,
    fill_bytes: u64,
    bad_fill: u64,
}

impl SdiAccount {
    /// `bytes` more stream bytes went into the driver's queue.
    pub fn pushed(&mut self, bytes: usize) {
        self.pushed += bytes as u64;
    }

    /// What reached SDI so far.
    pub fn report(&self) -> SdiReport {
        SdiReport {
            stream_bytes: self.stream_bytes,
            stream_md5: self.stream.clone().finalize().into(),
            fill_bytes: self.fill_bytes,
            bad_fill: self.bad_fill,
        }
    }
}

/// The driver's observer: feeds the shared account.
#[derive(Debug, Clone, Default)]
pub struct SdiLog(pub Rc<RefCell<SdiAccount>>);

impl SdiObserver for SdiLog {
    fn written(&mut self, bytes: &[u8]) {
        let mut account = self.0.borrow_mut();
        let left = account.pushed.saturating_sub(account.stream_bytes);
        let split = usize::try_from(left).unwrap_or(usize::MAX).min(bytes.len());
        let (stream, fill) = bytes.split_at(split);
        account.stream.update(stream);
        account.stream_bytes += stream.len() as u64;
        account.fill_bytes += fill.len() as u64;
        account.bad_fill += fill.iter().filter(|&&b| b != END_FILL_BYTE).count() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushed_bytes_are_the_stream_and_the_rest_is_fill() {
        let log = SdiLog::default();
        let mut observer = log.clone();
        log.0.borrow_mut().pushed(5);
        observer.written(b"abc");
        // The write that ends the stream starts the fill.
        observer.written(&[b'd', b'e', END_FILL_BYTE, END_FILL_BYTE]);
        observer.written(&[END_FILL_BYTE, 7]);
        let report = log.0.borrow().report();
        assert_eq!(report.stream_bytes, 5);
        assert_eq!(report.stream_md5, <[u8; 16]>::from(Md5::digest(b"abcde")));
        assert_eq!((report.fill_bytes, report.bad_fill), (4, 1));
    }

    #[test]
    fn nothing_written_is_the_md5_of_nothing() {
        let report = SdiLog::default().0.borrow().report();
        assert_eq!(report.stream_md5, <[u8; 16]>::from(Md5::digest(b"")));
        assert_eq!(report.stream_bytes + report.fill_bytes, 0);
    }
}
