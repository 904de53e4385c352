//! Tests of the NOR key-value store on a simulated NOR flash that can lose power in the
//! middle of any write or erase.

extern crate std;

use super::*;
use embedded_storage::nor_flash::{NorFlashError, NorFlashErrorKind};
use std::collections::BTreeMap;
use std::vec;
use std::vec::Vec;

/// Why the simulated flash refused an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NorError {
    PowerCut,
    NotAligned,
    OutOfBounds,
}

impl NorFlashError for NorError {
    fn kind(&self) -> NorFlashErrorKind {
        match self {
            NorError::PowerCut => NorFlashErrorKind::Other,
            NorError::NotAligned => NorFlashErrorKind::NotAligned,
            NorError::OutOfBounds => NorFlashErrorKind::OutOfBounds,
        }
    }
}

/// Where the power goes: during the `at`-th write or erase (counted from 1), after
/// none of it (`partial` false) or after half of its bytes, the last of them
/// half-programmed (`partial` true).
#[derive(Clone, Copy, Debug)]
struct Cut {
    at: usize,
    partial: bool,
}

/// A NOR flash of `PAGE`-byte erase pages and 4-byte words: erased bytes are FFh,
/// programming only clears bits (AND), and every word written is counted against
/// words written twice without an erase between (which ECC flash forbids).
#[derive(Clone, Debug)]
struct Nor<const PAGE: usize> {
    bytes: Vec<u8>,
    erases: Vec<u32>,
    programmed: Vec<bool>,
    rewrites: usize,
    operations: usize,
    cut: Option<Cut>,
    dead: bool,
}

impl<const PAGE: usize> Nor<PAGE> {
    fn new(pages: usize) -> Self {
        Self {
            bytes: vec![0xFF; pages * PAGE],
            erases: vec![0; pages],
            programmed: vec![false; pages * PAGE / 4],
            rewrites: 0,
            operations: 0,
            cut: None,
            dead: false,
        }
    }

    /// The same contents after a reboot: power back, no cut planned.
    fn rebooted(&self) -> Self {
        Self {
            operations: 0,
            cut: None,
            dead: false,
            ..self.clone()
        }
    }

    /// Counts an operation; `Some(partial)` when the power goes during it.
    fn power(&mut self) -> Result<Option<bool>, NorError> {
        if self.dead {
            return Err(NorError::PowerCut);
        }
        self.operations += 1;
        match self.cut {
            Some(cut) if cut.at == self.operations => {
                self.dead = true;
                Ok(Some(cut.partial))
            }
            _ => Ok(None),
        }
    }
}

impl<const PAGE: usize> ErrorType for Nor<PAGE> {
    type Error = NorError;
}

impl<const PAGE: usize> ReadNorFlash for Nor<PAGE> {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), NorError> {
        let start = offset as usize;
        let from = self
            .bytes
            .get(start..start + bytes.len())
            .ok_or(NorError::OutOfBounds)?;
        bytes.copy_from_slice(from);
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.bytes.len()
    }
}

impl<const PAGE: usize> NorFlash for Nor<PAGE> {
    const WRITE_SIZE: usize = 4;
    const ERASE_SIZE: usize = PAGE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), NorError> {
        let (from, to) = (from as usize, to as usize);
        if !from.is_multiple_of(PAGE) || !to.is_multiple_of(PAGE) {
            return Err(NorError::NotAligned);
        }
        if to > self.bytes.len() || from > to {
            return Err(NorError::OutOfBounds);
        }
        let cut = self.power()?;
        let end = match cut {
            Some(false) => return Err(NorError::PowerCut),
            // Mid-erase: the first half is erased, the rest still holds its bits.
            Some(true) => from + (to - from) / 2,
            None => to,
        };
        self.bytes[from..end].fill(0xFF);
        for word in from / 4..end / 4 {
            self.programmed[word] = false;
        }
        for page in from / PAGE..to / PAGE {
            self.erases[page] += 1;
        }
        if cut.is_some() {
            return Err(NorError::PowerCut);
        }
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), NorError> {
        let start = offset as usize;
        if !start.is_multiple_of(4) || !bytes.len().is_multiple_of(4) {
            return Err(NorError::NotAligned);
        }
        if start + bytes.len() > self.bytes.len() {
            return Err(NorError::OutOfBounds);
        }
        let cut = self.power()?;
        let count = match cut {
            Some(false) => return Err(NorError::PowerCut),
            Some(true) => bytes.len() / 2 + 1,
            None => bytes.len(),
        };
        for word in start / 4..(start + count).div_ceil(4) {
            if std::mem::replace(&mut self.programmed[word], true) {
                self.rewrites += 1;
            }
        }
        for (i, &byte) in bytes.iter().enumerate().take(count) {
            // Mid-word: the last byte only gets its high nibble's zeros.
            let byte = if cut.is_some() && i + 1 == count {
                byte | 0x0F
            } else {
                byte
            };
            self.bytes[start + i] &= byte;
        }
        if cut.is_some() {
            return Err(NorError::PowerCut);
        }
        Ok(())
    }
}

