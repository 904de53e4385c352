//! Files on an SD card (`sdcard::SdFiles`) read from FAT16 and FAT32 card images in
//! RAM: each image (`fixtures/sdcard/card.img.gz` and `card32.img.gz`, made by
//! `fixtures/sdcard/make.sh` with mkfs.fat and mtools) holds the radio fixture under `/radio` by its long names, a
//! copy whose cluster chain runs in two pieces, and a short-named note in the root.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod common;

use common::{erased_flash, port_with};
use std::cell::Cell;
use std::io::Read;
use std::rc::Rc;
use wasp_core::abi::fetch::{FetchRequest, FetchState};
use wasp_core::abi::Status;
use wasp_core::Port;
use wasp_shim_mcu::sdcard::embedded_sdmmc::{Block, BlockCount, BlockDevice, BlockIdx};
use wasp_shim_mcu::sdcard::{SdFile, SdFiles};
use wasp_shim_mcu::storage::{Storage, StorageError, MAX_PATH};

/// The gzipped FAT16 card image.
const CARD: &[u8] = include_bytes!("fixtures/sdcard/card.img.gz");
/// The gzipped FAT32 card image.
const CARD32: &[u8] = include_bytes!("fixtures/sdcard/card32.img.gz");
/// The radio fixture the image holds, as committed.
const TONE: &str = "../../hardware-tests/mcu/radio/tone.mp3.icy";
const HEADERS: &str = "../../hardware-tests/mcu/radio/tone.mp3.icy.headers";
/// The partition's first sector (make.sh: `part_start`).
const PARTITION: usize = 2048 * 512;

/// The FAT16 card's bytes.
fn image() -> Vec<u8> {
    gunzip(CARD)
}

/// The FAT16 and the FAT32 card's bytes.
fn both_images() -> [Vec<u8>; 2] {
    [gunzip(CARD), gunzip(CARD32)]
}

fn gunzip(gz: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}

/// A card in RAM: reads blocks of `image`, fails reads while not `present`, from
/// block `fails_from` on, or past the end; counts writes (refused: the files are only
/// read).
struct Card {
    image: Vec<u8>,
    present: Rc<Cell<bool>>,
    fails_from: Rc<Cell<usize>>,
    writes: Rc<Cell<u32>>,
}

#[derive(Debug)]
struct CardError;

impl std::fmt::Display for CardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("card read failed")
    }
}

impl std::error::Error for CardError {}

impl BlockDevice for Card {
    type Error = CardError;

    fn read(&self, blocks: &mut [Block], start: BlockIdx) -> Result<(), CardError> {
        if !self.present.get() {
            return Err(CardError);
        }
        for (i, block) in blocks.iter_mut().enumerate() {
            if start.0 as usize + i >= self.fails_from.get() {
                return Err(CardError);
            }
            let at = (start.0 as usize + i) * Block::LEN;
            let bytes = self.image.get(at..at + Block::LEN).ok_or(CardError)?;
            block.contents.copy_from_slice(bytes);
        }
        Ok(())
    }

    fn write(&self, _: &[Block], _: BlockIdx) -> Result<(), CardError> {
        self.writes.set(self.writes.get() + 1);
        Err(CardError)
    }

    fn num_blocks(&self) -> Result<BlockCount, CardError> {
        Ok(BlockCount((self.image.len() / Block::LEN) as u32))
    }
}

fn card(image: Vec<u8>) -> Card {
    Card {
        image,
        present: Rc::new(Cell::new(true)),
        fails_from: Rc::new(Cell::new(usize::MAX)),
        writes: Rc::new(Cell::new(0)),
    }
}

fn files(image: Vec<u8>) -> SdFiles<Card> {
    SdFiles::new(card(image))
}

/// The whole file at `path`, read `chunk` bytes at a time from the start.
fn read_all<S: Storage>(files: &mut S, path: &str, chunk: usize) -> Result<Vec<u8>, StorageError> {
    let mut file = files.open(path)?;
    let mut out = Vec::new();
    let mut buf = vec![0u8; chunk];
    let result = loop {
        match files.read_at(&mut file, out.len() as u64, &mut buf) {
            Ok(0) => break Ok(out),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => break Err(e),
        }
    };
    files.close(file);
    result
}

