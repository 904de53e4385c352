//! Flash cost of each wasp-shim-mcu driver on thumbv7em (opt-level z, LTO): one feature
//! per driver, each driving its API through register-like volatile fakes.
#![no_std]
#![no_main]
// Each build uses the fakes its drivers need only.
#![allow(dead_code, unused_imports)]

use core::convert::Infallible;
use core::hint::black_box;
use core::ptr::{read_volatile, write_volatile};
use cortex_m_rt::entry;
use embedded_hal::delay::DelayNs;
use embedded_hal::digital::{ErrorType as PinError, InputPin, OutputPin};
use embedded_hal::spi::{ErrorType as SpiError, Operation, SpiDevice};

const REG: *mut u32 = 0x4000_0000 as *mut u32;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}

struct Spi;
impl SpiError for Spi {
    type Error = Infallible;
}
impl SpiDevice for Spi {
    fn transaction(&mut self, ops: &mut [Operation<'_, u8>]) -> Result<(), Infallible> {
        for op in ops {
            match op {
                Operation::Write(b) => b
                    .iter()
                    .for_each(|&x| unsafe { write_volatile(REG, x.into()) }),
                Operation::Read(b) => b
                    .iter_mut()
                    .for_each(|x| *x = unsafe { read_volatile(REG) } as u8),
                _ => {}
            }
        }
        Ok(())
    }
}
struct Pin;
impl PinError for Pin {
    type Error = Infallible;
}
impl InputPin for Pin {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(unsafe { read_volatile(REG) } & 1 == 1)
    }
    fn is_low(&mut self) -> Result<bool, Infallible> {
        self.is_high().map(|h| !h)
    }
}
impl OutputPin for Pin {
    fn set_low(&mut self) -> Result<(), Infallible> {
        unsafe { write_volatile(REG, 0) };
        Ok(())
    }
    fn set_high(&mut self) -> Result<(), Infallible> {
        unsafe { write_volatile(REG, 1) };
        Ok(())
    }
}
struct Delay;
impl DelayNs for Delay {
    fn delay_ns(&mut self, ns: u32) {
        unsafe { write_volatile(REG, ns) };
    }
}

#[cfg(feature = "kv")]
mod flash {
    use super::*;
    use embedded_storage::nor_flash::{
        ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
    };
    pub struct Flash;
    #[derive(Debug)]
    pub struct E;
    impl NorFlashError for E {
        fn kind(&self) -> NorFlashErrorKind {
            NorFlashErrorKind::Other
        }
    }
    impl ErrorType for Flash {
        type Error = E;
    }
    impl ReadNorFlash for Flash {
        const READ_SIZE: usize = 1;
        fn read(&mut self, o: u32, b: &mut [u8]) -> Result<(), E> {
            b.iter_mut()
                .for_each(|x| *x = unsafe { read_volatile((0x6000_0000 + o) as *const u8) });
            Ok(())
        }
        fn capacity(&self) -> usize {
            65536
        }
    }
    impl NorFlash for Flash {
        const WRITE_SIZE: usize = 4;
        const ERASE_SIZE: usize = 8192;
        fn erase(&mut self, f: u32, t: u32) -> Result<(), E> {
            unsafe { write_volatile(REG, f ^ t) };
            Ok(())
        }
        fn write(&mut self, o: u32, b: &[u8]) -> Result<(), E> {
            b.iter()
                .for_each(|&x| unsafe { write_volatile((0x6000_0000 + o) as *mut u8, x) });
            Ok(())
        }
    }
}

#[entry]
fn main() -> ! {
    #[cfg(feature = "vs1053")]
    {
        use wasp_shim_mcu::vs1053::Vs1053;
        let mut chip: Vs1053<_, _, _, _, _, _, 4096> =
            Vs1053::new(Spi, Spi, Pin, Pin, Delay, |b: &[u8]| unsafe {
                write_volatile(REG, b.len() as u32)
            });
        let _ = chip.init(black_box(0x20), 0x20);
        let data = [0u8; 512];
        chip.push(black_box(&data));
        let _ = chip.pump();
        chip.finish();
        let _ = chip.pump();
        let _ = chip.cancel();
        let _ = chip.set_volume(black_box(3), 3);
    }
    #[cfg(feature = "i2s")]
    {
        use wasp_shim_mcu::i2s::{I2sTx, PcmOut};
        struct Tx;
        impl I2sTx for Tx {
            type Error = Infallible;
            fn room(&mut self) -> usize {
                unsafe { read_volatile(REG) as usize }
            }
            fn write(&mut self, s: &[i16]) -> Result<(), Infallible> {
                s.iter()
                    .for_each(|&x| unsafe { write_volatile(REG, x as u32) });
                Ok(())
            }
        }
        let mut pcm = PcmOut::<4096>::new(black_box(2));
        pcm.push(black_box(&[0u8; 256]));
        let _ = pcm.pump(&mut Tx);
    }
    #[cfg(feature = "kv")]
    {
        use wasp_shim_mcu::kv::KvStore;
        if let Ok(mut kv) = KvStore::new(flash::Flash, 0..65536) {
            let _ = kv.set(black_box(b"volume"), black_box(b"40"));
            let mut out = [0u8; 16];
            let _ = kv.get(black_box(b"volume"), &mut out);
            let _ = kv.delete(black_box(b"volume"));
            unsafe { write_volatile(REG, out[0].into()) };
        }
    }
    #[cfg(any(feature = "st7789", feature = "stripes"))]
    let mut panel = {
        let mut p = wasp_shim_mcu::st7789::St7789::new(Spi, Pin, 240, 240, 0, 80);
        let _ = p.init(&mut Delay);
        p
    };
    #[cfg(feature = "st7789")]
    {
        let _ = panel.write_stripe(black_box(0), 1, black_box(&[0u8; 480]));
    }
    #[cfg(feature = "stripes")]
    {
        static mut RGBA: [u8; 240 * 16 * 4] = [0; 240 * 16 * 4];
        static mut OUT: [u8; 240 * 16 * 2] = [0; 240 * 16 * 2];
        let list = black_box(&[0u8; 64]);
        static PIXELS: [u8; 64] = [0; 64];
        let desc = black_box(wasp_abi::gfx::ImageDesc {
            width: 4,
            height: 4,
            stride: 16,
            format: wasp_abi::media::PixelFormat::Rgba8888Premul,
        });
        let images = [wasp_raster::Image {
            desc,
            pixels: &PIXELS[..],
        }];
        let images: &[wasp_raster::Image<'_>] = black_box(&images[..]);
        #[allow(static_mut_refs)]
        let _ = unsafe {
            wasp_shim_mcu::stripes::write_lists(&mut panel, &mut RGBA, &mut OUT, &[list], images)
        };
    }
    #[cfg(feature = "buttons")]
    {
        use wasp_abi::key::Key;
        use wasp_shim_mcu::buttons::{Active, Button, Buttons};
        let mut b = Buttons::new([Button::new(Pin, Key::Ok, Active::Low)]);
        let _ = b.poll(black_box(5), |e| unsafe {
            write_volatile(REG, e.key as u32)
        });
    }
    loop {
        cortex_m::asm::nop();
    }
}
