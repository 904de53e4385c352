//! An ST7789-class display on SPI (4-line serial: SCL, SDA, CSX through the
//! `SpiDevice`, D/CX on a GPIO), written in stripes.
//!
//! Sitronix ST7789V datasheet: D/CX low marks a command byte, high its parameters and
//! pixel data (8.4.2, "4-line serial interface"); CASET (2Ah) and RASET (2Bh) take the
//! start and end column/row as 16-bit big-endian pairs (9.1.20, 9.1.21); RAMWR (2Ch)
//! writes pixels into that window in order, row by row (9.1.22); COLMOD (3Ah) `0x55`
//! selects 16 bits per pixel, RGB565, sent high byte first (9.1.32, 8.8.42).

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::OutputPin;
use embedded_hal::spi::SpiDevice;

/// Command bytes (ST7789V datasheet, chapter 9, "Command").
pub mod cmd {
    /// Software reset.
    pub const SWRESET: u8 = 0x01;
    /// Sleep out.
    pub const SLPOUT: u8 = 0x11;
    /// Normal display mode on.
    pub const NORON: u8 = 0x13;
    /// Display inversion on (IPS panels show true colours with it on).
    pub const INVON: u8 = 0x21;
    /// Display on.
    pub const DISPON: u8 = 0x29;
    /// Column address set.
    pub const CASET: u8 = 0x2A;
    /// Row address set.
    pub const RASET: u8 = 0x2B;
    /// Memory write.
    pub const RAMWR: u8 = 0x2C;
    /// Memory data access control (scan direction, RGB/BGR order).
    pub const MADCTL: u8 = 0x36;
    /// Interface pixel format.
    pub const COLMOD: u8 = 0x3A;
}

/// COLMOD parameter: 65K colours, 16 bits per pixel (RGB565) on the interface.
pub const COLMOD_RGB565: u8 = 0x55;

/// Wait after SWRESET before the next command, and after SLPOUT before the panel is
/// ready: 120 ms (datasheet 9.1.2 and 9.1.12).
pub const RESET_WAIT_MS: u32 = 120;

/// A failure of the bus or of the D/CX pin.
#[derive(Debug, PartialEq, Eq)]
pub enum Error<S, P> {
    /// The SPI device failed.
    Spi(S),
    /// The D/CX pin failed.
    Pin(P),
    /// A stripe outside the panel, or pixel data of the wrong length.
    Bounds,
}

impl<S: core::fmt::Debug, P: core::fmt::Debug> core::fmt::Display for Error<S, P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::Spi(e) => write!(f, "display SPI write failed: {e:?}"),
            Error::Pin(e) => write!(f, "display D/CX pin failed: {e:?}"),
            Error::Bounds => f.write_str("stripe outside the panel or of the wrong size"),
        }
    }
}

/// The panel: its bus, its D/CX pin, its size and where its visible area starts in the
/// controller's 240x320 memory.
#[derive(Debug)]
pub struct St7789<SPI, DC> {
    spi: SPI,
    dc: DC,
    width: u16,
    height: u16,
    x_offset: u16,
    y_offset: u16,
}

impl<SPI: SpiDevice, DC: OutputPin> St7789<SPI, DC> {
    /// A panel of `width` x `height` visible pixels whose first pixel is at
    /// (`x_offset`, `y_offset`) of the controller's memory (0, 0 for 240x320 panels;
    /// many 240x240 modules use 0, 80 when rotated).
    pub fn new(spi: SPI, dc: DC, width: u16, height: u16, x_offset: u16, y_offset: u16) -> Self {
        Self {
            spi,
            dc,
            width,
            height,
            x_offset,
            y_offset,
        }
    }

    /// Gives the bus and the pin back.
    pub fn release(self) -> (SPI, DC) {
        (self.spi, self.dc)
    }

    /// The bus, e.g. to read back what a bus that records its bytes was sent.
    pub fn bus_mut(&mut self) -> &mut SPI {
        &mut self.spi
    }

