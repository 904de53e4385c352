//! The `hvcC` record, HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1):
//! built from parameter sets found in an Annex B stream, and parsed from MP4.

use alloc::vec::Vec;

use super::h265::{nal, nal_type, ProfileTierLevel, Sps};
use super::CodecError;

/// Builds an `hvcC` record from whole VPS, SPS and PPS NAL units (headers included,
/// no start codes). Header fields come from the first SPS; `lengthSizeMinusOne` is 3,
/// every array is marked complete, and the fields only the VUI or the stream's
/// timing could tell (`min_spatial_segmentation_idc`, `parallelismType`,
/// `avgFrameRate`, `constantFrameRate`) are 0 ("unknown").
///
/// # Errors
/// [`CodecError`] when a kind of set is missing, the first SPS does not parse, or a
/// set is longer than 65535 bytes.
pub fn build_hvcc(vps: &[&[u8]], sps: &[&[u8]], pps: &[&[u8]]) -> Result<Vec<u8>, CodecError> {
    let first = sps.first().ok_or(CodecError::Invalid("no SPS"))?;
    if vps.is_empty() || pps.is_empty() {
        return Err(CodecError::Invalid("no VPS or PPS"));
    }
    let info = Sps::parse(first)?;
    let ptl = info.ptl;
    let mut out = Vec::new();
    out.try_reserve(23).map_err(|_| CodecError::TooLarge)?;
    out.push(1); // configurationVersion
    out.push((ptl.profile_space << 6) | (u8::from(ptl.tier) << 5) | (ptl.profile_idc & 0x1f));
    out.extend_from_slice(&ptl.compatibility.to_be_bytes());
    out.extend_from_slice(&ptl.constraints);
    out.push(ptl.level_idc);
    out.extend_from_slice(&[
        0xf0,
        0x00, // reserved '1111', min_spatial_segmentation_idc = 0
        0xfc, // reserved '111111', parallelismType = 0
        0xfc | (info.chroma_format_idc & 3),
        0xf8 | (info.bit_depth_luma_minus8 & 7),
        0xf8 | (info.bit_depth_chroma_minus8 & 7),
        0x00,
        0x00, // avgFrameRate
        // constantFrameRate 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne 3
        ((info.max_sub_layers & 7) << 3) | (u8::from(info.temporal_id_nesting) << 2) | 3,
        3, // numOfArrays
    ]);
    for (kind, sets) in [(nal::VPS, vps), (nal::SPS, sps), (nal::PPS, pps)] {
        let count = u16::try_from(sets.len()).map_err(|_| CodecError::TooLarge)?;
        out.try_reserve(3).map_err(|_| CodecError::TooLarge)?;
        out.push(0x80 | kind); // array_completeness = 1
        out.extend_from_slice(&count.to_be_bytes());
        for set in sets {
            let len = u16::try_from(set.len()).map_err(|_| CodecError::TooLarge)?;
            out.try_reserve(set.len() + 2)
                .map_err(|_| CodecError::TooLarge)?;
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(set);
        }
    }
    Ok(out)
}

/// A parsed `hvcC` record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HevcConfig {
    /// Profile, tier and level from the record header.
    pub ptl: ProfileTierLevel,
    /// `chromaFormat`.
    pub chroma_format_idc: u8,
    /// `bitDepthLumaMinus8`.
    pub bit_depth_luma_minus8: u8,
    /// Bytes of the length prefix before each NAL unit in samples (1, 2 or 4).
    pub nal_length_size: u8,
    /// The parameter sets of every array, as (NAL unit type, whole NAL unit).
    pub sets: Vec<(u8, Vec<u8>)>,
    /// Displayed width from the first SPS (0 when none parses).
    pub width: u32,
    /// Displayed height from the first SPS (0 when none parses).
    pub height: u32,
}

/// Takes `n` bytes from the front of `data`.
fn take<'a>(data: &mut &'a [u8], n: usize) -> Result<&'a [u8], CodecError> {
    let (head, rest) = data.split_at_checked(n).ok_or(CodecError::Truncated)?;
    *data = rest;
    Ok(head)
}

