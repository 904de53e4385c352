//! AC-3 and E-AC-3 sync frame headers (ATSC A/52:2018 §5.3 and Annex E §E.1.2):
//! frame size, sample rate and channels. Both start with the sync word `0x0B77`;
//! `bsid` tells them apart (up to 10 AC-3, 11 to 16 E-AC-3).

use super::audio::AudioHeader;
use super::CodecError;
use crate::media::Codec;

/// The AC-3 sync word.
pub const SYNC_WORD: [u8; 2] = [0x0b, 0x77];

/// Bytes needed to parse either header (through `bsid` and `lfeon`).
pub const PROBE_LENGTH: usize = 8;

/// Nominal bit rates (kbit/s) by `frmsizecod / 2` (A/52 Table 5.18).
const BITRATES: [u32; 19] = [
    32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 576, 640,
];

/// Full-bandwidth channels by `acmod` (A/52 Table 5.8).
const CHANNELS: [u32; 8] = [2, 1, 2, 3, 3, 4, 4, 5];

/// Sample rates by `fscod` (A/52 Table 5.6).
const SAMPLE_RATES: [u32; 3] = [48_000, 44_100, 32_000];

/// A parsed AC-3 or E-AC-3 sync frame header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ac3Header {
    /// `bsid`: 10 or less for AC-3, 11 to 16 for E-AC-3.
    pub bsid: u8,
    /// E-AC-3 `strmtyp` (0 independent, 1 dependent, 2 AC-3 converted); 0 for AC-3.
    pub stream_type: u8,
    /// E-AC-3 `substreamid`; 0 for AC-3.
    pub substream_id: u8,
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Channels, the LFE included.
    pub channels: u32,
    /// Audio blocks of 256 samples in the frame (6 for AC-3).
    pub blocks: u32,
    /// Bytes of the whole frame.
    pub frame_length: u32,
}

/// A bit cursor over a header that is known to be long enough.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn read(&mut self, n: usize) -> Result<u32, CodecError> {
        let mut value = 0;
        for _ in 0..n {
            let byte = self.data.get(self.pos / 8).ok_or(CodecError::Truncated)?;
            value = (value << 1) | u32::from((byte >> (7 - self.pos % 8)) & 1);
            self.pos += 1;
        }
        Ok(value)
    }
}

impl Ac3Header {
    /// Parses the header at the start of `data` ([`PROBE_LENGTH`] bytes suffice).
    ///
    /// # Errors
    /// [`CodecError`] without the sync word or with reserved values.
    pub fn parse(data: &[u8]) -> Result<Self, CodecError> {
        if data.get(..2) != Some(&SYNC_WORD[..]) {
            return Err(CodecError::Invalid("AC-3 syncword"));
        }
        // bsid sits at the same place in both syntaxes (byte 5, top 5 bits).
        let bsid = data.get(5).ok_or(CodecError::Truncated)? >> 3;
        match bsid {
            0..=10 => Self::parse_ac3(data, bsid),
            11..=16 => Self::parse_eac3(data, bsid),
            _ => Err(CodecError::Unsupported("AC-3 bsid")),
        }
    }

    fn parse_ac3(data: &[u8], bsid: u8) -> Result<Self, CodecError> {
        let mut bits = Bits { data, pos: 32 }; // after syncword and crc1
        let fscod = bits.read(2)? as usize;
        let frmsizecod = bits.read(6)? as usize;
        let rate = *SAMPLE_RATES
            .get(fscod)
            .ok_or(CodecError::Invalid("AC-3 fscod"))?;
        let kbps = *BITRATES
            .get(frmsizecod / 2)
            .ok_or(CodecError::Invalid("AC-3 frmsizecod"))?;
        // Table 5.18 in 16-bit words: 1536 samples per frame, so bits = kbps * 1536 / rate;
        // at 44.1 kHz the odd codes add the padding word.
        let words =
            kbps * 1000 * 1536 / rate / 16 + if fscod == 1 { frmsizecod as u32 & 1 } else { 0 };
        bits.read(8)?; // bsid, bsmod
        let acmod = bits.read(3)?;
        if acmod & 1 == 1 && acmod != 1 {
            bits.read(2)?; // cmixlev
        }
        if acmod & 4 != 0 {
            bits.read(2)?; // surmixlev
        }
        if acmod == 2 {
            bits.read(2)?; // dsurmod
        }
        let lfe = bits.read(1)?;
        // bsid 9 and 10 are the half- and quarter-rate variants (A/52 §5.4.2.3 note).
        let shift = u32::from(bsid.saturating_sub(8));
        Ok(Self {
            bsid,
            stream_type: 0,
            substream_id: 0,
            sample_rate: rate >> shift,
            channels: CHANNELS.get(acmod as usize).copied().unwrap_or(2) + lfe,
            blocks: 6,
            frame_length: words * 2,
        })
    }

