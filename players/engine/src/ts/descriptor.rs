//! What an elementary stream is, from its PMT `stream_type` (ISO/IEC 13818-1 Table
//! 2-34) and descriptors: registration (§2.6.8), ISO 639 language (§2.6.18), the
//! metadata descriptor (§2.6.60, used for ID3 by Apple's "Timed Metadata for HTTP
//! Live Streaming"), and the DVB AC-3 / enhanced AC-3 descriptors (ETSI EN 300 468
//! Annex D).

use crate::es::Syntax;
use crate::media::Codec;

/// The kind of stream this demuxer handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamClass {
    /// H.264 or H.265 in Annex B.
    Video(Codec),
    /// Audio frames of a codec in a frame syntax.
    Audio(Codec, Syntax),
    /// ID3v2 tags, timed by their PES.
    Id3,
}

/// Iterates `(tag, body)` over a descriptor loop, stopping at the first broken one.
fn descriptors(mut data: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    core::iter::from_fn(move || {
        let (&tag, rest) = data.split_first()?;
        let (&len, rest) = rest.split_first()?;
        let (body, rest) = rest.split_at_checked(usize::from(len))?;
        data = rest;
        Some((tag, body))
    })
}

/// Tags used here.
const REGISTRATION: u8 = 0x05;
const LANGUAGE: u8 = 0x0a;
const METADATA: u8 = 0x26;
const DVB_AC3: u8 = 0x6a;
const DVB_EAC3: u8 = 0x7a;

/// The `format_identifier` of a registration descriptor.
fn registration(data: &[u8]) -> Option<&[u8]> {
    descriptors(data).find_map(|(tag, body)| (tag == REGISTRATION).then(|| body.get(..4)).flatten())
}

/// Whether a metadata descriptor names a format other than ID3 (§2.6.60: after
/// `metadata_application_format`, and its identifier when it is 0xFFFF, comes
/// `metadata_format`; Apple's spec sets it to 0xFF with the identifier "ID3 ").
fn metadata_is_not_id3(data: &[u8]) -> bool {
    descriptors(data).any(|(tag, body)| {
        if tag != METADATA {
            return false;
        }
        let at = if body.get(..2) == Some(&[0xff, 0xff][..]) {
            6
        } else {
            2
        };
        match body.get(at) {
            Some(0xff) => body.get(at + 1..at + 5) != Some(&b"ID3 "[..]),
            Some(_) => true,
            None => false,
        }
    })
}

/// Classifies a stream; `None` when this demuxer does not handle it.
pub fn classify(stream_type: u8, descriptor_loop: &[u8]) -> Option<StreamClass> {
    let has = |wanted: u8| descriptors(descriptor_loop).any(|(tag, _)| tag == wanted);
    match stream_type {
        0x1b => Some(StreamClass::Video(Codec::H264)),
        0x24 => Some(StreamClass::Video(Codec::H265)),
        0x0f => Some(StreamClass::Audio(Codec::Aac, Syntax::Adts)),
        0x03 | 0x04 => Some(StreamClass::Audio(Codec::Mp3, Syntax::Mpeg)),
        0x81 => Some(StreamClass::Audio(Codec::Ac3, Syntax::Ac3)),
        0x87 => Some(StreamClass::Audio(Codec::Eac3, Syntax::Ac3)),
        0x15 if !metadata_is_not_id3(descriptor_loop) => Some(StreamClass::Id3),
        0x06 => match registration(descriptor_loop) {
            Some(b"AC-3") => Some(StreamClass::Audio(Codec::Ac3, Syntax::Ac3)),
            Some(b"EAC3") => Some(StreamClass::Audio(Codec::Eac3, Syntax::Ac3)),
            Some(b"ID3 ") => Some(StreamClass::Id3),
            _ if has(DVB_EAC3) => Some(StreamClass::Audio(Codec::Eac3, Syntax::Ac3)),
            _ if has(DVB_AC3) => Some(StreamClass::Audio(Codec::Ac3, Syntax::Ac3)),
            _ => None,
        },
        _ => None,
    }
}

/// The language of an ISO_639_language_descriptor, when it has one.
pub fn language(descriptor_loop: &[u8]) -> Option<[u8; 3]> {
    descriptors(descriptor_loop).find_map(|(tag, body)| {
        let code = body.first_chunk::<3>().filter(|_| tag == LANGUAGE)?;
        code.iter().all(u8::is_ascii_alphabetic).then_some(*code)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_streams_are_told_apart_by_their_descriptors() {
        assert_eq!(
            classify(0x06, b"\x05\x04EAC3"),
            Some(StreamClass::Audio(Codec::Eac3, Syntax::Ac3))
        );
        assert_eq!(
            classify(0x06, b"\x6a\x01\x00"),
            Some(StreamClass::Audio(Codec::Ac3, Syntax::Ac3))
        );
        assert_eq!(classify(0x06, b"\x05\x04ID3 "), Some(StreamClass::Id3));
        assert_eq!(
            classify(0x06, b"\x59\x00"),
            None,
            "DVB subtitles are not handled"
        );
        assert_eq!(classify(0x06, b"\x05\x09"), None, "broken descriptor");
    }

    #[test]
    fn timed_metadata_streams_must_be_id3() {
        // Apple: metadata_application_format 0xFFFF "ID3 ", metadata_format 0xFF "ID3 ".
        let id3 = b"\x26\x0d\xff\xffID3 \xffID3 \x00\x0f";
        assert_eq!(classify(0x15, id3), Some(StreamClass::Id3));
        assert_eq!(classify(0x15, b""), Some(StreamClass::Id3));
        let other = b"\x26\x0d\xff\xffID3 \xffKLV1\x00\x0f";
        assert_eq!(classify(0x15, other), None);
    }

    #[test]
    fn language_comes_from_the_iso_639_descriptor() {
        assert_eq!(language(b"\x05\x04AC-3\x0a\x04eng\x00"), Some(*b"eng"));
        assert_eq!(language(b"\x0a\x02en"), None);
        assert_eq!(language(b"\x0a\x04\x00\x00\x00\x00"), None);
    }
}