#[test]
fn files_read_whole_equal_the_originals_in_every_chunk_size() {
    let tone = std::fs::read(TONE).unwrap();
    let headers = std::fs::read(HEADERS).unwrap();
    for image in both_images() {
        files_read_whole_equal(&tone, &headers, image);
    }
}

fn files_read_whole_equal(tone: &[u8], headers: &[u8], image: Vec<u8>) {
    let mut files = files(image);
    for chunk in [1, 3, 511, 512, 513, 1000, 4096, 40_000] {
        for path in ["/radio/tone.mp3.icy", "/radio/split.mp3"] {
            let read = read_all(&mut files, path, chunk).unwrap();
            assert!(read == tone, "{path} read {chunk} bytes at a time differs");
        }
        let read = read_all(&mut files, "/radio/tone.mp3.icy.headers", chunk).unwrap();
        assert_eq!(read, headers);
    }
    assert_eq!(
        read_all(&mut files, "/README.TXT", 7).unwrap(),
        b"wasp test card\n"
    );
}

#[test]
fn reads_at_any_offset_give_the_bytes_there_and_stop_at_the_end() {
    let tone = std::fs::read(TONE).unwrap();
    for image in both_images() {
        reads_at_any_offset(&tone, image);
    }
}

fn reads_at_any_offset(tone: &[u8], image: Vec<u8>) {
    let len = tone.len();
    let mut files = files(image);
    for path in ["radio/tone.mp3.icy", "radio/split.mp3"] {
        let mut file = files.open(path).unwrap();
        assert_eq!(files.size(&mut file).unwrap(), len as u64);
        // Offsets across cluster (512-byte) boundaries, backwards and forwards, and
        // where the split copy's chain jumps (after its 16th cluster).
        let mut offsets: Vec<usize> = (0..len).step_by(997).collect();
        offsets.extend([511, 512, 513, 16 * 512 - 1, 16 * 512, 16 * 512 + 1, len - 1]);
        offsets.reverse();
        for &offset in &offsets {
            for chunk in [1, 2, 100, 512, 1500, 9000] {
                let mut buf = vec![0u8; chunk];
                let n = files.read_at(&mut file, offset as u64, &mut buf).unwrap();
                let want = &tone[offset..(offset + chunk).min(len)];
                assert_eq!(n, want.len(), "{path} at {offset}, {chunk} bytes");
                assert!(&buf[..n] == want, "{path} at {offset}, {chunk} bytes");
            }
        }
        let mut buf = [0u8; 16];
        assert_eq!(files.read_at(&mut file, len as u64, &mut buf), Ok(0));
        assert_eq!(files.read_at(&mut file, u64::MAX, &mut buf), Ok(0));
        assert_eq!(files.read_at(&mut file, 0, &mut []), Ok(0));
        files.close(file);
    }
}

#[test]
fn folders_and_short_names_match_without_case_long_names_exactly() {
    let mut files = files(image());
    for path in [
        "/radio/tone.mp3.icy",
        "radio/tone.mp3.icy",
        "RADIO/tone.mp3.icy",
        "//radio/./tone.mp3.icy",
        "/readme.txt",
        "README.TXT",
        "/radio/SPLIT.MP3",
    ] {
        let file = files.open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        files.close(file);
    }
    // The long name is matched as written; its 8.3 alias is a name too.
    assert_eq!(
        files.open("/radio/TONE.MP3.ICY").err(),
        Some(StorageError::NotFound)
    );
    assert_eq!(
        read_all(&mut files, "/radio/TONEMP~1.ICY", 4096).unwrap(),
        std::fs::read(TONE).unwrap()
    );
}

#[test]
fn missing_files_are_not_found_and_bad_paths_invalid() {
    let mut files = files(image());
    for path in [
        "/radio/nothing.mp3",
        "/radio/tone.mp3",
        "/music/tone.mp3.icy",
        "/radio",
        "/README.TXT/tone.mp3.icy",
    ] {
        assert_eq!(
            files.open(path).err(),
            Some(StorageError::NotFound),
            "{path}"
        );
    }
    let long = "a/".repeat(MAX_PATH / 2 + 1);
    for path in [
        "",
        "/",
        "/radio/",
        "../radio/tone.mp3.icy",
        "/radio/..",
        "a\0b",
        &long,
    ] {
        assert_eq!(
            files.open(path).err(),
            Some(StorageError::InvalidPath),
            "{path:?}"
        );
    }
    // A folder name longer than 8.3 cannot name a FAT folder here.
    assert_eq!(
        files.open("/radio-stations/tone.mp3.icy").err(),
        Some(StorageError::InvalidPath)
    );
}

