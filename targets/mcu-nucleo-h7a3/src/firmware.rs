//! The firmware proper: heap, clocks, the parts on their pins, the key-value store on
//! the chip's flash, the port, the audio module's run with fault containment, a
//! periodic RAM report, and the fault handlers.

extern crate alloc;

use core::mem::MaybeUninit;

use cortex_m_rt::{entry, exception, ExceptionFrame};
use defmt_rtt as _;
use embassy_stm32::flash::Flash;
use embassy_stm32::gpio::{Input, Level, Output, Pull, Speed};
use embassy_stm32::rcc::{mux, SupplyConfig, VoltageScale};
use embassy_stm32::rng::Rng;
use embassy_stm32::spi::{self, Spi};
use embassy_stm32::time::Hertz;
use embedded_alloc::LlffHeap;
use embedded_hal_bus::spi::{ExclusiveDevice, RefCellDevice};
use wasp_core::abi::key::{Key, KeyAction};
use wasp_core::{HostEvent, Limits, Runtime, Tick};
use wasp_shim_mcu::buttons::{Active, Button, Buttons};
use wasp_shim_mcu::kv::{KvError, KvStore};
use wasp_shim_mcu::port::Parts;

use crate::board;
use crate::clock;
use crate::files::FlashFiles;
use crate::heap::Counting;
use crate::painted::stack_use;
use crate::port::{shared, Nucleo, NucleoPort};

embassy_stm32::bind_interrupts!(struct Irqs {
    RNG => embassy_stm32::rng::InterruptHandler<embassy_stm32::peripherals::RNG>;
});

#[global_allocator]
static HEAP: Counting<LlffHeap> = Counting::new(LlffHeap::empty());

use clock::uptime_us;

/// Port time now (µs): the board's epoch plus the uptime.
fn now_us() -> i64 {
    board::EPOCH_US.saturating_add(i64::try_from(uptime_us()).unwrap_or(i64::MAX))
}

/// The files in flash: the station's stream (an ICY capture) and its response
/// headers (`icy-metaint` among them), as the QEMU boards read them from the host.
static FILES: &[(&str, &[u8])] = &[
    (
        "radio/tone.mp3.icy",
        include_bytes!("../../../hardware-tests/mcu/radio/tone.mp3.icy"),
    ),
    (
        "radio/tone.mp3.icy.headers",
        include_bytes!("../../../hardware-tests/mcu/radio/tone.mp3.icy.headers"),
    ),
];

/// The key-value store on the chip's flash, with this boot counted in it (a check
/// that the store works, in the log). A range that does not hold a store (never used,
/// or written by something else) is erased. `None` (logged) when the flash fails:
/// the port then runs without a store.
fn open_store(
    flash: Flash<'static, embassy_stm32::flash::Blocking>,
) -> Option<KvStore<Flash<'static, embassy_stm32::flash::Blocking>>> {
    let count = |kv: &mut KvStore<_>| -> Result<u32, KvError> {
        let mut count = [0u8; 4];
        let boots = match kv.get(b"boot.count", &mut count) {
            Ok(4) => u32::from_le_bytes(count),
            Ok(_) | Err(KvError::NotFound) => 0,
            Err(_) => {
                kv.erase_all()?;
                0
            }
        }
        .wrapping_add(1);
        kv.set(b"boot.count", &boots.to_le_bytes())?;
        Ok(boots)
    };
    let opened = KvStore::new(flash, board::KV_FLASH).and_then(|mut kv| Ok((count(&mut kv)?, kv)));
    match opened {
        Ok((boots, kv)) => {
            defmt::info!("key-value store on flash: boot {=u32}", boots);
            Some(kv)
        }
        Err(error) => {
            defmt::error!("key-value store on flash: {=str}", kv_error(error));
            None
        }
    }
}

/// What a store error means, for the log (without `core::fmt`).
fn kv_error(error: KvError) -> &'static str {
    match error {
        KvError::InvalidArgument => "key or value outside the store's limits",
        KvError::NotFound => "no value under that key",
        KvError::BudgetExceeded => "store full",
        KvError::BadRange => "flash range unsuitable for the store",
        KvError::Flash => "flash failed",
    }
}

