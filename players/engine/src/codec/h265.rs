//! H.265 parameter sets (ITU-T H.265 §7.3.2.2, §7.3.3): the fields an `hvcC` record,
//! a codec string and a player need.

use super::bits::RbspReader;
use super::CodecError;

/// NAL unit types (ITU-T H.265 Table 7-1) the demuxers look for.
pub mod nal {
    /// First IRAP type (BLA_W_LP).
    pub const IRAP_FIRST: u8 = 16;
    /// Last IRAP type (CRA_NUT; 22 and 23 are reserved IRAP types).
    pub const IRAP_LAST: u8 = 21;
    /// Video parameter set.
    pub const VPS: u8 = 32;
    /// Sequence parameter set.
    pub const SPS: u8 = 33;
    /// Picture parameter set.
    pub const PPS: u8 = 34;
    /// Access unit delimiter.
    pub const AUD: u8 = 35;
}

/// The NAL unit type of the first byte of an H.265 NAL header.
pub const fn nal_type(first_header_byte: u8) -> u8 {
    (first_header_byte >> 1) & 0x3f
}

/// Whether a NAL unit type is a coded slice (VCL, types 0 to 31).
pub const fn is_vcl(nal_type: u8) -> bool {
    nal_type < 32
}

/// Whether a NAL unit type is an intra random-access point (§3.73).
pub const fn is_irap(nal_type: u8) -> bool {
    nal_type >= nal::IRAP_FIRST && nal_type <= nal::IRAP_LAST
}

/// The general part of `profile_tier_level` (§7.3.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProfileTierLevel {
    /// `general_profile_space` (0 in every published profile).
    pub profile_space: u8,
    /// `general_tier_flag` (false Main, true High).
    pub tier: bool,
    /// `general_profile_idc` (1 Main, 2 Main 10, ...).
    pub profile_idc: u8,
    /// `general_profile_compatibility_flag[0..32]`, flag 0 in the top bit.
    pub compatibility: u32,
    /// The 48 bits of constraint flags, first bit at the top of byte 0.
    pub constraints: [u8; 6],
    /// `general_level_idc` (30 × the level number).
    pub level_idc: u8,
}

/// What a sequence parameter set says about the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sps {
    /// `sps_max_sub_layers_minus1` + 1.
    pub max_sub_layers: u8,
    /// `sps_temporal_id_nesting_flag`.
    pub temporal_id_nesting: bool,
    /// Profile, tier and level.
    pub ptl: ProfileTierLevel,
    /// `sps_seq_parameter_set_id`.
    pub id: u32,
    /// `chroma_format_idc`.
    pub chroma_format_idc: u8,
    /// `bit_depth_luma_minus8`.
    pub bit_depth_luma_minus8: u8,
    /// `bit_depth_chroma_minus8`.
    pub bit_depth_chroma_minus8: u8,
    /// Displayed width (after the conformance window).
    pub width: u32,
    /// Displayed height (after the conformance window).
    pub height: u32,
}

fn parse_ptl(
    r: &mut RbspReader<'_>,
    max_sub_layers_minus1: u32,
) -> Result<ProfileTierLevel, CodecError> {
    let profile_space = r.bits(2)? as u8;
    let tier = r.flag()?;
    let profile_idc = r.bits(5)? as u8;
    let compatibility = r.bits(32)?;
    let mut constraints = [0u8; 6];
    for byte in &mut constraints {
        *byte = r.bits(8)? as u8;
    }
    let level_idc = r.bits(8)? as u8;
    // Sub-layer flags, alignment to 8 entries, then the sub-layer fields we skip.
    let mut present = [(false, false); 8];
    for entry in present.iter_mut().take(max_sub_layers_minus1 as usize) {
        *entry = (r.flag()?, r.flag()?);
    }
    if max_sub_layers_minus1 > 0 {
        r.skip(2 * (8 - max_sub_layers_minus1))?;
    }
    for &(profile, level) in present.iter().take(max_sub_layers_minus1 as usize) {
        if profile {
            r.skip(88)?;
        }
        if level {
            r.skip(8)?;
        }
    }
    Ok(ProfileTierLevel {
        profile_space,
        tier,
        profile_idc,
        compatibility,
        constraints,
        level_idc,
    })
}

