//! H.264 parameter sets for synthetic streams: a High-profile SPS and PPS written
//! with an Exp-Golomb bit writer (ITU-T H.264 §7.3.2.1.1, §7.3.2.2, §9.1), the level
//! chosen from the picture size and frame rate (Annex A, Table A-1), and the `avcC`
//! record that carries them (ISO/IEC 14496-15 §5.3.3.1).

/// Writes bits most significant first, with the Exp-Golomb codes of §9.1.
#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    bit: u32,
}

impl BitWriter {
    fn bit(&mut self, on: bool) {
        if self.bit.is_multiple_of(8) {
            self.bytes.push(0);
        }
        if on {
            if let Some(last) = self.bytes.last_mut() {
                *last |= 0x80 >> (self.bit % 8);
            }
        }
        self.bit += 1;
    }

    fn bits(&mut self, value: u32, n: u32) {
        for i in (0..n).rev() {
            self.bit(value >> i & 1 == 1);
        }
    }

    /// `ue(v)`: `leadingZeroBits` zeros, then `value + 1` in binary.
    fn ue(&mut self, value: u32) {
        let coded = u64::from(value) + 1;
        let len = 64 - coded.leading_zeros();
        for _ in 1..len {
            self.bit(false);
        }
        for i in (0..len).rev() {
            self.bit(coded >> i & 1 == 1);
        }
    }

    /// `se(v)`: positive k as 2k - 1, non-positive k as -2k (§9.1.1).
    fn se(&mut self, value: i32) {
        let mapped = if value > 0 {
            (value as u32) * 2 - 1
        } else {
            value.unsigned_abs() * 2
        };
        self.ue(mapped);
    }

    /// `rbsp_trailing_bits()`: a one, then zeros to the byte boundary.
    fn finish(mut self) -> Vec<u8> {
        self.bit(true);
        while !self.bit.is_multiple_of(8) {
            self.bit(false);
        }
        self.bytes
    }
}

/// A NAL unit from its header byte and RBSP, with emulation prevention (§7.4.1:
/// `0x000003` wherever two zeros precede a byte <= 3).
fn nal(header: u8, rbsp: &[u8]) -> Vec<u8> {
    let mut out = vec![header];
    let mut zeros = 0;
    for &b in rbsp {
        if zeros >= 2 && b <= 3 {
            out.push(3);
            zeros = 0;
        }
        out.push(b);
        zeros = if b == 0 { zeros + 1 } else { 0 };
    }
    out
}

/// `profile_idc` of the High profile (§A.2.4).
pub const HIGH_PROFILE: u8 = 100;

/// Table A-1: `(level_idc, MaxFS macroblocks, MaxMBPS macroblocks per second)`.
const LEVELS: [(u8, u64, u64); 16] = [
    (10, 99, 1_485),
    (11, 396, 3_000),
    (12, 396, 6_000),
    (13, 396, 11_880),
    (20, 396, 11_880),
    (21, 792, 19_800),
    (22, 1_620, 20_250),
    (30, 1_620, 40_500),
    (31, 3_600, 108_000),
    (32, 5_120, 216_000),
    (40, 8_192, 245_760),
    (41, 8_192, 245_760),
    (42, 8_704, 522_240),
    (50, 22_080, 589_824),
    (51, 36_864, 983_040),
    (52, 36_864, 2_073_600),
];

/// The lowest level whose frame size and macroblock rate hold `width`x`height` at
/// `framerate_milli`/1000 frames per second (52 when none does).
pub fn level_for(width: u32, height: u32, framerate_milli: u32) -> u8 {
    let mbs = u64::from(width.div_ceil(16)) * u64::from(height.div_ceil(16));
    let per_second = (mbs * u64::from(framerate_milli)).div_ceil(1000);
    LEVELS
        .iter()
        .find(|&&(_, fs, mbps)| mbs <= fs && per_second <= mbps)
        .map_or(52, |l| l.0)
}

/// A High-profile 4:2:0 8-bit SPS (NAL unit, header included) for a `width`x`height`
/// picture (both even): macroblock dimensions rounded up and the excess cropped.
pub fn sps(width: u32, height: u32, level_idc: u8) -> Vec<u8> {
    let (mbs_w, mbs_h) = (width.div_ceil(16).max(1), height.div_ceil(16).max(1));
    let mut w = BitWriter::default();
    w.bits(u32::from(HIGH_PROFILE), 8);
    w.bits(0, 8); // constraint_set flags
    w.bits(u32::from(level_idc), 8);
    w.ue(0); // seq_parameter_set_id
    w.ue(1); // chroma_format_idc: 4:2:0
    w.ue(0); // bit_depth_luma_minus8
    w.ue(0); // bit_depth_chroma_minus8
    w.bit(false); // qpprime_y_zero_transform_bypass_flag
    w.bit(false); // seq_scaling_matrix_present_flag
    w.ue(0); // log2_max_frame_num_minus4
    w.ue(2); // pic_order_cnt_type 2: output order = decode order (no B-frames)
    w.ue(1); // max_num_ref_frames
    w.bit(false); // gaps_in_frame_num_value_allowed_flag
    w.ue(mbs_w - 1);
    w.ue(mbs_h - 1);
    w.bit(true); // frame_mbs_only_flag
    w.bit(true); // direct_8x8_inference_flag
    let (crop_w, crop_h) = (mbs_w * 16 - width, mbs_h * 16 - height);
    let crop = crop_w != 0 || crop_h != 0;
    w.bit(crop);
    if crop {
        // CropUnitX = CropUnitY = 2 for 4:2:0 frames (Table 6-1, §7.4.2.1.1).
        w.ue(0);
        w.ue(crop_w / 2);
        w.ue(0);
        w.ue(crop_h / 2);
    }
    w.bit(false); // vui_parameters_present_flag
    nal(0x67, &w.finish())
}