#[entry]
fn main() -> ! {
    static mut HEAP_MEM: [MaybeUninit<u8>; board::HEAP_BYTES] =
        [MaybeUninit::uninit(); board::HEAP_BYTES];
    // SAFETY: called once, before any allocation; `HEAP_MEM` is only used here
    // (cortex-m-rt's `#[entry]` makes this `static mut` a unique `&mut`).
    #[allow(unsafe_code)]
    unsafe {
        HEAP.inner()
            .init(HEAP_MEM.as_mut_ptr() as usize, board::HEAP_BYTES)
    }

    let mut config = embassy_stm32::Config::default();
    // The -Q part's board runs the core from the SMPS step-down converter directly
    // (UM2408, power supply: the NUCLEO-H7A3ZI-Q's default SMPS configuration).
    config.rcc.supply_config = SupplyConfig::DirectSMPS;
    // VOS1, not embassy's default VOS0: 64 MHz needs far less, and a directly
    // SMPS-supplied core must not be asked for VOS0 on other H7 -Q Nucleo boards
    // (Zephyr limits them to VOS1); here it is the conservative choice.
    config.rcc.voltage_scale = VoltageScale::Scale1;
    // SPI1/2/3's kernel clock from per_ck (the HSI) instead of the PLL the firmware
    // does not start (RM0455, RCC_CDCCIP1R SPI123SEL).
    config.rcc.mux.spi123sel = mux::Saisel::PER;
    let p = embassy_stm32::init(config);

    let Some(mut core) = cortex_m::Peripherals::take() else {
        defmt::error!("core peripherals already taken");
        reset()
    };
    clock::start(&mut core.SYST);

    defmt::info!(
        "{=str}: heap {=usize} B, guest memory cap {=usize} B",
        board::NAME,
        board::HEAP_BYTES,
        board::GUEST_MEMORY_BYTES
    );
    let kv = open_store(Flash::new_blocking(p.FLASH));

    let mut panel_config = spi::Config::default();
    panel_config.frequency = Hertz(board::PANEL_SPI_HZ);
    let panel_bus = Spi::new_blocking(p.SPI1, p.PA5, p.PB5, p.PA6, panel_config);
    let mut chip_config = spi::Config::default();
    chip_config.frequency = Hertz(board::CHIP_SPI_HZ);
    let chip_bus = shared(Spi::new_blocking(
        p.SPI3,
        p.PC10,
        p.PC12,
        p.PC11,
        chip_config,
    ));
    // Chip selects idle high (deselected); setting a pin cannot fail here.
    let (Ok(panel_spi), Ok(sci), Ok(sdi)) = (
        ExclusiveDevice::new_no_delay(panel_bus, Output::new(p.PD14, Level::High, Speed::VeryHigh)),
        RefCellDevice::new_no_delay(chip_bus, Output::new(p.PE9, Level::High, Speed::VeryHigh)),
        RefCellDevice::new_no_delay(chip_bus, Output::new(p.PE11, Level::High, Speed::VeryHigh)),
    );
    let parts = Parts::<Nucleo> {
        files: FlashFiles(FILES),
        sci,
        sdi,
        dreq: Input::new(p.PF14, Pull::None),
        chip_reset: Output::new(p.PE13, Level::Low, Speed::Low),
        observer: (),
        panel_spi,
        panel_dc: Output::new(p.PD15, Level::High, Speed::VeryHigh),
        kv,
    };
    // The RNG's kernel clock is the HSI48, which embassy's default configuration starts.
    let nucleo = Nucleo {
        rng: Rng::new(p.RNG, Irqs),
    };
    let port: NucleoPort = NucleoPort::new(nucleo, parts, uptime_us, board::EPOCH_US);
    defmt::info!(
        "port up (panel, decoder chip), heap in use {=usize} B",
        HEAP.used()
    );

    // B1 (PC13) is active high; the two volume buttons pull their pin to ground.
    let mut buttons = Buttons::new([
        Button::new(Input::new(p.PC13, Pull::Down), Key::PlayPause, Active::High),
        Button::new(Input::new(p.PG2, Pull::Up), Key::VolumeUp, Active::Low),
        Button::new(Input::new(p.PG3, Pull::Up), Key::VolumeDown, Active::Low),
    ]);

    let limits = Limits {
        guest_memory_bytes: board::GUEST_MEMORY_BYTES,
        image_bytes: board::IMAGE_BYTES,
        init_fuel: board::INIT_FUEL,
        ..Limits::small()
    };
    let mut runtime = Runtime::new(port, limits, board::STATIONS.as_bytes().to_vec());
    if runtime.load(wasp_modules::AUDIO).is_err() {
        defmt::error!("the audio module did not load");
        reset()
    }
    defmt::info!(
        "loaded audio ({=usize} B), heap in use {=usize} B",
        wasp_modules::AUDIO.len(),
        HEAP.used()
    );

    let mut next_report = uptime_us();
    loop {
        let next = match runtime.tick(now_us()) {
            Ok(Tick::Ran { next_us }) => next_us,
            Ok(Tick::Sliced) => continue,
            Err(_) => {
                // Fault containment: the runtime reported the fault through the
                // port's log; the module starts again a second later.
                defmt::error!("module faulted: restarting");
                if runtime.restart().is_err() {
                    defmt::error!("the audio module did not restart");
                    reset()
                }
                now_us() + 1_000_000
            }
        };
        if uptime_us() >= next_report {
            defmt::info!(
                "heap in use {=usize} B, high-water {=usize} B, stack high-water {=usize} B",
                HEAP.used(),
                HEAP.peak(),
                stack_use().0
            );
            next_report += 10_000_000;
        }
        // Until the module's next tick: feed the decoder chip while it asks for
        // data and sample the buttons on every SysTick wake-up; a key wakes the module.
        loop {
            runtime.port_mut().pump();
            let mut pressed = false;
            let mut volume = None;
            let polled = buttons.poll(now_us(), |event| {
                if event.action == KeyAction::Down
                    && matches!(event.key, Key::VolumeUp | Key::VolumeDown)
                {
                    volume = Some(event.key);
                }
                pressed |= runtime.push_event(HostEvent::Key(event)).is_ok();
            });
            if polled.is_err() {
                defmt::error!("buttons not read");
            }
            if let Some(key) = volume {
                let attenuation = runtime.port_mut().volume_key(key);
                defmt::info!("volume: attenuation {=u8} half-dB", attenuation);
            }
            if pressed || now_us() >= next {
                break;
            }
            cortex_m::asm::wfi();
        }
    }
}

/// Resets the chip after giving the probe time to read the log's last frames out of
/// the RTT buffer (about a second at the 64 MHz core clock).
fn reset() -> ! {
    cortex_m::asm::delay(board::CORE_CLOCK_HZ);
    cortex_m::peripheral::SCB::sys_reset()
}

#[exception]
#[allow(unsafe_code)]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    defmt::error!(
        "HardFault at pc {=u32:#010x}, lr {=u32:#010x}: resetting",
        frame.pc(),
        frame.lr()
    );
    reset()
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // No message: formatting `PanicInfo` pulls `core::fmt` and wasmi's Debug code into
    // flash (~110 KB, FINDINGS.md).
    defmt::error!("panic: resetting");
    reset()
}
