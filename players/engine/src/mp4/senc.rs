//! Per-sample encryption information of a track fragment (ISO/IEC 23001-7 §7): the
//! sample encryption box `senc` (or PIFF's `uuid` equivalent), and the auxiliary
//! information boxes `saiz`/`saio` (ISO/IEC 14496-12 §8.7.8, §8.7.9) that locate the
//! same data when `senc` is absent.
//!
//! Entries are validated once when the `moof` is parsed ([`EncryptionEntries::check`]),
//! then walked infallibly next to the samples.

use core::ops::Range;

use crate::media::DemuxError;

use super::header::FourCc;
use super::reader::Reader;

/// PIFF 1.1's `senc` as a `uuid` box.
pub(crate) const PIFF_SENC: [u8; 16] = [
    0xa2, 0x39, 0x4f, 0x52, 0x5a, 0x9b, 0x4f, 0x14, 0xa2, 0x44, 0x6c, 0x42, 0x7c, 0x64, 0x8d, 0xf4,
];

/// One subsample: clear bytes then protected bytes (ISO/IEC 23001-7 §7.2.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Subsample {
    /// `BytesOfClearData`.
    pub clear: u16,
    /// `BytesOfProtectedData`.
    pub protected: u32,
}

/// A sample's subsample map, read lazily from the fragment.
#[derive(Clone, Debug)]
pub struct Subsamples<'a> {
    raw: &'a [u8],
}

impl<'a> Subsamples<'a> {
    pub(crate) const fn new(raw: &'a [u8]) -> Self {
        Self { raw }
    }

    /// Number of subsamples.
    pub fn len(&self) -> usize {
        self.raw.len() / 6
    }

    /// No subsamples: the whole sample is protected.
    pub fn is_empty(&self) -> bool {
        self.raw.len() < 6
    }
}

impl Iterator for Subsamples<'_> {
    type Item = Subsample;

    fn next(&mut self) -> Option<Subsample> {
        let (entry, rest) = self.raw.split_first_chunk::<6>()?;
        self.raw = rest;
        let [a, b, c, d, e, f] = *entry;
        Some(Subsample {
            clear: u16::from_be_bytes([a, b]),
            protected: u32::from_be_bytes([c, d, e, f]),
        })
    }
}

/// How to decrypt one access unit: what a decoder's secure path or the module's
/// software decryptor needs.
#[derive(Clone, Debug)]
pub struct SampleEncryption<'a> {
    /// The scheme (`cenc`, `cbcs`, ...).
    pub scheme: FourCc,
    /// The key id.
    pub kid: [u8; 16],
    /// The initialisation vector (8 or 16 bytes; the constant IV for `cbcs`).
    pub iv: &'a [u8],
    /// The subsample map (empty: the whole sample is protected).
    pub subsamples: Subsamples<'a>,
    /// Pattern encryption: encrypted 16-byte blocks per pattern (0: no pattern).
    pub crypt_byte_block: u8,
    /// Pattern encryption: clear blocks per pattern.
    pub skip_byte_block: u8,
}

/// Where a traf's per-sample entries (IV + subsamples) lie in the `moof` buffer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct EncryptionEntries {
    /// The entries' bytes, as a range of the moof payload.
    pub range: Range<usize>,
    /// Entries present.
    pub count: u32,
    /// Each entry has a subsample map.
    pub subsamples: bool,
    /// Bytes of each entry's IV.
    pub iv_size: u8,
}

impl EncryptionEntries {
    /// Walks every entry once, so later walks cannot fail.
    pub(crate) fn check(&self, moof: &[u8]) -> Result<(), DemuxError> {
        let mut r = Reader::new(moof.get(self.range.clone()).ok_or(SHORT)?);
        for _ in 0..self.count {
            entry(&mut r, self.iv_size, self.subsamples).map_err(|_| SHORT)?;
        }
        Ok(())
    }
}

const SHORT: DemuxError = DemuxError::Malformed("senc shorter than its sample count");

/// Reads one entry: its IV and its raw subsample map.
pub(crate) fn entry<'a>(
    r: &mut Reader<'a>,
    iv_size: u8,
    subsamples: bool,
) -> Result<(&'a [u8], &'a [u8]), DemuxError> {
    let iv = r.bytes(usize::from(iv_size))?;
    let map = if subsamples {
        let n = r.u16()?;
        r.bytes(usize::from(n) * 6)?
    } else {
        r.bytes(0)? // empty, but inside the buffer so its position is meaningful
    };
    Ok((iv, map))
}

