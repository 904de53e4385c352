//! Files in the firmware image: the port fetches `file:///path` URLs from a table of
//! paths and byte slices the build embeds in flash, read in place (no copy).

use wasp_shim_mcu::storage::{Storage, StorageError};

/// Read-only files in flash: `(path, bytes)`, looked up by exact path.
pub struct FlashFiles(pub &'static [(&'static str, &'static [u8])]);

/// An open file: its bytes.
pub struct FlashFile(&'static [u8]);

impl Storage for FlashFiles {
    type File = FlashFile;

    fn open(&mut self, path: &str) -> Result<FlashFile, StorageError> {
        self.0
            .iter()
            .find(|(name, _)| *name == path)
            .map(|&(_, bytes)| FlashFile(bytes))
            .ok_or(StorageError::NotFound)
    }

    fn size(&mut self, file: &mut FlashFile) -> Result<u64, StorageError> {
        Ok(file.0.len() as u64)
    }

    fn read_at(
        &mut self,
        file: &mut FlashFile,
        offset: u64,
        buf: &mut [u8],
    ) -> Result<usize, StorageError> {
        let rest = usize::try_from(offset)
            .ok()
            .and_then(|start| file.0.get(start..))
            .unwrap_or_default();
        let n = rest.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), rest.get(..n)) {
            to.copy_from_slice(from);
        }
        Ok(n)
    }

    fn close(&mut self, _: FlashFile) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILES: &[(&str, &[u8])] = &[("radio/a.mp3", b"0123456789"), ("b", b"")];

    #[test]
    fn opens_a_file_by_its_exact_path_only() {
        let mut files = FlashFiles(FILES);
        assert!(files.open("radio/a.mp3").is_ok());
        assert_eq!(
            files.open("/radio/a.mp3").err(),
            Some(StorageError::NotFound)
        );
        assert_eq!(files.open("radio").err(), Some(StorageError::NotFound));
    }

    #[test]
    fn reads_at_offsets_and_short_at_the_end() {
        let mut files = FlashFiles(FILES);
        let mut file = files.open("radio/a.mp3").unwrap();
        assert_eq!(files.size(&mut file), Ok(10));
        let mut buf = [0u8; 4];
        assert_eq!(files.read_at(&mut file, 2, &mut buf), Ok(4));
        assert_eq!(&buf, b"2345");
        assert_eq!(files.read_at(&mut file, 8, &mut buf), Ok(2));
        assert_eq!(&buf[..2], b"89");
    }

    #[test]
    fn reads_nothing_at_or_past_the_end() {
        let mut files = FlashFiles(FILES);
        let mut file = files.open("radio/a.mp3").unwrap();
        let mut buf = [7u8; 4];
        assert_eq!(files.read_at(&mut file, 10, &mut buf), Ok(0));
        assert_eq!(files.read_at(&mut file, u64::MAX, &mut buf), Ok(0));
        assert_eq!(buf, [7; 4]);
        let mut empty = files.open("b").unwrap();
        assert_eq!(files.size(&mut empty), Ok(0));
    }
}