fn open<const PAGE: usize>(nor: Nor<PAGE>) -> KvStore<Nor<PAGE>> {
    let end = nor.bytes.len() as u32;
    KvStore::new(nor, 0..end).unwrap()
}

/// The full value of `key`, or `None`.
fn value<const PAGE: usize>(store: &mut KvStore<Nor<PAGE>>, key: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0; MAX_KV_VALUE];
    match store.get(key, &mut out) {
        Ok(n) => Some(out[..n].to_vec()),
        Err(KvError::NotFound) => None,
        Err(e) => panic!("reading {key:?}: {e:?}"),
    }
}

#[test]
fn values_read_back_updated_and_deleted() {
    let mut store = open(Nor::<512>::new(4));
    assert_eq!(store.get(b"volume", &mut [0; 4]), Err(KvError::NotFound));
    store.set(b"volume", b"70").unwrap();
    store.set(b"station", b"radio one").unwrap();
    store.set(b"volume", b"45").unwrap();
    assert_eq!(value(&mut store, b"volume").as_deref(), Some(&b"45"[..]));
    // A short buffer is left untouched and gets the full length, as kv_get returns.
    let mut out = [0u8; 5];
    assert_eq!(store.get(b"station", &mut out), Ok(9));
    assert_eq!(out, [0; 5]);
    store.set(b"empty", b"").unwrap();
    assert_eq!(value(&mut store, b"empty"), Some(vec![]));
    assert_eq!(store.delete(b"volume"), Ok(()));
    assert_eq!(store.delete(b"volume"), Err(KvError::NotFound));
    assert_eq!(value(&mut store, b"volume"), None);
    // Still there after a reboot, and the store never wrote a word twice.
    let nor = store.release();
    assert_eq!(nor.rewrites, 0);
    let mut store = open(nor.rebooted());
    assert_eq!(
        value(&mut store, b"station").as_deref(),
        Some(&b"radio one"[..])
    );
    assert_eq!(value(&mut store, b"volume"), None);
}

#[test]
fn keys_and_values_outside_the_abi_limits_are_refused() {
    let mut store = open(Nor::<MIN_PAGE>::new(2));
    let long_key = [b'k'; MAX_KV_KEY + 1];
    assert_eq!(store.set(b"", b"x"), Err(KvError::InvalidArgument));
    assert_eq!(store.set(&long_key, b"x"), Err(KvError::InvalidArgument));
    assert_eq!(
        store.set(b"k", &[0; MAX_KV_VALUE + 1]),
        Err(KvError::InvalidArgument)
    );
    assert_eq!(store.get(&long_key, &mut []), Err(KvError::InvalidArgument));
    assert_eq!(store.delete(b""), Err(KvError::InvalidArgument));
    // The largest item fits a page of MIN_PAGE bytes.
    let big: Vec<u8> = (0..MAX_KV_VALUE).map(|i| (i * 7) as u8).collect();
    let key = [b'K'; MAX_KV_KEY];
    store.set(&key, &big).unwrap();
    assert_eq!(value(&mut store, &key), Some(big));
    assert_eq!(
        Status::from(KvError::InvalidArgument),
        Status::InvalidArgument
    );
}

#[test]
fn a_range_that_is_not_whole_pages_is_refused() {
    assert_eq!(
        KvStore::new(Nor::<512>::new(4), 0..1000).err(),
        Some(KvError::BadRange)
    );
    assert_eq!(
        KvStore::new(Nor::<512>::new(4), 0..512).err(),
        Some(KvError::BadRange)
    );
}

#[test]
fn a_full_store_says_budget_exceeded_and_keeps_what_it_has() {
    let mut store = open(Nor::<512>::new(3));
    let mut stored = Vec::new();
    let failure = loop {
        let key = std::format!("key{}", stored.len());
        match store.set(key.as_bytes(), &[stored.len() as u8; 40]) {
            Ok(()) => stored.push(key),
            Err(e) => break e,
        }
        assert!(stored.len() < 100, "three 512-byte pages never fill");
    };
    assert_eq!(failure, KvError::BudgetExceeded);
    assert_eq!(Status::from(failure), Status::BudgetExceeded);
    assert!(stored.len() >= 10);
    for (i, key) in stored.iter().enumerate() {
        assert_eq!(value(&mut store, key.as_bytes()), Some(vec![i as u8; 40]));
    }
}

#[test]
fn erases_are_spread_over_every_page() {
    let mut store = open(Nor::<512>::new(8));
    for i in 0..3000u32 {
        let key = [b'a' + (i % 4) as u8];
        store.set(&key, &[i as u8; 40]).unwrap();
    }
    for k in 0..4u32 {
        let last = 2996 + k;
        assert_eq!(
            value(&mut store, &[b'a' + k as u8]),
            Some(vec![last as u8; 40])
        );
    }
    let nor = store.release();
    let (min, max) = (
        *nor.erases.iter().min().unwrap(),
        *nor.erases.iter().max().unwrap(),
    );
    std::println!("erases per page: {:?}", nor.erases);
    assert!(min >= 20, "every page is reused: {:?}", nor.erases);
    assert!(max - min <= 1, "erases stay even: {:?}", nor.erases);
}

