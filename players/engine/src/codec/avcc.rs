//! The `avcC` record, AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1):
//! built from parameter sets found in an Annex B stream, and parsed from MP4.

use alloc::vec::Vec;

use super::h264::{nal, nal_type, Sps};
use super::CodecError;

/// Profiles whose record carries the chroma / bit-depth extension (§5.3.3.1.2).
fn has_extension(profile_idc: u8) -> bool {
    matches!(profile_idc, 100 | 110 | 122 | 144)
}

/// Appends `len16 ++ bytes` for a parameter set.
fn push_parameter_set(out: &mut Vec<u8>, set: &[u8]) -> Result<(), CodecError> {
    let len = u16::try_from(set.len()).map_err(|_| CodecError::TooLarge)?;
    out.try_reserve(set.len() + 2)
        .map_err(|_| CodecError::TooLarge)?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(set);
    Ok(())
}

/// Builds an `avcC` record from whole SPS and PPS NAL units (headers included,
/// emulation prevention kept, no start codes). Header fields come from the first SPS;
/// `lengthSizeMinusOne` is 3.
///
/// # Errors
/// [`CodecError`] when there is no SPS or PPS, the first SPS does not parse, or there
/// are more sets than the record can count.
pub fn build_avcc(sps: &[&[u8]], pps: &[&[u8]]) -> Result<Vec<u8>, CodecError> {
    let first = sps.first().ok_or(CodecError::Invalid("no SPS"))?;
    if pps.is_empty() {
        return Err(CodecError::Invalid("no PPS"));
    }
    if sps.len() > 31 || pps.len() > 255 {
        return Err(CodecError::TooLarge);
    }
    let info = Sps::parse(first)?;
    let mut out = Vec::new();
    out.try_reserve(16).map_err(|_| CodecError::TooLarge)?;
    out.extend_from_slice(&[
        1, // configurationVersion
        info.profile_idc,
        info.constraints,
        info.level_idc,
        0xfc | 3,               // reserved '111111', lengthSizeMinusOne = 3
        0xe0 | sps.len() as u8, // reserved '111', numOfSequenceParameterSets
    ]);
    for set in sps {
        push_parameter_set(&mut out, set)?;
    }
    out.push(pps.len() as u8);
    for set in pps {
        push_parameter_set(&mut out, set)?;
    }
    if has_extension(info.profile_idc) {
        out.extend_from_slice(&[
            0xfc | info.chroma_format_idc,
            0xf8 | info.bit_depth_luma_minus8,
            0xf8 | info.bit_depth_chroma_minus8,
            0, // numOfSequenceParameterSetExt
        ]);
    }
    Ok(out)
}

/// A parsed `avcC` record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvcConfig {
    /// `AVCProfileIndication` (the SPS `profile_idc`).
    pub profile: u8,
    /// `profile_compatibility` (the SPS constraint-flag byte).
    pub compatibility: u8,
    /// `AVCLevelIndication` (the SPS `level_idc`).
    pub level: u8,
    /// Bytes of the length prefix before each NAL unit in samples (1, 2 or 4).
    pub nal_length_size: u8,
    /// Sequence parameter sets (whole NAL units).
    pub sps: Vec<Vec<u8>>,
    /// Picture parameter sets (whole NAL units).
    pub pps: Vec<Vec<u8>>,
    /// Displayed width from the first SPS (0 when it does not parse).
    pub width: u32,
    /// Displayed height from the first SPS (0 when it does not parse).
    pub height: u32,
}

/// Reads `count` length-prefixed sets from `data`, returning the rest.
fn read_sets<'a>(
    mut data: &'a [u8],
    count: usize,
    out: &mut Vec<Vec<u8>>,
) -> Result<&'a [u8], CodecError> {
    out.try_reserve(count).map_err(|_| CodecError::TooLarge)?;
    for _ in 0..count {
        let (len, rest) = data.split_at_checked(2).ok_or(CodecError::Truncated)?;
        let len = usize::from(u16::from_be_bytes([
            *len.first().ok_or(CodecError::Truncated)?,
            *len.get(1).ok_or(CodecError::Truncated)?,
        ]));
        let (set, rest) = rest.split_at_checked(len).ok_or(CodecError::Truncated)?;
        let mut copy = Vec::new();
        copy.try_reserve(len).map_err(|_| CodecError::TooLarge)?;
        copy.extend_from_slice(set);
        out.push(copy);
        data = rest;
    }
    Ok(data)
}