fn be16(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take(2)
        .fold(0, |acc, &b| (acc << 8) | usize::from(b))
}

/// Parses an `hvcC` record (the box payload).
///
/// # Errors
/// [`CodecError`] when the record is cut short, has another version, or a length size
/// of 3.
pub fn parse_hvcc(data: &[u8]) -> Result<HevcConfig, CodecError> {
    let mut rest = data;
    let head = take(&mut rest, 23)?;
    let &[version, ptl_byte, c0, c1, c2, c3, k0, k1, k2, k3, k4, k5, level, _, _, _, chroma, luma, _, _, _, flags, arrays] =
        head
    else {
        return Err(CodecError::Truncated);
    };
    if version != 1 {
        return Err(CodecError::Unsupported("hvcC configurationVersion"));
    }
    let nal_length_size = (flags & 3) + 1;
    if nal_length_size == 3 {
        return Err(CodecError::Invalid("hvcC lengthSizeMinusOne = 2"));
    }
    let mut sets = Vec::new();
    for _ in 0..arrays {
        let array = take(&mut rest, 3)?;
        let kind = array.first().map_or(0, |&b| b & 0x3f);
        let count = be16(array.get(1..).unwrap_or_default());
        for _ in 0..count {
            let len = be16(take(&mut rest, 2)?);
            let set = take(&mut rest, len)?;
            let mut copy = Vec::new();
            copy.try_reserve(len).map_err(|_| CodecError::TooLarge)?;
            copy.extend_from_slice(set);
            sets.try_reserve(1).map_err(|_| CodecError::TooLarge)?;
            sets.push((kind, copy));
        }
    }
    let parsed = sets
        .iter()
        .find(|(kind, set)| {
            *kind == nal::SPS && set.first().map(|&b| nal_type(b)) == Some(nal::SPS)
        })
        .and_then(|(_, set)| Sps::parse(set).ok());
    Ok(HevcConfig {
        ptl: ProfileTierLevel {
            profile_space: ptl_byte >> 6,
            tier: ptl_byte & 0x20 != 0,
            profile_idc: ptl_byte & 0x1f,
            compatibility: u32::from_be_bytes([c0, c1, c2, c3]),
            constraints: [k0, k1, k2, k3, k4, k5],
            level_idc: level,
        },
        chroma_format_idc: chroma & 3,
        bit_depth_luma_minus8: luma & 7,
        nal_length_size,
        sets,
        width: parsed.map_or(0, |s| s.width),
        height: parsed.map_or(0, |s| s.height),
    })
}

#[cfg(test)]
mod tests {
    use super::super::h265::tests::{PPS, SPS, VPS};
    use super::*;

    #[test]
    fn built_record_has_the_sps_header_fields_and_three_arrays() {
        let record = build_hvcc(&[&VPS], &[&SPS], &[&PPS]).unwrap();
        assert_eq!(
            record[..23],
            [
                0x01, 0x01, 0x60, 0x00, 0x00, 0x00, 0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 60, 0xf0,
                0x00, 0xfc, 0xfd, 0xf8, 0xf8, 0x00, 0x00, 0x0f, 0x03
            ]
        );
        assert_eq!(record[23..26], [0xa0, 0x00, 0x01]);
        assert_eq!(record.len(), 23 + 3 * 5 + VPS.len() + SPS.len() + PPS.len());
        let parsed = parse_hvcc(&record).unwrap();
        assert_eq!(parsed.ptl, Sps::parse(&SPS).unwrap().ptl);
        assert_eq!(
            (parsed.width, parsed.height, parsed.nal_length_size),
            (320, 180, 4)
        );
        assert_eq!(
            parsed.sets,
            [(32, VPS.to_vec()), (33, SPS.to_vec()), (34, PPS.to_vec())]
        );
    }

    #[test]
    fn every_truncation_of_a_record_is_an_error() {
        let record = build_hvcc(&[&VPS], &[&SPS], &[&PPS]).unwrap();
        for len in 0..record.len() {
            assert!(parse_hvcc(&record[..len]).is_err(), "length {len}");
        }
    }
}
