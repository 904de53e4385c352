//! Media enums: codecs, track kinds, pixel formats, encryption schemes.

use crate::wire::wire_enum;

wire_enum! {
    /// A compressed media format.
    pub enum Codec {
        /// Unknown or unset; never decodable.
        Unknown = 0,
        /// H.264 / AVC (ISO/IEC 14496-10); config is an `avcC` record.
        H264 = 1,
        /// H.265 / HEVC (ISO/IEC 23008-2); config is an `hvcC` record.
        H265 = 2,
        /// AAC (ISO/IEC 14496-3); config is an AudioSpecificConfig; access units are
        /// raw (no ADTS header).
        Aac = 16,
        /// MPEG-1/2 Layer III; frames with their headers, no config.
        Mp3 = 17,
        /// AC-3 (ATSC A/52); sync frames, no config.
        Ac3 = 18,
        /// E-AC-3 (ATSC A/52 Annex E); sync frames, no config.
        Eac3 = 19,
        /// Opus (RFC 6716); config is the `dOps` / OpusHead.
        Opus = 20,
    }
}

impl Codec {
    /// The track kind this codec belongs to.
    pub const fn kind(self) -> TrackKind {
        match self {
            Codec::H264 | Codec::H265 => TrackKind::Video,
            Codec::Aac | Codec::Mp3 | Codec::Ac3 | Codec::Eac3 | Codec::Opus => TrackKind::Audio,
            Codec::Unknown => TrackKind::None,
        }
    }
}

wire_enum! {
    /// The kind of an elementary stream or decoder.
    pub enum TrackKind {
        /// Unset.
        None = 0,
        /// Video.
        Video = 1,
        /// Audio.
        Audio = 2,
        /// Subtitles / captions (rendered by the module on the graphics plane).
        Text = 3,
    }
}

wire_enum! {
    /// A pixel format of images, display planes and decoded video.
    pub enum PixelFormat {
        /// Unset.
        Unknown = 0,
        /// 8-bit R, G, B, A in that byte order, colour premultiplied by alpha. The
        /// graphics plane's format and the default image format.
        Rgba8888Premul = 1,
        /// 8-bit coverage only, tinted by the draw colour (glyph atlases).
        A8 = 2,
        /// 16-bit RGB 5-6-5, little-endian (small SPI displays).
        Rgb565 = 3,
        /// Planar YUV 4:2:0, 8-bit (decoded video).
        I420 = 16,
        /// Semi-planar YUV 4:2:0, 8-bit (decoded video on most SoCs).
        Nv12 = 17,
    }
}

impl PixelFormat {
    /// Bytes per pixel for packed formats; `None` for planar ones.
    pub const fn bytes_per_pixel(self) -> Option<u32> {
        match self {
            PixelFormat::Rgba8888Premul => Some(4),
            PixelFormat::A8 => Some(1),
            PixelFormat::Rgb565 => Some(2),
            _ => None,
        }
    }
}

wire_enum! {
    /// Common-encryption scheme of an access unit (ISO/IEC 23001-7).
    pub enum EncryptionScheme {
        /// Clear.
        None = 0,
        /// `cenc`: AES-CTR.
        Cenc = 1,
        /// `cbcs`: AES-CBC with pattern.
        Cbcs = 2,
    }
}

wire_enum! {
    /// How the access units given to a decoder are framed.
    pub enum Bitstream {
        /// As the codec configuration record implies: H.264/H.265 NAL units each
        /// preceded by its length (the `avcC`/`hvcC` length size, 4 without a record);
        /// audio as raw frames (AAC without ADTS headers). This is MP4's framing.
        Framed = 0,
        /// H.264/H.265 NAL units with start codes (ITU-T H.264 Annex B), as carried in
        /// MPEG-TS; the configuration record, if any, still gives the parameter sets.
        AnnexB = 1,
    }
}
