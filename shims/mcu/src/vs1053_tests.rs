//! Tests of the decoder-chip driver: SCI sequences against the datasheet's registers
//! and values (embedded-hal-mock), SDI traffic through a recording bus and a scripted
//! DREQ line.

extern crate std;

use super::*;
use core::convert::Infallible;
use embedded_hal::digital::ErrorType as PinErrorType;
use embedded_hal::spi::ErrorType as SpiErrorType;
use embedded_hal_mock::eh1::delay::NoopDelay;
use embedded_hal_mock::eh1::digital::{Mock as PinMock, State as Level, Transaction as Pin};
use embedded_hal_mock::eh1::spi::{Mock as SpiMock, Transaction as Spi};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::vec;
use std::vec::Vec;

/// An SDI bus that records each write (one chip-select frame each).
#[derive(Default)]
struct Sdi {
    writes: Vec<Vec<u8>>,
}

impl SpiErrorType for Sdi {
    type Error = Infallible;
}

impl SpiDevice for Sdi {
    fn transaction(&mut self, operations: &mut [Operation<'_, u8>]) -> Result<(), Infallible> {
        let mut frame = Vec::new();
        for op in operations {
            if let Operation::Write(bytes) = op {
                frame.extend_from_slice(bytes);
            }
        }
        self.writes.push(frame);
        Ok(())
    }
}

impl Sdi {
    fn bytes(&self) -> Vec<u8> {
        self.writes.concat()
    }
}

/// DREQ following a script of levels, then `after` for ever; counts its reads.
struct Dreq {
    script: VecDeque<bool>,
    after: bool,
    reads: Rc<RefCell<usize>>,
}

impl Dreq {
    fn new(script: &[bool], after: bool) -> Self {
        Self {
            script: script.iter().copied().collect(),
            after,
            reads: Rc::default(),
        }
    }
}

impl PinErrorType for Dreq {
    type Error = Infallible;
}

impl InputPin for Dreq {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        *self.reads.borrow_mut() += 1;
        Ok(self.script.pop_front().unwrap_or(self.after))
    }

    fn is_low(&mut self) -> Result<bool, Infallible> {
        self.is_high().map(|h| !h)
    }
}

type Chip<const N: usize> = Vs1053<SpiMock<u8>, Sdi, Dreq, PinMock, NoopDelay, (), N>;

fn chip<const N: usize>(sci: &[Spi<u8>], dreq: Dreq) -> Chip<N> {
    Vs1053::new(
        SpiMock::new(sci),
        Sdi::default(),
        dreq,
        PinMock::new(&[]),
        NoopDelay::new(),
        (),
    )
}

/// Checks every expected SCI transaction happened; gives the SDI bus back.
fn done<const N: usize>(chip: Chip<N>) -> Sdi {
    let (mut sci, sdi, _, mut reset, _, _) = chip.release();
    sci.done();
    reset.done();
    sdi
}

/// One SCI write as §7.4 frames it: `02h`, register, value high byte first.
fn sci_write(register: u8, value: u16) -> Vec<Spi<u8>> {
    let [h, l] = value.to_be_bytes();
    vec![
        Spi::transaction_start(),
        Spi::write_vec(vec![0x02, register, h, l]),
        Spi::transaction_end(),
    ]
}

/// One SCI read as §7.4 frames it: `03h`, register, then the chip's 16 bits.
fn sci_read(register: u8, value: u16) -> Vec<Spi<u8>> {
    vec![
        Spi::transaction_start(),
        Spi::write_vec(vec![0x03, register]),
        Spi::read_vec(value.to_be_bytes().to_vec()),
        Spi::transaction_end(),
    ]
}

/// The reads of `endFillByte` (§10.11): `SCI_WRAMADDR` = 1E06h, then `SCI_WRAM`.
fn end_fill_read(word: u16) -> Vec<Spi<u8>> {
    [sci_write(0x07, 0x1E06), sci_read(0x06, word)].concat()
}

#[test]
fn init_resets_the_chip_then_sets_mode_clock_and_volume() {
    // §8/§9.6: xRESET low then high; after DREQ: SCI_MODE = SM_SDINEW (0800h), SCI_CLOCKF
    // = 8800h (3.5x, +1.0x), SCI_VOL = left << 8 | right. DREQ is low for two reads
    // after the reset.
    let sci = [
        sci_write(0x00, 0x0800),
        sci_write(0x03, 0x8800),
        sci_write(0x0B, 0x2030),
    ]
    .concat();
    let reset = [Pin::set(Level::Low), Pin::set(Level::High)];
    let dreq = Dreq::new(&[false, false], true);
    let reads = dreq.reads.clone();
    let mut chip: Chip<64> = Vs1053::new(
        SpiMock::new(&sci),
        Sdi::default(),
        dreq,
        PinMock::new(&reset),
        NoopDelay::new(),
        (),
    );
    assert_eq!(chip.init(0x20, 0x30), Ok(()));
    // Two low reads, then one high read before each of the three writes.
    assert_eq!(*reads.borrow(), 5);
    assert_eq!(chip.state(), State::Idle);
    assert!(done(chip).writes.is_empty());
}

