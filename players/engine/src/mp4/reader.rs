//! A bounds-checked big-endian cursor over a box payload.
//!
//! Every read checks the remaining length first, so a short or lying box becomes a
//! [`DemuxError`], never a panic. ISO BMFF stores every integer big-endian
//! (ISO/IEC 14496-12 §4.2).

use crate::media::DemuxError;

/// The error for a read past the end of a box.
pub(crate) const SHORT: DemuxError = DemuxError::Malformed("box shorter than its fields");

/// A cursor over a byte slice.
#[derive(Clone, Debug)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A cursor at the start of `data`.
    pub(crate) const fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    /// Bytes not read yet.
    pub(crate) fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    /// The unread bytes (without consuming them).
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or(&[])
    }

    /// The next `n` bytes.
    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8], DemuxError> {
        let end = self.pos.checked_add(n).ok_or(SHORT)?;
        let out = self.data.get(self.pos..end).ok_or(SHORT)?;
        self.pos = end;
        Ok(out)
    }

    /// Skips `n` bytes.
    pub(crate) fn skip(&mut self, n: usize) -> Result<(), DemuxError> {
        self.bytes(n).map(|_| ())
    }

    /// The next `N` bytes as an array.
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], DemuxError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, DemuxError> {
        Ok(u8::from_be_bytes(self.array()?))
    }

    pub(crate) fn u16(&mut self) -> Result<u16, DemuxError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub(crate) fn u24(&mut self) -> Result<u32, DemuxError> {
        let [a, b, c] = self.array()?;
        Ok(u32::from_be_bytes([0, a, b, c]))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, DemuxError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub(crate) fn i32(&mut self) -> Result<i32, DemuxError> {
        Ok(i32::from_be_bytes(self.array()?))
    }

    pub(crate) fn u64(&mut self) -> Result<u64, DemuxError> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    pub(crate) fn i64(&mut self) -> Result<i64, DemuxError> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    /// A 32-bit field when `wide` is false, else a 64-bit one (the version 0/1
    /// pattern of full boxes).
    pub(crate) fn u32_or_u64(&mut self, wide: bool) -> Result<u64, DemuxError> {
        if wide {
            self.u64()
        } else {
            self.u32().map(u64::from)
        }
    }

    /// A full box's version and flags (ISO/IEC 14496-12 §4.2).
    pub(crate) fn version_flags(&mut self) -> Result<(u8, u32), DemuxError> {
        let v = self.u32()?;
        Ok(((v >> 24) as u8, v & 0x00ff_ffff))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_past_the_end_fail_without_moving() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert_eq!(r.u16(), Ok(0x0102));
        assert_eq!(r.u16(), Err(SHORT));
        assert_eq!(r.u8(), Ok(3));
        assert_eq!(r.remaining(), 0);
        assert_eq!(r.bytes(usize::MAX), Err(SHORT));
    }

    #[test]
    fn full_box_header_splits_version_and_flags() {
        let mut r = Reader::new(&[1, 0, 0, 5]);
        assert_eq!(r.version_flags(), Ok((1, 5)));
    }
}
