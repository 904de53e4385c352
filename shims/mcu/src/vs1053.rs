//! A VS1053-class MP3/AAC decoder chip on SPI: the module's compressed audio frames go
//! into a bounded queue and from there into the chip, 32 bytes at a time, only while
//! the chip asks for data.
//!
//! VLSI Solution VS1053b datasheet (v1.31):
//! * SCI, the control interface (xCS): a write is `02h`, the register, 16 bits high
//!   byte first; a read is `03h`, the register, then 16 bits from the chip (§7.4).
//! * SDI, the data interface (xDCS with `SM_SDINEW`): the stream's bytes as they are
//!   (§7.5). DREQ high means the chip's buffer can take at least 32 bytes (§7.3), so a
//!   32-byte write after seeing DREQ high never overruns it; DREQ is also low while the
//!   chip works on an SCI write, so every SCI access here waits for it too.
//! * Start-up: xRESET low then high; DREQ rises when the chip is ready (§8, §7.3);
//!   `SCI_MODE` with `SM_SDINEW` (§9.6.1), `SCI_CLOCKF` (§9.6.4), `SCI_VOL` (§9.6.11).
//! * End of a stream (§10.5.1): read `endFillByte` (extra parameter at `1E06h`, §10.11,
//!   through `SCI_WRAMADDR`/`SCI_WRAM`, §9.6.7-8), send 2052 of it, set `SM_CANCEL`,
//!   then keep sending 32 at a time until the chip clears `SM_CANCEL`; software reset
//!   if it has not after 2048. Cancelling a stream (§10.5.2): `SM_CANCEL` first, the
//!   same 32-byte rounds, then the 2052 fill bytes.
//!
//! [`Vs1053::pump`] never waits: it returns as soon as DREQ is low or nothing is left
//! to send (the one exception is the software reset of a cancel the chip does not
//! finish, which the datasheet calls extremely rare). Only [`Vs1053::init`], [`Vs1053::set_volume`] and [`Vs1053::soft_reset`]
//! wait for DREQ, each wait bounded ([`DREQ_POLLS`] polls [`DREQ_POLL_US`] apart).

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::{self, InputPin, OutputPin};
use embedded_hal::spi::{self, Operation, SpiDevice};

use crate::queue::ByteQueue;

/// SCI registers (§9.6).
pub mod reg {
    /// Mode control.
    pub const MODE: u8 = 0x00;
    /// Clock frequency and multiplier.
    pub const CLOCKF: u8 = 0x03;
    /// RAM read/write.
    pub const WRAM: u8 = 0x06;
    /// Base address for RAM read/write.
    pub const WRAMADDR: u8 = 0x07;
    /// Volume control.
    pub const VOL: u8 = 0x0B;
}

/// `SCI_MODE` bits (§9.6.1).
pub mod mode {
    /// Software reset.
    pub const SM_RESET: u16 = 1 << 2;
    /// Cancel decoding the current stream.
    pub const SM_CANCEL: u16 = 1 << 3;
    /// VS1002 native SPI modes: xDCS selects SDI.
    pub const SM_SDINEW: u16 = 1 << 11;
}

/// SCI write instruction (§7.4).
const SCI_WRITE: u8 = 0x02;
/// SCI read instruction (§7.4).
const SCI_READ: u8 = 0x03;

/// `SCI_CLOCKF`: SC_MULT = 4 (XTALI x 3.5), SC_ADD = 1 (+1.0x when the decoder needs
/// it), SC_FREQ = 0 (a 12.288 MHz crystal), the setting VLSI's own example player uses
/// (§9.6.4). The SCI clock must stay below CLKI/7 until it is written (§7.4): the board
/// starts the bus at 1.75 MHz or less.
pub const CLOCKF: u16 = 0x8800;
/// Where `endFillByte` is in the chip's X memory (§10.11).
pub const END_FILL_BYTE_ADDR: u16 = 0x1E06;
/// Fill bytes sent at the end of a stream (§10.5.1 step 3, §10.5.2 step 4).
pub const END_FILL_LEN: u16 = 2052;
/// Fill bytes after which a cancel that has not finished calls for a software reset
/// (§10.5.1 step 6, §10.5.2 step 3).
pub const CANCEL_LIMIT: u16 = 2048;
/// Bytes the chip always takes when DREQ is high (§7.3).
pub const CHUNK: usize = 32;
/// Times a bounded wait reads DREQ before giving up.
pub const DREQ_POLLS: u32 = 1000;
/// Microseconds between two reads of DREQ in a bounded wait: 100 ms in all, far above
/// the 1.8 ms the chip needs after a reset at 12.288 MHz (§7.3).
pub const DREQ_POLL_US: u32 = 100;