    /// Visible width and height in pixels.
    pub fn size(&self) -> (u16, u16) {
        (self.width, self.height)
    }

    /// Wakes the panel into RGB565 with the display on: software reset, sleep out,
    /// 16-bit colour, default scan order, inversion (IPS), normal mode, display on.
    ///
    /// # Errors
    /// [`Error::Spi`] or [`Error::Pin`] when a write fails.
    pub fn init(&mut self, delay: &mut impl DelayNs) -> Result<(), Error<SPI::Error, DC::Error>> {
        self.command(cmd::SWRESET, &[])?;
        delay.delay_ms(RESET_WAIT_MS);
        self.command(cmd::SLPOUT, &[])?;
        delay.delay_ms(RESET_WAIT_MS);
        self.command(cmd::COLMOD, &[COLMOD_RGB565])?;
        self.command(cmd::MADCTL, &[0x00])?;
        self.command(cmd::INVON, &[])?;
        self.command(cmd::NORON, &[])?;
        self.command(cmd::DISPON, &[])
    }

    /// Writes a stripe: `rows` full-width rows starting at visible row `y`, `pixels`
    /// in RGB565, high byte first (the order the panel takes them), row by row.
    ///
    /// # Errors
    /// [`Error::Bounds`] when the rows leave the panel or `pixels` is not
    /// `width * rows * 2` bytes; [`Error::Spi`] or [`Error::Pin`] when a write fails.
    pub fn write_stripe(
        &mut self,
        y: u16,
        rows: u16,
        pixels: &[u8],
    ) -> Result<(), Error<SPI::Error, DC::Error>> {
        let end = y
            .checked_add(rows)
            .filter(|&e| rows > 0 && e <= self.height);
        let Some(end) = end else {
            return Err(Error::Bounds);
        };
        if pixels.len() != usize::from(self.width) * usize::from(rows) * 2 {
            return Err(Error::Bounds);
        }
        let x0 = self.x_offset;
        let x1 = self.x_offset + self.width - 1;
        let y0 = self.y_offset + y;
        let y1 = self.y_offset + end - 1;
        self.command(cmd::CASET, &pair(x0, x1))?;
        self.command(cmd::RASET, &pair(y0, y1))?;
        self.command(cmd::RAMWR, pixels)
    }

    /// One command: its byte with D/CX low, then its parameters (if any) with D/CX
    /// high. Each is one SPI transaction (chip select framed by the `SpiDevice`).
    fn command(&mut self, command: u8, params: &[u8]) -> Result<(), Error<SPI::Error, DC::Error>> {
        self.dc.set_low().map_err(Error::Pin)?;
        self.spi.write(&[command]).map_err(Error::Spi)?;
        if params.is_empty() {
            return Ok(());
        }
        self.dc.set_high().map_err(Error::Pin)?;
        self.spi.write(params).map_err(Error::Spi)
    }
}