#[test]
fn init_gives_up_when_dreq_never_rises() {
    let reset = [Pin::set(Level::Low), Pin::set(Level::High)];
    let mut chip: Chip<64> = Vs1053::new(
        SpiMock::new(&[]),
        Sdi::default(),
        Dreq::new(&[], false),
        PinMock::new(&reset),
        NoopDelay::new(),
        (),
    );
    assert_eq!(chip.init(0, 0), Err(Error::NotReady));
    done(chip);
}

#[test]
fn volume_ff_is_taken_as_silence_not_power_down() {
    // 0xFFFF would power the analog side down (§9.6.11); 0xFE is the quietest level.
    let mut chip: Chip<8> = chip(&sci_write(0x0B, 0xFEFE), Dreq::new(&[], true));
    assert_eq!(chip.set_volume(0xFF, 0xFF), Ok(()));
    done(chip);
}

#[test]
fn soft_reset_sets_sm_reset_and_waits_for_dreq() {
    let dreq = Dreq::new(&[true, false, false], true);
    let reads = dreq.reads.clone();
    let mut chip: Chip<8> = chip(&sci_write(0x00, 0x0804), dreq);
    chip.push(&[1, 2, 3]);
    assert_eq!(chip.soft_reset(), Ok(()));
    assert_eq!(chip.queued(), 0);
    assert_eq!(*reads.borrow(), 4);
    done(chip);
}

#[test]
fn nothing_goes_to_sdi_while_dreq_is_low() {
    let mut chip: Chip<256> = chip(&[], Dreq::new(&[], false));
    assert_eq!(chip.push(&[7; 100]), 100);
    assert_eq!(chip.pump(), Ok(0));
    assert_eq!(chip.pump(), Ok(0));
    assert_eq!(chip.queued(), 100);
    assert!(done(chip).writes.is_empty());
}

#[test]
fn writes_are_32_byte_chunks_each_after_dreq_high() {
    // DREQ high for two chunks, low (pump returns), then high again.
    let data: Vec<u8> = (0..100).collect();
    let mut chip: Chip<256> = chip(&[], Dreq::new(&[true, true, false], true));
    assert_eq!(chip.push(&data), 100);
    assert_eq!(chip.pump(), Ok(64));
    assert_eq!(chip.queued(), 36);
    assert_eq!(chip.pump(), Ok(36));
    let sdi = done(chip);
    let sizes: Vec<usize> = sdi.writes.iter().map(Vec::len).collect();
    assert_eq!(sizes, [32, 32, 32, 4]);
    assert_eq!(sdi.bytes(), data);
}

#[test]
fn bytes_written_equal_bytes_queued_across_the_ring_end() {
    // A 100-byte queue fed in uneven pushes while DREQ flickers: every byte reaches SDI
    // once, in order, and the observer sees exactly what SDI got.
    let seen = Rc::new(RefCell::new(Vec::new()));
    let log = seen.clone();
    let pattern: Vec<bool> = (0..5000).map(|i| i % 7 != 3 && i % 11 != 5).collect();
    let mut chip = Vs1053::<_, _, _, _, _, _, 100>::new(
        SpiMock::new(&[]),
        Sdi::default(),
        Dreq::new(&pattern, true),
        PinMock::new(&[]),
        NoopDelay::new(),
        move |bytes: &[u8]| log.borrow_mut().extend_from_slice(bytes),
    );
    let input: Vec<u8> = (0..3000u32).map(|i| (i * 31 % 251) as u8).collect();
    let mut fed = 0;
    let mut round = 0;
    while fed < input.len() {
        let want = (round * 13 % 97 + 1).min(input.len() - fed);
        fed += chip.push(&input[fed..fed + want]);
        assert!(chip.queued() <= 100);
        chip.pump().unwrap();
        round += 1;
    }
    while chip.queued() > 0 {
        chip.pump().unwrap();
    }
    let (mut sci, sdi, _, mut reset, ..) = chip.release();
    sci.done();
    reset.done();
    assert!(sdi.writes.iter().all(|w| !w.is_empty() && w.len() <= 32));
    assert_eq!(sdi.bytes(), input);
    assert_eq!(*seen.borrow(), input);
}

#[test]
fn end_of_stream_sends_2052_fill_bytes_then_cancels() {
    // §10.5.1: endFillByte's low byte (1E06h holds 0x12AB: the byte is AB), 2052 fill
    // bytes, SM_CANCEL, 32 fill bytes, SCI_MODE still cancelling, 32 more, cleared.
    let sci = [
        end_fill_read(0x12AB),
        sci_write(0x00, 0x0808),
        sci_read(0x00, 0x0808),
        sci_read(0x00, 0x0800),
    ]
    .concat();
    let mut chip: Chip<64> = chip(&sci, Dreq::new(&[], true));
    assert_eq!(chip.push(&[1; 10]), 10);
    chip.finish();
    assert_eq!(chip.push(&[2; 10]), 0, "an ending stream takes no bytes");
    assert_eq!(chip.pump(), Ok(10 + 2052 + 64));
    assert_eq!(chip.state(), State::Idle);
    let sdi = done(chip);
    let mut expected = vec![1u8; 10];
    expected.extend([0xAB; 2052 + 64]);
    assert_eq!(sdi.bytes(), expected);
    assert!(sdi.writes.iter().all(|w| w.len() <= 32));
}

