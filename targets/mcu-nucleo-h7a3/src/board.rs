//! The board profile: the NUCLEO-H7A3ZI-Q's clock, memory and the pins the firmware
//! uses, in one place (README.md has the wiring table).
//!
//! Pins are the STM32H7A3's alternate functions (DS13195 "Alternate function"
//! table, checked against the `stm32-metapac` 21 data embassy-stm32 builds from):
//! SPI1 on PA5/PA6/PB5 (AF5) for the display, SPI3 on PC10/PC11/PC12 (AF6) for the
//! decoder chip, so the display's stripes never wait for the chip's bus or the
//! reverse. Both buses are on the board's ST Zio connectors; PC13 is the blue user
//! button B1 (UM2408 "Push-buttons": active high).

/// Board name, for the log.
pub const NAME: &str = "nucleo-h7a3zi-q";

/// Core clock in Hz: the 64 MHz HSI, the clock at reset, no PLL (RM0455, RCC): a
/// clock that needs no crystal and no PLL settings to be right; the audio player
/// needs far less.
pub const CORE_CLOCK_HZ: u32 = 64_000_000;

/// SysTick interrupt period in microseconds.
pub const SYSTICK_PERIOD_US: u32 = 1_000;

/// Display SPI clock: the ST7789's serial write cycle is at least 16 ns
/// (ST7789VW datasheet §7.4 "Serial interface characteristics"); 16 MHz leaves room
/// for jumper wires.
pub const PANEL_SPI_HZ: u32 = 16_000_000;

/// Decoder chip SPI clock: below CLKI/7 for SCI reads at the chip's reset clock of
/// 12.288 MHz (VS1053b datasheet §9.6.4 "SCI_CLOCKF"), and enough for SDI: 125 kB/s
/// against 40 kB/s for a 320 kbit/s stream.
pub const CHIP_SPI_HZ: u32 = 1_000_000;

/// Heap for the runtime: wasmi's engine and translated code, the module's linear
/// memory ([`GUEST_MEMORY_BYTES`]), its value stack and the runtime's tables, the
/// port's queues and the display's stripes (the audio player peaks at ~720 KiB on the
/// QEMU boards, docs/perf.md); the AXI SRAM's other 128 KiB hold the statics and the
/// stack.
pub const HEAP_BYTES: usize = 896 * 1024;

/// Cap on the module's linear memory: the audio module's two pages, no growth.
pub const GUEST_MEMORY_BYTES: usize = 128 * 1024;

/// Bytes of images the module may upload: its font atlas (DejaVu Sans 20 px, A8).
pub const IMAGE_BYTES: usize = 48 * 1024;

/// Fuel for the module's `wasp_init` (it unpacks its font atlas there).
pub const INIT_FUEL: u64 = 20_000_000;

/// Port time the firmware starts at (µs): an ordinary monotonic clock, not zero.
pub const EPOCH_US: i64 = 1 << 32;

/// The key-value store's flash: the last 64 KiB of bank 2, eight 8 KiB sectors
/// (RM0455, embedded flash memory: 8 KiB sectors), as offsets from the start of flash
/// (0x0800_0000), which is how embassy-stm32's blocking `Flash` addresses it.
/// `memory.x` ends FLASH before it.
pub const KV_FLASH: core::ops::Range<u32> = 0x001F_0000..0x0020_0000;

/// The module's configuration: one station, a file in the image (see
/// [`crate::files`]); the buffer the QEMU boards use.
pub const STATIONS: &str = "station.0.name=Wasp Test Radio\n\
    station.0.url=file:///radio/tone.mp3.icy\n\
    buffer_kib=16\n";
