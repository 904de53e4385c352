//! AAC framing: the ADTS header (ISO/IEC 13818-7 §6.2 / 14496-3 §1.A.2.2) and the
//! AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1) decoders are configured with.

use super::audio::AudioHeader;
use super::CodecError;
use crate::media::Codec;

/// Sample rates by `sampling_frequency_index` (ISO/IEC 14496-3 Table 1.18).
pub const SAMPLE_RATES: [u32; 13] = [
    96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000, 11_025, 8_000,
    7_350,
];

/// Channels by `channel_configuration` (ISO/IEC 14496-3 Table 1.19; 0 = in a PCE).
const CHANNELS: [u32; 8] = [0, 1, 2, 3, 4, 5, 6, 8];

/// The AudioSpecificConfig fields a decoder needs to start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AudioSpecificConfig {
    /// `audioObjectType` (2 = AAC-LC, 5 = SBR, 29 = PS).
    pub object_type: u8,
    /// `samplingFrequencyIndex` (15 when the rate is explicit).
    pub frequency_index: u8,
    /// The sample rate in Hz.
    pub sample_rate: u32,
    /// `channelConfiguration`.
    pub channel_config: u8,
}

impl AudioSpecificConfig {
    /// The 2-byte record for object types below 31 and an indexed sample rate: object
    /// type (5 bits), frequency index (4), channel configuration (4), and
    /// `GASpecificConfig` flags all 0 (1024-sample frames, no core coder, no
    /// extension).
    pub fn to_bytes(&self) -> [u8; 2] {
        let bits = (u16::from(self.object_type & 0x1f) << 11)
            | (u16::from(self.frequency_index & 0xf) << 7)
            | (u16::from(self.channel_config & 0xf) << 3);
        bits.to_be_bytes()
    }

    /// Reads the start of an AudioSpecificConfig (object type with its escape,
    /// frequency index or explicit rate, channel configuration).
    ///
    /// # Errors
    /// [`CodecError`] when the record is cut short or names a reserved index.
    pub fn parse(data: &[u8]) -> Result<Self, CodecError> {
        let mut r = super::bits::RbspReader::new(data);
        let mut object_type = r.bits(5)?;
        if object_type == 31 {
            object_type = 32 + r.bits(6)?;
        }
        let frequency_index = r.bits(4)? as u8;
        let sample_rate = if frequency_index == 15 {
            r.bits(24)?
        } else {
            *SAMPLE_RATES
                .get(usize::from(frequency_index))
                .ok_or(CodecError::Invalid("samplingFrequencyIndex"))?
        };
        if sample_rate == 0 {
            return Err(CodecError::Invalid("sample rate 0"));
        }
        let channel_config = r.bits(4)? as u8;
        Ok(Self {
            object_type: u8::try_from(object_type).unwrap_or(u8::MAX),
            frequency_index,
            sample_rate,
            channel_config,
        })
    }
}

/// A parsed ADTS header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdtsHeader {
    /// `profile_ObjectType` (the object type minus 1).
    pub profile: u8,
    /// `sampling_frequency_index`.
    pub frequency_index: u8,
    /// `channel_configuration`.
    pub channel_config: u8,
    /// `aac_frame_length`: the whole frame, header included.
    pub frame_length: u16,
    /// 7, or 9 with the CRC.
    pub header_length: u8,
    /// `number_of_raw_data_blocks_in_frame` + 1.
    pub blocks: u8,
}

impl AdtsHeader {
    /// Bytes needed to read the fixed and variable headers.
    pub const MIN_LENGTH: usize = 7;

    /// Parses the header at the start of `data` (at least [`Self::MIN_LENGTH`] bytes).
    ///
    /// # Errors
    /// [`CodecError`] when there is no sync word, a reserved value, or a frame length
    /// shorter than its header.
    pub fn parse(data: &[u8]) -> Result<Self, CodecError> {
        let Some(&[b0, b1, b2, b3, b4, b5, b6]) = data.first_chunk::<7>() else {
            return Err(CodecError::Truncated);
        };
        if b0 != 0xff || b1 & 0xf6 != 0xf0 {
            return Err(CodecError::Invalid("ADTS syncword or layer"));
        }
        let header_length = if b1 & 1 == 1 { 7 } else { 9 };
        let frequency_index = (b2 >> 2) & 0xf;
        if usize::from(frequency_index) >= SAMPLE_RATES.len() {
            return Err(CodecError::Invalid("ADTS sampling_frequency_index"));
        }
        let frame_length = (u16::from(b3 & 3) << 11) | (u16::from(b4) << 3) | u16::from(b5 >> 5);
        if frame_length <= u16::from(header_length) {
            return Err(CodecError::Invalid("ADTS frame shorter than its header"));
        }
        Ok(Self {
            profile: b2 >> 6,
            frequency_index,
            channel_config: ((b2 & 1) << 2) | (b3 >> 6),
            frame_length,
            header_length,
            blocks: (b6 & 3) + 1,
        })
    }

