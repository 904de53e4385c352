//! The same checks on both backends: the host's files directly, and through the
//! semihosting calls answered by a host that follows the specification.

extern crate std;

use super::*;
use std::collections::BTreeMap;
use std::format;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::string::String;
use std::vec;
use std::vec::Vec;

/// A debug host answering semihosting calls from its files, as §6 specifies them:
/// handles from 1, -1 on failure, `SYS_READ` returns the bytes not filled.
#[derive(Default)]
struct Host {
    files: BTreeMap<isize, std::fs::File>,
    next: isize,
    modes: Vec<usize>,
}

impl Semihost for Host {
    fn open(&mut self, path: &[u8], mode: usize) -> isize {
        self.modes.push(mode);
        let Some((&0, name)) = path.split_last() else {
            return -1; // not NUL-terminated
        };
        let Ok(name) = std::str::from_utf8(name) else {
            return -1;
        };
        match std::fs::File::open(name) {
            Ok(file) => {
                self.next += 1;
                self.files.insert(self.next, file);
                self.next
            }
            Err(_) => -1,
        }
    }

    fn flen(&mut self, handle: isize) -> isize {
        self.files
            .get(&handle)
            .and_then(|f| f.metadata().ok())
            .map_or(-1, |m| m.len() as isize)
    }

    fn seek(&mut self, handle: isize, position: usize) -> isize {
        let moved = self
            .files
            .get_mut(&handle)
            .map(|f| f.seek(SeekFrom::Start(position as u64)).is_ok());
        if moved == Some(true) {
            0
        } else {
            -1
        }
    }

    fn read(&mut self, handle: isize, buf: &mut [u8]) -> isize {
        let Some(file) = self.files.get_mut(&handle) else {
            return -1;
        };
        // Reads in pieces of at most 5 bytes, as a host may, until full or the end.
        let mut filled = 0;
        while filled < buf.len() {
            let end = (filled + 5).min(buf.len());
            match file.read(&mut buf[filled..end]) {
                Ok(0) | Err(_) => break,
                Ok(n) => filled += n,
            }
        }
        (buf.len() - filled) as isize
    }

    fn close(&mut self, handle: isize) -> isize {
        if self.files.remove(&handle).is_some() {
            0
        } else {
            -1
        }
    }
}

/// A file of `len` bytes (`i * 7 mod 256`) in the temporary folder.
fn sample(name: &str, len: usize) -> (PathBuf, Vec<u8>) {
    let bytes: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
    let path = std::env::temp_dir().join(format!("wasp-mcu-storage-{}-{name}", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

/// What every [`Storage`] does.
fn behaves_as_storage<S: Storage>(storage: &mut S, name: &str) {
    let (path, bytes) = sample(name, 1000);
    let path: String = path.to_str().unwrap().into();
    let mut file = storage.open(&path).unwrap();
    assert_eq!(storage.size(&mut file), Ok(1000));
    let mut buf = vec![0u8; 64];
    assert_eq!(storage.read_at(&mut file, 0, &mut buf), Ok(64));
    assert_eq!(buf, bytes[..64]);
    assert_eq!(storage.read_at(&mut file, 990, &mut buf), Ok(10));
    assert_eq!(buf[..10], bytes[990..]);
    // Reads out of order: offsets, not a cursor.
    assert_eq!(storage.read_at(&mut file, 500, &mut buf[..3]), Ok(3));
    assert_eq!(buf[..3], bytes[500..503]);
    assert_eq!(storage.read_at(&mut file, 1000, &mut buf), Ok(0));
    assert_eq!(storage.read_at(&mut file, u64::MAX, &mut buf), Ok(0));
    assert_eq!(storage.read_at(&mut file, 0, &mut []), Ok(0));
    // The whole file in chunks.
    let mut all = Vec::new();
    let mut chunk = [0u8; 333];
    loop {
        let n = storage
            .read_at(&mut file, all.len() as u64, &mut chunk)
            .unwrap();
        if n == 0 {
            break;
        }
        all.extend_from_slice(&chunk[..n]);
    }
    assert_eq!(all, bytes);
    storage.close(file);

    let missing = format!("{path}.missing");
    assert_eq!(storage.open(&missing).err(), Some(StorageError::NotFound));
    assert_eq!(storage.open("a\0b").err(), Some(StorageError::InvalidPath));
    let long = "x".repeat(MAX_PATH + 1);
    assert_eq!(storage.open(&long).err(), Some(StorageError::InvalidPath));
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn host_files_behave_as_storage() {
    behaves_as_storage(&mut StdFiles, "std");
}

#[test]
fn semihosted_files_behave_as_storage() {
    let mut storage = Semihosting(Host::default());
    behaves_as_storage(&mut storage, "semihosting");
    // Every open asked for "rb", and every file was closed.
    assert!(storage.0.modes.iter().all(|&m| m == MODE_READ_BINARY));
    assert!(storage.0.files.is_empty());
}

#[test]
fn a_host_that_reports_more_unread_than_asked_is_an_io_error() {
    struct Liar;
    impl Semihost for Liar {
        fn open(&mut self, _: &[u8], _: usize) -> isize {
            3
        }
        fn flen(&mut self, _: isize) -> isize {
            100
        }
        fn seek(&mut self, _: isize, _: usize) -> isize {
            0
        }
        fn read(&mut self, _: isize, buf: &mut [u8]) -> isize {
            buf.len() as isize + 1
        }
        fn close(&mut self, _: isize) -> isize {
            0
        }
    }
    let mut storage = Semihosting(Liar);
    let mut file = storage.open("f").unwrap();
    assert_eq!(
        storage.read_at(&mut file, 0, &mut [0; 4]),
        Err(StorageError::Io)
    );
}
