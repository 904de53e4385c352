//! ICY (SHOUTcast/Icecast) in-band metadata: the stripper that takes the metadata
//! blocks out of the audio, and the `StreamTitle` parser.
//!
//! A client that sends `Icy-MetaData: 1` gets, when the server answers with
//! `icy-metaint: N`, a body of `N` audio bytes, then one length byte `L`, then `16 * L`
//! bytes of metadata (`StreamTitle='Artist - Title';StreamUrl='...';`, NUL padded),
//! then `N` audio bytes again, and so on. `L = 0` is an empty block (the usual case:
//! servers repeat the title only when it changes). The body arrives in reads of any
//! size, so the stripper is a state machine over single bytes' positions, never
//! assuming a block or its length byte lies within one read.

use alloc::string::String;
use alloc::vec::Vec;

/// Largest metadata block: the length byte counts 16-byte units (255 * 16).
pub const MAX_BLOCK: usize = 255 * 16;

/// Where the stripper is in the `audio, length, block` cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Audio bytes still to come before the next length byte.
    Audio(u32),
    /// The next byte is a block's length.
    Length,
    /// Block bytes still to come.
    Block(u32),
}

/// What one piece of the body is.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Audio bytes, in stream order.
    Audio(&'a [u8]),
    /// A whole non-empty metadata block (NUL padding included).
    Metadata(&'a [u8]),
}

/// Splits an ICY body into audio and metadata blocks (module docs).
#[derive(Debug)]
pub struct IcyStripper {
    /// `icy-metaint`; 0: the body is all audio.
    metaint: u32,
    phase: Phase,
    /// The block being gathered (at most [`MAX_BLOCK`] bytes, reserved once).
    block: Vec<u8>,
    /// Metadata bytes taken out so far, length bytes included.
    stripped: u64,
}

impl IcyStripper {
    /// A stripper for a body with `icy-metaint` = `metaint` (0: no metadata).
    pub fn new(metaint: u32) -> Self {
        Self {
            metaint,
            phase: if metaint == 0 {
                Phase::Audio(u32::MAX)
            } else {
                Phase::Audio(metaint)
            },
            block: Vec::new(),
            stripped: 0,
        }
    }

    /// Metadata bytes (length bytes and blocks) removed so far.
    pub fn stripped(&self) -> u64 {
        self.stripped
    }

    /// Feeds the next bytes of the body; `sink` gets the audio and every completed
    /// non-empty metadata block, in order. A block that cannot be held (memory) is
    /// skipped, not given out; the audio is never affected.
    pub fn push(&mut self, mut data: &[u8], sink: &mut dyn FnMut(Piece<'_>)) {
        while !data.is_empty() {
            match self.phase {
                Phase::Audio(left) => {
                    let n = data.len().min(left as usize);
                    let (audio, rest) = data.split_at(n);
                    sink(Piece::Audio(audio));
                    data = rest;
                    if self.metaint == 0 {
                        continue;
                    }
                    let left = left - n as u32;
                    self.phase = if left == 0 {
                        Phase::Length
                    } else {
                        Phase::Audio(left)
                    };
                }
                Phase::Length => {
                    let (&length, rest) = match data.split_first() {
                        Some(split) => split,
                        None => return,
                    };
                    data = rest;
                    self.stripped += 1;
                    let size = u32::from(length) * 16;
                    self.block.clear();
                    self.phase = if size == 0 {
                        Phase::Audio(self.metaint)
                    } else {
                        if self.block.capacity() < MAX_BLOCK {
                            let _ = self.block.try_reserve_exact(MAX_BLOCK);
                        }
                        Phase::Block(size)
                    };
                }
                Phase::Block(left) => {
                    let n = data.len().min(left as usize);
                    let (bytes, rest) = data.split_at(n);
                    if self.block.capacity() >= MAX_BLOCK {
                        self.block.extend_from_slice(bytes);
                    }
                    data = rest;
                    self.stripped += n as u64;
                    let left = left - n as u32;
                    if left == 0 {
                        if !self.block.is_empty() {
                            sink(Piece::Metadata(&self.block));
                        }
                        self.phase = Phase::Audio(self.metaint);
                    } else {
                        self.phase = Phase::Block(left);
                    }
                }
            }
        }
    }
}

/// The value of `StreamTitle` in a metadata block: the text between `StreamTitle='`
/// and the `';` that ends it (titles may contain quotes, e.g. `Guns N' Roses`, so the
/// field ends at a quote followed by `;`, or at the end of the block without its NUL
/// padding). `None` when the block has no `StreamTitle`; `Some("")` when it is empty.
/// Bytes are returned as they are (servers send UTF-8 or Latin-1; the font decodes
/// them lossily).
pub fn stream_title(block: &[u8]) -> Option<&[u8]> {
    const KEY: &[u8] = b"StreamTitle='";
    let end = block
        .iter()
        .rposition(|&b| b != 0)
        .map_or(0, |last| last + 1);
    let block = block.get(..end)?;
    let start = block.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let value = block.get(start..)?;
    let len = value
        .windows(2)
        .position(|w| w == b"';")
        .unwrap_or_else(|| value.strip_suffix(b"'").map_or(value.len(), <[u8]>::len));
    value.get(..len)
}

/// The now-playing text of a block, lossily decoded: UTF-8 when it is valid, else
/// Latin-1 (what most SHOUTcast servers send).
pub fn title_text(raw: &[u8]) -> String {
    match core::str::from_utf8(raw) {
        Ok(text) => String::from(text),
        Err(_) => raw.iter().map(|&b| char::from(b)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// An ICY body: `audio` with `blocks` inserted every `metaint` bytes (the i-th
    /// block after the i-th interval; missing ones are empty).
    fn body(audio: &[u8], metaint: usize, blocks: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, chunk) in audio.chunks(metaint).enumerate() {
            out.extend_from_slice(chunk);
            if chunk.len() == metaint {
                let block = blocks.get(i).copied().unwrap_or(b"");
                let units = block.len().div_ceil(16);
                out.push(units as u8);
                out.extend_from_slice(block);
                out.resize(out.len() + units * 16 - block.len(), 0);
            }
        }
        out
    }

    fn strip(stripper: &mut IcyStripper, reads: &[&[u8]]) -> (Vec<u8>, Vec<Vec<u8>>) {
        let (mut audio, mut meta) = (Vec::new(), Vec::new());
        for read in reads {
            stripper.push(read, &mut |piece| match piece {
                Piece::Audio(a) => audio.extend_from_slice(a),
                Piece::Metadata(m) => meta.push(m.to_vec()),
            });
        }
        (audio, meta)
    }

    #[test]
    fn stripping_is_the_same_at_every_split_point_of_a_read() {
        let audio: Vec<u8> = (0..200u32).map(|i| (i * 7 + 3) as u8).collect();
        let blocks: [&[u8]; 3] = [b"StreamTitle='One';", b"", b"StreamTitle='Two - 2';"];
        let stream = body(&audio, 64, &blocks);
        for a in 0..=stream.len() {
            for b in a..=stream.len() {
                let mut s = IcyStripper::new(64);
                let (clean, meta) = strip(&mut s, &[&stream[..a], &stream[a..b], &stream[b..]]);
                assert_eq!(clean, audio, "split at {a}, {b}");
                assert_eq!(meta.len(), 2, "split at {a}, {b}");
                assert_eq!(stream_title(&meta[0]), Some(&b"One"[..]));
                assert_eq!(stream_title(&meta[1]), Some(&b"Two - 2"[..]));
                assert_eq!(s.stripped(), (stream.len() - audio.len()) as u64);
            }
        }
    }

    #[test]
    fn byte_by_byte_reads_strip_the_same() {
        let audio = vec![0x55u8; 1000];
        let title: &[u8] = b"StreamTitle='x';";
        let stream = body(&audio, 100, &[title; 10]);
        let reads: Vec<&[u8]> = stream.chunks(1).collect();
        let (clean, meta) = strip(&mut IcyStripper::new(100), &reads);
        assert_eq!(clean, audio);
        assert_eq!(meta.len(), 10);
    }

    #[test]
    fn without_metaint_everything_is_audio() {
        let data = [0u8, 1, 2, 255, 3];
        let (clean, meta) = strip(&mut IcyStripper::new(0), &[&data, &data]);
        assert_eq!(clean.len(), 10);
        assert!(meta.is_empty());
    }

    #[test]
    fn the_largest_block_is_given_out_whole() {
        let block = vec![b'a'; MAX_BLOCK];
        let stream = body(&[1u8; 8], 8, &[&block]);
        let (clean, meta) = strip(&mut IcyStripper::new(8), &[&stream]);
        assert_eq!(clean, [1u8; 8]);
        assert_eq!(meta, [block]);
    }

    #[test]
    fn stream_title_takes_quotes_inside_the_title() {
        assert_eq!(
            stream_title(b"StreamTitle='Guns N' Roses - Patience';StreamUrl='';\0\0"),
            Some(&b"Guns N' Roses - Patience"[..])
        );
    }

    #[test]
    fn stream_title_of_an_empty_title_is_empty() {
        assert_eq!(stream_title(b"StreamTitle='';\0\0\0"), Some(&b""[..]));
    }

    #[test]
    fn stream_title_truncated_keeps_what_is_there() {
        assert_eq!(
            stream_title(b"StreamTitle='Half a ti"),
            Some(&b"Half a ti"[..])
        );
        assert_eq!(
            stream_title(b"StreamTitle='Ends with quote'\0"),
            Some(&b"Ends with quote"[..])
        );
        assert_eq!(stream_title(b"StreamTitle='"), Some(&b""[..]));
        assert_eq!(stream_title(b"StreamTitle="), None);
    }

    #[test]
    fn a_block_without_stream_title_has_none() {
        assert_eq!(stream_title(b"StreamUrl='http://x';\0"), None);
        assert_eq!(stream_title(b""), None);
        assert_eq!(stream_title(&[0u8; 32]), None);
    }

    #[test]
    fn title_text_reads_utf8_or_latin1() {
        assert_eq!(title_text("Café".as_bytes()), "Café");
        assert_eq!(title_text(b"Caf\xe9"), "Café");
    }

    #[test]
    fn hostile_bodies_never_panic() {
        let mut seed = 0x1234_5678u32;
        for round in 0..200 {
            let mut data = Vec::new();
            for _ in 0..(round * 13 % 3000) {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                data.push(seed as u8);
            }
            let mut s = IcyStripper::new(1 + round % 40);
            let mut total = 0usize;
            for read in data.chunks(1 + round as usize % 97) {
                s.push(read, &mut |piece| {
                    if let Piece::Metadata(m) = piece {
                        let _ = stream_title(m);
                    }
                    total += 1;
                });
            }
            let _ = stream_title(&data);
        }
    }
}
