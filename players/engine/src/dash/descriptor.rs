//! Descriptors (ISO/IEC 23009-1 §5.8: `Role`, `Accessibility`, `UTCTiming`,
//! `AudioChannelConfiguration`...), `ContentProtection` (§5.8.4.1 with the
//! `cenc:default_KID` of ISO/IEC 23001-7 §11.2), and the small value types the
//! common attributes use (frame rates, aspect ratios).

use alloc::string::String;
use alloc::vec::Vec;

use super::attr::{owned, parse_u64, push, El};
use super::error::MpdError;

/// The `cenc` namespace of `default_KID` and `pssh` (ISO/IEC 23001-7 §11.2.1).
const CENC: &str = "urn:mpeg:cenc:2013";

/// A `DescriptorType` element: a scheme and its value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Descriptor {
    /// `@schemeIdUri`, e.g. `urn:mpeg:dash:role:2011`.
    pub scheme_id_uri: String,
    /// `@value`, e.g. `main`.
    pub value: Option<String>,
    /// `@id`.
    pub id: Option<String>,
}

impl Descriptor {
    pub(crate) fn parse(el: &El<'_, '_>) -> Result<Self, MpdError> {
        Ok(Self {
            scheme_id_uri: el.required("schemeIdUri", el.string("schemeIdUri"))?,
            value: el.string("value")?,
            id: el.string("id")?,
        })
    }

    /// Every child `name` of `el`, parsed.
    pub(crate) fn all(el: &El<'_, '_>, name: &'static str) -> Result<Vec<Self>, MpdError> {
        let mut out = Vec::new();
        for child in el.children(name) {
            push(&mut out, Self::parse(&child)?)?;
        }
        Ok(out)
    }
}

/// A `ContentProtection` descriptor, kept for the DRM layer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContentProtection {
    /// `@schemeIdUri`: `urn:mpeg:dash:mp4protection:2011` or a DRM system's
    /// `urn:uuid:<SystemID>`.
    pub scheme_id_uri: String,
    /// `@value` (`cenc`, `cbcs` for the mp4protection scheme).
    pub value: Option<String>,
    /// `cenc:default_KID`, the 16-byte key id.
    pub default_kid: Option<[u8; 16]>,
    /// The base64 text of a `cenc:pssh` child, unchanged.
    pub pssh: Option<String>,
}

impl ContentProtection {
    pub(crate) fn all(el: &El<'_, '_>) -> Result<Vec<Self>, MpdError> {
        let mut out = Vec::new();
        for child in el.children("ContentProtection") {
            let kid = child
                .node
                .attribute((CENC, "default_KID"))
                .map(|s| {
                    parse_uuid(s.trim()).ok_or(MpdError::BadValue {
                        element: "ContentProtection",
                        attribute: "cenc:default_KID",
                    })
                })
                .transpose()?;
            let pssh = child
                .node
                .children()
                .find(|n| n.tag_name().namespace() == Some(CENC) && n.tag_name().name() == "pssh")
                .and_then(|n| n.text())
                .map(|t| owned(t.trim()))
                .transpose()?;
            let item = Self {
                scheme_id_uri: child.required("schemeIdUri", child.string("schemeIdUri"))?,
                value: child.string("value")?,
                default_kid: kid,
                pssh,
            };
            push(&mut out, item)?;
        }
        Ok(out)
    }
}

/// A UUID `8-4-4-4-12` (or 32 bare hex digits) into its 16 bytes.
fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    let mut nibbles = s.bytes().filter(|b| *b != b'-');
    if s.bytes().filter(|b| *b == b'-').count() > 4 {
        return None;
    }
    for byte in out.iter_mut() {
        let hi = hex(nibbles.next()?)?;
        let lo = hex(nibbles.next()?)?;
        *byte = hi << 4 | lo;
    }
    nibbles.next().is_none().then_some(out)
}

fn hex(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|d| d as u8)
}

/// A frame rate `num/den` (`@frameRate`, §5.3.12.2: `25`, `30000/1001`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameRate {
    /// Numerator (frames).
    pub num: u32,
    /// Denominator (seconds), never 0.
    pub den: u32,
}

impl FrameRate {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let (num, den) = match s.split_once('/') {
            Some((n, d)) => (n, Some(d)),
            None => (s, None),
        };
        let num = u32::try_from(parse_u64(num.trim())?).ok()?;
        let den = match den {
            Some(d) => u32::try_from(parse_u64(d.trim())?).ok()?,
            None => 1,
        };
        (den != 0).then_some(Self { num, den })
    }

    /// Frames per 1000 seconds, rounded (`30000/1001` → 29970).
    pub fn millihertz(self) -> u64 {
        (u64::from(self.num) * 1000 + u64::from(self.den) / 2) / u64::from(self.den)
    }
}

/// An aspect ratio `h:v` (`@par`, `@sar`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio {
    /// Horizontal.
    pub h: u32,
    /// Vertical.
    pub v: u32,
}

impl Ratio {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let (h, v) = s.split_once(':')?;
        Some(Self {
            h: u32::try_from(parse_u64(h.trim())?).ok()?,
            v: u32::try_from(parse_u64(v.trim())?).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_rates_keep_their_fraction() {
        assert_eq!(
            FrameRate::parse("30000/1001"),
            Some(FrameRate {
                num: 30000,
                den: 1001
            })
        );
        assert_eq!(
            FrameRate::parse("25").map(FrameRate::millihertz),
            Some(25_000)
        );
        assert_eq!(
            FrameRate::parse("30000/1001").map(FrameRate::millihertz),
            Some(29_970)
        );
        assert_eq!(FrameRate::parse("25/0"), None);
        assert_eq!(FrameRate::parse("/1"), None);
    }

    #[test]
    fn key_ids_parse_with_or_without_dashes() {
        let kid = [
            0x10, 0x77, 0xef, 0xec, 0xc0, 0xb2, 0x4d, 0x02, 0xac, 0xe3, 0x3c, 0x1e, 0x52, 0xe2,
            0xfb, 0x4b,
        ];
        assert_eq!(
            parse_uuid("1077efec-c0b2-4d02-ace3-3c1e52e2fb4b"),
            Some(kid)
        );
        assert_eq!(parse_uuid("1077EFECC0B24D02ACE33C1E52E2FB4B"), Some(kid));
        assert_eq!(parse_uuid("1077efec-c0b2-4d02-ace3-3c1e52e2fb4"), None);
        assert_eq!(parse_uuid("1077efec-c0b2-4d02-ace3-3c1e52e2fb4b00"), None);
        assert_eq!(parse_uuid("1077efec-c0b2-4d02-ace3-3c1e52e2fbxx"), None);
    }
}
