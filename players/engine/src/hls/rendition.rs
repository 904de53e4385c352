//! Alternative renditions (`EXT-X-MEDIA`, RFC 8216 §4.3.4.1): audio tracks, subtitle
//! tracks, closed captions and camera angles, grouped by `GROUP-ID`.

use alloc::string::String;

use super::attributes::Attributes;
use super::context::Context;
use super::error::{Error, WarningKind};

/// `TYPE` of a rendition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// `AUDIO`.
    Audio,
    /// `VIDEO`.
    Video,
    /// `SUBTITLES` (WebVTT media playlists).
    Subtitles,
    /// `CLOSED-CAPTIONS` (CEA-608/708 inside the video; no URI).
    ClosedCaptions,
}

/// One `EXT-X-MEDIA` rendition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendition {
    /// `TYPE`.
    pub media_type: MediaType,
    /// `URI` of its media playlist, resolved; `None` when the rendition is carried in
    /// the variant's own stream (and always for closed captions).
    pub uri: Option<String>,
    /// `GROUP-ID`.
    pub group_id: String,
    /// `LANGUAGE` (RFC 5646 tag).
    pub language: Option<String>,
    /// `ASSOC-LANGUAGE`.
    pub assoc_language: Option<String>,
    /// `NAME`: human-readable (empty when absent, with a warning).
    pub name: String,
    /// `STABLE-RENDITION-ID` (rfc8216bis).
    pub stable_rendition_id: Option<String>,
    /// `DEFAULT=YES`.
    pub default: bool,
    /// `AUTOSELECT=YES` (implied by `DEFAULT=YES`, RFC 8216 §4.3.4.1).
    pub autoselect: bool,
    /// `FORCED=YES` (subtitles only).
    pub forced: bool,
    /// `INSTREAM-ID` (`CC1`..`CC4`, `SERVICE1`..`SERVICE63`).
    pub instream_id: Option<String>,
    /// `CHARACTERISTICS`: comma-separated UTIs.
    pub characteristics: Option<String>,
    /// `CHANNELS` as written (`"2"`, `"6"`, `"16/JOC"`).
    pub channels: Option<String>,
}

impl Rendition {
    /// The audio channel count (the first `/`-separated field of `CHANNELS`).
    pub fn channel_count(&self) -> Option<u32> {
        let first = self.channels.as_deref()?.split('/').next()?;
        first.trim().parse().ok()
    }
}

pub(crate) fn parse(cx: &mut Context<'_>, a: &Attributes<'_>) -> Result<Rendition, Error> {
    let media_type = cx.required(a, "TYPE", |t| match t.trim() {
        "AUDIO" => Some(MediaType::Audio),
        "VIDEO" => Some(MediaType::Video),
        "SUBTITLES" => Some(MediaType::Subtitles),
        "CLOSED-CAPTIONS" => Some(MediaType::ClosedCaptions),
        _ => None,
    })?;
    let group_id = cx.required_string(a, "GROUP-ID")?;
    let name = match cx.string(a, "NAME")? {
        Some(n) => n,
        None => {
            cx.warn(WarningKind::MalformedAttribute {
                tag: a.tag,
                name: "NAME",
            });
            String::new()
        }
    };
    // RFC 8216 §4.3.4.1: closed captions have no URI, and need an INSTREAM-ID.
    let uri = match media_type {
        MediaType::ClosedCaptions => None,
        _ => cx.uri_attribute(a, "URI")?,
    };
    let instream_id = cx.string(a, "INSTREAM-ID")?;
    if media_type == MediaType::ClosedCaptions && instream_id.is_none() {
        return Err(cx.missing(a, "INSTREAM-ID"));
    }
    let default = cx.flag(a, "DEFAULT");
    Ok(Rendition {
        media_type,
        uri,
        group_id,
        language: cx.string(a, "LANGUAGE")?,
        assoc_language: cx.string(a, "ASSOC-LANGUAGE")?,
        name,
        stable_rendition_id: cx.string(a, "STABLE-RENDITION-ID")?,
        default,
        autoselect: cx.flag(a, "AUTOSELECT") || default,
        forced: cx.flag(a, "FORCED"),
        instream_id,
        characteristics: cx.string(a, "CHARACTERISTICS")?,
        channels: cx.string(a, "CHANNELS")?,
    })
}