impl Sps {
    /// Parses a whole SPS NAL unit, its two-byte NAL header included.
    ///
    /// # Errors
    /// [`CodecError`] when it is not an SPS, is cut short, or has impossible values.
    pub fn parse(nal_unit: &[u8]) -> Result<Self, CodecError> {
        let (header, rbsp) = nal_unit.split_at_checked(2).ok_or(CodecError::Truncated)?;
        if header.first().map(|&b| nal_type(b)) != Some(nal::SPS) {
            return Err(CodecError::Invalid("not an SPS NAL unit"));
        }
        let mut r = RbspReader::new(rbsp);
        r.skip(4)?; // sps_video_parameter_set_id
        let max_sub_layers_minus1 = r.bits(3)?;
        if max_sub_layers_minus1 > 6 {
            return Err(CodecError::Invalid("sps_max_sub_layers_minus1"));
        }
        let temporal_id_nesting = r.flag()?;
        let ptl = parse_ptl(&mut r, max_sub_layers_minus1)?;
        let id = r.ue()?;
        if id > 15 {
            return Err(CodecError::Invalid("sps_seq_parameter_set_id"));
        }
        let chroma_format_idc = r.ue()?;
        if chroma_format_idc > 3 {
            return Err(CodecError::Invalid("chroma_format_idc"));
        }
        let separate_planes = chroma_format_idc == 3 && r.flag()?;
        let mut width = u64::from(r.ue()?);
        let mut height = u64::from(r.ue()?);
        if r.flag()? {
            // conformance_window_flag: offsets in chroma units (§7.4.3.2.1).
            let (sub_width, sub_height) = match (chroma_format_idc, separate_planes) {
                (1, false) => (2, 2),
                (2, false) => (2, 1),
                _ => (1, 1),
            };
            let horizontal = (u64::from(r.ue()?) + u64::from(r.ue()?)) * sub_width;
            let vertical = (u64::from(r.ue()?) + u64::from(r.ue()?)) * sub_height;
            width = width.checked_sub(horizontal).ok_or(CodecError::Invalid(
                "conformance window wider than the picture",
            ))?;
            height = height.checked_sub(vertical).ok_or(CodecError::Invalid(
                "conformance window taller than the picture",
            ))?;
        }
        let depth_luma = r.ue()?;
        let depth_chroma = r.ue()?;
        if depth_luma > 8 || depth_chroma > 8 {
            return Err(CodecError::Invalid("bit depth"));
        }
        Ok(Self {
            max_sub_layers: max_sub_layers_minus1 as u8 + 1,
            temporal_id_nesting,
            ptl,
            id,
            chroma_format_idc: chroma_format_idc as u8,
            bit_depth_luma_minus8: depth_luma as u8,
            bit_depth_chroma_minus8: depth_chroma as u8,
            width: u32::try_from(width).map_err(|_| CodecError::Invalid("width"))?,
            height: u32::try_from(height).map_err(|_| CodecError::Invalid("height"))?,
        })
    }
}

/// The `vps_video_parameter_set_id` of a whole VPS NAL unit (§7.3.2.1).
///
/// # Errors
/// [`CodecError`] when it is not a VPS or is cut short.
pub fn vps_id(nal_unit: &[u8]) -> Result<u32, CodecError> {
    let (header, rbsp) = nal_unit.split_at_checked(2).ok_or(CodecError::Truncated)?;
    if header.first().map(|&b| nal_type(b)) != Some(nal::VPS) {
        return Err(CodecError::Invalid("not a VPS NAL unit"));
    }
    RbspReader::new(rbsp).bits(4)
}

/// The `pps_pic_parameter_set_id` of a whole PPS NAL unit (§7.3.2.3).
///
/// # Errors
/// [`CodecError`] when it is not a PPS or is cut short.
pub fn pps_id(nal_unit: &[u8]) -> Result<u32, CodecError> {
    let (header, rbsp) = nal_unit.split_at_checked(2).ok_or(CodecError::Truncated)?;
    if header.first().map(|&b| nal_type(b)) != Some(nal::PPS) {
        return Err(CodecError::Invalid("not a PPS NAL unit"));
    }
    let id = RbspReader::new(rbsp).ue()?;
    if id > 63 {
        return Err(CodecError::Invalid("pps_pic_parameter_set_id"));
    }
    Ok(id)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// VPS, SPS and PPS of the 320x180 Main-profile fixture (x265).
    pub(crate) const VPS: [u8; 24] = [
        0x40, 0x01, 0x0c, 0x01, 0xff, 0xff, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00,
        0x03, 0x00, 0x00, 0x03, 0x00, 0x3c, 0x95, 0x90, 0x09,
    ];
    pub(crate) const SPS: [u8; 43] = [
        0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00,
        0x03, 0x00, 0x3c, 0xa0, 0x0a, 0x08, 0x0c, 0x1f, 0x3e, 0x59, 0x59, 0x12, 0x93, 0x0b, 0xc0,
        0x5a, 0x02, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x00, 0x03, 0x00, 0x32, 0x10,
    ];
    pub(crate) const PPS: [u8; 6] = [0x44, 0x01, 0xc0, 0x73, 0xc0, 0x89];

    #[test]
    fn main_profile_sps_gives_ptl_and_size_after_the_conformance_window() {
        let sps = Sps::parse(&SPS).unwrap();
        assert_eq!(sps.ptl.profile_idc, 1);
        assert!(!sps.ptl.tier);
        assert_eq!(sps.ptl.compatibility, 0x6000_0000);
        assert_eq!(sps.ptl.constraints, [0x90, 0, 0, 0, 0, 0]);
        assert_eq!(sps.ptl.level_idc, 60);
        assert_eq!((sps.width, sps.height), (320, 180));
        assert_eq!((sps.chroma_format_idc, sps.bit_depth_luma_minus8), (1, 0));
        assert_eq!((sps.max_sub_layers, sps.temporal_id_nesting), (1, true));
    }

    #[test]
    fn parameter_set_ids_and_types_are_checked() {
        assert_eq!(vps_id(&VPS), Ok(0));
        assert_eq!(pps_id(&PPS), Ok(0));
        assert!(Sps::parse(&VPS).is_err());
        for len in 0..20 {
            assert!(Sps::parse(&SPS[..len]).is_err(), "length {len}");
        }
        assert!(is_irap(20) && is_irap(21) && !is_irap(1) && !is_irap(22));
    }
}
