//! Protected sample entries (`encv`/`enca`): the protection scheme information box
//! `sinf` (ISO/IEC 14496-12 §8.12) with its original format `frma`, scheme `schm`
//! and, for Common Encryption, the track encryption box `tenc`
//! (ISO/IEC 23001-7 §8.2).

use crate::media::DemuxError;

use super::header::{Boxes, FourCc};
use super::reader::Reader;

/// Track-level encryption defaults (`tenc`, ISO/IEC 23001-7 §8.2.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrackEncryption {
    /// `default_isProtected`: samples are encrypted unless a sample group says not.
    pub is_protected: bool,
    /// `default_Per_Sample_IV_Size`: 0 (constant IV), 8 or 16.
    pub per_sample_iv_size: u8,
    /// `default_KID`.
    pub kid: [u8; 16],
    /// `default_crypt_byte_block` (pattern encryption, `cens`/`cbcs`; version 1).
    pub crypt_byte_block: u8,
    /// `default_skip_byte_block`.
    pub skip_byte_block: u8,
    /// `default_constant_IV` (its first `constant_iv_size` bytes), when the
    /// per-sample IV size is 0.
    pub constant_iv: [u8; 16],
    /// Bytes of `constant_iv` in use (0, 8 or 16).
    pub constant_iv_size: u8,
}

/// How a track's samples are protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Protection {
    /// The sample entry type before protection (`frma`): `avc1`, `mp4a`, ...
    pub original_format: FourCc,
    /// The scheme (`schm`): `cenc`, `cbcs`, `cens`, `cbc1`.
    pub scheme: FourCc,
    /// The `tenc` defaults, when the scheme carries them.
    pub encryption: Option<TrackEncryption>,
}

/// Parses a `tenc` payload.
pub(crate) fn parse_tenc(payload: &[u8]) -> Result<TrackEncryption, DemuxError> {
    let mut r = Reader::new(payload);
    let (version, _) = r.version_flags()?;
    let _reserved = r.u8()?;
    let pattern = r.u8()?;
    let (crypt_byte_block, skip_byte_block) = if version >= 1 {
        (pattern >> 4, pattern & 0x0f)
    } else {
        (0, 0)
    };
    let is_protected = r.u8()? == 1;
    let per_sample_iv_size = r.u8()?;
    if !matches!(per_sample_iv_size, 0 | 8 | 16) {
        return Err(DemuxError::Malformed("tenc IV size is not 0, 8 or 16"));
    }
    let kid = r.array::<16>()?;
    let mut constant_iv = [0u8; 16];
    let mut constant_iv_size = 0;
    if is_protected && per_sample_iv_size == 0 {
        constant_iv_size = r.u8()?;
        let iv = r.bytes(usize::from(constant_iv_size))?;
        constant_iv
            .get_mut(..iv.len())
            .ok_or(DemuxError::Malformed(
                "tenc constant IV longer than 16 bytes",
            ))?
            .copy_from_slice(iv);
    }
    Ok(TrackEncryption {
        is_protected,
        per_sample_iv_size,
        kid,
        crypt_byte_block,
        skip_byte_block,
        constant_iv,
        constant_iv_size,
    })
}

/// Parses a `sinf` payload.
pub(crate) fn parse_sinf(payload: &[u8]) -> Result<Protection, DemuxError> {
    let mut original_format = None;
    let mut scheme = FourCc::new(b"    ");
    let mut encryption = None;
    for child in Boxes::new(payload) {
        let child = child?;
        match &child.header.kind.0 {
            b"frma" => original_format = Some(FourCc(Reader::new(child.payload).array()?)),
            b"schm" => {
                let mut r = Reader::new(child.payload);
                let _ = r.version_flags()?;
                scheme = FourCc(r.array()?);
            }
            b"schi" => {
                for grandchild in Boxes::new(child.payload) {
                    let grandchild = grandchild?;
                    if grandchild.header.kind.0 == *b"tenc" {
                        encryption = Some(parse_tenc(grandchild.payload)?);
                    }
                }
            }
            _ => {}
        }
    }
    let original_format =
        original_format.ok_or(DemuxError::Malformed("sinf without an original format"))?;
    Ok(Protection {
        original_format,
        scheme,
        encryption,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenc_version_1_with_a_constant_iv() {
        let mut p = alloc::vec![1, 0, 0, 0, 0, 0x19, 1, 0];
        p.extend_from_slice(&[0xab; 16]);
        p.push(16);
        p.extend_from_slice(&[0xcd; 16]);
        let t = parse_tenc(&p).unwrap();
        assert!(t.is_protected);
        assert_eq!((t.crypt_byte_block, t.skip_byte_block), (1, 9));
        assert_eq!(t.kid, [0xab; 16]);
        assert_eq!((t.constant_iv_size, t.constant_iv), (16, [0xcd; 16]));
    }

    #[test]
    fn tenc_with_a_bad_iv_size_is_rejected() {
        let mut p = alloc::vec![0, 0, 0, 0, 0, 0, 1, 7];
        p.extend_from_slice(&[0; 16]);
        assert!(parse_tenc(&p).is_err());
    }
}