/// The sets of the power-cut test: 6 keys, values of 1..=70 bytes, enough to fill the
/// four pages several times over (so sets reclaim and erase pages).
fn workload() -> Vec<(Vec<u8>, Vec<u8>)> {
    (0..48u32)
        .map(|i| {
            let key = std::format!("k{}", i * 7 % 6).into_bytes();
            let len = (i * 37 % 70 + 1) as usize;
            let value = (0..len).map(|j| (i * 13 + j as u32) as u8).collect();
            (key, value)
        })
        .collect()
}

/// The flash after `set(key, new)` lost power at each write or erase it makes (before
/// it, and halfway through it), one flash per cut, each rebooted.
fn cut_sets<const PAGE: usize>(nor: &Nor<PAGE>, key: &[u8], new: &[u8]) -> Vec<Nor<PAGE>> {
    // The set without a cut: how many writes and erases it makes.
    let mut whole = open(nor.rebooted());
    whole.set(key, new).unwrap();
    let operations = whole.release().operations;
    let mut out = Vec::new();
    for at in 1..=operations {
        for partial in [false, true] {
            let mut cut = nor.rebooted();
            cut.cut = Some(Cut { at, partial });
            let mut store = open(cut);
            assert_eq!(store.set(key, new), Err(KvError::Flash));
            out.push(store.release().rebooted());
        }
    }
    out
}

/// After a cut during `set(key, new)`: every other committed value is there, the key
/// is its old value or the new one, and the store goes on working.
fn nothing_committed_is_lost<const PAGE: usize>(
    nor: &Nor<PAGE>,
    committed: &BTreeMap<Vec<u8>, Vec<u8>>,
    key: &[u8],
    new: &[u8],
) {
    let mut store = open(nor.rebooted());
    for (k, v) in committed {
        if k != key {
            assert_eq!(value(&mut store, k).as_ref(), Some(v), "{k:?} lost");
        }
    }
    let got = value(&mut store, key);
    assert!(
        got.as_deref() == committed.get(key).map(Vec::as_slice) || got.as_deref() == Some(new),
        "{key:?} = {got:?}"
    );
    store.set(key, new).unwrap();
    assert_eq!(value(&mut store, key).as_deref(), Some(new));
}

/// The flash after `set(key, new)` ran without a cut; `committed` records it.
fn commit<const PAGE: usize>(
    nor: &Nor<PAGE>,
    committed: &mut BTreeMap<Vec<u8>, Vec<u8>>,
    key: Vec<u8>,
    new: Vec<u8>,
) -> Nor<PAGE> {
    let mut store = open(nor.rebooted());
    store.set(&key, &new).unwrap();
    committed.insert(key, new);
    store.release().rebooted()
}

#[test]
fn a_power_cut_at_any_write_or_erase_of_a_set_loses_nothing_committed() {
    let mut nor = Nor::<512>::new(4);
    let mut committed: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    let (mut cuts, mut erases_cut) = (0, 0);
    for (key, new) in workload() {
        let erases: u32 = nor.erases.iter().sum();
        for cut in cut_sets(&nor, &key, &new) {
            erases_cut += usize::from(cut.erases.iter().sum::<u32>() != erases);
            cuts += 1;
            nothing_committed_is_lost(&cut, &committed, &key, &new);
        }
        nor = commit(&nor, &mut committed, key, new);
    }
    std::println!("{cuts} power cuts, {erases_cut} of them during an erase");
    assert!(cuts > 200);
    assert!(erases_cut > 0, "the workload reclaims pages");
    assert_eq!(nor.rewrites, 0);
}

#[test]
fn a_second_cut_while_the_store_repairs_the_first_loses_nothing_committed() {
    // The retried set after a cut repairs what the cut left; cut that too, anywhere.
    let mut nor = Nor::<512>::new(4);
    let mut committed: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    let mut cuts = 0;
    for (key, new) in workload() {
        for first in cut_sets(&nor, &key, &new) {
            for second in cut_sets(&first, &key, &new) {
                cuts += 1;
                nothing_committed_is_lost(&second, &committed, &key, &new);
            }
        }
        nor = commit(&nor, &mut committed, key, new);
    }
    std::println!("{cuts} double power cuts");
    assert!(cuts > 500);
}

#[test]
fn a_stored_key_with_a_hostile_length_is_not_a_key() {
    use sequential_storage::map::Key as _;
    assert_eq!(
        Key::deserialize_from(&[0]),
        Err(SerializationError::InvalidFormat)
    );
    assert_eq!(
        Key::deserialize_from(&[65; 70]),
        Err(SerializationError::InvalidFormat)
    );
    assert_eq!(
        Key::deserialize_from(&[3, b'a']),
        Err(SerializationError::BufferTooSmall)
    );
    let key = Key::new(b"abc").unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(key.serialize_into(&mut buf), Ok(4));
    assert_eq!(Key::deserialize_from(&buf), Ok((key, 4)));
    assert_eq!(Key::get_len(&buf), Ok(4));
}
