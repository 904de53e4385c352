//! Files on an SD card: a [`Storage`] over a FAT16 or FAT32 volume, through
//! `embedded-sdmmc`.
//!
//! [`SdFiles`] is generic over `embedded-sdmmc`'s [`BlockDevice`] (512-byte blocks),
//! so a board passes the crate's SPI-mode card driver,
//! `SdCard::new(spi_device, delay)` (an `embedded-hal` 1.0 `SpiDevice` with the card's
//! CS, and a `DelayNs`), and host tests pass an image in RAM. `embedded-sdmmc` is
//! `no_std` and does not allocate: its open files, directories and volume live in
//! fixed tables, and a read goes through one 512-byte block cache, so a read costs no
//! allocation and the number of open files is bounded (`FILES`, 4 by default).
//!
//! The card holds an MBR (as the SD Association's formatter and every shipped card
//! lay it out) and the first partition is read: FAT16 (type 0x04, 0x06, 0x0E) or
//! FAT32 (0x0B, 0x0C). Cards without a partition table ("superfloppy"), GPT, exFAT
//! (SDXC cards as shipped; reformat them as FAT32) and FAT12 are not read: opening a
//! file on them fails with [`StorageError::Io`].
//!
//! Paths are taken from the volume's root, with or without a leading `/`
//! (`/radio/tone.mp3.icy`, `radio/tone.mp3.icy`). Folder names are 8.3 names
//! (matched without regard to case: `radio`, `RADIO`); a folder name that is no 8.3
//! name is [`StorageError::InvalidPath`]. The file's own name is matched first as an
//! 8.3 name (without regard to case), then as its long name (VFAT, matched exactly,
//! case included), so `tone.mp3.icy` is found by its long name. `..` is not followed
//! ([`StorageError::InvalidPath`]).
//!
//! A damaged card is an error, never a panic: `embedded-sdmmc` trusts the card's
//! numbers (a zero sectors-per-cluster divides by zero, a cluster number below 2
//! underflows), so before it reads a volume the partition table and boot sector are
//! checked here ([`check_volume`]); every FAT sector it reads has entries that point
//! outside the volume, or are free, turned into "bad cluster" (0xFFF7 / 0x0FFFFFF7, which it
//! reports as an error); and before a folder is searched, every entry in it must
//! start at a cluster of the volume (or be empty). A folder whose cluster chain loops
//! through entries that are all free is the one damage not caught (the crate's walk
//! of it does not end).
//!
//! `embedded-sdmmc` opens each file once: opening a file that is already open, or a
//! file beyond the `FILES` open ones, is [`StorageError::InUse`]. The port opens two
//! files per fetch for a moment (the body and its `.headers` sidecar) and keeps one:
//! `FILES` = 4 allows three fetches of different files at once.

pub use embedded_sdmmc;

use crate::storage::{Storage, StorageError, MAX_PATH};
use core::cell::Cell;
use core::ops::ControlFlow;
use embedded_sdmmc::{
    Block, BlockCount, BlockDevice, BlockIdx, ClusterId, DirEntry, Error, Mode, RawDirectory,
    RawFile, RawVolume, ShortFileName, TimeSource, Timestamp, VolumeIdx, VolumeManager,
};

/// Open files [`SdFiles`] allows by default.
pub const DEFAULT_OPEN_FILES: usize = 4;

/// Folders open at once while a path is walked: the one being searched and the one
/// found in it.
const OPEN_DIRS: usize = 2;

/// Most entries a FAT folder holds (Microsoft FAT specification §6: 65,536 32-byte
/// entries); a folder that seems to hold more loops.
const MAX_FOLDER_ENTRIES: u32 = 65_536;

/// The clock `embedded-sdmmc` asks for when it writes a directory entry; files here
/// are only read, so it is never asked and answers the FAT epoch, 1980-01-01.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoClock;

impl TimeSource for NoClock {
    fn get_timestamp(&self) -> Timestamp {
        // FAT date: day 1 (bits 0-4), month 1 (bits 5-8), year 1980 + 0 (bits 9-15).
        Timestamp::from_fat(0x0021, 0)
    }
}

/// Where a checked volume keeps its FATs, and its highest cluster number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The first FAT's first block on the device.
    pub fat_start: u32,
    /// Blocks of all the FATs together.
    pub fat_blocks: u32,
    /// Blocks of one FAT.
    pub fat_size: u32,
    /// FAT32 (4-byte entries) rather than FAT16 (2-byte).
    pub fat32: bool,
    /// The highest cluster number of the volume (clusters start at 2).
    pub max_cluster: u32,
}

