//! A bit reader over an RBSP: the payload of a NAL unit with its emulation-prevention
//! bytes removed on the fly (ITU-T H.264 §7.4.1, H.265 §7.4.2: a `0x03` after two
//! zero bytes is not part of the payload), with the Exp-Golomb codes of §9.1.

use super::CodecError;

/// Reads bits, most significant first, from a NAL unit payload (without its header).
#[derive(Clone, Debug)]
pub struct RbspReader<'a> {
    data: &'a [u8],
    /// Index of the next byte of `data` to load.
    next: usize,
    /// Zero bytes just loaded (emulation prevention follows two of them).
    zeros: u8,
    /// The current byte and how many of its bits are still unread.
    current: u8,
    left: u8,
}

impl<'a> RbspReader<'a> {
    /// A reader at the first bit of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            next: 0,
            zeros: 0,
            current: 0,
            left: 0,
        }
    }

    fn load(&mut self) -> Result<(), CodecError> {
        let mut byte = *self.data.get(self.next).ok_or(CodecError::Truncated)?;
        self.next += 1;
        if self.zeros >= 2 && byte == 3 {
            // emulation_prevention_three_byte: skip it.
            self.zeros = 0;
            byte = *self.data.get(self.next).ok_or(CodecError::Truncated)?;
            self.next += 1;
        }
        self.zeros = if byte == 0 {
            self.zeros.saturating_add(1)
        } else {
            0
        };
        self.current = byte;
        self.left = 8;
        Ok(())
    }

    /// One bit.
    ///
    /// # Errors
    /// [`CodecError::Truncated`] at the end of the data.
    pub fn bit(&mut self) -> Result<bool, CodecError> {
        if self.left == 0 {
            self.load()?;
        }
        self.left -= 1;
        Ok((self.current >> self.left) & 1 == 1)
    }

    /// `n` bits (0..=32) as an unsigned number, `u(n)`.
    ///
    /// # Errors
    /// [`CodecError::Truncated`] at the end of the data.
    pub fn bits(&mut self, n: u32) -> Result<u32, CodecError> {
        let mut value: u64 = 0;
        for _ in 0..n.min(32) {
            value = (value << 1) | u64::from(self.bit()?);
        }
        Ok(value as u32)
    }

    /// A flag, `u(1)`.
    ///
    /// # Errors
    /// [`CodecError::Truncated`] at the end of the data.
    pub fn flag(&mut self) -> Result<bool, CodecError> {
        self.bit()
    }

    /// Skips `n` bits.
    ///
    /// # Errors
    /// [`CodecError::Truncated`] at the end of the data.
    pub fn skip(&mut self, n: u32) -> Result<(), CodecError> {
        for _ in 0..n {
            self.bit()?;
        }
        Ok(())
    }

    /// An unsigned Exp-Golomb code, `ue(v)` (§9.1); values need at most 32 bits.
    ///
    /// # Errors
    /// [`CodecError::Truncated`], or [`CodecError::Invalid`] for a code longer than
    /// 32 leading zeros.
    pub fn ue(&mut self) -> Result<u32, CodecError> {
        let mut zeros = 0u32;
        while !self.bit()? {
            zeros += 1;
            if zeros > 31 {
                return Err(CodecError::Invalid("Exp-Golomb code too long"));
            }
        }
        let suffix = self.bits(zeros)?;
        Ok(((1u64 << zeros) - 1 + u64::from(suffix)) as u32)
    }

    /// A signed Exp-Golomb code, `se(v)` (§9.1.1).
    ///
    /// # Errors
    /// As [`ue`](Self::ue).
    pub fn se(&mut self) -> Result<i32, CodecError> {
        let k = i64::from(self.ue()?);
        let value = if k % 2 == 1 { (k + 1) / 2 } else { -(k / 2) };
        Ok(value as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_golomb_codes_decode_per_table_9_2() {
        // 1 | 010 | 011 | 00100 | 00101 -> ue 0, 1, 2, 3, 4
        let mut r = RbspReader::new(&[0b1010_0110, 0b0100_0010, 0b1000_0000]);
        assert_eq!(r.ue(), Ok(0));
        assert_eq!(r.ue(), Ok(1));
        assert_eq!(r.ue(), Ok(2));
        assert_eq!(r.ue(), Ok(3));
        assert_eq!(r.ue(), Ok(4));
        // se: 1 -> 0, 010 -> 1, 011 -> -1
        let mut r = RbspReader::new(&[0b1010_0110]);
        assert_eq!(r.se(), Ok(0));
        assert_eq!(r.se(), Ok(1));
        assert_eq!(r.se(), Ok(-1));
    }

    #[test]
    fn emulation_prevention_bytes_are_skipped() {
        let mut r = RbspReader::new(&[0x00, 0x00, 0x03, 0x01, 0xff]);
        assert_eq!(r.bits(24), Ok(1));
        assert_eq!(r.bits(8), Ok(0xff));
        assert_eq!(r.bit(), Err(CodecError::Truncated));
    }

    #[test]
    fn a_code_of_only_zeros_fails_instead_of_looping() {
        let mut r = RbspReader::new(&[0u8; 8]);
        assert!(r.ue().is_err());
        let mut r = RbspReader::new(&[]);
        assert_eq!(r.ue(), Err(CodecError::Truncated));
    }
}
