//! Local files served on the simulated network.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use wasp_testkit::net::BodySource;

/// A file on disk as a body of the simulated network, read as it is delivered.
#[derive(Debug)]
pub struct FileBody {
    file: File,
    len: u64,
}

impl FileBody {
    /// Opens `path`.
    ///
    /// # Errors
    /// It cannot be opened or is not a regular file.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let file = File::open(path)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(std::io::Error::other("not a regular file"));
        }
        Ok(Self {
            file,
            len: meta.len(),
        })
    }
}

impl BodySource for FileBody {
    fn len(&self) -> u64 {
        self.len
    }

    fn fill(&self, offset: u64, out: &mut [u8]) {
        // A read error (the file changed under the emulator) delivers zeros: the
        // simulated network has no way to fail a body mid-way, and the demuxer
        // will report the damage.
        let mut done = 0;
        while done < out.len() {
            let Some(dst) = out.get_mut(done..) else {
                break;
            };
            match self.file.read_at(dst, offset + done as u64) {
                Ok(0) | Err(_) => {
                    dst.fill(0);
                    break;
                }
                Ok(n) => done += n,
            }
        }
    }
}
