//! Files the port fetches from — flash, an SD card, or the host's files through
//! semihosting under QEMU or a debugger — behind one small read-only trait.
//!
//! [`Storage`] opens a file by path and reads it at offsets, without allocating. Two
//! backends are here: [`Semihosting`], which speaks the Arm semihosting calls
//! (`SYS_OPEN`, `SYS_FLEN`, `SYS_SEEK`, `SYS_READ`, `SYS_CLOSE`; "Semihosting for
//! AArch32 and AArch64", §6) through a [`Semihost`] (on the target, `ArmSemihost`
//! with the `semihosting` feature), and `StdFiles` (feature `std`, and in tests),
//! which host builds and tests use. [`SdFiles`](crate::sdcard::SdFiles) reads a FAT
//! volume on an SD card; a board with a flash file system implements [`Storage`] over
//! its own driver.

/// Longest path, in bytes, without the NUL that semihosting adds.
pub const MAX_PATH: usize = 255;

/// Why a file cannot be opened or read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// No such file (or the host refused to open it).
    NotFound,
    /// A path longer than [`MAX_PATH`] or holding a NUL byte.
    InvalidPath,
    /// The medium failed, or an offset beyond what it can address.
    Io,
    /// The backend cannot open another file now: all of its fixed number of handles
    /// are in use, or (a backend that opens each file once, such as
    /// [`SdFiles`](crate::sdcard::SdFiles)) this file is open already. Close one first.
    InUse,
}

impl core::fmt::Display for StorageError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            StorageError::NotFound => "no such file",
            StorageError::InvalidPath => "path too long or holding a NUL byte",
            StorageError::Io => "storage read failed",
            StorageError::InUse => "too many open files, or the file is open already",
        })
    }
}

/// Read-only files.
pub trait Storage {
    /// An open file.
    type File;

    /// Opens the file at `path` for reading.
    ///
    /// # Errors
    /// [`StorageError::NotFound`], [`StorageError::InvalidPath`], [`StorageError::Io`],
    /// [`StorageError::InUse`].
    fn open(&mut self, path: &str) -> Result<Self::File, StorageError>;

    /// The file's length in bytes.
    ///
    /// # Errors
    /// [`StorageError::Io`].
    fn size(&mut self, file: &mut Self::File) -> Result<u64, StorageError>;

    /// Reads bytes from `offset` into `buf`; returns how many (0 at or past the end;
    /// fewer than `buf.len()` only at the end).
    ///
    /// # Errors
    /// [`StorageError::Io`].
    fn read_at(
        &mut self,
        file: &mut Self::File,
        offset: u64,
        buf: &mut [u8],
    ) -> Result<usize, StorageError>;

    /// Closes the file.
    fn close(&mut self, file: Self::File);
}

/// The host side of the semihosting calls the [`Semihosting`] backend makes, each
/// returning the call's raw result as the specification defines it.
pub trait Semihost {
    /// `SYS_OPEN` (0x01): `path` NUL-terminated, `mode` 1 = "rb"; a handle, or -1.
    fn open(&mut self, path: &[u8], mode: usize) -> isize;
    /// `SYS_FLEN` (0x0C): the file's length, or -1.
    fn flen(&mut self, handle: isize) -> isize;
    /// `SYS_SEEK` (0x0A) to an absolute position: 0, or negative.
    fn seek(&mut self, handle: isize, position: usize) -> isize;
    /// `SYS_READ` (0x06): the number of bytes of `buf` **not** filled (0 = all read;
    /// `buf.len()` at the end of the file).
    fn read(&mut self, handle: isize, buf: &mut [u8]) -> isize;
    /// `SYS_CLOSE` (0x02): 0, or -1.
    fn close(&mut self, handle: isize) -> isize;
}

/// `SYS_OPEN` mode "rb" (§6.1).
pub const MODE_READ_BINARY: usize = 1;

/// Files of the debug host through semihosting.
#[derive(Debug)]
pub struct Semihosting<H>(pub H);

/// A file open through semihosting: its handle.
#[derive(Debug)]
pub struct HostFile(isize);

impl<H: Semihost> Storage for Semihosting<H> {
    type File = HostFile;

    fn open(&mut self, path: &str) -> Result<HostFile, StorageError> {
        let bytes = path.as_bytes();
        if bytes.len() > MAX_PATH || bytes.contains(&0) {
            return Err(StorageError::InvalidPath);
        }
        let mut nul = [0u8; MAX_PATH + 1];
        let with_nul = nul
            .get_mut(..bytes.len() + 1)
            .ok_or(StorageError::InvalidPath)?;
        if let Some(to) = with_nul.get_mut(..bytes.len()) {
            to.copy_from_slice(bytes);
        }
        match self.0.open(with_nul, MODE_READ_BINARY) {
            handle if handle < 0 => Err(StorageError::NotFound),
            handle => Ok(HostFile(handle)),
        }
    }

