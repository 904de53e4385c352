//! The decoder chip behind the board's SPI bus under QEMU: a model of a VS1053b
//! that answers what `wasp-shim-mcu`'s driver asks and plays its stream at the
//! stream's bitrate on the board's clock.
//!
//! What the model keeps to (VS1053b datasheet v1.31):
//! * SCI (§7.4): `02h reg hi lo` writes a register, `03h reg` then two bytes reads
//!   one; `SCI_WRAMADDR`/`SCI_WRAM` (§9.6.7-8) read `endFillByte` at `1E06h` (§10.11),
//!   here 0 (MP3 and AAC streams end-fill with zeros); `SM_CANCEL` (§9.6.1) is cleared
//!   once the chip has taken SDI bytes after it was set (§10.5.1: the chip clears the
//!   bit when it has stopped decoding); `SM_RESET` empties the FIFO.
//! * SDI (§7.5): bytes go into a 2048-byte FIFO, which the decoder empties at the
//!   stream's byte rate as the clock runs; DREQ is high while at least 32 bytes of
//!   the FIFO are free (§7.3). A write larger than the free room is an overrun
//!   (counted: a driver that respects DREQ never makes one).
//! * What reached SDI is accounted: the stream's bytes (before the driver read
//!   `endFillByte`) go into an md5, the end-fill bytes after it are counted and each
//!   checked to be `endFillByte`.

extern crate alloc;

use alloc::rc::Rc;
use core::cell::RefCell;
use core::convert::Infallible;

use embedded_hal::digital::{ErrorType as PinErrorType, InputPin};
use embedded_hal::spi::{ErrorType, Operation, SpiDevice};
use md5::{Digest, Md5};

/// The chip's stream buffer (VS1053b §7.3: 2048 bytes).
pub const FIFO_BYTES: usize = 2048;
/// DREQ is high while at least this much of the FIFO is free (§7.3).
pub const DREQ_ROOM: usize = 32;
/// The `endFillByte` the chip reports (§10.11).
pub const END_FILL_BYTE: u8 = 0;

const SCI_WRITE: u8 = 0x02;
const SCI_READ: u8 = 0x03;
const REG_MODE: u8 = 0x00;
const REG_WRAM: u8 = 0x06;
const REG_WRAMADDR: u8 = 0x07;
const SM_RESET: u16 = 1 << 2;
const SM_CANCEL: u16 = 1 << 3;
const END_FILL_BYTE_ADDR: u16 = 0x1E06;

/// What reached the chip's SDI, for the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SdiReport {
    /// Stream bytes (before the end fill).
    pub stream_bytes: u64,
    /// The md5 of the stream bytes.
    pub stream_md5: [u8; 16],
    /// End-fill bytes (after the driver read `endFillByte`).
    pub fill_bytes: u64,
    /// End-fill bytes that were not `endFillByte`.
    pub bad_fill: u64,
    /// SDI writes larger than the FIFO's free room.
    pub overruns: u64,
}

/// The chip's state, shared by its SCI and SDI devices and its DREQ pin.
#[derive(Debug)]
pub struct Chip {
    clock: fn() -> u64,
    level: usize,
    byte_rate: u64,
    at_us: u64,
    /// Byte-microseconds drained but not yet a whole byte.
    carry: u64,
    registers: [u16; 16],
    filling: bool,
    cancel_seen_sdi: bool,
    stream: Md5,
    stream_bytes: u64,
    fill_bytes: u64,
    bad_fill: u64,
    overruns: u64,
}

/// A shared chip: what [`Sci`], [`Sdi`] and [`Dreq`] hold.
pub type Shared = Rc<RefCell<Chip>>;

impl Chip {
    /// A chip, idle and empty, on `clock` (µs); its decoder takes `byte_rate`
    /// bytes a second from the FIFO until told the stream's rate.
    pub fn new(clock: fn() -> u64, byte_rate: u64) -> Shared {
        Rc::new(RefCell::new(Self {
            clock,
            level: 0,
            byte_rate,
            at_us: clock(),
            carry: 0,
            registers: [0; 16],
            filling: false,
            cancel_seen_sdi: false,
            stream: Md5::new(),
            stream_bytes: 0,
            fill_bytes: 0,
            bad_fill: 0,
            overruns: 0,
        }))
    }

