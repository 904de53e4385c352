//! # wasp-shim-mcu: the microcontroller port's drivers
//!
//! Written against `embedded-hal` 1.0 and `embedded-storage` traits only, so they run on
//! any HAL:
//!
//! * [`buttons`] — GPIO buttons, debounced, delivered as remote-control key events.
//! * [`st7789`] — an ST7789-class SPI display written in stripes, and [`stripes`] —
//!   the graphics plane narrowed to RGB565 and sent a stripe at a time: a full 240x240
//!   RGB565 framebuffer (115 KB) does not fit a microcontroller's RAM budget, so the
//!   graphics plane is rasterised a band of rows at a time and each band is sent into
//!   its window of the panel's own memory.
//! * [`vs1053`] — a VS1053-class MP3/AAC decoder chip on SPI fed from a bounded
//!   [`queue`] of the module's compressed audio, only while its DREQ line asks for data.
//!   [`adts`] frames raw AAC access units (from MP4) for such a chip.
//! * [`i2s`] — the audio path for chips without a decoder: PCM in whole frames to an
//!   I2S transmitter trait of ours (no software decoding on the MCU).
//! * [`kv`] — the key-value store on NOR flash, wear levelled and safe against power
//!   loss at any point (`sequential-storage`).
//! * [`storage`] — files to fetch from (flash, SD card, the host's files through
//!   semihosting) behind one read-only trait, with [`sdcard`] — FAT16/FAT32 on an SD
//!   card (`embedded-sdmmc`) — as one backend, and [`net`] — the seam a TCP/IP stack
//!   fills for connected devices (documented, not implemented here).
//! * [`virt`] — parts for boards that lack them (QEMU): a VS1053 model paced by the
//!   board's clock, and a NOR flash in RAM.
//! * [`port`] — the runtime's `Port` over these drivers, generic over a board's parts
//!   ([`port::Board`]): every board runs the same port.
//!
//! A small driver of ours rather than `mipidsi`: the stripe writer needs three
//! commands (column and row address set, memory write) and the panel's wake-up
//! sequence; `mipidsi` brings a pixel-by-pixel `DrawTarget` and its own interface
//! layer that the stripe path would not use.
#![no_std]

pub mod adts;
pub mod buttons;
pub mod i2s;
pub mod kv;
pub mod net;
pub mod port;
pub mod queue;
pub mod sdcard;
pub mod st7789;
pub mod storage;
pub mod stripes;
pub mod virt;
pub mod vs1053;
