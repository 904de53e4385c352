//! Codec configuration for libavcodec.
//!
//! libavcodec reads an `avcC`/`hvcC` extradata record as "length-prefixed NAL
//! units follow" (ISO/IEC 14496-15 §5.3.3, §8.3.3). Units framed with start codes
//! (`Bitstream::AnnexB`, as MPEG-TS carries them) must therefore not come with the
//! record: its parameter sets are handed over as Annex B start-code NAL units instead.

use wasp_core::abi::media::{Bitstream, Codec};

const START_CODE: [u8; 4] = [0, 0, 0, 1];

/// The extradata to give libavcodec for a decoder opened with `config_bytes`.
/// `None` when an Annex B stream's configuration record is malformed.
pub(crate) fn extradata(
    codec: Codec,
    bitstream: Bitstream,
    config_bytes: &[u8],
) -> Option<Vec<u8>> {
    let record = config_bytes.first() == Some(&1);
    if bitstream != Bitstream::AnnexB || !record {
        return Some(config_bytes.to_vec());
    }
    match codec {
        Codec::H264 => avcc_to_annex_b(config_bytes),
        Codec::H265 => hvcc_to_annex_b(config_bytes),
        _ => Some(config_bytes.to_vec()),
    }
}

/// A cursor that never reads past the end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn u8(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from(self.u8()?) << 8 | u16::from(self.u8()?))
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    fn nal(&mut self, out: &mut Vec<u8>) -> Option<()> {
        let len = usize::from(self.u16()?);
        out.extend_from_slice(&START_CODE);
        out.extend_from_slice(self.take(len)?);
        Some(())
    }
}

/// ISO/IEC 14496-15 §5.3.3.1: 5 bytes, then SPS count (low 5 bits) and SPSs,
/// PPS count and PPSs, each NAL unit with a 16-bit length.
fn avcc_to_annex_b(record: &[u8]) -> Option<Vec<u8>> {
    let mut r = Reader {
        bytes: record,
        at: 5,
    };
    let mut out = Vec::new();
    let sps = r.u8()? & 0x1f;
    for _ in 0..sps {
        r.nal(&mut out)?;
    }
    let pps = r.u8().unwrap_or(0);
    for _ in 0..pps {
        r.nal(&mut out)?;
    }
    Some(out)
}

/// ISO/IEC 14496-15 §8.3.3.1: 22 bytes, then arrays of NAL units (type byte, 16-bit
/// count, each with a 16-bit length).
fn hvcc_to_annex_b(record: &[u8]) -> Option<Vec<u8>> {
    let mut r = Reader {
        bytes: record,
        at: 22,
    };
    let mut out = Vec::new();
    let arrays = r.u8()?;
    for _ in 0..arrays {
        r.u8()?;
        let count = r.u16()?;
        for _ in 0..count {
            r.nal(&mut out)?;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avcc_becomes_start_code_units() {
        let avcc = [
            1, 0x64, 0, 0x1e, 0xff, 0xe1, 0, 2, 0x67, 0xaa, 1, 0, 1, 0x68,
        ];
        let out = extradata(Codec::H264, Bitstream::AnnexB, &avcc).unwrap();
        assert_eq!(out, [0, 0, 0, 1, 0x67, 0xaa, 0, 0, 0, 1, 0x68]);
        // Framed units keep the record as it is.
        let same = extradata(Codec::H264, Bitstream::Framed, &avcc).unwrap();
        assert_eq!(same, avcc);
    }

    #[test]
    fn truncated_records_are_refused_not_read_past() {
        let avcc = [1, 0x64, 0, 0x1e, 0xff, 0xe1, 0, 9, 0x67];
        assert_eq!(extradata(Codec::H264, Bitstream::AnnexB, &avcc), None);
        assert_eq!(extradata(Codec::H265, Bitstream::AnnexB, &[1; 5]), None);
    }
}