#[test]
fn the_end_sequence_pauses_with_dreq_and_resumes() {
    let sci = [
        end_fill_read(0x0000),
        sci_write(0x00, 0x0808),
        sci_read(0x00, 0x0800),
    ]
    .concat();
    // Low at the very first read: nothing happens; then high for 5 steps.
    let script: Vec<bool> = [false]
        .into_iter()
        .chain([true; 5])
        .chain([false])
        .collect();
    let mut chip: Chip<8> = chip(&sci, Dreq::new(&script, true));
    chip.push(&[9; 4]);
    chip.finish();
    assert_eq!(chip.pump(), Ok(0));
    // Steps: 4 bytes, WRAMADDR, WRAM read, 32 fill, 32 fill; then DREQ low.
    assert_eq!(chip.pump(), Ok(4 + 64));
    assert_eq!(
        chip.state(),
        State::EndFill {
            left: 2052 - 64,
            cancel_next: true
        }
    );
    assert_eq!(chip.pump(), Ok(2052 - 64 + 32));
    assert_eq!(chip.state(), State::Idle);
    done(chip);
}

#[test]
fn a_cancel_that_never_clears_ends_in_a_software_reset() {
    // 2048 fill bytes with SM_CANCEL still set: software reset (§10.5.1 step 6).
    let mut sci = [end_fill_read(0x0000), sci_write(0x00, 0x0808)].concat();
    for _ in 0..2048 / 32 {
        sci.extend(sci_read(0x00, 0x0808));
    }
    sci.extend(sci_write(0x00, 0x0804));
    let mut chip: Chip<8> = chip(&sci, Dreq::new(&[], true));
    chip.push(&[5]);
    chip.finish();
    assert_eq!(chip.pump(), Ok(1 + 2052 + 2048));
    assert_eq!(chip.state(), State::Idle);
    done(chip);
}

#[test]
fn cancel_drops_the_queue_then_fills_after_the_chip_stops() {
    // §10.5.2: SM_CANCEL at once, 32-byte rounds until it clears, then 2052 fill bytes.
    let sci = [
        end_fill_read(0x00CD),
        sci_write(0x00, 0x0808),
        sci_read(0x00, 0x0800),
    ]
    .concat();
    let mut chip: Chip<64> = chip(&sci, Dreq::new(&[], true));
    chip.push(&[3; 50]);
    assert_eq!(chip.cancel(), Ok(()));
    assert_eq!(chip.queued(), 0);
    assert_eq!(chip.pump(), Ok(32 + 2052));
    assert_eq!(chip.state(), State::Idle);
    assert_eq!(done(chip).bytes(), vec![0xCD; 32 + 2052]);
}

#[test]
fn hostile_sizes_are_bounded() {
    let mut chip: Chip<16> = chip(&[], Dreq::new(&[], true));
    // Cancelling an idle chip, or finishing it, sends nothing.
    assert_eq!(chip.cancel(), Ok(()));
    chip.finish();
    assert_eq!(chip.pump(), Ok(0));
    assert_eq!(chip.push(&[]), 0);
    assert_eq!(chip.state(), State::Idle, "an empty push starts nothing");
    assert_eq!(chip.push(&[1; 1000]), 16);
    assert_eq!(chip.space(), 0);
    assert_eq!(chip.push(&[1]), 0);
    assert_eq!(chip.pump(), Ok(16));
    assert_eq!(chip.pump(), Ok(0));
    let sdi = done(chip);
    assert_eq!(sdi.bytes().len(), 16);

    let mut none: Chip<0> = chip_none();
    assert_eq!(none.push(&[1, 2, 3]), 0);
    assert_eq!(none.pump(), Ok(0));
    done(none);
}

fn chip_none() -> Chip<0> {
    chip(&[], Dreq::new(&[], true))
}

#[test]
fn an_access_unit_in_pieces_is_queued_whole_or_not_at_all() {
    let mut chip: Chip<10> = chip(&[], Dreq::new(&[], true));
    assert!(chip.push_all(&[&[1, 2, 3], &[4, 5]]));
    assert_eq!(chip.queued(), 5);
    // 6 more do not fit in the 5 left: nothing is taken.
    assert!(!chip.push_all(&[&[6, 7], &[8, 9, 10, 11]]));
    assert_eq!(chip.queued(), 5);
    assert!(!chip.push_all(&[]));
    assert!(chip.push_all(&[&[6], &[], &[7, 8, 9, 10]]));
    assert_eq!(chip.pump(), Ok(10));
    assert_eq!(done(chip).bytes(), (1..=10).collect::<Vec<u8>>());
}