/// A PPS (NAL unit) for [`sps`]: CABAC, one slice group, deblocking control present.
pub fn pps() -> Vec<u8> {
    let mut w = BitWriter::default();
    w.ue(0); // pic_parameter_set_id
    w.ue(0); // seq_parameter_set_id
    w.bit(true); // entropy_coding_mode_flag (CABAC, High profile)
    w.bit(false); // bottom_field_pic_order_in_frame_present_flag
    w.ue(0); // num_slice_groups_minus1
    w.ue(0); // num_ref_idx_l0_default_active_minus1
    w.ue(0); // num_ref_idx_l1_default_active_minus1
    w.bit(false); // weighted_pred_flag
    w.bits(0, 2); // weighted_bipred_idc
    w.se(0); // pic_init_qp_minus26
    w.se(0); // pic_init_qs_minus26
    w.se(0); // chroma_qp_index_offset
    w.bit(true); // deblocking_filter_control_present_flag
    w.bit(false); // constrained_intra_pred_flag
    w.bit(false); // redundant_pic_cnt_present_flag
    nal(0x68, &w.finish())
}

/// The `avcC` payload: version 1, 4-byte NAL lengths, one SPS and one PPS, and the
/// High-profile chroma/bit-depth fields (§5.3.3.1.2).
pub fn avcc(sps: &[u8], pps: &[u8]) -> Vec<u8> {
    let profile = sps.get(1).copied().unwrap_or(HIGH_PROFILE);
    let compatibility = sps.get(2).copied().unwrap_or(0);
    let level = sps.get(3).copied().unwrap_or(0);
    let mut out = vec![1, profile, compatibility, level, 0xff, 0xe1];
    out.extend_from_slice(&(sps.len() as u16).to_be_bytes());
    out.extend_from_slice(sps);
    out.push(1);
    out.extend_from_slice(&(pps.len() as u16).to_be_bytes());
    out.extend_from_slice(pps);
    // chroma_format 1, bit depths 8, no SPS extensions.
    out.extend_from_slice(&[0xfc | 1, 0xf8, 0xf8, 0]);
    out
}

/// The RFC 6381 string of an SPS (ISO/IEC 14496-15 Annex E): `avc1.PPCCLL`.
pub fn codec_string(sps: &[u8]) -> String {
    format!(
        "avc1.{:02x}{:02x}{:02x}",
        sps.get(1).copied().unwrap_or(0),
        sps.get(2).copied().unwrap_or(0),
        sps.get(3).copied().unwrap_or(0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_golomb_codes_match_table_9_2() {
        let mut w = BitWriter::default();
        for v in [0, 1, 2, 3, 7] {
            w.ue(v);
        }
        // 1 010 011 00100 0001000 then the trailing one.
        assert_eq!(w.finish(), [0b1010_0110, 0b0100_0001, 0b0001_0000]);
        let mut w = BitWriter::default();
        w.se(1);
        w.se(-1);
        w.se(2);
        // se 1 -> ue 1 (010), -1 -> ue 2 (011), 2 -> ue 3 (00100).
        assert_eq!(w.finish(), [0b0100_1100, 0b1001_0000]);
    }

    #[test]
    fn emulation_prevention_escapes_two_zeros_before_a_small_byte() {
        assert_eq!(nal(0x67, &[0, 0, 1, 0, 0, 4]), [0x67, 0, 0, 3, 1, 0, 0, 4]);
    }

    #[test]
    fn levels_follow_table_a_1() {
        assert_eq!(level_for(1280, 720, 30_000), 31);
        assert_eq!(level_for(1280, 720, 60_000), 32);
        assert_eq!(level_for(1920, 1080, 30_000), 40);
        assert_eq!(level_for(1920, 1080, 60_000), 42);
        assert_eq!(level_for(640, 360, 30_000), 30);
        assert_eq!(level_for(320, 180, 30_000), 13);
        assert_eq!(level_for(3840, 2160, 30_000), 51);
    }
}
