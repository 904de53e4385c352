//! `EXT-X-KEY` and `EXT-X-SESSION-KEY` (RFC 8216 §4.3.2.4, §4.3.4.5): how segments are
//! encrypted, and the IV rule of RFC 8216 §5.2.

use alloc::string::String;

use super::attributes::Attributes;
use super::context::Context;
use super::error::Error;
use super::value;

/// The encryption method (`METHOD`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyMethod {
    /// `NONE`: the segments are not encrypted.
    None,
    /// `AES-128`: whole segments in AES-128-CBC with PKCS#7 padding (RFC 8216 §4.3.2.4).
    Aes128,
    /// `SAMPLE-AES`: samples encrypted inside the container (Apple's Sample Encryption).
    SampleAes,
    /// `SAMPLE-AES-CTR`: ISO/IEC 23001-7 `cenc` in fMP4 (rfc8216bis §4.4.4.4).
    SampleAesCtr,
}

impl KeyMethod {
    fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "NONE" => Some(Self::None),
            "AES-128" => Some(Self::Aes128),
            "SAMPLE-AES" => Some(Self::SampleAes),
            "SAMPLE-AES-CTR" => Some(Self::SampleAesCtr),
            _ => None,
        }
    }
}

/// One key tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// How the segments are encrypted.
    pub method: KeyMethod,
    /// Where the key is, resolved against the playlist URL (`None` only for `NONE`).
    pub uri: Option<String>,
    /// The explicit IV (`IV=0x...`), 128 bits big-endian; `None` means the RFC 8216
    /// §5.2 default (see [`Key::iv_for`]).
    pub iv: Option<[u8; 16]>,
    /// `KEYFORMAT`; `identity` when absent (RFC 8216 §4.3.2.4).
    pub key_format: String,
    /// `KEYFORMATVERSIONS` as written (`/`-separated integers); `1` when absent.
    pub key_format_versions: String,
}

/// The default `KEYFORMAT` (the key file is the 16 raw key bytes).
pub const IDENTITY: &str = "identity";

impl Key {
    /// Whether the key file holds the raw key (`KEYFORMAT="identity"`), so the
    /// player can fetch it and decrypt by itself.
    pub fn is_identity(&self) -> bool {
        self.key_format == IDENTITY
    }

    /// The IV for the segment with media sequence number `sequence`: the `IV`
    /// attribute when present, otherwise the sequence number as a 128-bit big-endian
    /// integer (RFC 8216 §5.2).
    pub fn iv_for(&self, sequence: u64) -> [u8; 16] {
        self.iv
            .unwrap_or_else(|| crate::crypto::iv_from_sequence(sequence))
    }
}

/// Parses the attributes of a key tag. `METHOD` is required and must be known (a
/// segment the player cannot decrypt is better refused than played as noise); `URI`
/// is required unless the method is `NONE`; a malformed `IV` is fatal for the same
/// reason.
pub(crate) fn parse(cx: &Context<'_>, a: &Attributes<'_>) -> Result<Key, Error> {
    let method = cx.required(a, "METHOD", KeyMethod::parse)?;
    let uri = match method {
        KeyMethod::None => None,
        _ => Some(cx.required_uri(a, "URI")?),
    };
    let iv = cx.strict(a, "IV", value::hex_128)?;
    let key_format = match cx.string(a, "KEYFORMAT")? {
        Some(f) => f,
        None => String::from(IDENTITY),
    };
    let key_format_versions = match cx.string(a, "KEYFORMATVERSIONS")? {
        Some(v) => v,
        None => String::from("1"),
    };
    Ok(Key {
        method,
        uri,
        iv,
        key_format,
        key_format_versions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hls::error::ErrorKind;

    fn key(list: &str) -> Result<Key, Error> {
        let cx = Context::new("https://h/p/x.m3u8");
        parse(&cx, &Attributes::new("EXT-X-KEY", list))
    }

    #[test]
    fn key_attributes_and_defaults() {
        let k = key(r#"METHOD=AES-128,URI="../k/1.key",IV=0x000102030405060708090a0b0c0d0e0f"#)
            .unwrap();
        assert_eq!(k.method, KeyMethod::Aes128);
        assert_eq!(k.uri.as_deref(), Some("https://h/k/1.key"));
        assert_eq!(
            k.iv,
            Some([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])
        );
        assert!(k.is_identity());
        assert_eq!(k.key_format_versions, "1");
        assert_eq!(k.iv_for(99), k.iv.unwrap());
    }

    #[test]
    fn missing_iv_is_the_sequence_number_big_endian() {
        let k = key(r#"METHOD=AES-128,URI="k""#).unwrap();
        let mut expected = [0u8; 16];
        expected[8..].copy_from_slice(&0x0102_0304_0506_0708u64.to_be_bytes());
        assert_eq!(k.iv_for(0x0102_0304_0506_0708), expected);
    }

    #[test]
    fn method_uri_and_iv_are_checked() {
        assert_eq!(key("METHOD=NONE").unwrap().uri, None);
        let kind = |r: Result<Key, Error>| r.unwrap_err().kind;
        assert_eq!(
            kind(key("METHOD=AES-128")),
            ErrorKind::MissingAttribute {
                tag: "EXT-X-KEY",
                name: "URI"
            }
        );
        assert_eq!(
            kind(key(r#"METHOD=ROT13,URI="k""#)),
            ErrorKind::MalformedAttribute {
                tag: "EXT-X-KEY",
                name: "METHOD"
            }
        );
        assert_eq!(
            kind(key(r#"METHOD=AES-128,URI="k",IV=0xZZ"#)),
            ErrorKind::MalformedAttribute {
                tag: "EXT-X-KEY",
                name: "IV"
            }
        );
    }

    #[test]
    fn drm_key_formats_are_kept() {
        let k = key(r#"METHOD=SAMPLE-AES,URI="skd://id",KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1/2""#)
            .unwrap();
        assert_eq!(k.method, KeyMethod::SampleAes);
        assert!(!k.is_identity());
        assert_eq!(k.uri.as_deref(), Some("skd://id"));
        assert_eq!(k.key_format_versions, "1/2");
    }
}