#[test]
fn files_beyond_the_open_limit_or_opened_twice_are_in_use_until_one_closes() {
    let mut files: SdFiles<Card, 2> = SdFiles::new(card(image()));
    let tone = files.open("/radio/tone.mp3.icy").unwrap();
    let headers = files.open("/radio/tone.mp3.icy.headers").unwrap();
    assert_eq!(
        files.open("/radio/split.mp3").err(),
        Some(StorageError::InUse)
    );
    assert_eq!(
        StorageError::InUse.to_string(),
        "too many open files, or the file is open already"
    );
    files.close(headers);
    assert_eq!(
        files.open("/radio/tone.mp3.icy").err(),
        Some(StorageError::InUse)
    );
    let split = files.open("/radio/split.mp3").unwrap();
    files.close(tone);
    files.close(split);
    // Every handle is back: the limit is reached again, not before.
    let a = files.open("/radio/split.mp3").unwrap();
    let b = files.open("/README.TXT").unwrap();
    assert_eq!(
        files.open("/radio/tone.mp3.icy").err(),
        Some(StorageError::InUse)
    );
    files.close(a);
    files.close(b);
}

#[test]
fn the_card_is_never_written_and_a_card_inserted_late_is_read() {
    let card = card(image());
    let (present, writes) = (card.present.clone(), card.writes.clone());
    present.set(false);
    let mut files = SdFiles::<_>::new(card);
    assert_eq!(files.open("/README.TXT").err(), Some(StorageError::Io));
    present.set(true);
    assert_eq!(
        read_all(&mut files, "/README.TXT", 64).unwrap(),
        b"wasp test card\n"
    );
    let tone = read_all(&mut files, "/radio/split.mp3", 777).unwrap();
    assert_eq!(tone.len(), 32543);
    // A card pulled mid-file fails the read.
    let mut file: SdFile = files.open("/radio/tone.mp3.icy").unwrap();
    present.set(false);
    let mut buf = [0u8; 600];
    assert_eq!(
        files.read_at(&mut file, 20_000, &mut buf),
        Err(StorageError::Io)
    );
    files.close(file);
    assert_eq!(writes.get(), 0);
}

/// The partition's boot-sector fields (FAT16 BPB, Microsoft FAT spec §3.1): the FATs'
/// first byte and their length in bytes, the root folder's first byte and length.
fn layout(image: &[u8]) -> (usize, usize, usize, usize) {
    let bpb = &image[PARTITION..PARTITION + 512];
    let u16_at = |at: usize| usize::from(u16::from_le_bytes([bpb[at], bpb[at + 1]]));
    let reserved = u16_at(14);
    let fats = usize::from(bpb[16]);
    let root_entries = u16_at(17);
    let fat_sectors = u16_at(22);
    let fat = PARTITION + reserved * 512;
    let root = fat + fats * fat_sectors * 512;
    (fat, fats * fat_sectors * 512, root, root_entries * 32)
}

/// Every file read whole: an error (`Io` or `NotFound`) or bytes, never a panic.
fn read_everything(image: Vec<u8>) -> Vec<Result<Vec<u8>, StorageError>> {
    let mut files = files(image);
    [
        "/radio/tone.mp3.icy",
        "/radio/split.mp3",
        "/radio/tone.mp3.icy.headers",
        "/README.TXT",
    ]
    .iter()
    .map(|path| read_all(&mut files, path, 1500))
    .collect()
}

