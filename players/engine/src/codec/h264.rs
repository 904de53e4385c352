//! H.264 sequence and picture parameter sets (ITU-T H.264 §7.3.2.1.1, §7.3.2.2): the
//! fields an `avcC` record and a player need.

use super::bits::RbspReader;
use super::CodecError;

/// NAL unit types (ITU-T H.264 Table 7-1) the demuxers look for.
pub mod nal {
    /// Coded slice of an IDR picture: a random-access point.
    pub const IDR: u8 = 5;
    /// Supplemental enhancement information.
    pub const SEI: u8 = 6;
    /// Sequence parameter set.
    pub const SPS: u8 = 7;
    /// Picture parameter set.
    pub const PPS: u8 = 8;
    /// Access unit delimiter.
    pub const AUD: u8 = 9;
}

/// The NAL unit type of an H.264 NAL header byte.
pub const fn nal_type(header: u8) -> u8 {
    header & 0x1f
}

/// Whether a NAL unit type is a coded slice (VCL, §7.4.1.2.3: types 1 to 5).
pub const fn is_vcl(nal_type: u8) -> bool {
    matches!(nal_type, 1..=5)
}

/// What a sequence parameter set says about the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sps {
    /// `profile_idc` (66 Baseline, 77 Main, 100 High, ...).
    pub profile_idc: u8,
    /// The byte of `constraint_set0..5_flag` and reserved bits (the avcC
    /// "profile_compatibility").
    pub constraints: u8,
    /// `level_idc` (10 × the level number).
    pub level_idc: u8,
    /// `seq_parameter_set_id`.
    pub id: u32,
    /// `chroma_format_idc` (1 = 4:2:0 unless stated).
    pub chroma_format_idc: u8,
    /// `bit_depth_luma_minus8`.
    pub bit_depth_luma_minus8: u8,
    /// `bit_depth_chroma_minus8`.
    pub bit_depth_chroma_minus8: u8,
    /// Displayed width in pixels (after cropping).
    pub width: u32,
    /// Displayed height in pixels (after cropping).
    pub height: u32,
}

/// Profiles whose SPS carries `chroma_format_idc` and bit depths (§7.3.2.1.1).
fn has_chroma_info(profile_idc: u8) -> bool {
    matches!(
        profile_idc,
        100 | 110 | 122 | 244 | 44 | 83 | 86 | 118 | 128 | 138 | 139 | 134 | 135
    )
}

fn skip_scaling_list(r: &mut RbspReader<'_>, size: u32) -> Result<(), CodecError> {
    // §7.3.2.1.1.1: delta-coded until the next scale is 0.
    let mut last: i32 = 8;
    let mut next: i32 = 8;
    for _ in 0..size {
        if next != 0 {
            let delta = r.se()?;
            next = (last + delta).rem_euclid(256);
        }
        if next != 0 {
            last = next;
        }
    }
    Ok(())
}

