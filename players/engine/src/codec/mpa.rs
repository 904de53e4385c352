//! MPEG audio frame headers (ISO/IEC 11172-3 §2.4.2.3, ISO/IEC 13818-3 §2.4.2.3 and
//! the unofficial MPEG-2.5 extension): frame size, sample rate and channels. Only
//! Layer III frames (MP3) are accepted, the layer [`Codec::Mp3`] names.

use super::audio::AudioHeader;
use super::CodecError;
use crate::media::Codec;

/// Layer III bit rates in kbit/s by `bitrate_index`, MPEG-1 then MPEG-2/2.5.
const BITRATES: [[u16; 15]; 2] = [
    [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
];

/// MPEG-1 sample rates by `sampling_frequency` (halved for MPEG-2, quartered for 2.5).
const SAMPLE_RATES: [u32; 3] = [44_100, 48_000, 32_000];

/// A parsed MPEG audio (Layer III) header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MpaHeader {
    /// 1 for MPEG-1, 2 for MPEG-2 (LSF), 25 for MPEG-2.5.
    pub version: u8,
    /// `protection_bit` clear: a 16-bit CRC follows the header.
    pub crc: bool,
    /// Bit rate in bit/s.
    pub bitrate: u32,
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Channels (1 for mode `11`, single channel; 2 otherwise).
    pub channels: u32,
    /// Bytes of the whole frame, header included.
    pub frame_length: u32,
}

impl MpaHeader {
    /// Bytes of the header.
    pub const LENGTH: usize = 4;

    /// Parses the header at the start of `data`.
    ///
    /// # Errors
    /// [`CodecError`] without the sync word, for reserved values, free-format bit
    /// rates, and layers other than III.
    pub fn parse(data: &[u8]) -> Result<Self, CodecError> {
        let Some(&[b0, b1, b2, b3]) = data.first_chunk::<4>() else {
            return Err(CodecError::Truncated);
        };
        if b0 != 0xff || b1 & 0xe0 != 0xe0 {
            return Err(CodecError::Invalid("MPEG audio syncword"));
        }
        let version = match (b1 >> 3) & 3 {
            0 => 25,
            2 => 2,
            3 => 1,
            _ => return Err(CodecError::Invalid("MPEG audio version")),
        };
        match (b1 >> 1) & 3 {
            1 => {}
            0 => return Err(CodecError::Invalid("MPEG audio layer")),
            _ => return Err(CodecError::Unsupported("MPEG audio layers I and II")),
        }
        let bitrate_index = usize::from(b2 >> 4);
        let rate_index = usize::from((b2 >> 2) & 3);
        let table = BITRATES
            .get(usize::from(version != 1))
            .ok_or(CodecError::Invalid("MPEG audio version"))?;
        let kbps = *table
            .get(bitrate_index)
            .ok_or(CodecError::Invalid("MPEG audio bitrate_index"))?;
        if kbps == 0 {
            return Err(CodecError::Unsupported("MPEG audio free format"));
        }
        let base = *SAMPLE_RATES
            .get(rate_index)
            .ok_or(CodecError::Invalid("MPEG audio sampling_frequency"))?;
        let sample_rate = match version {
            1 => base,
            2 => base / 2,
            _ => base / 4,
        };
        let bitrate = u32::from(kbps) * 1000;
        let padding = u32::from((b2 >> 1) & 1);
        // §2.4.3.1: slots per frame; Layer III LSF frames hold 576 samples.
        let coefficient = if version == 1 { 144 } else { 72 };
        Ok(Self {
            version,
            crc: b1 & 1 == 0,
            bitrate,
            sample_rate,
            channels: if b3 >> 6 == 3 { 1 } else { 2 },
            frame_length: coefficient * bitrate / sample_rate + padding,
        })
    }

    /// Samples per channel in one frame.
    pub fn samples(&self) -> u32 {
        if self.version == 1 {
            1152
        } else {
            576
        }
    }

    /// Where a Xing/Info tag would start: after the header and side information.
    pub fn side_info_end(&self) -> usize {
        Self::LENGTH
            + match (self.version == 1, self.channels == 1) {
                (true, false) => 32,
                (true, true) | (false, false) => 17,
                (false, true) => 9,
            }
    }

