//! Peripherals for boards that lack the real parts, such as QEMU's mps2 machines: a
//! VS1053-class decoder chip model, a NOR flash in RAM, and what a firmware needs to
//! log the bytes its drivers send.
//!
//! The decoder model behaves as the datasheet describes the chip's interfaces (see
//! [`crate::vs1053`]): a 2048-byte stream buffer drained at the stream's byte rate by
//! the caller's clock, DREQ high while at least 32 bytes are free, `SCI_MODE`'s
//! `SM_CANCEL` cleared once the chip has taken some fill bytes, `SM_RESET` emptying
//! the buffer, `endFillByte` at `1E06h`. It counts any SDI write larger than the room
//! DREQ promised, so a run proves the driver kept to the handshake.

use core::cell::RefCell;
use core::convert::Infallible;

use embedded_hal::digital::{ErrorType as PinErrorType, InputPin, OutputPin};
use embedded_hal::spi::{ErrorType as SpiErrorType, Operation, SpiDevice};
use embedded_storage::nor_flash::{
    ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};

use crate::vs1053::{mode, reg, CHUNK, END_FILL_BYTE_ADDR};

/// The model chip's stream buffer, in bytes.
pub const STREAM_BUFFER: usize = 2048;
/// Fill bytes the model takes after `SM_CANCEL` before clearing it.
pub const CANCEL_AFTER: u32 = 64;

/// The state of a model decoder chip, shared by its SCI, SDI and DREQ handles.
#[derive(Debug)]
pub struct DecoderModel {
    level: usize,
    bytes_per_second: u64,
    last_us: i64,
    drained_fraction: u64,
    registers: [u16; 16],
    end_fill_byte: u16,
    since_cancel: u32,
    clock: Option<fn() -> u64>,
    /// SDI bytes taken, in all.
    pub received: u64,
    /// SDI writes larger than the free room (DREQ broken by the driver).
    pub overruns: u32,
}

impl DecoderModel {
    /// A chip that plays `bytes_per_second` of stream (a 128 kbit/s MP3: 16000),
    /// with its clock at `now_us`.
    pub fn new(bytes_per_second: u64, now_us: i64) -> Self {
        Self {
            level: 0,
            bytes_per_second,
            last_us: now_us,
            drained_fraction: 0,
            registers: [0; 16],
            end_fill_byte: 0,
            since_cancel: 0,
            clock: None,
            received: 0,
            overruns: 0,
        }
    }

    /// The chip plays on `clock` (µs, the clock `now_us` was read from) by itself:
    /// each read of DREQ first plays the buffer up to `clock()`, so a driver that
    /// waits for DREQ (before an SCI access, §7.4) sees it rise as the buffer drains,
    /// as it does on the real chip. Without a clock the model plays only when
    /// [`DecoderModel::advance`] is called.
    #[must_use]
    pub fn on_clock(mut self, clock: fn() -> u64) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Plays the stream buffer up to `now_us` (time never goes back).
    pub fn advance(&mut self, now_us: i64) {
        let elapsed = u64::try_from(now_us.saturating_sub(self.last_us)).unwrap_or(0);
        self.last_us = self.last_us.max(now_us);
        // Whole bytes played; the remainder (in byte-microseconds) carries over.
        let total = elapsed
            .saturating_mul(self.bytes_per_second)
            .saturating_add(self.drained_fraction);
        let played = total / 1_000_000;
        self.drained_fraction = total % 1_000_000;
        self.level = self
            .level
            .saturating_sub(usize::try_from(played).unwrap_or(usize::MAX));
    }

    /// Plays on at `bytes_per_second` from `now_us` (the stream's own rate, once the
    /// firmware knows it from the frames it is given).
    pub fn set_byte_rate(&mut self, bytes_per_second: u64, now_us: i64) {
        self.advance(now_us);
        self.bytes_per_second = bytes_per_second;
    }

    /// Bytes in the stream buffer.
    pub fn level(&self) -> usize {
        self.level
    }

