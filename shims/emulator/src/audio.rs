//! The audio output: what the device *plays*, captured headlessly.
//!
//! Every sample the media clock passes goes here (interleaved s16 at the profile's
//! channel count). The capture keeps a running md5 and count of the played PCM and,
//! when a path was given, writes a WAV file (RIFF, PCM format 1, 16-bit) whose sizes
//! are patched in on [`AudioCapture::finish`] (and on drop).
//!
//! There is no resampler: the file is written at the rate of the first audio it
//! receives (48 kHz stereo for the fixtures, which is also the profile's output). A
//! stream at another rate still plays in real time on the clock; only the file's
//! rate is that of the first stream.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use md5::{Digest, Md5};

use crate::decoder::hex;

/// The played PCM: its hash, its length, and optionally a WAV file.
#[derive(Debug)]
pub struct AudioCapture {
    channels: u16,
    sample_rate: Option<u32>,
    md5: Md5,
    samples: u64,
    file: Option<BufWriter<File>>,
}

impl AudioCapture {
    /// A capture of `channels` interleaved channels that only hashes.
    pub fn new(channels: u16) -> Self {
        Self {
            channels: channels.max(1),
            sample_rate: None,
            md5: Md5::new(),
            samples: 0,
            file: None,
        }
    }

    /// Also writes a WAV file at `path` from now on (its header is written now and
    /// completed by [`AudioCapture::finish`]).
    ///
    /// # Errors
    /// The file cannot be created or written.
    pub fn write_wav(&mut self, path: &Path) -> io::Result<()> {
        let mut file = BufWriter::new(File::create(path)?);
        file.write_all(&header(
            self.channels,
            self.sample_rate.unwrap_or(48_000),
            0,
        ))?;
        self.file = Some(file);
        Ok(())
    }

    pub(crate) fn play(&mut self, sample_rate: u32, samples: &[i16]) {
        self.sample_rate.get_or_insert(sample_rate);
        let mut bytes = Vec::with_capacity(samples.len() * 2);
        for s in samples {
            bytes.extend_from_slice(&s.to_le_bytes());
        }
        self.md5.update(&bytes);
        self.samples = self.samples.saturating_add(samples.len() as u64);
        if let Some(file) = &mut self.file {
            if file.write_all(&bytes).is_err() {
                self.file = None; // a full disk ends the capture, not the device
            }
        }
    }

    /// md5 (hex) of the played PCM as s16le.
    pub fn md5(&self) -> String {
        hex(&self.md5.clone().finalize())
    }

    /// Samples played (all channels counted).
    pub fn samples(&self) -> u64 {
        self.samples
    }

    /// Sample frames played (per channel).
    pub fn frames(&self) -> u64 {
        self.samples / u64::from(self.channels)
    }

    /// Completes the WAV file's header with the sizes written so far.
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn finish(&mut self) -> io::Result<()> {
        let Some(file) = &mut self.file else {
            return Ok(());
        };
        let data = u32::try_from(self.samples.saturating_mul(2)).unwrap_or(u32::MAX - 36);
        file.flush()?;
        let inner = file.get_mut();
        inner.seek(SeekFrom::Start(0))?;
        inner.write_all(&header(
            self.channels,
            self.sample_rate.unwrap_or(48_000),
            data,
        ))?;
        inner.seek(SeekFrom::End(0))?;
        inner.flush()
    }
}

impl Drop for AudioCapture {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

/// A 44-byte canonical WAV header for 16-bit PCM with `data` bytes of samples.
pub(crate) fn header(channels: u16, rate: u32, data: u32) -> [u8; 44] {
    let mut h = [0u8; 44];
    let block = channels.saturating_mul(2);
    let fields: [(usize, &[u8]); 13] = [
        (0, b"RIFF"),
        (4, &data.saturating_add(36).to_le_bytes()),
        (8, b"WAVE"),
        (12, b"fmt "),
        (16, &16u32.to_le_bytes()),
        (20, &1u16.to_le_bytes()),
        (22, &channels.to_le_bytes()),
        (24, &rate.to_le_bytes()),
        (28, &rate.saturating_mul(u32::from(block)).to_le_bytes()),
        (32, &block.to_le_bytes()),
        (34, &16u16.to_le_bytes()),
        (36, b"data"),
        (40, &data.to_le_bytes()),
    ];
    for (at, bytes) in fields {
        if let Some(dst) = h.get_mut(at..at + bytes.len()) {
            dst.copy_from_slice(bytes);
        }
    }
    h
}
