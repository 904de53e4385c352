//! Host files through semihosting (ARM "Semihosting for AArch32 and AArch64":
//! `SYS_OPEN` 0x01, `SYS_FLEN` 0x0C, `SYS_READ` 0x06, `SYS_CLOSE` 0x02). Under QEMU
//! (`-semihosting-config enable=on,target=native`) paths are relative to the folder
//! QEMU runs in.

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;

use cortex_m_semihosting::{nr, syscall};

/// An open host file, read from its start to its end; closed when dropped.
#[derive(Debug)]
pub struct HostFile {
    handle: usize,
    len: u64,
    pos: u64,
}

impl HostFile {
    /// Opens `path` for reading (binary); `None` when the host cannot.
    pub fn open(path: &str) -> Option<Self> {
        // SYS_OPEN takes a NUL-terminated name and its length without the NUL.
        let mut name = Vec::with_capacity(path.len() + 1);
        name.extend_from_slice(path.as_bytes());
        name.push(0);
        #[allow(unsafe_code)]
        // SAFETY: the three words are what SYS_OPEN reads: a pointer to a
        // NUL-terminated name that lives across the call, a mode, the name's length.
        let handle = unsafe { syscall!(OPEN, name.as_ptr(), nr::open::R_BINARY, path.len()) };
        if handle as isize == -1 {
            return None;
        }
        // Owned from here: dropping it closes the handle.
        let mut file = Self {
            handle,
            len: 0,
            pos: 0,
        };
        #[allow(unsafe_code)]
        // SAFETY: SYS_FLEN reads one word, the handle SYS_OPEN returned.
        let len = unsafe { syscall!(FLEN, handle) };
        if len as isize == -1 {
            return None;
        }
        file.len = len as u64;
        Some(file)
    }

    /// The file's length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Bytes read so far.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// Reads into `buf` from where the last read stopped; 0 at the end.
    pub fn read(&mut self, buf: &mut [u8]) -> usize {
        if buf.is_empty() || self.pos >= self.len {
            return 0;
        }
        #[allow(unsafe_code)]
        // SAFETY: SYS_READ writes at most `buf.len()` bytes into `buf`, which is
        // borrowed mutably across the call; it returns the count NOT read.
        let left = unsafe { syscall!(READ, self.handle, buf.as_mut_ptr(), buf.len()) };
        let n = buf.len().saturating_sub(left);
        self.pos += n as u64;
        n
    }

    /// The whole of a small text file (at most `max` bytes; longer files and
    /// invalid UTF-8 give `None`).
    pub fn read_text(path: &str, max: usize) -> Option<String> {
        let mut file = Self::open(path)?;
        let len = usize::try_from(file.len()).ok().filter(|&l| l <= max)?;
        let mut bytes = alloc::vec![0; len];
        let mut at = 0;
        while at < len {
            let n = file.read(bytes.get_mut(at..)?);
            if n == 0 {
                return None;
            }
            at += n;
        }
        String::from_utf8(bytes).ok()
    }
}

impl Drop for HostFile {
    fn drop(&mut self) {
        #[allow(unsafe_code)]
        // SAFETY: SYS_CLOSE reads one word, the handle SYS_OPEN returned; it is
        // closed once, here.
        unsafe {
            syscall!(CLOSE, self.handle);
        }
    }
}