/// Partition types `embedded-sdmmc` reads: FAT16 (< 32 MiB, CHS, LBA), FAT32 (CHS,
/// LBA).
const FAT_PARTITIONS: [u8; 5] = [0x04, 0x06, 0x0E, 0x0B, 0x0C];

fn le16(block: &Block, at: usize) -> u32 {
    let b = |i: usize| block.contents.get(at + i).copied().unwrap_or(0);
    u32::from(u16::from_le_bytes([b(0), b(1)]))
}

fn le32(block: &Block, at: usize) -> u32 {
    let b = |i: usize| block.contents.get(at + i).copied().unwrap_or(0);
    u32::from_le_bytes([b(0), b(1), b(2), b(3)])
}

/// The first partition's FAT layout, if the MBR (at block 0) and the partition's
/// boot sector (`read` of a block number) describe a FAT16/FAT32 volume that fits the
/// card's `blocks` and whose numbers `embedded-sdmmc` can compute with (Microsoft FAT
/// specification §3.1 for the fields, §3.5 for the cluster count).
pub fn check_volume(blocks: u32, mut read: impl FnMut(u32, &mut Block) -> bool) -> Option<Layout> {
    let mut block = Block::new();
    let signed = |b: &Block| le16(b, 510) == 0xAA55;
    if !read(0, &mut block) || !signed(&block) {
        return None;
    }
    // The first partition entry (offset 446): status, type, start, length.
    let entry = 446;
    let status = block.contents.get(entry).copied()?;
    let kind = block.contents.get(entry + 4).copied()?;
    let start = le32(&block, entry + 8);
    let length = le32(&block, entry + 12);
    if status & 0x7F != 0 || !FAT_PARTITIONS.contains(&kind) || start == 0 {
        return None;
    }
    if start.checked_add(length)? > blocks || !read(start, &mut block) || !signed(&block) {
        return None;
    }
    let per_cluster = u32::from(block.contents.get(13).copied()?);
    let reserved = le16(&block, 14);
    let fats = u32::from(block.contents.get(16).copied()?);
    let root_entries = le16(&block, 17);
    let total = match le16(&block, 19) {
        0 => le32(&block, 32),
        small => small,
    };
    let fat_size = match le16(&block, 22) {
        0 => le32(&block, 36),
        small => small,
    };
    if le16(&block, 11) != 512 || !per_cluster.is_power_of_two() || reserved == 0 || fats == 0 {
        return None;
    }
    if fat_size == 0 || total > length {
        return None;
    }
    let root_blocks = root_entries.checked_mul(32)?.div_ceil(512);
    let fat_blocks = fats.checked_mul(fat_size)?;
    let overhead = reserved.checked_add(fat_blocks)?.checked_add(root_blocks)?;
    let clusters = total.checked_sub(overhead)? / per_cluster;
    let fat32 = clusters >= 65_525;
    let entry_bytes = if fat32 { 4 } else { 2 };
    // The FAT holds an entry for every cluster, and the two reserved ones.
    let max_cluster = clusters.checked_add(1)?;
    if u64::from(fat_size) * 512 / entry_bytes < u64::from(max_cluster) + 1 {
        return None;
    }
    if fat32 && !(2..=max_cluster).contains(&le32(&block, 44)) {
        return None; // the root folder's first cluster
    }
    Some(Layout {
        fat_start: start.checked_add(reserved)?,
        fat_blocks,
        fat_size,
        fat32,
        max_cluster,
    })
}

/// A block device whose FAT sectors, as read, have every entry that points outside
/// the volume (0 = free, 1, or past `max_cluster`, short of the bad and
/// end-of-chain marks) turned into the bad-cluster mark, so that `embedded-sdmmc`
/// stops at it with an error instead of computing with it. Nothing is written.
#[derive(Debug)]
pub struct Checked<D> {
    device: D,
    layout: Cell<Option<Layout>>,
}

impl<D> Checked<D> {
    /// Blocks of `device`, passed through until a layout is set.
    pub fn new(device: D) -> Self {
        Checked {
            device,
            layout: Cell::new(None),
        }
    }