    /// The codec-independent summary.
    pub fn audio_header(&self) -> AudioHeader {
        AudioHeader {
            codec: Codec::Mp3,
            frame_length: self.frame_length,
            header_length: 0,
            samples: self.samples(),
            sample_rate: self.sample_rate,
            channels: self.channels,
            aac: None,
            dependent: false,
        }
    }
}

/// Bytes of a frame's start needed by [`is_info_frame`].
pub const INFO_PROBE_LENGTH: usize = 40;

/// Whether a frame is an encoder's information frame (LAME/Xing `Xing` or `Info`
/// tag after the side information, Fraunhofer `VBRI` at byte 36): it holds no audio
/// and players skip it, as ffmpeg does.
pub fn is_info_frame(header: &MpaHeader, frame_start: &[u8]) -> bool {
    let at = |offset: usize| frame_start.get(offset..offset + 4);
    matches!(at(header.side_info_end()), Some(b"Xing" | b"Info")) || at(36) == Some(b"VBRI")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpeg1_layer3_headers_give_size_rate_and_channels() {
        // From progressive/eac3-mp3.ts: 64 kbit/s, 48 kHz, mono, 192 bytes.
        let h = MpaHeader::parse(&[0xff, 0xfb, 0x54, 0xc4]).unwrap();
        assert_eq!((h.version, h.bitrate, h.sample_rate), (1, 64_000, 48_000));
        assert_eq!((h.channels, h.frame_length, h.samples()), (1, 192, 1152));
        assert_eq!(h.audio_header().duration(90_000), 2160);
        // 44.1 kHz with padding: 144 * 64000 / 44100 + 1 = 209.
        let h = MpaHeader::parse(&[0xff, 0xfb, 0x52, 0xc4]).unwrap();
        assert_eq!(h.frame_length, 209);
    }

    #[test]
    fn lsf_and_mpeg25_frames_hold_576_samples() {
        // MPEG-2, 64 kbit/s, 24 kHz: 72 * 64000 / 24000 = 192.
        let h = MpaHeader::parse(&[0xff, 0xf3, 0x84, 0x44]).unwrap();
        assert_eq!(
            (h.version, h.sample_rate, h.frame_length, h.samples()),
            (2, 24_000, 192, 576)
        );
        let h = MpaHeader::parse(&[0xff, 0xe3, 0x84, 0x44]).unwrap();
        assert_eq!((h.version, h.sample_rate), (25, 12_000));
    }

    #[test]
    fn reserved_values_and_other_layers_are_rejected() {
        assert!(
            MpaHeader::parse(&[0xff, 0xeb, 0x54, 0xc4]).is_err(),
            "version 01"
        );
        assert!(
            MpaHeader::parse(&[0xff, 0xf9, 0x54, 0xc4]).is_err(),
            "layer 00"
        );
        assert!(
            MpaHeader::parse(&[0xff, 0xfd, 0x54, 0xc4]).is_err(),
            "layer II"
        );
        assert!(
            MpaHeader::parse(&[0xff, 0xfb, 0xf4, 0xc4]).is_err(),
            "bitrate 15"
        );
        assert!(
            MpaHeader::parse(&[0xff, 0xfb, 0x04, 0xc4]).is_err(),
            "free format"
        );
        assert!(
            MpaHeader::parse(&[0xff, 0xfb, 0x5c, 0xc4]).is_err(),
            "rate 3"
        );
    }

    #[test]
    fn info_frames_are_recognised_by_their_tag() {
        let h = MpaHeader::parse(&[0xff, 0xfb, 0x52, 0xc4]).unwrap();
        let mut frame = [0u8; INFO_PROBE_LENGTH];
        frame[21..25].copy_from_slice(b"Info");
        assert!(is_info_frame(&h, &frame));
        frame[21..25].copy_from_slice(b"Xinf");
        assert!(!is_info_frame(&h, &frame));
        frame[36..40].copy_from_slice(b"VBRI");
        assert!(is_info_frame(&h, &frame));
    }
}
