//! The decoder driver against the model chip, and the RAM flash under the store.

extern crate std;

use super::*;
use crate::kv::KvStore;
use crate::vs1053::{State, Vs1053};
use embedded_hal::delay::DelayNs;
use std::vec;
use std::vec::Vec;

/// A delay that moves the model's clock.
struct Clock<'a>(&'a RefCell<DecoderModel>, &'a RefCell<i64>);

impl DelayNs for Clock<'_> {
    fn delay_ns(&mut self, ns: u32) {
        let mut now = self.1.borrow_mut();
        *now += i64::from(ns / 1000);
        self.0.borrow_mut().advance(*now);
    }
}

#[test]
fn a_stream_plays_through_the_model_at_its_byte_rate_without_overrun() {
    let model = RefCell::new(DecoderModel::new(16_000, 0));
    let now = RefCell::new(0i64);
    let seen = RefCell::new(Vec::new());
    let mut chip = Vs1053::<_, _, _, _, _, _, 4096>::new(
        ModelSci(&model),
        ModelSdi(&model),
        ModelDreq(&model),
        UnreadPin,
        Clock(&model, &now),
        |bytes: &[u8]| seen.borrow_mut().extend_from_slice(bytes),
    );
    chip.init(0x20, 0x20).unwrap();
    assert_eq!(model.borrow().register(reg::MODE), mode::SM_SDINEW);
    assert_eq!(model.borrow().register(reg::CLOCKF), 0x8800);
    let stream: Vec<u8> = (0..20_000u32).map(|i| (i % 253 + 1) as u8).collect();
    let mut fed = 0;
    let mut ms = 0;
    while chip.state() != State::Idle || fed < stream.len() {
        fed += chip.push(&stream[fed..]);
        if fed == stream.len() {
            chip.finish();
        }
        chip.pump().unwrap();
        ms += 1;
        *now.borrow_mut() = ms * 1000;
        model.borrow_mut().advance(ms * 1000);
        assert!(ms < 10_000, "the stream never ended");
    }
    let model = model.into_inner();
    assert_eq!(model.overruns, 0);
    // 20000 bytes at 16000 bytes/s, less the 2048 the buffer holds: DREQ paced it.
    assert!(ms >= 1_100, "took {ms} ms");
    let mut expected = stream.clone();
    expected.extend(vec![0u8; 2052 + 64]);
    assert_eq!(*seen.borrow(), expected);
    assert_eq!(model.received, expected.len() as u64);
    assert_eq!(model.register(reg::MODE) & mode::SM_CANCEL, 0);
}

#[test]
fn a_cancel_empties_the_model_and_returns_to_idle() {
    let model = RefCell::new(DecoderModel::new(16_000, 0));
    let now = RefCell::new(0i64);
    let mut chip = Vs1053::<_, _, _, _, _, _, 1024>::new(
        ModelSci(&model),
        ModelSdi(&model),
        ModelDreq(&model),
        UnreadPin,
        Clock(&model, &now),
        (),
    );
    chip.init(0, 0).unwrap();
    chip.push(&[7; 1024]);
    chip.pump().unwrap();
    assert!(model.borrow().level() > 0);
    chip.cancel().unwrap();
    for ms in 1..200 {
        chip.pump().unwrap();
        model.borrow_mut().advance(ms * 1000);
    }
    assert_eq!(chip.state(), State::Idle);
    assert_eq!(model.borrow().overruns, 0);
    assert_eq!(model.borrow().register(reg::MODE) & mode::SM_CANCEL, 0);
}

#[test]
fn the_model_counts_writes_beyond_the_room_dreq_promised() {
    let model = RefCell::new(DecoderModel::new(0, 0));
    let mut sdi = ModelSdi(&model);
    sdi.write(&[0; STREAM_BUFFER - 16]).unwrap();
    assert!(!ModelDreq(&model).is_high().unwrap());
    sdi.write(&[0; 32]).unwrap();
    assert_eq!(model.borrow().overruns, 1);
}

#[test]
fn ram_flash_programs_by_clearing_bits_and_erases_whole_pages() {
    let mut bytes = [0xFFu8; 64 + 10];
    let mut flash = RamFlash::<32>::new(&mut bytes);
    assert_eq!(flash.capacity(), 64);
    flash.write(4, &[0xF0, 0x0F, 0xAA, 0x55]).unwrap();
    flash.write(4, &[0x3C, 0xFF, 0xFF, 0x00]).unwrap();
    let mut out = [0u8; 4];
    flash.read(4, &mut out).unwrap();
    assert_eq!(out, [0x30, 0x0F, 0xAA, 0x00]);
    assert_eq!(
        flash.write(2, &[0; 4]).err().map(|e| e.kind()),
        Some(NorFlashErrorKind::NotAligned)
    );
    assert_eq!(
        flash.write(64, &[0; 4]).err().map(|e| e.kind()),
        Some(NorFlashErrorKind::OutOfBounds)
    );
    assert_eq!(
        flash.erase(0, 16).err().map(|e| e.kind()),
        Some(NorFlashErrorKind::NotAligned)
    );
    assert_eq!(
        flash.erase(32, 0).err().map(|e| e.kind()),
        Some(NorFlashErrorKind::OutOfBounds)
    );
    flash.erase(0, 32).unwrap();
    flash.read(4, &mut out).unwrap();
    assert_eq!(out, [0xFF; 4]);
}

