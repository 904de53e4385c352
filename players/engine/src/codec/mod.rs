//! Codec configuration: what a decoder needs besides the access units.
//!
//! * H.264 and H.265 parameter sets ([`h264`], [`h265`]), read with an Exp-Golomb
//!   [`bits::RbspReader`] that removes emulation-prevention bytes, and turned into the
//!   `avcC` / `hvcC` records of ISO/IEC 14496-15 ([`avcc`], [`hvcc`]).
//! * Audio frame headers found by their sync words: ADTS AAC and the
//!   AudioSpecificConfig ([`aac`]), MPEG audio ([`mpa`]), AC-3 and E-AC-3 ([`ac3`]),
//!   with their common summary [`AudioHeader`].
//! * RFC 6381 codec strings for capability queries ([`rfc6381`]).
//!
//! Every parser here works on a slice it was given whole and either fails with a
//! [`CodecError`] or returns a value whose accessors cannot fail.

pub mod aac;
pub mod ac3;
pub mod audio;
pub mod avcc;
pub mod bits;
pub mod h264;
pub mod h265;
pub mod hvcc;
pub mod mpa;
pub mod rfc6381;

pub use aac::{AdtsHeader, AudioSpecificConfig};
pub use audio::AudioHeader;
pub use avcc::{build_avcc, parse_avcc, AvcConfig};
pub use hvcc::{build_hvcc, parse_hvcc, HevcConfig};
pub use rfc6381::rfc6381_codec_string;

/// Why a codec structure could not be read or built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodecError {
    /// The structure ends before a field it must hold.
    Truncated,
    /// A field breaks the specification; the message names it.
    Invalid(&'static str),
    /// A valid feature this engine does not handle.
    Unsupported(&'static str),
    /// A size exceeds what a record can hold (or memory could not be reserved).
    TooLarge,
}

impl core::fmt::Display for CodecError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CodecError::Truncated => f.write_str("truncated codec structure"),
            CodecError::Invalid(m) => write!(f, "invalid codec structure: {m}"),
            CodecError::Unsupported(m) => write!(f, "unsupported codec feature: {m}"),
            CodecError::TooLarge => f.write_str("codec structure too large"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_type_stays_small() {
        assert!(core::mem::size_of::<CodecError>() <= 24);
    }
}