    /// The stream's rate in bytes a second (from its frames' sizes and durations).
    pub fn set_byte_rate(&mut self, byte_rate: u64) {
        self.advance();
        self.byte_rate = byte_rate;
    }

    /// Bytes in the FIFO now.
    pub fn level(&mut self) -> usize {
        self.advance();
        self.level
    }

    /// What reached SDI so far.
    pub fn report(&self) -> SdiReport {
        SdiReport {
            stream_bytes: self.stream_bytes,
            stream_md5: self.stream.clone().finalize().into(),
            fill_bytes: self.fill_bytes,
            bad_fill: self.bad_fill,
            overruns: self.overruns,
        }
    }

    /// Lets the decoder take from the FIFO what it played since the last look.
    fn advance(&mut self) {
        let now = (self.clock)();
        let elapsed = now.saturating_sub(self.at_us);
        self.at_us = now.max(self.at_us);
        let budget = elapsed
            .saturating_mul(self.byte_rate)
            .saturating_add(self.carry);
        let bytes = budget / 1_000_000;
        self.carry = budget % 1_000_000;
        let taken = usize::try_from(bytes).unwrap_or(usize::MAX).min(self.level);
        self.level -= taken;
        if self.level == 0 {
            self.carry = 0;
        }
    }

    fn dreq(&mut self) -> bool {
        self.advance();
        FIFO_BYTES - self.level >= DREQ_ROOM
    }

    fn sdi(&mut self, bytes: &[u8]) {
        self.advance();
        if bytes.len() > FIFO_BYTES - self.level {
            self.overruns += 1;
        }
        self.level = (self.level + bytes.len()).min(FIFO_BYTES);
        self.cancel_seen_sdi = true;
        if self.filling {
            self.fill_bytes += bytes.len() as u64;
            self.bad_fill += bytes.iter().filter(|&&b| b != END_FILL_BYTE).count() as u64;
        } else {
            self.stream.update(bytes);
            self.stream_bytes += bytes.len() as u64;
        }
    }

    fn sci_write(&mut self, register: u8, value: u16) {
        let Some(slot) = self.registers.get_mut(usize::from(register)) else {
            return;
        };
        *slot = value;
        if register == REG_MODE {
            if value & SM_RESET != 0 {
                // The reset is done at once: the bit reads back clear.
                *slot &= !SM_RESET;
                self.level = 0;
                self.filling = false;
            }
            if value & SM_CANCEL != 0 {
                self.cancel_seen_sdi = false;
            }
        }
    }

    fn sci_read(&mut self, register: u8) -> u16 {
        let wram_addr = self.register(REG_WRAMADDR);
        if register == REG_WRAM && wram_addr == END_FILL_BYTE_ADDR {
            self.filling = true;
            return u16::from(END_FILL_BYTE);
        }
        let cancelled = self.cancel_seen_sdi;
        let Some(slot) = self.registers.get_mut(usize::from(register)) else {
            return 0;
        };
        if register == REG_MODE && *slot & SM_CANCEL != 0 && cancelled {
            *slot &= !SM_CANCEL;
        }
        *slot
    }

    fn register(&self, register: u8) -> u16 {
        self.registers
            .get(usize::from(register))
            .copied()
            .unwrap_or(0)
    }
}

/// The chip's SCI (control) device.
#[derive(Debug)]
pub struct Sci(pub Shared);

/// The chip's SDI (data) device.
#[derive(Debug)]
pub struct Sdi(pub Shared);

/// The chip's DREQ line.
#[derive(Debug)]
pub struct Dreq(pub Shared);

impl ErrorType for Sci {
    type Error = Infallible;
}