#[test]
fn the_store_keeps_its_values_in_ram_flash_across_a_restart() {
    let mut region = vec![0xFFu8; 4 * 1024];
    {
        let mut store = KvStore::new(RamFlash::<1024>::new(&mut region), 0..4096).unwrap();
        store.set(b"station", b"3").unwrap();
        store.set(b"volume", b"12").unwrap();
    }
    let mut store = KvStore::new(RamFlash::<1024>::new(&mut region), 0..4096).unwrap();
    let mut out = [0u8; 8];
    assert_eq!(store.get(b"volume", &mut out), Ok(2));
    assert_eq!(&out[..2], b"12");
}

#[test]
fn a_new_byte_rate_applies_from_when_it_is_set() {
    let mut model = DecoderModel::new(1_000_000, 0);
    model.sdi(&[0; 2000]);
    // 1 ms at 1 MB/s plays 1000 bytes; then 1 ms at 1000 B/s plays one.
    model.set_byte_rate(1000, 1000);
    assert_eq!(model.level(), 1000);
    model.advance(2000);
    assert_eq!(model.level(), 999);
}

std::thread_local! {
    /// Microseconds of a test clock that only a [`Spin`] delay moves (one per test
    /// thread).
    static SPIN_US: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

fn spin_clock() -> u64 {
    SPIN_US.with(core::cell::Cell::get)
}

/// A delay that busy-waits on the board's clock (as a firmware's does): it moves the
/// clock and nothing else.
struct Spin;

impl DelayNs for Spin {
    fn delay_ns(&mut self, ns: u32) {
        SPIN_US.with(|us| us.set(us.get() + u64::from(ns.div_ceil(1000))));
    }
}

/// A chip whose stream buffer is full (DREQ low), fed until the model refuses.
fn full_chip(
    model: &RefCell<DecoderModel>,
) -> Vs1053<ModelSci<'_>, ModelSdi<'_>, ModelDreq<'_>, UnreadPin, Spin, (), 4096> {
    let mut chip = Vs1053::new(
        ModelSci(model),
        ModelSdi(model),
        ModelDreq(model),
        UnreadPin,
        Spin,
        (),
    );
    chip.init(0x20, 0x20).unwrap();
    chip.push(&[0x55; 4096]);
    chip.pump().unwrap();
    assert!(!model.borrow().dreq());
    chip
}

#[test]
fn a_volume_write_waits_for_dreq_while_a_clocked_model_plays_its_full_buffer() {
    let model = RefCell::new(DecoderModel::new(16_000, spin_clock() as i64).on_clock(spin_clock));
    let mut chip = full_chip(&model);
    let before = spin_clock();
    chip.set_volume(0x10, 0x10).unwrap();
    assert_eq!(model.borrow().register(reg::VOL), 0x1010);
    // 32 bytes at 16 000 B/s: DREQ rose after about 2 ms of waiting.
    let waited = spin_clock() - before;
    assert!((1_900..=2_200).contains(&waited), "{waited} us");
    assert_eq!(model.borrow().overruns, 0);
}

#[test]
fn a_model_without_a_clock_keeps_dreq_low_through_the_drivers_wait() {
    let model = RefCell::new(DecoderModel::new(16_000, spin_clock() as i64));
    let mut chip = full_chip(&model);
    assert_eq!(
        chip.set_volume(0x10, 0x10),
        Err(crate::vs1053::Error::NotReady)
    );
    assert_eq!(model.borrow().register(reg::VOL), 0x2020);
}

#[test]
fn the_prng_repeats_per_seed_and_its_fills_vary() {
    let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
    let mut prng = Prng::new(7);
    prng.fill(&mut a);
    prng.fill(&mut b);
    assert_ne!(a, b);
    assert_ne!(a, [0; 32]);
    let mut again = [0u8; 32];
    Prng::new(7).fill(&mut again);
    assert_eq!(again, a);
    // A length that is not a whole number of words is filled to its end.
    let mut odd = [0u8; 13];
    Prng::new(7).fill(&mut odd);
    assert_eq!(odd, a[..13]);
}
