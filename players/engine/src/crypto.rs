//! HLS segment decryption: AES-128-CBC with PKCS#7 padding (RFC 8216 §5.2).
//!
//! A segment under `#EXT-X-KEY:METHOD=AES-128` is the whole file encrypted with
//! AES-128 in CBC mode and padded with PKCS#7 (RFC 5652 §6.3); its IV is the key tag's
//! `IV` attribute or, when absent, the media sequence number ([`iv_from_sequence`]).
//!
//! [`Decryptor`] streams: ciphertext goes in in chunks of any size, plaintext comes out
//! as it goes, in bounded memory (no allocation). Two ways to use it, not mixed on one
//! segment:
//!
//! * [`Decryptor::update`] / [`Decryptor::finish`]: any chunking; the last ciphertext
//!   block is held back until `finish`, which removes the padding.
//! * [`Decryptor::update_in_place`] / [`Decryptor::finish_in_place`]: chunks of whole
//!   blocks, decrypted where they lie (no copy); `finish_in_place` validates the padding
//!   and says how many bytes to cut from the end of the last chunk.

use aes::Aes128;
use cbc::cipher::consts::U16;
use cbc::cipher::inout::InOutBuf;
use cbc::cipher::{BlockDecryptMut, KeyIvInit};

/// AES block size in bytes.
pub const BLOCK: usize = 16;

/// Why decryption failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CryptoError {
    /// The ciphertext is empty or not a whole number of blocks (a truncated segment).
    Truncated,
    /// The last block's PKCS#7 padding is wrong: usually a wrong key or IV.
    BadPadding,
    /// An in-place chunk is not a whole number of blocks, or the two ways of feeding
    /// (`update` and `update_in_place`) were mixed on one segment.
    Unaligned,
}

impl core::fmt::Display for CryptoError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            CryptoError::Truncated => "ciphertext is not a whole number of AES blocks",
            CryptoError::BadPadding => "bad PKCS#7 padding (wrong key or IV?)",
            CryptoError::Unaligned => "in-place chunk is not a whole number of AES blocks",
        })
    }
}

/// The IV of a segment whose key tag has no `IV` attribute: its media sequence number
/// as a 128-bit big-endian integer (RFC 8216 §5.2).
pub fn iv_from_sequence(sequence: u64) -> [u8; 16] {
    let mut iv = [0u8; 16];
    let (_, low) = iv.split_at_mut(8);
    low.copy_from_slice(&sequence.to_be_bytes());
    iv
}

/// Streaming AES-128-CBC decryption of one segment, with PKCS#7 padding removal.
pub struct Decryptor {
    cipher: cbc::Decryptor<Aes128>,
    /// Ciphertext not yet decrypted (`update` mode): at most one block.
    held: [u8; BLOCK],
    held_len: usize,
    /// The last plaintext block (`update_in_place` mode), for the padding check.
    last_plain: [u8; BLOCK],
    in_place: bool,
    fed: bool,
}

/// Most bytes decrypted per call of the output closure (a stack buffer).
const SCRATCH: usize = 16 * BLOCK;

impl Decryptor {
    /// A decryptor for one segment.
    pub fn new(key: &[u8; 16], iv: &[u8; 16]) -> Self {
        Self {
            cipher: cbc::Decryptor::<Aes128>::new(key.into(), iv.into()),
            held: [0; BLOCK],
            held_len: 0,
            last_plain: [0; BLOCK],
            in_place: false,
            fed: false,
        }
    }

    /// Feeds ciphertext (any length) and passes the plaintext it completes to `out`,
    /// in pieces of at most 256 bytes. The last block is held back until
    /// [`finish`](Self::finish).
    ///
    /// # Errors
    /// [`CryptoError::Unaligned`] after [`update_in_place`](Self::update_in_place).
    pub fn update(
        &mut self,
        mut ciphertext: &[u8],
        out: &mut dyn FnMut(&[u8]),
    ) -> Result<(), CryptoError> {
        if self.in_place {
            return Err(CryptoError::Unaligned);
        }
        self.fed = true;
        let mut scratch = [0u8; SCRATCH];
        while !ciphertext.is_empty() {
            // Complete the held block first; it is decrypted only once more bytes follow.
            if self.held_len < BLOCK {
                let take = (BLOCK - self.held_len).min(ciphertext.len());
                let (head, rest) = ciphertext.split_at(take);
                if let Some(dst) = self.held.get_mut(self.held_len..self.held_len + take) {
                    dst.copy_from_slice(head);
                }
                self.held_len += take;
                ciphertext = rest;
                continue;
            }
            // A full block is held and more follows: decrypt it, with as many whole
            // blocks of the input as fit while leaving at least one byte behind.
            let n = ((ciphertext.len() - 1) / BLOCK).min(SCRATCH / BLOCK - 1) * BLOCK;
            let (body, rest) = ciphertext.split_at(n);
            let (first, tail) = scratch.split_at_mut(BLOCK);
            first.copy_from_slice(&self.held);
            let Some(dst) = tail.get_mut(..n) else {
                break; // unreachable: n <= SCRATCH - BLOCK
            };
            dst.copy_from_slice(body);
            let Some(chunk) = scratch.get_mut(..BLOCK + n) else {
                break;
            };
            decrypt_blocks(&mut self.cipher, chunk);
            out(chunk);
            self.held_len = 0;
            ciphertext = rest;
        }
        Ok(())
    }

