//! The board's port: `wasp_shim_mcu::port::McuPort` over the NUCLEO-H7A3ZI-Q's real
//! parts, logging through defmt.
//!
//! * **Files**: the module's station and its stream, embedded in flash
//!   ([`crate::files`]).
//! * **Decoder chip**: a VS1053 breakout on SPI3, SCI and SDI as two devices sharing
//!   the bus (`embedded-hal-bus`'s `RefCellDevice`, one chip select each), DREQ and
//!   xRESET on GPIOs.
//! * **Display**: an ST7789 240x240 panel alone on SPI1 (`ExclusiveDevice`), D/CX on a
//!   GPIO.
//! * **Random bytes**: the chip's TRNG.
//! * **Key-value store**: `wasp_shim_mcu::kv` on the chip's own flash (embassy-stm32's
//!   blocking `Flash`, an `embedded-storage` `NorFlash`), in [`crate::board::KV_FLASH`].

extern crate alloc;

use core::cell::RefCell;

use embassy_stm32::flash::{self, Flash};
use embassy_stm32::gpio::{Input, Output};
use embassy_stm32::mode::Blocking;
use embassy_stm32::peripherals::RNG;
use embassy_stm32::rng::Rng;
use embassy_stm32::spi::{mode::Master, Spi};
use embedded_hal_bus::spi::{ExclusiveDevice, NoDelay, RefCellDevice};
use wasp_core::abi::player::{LogLevel, PlayerState};
use wasp_shim_mcu::port::{state_name, Board, McuPort, PartError};

use crate::files::FlashFiles;

/// A blocking SPI bus of the chip.
pub type Bus = Spi<'static, Blocking, Master>;
/// One of the decoder chip's two devices on its shared bus.
pub type ChipDevice = RefCellDevice<'static, Bus, Output<'static>, NoDelay>;
/// The display's bus, its own.
pub type PanelDevice = ExclusiveDevice<Bus, Output<'static>, NoDelay>;

/// The board: what the port asks of it beside its parts (those go to the port in
/// `Parts`).
pub struct Nucleo {
    /// The chip's true random number generator (RM0455, RNG), for `random_fill`.
    pub rng: Rng<'static, RNG>,
}

/// The board's port.
pub type NucleoPort = McuPort<Nucleo>;

/// The decoder chip's bus, shared by its SCI and SDI devices.
pub fn shared(bus: Bus) -> &'static RefCell<Bus> {
    alloc::boxed::Box::leak(alloc::boxed::Box::new(RefCell::new(bus)))
}

impl Board for Nucleo {
    type Files = FlashFiles;
    type Sci = ChipDevice;
    type Sdi = ChipDevice;
    type Dreq = Input<'static>;
    type ChipReset = Output<'static>;
    type Observer = ();
    type PanelSpi = PanelDevice;
    type PanelDc = Output<'static>;
    type Frame = ();
    type Flash = Flash<'static, flash::Blocking>;

    /// A 240 x 240 ST7789 module (the `mcu-audio` profile's display), unrotated: the
    /// visible area starts at the controller's (0, 0).
    const WIDTH: u16 = 240;
    const HEIGHT: u16 = 240;
    /// 240 x 8 rows is 7.5 KiB of RGBA and 3.75 KiB of RGB565.
    const STRIPE_ROWS: usize = 8;

    fn log(&mut self, level: LogLevel, line: &str) {
        match level {
            LogLevel::Error => defmt::error!("module: {=str}", line),
            LogLevel::Warn => defmt::warn!("module: {=str}", line),
            LogLevel::Info => defmt::info!("module: {=str}", line),
            _ => defmt::debug!("module: {=str}", line),
        }
    }

    fn random_fill(&mut self, buf: &mut [u8]) {
        self.rng.fill_bytes(buf);
    }

    fn state(&mut self, state: PlayerState) {
        defmt::info!("state {=str}", state_name(state));
    }

    fn error(&mut self, error: PartError) {
        defmt::error!("{=str}", error.message());
    }

    fn frame_begin(&mut self) {}

    fn frame_end(&mut self, _: (), number: u32, _: &mut PanelDevice) {
        defmt::debug!("frame {=u32} sent", number);
    }
}
