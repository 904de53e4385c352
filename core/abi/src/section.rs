//! The custom section a module uses to declare its ABI version and needs.
//!
//! Section name [`SECTION_NAME`]; contents, little-endian:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | magic `b"wasp"` |
//! | 4 | 2 | section format, [`FORMAT`] |
//! | 6 | 2 | ABI major the module was built against |
//! | 8 | 2 | ABI minor the module was built against |
//! | 10 | 2 | reserved, zero |
//! | 12 | 8 | required features (bits of [`crate::player::feature`]) |
//! | 20 | … | TLV entries (`u16 tag`, `u16 len`, value): [`TAG_NAME`], [`TAG_VERSION`] |
//!
//! Unknown tags are skipped. The runtime accepts the same major and a minor it can
//! serve, and refuses otherwise with a message naming both versions.

use crate::wire::Records;

/// The custom section's name.
pub const SECTION_NAME: &str = "wasp.abi";
/// The section format this crate writes.
pub const FORMAT: u16 = 1;
/// Magic bytes at the start of the section.
pub const MAGIC: [u8; 4] = *b"wasp";
/// Header length before the TLV entries.
pub const HEADER: usize = 20;
/// TLV tag: the module's name (UTF-8).
pub const TAG_NAME: u16 = 1;
/// TLV tag: the module's version (UTF-8).
pub const TAG_VERSION: u16 = 2;
/// Longest name or version string.
pub const MAX_TEXT: usize = 64;

/// A decoded ABI section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AbiSection<'a> {
    /// ABI major version.
    pub major: u16,
    /// ABI minor version.
    pub minor: u16,
    /// Required feature bits.
    pub required: u64,
    /// Module name ("" when absent).
    pub name: &'a str,
    /// Module version ("" when absent).
    pub version: &'a str,
}

/// Why a section could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionError {
    /// Shorter than the header.
    Truncated,
    /// The magic is wrong.
    BadMagic,
    /// A section format this runtime does not know.
    UnknownFormat(u16),
    /// A TLV entry overruns the section or a text is not UTF-8 / too long.
    BadEntry,
}

impl core::fmt::Display for SectionError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SectionError::Truncated => write!(
                f,
                "the `{SECTION_NAME}` section is shorter than its {HEADER}-byte header"
            ),
            SectionError::BadMagic => write!(
                f,
                "the `{SECTION_NAME}` section does not start with \"wasp\""
            ),
            SectionError::UnknownFormat(v) => write!(
                f,
                "the `{SECTION_NAME}` section has format {v}; this runtime reads format {FORMAT}"
            ),
            SectionError::BadEntry => {
                write!(f, "the `{SECTION_NAME}` section has a malformed entry")
            }
        }
    }
}

impl<'a> AbiSection<'a> {
    /// Decodes a section's contents.
    ///
    /// # Errors
    /// A [`SectionError`] saying what is wrong.
    #[allow(clippy::indexing_slicing)] // `head` is exactly HEADER bytes: every index is in range.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, SectionError> {
        let (head, rest) = bytes
            .split_at_checked(HEADER)
            .ok_or(SectionError::Truncated)?;
        let u16_at = |i: usize| u16::from_le_bytes([head[i], head[i + 1]]);
        if head[..4] != MAGIC {
            return Err(SectionError::BadMagic);
        }
        if u16_at(4) != FORMAT {
            return Err(SectionError::UnknownFormat(u16_at(4)));
        }
        let mut required = [0u8; 8];
        required.copy_from_slice(&head[12..20]);
        let mut section = AbiSection {
            major: u16_at(6),
            minor: u16_at(8),
            required: u64::from_le_bytes(required),
            name: "",
            version: "",
        };
        for record in Records::new(rest) {
            let record = record.map_err(|_| SectionError::BadEntry)?;
            let text = || {
                if record.payload.len() > MAX_TEXT {
                    return Err(SectionError::BadEntry);
                }
                core::str::from_utf8(record.payload).map_err(|_| SectionError::BadEntry)
            };
            match record.kind {
                TAG_NAME => section.name = text()?,
                TAG_VERSION => section.version = text()?,
                _ => {}
            }
        }
        Ok(section)
    }
}

/// The encoded length of a section with this name and version.
pub const fn encoded_len(name: &str, version: &str) -> usize {
    HEADER + 4 + name.len() + 4 + version.len()
}

#[allow(clippy::indexing_slicing)] // compile-time only: an overrun fails the build.
const fn put16<const N: usize>(out: &mut [u8; N], at: usize, v: u16) {
    let b = v.to_le_bytes();
    out[at] = b[0];
    out[at + 1] = b[1];
}

/// Encodes a section at compile time (used by the guest SDK's `module!` macro).
///
/// # Panics
/// At compile time, when `N` is not [`encoded_len`] or a text exceeds [`MAX_TEXT`].
#[allow(clippy::indexing_slicing)] // compile-time only: an overrun fails the build.
pub const fn encode<const N: usize>(
    major: u16,
    minor: u16,
    required: u64,
    name: &str,
    version: &str,
) -> [u8; N] {
    assert!(N == encoded_len(name, version), "section length mismatch");
    assert!(
        name.len() <= MAX_TEXT && version.len() <= MAX_TEXT,
        "name or version too long"
    );
    let mut out = [0u8; N];
    let mut i = 0;
    while i < 4 {
        out[i] = MAGIC[i];
        i += 1;
    }
    put16(&mut out, 4, FORMAT);
    put16(&mut out, 6, major);
    put16(&mut out, 8, minor);
    let req = required.to_le_bytes();
    let mut i = 0;
    while i < 8 {
        out[12 + i] = req[i];
        i += 1;
    }
    let mut at = HEADER;
    let texts = [
        (TAG_NAME, name.as_bytes()),
        (TAG_VERSION, version.as_bytes()),
    ];
    let mut t = 0;
    while t < texts.len() {
        let (tag, text) = texts[t];
        put16(&mut out, at, tag);
        put16(&mut out, at + 2, text.len() as u16);
        at += 4;
        let mut i = 0;
        while i < text.len() {
            out[at + i] = text[i];
            i += 1;
        }
        at += text.len();
        t += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_round_trips() {
        const LEN: usize = encoded_len("tv", "1.2.3");
        let bytes: [u8; LEN] = encode(1, 4, 0b101, "tv", "1.2.3");
        let s = AbiSection::decode(&bytes).unwrap();
        assert_eq!(
            s,
            AbiSection {
                major: 1,
                minor: 4,
                required: 0b101,
                name: "tv",
                version: "1.2.3"
            }
        );
    }

    #[test]
    fn malformed_sections_are_refused() {
        assert_eq!(AbiSection::decode(b"wasp"), Err(SectionError::Truncated));
        let mut bytes: [u8; encoded_len("a", "b")] = encode(1, 0, 0, "a", "b");
        bytes[0] = b'W';
        assert_eq!(AbiSection::decode(&bytes), Err(SectionError::BadMagic));
        bytes[0] = b'w';
        bytes[4] = 9;
        assert_eq!(
            AbiSection::decode(&bytes),
            Err(SectionError::UnknownFormat(9))
        );
        bytes[4] = 1;
        let last = bytes.len() - 3;
        bytes[last] = 200; // version entry length runs past the end
        assert_eq!(AbiSection::decode(&bytes), Err(SectionError::BadEntry));
    }
}