    /// DREQ: at least 32 bytes of room.
    pub fn dreq(&self) -> bool {
        STREAM_BUFFER - self.level >= CHUNK
    }

    /// An SCI register's value.
    pub fn register(&self, register: u8) -> u16 {
        self.registers
            .get(usize::from(register))
            .copied()
            .unwrap_or(0)
    }

    fn sdi(&mut self, bytes: &[u8]) {
        let room = STREAM_BUFFER - self.level;
        if bytes.len() > room {
            self.overruns += 1;
        }
        self.level += bytes.len().min(room);
        self.received += bytes.len() as u64;
        let cancel = self.register(reg::MODE) & mode::SM_CANCEL != 0;
        if cancel {
            self.since_cancel = self
                .since_cancel
                .saturating_add(u32::try_from(bytes.len()).unwrap_or(u32::MAX));
            if self.since_cancel >= CANCEL_AFTER {
                self.set(reg::MODE, self.register(reg::MODE) & !mode::SM_CANCEL);
                self.level = 0;
            }
        }
    }

    fn set(&mut self, register: u8, value: u16) {
        if let Some(r) = self.registers.get_mut(usize::from(register)) {
            *r = value;
        }
    }

    fn sci(&mut self, frame: &[u8], reply: &mut [u8]) {
        match *frame {
            [0x02, register, high, low] => {
                let value = u16::from_be_bytes([high, low]);
                if register == reg::MODE {
                    if value & mode::SM_RESET != 0 {
                        self.level = 0;
                    }
                    if value & mode::SM_CANCEL != 0 {
                        self.since_cancel = 0;
                    }
                    // SM_RESET clears itself.
                    self.set(register, value & !mode::SM_RESET);
                } else {
                    self.set(register, value);
                }
            }
            [0x03, register] => {
                let value = if register == reg::WRAM
                    && self.register(reg::WRAMADDR) == END_FILL_BYTE_ADDR
                {
                    self.end_fill_byte
                } else {
                    self.register(register)
                };
                for (to, from) in reply.iter_mut().zip(value.to_be_bytes()) {
                    *to = from;
                }
            }
            _ => {}
        }
    }
}

/// Random bytes for a board without a hardware generator (QEMU's mps2 machines have
/// none): SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014) from a seed. Not a source of secrets; a board with a
/// TRNG (an STM32's RNG) fills from it instead.
#[derive(Clone, Debug)]
pub struct Prng(u64);

impl Prng {
    /// The generator from `seed` (the same seed, the same bytes: a deterministic run).
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Fills `buf`.
    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(word.get(..chunk.len()).unwrap_or_default());
        }
    }
}

/// An output pin no model reads: the panel's D/CX (a bus that records bytes takes
/// commands and data alike) and the decoder chip's xRESET.
#[derive(Clone, Copy, Debug, Default)]
pub struct UnreadPin;

impl PinErrorType for UnreadPin {
    type Error = Infallible;
}

impl OutputPin for UnreadPin {
    fn set_low(&mut self) -> Result<(), Infallible> {
        Ok(())
    }

    fn set_high(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// The model's SCI bus (xCS).
#[derive(Clone, Copy, Debug)]
pub struct ModelSci<'a>(pub &'a RefCell<DecoderModel>);

/// The model's SDI bus (xDCS).
#[derive(Clone, Copy, Debug)]
pub struct ModelSdi<'a>(pub &'a RefCell<DecoderModel>);

/// The model's DREQ line.
#[derive(Clone, Copy, Debug)]
pub struct ModelDreq<'a>(pub &'a RefCell<DecoderModel>);

impl SpiErrorType for ModelSci<'_> {
    type Error = Infallible;
}

