//! Codec strings (RFC 6381 §3.3, with ISO/IEC 14496-15 Annex E for AVC and HEVC), as
//! capability queries and manifests spell them: `avc1.64000d`, `hvc1.1.6.L93.B0`,
//! `mp4a.40.2`.

use alloc::format;
use alloc::string::String;
use core::fmt::Write;

use super::aac::AudioSpecificConfig;
use super::avcc::parse_avcc;
use super::hvcc::parse_hvcc;
use crate::media::{Codec, TrackInfo};

/// The codec string of a track, from its codec and configuration record. Without a
/// record (or with one that does not parse) the string names the codec only (`avc1`,
/// `hvc1`, `mp4a.40.2` for AAC-LC). MP3 is `mp4a.6B` at MPEG-1 rates and `mp4a.69`
/// below (MPEG-2 object types, RFC 6381 §3.3 with the MP4 registration authority's
/// table); AC-3 `ac-3`, E-AC-3 `ec-3`, Opus `opus`; an unknown codec gives "".
pub fn rfc6381_codec_string(track: &TrackInfo) -> String {
    match track.codec {
        Codec::H264 => match parse_avcc(&track.config) {
            Ok(c) => format!(
                "avc1.{:02x}{:02x}{:02x}",
                c.profile, c.compatibility, c.level
            ),
            Err(_) => String::from("avc1"),
        },
        Codec::H265 => hevc_string(&track.config),
        Codec::Aac => match AudioSpecificConfig::parse(&track.config) {
            Ok(asc) => format!("mp4a.40.{}", asc.object_type),
            Err(_) => String::from("mp4a.40.2"),
        },
        Codec::Mp3 if track.sample_rate != 0 && track.sample_rate < 32_000 => {
            String::from("mp4a.69")
        }
        Codec::Mp3 => String::from("mp4a.6B"),
        Codec::Ac3 => String::from("ac-3"),
        Codec::Eac3 => String::from("ec-3"),
        Codec::Opus => String::from("opus"),
        Codec::Unknown => String::new(),
    }
}

/// `hvc1.[space][profile].[compatibility, bit-reversed hex].[L|H][level][.constraint
/// bytes, trailing zero bytes left out]` (ISO/IEC 14496-15 §E.3).
fn hevc_string(config: &[u8]) -> String {
    let Ok(c) = parse_hvcc(config) else {
        return String::from("hvc1");
    };
    let ptl = c.ptl;
    let space = match ptl.profile_space {
        1 => "A",
        2 => "B",
        3 => "C",
        _ => "",
    };
    let mut s = format!(
        "hvc1.{space}{}.{:X}.{}{}",
        ptl.profile_idc,
        ptl.compatibility.reverse_bits(),
        if ptl.tier { 'H' } else { 'L' },
        ptl.level_idc
    );
    let used = ptl
        .constraints
        .iter()
        .rposition(|&b| b != 0)
        .map_or(0, |last| last + 1);
    for byte in ptl.constraints.iter().take(used) {
        let _ = write!(s, ".{byte:X}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn track(codec: Codec, config: &[u8]) -> TrackInfo {
        TrackInfo {
            codec,
            config: config.to_vec(),
            ..TrackInfo::default()
        }
    }

    #[test]
    fn codec_strings_come_from_the_configuration_records() {
        let avcc = [0x01, 0x64, 0x00, 0x0d, 0xff, 0xe0, 0x00];
        assert_eq!(
            rfc6381_codec_string(&track(Codec::H264, &avcc)),
            "avc1.64000d"
        );
        assert_eq!(
            rfc6381_codec_string(&track(Codec::Aac, &[0x11, 0x90])),
            "mp4a.40.2"
        );
        assert_eq!(
            rfc6381_codec_string(&track(Codec::Aac, &[0x2b, 0x92])),
            "mp4a.40.5"
        );
        assert_eq!(rfc6381_codec_string(&track(Codec::H264, &[])), "avc1");
        assert_eq!(rfc6381_codec_string(&track(Codec::Eac3, &[])), "ec-3");
        assert_eq!(rfc6381_codec_string(&track(Codec::Unknown, &[])), "");
        let mut mp3 = track(Codec::Mp3, &[]);
        mp3.sample_rate = 44_100;
        assert_eq!(rfc6381_codec_string(&mp3), "mp4a.6B");
        mp3.sample_rate = 22_050;
        assert_eq!(rfc6381_codec_string(&mp3), "mp4a.69");
    }

    #[test]
    fn hevc_string_reverses_compatibility_and_drops_trailing_zero_constraints() {
        // Main, Main-compatible, Main tier, level 3.1, progressive + frame-only.
        let mut hvcc = vec![
            0x01, 0x01, 0x60, 0x00, 0x00, 0x00, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x00, 93, 0xf0, 0x00,
            0xfc, 0xfd, 0xf8, 0xf8, 0x00, 0x00, 0x0f, 0x00,
        ];
        assert_eq!(
            rfc6381_codec_string(&track(Codec::H265, &hvcc)),
            "hvc1.1.6.L93.B0"
        );
        hvcc[1] = 0x22; // Main 10, High tier
        hvcc[2] = 0x20;
        assert_eq!(
            rfc6381_codec_string(&track(Codec::H265, &hvcc)),
            "hvc1.2.4.H93.B0"
        );
    }
}