/// Parses a `senc` (or PIFF `uuid`) payload at `offset` in the moof payload, given
/// the track's per-sample IV size (PIFF may override it).
pub(crate) fn parse_senc(
    payload: &[u8],
    offset: usize,
    iv_size: u8,
) -> Result<EncryptionEntries, DemuxError> {
    let mut r = Reader::new(payload);
    let (_, flags) = r.version_flags()?;
    let mut iv_size = iv_size;
    if flags & 0x1 != 0 {
        // PIFF: AlgorithmID (24 bits), IV_size (8), KID (16 bytes).
        let v = r.u32()?;
        iv_size = (v & 0xff) as u8;
        r.skip(16)?;
    }
    let count = r.u32()?;
    let start = offset + (payload.len() - r.remaining());
    Ok(EncryptionEntries {
        range: start..offset + payload.len(),
        count,
        subsamples: flags & 0x2 != 0,
        iv_size,
    })
}

/// `saiz` (§8.7.8): the sizes of a traf's auxiliary information entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuxInfoSizes {
    /// `aux_info_type` (`cenc`, ...), when given.
    pub aux_info_type: Option<FourCc>,
    /// `default_sample_info_size` (0: sizes are per sample).
    pub default_size: u8,
    /// `sample_count`.
    pub sample_count: u32,
}

/// `saio` (§8.7.9): where the first auxiliary information entry starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuxInfoOffset {
    /// `aux_info_type`, when given.
    pub aux_info_type: Option<FourCc>,
    /// The first offset, relative to the traf's base data offset (entries are
    /// contiguous after it in a CMAF fragment).
    pub offset: u64,
}

/// Parses a `saiz` payload.
pub(crate) fn parse_saiz(payload: &[u8]) -> Result<AuxInfoSizes, DemuxError> {
    let mut r = Reader::new(payload);
    let (_, flags) = r.version_flags()?;
    let aux_info_type = if flags & 1 != 0 {
        let t = FourCc(r.array()?);
        r.skip(4)?;
        Some(t)
    } else {
        None
    };
    let default_size = r.u8()?;
    let sample_count = r.u32()?;
    if default_size == 0 && r.remaining() < sample_count as usize {
        return Err(DemuxError::Malformed("saiz shorter than its sample count"));
    }
    Ok(AuxInfoSizes {
        aux_info_type,
        default_size,
        sample_count,
    })
}

/// Parses a `saio` payload.
pub(crate) fn parse_saio(payload: &[u8]) -> Result<AuxInfoOffset, DemuxError> {
    let mut r = Reader::new(payload);
    let (version, flags) = r.version_flags()?;
    let aux_info_type = if flags & 1 != 0 {
        let t = FourCc(r.array()?);
        r.skip(4)?;
        Some(t)
    } else {
        None
    };
    let count = r.u32()?;
    if count == 0 {
        return Err(DemuxError::Malformed("saio without offsets"));
    }
    let offset = r.u32_or_u64(version == 1)?;
    Ok(AuxInfoOffset {
        aux_info_type,
        offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn senc_entries_with_subsamples_are_walked() {
        // flags 2 (subsamples), 2 samples, 8-byte IVs.
        let mut p = alloc::vec![0, 0, 0, 2, 0, 0, 0, 2];
        p.extend_from_slice(&[1; 8]);
        p.extend_from_slice(&[0, 1, 0, 5, 0, 0, 0, 100]);
        p.extend_from_slice(&[2; 8]);
        p.extend_from_slice(&[0, 2, 0, 1, 0, 0, 0, 2, 0, 3, 0, 0, 0, 4]);
        let e = parse_senc(&p, 10, 8).unwrap();
        assert_eq!((e.count, e.range.start, e.subsamples), (2, 18, true));
        let mut moof = alloc::vec![0u8; 10];
        moof.extend_from_slice(&p);
        e.check(&moof).unwrap();
        let mut r = Reader::new(&moof[e.range.clone()]);
        let (iv, map) = entry(&mut r, 8, true).unwrap();
        assert_eq!(iv, &[1; 8]);
        let subs: alloc::vec::Vec<_> = Subsamples::new(map).collect();
        assert_eq!(
            subs,
            [Subsample {
                clear: 5,
                protected: 100
            }]
        );
        let (_, map) = entry(&mut r, 8, true).unwrap();
        assert_eq!(Subsamples::new(map).len(), 2);
        let short = EncryptionEntries { count: 3, ..e };
        assert!(short.check(&moof).is_err());
    }
}
