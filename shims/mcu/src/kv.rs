//! The port's key-value store (`kv_get`/`kv_set`/`kv_delete`) on NOR flash, wear
//! levelled and safe against power loss at any point.
//!
//! `sequential-storage`'s map does the work: items are appended to the pages of a flash
//! range in turn, a page is erased only when the map moves its live items to the next
//! free one, so erases go round all pages evenly; every item carries a CRC, and a page
//! or item left half-written by a power cut is found and repaired (or skipped) on the
//! next access. A key reads back as its last completely written value.
//!
//! Its API is async (it serves async flash drivers too). The flash here is blocking
//! ([`embedded_storage::nor_flash::NorFlash`], what a board's SPI-NOR or internal-flash
//! driver offers), so [`Blocking`] presents it as async flash whose futures are ready on
//! their first poll, and `embassy_futures::block_on` drives each map call: it never
//! waits, needs no executor, timer or allocation, and is a few hundred bytes of code.
//!
//! Limits are the ABI's: keys of 1..=[`MAX_KV_KEY`] bytes, values of at most
//! [`MAX_KV_VALUE`]. An item (key, value and header) lives in one page, so the flash's
//! erase size must be at least [`MIN_PAGE`] for 4 KiB values (two 4 KiB sectors for
//! the common SPI-NOR: a board whose driver erases 4 KiB sectors groups them). A
//! deleted key leaves a small tombstone (the map's removal needs flash that can be
//! written twice, which ECC-protected internal flash cannot); tombstones and old values
//! go when their page is next reclaimed.

use core::ops::Range;

use embedded_storage::nor_flash::{ErrorType, NorFlash, ReadNorFlash};
use sequential_storage::cache::{Cache, Uncached};
use sequential_storage::map::{self, MapConfig, MapStorage, SerializationError};
use wasp_abi::imports::{MAX_KV_KEY, MAX_KV_VALUE};
use wasp_abi::Status;

/// Bytes of the map's work buffer: the serialized key (length byte + key), the value
/// tag and the value, rounded up to the largest flash word the map supports (32).
pub const BUFFER: usize = (1 + MAX_KV_KEY + 1 + MAX_KV_VALUE).next_multiple_of(32);

/// An erase size that holds the largest item (a 4 KiB value with its key and header,
/// beside the page's two state words): 8 KiB. A 4 KiB page cannot.
pub const MIN_PAGE: usize = 8192;

/// Why a store operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KvError {
    /// A key of no bytes or more than [`MAX_KV_KEY`], or a value above
    /// [`MAX_KV_VALUE`].
    InvalidArgument,
    /// No value under that key.
    NotFound,
    /// The store is full of live values (or the item can never fit a page).
    BudgetExceeded,
    /// The flash range does not suit the map (not page-aligned, fewer than two pages).
    BadRange,
    /// The flash failed, or holds what no repair makes sense of.
    Flash,
}

impl core::fmt::Display for KvError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            KvError::InvalidArgument => "key or value outside the store's limits",
            KvError::NotFound => "no value under that key",
            KvError::BudgetExceeded => "key-value store full",
            KvError::BadRange => "flash range unsuitable for the key-value store",
            KvError::Flash => "key-value flash failed",
        })
    }
}

impl From<KvError> for Status {
    fn from(e: KvError) -> Self {
        match e {
            KvError::InvalidArgument => Status::InvalidArgument,
            KvError::NotFound => Status::NotFound,
            KvError::BudgetExceeded => Status::BudgetExceeded,
            KvError::BadRange | KvError::Flash => Status::Io,
        }
    }
}

fn map_error<E>(e: sequential_storage::Error<E>) -> KvError {
    match e {
        sequential_storage::Error::FullStorage | sequential_storage::Error::ItemTooBig => {
            KvError::BudgetExceeded
        }
        _ => KvError::Flash,
    }
}

/// A key as the map stores it: its length, then its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    len: u8,
    bytes: [u8; MAX_KV_KEY],
}

impl Key {
    /// The key `bytes`; `None` unless 1..=[`MAX_KV_KEY`] bytes long.
    pub fn new(bytes: &[u8]) -> Option<Self> {
        if bytes.is_empty() || bytes.len() > MAX_KV_KEY {
            return None;
        }
        let mut key = Self {
            len: u8::try_from(bytes.len()).ok()?,
            bytes: [0; MAX_KV_KEY],
        };
        key.bytes.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(key)
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }
}

impl map::Key for Key {
    fn serialize_into(&self, buffer: &mut [u8]) -> Result<usize, SerializationError> {
        let key = self.as_bytes();
        let out = buffer
            .get_mut(..1 + key.len())
            .ok_or(SerializationError::BufferTooSmall)?;
        if let Some((len, rest)) = out.split_first_mut() {
            *len = self.len;
            rest.copy_from_slice(key);
        }
        Ok(1 + key.len())
    }

    fn deserialize_from(buffer: &[u8]) -> Result<(Self, usize), SerializationError> {
        let (&len, rest) = buffer
            .split_first()
            .ok_or(SerializationError::BufferTooSmall)?;
        let bytes = rest
            .get(..usize::from(len))
            .ok_or(SerializationError::BufferTooSmall)?;
        let key = Key::new(bytes).ok_or(SerializationError::InvalidFormat)?;
        Ok((key, 1 + bytes.len()))
    }