    fn parse_eac3(data: &[u8], bsid: u8) -> Result<Self, CodecError> {
        let mut bits = Bits { data, pos: 16 };
        let stream_type = bits.read(2)? as u8;
        if stream_type == 3 {
            return Err(CodecError::Invalid("E-AC-3 strmtyp"));
        }
        let substream_id = bits.read(3)? as u8;
        let frmsiz = bits.read(11)?;
        let fscod = bits.read(2)? as usize;
        let (sample_rate, blocks) = if fscod == 3 {
            let fscod2 = bits.read(2)? as usize;
            let rate = *SAMPLE_RATES
                .get(fscod2)
                .ok_or(CodecError::Invalid("E-AC-3 fscod2"))?;
            (rate / 2, 6)
        } else {
            let blocks = match bits.read(2)? {
                0 => 1,
                1 => 2,
                2 => 3,
                _ => 6,
            };
            (SAMPLE_RATES.get(fscod).copied().unwrap_or(48_000), blocks)
        };
        let acmod = bits.read(3)?;
        let lfe = bits.read(1)?;
        Ok(Self {
            bsid,
            stream_type,
            substream_id,
            sample_rate,
            channels: CHANNELS.get(acmod as usize).copied().unwrap_or(2) + lfe,
            blocks,
            frame_length: (frmsiz + 1) * 2,
        })
    }

    /// Whether this is an E-AC-3 frame.
    pub fn is_eac3(&self) -> bool {
        self.bsid > 10
    }

    /// The codec-independent summary.
    pub fn audio_header(&self) -> AudioHeader {
        AudioHeader {
            codec: if self.is_eac3() {
                Codec::Eac3
            } else {
                Codec::Ac3
            },
            frame_length: self.frame_length,
            header_length: 0,
            samples: self.blocks * 256,
            sample_rate: self.sample_rate,
            channels: self.channels,
            aac: None,
            dependent: self.is_eac3() && (self.stream_type == 1 || self.substream_id != 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ac3_frame_of_the_fixture_is_96k_mono_384_bytes() {
        // progressive/hevc-ac3.ts: 0b77 480d 0c 40 2f 84
        let h = Ac3Header::parse(&[0x0b, 0x77, 0x48, 0x0d, 0x0c, 0x40, 0x2f, 0x84]).unwrap();
        assert!(!h.is_eac3());
        assert_eq!(
            (h.sample_rate, h.channels, h.frame_length),
            (48_000, 1, 384)
        );
        assert_eq!(h.audio_header().duration(90_000), 2880);
    }

    #[test]
    fn frame_sizes_follow_table_5_18() {
        // (fscod, frmsizecod) -> words, from A/52 Table 5.18.
        for (fscod, code, words) in [
            (0, 0, 64),
            (1, 0, 69),
            (1, 1, 70),
            (2, 0, 96),
            (0, 37, 1280),
            (1, 37, 1394),
            (2, 37, 1920),
        ] {
            let byte4 = (fscod << 6) | code;
            let h = Ac3Header::parse(&[0x0b, 0x77, 0, 0, byte4, 0x40, 0x40, 0]).unwrap();
            assert_eq!(h.frame_length, words * 2, "fscod {fscod} code {code}");
        }
        assert!(Ac3Header::parse(&[0x0b, 0x77, 0, 0, 38, 0x40, 0x40, 0]).is_err());
        assert!(Ac3Header::parse(&[0x0b, 0x77, 0, 0, 0xc0, 0x40, 0x40, 0]).is_err());
    }

    #[test]
    fn eac3_frame_of_the_fixture_is_six_blocks_mono_384_bytes() {
        // progressive/eac3-mp3.ts: 0b77 00bf 32 87 c0 00
        let h = Ac3Header::parse(&[0x0b, 0x77, 0x00, 0xbf, 0x32, 0x87, 0xc0, 0x00]).unwrap();
        assert!(h.is_eac3());
        assert_eq!((h.bsid, h.stream_type, h.substream_id), (16, 0, 0));
        assert_eq!(
            (h.sample_rate, h.channels, h.frame_length, h.blocks),
            (48_000, 1, 384, 6)
        );
        assert_eq!(h.audio_header().duration(90_000), 2880);
    }
}