    /// Clean FAT entries in `block` (block number `index`) as `layout` says.
    fn clean(layout: &Layout, index: u32, block: &mut Block) {
        let Some(offset) = index
            .checked_sub(layout.fat_start)
            .filter(|o| *o < layout.fat_blocks)
        else {
            return;
        };
        // Entries 0 and 1 hold the media byte and flags, not links.
        let skip = if offset % layout.fat_size == 0 { 2 } else { 0 };
        let (bad, mask, width) = if layout.fat32 {
            (0x0FFF_FFF7, 0x0FFF_FFFF, 4)
        } else {
            (0xFFF7, 0xFFFF, 2)
        };
        for entry in block.contents.chunks_exact_mut(width).skip(skip) {
            let mut raw = [0u8; 4];
            if let Some(to) = raw.get_mut(..width) {
                to.copy_from_slice(entry);
            }
            let value = u32::from_le_bytes(raw) & mask;
            // A free entry (0) is never a link either: a chain reaching it is cut.
            // Only reads happen, so no free cluster is looked for.
            if (2..=layout.max_cluster).contains(&value) || value >= bad {
                continue;
            }
            if let Some(from) = bad.to_le_bytes().get(..width) {
                entry.copy_from_slice(from);
            }
        }
    }
}

impl<D: BlockDevice> BlockDevice for Checked<D> {
    type Error = D::Error;

    fn read(&self, blocks: &mut [Block], start: BlockIdx) -> Result<(), D::Error> {
        self.device.read(blocks, start)?;
        if let Some(layout) = self.layout.get() {
            for (i, block) in (start.0..).zip(blocks.iter_mut()) {
                Self::clean(&layout, i, block);
            }
        }
        Ok(())
    }

    fn write(&self, blocks: &[Block], start: BlockIdx) -> Result<(), D::Error> {
        self.device.write(blocks, start)
    }

    fn num_blocks(&self) -> Result<BlockCount, D::Error> {
        self.device.num_blocks()
    }
}

/// Read-only files on the first FAT partition of a block device (an SD card through
/// `embedded_sdmmc::SdCard`), at most `FILES` open at once.
pub struct SdFiles<D: BlockDevice, const FILES: usize = DEFAULT_OPEN_FILES> {
    cards: VolumeManager<Checked<D>, NoClock, OPEN_DIRS, FILES, 1>,
    volume: Option<(RawVolume, Layout)>,
}

impl<D: BlockDevice, const FILES: usize> core::fmt::Debug for SdFiles<D, FILES> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SdFiles")
            .field("volume", &self.volume.map(|(_, layout)| layout))
            .finish_non_exhaustive()
    }
}

/// A file open on the card, and its length.
#[derive(Debug)]
pub struct SdFile {
    raw: RawFile,
    len: u32,
}

impl<D: BlockDevice, const FILES: usize> SdFiles<D, FILES> {
    /// Files on `device`. Nothing is read yet: the partition is found at the first
    /// [`Storage::open`], and again at the next one if that failed (a card inserted
    /// later is read then).
    pub fn new(device: D) -> Self {
        SdFiles {
            cards: VolumeManager::new_with_limits(Checked::new(device), NoClock, 1),
            volume: None,
        }
    }

    /// The volume, checked and opened now if it is not yet.
    fn volume(&mut self) -> Result<(RawVolume, Layout), StorageError> {
        if let Some(volume) = self.volume {
            return Ok(volume);
        }
        let layout = self.cards.device(|card| {
            let blocks = card.device.num_blocks().ok()?.0;
            check_volume(blocks, |index, block| {
                card.device
                    .read(core::slice::from_mut(block), BlockIdx(index))
                    .is_ok()
            })
        });
        let layout = layout.ok_or(StorageError::Io)?;
        self.cards.device(|card| card.layout.set(Some(layout)));
        let raw = self
            .cards
            .open_raw_volume(VolumeIdx(0))
            .map_err(storage_error)?;
        self.volume = Some((raw, layout));
        Ok((raw, layout))
    }

    /// Whether every entry in `dir` starts at a cluster of the volume, or is empty
    /// (a file of no bytes, or `..` naming the root), and the folder ends.
    fn check_folder(&mut self, dir: RawDirectory, layout: &Layout) -> Result<(), StorageError> {
        let mut entries = 0u32;
        let mut sound = true;
        self.cards
            .iterate_dir(dir, |entry: &DirEntry| {
                entries += 1;
                sound = entries <= MAX_FOLDER_ENTRIES && starts_well(entry, layout);
                if sound {
                    ControlFlow::Continue(())
                } else {
                    ControlFlow::Break(())
                }
            })
            .map_err(storage_error)?;
        if sound {
            Ok(())
        } else {
            Err(StorageError::Io)
        }
    }