    fn get_len(buffer: &[u8]) -> Result<usize, SerializationError> {
        let &len = buffer.first().ok_or(SerializationError::BufferTooSmall)?;
        Ok(1 + usize::from(len))
    }
}

/// A blocking NOR flash presented as `embedded-storage-async` flash: each call runs to
/// the end inside its first poll.
#[derive(Debug)]
pub struct Blocking<F>(pub F);

impl<F: ErrorType> ErrorType for Blocking<F> {
    type Error = F::Error;
}

impl<F: ReadNorFlash> embedded_storage_async::nor_flash::ReadNorFlash for Blocking<F> {
    const READ_SIZE: usize = F::READ_SIZE;

    async fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        self.0.read(offset, bytes)
    }

    fn capacity(&self) -> usize {
        self.0.capacity()
    }
}

impl<F: NorFlash> embedded_storage_async::nor_flash::NorFlash for Blocking<F> {
    const WRITE_SIZE: usize = F::WRITE_SIZE;
    const ERASE_SIZE: usize = F::ERASE_SIZE;

    async fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        self.0.erase(from, to)
    }

    async fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        self.0.write(offset, bytes)
    }
}

type Map<F> = MapStorage<Key, Blocking<F>, Cache<Uncached, Uncached, Uncached, Key>>;

/// The store over a range of a NOR flash, with its work buffer ([`BUFFER`] bytes).
pub struct KvStore<F: NorFlash> {
    map: Map<F>,
    buffer: [u8; BUFFER],
}

impl<F: NorFlash> core::fmt::Debug for KvStore<F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("KvStore")
    }
}

impl<F: NorFlash> KvStore<F> {
    /// The store kept in `range` of `flash` (whole erase pages, at least two). What the
    /// range holds is the store: a range that was never used must be erased first
    /// ([`KvStore::erase_all`]); a store interrupted by a power cut is repaired by the
    /// next call.
    ///
    /// # Errors
    /// [`KvError::BadRange`] when the range does not suit the map.
    pub fn new(flash: F, range: Range<u32>) -> Result<Self, KvError> {
        let config = MapConfig::try_new(range).map_err(|_| KvError::BadRange)?;
        Ok(Self {
            map: MapStorage::new(Blocking(flash), config, Cache::new_uncached()),
            buffer: [0; BUFFER],
        })
    }

    /// Gives the flash back.
    pub fn release(self) -> F {
        self.map.destroy().0 .0
    }

    /// Erases the whole range: every value is gone.
    ///
    /// # Errors
    /// [`KvError::Flash`] when the flash fails.
    pub fn erase_all(&mut self) -> Result<(), KvError> {
        embassy_futures::block_on(self.map.erase_all()).map_err(map_error)
    }

    /// Copies the value of `key` into `out` when it fits (a shorter `out` is left
    /// untouched) and returns its full length, as `kv_get` does (ABI: outputs are
    /// written only when they fit).
    ///
    /// # Errors
    /// [`KvError::NotFound`], [`KvError::InvalidArgument`] for a key out of bounds,
    /// [`KvError::Flash`].
    pub fn get(&mut self, key: &[u8], out: &mut [u8]) -> Result<usize, KvError> {
        let key = Key::new(key).ok_or(KvError::InvalidArgument)?;
        let found =
            embassy_futures::block_on(self.map.fetch_item::<Option<&[u8]>>(&mut self.buffer, &key))
                .map_err(map_error)?;
        let value = found.flatten().ok_or(KvError::NotFound)?;
        if let Some(to) = out.get_mut(..value.len()) {
            to.copy_from_slice(value);
        }
        Ok(value.len())
    }

    /// Stores `value` under `key`, durably once this returns: after a power cut during
    /// the call the key reads back as its old value or the new one.
    ///
    /// # Errors
    /// [`KvError::InvalidArgument`] for sizes out of bounds, [`KvError::BudgetExceeded`]
    /// when the live values leave no room, [`KvError::Flash`].
    pub fn set(&mut self, key: &[u8], value: &[u8]) -> Result<(), KvError> {
        let key = Key::new(key).ok_or(KvError::InvalidArgument)?;
        if value.len() > MAX_KV_VALUE {
            return Err(KvError::InvalidArgument);
        }
        self.store(&key, Some(value))
    }

    /// Removes `key` (a tombstone is written over its value).
    ///
    /// # Errors
    /// [`KvError::NotFound`] when the key has no value; as [`KvError::BudgetExceeded`]
    /// and [`KvError::Flash`] as [`KvStore::set`].
    pub fn delete(&mut self, key: &[u8]) -> Result<(), KvError> {
        self.get(key, &mut [])?;
        let key = Key::new(key).ok_or(KvError::InvalidArgument)?;
        self.store(&key, None)
    }

    fn store(&mut self, key: &Key, value: Option<&[u8]>) -> Result<(), KvError> {
        embassy_futures::block_on(self.map.store_item(&mut self.buffer, key, &value))
            .map_err(map_error)
    }
}

#[cfg(test)]
#[path = "kv_tests.rs"]
mod tests;