/// A start and end address as CASET/RASET parameters: XS[15:8], XS[7:0], XE[15:8],
/// XE[7:0].
fn pair(start: u16, end: u16) -> [u8; 4] {
    let [s1, s0] = start.to_be_bytes();
    let [e1, e0] = end.to_be_bytes();
    [s1, s0, e1, e0]
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use embedded_hal_mock::eh1::delay::NoopDelay;
    use embedded_hal_mock::eh1::digital::{Mock as PinMock, State, Transaction as Pin};
    use embedded_hal_mock::eh1::spi::{Mock as SpiMock, Transaction as Spi};
    use std::vec;
    use std::vec::Vec;

    /// The SPI transactions of one command as the datasheet frames it.
    fn spi_command(command: u8, params: &[u8]) -> Vec<Spi<u8>> {
        let mut t = vec![
            Spi::transaction_start(),
            Spi::write_vec(vec![command]),
            Spi::transaction_end(),
        ];
        if !params.is_empty() {
            t.extend([
                Spi::transaction_start(),
                Spi::write_vec(params.to_vec()),
                Spi::transaction_end(),
            ]);
        }
        t
    }

    /// The D/CX levels of one command.
    fn dc_command(params: &[u8]) -> Vec<Pin> {
        let mut t = vec![Pin::set(State::Low)];
        if !params.is_empty() {
            t.push(Pin::set(State::High));
        }
        t
    }

    fn expect(commands: &[(u8, &[u8])]) -> (SpiMock<u8>, PinMock) {
        let spi: Vec<_> = commands
            .iter()
            .flat_map(|(c, p)| spi_command(*c, p))
            .collect();
        let dc: Vec<_> = commands.iter().flat_map(|(_, p)| dc_command(p)).collect();
        (SpiMock::new(&spi), PinMock::new(&dc))
    }

    type Panel = St7789<SpiMock<u8>, PinMock>;

    /// Runs `f` on a `width` x `height` panel at row offset `y_offset` and checks that
    /// it sent exactly `commands`, in order.
    fn check(
        commands: &[(u8, &[u8])],
        size: (u16, u16),
        y_offset: u16,
        f: impl FnOnce(&mut Panel),
    ) {
        let (spi, dc) = expect(commands);
        let mut panel = St7789::new(spi, dc, size.0, size.1, 0, y_offset);
        f(&mut panel);
        let (mut spi, mut dc) = panel.release();
        spi.done();
        dc.done();
    }

    #[test]
    fn a_stripe_sets_the_window_then_writes_its_pixels() {
        // Rows 16..=31 of a 240x240 panel at row offset 80: columns 0..=239 (00 00 00 EF),
        // rows 96..=111 (00 60 00 6F), then RAMWR with the pixel bytes.
        let pixels: Vec<u8> = (0..240 * 16 * 2).map(|i| (i % 251) as u8).collect();
        let commands: [(u8, &[u8]); 3] = [
            (0x2A, &[0x00, 0x00, 0x00, 0xEF]),
            (0x2B, &[0x00, 0x60, 0x00, 0x6F]),
            (0x2C, &pixels),
        ];
        check(&commands, (240, 240), 80, |panel| {
            assert_eq!(panel.write_stripe(16, 16, &pixels), Ok(()));
        });
    }

    #[test]
    fn column_addresses_above_255_use_the_high_byte() {
        // A 320-wide landscape panel: XE = 319 = 0x013F.
        let pixels = [0xF8, 0x00].repeat(320);
        let commands: [(u8, &[u8]); 3] = [
            (0x2A, &[0x00, 0x00, 0x01, 0x3F]),
            (0x2B, &[0x00, 0xEF, 0x00, 0xEF]),
            (0x2C, &pixels),
        ];
        check(&commands, (320, 240), 0, |panel| {
            assert_eq!(panel.write_stripe(239, 1, &pixels), Ok(()));
        });
    }

    #[test]
    fn init_wakes_the_panel_into_rgb565() {
        let commands: [(u8, &[u8]); 7] = [
            (0x01, &[]),
            (0x11, &[]),
            (0x3A, &[0x55]),
            (0x36, &[0x00]),
            (0x21, &[]),
            (0x13, &[]),
            (0x29, &[]),
        ];
        check(&commands, (240, 240), 0, |panel| {
            assert_eq!(panel.init(&mut NoopDelay::new()), Ok(()));
        });
    }

    #[test]
    fn stripes_outside_the_panel_or_of_the_wrong_size_send_nothing() {
        let row = [0; 480];
        check(&[], (240, 240), 0, |panel| {
            assert_eq!(panel.write_stripe(240, 1, &row), Err(Error::Bounds));
            assert_eq!(panel.write_stripe(239, 2, &row), Err(Error::Bounds));
            assert_eq!(panel.write_stripe(0, 0, &[]), Err(Error::Bounds));
            assert_eq!(panel.write_stripe(0, 1, &row[..478]), Err(Error::Bounds));
        });
    }
}