    fn size(&mut self, file: &mut HostFile) -> Result<u64, StorageError> {
        u64::try_from(self.0.flen(file.0)).map_err(|_| StorageError::Io)
    }

    fn read_at(
        &mut self,
        file: &mut HostFile,
        offset: u64,
        buf: &mut [u8],
    ) -> Result<usize, StorageError> {
        if buf.is_empty() || offset >= self.size(file)? {
            return Ok(0);
        }
        let position = usize::try_from(offset).map_err(|_| StorageError::Io)?;
        if self.0.seek(file.0, position) != 0 {
            return Err(StorageError::Io);
        }
        let not_read = usize::try_from(self.0.read(file.0, buf)).map_err(|_| StorageError::Io)?;
        buf.len().checked_sub(not_read).ok_or(StorageError::Io)
    }

    fn close(&mut self, file: HostFile) {
        // Nothing to do if the host fails to close a read-only file.
        let _ = self.0.close(file.0);
    }
}

/// The semihosting calls on an Arm target (`BKPT 0xAB`), through
/// `cortex-m-semihosting`. Only on a target under a debugger or QEMU with
/// `-semihosting-config enable=on`: elsewhere the call traps.
#[cfg(feature = "semihosting")]
#[derive(Debug, Default)]
pub struct ArmSemihost;

#[cfg(feature = "semihosting")]
#[allow(unsafe_code)]
impl Semihost for ArmSemihost {
    fn open(&mut self, path: &[u8], mode: usize) -> isize {
        // The length excludes the NUL (§6.1 SYS_OPEN: "length of the string").
        let len = path.len().saturating_sub(1);
        // SAFETY: `path` is NUL-terminated (Semihosting::open) and outlives the call,
        // which only reads it.
        unsafe { cortex_m_semihosting::syscall!(OPEN, path.as_ptr(), mode, len) as isize }
    }

    fn flen(&mut self, handle: isize) -> isize {
        // SAFETY: passes a handle only; the host touches no target memory.
        unsafe { cortex_m_semihosting::syscall!(FLEN, handle) as isize }
    }

    fn seek(&mut self, handle: isize, position: usize) -> isize {
        // SAFETY: passes a handle and a number only.
        unsafe { cortex_m_semihosting::syscall!(SEEK, handle, position) as isize }
    }

    fn read(&mut self, handle: isize, buf: &mut [u8]) -> isize {
        // SAFETY: the host writes at most `buf.len()` bytes into `buf`, which is
        // exclusively borrowed for the call.
        unsafe {
            cortex_m_semihosting::syscall!(READ, handle, buf.as_mut_ptr(), buf.len()) as isize
        }
    }

    fn close(&mut self, handle: isize) -> isize {
        // SAFETY: passes a handle only.
        unsafe { cortex_m_semihosting::syscall!(CLOSE, handle) as isize }
    }
}

#[cfg(any(test, feature = "std"))]
pub use std_files::StdFiles;

#[cfg(any(test, feature = "std"))]
mod std_files {
    extern crate std;

    use super::{Storage, StorageError};
    use std::io::{ErrorKind, Read, Seek, SeekFrom};

    /// The host's files (paths as `std::fs` takes them): host builds and tests.
    #[derive(Debug, Default)]
    pub struct StdFiles;

    impl Storage for StdFiles {
        type File = std::fs::File;

        fn open(&mut self, path: &str) -> Result<std::fs::File, StorageError> {
            if path.len() > super::MAX_PATH || path.contains('\0') {
                return Err(StorageError::InvalidPath);
            }
            std::fs::File::open(path).map_err(|e| match e.kind() {
                ErrorKind::NotFound | ErrorKind::PermissionDenied => StorageError::NotFound,
                _ => StorageError::Io,
            })
        }

        fn size(&mut self, file: &mut std::fs::File) -> Result<u64, StorageError> {
            Ok(file.metadata().map_err(|_| StorageError::Io)?.len())
        }

        fn read_at(
            &mut self,
            file: &mut std::fs::File,
            offset: u64,
            buf: &mut [u8],
        ) -> Result<usize, StorageError> {
            if buf.is_empty() || offset >= self.size(file)? {
                return Ok(0);
            }
            file.seek(SeekFrom::Start(offset))
                .map_err(|_| StorageError::Io)?;
            let mut filled = 0;
            while let Some(rest) = buf.get_mut(filled..).filter(|r| !r.is_empty()) {
                match file.read(rest) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(_) => return Err(StorageError::Io),
                }
            }
            Ok(filled)
        }

        fn close(&mut self, file: std::fs::File) {
            drop(file);
        }
    }
}

#[cfg(test)]
#[path = "storage_tests.rs"]
mod tests;
