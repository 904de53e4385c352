//! ADTS headers for raw AAC access units, so that a decoder chip that reads AAC only
//! from an ADTS stream (the VS1053 class) can play AAC demuxed from MP4 or fMP4.
//!
//! ISO/IEC 13818-7 §6.2 (the header fields) and ISO/IEC 14496-3 §1.6.2.1
//! (`AudioSpecificConfig`): the header carries the profile (object type − 1), the
//! sampling-frequency index and the channel configuration of the stream's
//! `AudioSpecificConfig`, and each frame's length including the 7 header bytes.

/// Bytes of an ADTS header without CRC.
pub const HEADER_LEN: usize = 7;
/// Largest ADTS frame (13-bit `frame_length`), header included.
pub const MAX_FRAME: usize = (1 << 13) - 1;

/// What an ADTS header needs from an `AudioSpecificConfig`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdtsConfig {
    /// `profile_ObjectType`: object type − 1 (0 Main, 1 LC, 2 SSR, 3 LTP).
    profile: u8,
    /// `sampling_frequency_index`, 0..=12.
    frequency_index: u8,
    /// `channel_configuration`, 0..=7.
    channels: u8,
}

impl AdtsConfig {
    /// From an `AudioSpecificConfig` (§1.6.2.1): object types 1-4 as they are; SBR
    /// and PS streams (5, 29) as LC at the core rate, which is how ADTS signals
    /// HE-AAC implicitly. `None` for other object types, an explicit 24-bit rate
    /// (index 15), or fewer than 2 bytes.
    pub fn from_asc(asc: &[u8]) -> Option<Self> {
        let [a, b, ..] = *asc else {
            return None;
        };
        let object_type = a >> 3;
        let frequency_index = ((a & 0x07) << 1) | (b >> 7);
        let channels = (b >> 3) & 0x0F;
        let profile = match object_type {
            1..=4 => object_type - 1,
            5 | 29 => 1,
            _ => return None,
        };
        if frequency_index > 12 || channels > 7 {
            return None;
        }
        Some(Self {
            profile,
            frequency_index,
            channels,
        })
    }

    /// The header of a frame carrying `payload` bytes of one raw AAC access unit;
    /// `None` when the frame would exceed [`MAX_FRAME`].
    pub fn header(&self, payload: usize) -> Option<[u8; HEADER_LEN]> {
        let length = payload
            .checked_add(HEADER_LEN)
            .filter(|&l| l <= MAX_FRAME)?;
        let length = u16::try_from(length).ok()?;
        let [len_high, len_low] = length.to_be_bytes();
        Some([
            // syncword 0xFFF, ID 0 (MPEG-4), layer 00, protection_absent 1.
            0xFF,
            0xF1,
            (self.profile << 6) | (self.frequency_index << 2) | (self.channels >> 2),
            // channel configuration low bits, original/copy, home, copyright bits 0,
            // then frame_length's top 2 bits.
            ((self.channels & 0x03) << 6) | (len_high >> 3),
            (len_high << 5) | (len_low >> 3),
            // frame_length's low 3 bits, buffer fullness 0x7FF (variable rate) ...
            ((len_low & 0x07) << 5) | 0x1F,
            // ... and number_of_raw_data_blocks_in_frame 0.
            0xFC,
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lc_44100_stereo_gives_the_familiar_header() {
        // ASC 12 10: object type 2 (LC), index 4 (44100 Hz), 2 channels.
        let config = AdtsConfig::from_asc(&[0x12, 0x10]).unwrap();
        // 100 payload bytes: frame_length 107 = 000 0000 0110 1011.
        assert_eq!(
            config.header(100),
            Some([0xFF, 0xF1, 0x50, 0x80, 0x0D, 0x7F, 0xFC])
        );
    }

    #[test]
    fn headers_equal_those_of_ffmpegs_adts_muxer() {
        // The first frames of `ffmpeg -f lavfi -i sine=sample_rate=R -ac C -c:a aac
        // -f adts` (FFmpeg 5.1): 44100 Hz stereo, a 345-byte frame; 48000 Hz mono, 219.
        let stereo = AdtsConfig::from_asc(&[0x12, 0x10]).unwrap();
        assert_eq!(
            stereo.header(345 - 7),
            Some([0xFF, 0xF1, 0x50, 0x80, 0x2B, 0x3F, 0xFC])
        );
        let mono = AdtsConfig::from_asc(&[0x11, 0x88]).unwrap();
        assert_eq!(
            mono.header(219 - 7),
            Some([0xFF, 0xF1, 0x4C, 0x40, 0x1B, 0x7F, 0xFC])
        );
    }

    #[test]
    fn frame_length_uses_all_13_bits() {
        // ASC 11 88: LC, index 3 (48000 Hz), 1 channel; 8184 payload bytes: 8191.
        let config = AdtsConfig::from_asc(&[0x11, 0x88]).unwrap();
        let h = config.header(MAX_FRAME - HEADER_LEN).unwrap();
        let length = (u16::from(h[3] & 0x03) << 11) | (u16::from(h[4]) << 3) | u16::from(h[5] >> 5);
        assert_eq!(usize::from(length), MAX_FRAME);
        assert_eq!(h[2], 0x4C); // profile 1, index 3, channel bit 2 = 0
        assert_eq!(h[3] >> 6, 1); // one channel
        assert_eq!(config.header(MAX_FRAME - HEADER_LEN + 1), None);
        assert_eq!(config.header(usize::MAX), None);
    }

    #[test]
    fn he_aac_is_signalled_as_lc_at_the_core_rate() {
        // ASC 2B 92 08 00: object type 5 (SBR), index 7 (22050 Hz), 2 channels, ...
        let config = AdtsConfig::from_asc(&[0x2B, 0x92, 0x08, 0x00]).unwrap();
        assert_eq!(config.header(0).unwrap()[2], (1 << 6) | (7 << 2));
    }

    #[test]
    fn configs_adts_cannot_carry_are_refused() {
        assert_eq!(AdtsConfig::from_asc(&[]), None);
        assert_eq!(AdtsConfig::from_asc(&[0x12]), None);
        // Object type 31 (escape), an explicit rate (index 15), object type 0.
        assert_eq!(AdtsConfig::from_asc(&[0xF8, 0x00]), None);
        assert_eq!(AdtsConfig::from_asc(&[0x17, 0x90]), None);
        assert_eq!(AdtsConfig::from_asc(&[0x02, 0x10]), None);
    }
}
