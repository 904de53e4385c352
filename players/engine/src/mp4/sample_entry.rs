//! The sample description `stsd` (ISO/IEC 14496-12 §8.5.2): the codec of a track and
//! its configuration record. Video entries (§12.1.3) carry `avcC`
//! (ISO/IEC 14496-15 §5.3.3) or `hvcC` (§8.3.3); audio entries (§12.2.3) carry `esds`
//! (AAC, MP3), `dOps` (Opus in ISO BMFF §4.3.2), `dac3`/`dec3` (ETSI TS 102 366
//! Annex F). Protected entries (`encv`/`enca`) name their original format in `sinf`.

use alloc::vec::Vec;

use crate::media::{Codec, DemuxError};

use super::esds::parse_esds;
use super::header::{Boxes, FourCc};
use super::protection::{parse_sinf, Protection};
use super::reader::Reader;

/// What the first sample entry of a track says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SampleEntry {
    pub codec: Codec,
    pub width: u32,
    pub height: u32,
    pub sample_rate: u32,
    pub channels: u32,
    pub config: Vec<u8>,
    pub protection: Option<Protection>,
}

/// Bytes of the fixed part of a VisualSampleEntry after the 8-byte SampleEntry.
const VISUAL_FIXED: usize = 70;

/// Parses an `stsd` payload; only the first entry is used (a track whose
/// description changes mid-stream is rare and not supported).
pub(crate) fn parse_stsd(payload: &[u8]) -> Result<SampleEntry, DemuxError> {
    let mut r = Reader::new(payload);
    let _ = r.version_flags()?;
    if r.u32()? == 0 {
        return Err(DemuxError::Malformed("stsd without entries"));
    }
    let first = Boxes::new(r.rest())
        .next()
        .ok_or(DemuxError::Malformed("stsd without entries"))??;
    parse_entry(first.header.kind, first.payload)
}

fn parse_entry(format: FourCc, payload: &[u8]) -> Result<SampleEntry, DemuxError> {
    let mut r = Reader::new(payload);
    r.skip(8)?; // reserved, data_reference_index
    let mut entry = SampleEntry::default();
    let mut format = format;
    // A protected entry has its original type in `sinf`, found among the children,
    // which come after the fixed fields; those fields depend on the media kind, so
    // read the kind from the entry type first.
    let visual = matches!(&format.0, b"avc1" | b"avc3" | b"hvc1" | b"hev1" | b"encv");
    let audio = matches!(
        &format.0,
        b"mp4a" | b"Opus" | b"ac-3" | b"ec-3" | b".mp3" | b"enca"
    );
    let children = if visual {
        r.skip(16)?; // pre_defined, reserved, pre_defined[3]
        entry.width = u32::from(r.u16()?);
        entry.height = u32::from(r.u16()?);
        r.skip(VISUAL_FIXED - 20)?;
        r.rest()
    } else if audio {
        // QuickTime sound descriptions (version 1, 2) extend the MP4 layout.
        let version = r.u16()?;
        r.skip(6)?;
        entry.channels = u32::from(r.u16()?);
        r.skip(6)?;
        entry.sample_rate = r.u32()? >> 16;
        match version {
            0 => {}
            1 => r.skip(16)?,
            2 => {
                r.skip(4)?; // sizeOfStructOnly
                let rate = f64::from_bits(r.u64()?);
                entry.sample_rate = if (0.0..1e9).contains(&rate) {
                    rate as u32
                } else {
                    0
                };
                entry.channels = r.u32()?;
                r.skip(20)?;
            }
            _ => return Err(DemuxError::Unsupported("sound sample entry version")),
        }
        r.rest()
    } else {
        return Ok(entry); // text, timed metadata, codecs this engine does not know
    };
    // First pass for `sinf`, so the codec boxes are read as the original format's.
    for child in Boxes::new(children) {
        let child = child?;
        if child.header.kind.0 == *b"sinf" {
            let p = parse_sinf(child.payload)?;
            format = p.original_format;
            entry.protection = Some(p);
        }
    }
    entry.codec = match &format.0 {
        b"avc1" | b"avc3" => Codec::H264,
        b"hvc1" | b"hev1" => Codec::H265,
        b"Opus" => Codec::Opus,
        b"ac-3" => Codec::Ac3,
        b"ec-3" => Codec::Eac3,
        b".mp3" => Codec::Mp3,
        _ => Codec::Unknown, // mp4a: decided by its esds
    };
    for child in Boxes::new(children) {
        let child = child?;
        match (&format.0, &child.header.kind.0) {
            (b"avc1" | b"avc3", b"avcC") | (b"hvc1" | b"hev1", b"hvcC") | (b"Opus", b"dOps") => {
                entry.config = copy(child.payload)?;
            }
            (b"mp4a", b"esds") => {
                let esds = parse_esds(child.payload)?;
                entry.codec = esds.codec;
                if esds.codec == Codec::Aac {
                    entry.config = copy(esds.specific_info)?;
                }
            }
            (b"ac-3", b"dac3") => ac3_info(child.payload, false, &mut entry)?,
            (b"ec-3", b"dec3") => ac3_info(child.payload, true, &mut entry)?,
            _ => {}
        }
    }
    Ok(entry)
}