    /// The input ended: decrypts the held block, checks and removes its padding, and
    /// passes what remains (0 to 15 bytes) to `out`.
    ///
    /// # Errors
    /// [`CryptoError::Truncated`] when the ciphertext was empty or not whole blocks,
    /// [`CryptoError::BadPadding`] when the padding is wrong (nothing is output),
    /// [`CryptoError::Unaligned`] after [`update_in_place`](Self::update_in_place).
    pub fn finish(mut self, out: &mut dyn FnMut(&[u8])) -> Result<(), CryptoError> {
        if self.in_place {
            return Err(CryptoError::Unaligned);
        }
        if self.held_len != BLOCK {
            return Err(CryptoError::Truncated);
        }
        let mut block = self.held;
        decrypt_blocks(&mut self.cipher, &mut block);
        let keep = BLOCK - padding_len(&block)?;
        out(block.get(..keep).unwrap_or_default());
        Ok(())
    }

    /// Decrypts a chunk of whole blocks where it lies. The plaintext includes the
    /// padding at the end of the last chunk; [`finish_in_place`](Self::finish_in_place)
    /// says how long it is.
    ///
    /// # Errors
    /// [`CryptoError::Unaligned`] when `buffer` is not whole blocks (nothing is
    /// decrypted) or after [`update`](Self::update).
    pub fn update_in_place(&mut self, buffer: &mut [u8]) -> Result<(), CryptoError> {
        if !buffer.len().is_multiple_of(BLOCK) || (self.fed && !self.in_place) {
            return Err(CryptoError::Unaligned);
        }
        self.fed = true;
        self.in_place = true;
        decrypt_blocks(&mut self.cipher, buffer);
        if let Some(last) = buffer.rchunks_exact(BLOCK).next() {
            self.last_plain.copy_from_slice(last);
            self.held_len = BLOCK;
        }
        Ok(())
    }

    /// The input ended: validates the padding of the last block decrypted in place and
    /// returns its length (1 to 16), the bytes to cut from the end of the last chunk.
    ///
    /// # Errors
    /// [`CryptoError::Truncated`] when no block was decrypted,
    /// [`CryptoError::BadPadding`] when the padding is wrong,
    /// [`CryptoError::Unaligned`] after [`update`](Self::update).
    pub fn finish_in_place(self) -> Result<usize, CryptoError> {
        if self.fed && !self.in_place {
            return Err(CryptoError::Unaligned);
        }
        if self.held_len != BLOCK {
            return Err(CryptoError::Truncated);
        }
        padding_len(&self.last_plain)
    }
}

/// Decrypts a whole segment in place and returns its plaintext (a prefix of `buffer`).
///
/// # Errors
/// As [`Decryptor::update_in_place`] (as `Truncated`) and
/// [`Decryptor::finish_in_place`].
pub fn decrypt_in_place<'a>(
    key: &[u8; 16],
    iv: &[u8; 16],
    buffer: &'a mut [u8],
) -> Result<&'a mut [u8], CryptoError> {
    if buffer.is_empty() || !buffer.len().is_multiple_of(BLOCK) {
        return Err(CryptoError::Truncated);
    }
    let mut decryptor = Decryptor::new(key, iv);
    decryptor.update_in_place(buffer)?;
    let len = buffer.len() - decryptor.finish_in_place()?;
    Ok(buffer.get_mut(..len).unwrap_or_default())
}

/// Decrypts the whole blocks of `buffer` in place (CBC state carried in `cipher`).
fn decrypt_blocks(cipher: &mut cbc::Decryptor<Aes128>, buffer: &mut [u8]) {
    let (blocks, _tail) = InOutBuf::from(buffer).into_chunks::<U16>();
    cipher.decrypt_blocks_inout_mut(blocks);
}

/// The PKCS#7 padding length of a last plaintext block (RFC 5652 §6.3): its last
/// byte `n` in 1..=16, and the last `n` bytes all equal to `n`.
fn padding_len(block: &[u8; BLOCK]) -> Result<usize, CryptoError> {
    let n = block[BLOCK - 1];
    // Examine every byte whatever `n` is, so the time taken does not depend on it.
    let mut bad = u8::from(n == 0 || usize::from(n) > BLOCK);
    for (i, &b) in block.iter().rev().enumerate() {
        let inside = u8::from(i < usize::from(n));
        bad |= inside & u8::from(b != n);
    }
    if bad != 0 {
        return Err(CryptoError::BadPadding);
    }
    Ok(usize::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iv_from_sequence_is_big_endian_in_the_last_eight_bytes() {
        let iv = iv_from_sequence(0x0102_0304_0506_0708);
        assert_eq!(iv, [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(iv_from_sequence(0), [0; 16]);
    }

    #[test]
    fn padding_must_repeat_its_length() {
        let mut block = [7u8; 16];
        block[15] = 1;
        assert_eq!(padding_len(&block), Ok(1));
        assert_eq!(padding_len(&[16; 16]), Ok(16));
        assert_eq!(padding_len(&[0; 16]), Err(CryptoError::BadPadding));
        assert_eq!(padding_len(&[17; 16]), Err(CryptoError::BadPadding));
        let mut block = [3u8; 16];
        block[13] = 2;
        assert_eq!(padding_len(&block), Err(CryptoError::BadPadding));
    }
}