impl SpiDevice for ModelSci<'_> {
    fn transaction(&mut self, operations: &mut [Operation<'_, u8>]) -> Result<(), Infallible> {
        // An SCI frame: the instruction and register (and value), then a read.
        let mut frame = [0u8; 4];
        let mut len = 0;
        for op in operations {
            match op {
                Operation::Write(bytes) => {
                    for &b in bytes.iter() {
                        if let Some(slot) = frame.get_mut(len) {
                            *slot = b;
                        }
                        len += 1;
                    }
                    if len == 4 {
                        self.0.borrow_mut().sci(&frame, &mut []);
                    }
                }
                Operation::Read(reply) => {
                    let request = frame.get(..len).unwrap_or_default();
                    self.0.borrow_mut().sci(request, reply);
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl SpiErrorType for ModelSdi<'_> {
    type Error = Infallible;
}

impl SpiDevice for ModelSdi<'_> {
    fn transaction(&mut self, operations: &mut [Operation<'_, u8>]) -> Result<(), Infallible> {
        for op in operations {
            if let Operation::Write(bytes) = op {
                self.0.borrow_mut().sdi(bytes);
            }
        }
        Ok(())
    }
}

impl PinErrorType for ModelDreq<'_> {
    type Error = Infallible;
}

impl InputPin for ModelDreq<'_> {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        let mut model = self.0.borrow_mut();
        if let Some(clock) = model.clock {
            model.advance(i64::try_from(clock()).unwrap_or(i64::MAX));
        }
        Ok(model.dreq())
    }

    fn is_low(&mut self) -> Result<bool, Infallible> {
        self.is_high().map(|high| !high)
    }
}

/// A NOR flash in RAM (a region the firmware sets aside): erased bytes are FFh,
/// programming only clears bits, `PAGE`-byte erase pages, 4-byte words.
#[derive(Debug)]
pub struct RamFlash<'a, const PAGE: usize> {
    bytes: &'a mut [u8],
}

/// A RAM flash access outside the region or not on its alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RamFlashError(pub NorFlashErrorKind);

impl NorFlashError for RamFlashError {
    fn kind(&self) -> NorFlashErrorKind {
        self.0
    }
}

impl<'a, const PAGE: usize> RamFlash<'a, PAGE> {
    /// The flash over `bytes` (whole pages; a partial last page is left unused), as
    /// it is: a region never used should be filled with FFh (erased) first.
    pub fn new(bytes: &'a mut [u8]) -> Self {
        let whole = bytes.len() / PAGE.max(1) * PAGE;
        let (bytes, _) = bytes.split_at_mut(whole);
        Self { bytes }
    }

    fn range(
        &self,
        offset: u32,
        len: usize,
        align: usize,
    ) -> Result<(usize, usize), RamFlashError> {
        let start =
            usize::try_from(offset).map_err(|_| RamFlashError(NorFlashErrorKind::OutOfBounds))?;
        if !start.is_multiple_of(align) || !len.is_multiple_of(align) {
            return Err(RamFlashError(NorFlashErrorKind::NotAligned));
        }
        let end = start
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len())
            .ok_or(RamFlashError(NorFlashErrorKind::OutOfBounds))?;
        Ok((start, end))
    }
}

impl<const PAGE: usize> ErrorType for RamFlash<'_, PAGE> {
    type Error = RamFlashError;
}

impl<const PAGE: usize> ReadNorFlash for RamFlash<'_, PAGE> {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), RamFlashError> {
        let (start, end) = self.range(offset, bytes.len(), 1)?;
        bytes.copy_from_slice(self.bytes.get(start..end).unwrap_or_default());
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.bytes.len()
    }
}

impl<const PAGE: usize> NorFlash for RamFlash<'_, PAGE> {
    const WRITE_SIZE: usize = 4;
    const ERASE_SIZE: usize = PAGE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), RamFlashError> {
        let len = to
            .checked_sub(from)
            .ok_or(RamFlashError(NorFlashErrorKind::OutOfBounds))?;
        let (start, end) = self.range(from, len as usize, PAGE)?;
        self.bytes
            .get_mut(start..end)
            .unwrap_or_default()
            .fill(0xFF);
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), RamFlashError> {
        let (start, end) = self.range(offset, bytes.len(), 4)?;
        for (cell, &byte) in self
            .bytes
            .get_mut(start..end)
            .unwrap_or_default()
            .iter_mut()
            .zip(bytes)
        {
            *cell &= byte;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "virt_tests.rs"]
mod tests;