    /// The sample rate in Hz.
    pub fn sample_rate(&self) -> u32 {
        SAMPLE_RATES
            .get(usize::from(self.frequency_index))
            .copied()
            .unwrap_or(48_000)
    }

    /// The AudioSpecificConfig this header implies (ISO/IEC 14496-3 §1.A.2.2.1: the
    /// object type is the profile plus one).
    pub fn audio_specific_config(&self) -> AudioSpecificConfig {
        AudioSpecificConfig {
            object_type: self.profile + 1,
            frequency_index: self.frequency_index,
            sample_rate: self.sample_rate(),
            channel_config: self.channel_config,
        }
    }

    /// The codec-independent summary.
    pub fn audio_header(&self) -> AudioHeader {
        AudioHeader {
            codec: Codec::Aac,
            frame_length: u32::from(self.frame_length),
            header_length: u32::from(self.header_length),
            samples: 1024 * u32::from(self.blocks),
            sample_rate: self.sample_rate(),
            channels: CHANNELS
                .get(usize::from(self.channel_config))
                .copied()
                .unwrap_or(0),
            aac: Some(self.audio_specific_config()),
            dependent: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adts_header_of_the_fixture_gives_aac_lc_48k_stereo_and_its_asc() {
        // The first ADTS header of hls-ts/v0_000.ts (155-byte frame).
        let h = AdtsHeader::parse(&[0xff, 0xf1, 0x4c, 0x80, 0x13, 0x7f, 0xfc]).unwrap();
        assert_eq!((h.profile, h.frequency_index, h.channel_config), (1, 3, 2));
        assert_eq!((h.frame_length, h.header_length, h.blocks), (155, 7, 1));
        assert_eq!(h.audio_specific_config().to_bytes(), [0x11, 0x90]);
        let a = h.audio_header();
        assert_eq!((a.samples, a.sample_rate, a.channels), (1024, 48_000, 2));
        assert_eq!(a.duration(90_000), 1920);
    }

    #[test]
    fn audio_specific_config_round_trips_and_reads_escapes() {
        let asc = AudioSpecificConfig::parse(&[0x11, 0x90]).unwrap();
        assert_eq!(
            (asc.object_type, asc.sample_rate, asc.channel_config),
            (2, 48_000, 2)
        );
        assert_eq!(asc.to_bytes(), [0x11, 0x90]);
        // Object type 31 escape (+6 bits: 42 -> 74), explicit rate 1234, mono.
        let bits: u64 = (31 << 59) | (42 << 53) | (15 << 49) | (1234 << 25) | (1 << 21);
        let asc = AudioSpecificConfig::parse(&bits.to_be_bytes()).unwrap();
        assert_eq!(
            (asc.object_type, asc.sample_rate, asc.channel_config),
            (74, 1234, 1)
        );
        assert!(AudioSpecificConfig::parse(&[0x17]).is_err());
    }

    #[test]
    fn bad_adts_headers_are_rejected() {
        assert!(AdtsHeader::parse(&[0xff, 0xf1, 0x4c, 0x80]).is_err());
        // layer 1
        assert!(AdtsHeader::parse(&[0xff, 0xf3, 0x4c, 0x80, 0x13, 0x7f, 0xfc]).is_err());
        // frequency index 13
        assert!(AdtsHeader::parse(&[0xff, 0xf1, 0x74, 0x80, 0x13, 0x7f, 0xfc]).is_err());
        // frame length 7 with a 7-byte header
        assert!(AdtsHeader::parse(&[0xff, 0xf1, 0x4c, 0x80, 0x00, 0xff, 0xfc]).is_err());
    }
}