#[test]
fn a_damaged_partition_table_or_boot_sector_fails_with_io() {
    let clean = image();
    let mut damaged = Vec::new();
    let mut no_signature = clean.clone();
    no_signature[510] = 0;
    damaged.push(no_signature);
    let mut exfat = clean.clone();
    exfat[446 + 4] = 0x07; // partition type exFAT/NTFS
    damaged.push(exfat);
    let mut past_the_end = clean.clone();
    past_the_end[446 + 8..446 + 12].copy_from_slice(&0x0100_0000u32.to_le_bytes());
    damaged.push(past_the_end);
    let mut no_boot_sector = clean.clone();
    no_boot_sector[PARTITION..PARTITION + 512].fill(0);
    damaged.push(no_boot_sector);
    let mut no_bytes_per_sector = clean.clone();
    no_bytes_per_sector[PARTITION + 11..PARTITION + 13].fill(0);
    damaged.push(no_bytes_per_sector);
    let mut no_sectors_per_cluster = clean.clone();
    no_sectors_per_cluster[PARTITION + 13] = 0;
    damaged.push(no_sectors_per_cluster);
    let mut ones = clean.clone();
    ones[PARTITION..PARTITION + 512].fill(0xFF);
    damaged.push(ones);
    for (i, image) in damaged.into_iter().enumerate() {
        for result in read_everything(image) {
            assert_eq!(result.err(), Some(StorageError::Io), "damage {i}");
        }
    }
}

#[test]
fn a_damaged_fat_or_folder_fails_the_read_and_never_panics() {
    let clean = image();
    let (fat, fat_len, root, root_len) = layout(&clean);
    // The chains all end at once (0xFFFF), or are all free (0): the 32 KiB files
    // cannot be read past their first cluster.
    for fill in [0xFF, 0x00] {
        let mut image = clean.clone();
        image[fat + 4..fat + fat_len].fill(fill);
        let results = read_everything(image);
        assert_eq!(
            results[0].as_ref().err(),
            Some(&StorageError::Io),
            "FAT {fill:#x}"
        );
        assert_eq!(
            results[1].as_ref().err(),
            Some(&StorageError::Io),
            "FAT {fill:#x}"
        );
    }
    // Chains pointing past the volume, into the reserved clusters, or at themselves.
    for entry in [0xFFF0u16, 0x0001, 0x0003, 0x2000] {
        let mut image = clean.clone();
        for at in (fat + 4..fat + fat_len).step_by(2) {
            image[at..at + 2].copy_from_slice(&entry.to_le_bytes());
        }
        for result in read_everything(image) {
            if let Err(e) = result {
                assert!(matches!(e, StorageError::Io | StorageError::NotFound));
            }
        }
    }
    // Folder entries starting nowhere (0 with bytes to read, 1) or past the volume:
    // the root's entries are the label, /radio (at 32) and /README.TXT (at 64),
    // their first cluster at byte 26 (FAT spec §6, DIR_FstClusLO).
    for (entry, cluster) in [
        (64, 0u16),
        (64, 1),
        (64, 0xFFF0),
        (32, 0),
        (32, 1),
        (32, 0x2000),
    ] {
        let mut image = clean.clone();
        let at = root + entry + 26;
        image[at..at + 2].copy_from_slice(&cluster.to_le_bytes());
        for result in read_everything(image) {
            assert_eq!(
                result.err(),
                Some(StorageError::Io),
                "entry {entry}: {cluster}"
            );
        }
    }
    // Bytes of the FAT and of the root folder overwritten by a pseudo-random
    // sequence (xorshift), many times over: whatever is read, nothing panics.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut outcomes = [0usize; 2];
    for round in 0..200 {
        let mut image = clean.clone();
        let (start, len) = if round % 2 == 0 {
            (fat, 1024)
        } else {
            (root, root_len)
        };
        for _ in 0..1 + round % 32 {
            let at = start + (next() as usize) % len;
            image[at] = next() as u8;
        }
        for result in read_everything(image) {
            match result {
                Ok(_) => outcomes[0] += 1,
                Err(StorageError::Io | StorageError::NotFound | StorageError::InvalidPath) => {
                    outcomes[1] += 1
                }
                Err(e) => panic!("round {round}: {e}"),
            }
        }
    }
    // Some damage is harmless, some is not: both happened.
    assert!(outcomes[0] > 0 && outcomes[1] > 0, "{outcomes:?}");
}

