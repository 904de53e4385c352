//! Variant streams (`EXT-X-STREAM-INF`, RFC 8216 §4.3.4.2) and I-frame streams
//! (`EXT-X-I-FRAME-STREAM-INF`, §4.3.4.3) of a master playlist.

use alloc::string::String;

use super::attributes::Attributes;
use super::context::Context;
use super::error::Error;
use super::value::{self, Resolution};

/// `HDCP-LEVEL` (RFC 8216 §4.3.4.2; `TYPE-1` from rfc8216bis).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HdcpLevel {
    /// `NONE`: plays without HDCP.
    None,
    /// `TYPE-0`: needs an HDCP Type 0 output.
    Type0,
    /// `TYPE-1`: needs an HDCP Type 1 output.
    Type1,
}

/// `VIDEO-RANGE` (rfc8216bis §4.4.6.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VideoRange {
    /// `SDR`.
    Sdr,
    /// `HLG`.
    Hlg,
    /// `PQ` (HDR10, Dolby Vision).
    Pq,
}

/// `CLOSED-CAPTIONS` (RFC 8216 §4.3.4.2).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ClosedCaptions {
    /// `NONE`: the variant has no closed captions.
    None,
    /// The `GROUP-ID` of the `CLOSED-CAPTIONS` renditions.
    Group(String),
}

/// The attributes `EXT-X-STREAM-INF` and `EXT-X-I-FRAME-STREAM-INF` share.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamInf {
    /// `BANDWIDTH`: peak bits per second (required).
    pub bandwidth: u64,
    /// `AVERAGE-BANDWIDTH`: average bits per second.
    pub average_bandwidth: Option<u64>,
    /// `CODECS`: RFC 6381 codec strings, comma-separated (see [`StreamInf::codecs`]).
    pub codecs: Option<String>,
    /// `SUPPLEMENTAL-CODECS` (rfc8216bis).
    pub supplemental_codecs: Option<String>,
    /// `RESOLUTION`.
    pub resolution: Option<Resolution>,
    /// `HDCP-LEVEL`.
    pub hdcp_level: Option<HdcpLevel>,
    /// `VIDEO-RANGE`.
    pub video_range: Option<VideoRange>,
    /// `VIDEO`: group of alternative video renditions.
    pub video: Option<String>,
    /// `STABLE-VARIANT-ID` (rfc8216bis).
    pub stable_variant_id: Option<String>,
    /// `PATHWAY-ID` (rfc8216bis content steering).
    pub pathway_id: Option<String>,
}

impl StreamInf {
    /// The codec strings of `CODECS`, trimmed.
    pub fn codecs(&self) -> impl Iterator<Item = &str> {
        self.codecs
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
    }
}

/// One variant stream: an `EXT-X-STREAM-INF` and the URI line after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// The media playlist, resolved against the master playlist URL.
    pub uri: String,
    /// The shared attributes.
    pub stream: StreamInf,
    /// `FRAME-RATE` in thousandths of a frame per second (29.97 → 29970).
    pub frame_rate_milli: Option<u32>,
    /// `AUDIO`: group of audio renditions.
    pub audio: Option<String>,
    /// `SUBTITLES`: group of subtitle renditions.
    pub subtitles: Option<String>,
    /// `CLOSED-CAPTIONS`.
    pub closed_captions: Option<ClosedCaptions>,
}

/// An I-frame stream (`EXT-X-I-FRAME-STREAM-INF`): a media playlist of I-frames for
/// trick play.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IFrameStream {
    /// `URI` of its I-frame media playlist, resolved.
    pub uri: String,
    /// The shared attributes.
    pub stream: StreamInf,
}

pub(crate) fn stream_inf(cx: &mut Context<'_>, a: &Attributes<'_>) -> Result<StreamInf, Error> {
    Ok(StreamInf {
        bandwidth: cx.required(a, "BANDWIDTH", value::decimal_integer)?,
        average_bandwidth: cx.optional(a, "AVERAGE-BANDWIDTH", value::decimal_integer),
        codecs: cx.string(a, "CODECS")?,
        supplemental_codecs: cx.string(a, "SUPPLEMENTAL-CODECS")?,
        resolution: cx.optional(a, "RESOLUTION", value::resolution),
        hdcp_level: cx.optional(a, "HDCP-LEVEL", |s| match s.trim() {
            "NONE" => Some(HdcpLevel::None),
            "TYPE-0" => Some(HdcpLevel::Type0),
            "TYPE-1" => Some(HdcpLevel::Type1),
            _ => None,
        }),
        video_range: cx.optional(a, "VIDEO-RANGE", |s| match s.trim() {
            "SDR" => Some(VideoRange::Sdr),
            "HLG" => Some(VideoRange::Hlg),
            "PQ" => Some(VideoRange::Pq),
            _ => None,
        }),
        video: cx.string(a, "VIDEO")?,
        stable_variant_id: cx.string(a, "STABLE-VARIANT-ID")?,
        pathway_id: cx.string(a, "PATHWAY-ID")?,
    })
}

/// The `EXT-X-STREAM-INF` attributes of a variant (its URI comes from the next line).
pub(crate) fn variant(
    cx: &mut Context<'_>,
    a: &Attributes<'_>,
    uri: String,
) -> Result<Variant, Error> {
    let closed_captions = match a.get("CLOSED-CAPTIONS") {
        None => None,
        Some(raw) if !raw.quoted && raw.text == "NONE" => Some(ClosedCaptions::None),
        Some(_) => cx.string(a, "CLOSED-CAPTIONS")?.map(ClosedCaptions::Group),
    };
    Ok(Variant {
        uri,
        stream: stream_inf(cx, a)?,
        frame_rate_milli: cx.optional(a, "FRAME-RATE", value::frame_rate_milli),
        audio: cx.string(a, "AUDIO")?,
        subtitles: cx.string(a, "SUBTITLES")?,
        closed_captions,
    })
}

pub(crate) fn i_frame_stream(
    cx: &mut Context<'_>,
    a: &Attributes<'_>,
) -> Result<IFrameStream, Error> {
    Ok(IFrameStream {
        uri: cx.required_uri(a, "URI")?,
        stream: stream_inf(cx, a)?,
    })
}