/// A failure of the chip's bus or pins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// An SCI or SDI transfer failed.
    Spi(spi::ErrorKind),
    /// DREQ or xRESET failed.
    Pin(digital::ErrorKind),
    /// DREQ stayed low through a bounded wait: no chip, or a chip that does not run.
    NotReady,
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::Spi(e) => write!(f, "decoder chip SPI transfer failed: {e}"),
            Error::Pin(e) => write!(f, "decoder chip pin failed: {e}"),
            Error::NotReady => f.write_str("decoder chip never raised DREQ"),
        }
    }
}

fn spi_error(e: impl spi::Error) -> Error {
    Error::Spi(e.kind())
}

fn pin_error(e: impl digital::Error) -> Error {
    Error::Pin(e.kind())
}

/// Sees every byte written to the chip's SDI, in order (a firmware hashes them into its
/// log). Closures `FnMut(&[u8])` are observers; `()` ignores the bytes.
pub trait SdiObserver {
    /// `bytes` were just written to SDI.
    fn written(&mut self, bytes: &[u8]);
}

impl SdiObserver for () {
    fn written(&mut self, _: &[u8]) {}
}

impl<F: FnMut(&[u8])> SdiObserver for F {
    fn written(&mut self, bytes: &[u8]) {
        self(bytes)
    }
}

/// Where the chip's stream is. Each state past `Draining` is one step of the
/// datasheet's end-of-stream or cancel sequence (§10.5.1, §10.5.2), taken by
/// [`Vs1053::pump`] with one SPI access after seeing DREQ high.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Nothing to play: a push starts a new stream.
    Idle,
    /// Queued bytes go to the chip as it asks for them.
    Streaming,
    /// The stream has ended: the queue drains, then `SCI_WRAMADDR` = `1E06h`.
    Draining,
    /// `SCI_WRAMADDR` is set: `endFillByte` is read from `SCI_WRAM` next.
    FillAddress,
    /// Sending `left` fill bytes; then `SM_CANCEL` when `cancel_next`, else idle.
    EndFill {
        /// Fill bytes still to send.
        left: u16,
        /// The end-of-stream order: fill first, cancel next.
        cancel_next: bool,
    },
    /// The fill is sent: `SM_CANCEL` is set next.
    Cancel,
    /// `SM_CANCEL` is set and `sent` fill bytes went since: 32 more, then `SCI_MODE` is
    /// read (`check`), until the chip clears the bit; then the 2052 fill bytes when
    /// `fill_next` (a cancelled stream), else idle.
    Cancelling {
        /// Fill bytes sent since `SM_CANCEL` was set.
        sent: u16,
        /// `SCI_MODE` is read next (32 fill bytes went since the last read).
        check: bool,
        /// The cancel order: cancel first, fill next.
        fill_next: bool,
    },
}

/// The decoder chip: SCI and SDI devices, DREQ and xRESET, a delay for the bounded
/// waits, an observer of SDI bytes, and a queue of `N` compressed bytes.
#[derive(Debug)]
pub struct Vs1053<SCI, SDI, DREQ, RST, D, O, const N: usize> {
    sci: SCI,
    sdi: SDI,
    dreq: DREQ,
    reset: RST,
    delay: D,
    observer: O,
    queue: ByteQueue<N>,
    state: State,
    fill: u8,
}