impl SpiDevice for Sci {
    fn transaction(&mut self, operations: &mut [Operation<'_, u8>]) -> Result<(), Infallible> {
        let mut chip = self.0.borrow_mut();
        // An access is an instruction and a register, then 16 bits either way.
        let mut command: Option<(u8, u8)> = None;
        for operation in operations {
            match operation {
                Operation::Write([SCI_WRITE, register, high, low]) => {
                    chip.sci_write(*register, u16::from_be_bytes([*high, *low]));
                }
                Operation::Write([instruction, register]) => {
                    command = Some((*instruction, *register));
                }
                Operation::Read(buf) => {
                    if let Some((SCI_READ, register)) = command {
                        let value = chip.sci_read(register).to_be_bytes();
                        for (b, v) in buf.iter_mut().zip(value) {
                            *b = v;
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl ErrorType for Sdi {
    type Error = Infallible;
}

impl SpiDevice for Sdi {
    fn transaction(&mut self, operations: &mut [Operation<'_, u8>]) -> Result<(), Infallible> {
        let mut chip = self.0.borrow_mut();
        for operation in operations {
            if let Operation::Write(bytes) = operation {
                chip.sdi(bytes);
            }
        }
        Ok(())
    }
}

impl PinErrorType for Dreq {
    type Error = Infallible;
}

impl InputPin for Dreq {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.0.borrow_mut().dreq())
    }

    fn is_low(&mut self) -> Result<bool, Infallible> {
        self.is_high().map(|high| !high)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::sync::atomic::{AtomicU64, Ordering};

    static NOW: AtomicU64 = AtomicU64::new(0);

    fn now() -> u64 {
        NOW.load(Ordering::Relaxed)
    }

    #[test]
    fn the_fifo_drains_at_the_byte_rate_and_dreq_follows_its_room() {
        NOW.store(1_000, Ordering::Relaxed);
        let chip = Chip::new(now, 16_000);
        let (mut sdi, mut dreq) = (Sdi(chip.clone()), Dreq(chip.clone()));
        for _ in 0..FIFO_BYTES / 32 {
            assert_eq!(dreq.is_high(), Ok(true));
            sdi.write(&[7; 32]).ok();
        }
        // Full: no room for 32 more.
        assert_eq!(dreq.is_high(), Ok(false));
        // 16,000 bytes a second: 32 bytes take 2 ms.
        NOW.store(1_000 + 1_999, Ordering::Relaxed);
        assert_eq!(dreq.is_high(), Ok(false));
        NOW.store(1_000 + 2_000, Ordering::Relaxed);
        assert_eq!(dreq.is_high(), Ok(true));
        assert_eq!(chip.borrow_mut().level(), FIFO_BYTES - 32);
        assert_eq!(chip.borrow().report().overruns, 0);
        NOW.store(0, Ordering::Relaxed);
    }

    #[test]
    fn a_write_past_the_free_room_is_an_overrun() {
        let chip = Chip::new(|| 5, 0);
        let mut sdi = Sdi(chip.clone());
        sdi.write(&[1; FIFO_BYTES - 16]).ok();
        sdi.write(&[1; 32]).ok();
        assert_eq!(chip.borrow().report().overruns, 1);
    }

    #[test]
    fn bytes_after_the_end_fill_byte_read_are_fill_not_stream() {
        let chip = Chip::new(|| 5, 1_000_000);
        let (mut sci, mut sdi) = (Sci(chip.clone()), Sdi(chip.clone()));
        sdi.write(b"abc").ok();
        sci.write(&[SCI_WRITE, REG_WRAMADDR, 0x1E, 0x06]).ok();
        let mut value = [9; 2];
        sci.transaction(&mut [
            Operation::Write(&[SCI_READ, REG_WRAM]),
            Operation::Read(&mut value),
        ])
        .ok();
        assert_eq!(value, [0, END_FILL_BYTE]);
        sdi.write(&[END_FILL_BYTE; 4]).ok();
        sdi.write(&[1]).ok();
        let report = chip.borrow().report();
        assert_eq!(report.stream_bytes, 3);
        assert_eq!(report.stream_md5, <[u8; 16]>::from(Md5::digest(b"abc")));
        assert_eq!((report.fill_bytes, report.bad_fill), (5, 1));
    }

    #[test]
    fn sm_cancel_clears_once_the_chip_took_sdi_bytes() {
        let chip = Chip::new(|| 5, 1_000_000);
        let (mut sci, mut sdi) = (Sci(chip.clone()), Sdi(chip.clone()));
        let read_mode = |sci: &mut Sci| {
            let mut value = [0; 2];
            sci.transaction(&mut [
                Operation::Write(&[SCI_READ, REG_MODE]),
                Operation::Read(&mut value),
            ])
            .ok();
            u16::from_be_bytes(value)
        };
        sci.write(&[SCI_WRITE, REG_MODE, 0x08, 0x08]).ok();
        assert_eq!(read_mode(&mut sci), 0x0808);
        sdi.write(&[0; 32]).ok();
        assert_eq!(read_mode(&mut sci), 0x0800);
    }
}
