//! The display's bus under QEMU: an ST7789's SPI whose every byte (commands, window
//! addresses, RGB565 pixels) goes into an md5, so each presented frame is one hash in
//! the log.

use core::convert::Infallible;

use embedded_hal::spi::{ErrorType, Operation, SpiDevice};
use md5::{Digest, Md5};

/// The panel's SPI: hashes what the driver writes.
#[derive(Debug, Default)]
pub struct PanelBus {
    hash: Md5,
    bytes: u64,
}

impl PanelBus {
    /// The md5 of the bytes since the last call, and their count; starts afresh.
    pub fn take(&mut self) -> ([u8; 16], u64) {
        let bytes = core::mem::take(&mut self.bytes);
        (self.hash.finalize_reset().into(), bytes)
    }
}

impl ErrorType for PanelBus {
    type Error = Infallible;
}

impl SpiDevice for PanelBus {
    fn transaction(&mut self, operations: &mut [Operation<'_, u8>]) -> Result<(), Infallible> {
        for operation in operations {
            if let Operation::Write(bytes) = operation {
                self.hash.update(&bytes[..]);
                self.bytes += bytes.len() as u64;
            }
        }
        Ok(())
    }
}

/// `digest` as 32 lower-case hex digits.
pub fn hex(digest: &[u8; 16]) -> [u8; 32] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0; 32];
    for (pair, byte) in out.chunks_exact_mut(2).zip(digest) {
        for (digit, nibble) in pair.iter_mut().zip([byte >> 4, byte & 15]) {
            *digit = DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_take_hashes_the_bytes_written_since_the_last() {
        let mut bus = PanelBus::default();
        bus.write(b"ab").ok();
        bus.transaction(&mut [Operation::Write(b"c")]).ok();
        assert_eq!(bus.take(), (Md5::digest(b"abc").into(), 3));
        assert_eq!(bus.take(), (Md5::digest(b"").into(), 0));
    }

    #[test]
    fn hex_spells_every_nibble() {
        let mut digest = [0u8; 16];
        digest[0] = 0x0f;
        digest[15] = 0xa5;
        let text = hex(&digest);
        assert_eq!(&text[..4], b"0f00");
        assert_eq!(&text[28..], b"00a5");
    }
}