/// Parses an `avcC` record (the box payload).
///
/// # Errors
/// [`CodecError`] when the record is cut short, has another version, or a length size
/// of 3.
pub fn parse_avcc(data: &[u8]) -> Result<AvcConfig, CodecError> {
    let (head, rest) = data.split_at_checked(6).ok_or(CodecError::Truncated)?;
    let &[version, profile, compatibility, level, length, sps_count] = head else {
        return Err(CodecError::Truncated);
    };
    if version != 1 {
        return Err(CodecError::Unsupported("avcC configurationVersion"));
    }
    let nal_length_size = (length & 3) + 1;
    if nal_length_size == 3 {
        return Err(CodecError::Invalid("avcC lengthSizeMinusOne = 2"));
    }
    let mut sps = Vec::new();
    let rest = read_sets(rest, usize::from(sps_count & 0x1f), &mut sps)?;
    let (&pps_count, rest) = rest.split_first().ok_or(CodecError::Truncated)?;
    let mut pps = Vec::new();
    read_sets(rest, usize::from(pps_count), &mut pps)?;
    let parsed = sps
        .first()
        .filter(|s| s.first().is_some_and(|&h| nal_type(h) == nal::SPS))
        .and_then(|s| Sps::parse(s).ok());
    Ok(AvcConfig {
        profile,
        compatibility,
        level,
        nal_length_size,
        width: parsed.map_or(0, |s| s.width),
        height: parsed.map_or(0, |s| s.height),
        sps,
        pps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPS: [u8; 24] = [
        0x67, 0x64, 0x00, 0x0d, 0xac, 0xd3, 0x05, 0x06, 0x7e, 0x7c, 0x04, 0x40, 0x00, 0x00, 0x03,
        0x00, 0x40, 0x00, 0x00, 0x0c, 0x83, 0xc5, 0x0a, 0x4e,
    ];
    const PPS: [u8; 4] = [0x68, 0xef, 0xbc, 0xb0];
    /// ffmpeg's `avcC` for the same stream in `progressive/faststart.mp4`.
    const FFMPEG_AVCC: [u8; 43] = [
        0x01, 0x64, 0x00, 0x0d, 0xff, 0xe1, 0x00, 0x18, 0x67, 0x64, 0x00, 0x0d, 0xac, 0xd3, 0x05,
        0x06, 0x7e, 0x7c, 0x04, 0x40, 0x00, 0x00, 0x03, 0x00, 0x40, 0x00, 0x00, 0x0c, 0x83, 0xc5,
        0x0a, 0x4e, 0x01, 0x00, 0x04, 0x68, 0xef, 0xbc, 0xb0, 0xfd, 0xf8, 0xf8, 0x00,
    ];

    #[test]
    fn built_record_equals_ffmpegs_for_a_high_profile_stream() {
        assert_eq!(build_avcc(&[&SPS], &[&PPS]).unwrap(), FFMPEG_AVCC);
    }

    #[test]
    fn parsed_record_gives_profile_size_and_sets() {
        let config = parse_avcc(&FFMPEG_AVCC).unwrap();
        assert_eq!(
            (config.profile, config.compatibility, config.level),
            (100, 0, 13)
        );
        assert_eq!(config.nal_length_size, 4);
        assert_eq!((config.width, config.height), (320, 180));
        assert_eq!(config.sps, [SPS.to_vec()]);
        assert_eq!(config.pps, [PPS.to_vec()]);
    }

    #[test]
    fn every_truncation_of_a_record_is_an_error() {
        // The extension is optional, so cutting it off still parses.
        for len in 0..39 {
            assert!(parse_avcc(&FFMPEG_AVCC[..len]).is_err(), "length {len}");
        }
    }

    #[test]
    fn building_without_parameter_sets_fails() {
        assert!(build_avcc(&[], &[&PPS]).is_err());
        assert!(build_avcc(&[&SPS], &[]).is_err());
    }
}