/// A copy of a configuration record, allocated fallibly.
fn copy(bytes: &[u8]) -> Result<Vec<u8>, DemuxError> {
    let mut v = Vec::new();
    v.try_reserve_exact(bytes.len())
        .map_err(|_| DemuxError::TooLarge("codec configuration"))?;
    v.extend_from_slice(bytes);
    Ok(v)
}

/// Sample rate and channels from `dac3` (ETSI TS 102 366 §F.4) or the first
/// independent substream of `dec3` (§F.6). AC-3 decoders take no configuration.
fn ac3_info(payload: &[u8], enhanced: bool, entry: &mut SampleEntry) -> Result<(), DemuxError> {
    let mut r = Reader::new(payload);
    let bits = if enhanced {
        r.skip(2)?; // data_rate, num_ind_sub
        let b = r.u24()?;
        // fscod(2) bsid(5) reserved(1) asvc(1) bsmod(3) acmod(3) lfeon(1)
        (b >> 22, (b >> 9) & 0x7, (b >> 8) & 1)
    } else {
        let b = r.u24()?;
        // fscod(2) bsid(5) bsmod(3) acmod(3) lfeon(1) bit_rate_code(5) reserved(5)
        (b >> 22, (b >> 11) & 0x7, (b >> 10) & 1)
    };
    let (fscod, acmod, lfe) = bits;
    entry.sample_rate = match fscod {
        0 => 48_000,
        1 => 44_100,
        2 => 32_000,
        _ => entry.sample_rate,
    };
    const CHANNELS: [u32; 8] = [2, 1, 2, 3, 3, 4, 4, 5];
    entry.channels = CHANNELS.get(acmod as usize).copied().unwrap_or(2) + lfe;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn boxed(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut b = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(payload);
        b
    }

    fn audio_entry(kind: &[u8; 4], children: &[u8]) -> Vec<u8> {
        let mut p = vec![0u8; 8];
        p.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 16, 0, 0, 0, 0]);
        p.extend_from_slice(&(48_000u32 << 16).to_be_bytes());
        p.extend_from_slice(children);
        let mut stsd = vec![0, 0, 0, 0, 0, 0, 0, 1];
        stsd.extend_from_slice(&boxed(kind, &p));
        stsd
    }

    #[test]
    fn ac3_channels_come_from_dac3() {
        // fscod 0, bsid 8, bsmod 0, acmod 7 (3/2), lfe 1: 5.1.
        let dac3 = [0x10, 0x3d, 0xe0];
        let e = parse_stsd(&audio_entry(b"ac-3", &boxed(b"dac3", &dac3))).unwrap();
        assert_eq!(
            (e.codec, e.sample_rate, e.channels),
            (Codec::Ac3, 48_000, 6)
        );
        assert!(e.config.is_empty());
    }

    #[test]
    fn opus_keeps_the_dops_payload() {
        let dops = [0, 2, 0x01, 0x38, 0, 0, 0xbb, 0x80, 0, 0, 0];
        let e = parse_stsd(&audio_entry(b"Opus", &boxed(b"dOps", &dops))).unwrap();
        assert_eq!((e.codec, e.channels), (Codec::Opus, 2));
        assert_eq!(e.config, dops);
    }

    #[test]
    fn an_entry_overrunning_stsd_fails() {
        let mut s = audio_entry(b"Opus", &[]);
        s.truncate(s.len() - 1);
        assert!(parse_stsd(&s).is_err());
    }
}