impl<SCI, SDI, DREQ, RST, D, O, const N: usize> Vs1053<SCI, SDI, DREQ, RST, D, O, N>
where
    SCI: SpiDevice,
    SDI: SpiDevice,
    DREQ: InputPin,
    RST: OutputPin,
    D: DelayNs,
    O: SdiObserver,
{
    /// A chip on these devices and pins; call [`Vs1053::init`] before anything else.
    pub fn new(sci: SCI, sdi: SDI, dreq: DREQ, reset: RST, delay: D, observer: O) -> Self {
        Self {
            sci,
            sdi,
            dreq,
            reset,
            delay,
            observer,
            queue: ByteQueue::new(),
            state: State::Idle,
            fill: 0,
        }
    }

    /// Gives the devices, pins, delay and observer back.
    pub fn release(self) -> (SCI, SDI, DREQ, RST, D, O) {
        (
            self.sci,
            self.sdi,
            self.dreq,
            self.reset,
            self.delay,
            self.observer,
        )
    }

    /// Hardware reset and set-up: xRESET low for 1 ms then high, wait for DREQ, then
    /// `SCI_MODE` = `SM_SDINEW`, `SCI_CLOCKF` = [`CLOCKF`] and the volume, each after
    /// DREQ (§8, §9.6). The queue is emptied.
    ///
    /// # Errors
    /// [`Error::NotReady`] when DREQ does not rise; the bus's or pins' errors.
    pub fn init(&mut self, left: u8, right: u8) -> Result<(), Error> {
        self.queue.clear();
        self.state = State::Idle;
        self.reset.set_low().map_err(pin_error)?;
        self.delay.delay_ms(1);
        self.reset.set_high().map_err(pin_error)?;
        self.write_sci(reg::MODE, mode::SM_SDINEW)?;
        self.write_sci(reg::CLOCKF, CLOCKF)?;
        self.set_volume(left, right)
    }

    /// Attenuation of each channel in 0.5 dB steps, 0 the loudest, `0xFE` silence
    /// (§9.6.11); `0xFF` (which with both channels powers the analog side down) is
    /// taken as `0xFE`.
    ///
    /// # Errors
    /// As [`Vs1053::init`].
    pub fn set_volume(&mut self, left: u8, right: u8) -> Result<(), Error> {
        let volume = u16::from_be_bytes([left.min(0xFE), right.min(0xFE)]);
        self.write_sci(reg::VOL, volume)
    }

    /// Software reset (`SM_RESET`, §9.6.1): the chip drops what it was decoding; the
    /// queue is emptied. Waits (bounded) for DREQ afterwards.
    ///
    /// # Errors
    /// As [`Vs1053::init`].
    pub fn soft_reset(&mut self) -> Result<(), Error> {
        self.queue.clear();
        self.state = State::Idle;
        self.write_sci(reg::MODE, mode::SM_SDINEW | mode::SM_RESET)?;
        // The reset takes at least 2 µs before DREQ means anything (§9.6.1).
        self.delay.delay_us(2);
        self.wait_dreq()
    }

    /// Queues compressed bytes; returns how many were taken (from the front of
    /// `bytes`). Nothing is taken while a stream ends or is cancelled; from idle a push
    /// starts a new stream.
    pub fn push(&mut self, bytes: &[u8]) -> usize {
        match self.state {
            State::Idle if !bytes.is_empty() => self.state = State::Streaming,
            State::Streaming => {}
            _ => return 0,
        }
        self.queue.push(bytes)
    }

    /// Queues one access unit given in pieces (an ADTS header and the frame's
    /// ranges, say) only if all of it fits: `decoder_submit`'s all-or-nothing rule.
    /// Returns whether it was taken.
    pub fn push_all(&mut self, pieces: &[&[u8]]) -> bool {
        let total = pieces
            .iter()
            .try_fold(0usize, |sum, piece| sum.checked_add(piece.len()));
        if total.is_none_or(|total| total == 0 || total > self.space()) {
            return false;
        }
        for piece in pieces {
            self.push(piece);
        }
        true
    }

    /// Bytes queued and not yet sent: with the chip's own buffer (what it took since
    /// DREQ was last low, at most 2048 bytes) this is the decoder's queue level.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Bytes a push can take now.
    pub fn space(&self) -> usize {
        match self.state {
            State::Idle | State::Streaming => self.queue.space(),
            _ => 0,
        }
    }

    /// Where the stream is.
    pub fn state(&self) -> State {
        self.state
    }

    /// The stream has ended: once the queue is sent, [`Vs1053::pump`] runs the
    /// end-of-stream sequence (§10.5.1) and the chip goes idle.
    pub fn finish(&mut self) {
        if self.state == State::Streaming {
            self.state = State::Draining;
        }
    }

    /// Drops the queue and cancels the stream in the chip (§10.5.2): `SM_CANCEL` now,
    /// then [`Vs1053::pump`] sends fill until the chip is done. Waits (bounded) for
    /// DREQ for the two SCI accesses.
    ///
    /// # Errors
    /// As [`Vs1053::init`].
    pub fn cancel(&mut self) -> Result<(), Error> {
        self.queue.clear();
        if matches!(self.state, State::Idle | State::Cancelling { .. }) {
            return Ok(());
        }
        self.write_sci(reg::WRAMADDR, END_FILL_BYTE_ADDR)?;
        self.fill = fill_byte(self.read_sci(reg::WRAM)?);
        self.write_sci(reg::MODE, mode::SM_SDINEW | mode::SM_CANCEL)?;
        self.state = State::Cancelling {
            sent: 0,
            check: false,
            fill_next: true,
        };
        Ok(())
    }

    /// Sends what the chip can take now, in writes of at most 32 bytes, each after
    /// seeing DREQ high; returns the bytes written to SDI. Never waits.
    ///
    /// # Errors
    /// The bus's or pins' errors; the state stays where it was.
    pub fn pump(&mut self) -> Result<usize, Error> {
        let mut written = 0;
        loop {
            let idle = match self.state {
                State::Idle => true,
                State::Streaming => self.queue.is_empty(),
                _ => false,
            };
            if idle || !self.dreq.is_high().map_err(pin_error)? {
                return Ok(written);
            }
            written += self.step()?;
        }
    }

    /// One step of the stream, DREQ being high: one SPI access (at most 32 SDI bytes
    /// or one SCI register); returns the SDI bytes written.
    fn step(&mut self) -> Result<usize, Error> {
        match self.state {
            State::Idle => Ok(0),
            State::Streaming | State::Draining if !self.queue.is_empty() => {
                let chunk = self.queue.front(CHUNK);
                self.sdi.write(chunk).map_err(spi_error)?;
                self.observer.written(chunk);
                let n = chunk.len();
                self.queue.consume(n);
                Ok(n)
            }
            State::Streaming => Ok(0),
            State::Draining => {
                self.sci_write(reg::WRAMADDR, END_FILL_BYTE_ADDR)?;
                self.state = State::FillAddress;
                Ok(0)
            }
            State::FillAddress => {
                self.fill = fill_byte(self.sci_read(reg::WRAM)?);
                self.state = State::EndFill {
                    left: END_FILL_LEN,
                    cancel_next: true,
                };
                Ok(0)
            }
            State::EndFill { left, cancel_next } => {
                let n = left.min(CHUNK as u16);
                self.send_fill(n)?;
                self.state = match (left - n, cancel_next) {
                    (0, false) => State::Idle,
                    (0, true) => State::Cancel,
                    (left, _) => State::EndFill { left, cancel_next },
                };
                Ok(usize::from(n))
            }
            State::Cancel => {
                self.sci_write(reg::MODE, mode::SM_SDINEW | mode::SM_CANCEL)?;
                self.state = State::Cancelling {
                    sent: 0,
                    check: false,
                    fill_next: false,
                };
                Ok(0)
            }
            State::Cancelling {
                sent,
                check: false,
                fill_next,
            } => {
                self.send_fill(CHUNK as u16)?;
                self.state = State::Cancelling {
                    sent: sent.saturating_add(CHUNK as u16),
                    check: true,
                    fill_next,
                };
                Ok(CHUNK)
            }
            State::Cancelling {
                sent,
                check: true,
                fill_next,
            } => {
                if self.sci_read(reg::MODE)? & mode::SM_CANCEL == 0 {
                    self.state = if fill_next {
                        State::EndFill {
                            left: END_FILL_LEN,
                            cancel_next: false,
                        }
                    } else {
                        State::Idle
                    };
                } else if sent >= CANCEL_LIMIT {
                    // "Extremely rare" (§10.5.1 step 6): the one wait inside a pump.
                    self.soft_reset()?;
                } else {
                    self.state = State::Cancelling {
                        sent,
                        check: false,
                        fill_next,
                    };
                }
                Ok(0)
            }
        }
    }

    /// Sends `n` (at most 32) copies of the fill byte.
    fn send_fill(&mut self, n: u16) -> Result<(), Error> {
        let bytes = [self.fill; CHUNK];
        let bytes = bytes.get(..usize::from(n)).unwrap_or(&bytes);
        self.sdi.write(bytes).map_err(spi_error)?;
        self.observer.written(bytes);
        Ok(())
    }

    /// Waits (bounded) for DREQ, then writes an SCI register.
    fn write_sci(&mut self, register: u8, value: u16) -> Result<(), Error> {
        self.wait_dreq()?;
        self.sci_write(register, value)
    }

    /// Waits (bounded) for DREQ, then reads an SCI register.
    fn read_sci(&mut self, register: u8) -> Result<u16, Error> {
        self.wait_dreq()?;
        self.sci_read(register)
    }

    /// Writes an SCI register: `02h`, the register, the value high byte first (§7.4).
    fn sci_write(&mut self, register: u8, value: u16) -> Result<(), Error> {
        let [high, low] = value.to_be_bytes();
        self.sci
            .write(&[SCI_WRITE, register, high, low])
            .map_err(spi_error)
    }

    /// Reads an SCI register: `03h`, the register, then 16 bits high byte first (§7.4).
    fn sci_read(&mut self, register: u8) -> Result<u16, Error> {
        let mut value = [0; 2];
        self.sci
            .transaction(&mut [
                Operation::Write(&[SCI_READ, register]),
                Operation::Read(&mut value),
            ])
            .map_err(spi_error)?;
        Ok(u16::from_be_bytes(value))
    }

    fn wait_dreq(&mut self) -> Result<(), Error> {
        for _ in 0..DREQ_POLLS {
            if self.dreq.is_high().map_err(pin_error)? {
                return Ok(());
            }
            self.delay.delay_us(DREQ_POLL_US);
        }
        Err(Error::NotReady)
    }
}

/// `endFillByte` from its 16-bit word: the low 8 bits (§10.11).
fn fill_byte(word: u16) -> u8 {
    word.to_be_bytes()[1]
}

#[cfg(test)]
#[path = "vs1053_tests.rs"]
mod tests;