    /// The folder that `folders` (names between `/`) name from the root, open and
    /// checked.
    fn walk(&mut self, folders: &str) -> Result<RawDirectory, StorageError> {
        let (volume, layout) = self.volume()?;
        let mut dir = self.cards.open_root_dir(volume).map_err(storage_error)?;
        let names = folders.split('/').filter(|n| !n.is_empty() && *n != ".");
        for name in names.map(Some).chain([None]) {
            let next = match self.check_folder(dir, &layout) {
                Err(error) => Err(error),
                Ok(()) => match name {
                    None => return Ok(dir),
                    Some("..") => Err(StorageError::InvalidPath),
                    Some(name) => self.cards.open_dir(dir, name).map_err(storage_error),
                },
            };
            // Only handles are closed: nothing is written.
            let _ = self.cards.close_dir(dir);
            dir = next?;
        }
        Ok(dir)
    }

    /// `name` in `dir`: by its 8.3 name, else by its long name.
    fn open_in(&mut self, dir: RawDirectory, name: &str) -> Result<RawFile, StorageError> {
        match self.cards.open_file_in_dir(dir, name, Mode::ReadOnly) {
            Err(Error::NotFound | Error::FilenameError(_)) => self
                .cards
                .open_long_name_file_in_dir(dir, name, Mode::ReadOnly)
                .map_err(storage_error),
            opened => opened.map_err(storage_error),
        }
    }
}

/// Whether a folder entry starts at a cluster of the volume: any entry may, and
/// only a file of no bytes, or `.`/`..` (the root's cluster is 0 in them), may
/// start at none (cluster 0).
fn starts_well(entry: &DirEntry, layout: &Layout) -> bool {
    // ClusterId's number is private to the crate; EMPTY is cluster 0.
    let cluster = entry.cluster;
    if (ClusterId::EMPTY + 2..=ClusterId::EMPTY + layout.max_cluster).contains(&cluster) {
        return true;
    }
    let dot = entry.name == ShortFileName::this_dir() || entry.name == ShortFileName::parent_dir();
    let empty_file = !entry.attributes.is_directory() && entry.size == 0;
    // The crate reads a `..` of cluster 0 as the root folder.
    (dot && cluster == ClusterId::ROOT_DIR) || (cluster == ClusterId::EMPTY && (dot || empty_file))
}

/// What an `embedded-sdmmc` error means to the port.
fn storage_error<E: core::error::Error>(error: Error<E>) -> StorageError {
    match error {
        Error::NotFound | Error::OpenedDirAsFile | Error::OpenedFileAsDir => StorageError::NotFound,
        Error::FilenameError(_) => StorageError::InvalidPath,
        Error::TooManyOpenFiles | Error::TooManyOpenDirs | Error::FileAlreadyOpen => {
            StorageError::InUse
        }
        // The device failed, or the card's partition table, boot sector, FAT or
        // folders are not what FAT says they are.
        _ => StorageError::Io,
    }
}

impl<D: BlockDevice, const FILES: usize> Storage for SdFiles<D, FILES> {
    type File = SdFile;

    fn open(&mut self, path: &str) -> Result<SdFile, StorageError> {
        if path.len() > MAX_PATH || path.contains('\0') {
            return Err(StorageError::InvalidPath);
        }
        let (folders, name) = path.rsplit_once('/').unwrap_or(("", path));
        if name.is_empty() || name == "." || name == ".." {
            return Err(StorageError::InvalidPath);
        }
        let dir = self.walk(folders)?;
        let opened = self.open_in(dir, name);
        let _ = self.cards.close_dir(dir);
        let raw = opened?;
        match self.cards.file_length(raw) {
            Ok(len) => Ok(SdFile { raw, len }),
            Err(error) => {
                let _ = self.cards.close_file(raw);
                Err(storage_error(error))
            }
        }
    }

    fn size(&mut self, file: &mut SdFile) -> Result<u64, StorageError> {
        Ok(u64::from(file.len))
    }

    fn read_at(
        &mut self,
        file: &mut SdFile,
        offset: u64,
        buf: &mut [u8],
    ) -> Result<usize, StorageError> {
        if buf.is_empty() || offset >= u64::from(file.len) {
            return Ok(0);
        }
        // Below the length, a u32.
        let offset = u32::try_from(offset).map_err(|_| StorageError::Io)?;
        self.cards
            .file_seek_from_start(file.raw, offset)
            .map_err(storage_error)?;
        // embedded-sdmmc reads until `buf` is full or the file ends.
        self.cards.read(file.raw, buf).map_err(storage_error)
    }

    fn close(&mut self, file: SdFile) {
        // A file opened read-only has nothing to write back.
        let _ = self.cards.close_file(file.raw);
    }
}
