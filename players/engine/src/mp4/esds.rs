//! The `esds` box: an MPEG-4 ES_Descriptor (ISO/IEC 14496-1 §7.2.6.5) whose
//! DecoderConfigDescriptor (§7.2.6.6) names the audio object type and whose
//! DecoderSpecificInfo (§7.2.6.7) is, for AAC, the AudioSpecificConfig.

use crate::media::{Codec, DemuxError};

use super::reader::Reader;

/// `ES_DescrTag`, `DecoderConfigDescrTag`, `DecSpecificInfoTag` (§7.2.2.1 Table 1).
const ES_DESCR: u8 = 0x03;
const DECODER_CONFIG: u8 = 0x04;
const DEC_SPECIFIC_INFO: u8 = 0x05;

/// What an `esds` says about its stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Esds<'a> {
    /// From `objectTypeIndication` (§7.2.6.6.2 Table 5).
    pub codec: Codec,
    /// The DecoderSpecificInfo payload (empty when absent).
    pub specific_info: &'a [u8],
}

/// Reads a descriptor's tag and its expandable size (§8.3.3: up to four bytes of 7
/// bits, the top bit saying another follows); returns the tag and its body.
fn descriptor<'a>(r: &mut Reader<'a>) -> Result<(u8, &'a [u8]), DemuxError> {
    let tag = r.u8()?;
    let mut size = 0usize;
    for _ in 0..4 {
        let b = r.u8()?;
        size = (size << 7) | usize::from(b & 0x7f);
        if b & 0x80 == 0 {
            break;
        }
    }
    Ok((tag, r.bytes(size)?))
}

/// The codec named by an `objectTypeIndication`.
fn codec_of(object_type: u8) -> Codec {
    match object_type {
        // MPEG-4 AAC, MPEG-2 AAC Main/LC/SSR profiles.
        0x40 | 0x66 | 0x67 | 0x68 => Codec::Aac,
        // MPEG-2 (BC) and MPEG-1 audio: layer III in practice.
        0x69 | 0x6b => Codec::Mp3,
        0xa5 => Codec::Ac3,
        0xa6 => Codec::Eac3,
        _ => Codec::Unknown,
    }
}

/// Parses an `esds` payload (after the box header).
pub(crate) fn parse_esds(payload: &[u8]) -> Result<Esds<'_>, DemuxError> {
    let mut r = Reader::new(payload);
    let _version_flags = r.version_flags()?;
    let (tag, body) = descriptor(&mut r)?;
    if tag != ES_DESCR {
        return Err(DemuxError::Malformed("esds without an ES_Descriptor"));
    }
    let mut es = Reader::new(body);
    let _es_id = es.u16()?;
    let flags = es.u8()?;
    if flags & 0x80 != 0 {
        es.skip(2)?; // dependsOn_ES_ID
    }
    if flags & 0x40 != 0 {
        let len = es.u8()?;
        es.skip(usize::from(len))?; // URLstring
    }
    if flags & 0x20 != 0 {
        es.skip(2)?; // OCR_ES_Id
    }
    while es.remaining() > 0 {
        let (tag, body) = descriptor(&mut es)?;
        if tag != DECODER_CONFIG {
            continue;
        }
        let mut dc = Reader::new(body);
        let object_type = dc.u8()?;
        // streamType/upStream/reserved, bufferSizeDB, maxBitrate, avgBitrate.
        dc.skip(1 + 3 + 4 + 4)?;
        let mut specific_info: &[u8] = &[];
        while dc.remaining() > 0 {
            let (tag, body) = descriptor(&mut dc)?;
            if tag == DEC_SPECIFIC_INFO {
                specific_info = body;
                break;
            }
        }
        return Ok(Esds {
            codec: codec_of(object_type),
            specific_info,
        });
    }
    Err(DemuxError::Malformed(
        "esds without a DecoderConfigDescriptor",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ffmpeg_aac_esds_gives_the_audio_specific_config() {
        // The esds payload ffmpeg writes for AAC-LC stereo 48 kHz (4-byte sizes).
        let p = [
            0, 0, 0, 0, 0x03, 0x80, 0x80, 0x80, 0x25, 0x00, 0x02, 0x00, 0x04, 0x80, 0x80, 0x80,
            0x17, 0x40, 0x15, 0x00, 0x00, 0x00, 0x00, 0x00, 0xfc, 0xf2, 0x00, 0x00, 0xfc, 0xf2,
            0x05, 0x80, 0x80, 0x80, 0x05, 0x11, 0x90, 0x56, 0xe5, 0x00, 0x06, 0x80, 0x80, 0x80,
            0x01, 0x02,
        ];
        let e = parse_esds(&p).unwrap();
        assert_eq!(e.codec, Codec::Aac);
        assert_eq!(e.specific_info, &[0x11, 0x90, 0x56, 0xe5, 0x00]);
    }

    #[test]
    fn a_descriptor_longer_than_the_box_fails() {
        let p = [0, 0, 0, 0, 0x03, 0x7f, 0, 1];
        assert!(parse_esds(&p).is_err());
    }
}