impl Sps {
    /// Parses a whole SPS NAL unit, its one-byte NAL header included.
    ///
    /// # Errors
    /// [`CodecError`] when it is not an SPS, is cut short, or has impossible values.
    pub fn parse(nal_unit: &[u8]) -> Result<Self, CodecError> {
        let (&header, rbsp) = nal_unit.split_first().ok_or(CodecError::Truncated)?;
        if nal_type(header) != nal::SPS {
            return Err(CodecError::Invalid("not an SPS NAL unit"));
        }
        let mut r = RbspReader::new(rbsp);
        let profile_idc = r.bits(8)? as u8;
        let constraints = r.bits(8)? as u8;
        let level_idc = r.bits(8)? as u8;
        let id = r.ue()?;
        if id > 31 {
            return Err(CodecError::Invalid("seq_parameter_set_id"));
        }
        let (mut chroma_format_idc, mut separate_planes) = (1u32, false);
        let (mut depth_luma, mut depth_chroma) = (0u32, 0u32);
        if has_chroma_info(profile_idc) {
            chroma_format_idc = r.ue()?;
            if chroma_format_idc > 3 {
                return Err(CodecError::Invalid("chroma_format_idc"));
            }
            if chroma_format_idc == 3 {
                separate_planes = r.flag()?;
            }
            depth_luma = r.ue()?;
            depth_chroma = r.ue()?;
            if depth_luma > 6 || depth_chroma > 6 {
                return Err(CodecError::Invalid("bit depth"));
            }
            r.skip(1)?; // qpprime_y_zero_transform_bypass_flag
            if r.flag()? {
                let lists = if chroma_format_idc == 3 { 12 } else { 8 };
                for i in 0..lists {
                    if r.flag()? {
                        skip_scaling_list(&mut r, if i < 6 { 16 } else { 64 })?;
                    }
                }
            }
        }
        r.ue()?; // log2_max_frame_num_minus4
        match r.ue()? {
            0 => {
                r.ue()?; // log2_max_pic_order_cnt_lsb_minus4
            }
            1 => {
                r.skip(1)?; // delta_pic_order_always_zero_flag
                r.se()?; // offset_for_non_ref_pic
                r.se()?; // offset_for_top_to_bottom_field
                let cycle = r.ue()?;
                if cycle > 255 {
                    return Err(CodecError::Invalid("num_ref_frames_in_pic_order_cnt_cycle"));
                }
                for _ in 0..cycle {
                    r.se()?;
                }
            }
            2 => {}
            _ => return Err(CodecError::Invalid("pic_order_cnt_type")),
        }
        r.ue()?; // max_num_ref_frames
        r.skip(1)?; // gaps_in_frame_num_value_allowed_flag
        let width_mbs = u64::from(r.ue()?) + 1;
        let height_map_units = u64::from(r.ue()?) + 1;
        let frame_mbs_only = r.flag()?;
        if !frame_mbs_only {
            r.skip(1)?; // mb_adaptive_frame_field_flag
        }
        r.skip(1)?; // direct_8x8_inference_flag
        let field_factor = if frame_mbs_only { 1 } else { 2 };
        let mut width = width_mbs * 16;
        let mut height = height_map_units * 16 * field_factor;
        if r.flag()? {
            // frame_cropping_flag: offsets in CropUnitX/Y (§7.4.2.1.1, Table 6-1).
            let (sub_width, sub_height) = match (chroma_format_idc, separate_planes) {
                (1, false) => (2, 2),
                (2, false) => (2, 1),
                _ => (1, 1), // monochrome, 4:4:4 or separate planes
            };
            let crop_x = if chroma_format_idc == 0 || separate_planes {
                1
            } else {
                sub_width
            };
            let crop_y = if chroma_format_idc == 0 || separate_planes {
                field_factor
            } else {
                sub_height * field_factor
            };
            let horizontal = (u64::from(r.ue()?) + u64::from(r.ue()?)) * crop_x;
            let vertical = (u64::from(r.ue()?) + u64::from(r.ue()?)) * crop_y;
            width = width
                .checked_sub(horizontal)
                .ok_or(CodecError::Invalid("cropping wider than the picture"))?;
            height = height
                .checked_sub(vertical)
                .ok_or(CodecError::Invalid("cropping taller than the picture"))?;
        }
        Ok(Self {
            profile_idc,
            constraints,
            level_idc,
            id,
            chroma_format_idc: chroma_format_idc as u8,
            bit_depth_luma_minus8: depth_luma as u8,
            bit_depth_chroma_minus8: depth_chroma as u8,
            width: u32::try_from(width).map_err(|_| CodecError::Invalid("width"))?,
            height: u32::try_from(height).map_err(|_| CodecError::Invalid("height"))?,
        })
    }
}

/// The `pic_parameter_set_id` of a whole PPS NAL unit (§7.3.2.2).
///
/// # Errors
/// [`CodecError`] when it is not a PPS or is cut short.
pub fn pps_id(nal_unit: &[u8]) -> Result<u32, CodecError> {
    let (&header, rbsp) = nal_unit.split_first().ok_or(CodecError::Truncated)?;
    if nal_type(header) != nal::PPS {
        return Err(CodecError::Invalid("not a PPS NAL unit"));
    }
    let id = RbspReader::new(rbsp).ue()?;
    if id > 255 {
        return Err(CodecError::Invalid("pic_parameter_set_id"));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SPS of the 320x180 High-profile fixture (x264).
    pub(crate) const SPS_320X180: [u8; 24] = [
        0x67, 0x64, 0x00, 0x0d, 0xac, 0xd3, 0x05, 0x06, 0x7e, 0x7c, 0x04, 0x40, 0x00, 0x00, 0x03,
        0x00, 0x40, 0x00, 0x00, 0x0c, 0x83, 0xc5, 0x0a, 0x4e,
    ];

    #[test]
    fn high_profile_sps_gives_size_after_cropping_and_chroma_fields() {
        let sps = Sps::parse(&SPS_320X180).unwrap();
        assert_eq!(
            (sps.profile_idc, sps.constraints, sps.level_idc),
            (100, 0, 13)
        );
        assert_eq!((sps.width, sps.height), (320, 180));
        assert_eq!(sps.chroma_format_idc, 1);
        assert_eq!(
            (sps.bit_depth_luma_minus8, sps.bit_depth_chroma_minus8),
            (0, 0)
        );
        assert_eq!(sps.id, 0);
    }

    #[test]
    fn truncated_or_foreign_nal_units_are_errors() {
        // The fields read end in byte 10 (the VUI after them is not read).
        for len in 0..10 {
            assert!(Sps::parse(&SPS_320X180[..len]).is_err(), "length {len}");
        }
        assert!(Sps::parse(&[0x68, 0xef, 0xbc, 0xb0]).is_err());
        assert_eq!(pps_id(&[0x68, 0xef, 0xbc, 0xb0]), Ok(0));
    }
}