#[test]
fn blocks_that_fail_to_read_fail_the_reads_of_their_bytes_with_io() {
    let image = image();
    let (_, _, root, root_len) = layout(&image);
    let card = card(image);
    // Cluster 2 (the first data block) is /radio, 3 the note, 4-19 the pad that
    // make.sh deleted, 20-83 tone.mp3.icy: its blocks past its first eight fail.
    let tone = (root + root_len) / Block::LEN + (20 - 2);
    card.fails_from.set(tone + 8);
    let mut files = SdFiles::<_>::new(card);
    assert_eq!(
        read_all(&mut files, "/radio/tone.mp3.icy", 512).err(),
        Some(StorageError::Io)
    );
    let mut file = files.open("/radio/tone.mp3.icy").unwrap();
    let mut buf = [0u8; 512];
    assert_eq!(files.read_at(&mut file, 0, &mut buf), Ok(512));
    assert_eq!(
        files.read_at(&mut file, 16 * 512, &mut buf),
        Err(StorageError::Io)
    );
    files.close(file);
    assert_eq!(
        read_all(&mut files, "/README.TXT", 512).unwrap(),
        b"wasp test card\n"
    );
}

#[test]
fn the_port_fetches_the_radio_capture_from_the_card_with_its_headers() {
    let tone = std::fs::read(TONE).unwrap();
    for image in both_images() {
        fetch_through_the_port(&tone, image);
    }
}

fn fetch_through_the_port(tone: &[u8], image: Vec<u8>) {
    let mut port = port_with(files(image), erased_flash());
    let id = port
        .fetch_open(&FetchRequest::get(), "file:///radio/tone.mp3.icy", "")
        .unwrap();
    let info = port.fetch_info(id);
    assert_eq!(info.content_length, tone.len() as i64);
    let mut header = [0u8; 64];
    let n = port.fetch_header(id, "icy-metaint", &mut header).unwrap();
    assert_eq!(&header[..n], b"4000");
    let n = port.fetch_header(id, "Content-Type", &mut header).unwrap();
    assert_eq!(&header[..n], b"audio/mpeg");
    let mut body = Vec::new();
    let mut buf = [0u8; 1000];
    loop {
        match port.fetch_read(id, &mut buf) {
            Ok(n) => body.extend_from_slice(&buf[..n]),
            Err(Status::EndOfStream) => break,
            Err(e) => panic!("{e:?} after {} bytes", body.len()),
        }
    }
    assert!(body == tone, "the fetched body differs from the capture");
    assert_eq!(port.fetch_info(id).state, FetchState::Done);
    port.fetch_close(id);
    assert_eq!(
        port.fetch_open(&FetchRequest::get(), "file:///radio/none.mp3", "")
            .err(),
        Some(Status::NotFound)
    );
}

#[test]
fn a_fat32_card_with_a_bad_root_cluster_or_links_fails_with_io() {
    let clean = gunzip(CARD32);
    // FAT32 boot sector (FAT spec §3.1): the root folder's first cluster at 44, the
    // reserved sectors at 14, one FAT's sectors at 36.
    for root_cluster in [0u32, 1, 0x0FFF_FFF0, u32::MAX] {
        let mut image = clean.clone();
        image[PARTITION + 44..PARTITION + 48].copy_from_slice(&root_cluster.to_le_bytes());
        for result in read_everything(image) {
            assert_eq!(
                result.err(),
                Some(StorageError::Io),
                "root {root_cluster:#x}"
            );
        }
    }
    let field = |at: usize, len: usize| {
        let mut bytes = [0u8; 4];
        bytes[..len].copy_from_slice(&clean[PARTITION + at..PARTITION + at + len]);
        u32::from_le_bytes(bytes) as usize
    };
    let fat = PARTITION + field(14, 2) * 512;
    let fat_len = field(36, 4) * 512;
    // Every link past the volume (below the bad mark), to cluster 1, or free: the
    // 32 KiB files cannot be read past their first cluster.
    for link in [0x0FFF_FFF0u32, 0x0100_0000, 1, 0] {
        let mut image = clean.clone();
        for at in (fat + 8..fat + fat_len).step_by(4) {
            image[at..at + 4].copy_from_slice(&link.to_le_bytes());
        }
        let results = read_everything(image);
        assert_eq!(
            results[0].as_ref().err(),
            Some(&StorageError::Io),
            "{link:#x}"
        );
        for result in results {
            if let Err(e) = result {
                assert!(matches!(e, StorageError::Io | StorageError::NotFound));
            }
        }
    }
}
