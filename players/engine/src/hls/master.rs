//! Master (multivariant) playlists (RFC 8216 §4.3.4): the variants, their alternative
//! renditions, I-frame streams, session data and session keys.

use alloc::string::String;
use alloc::vec::Vec;
use core::mem::take;

use super::attributes::Attributes;
use super::common::{self, Start, UnknownTag};
use super::context::{owned, push, Context};
use super::error::{Error, ErrorKind, Warning, WarningKind};
use super::key::{self, Key};
use super::lines::{lines, Line};
use super::rendition::{self, MediaType, Rendition};
use super::tags::{Scope, Tag};
use super::variables::Variable;
use super::variant::{self, IFrameStream, Variant};

/// `EXT-X-SESSION-DATA` (RFC 8216 §4.3.4.4): arbitrary session metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionData {
    /// `DATA-ID`, reverse-DNS (`com.example.title`).
    pub data_id: String,
    /// `VALUE`, when given inline.
    pub value: Option<String>,
    /// `URI` of a JSON resource with the value, resolved.
    pub uri: Option<String>,
    /// `LANGUAGE`.
    pub language: Option<String>,
}

/// A parsed master playlist.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MasterPlaylist {
    /// The URL it was parsed against.
    pub url: String,
    /// `EXT-X-VERSION`.
    pub version: Option<u64>,
    /// The variant streams, in playlist order.
    pub variants: Vec<Variant>,
    /// The `EXT-X-MEDIA` renditions, in playlist order.
    pub renditions: Vec<Rendition>,
    /// The I-frame streams.
    pub i_frame_streams: Vec<IFrameStream>,
    /// `EXT-X-SESSION-DATA`.
    pub session_data: Vec<SessionData>,
    /// `EXT-X-SESSION-KEY`s, to prefetch keys before any media playlist is loaded.
    pub session_keys: Vec<Key>,
    /// `EXT-X-INDEPENDENT-SEGMENTS`: applies to every media playlist.
    pub independent_segments: bool,
    /// `EXT-X-START`: applies to every media playlist.
    pub start: Option<Start>,
    /// Variables defined by `EXT-X-DEFINE`, for media playlists to `IMPORT`.
    pub variables: Vec<Variable>,
    /// Tags this parser does not know (e.g. `EXT-X-CONTENT-STEERING` is kept here too).
    pub unknown_tags: Vec<UnknownTag>,
    /// What the parser overlooked.
    pub warnings: Vec<Warning>,
    /// Warnings beyond the limit, counted.
    pub warnings_dropped: u32,
}

impl MasterPlaylist {
    /// Parses `text`, resolving URIs against `url`.
    ///
    /// # Errors
    /// An [`Error`] with its line for what RFC 8216 says a client must refuse.
    pub fn parse(text: &str, url: &str) -> Result<Self, Error> {
        parse(text, url)
    }

    /// Parses bytes that must be UTF-8.
    ///
    /// # Errors
    /// [`ErrorKind::NotUtf8`], or as [`MasterPlaylist::parse`].
    pub fn parse_bytes(bytes: &[u8], url: &str) -> Result<Self, Error> {
        parse(super::media::utf8(bytes)?, url)
    }

    /// The renditions of `media_type` in group `group_id` (a variant's `AUDIO`,
    /// `SUBTITLES`, ... value).
    pub fn group<'a>(
        &'a self,
        media_type: MediaType,
        group_id: &'a str,
    ) -> impl Iterator<Item = &'a Rendition> + 'a {
        self.renditions
            .iter()
            .filter(move |r| r.media_type == media_type && r.group_id == group_id)
    }
}

fn parse(text: &str, url: &str) -> Result<MasterPlaylist, Error> {
    let mut cx = Context::new(url);
    let mut m = MasterPlaylist {
        url: owned(url).map_err(|k| cx.error(k))?,
        ..MasterPlaylist::default()
    };
    // The pending EXT-X-STREAM-INF attribute list and its line.
    let mut pending: Option<(&str, u32)> = None;
    let mut header = false;
    for (number, line) in lines(text) {
        cx.line = number;
        match line {
            Line::Ignored => {}
            line if !header => {
                if !common::is_header(&line) {
                    return Err(cx.error(ErrorKind::MissingHeader));
                }
                header = true;
            }
            Line::Uri(raw) => {
                let (list, _) = pending
                    .take()
                    .ok_or_else(|| cx.error(ErrorKind::UriWithoutStreamInf))?;
                let uri = cx.uri(raw)?;
                let a = Attributes::new(Tag::StreamInf.name(), list);
                let v = variant::variant(&mut cx, &a, uri)?;
                push(&mut m.variants, v).map_err(|k| cx.error(k))?;
            }
            Line::Tag { name, value: raw } => {
                let value = raw.unwrap_or("");
                let Some(tag) = Tag::from_name(name) else {
                    let tag = common::unknown(&cx, name, raw, 0)?;
                    push(&mut m.unknown_tags, tag).map_err(|k| cx.error(k))?;
                    continue;
                };
                if tag.scope() == Scope::Media {
                    return Err(cx.error(ErrorKind::MixedPlaylist { tag: tag.name() }));
                }
                if tag == Tag::StreamInf {
                    if let Some((_, line)) = pending.replace((value, number)) {
                        cx.warn_at(line, WarningKind::DanglingTag { tag: tag.name() });
                    }
                    continue;
                }
                apply(&mut cx, &mut m, tag, name, value)?;
            }
        }
    }
    if !header {
        return Err(Error {
            line: 1,
            kind: ErrorKind::MissingHeader,
        });
    }
    if let Some((_, line)) = pending {
        cx.warn_at(
            line,
            WarningKind::DanglingTag {
                tag: Tag::StreamInf.name(),
            },
        );
    }
    m.variables = take(&mut cx.variables.list);
    m.warnings = take(&mut cx.warnings);
    m.warnings_dropped = cx.warnings_dropped;
    Ok(m)
}

fn apply(
    cx: &mut Context<'_>,
    m: &mut MasterPlaylist,
    tag: Tag,
    name: &str,
    value: &str,
) -> Result<(), Error> {
    let a = Attributes::new(tag.name(), value);
    let e = |cx: &Context<'_>, k: ErrorKind| cx.error(k);
    match tag {
        Tag::ExtM3u => cx.warn(WarningKind::DuplicateTag { tag: tag.name() }),
        Tag::Version => m.version = common::version(cx, value, m.version),
        Tag::IndependentSegments => m.independent_segments = true,
        Tag::Start => m.start = Some(common::start(cx, &a)?),
        Tag::Define => common::define(cx, &a, None)?,
        Tag::Media => {
            let r = rendition::parse(cx, &a)?;
            push(&mut m.renditions, r).map_err(|k| e(cx, k))?;
        }
        Tag::IFrameStreamInf => {
            let s = variant::i_frame_stream(cx, &a)?;
            push(&mut m.i_frame_streams, s).map_err(|k| e(cx, k))?;
        }
        Tag::SessionData => {
            let d = SessionData {
                data_id: cx.required_string(&a, "DATA-ID")?,
                value: cx.string(&a, "VALUE")?,
                uri: cx.uri_attribute(&a, "URI")?,
                language: cx.string(&a, "LANGUAGE")?,
            };
            push(&mut m.session_data, d).map_err(|k| e(cx, k))?;
        }
        Tag::SessionKey => {
            let k = key::parse(cx, &a)?;
            push(&mut m.session_keys, k).map_err(|k| e(cx, k))?;
        }
        // Content steering is kept as written until the player implements it.
        Tag::ContentSteering => {
            let t = common::unknown(cx, name, Some(value), 0)?;
            push(&mut m.unknown_tags, t).map_err(|k| e(cx, k))?;
        }
        // Handled by the caller (StreamInf) or refused (media tags).
        _ => {}
    }
    Ok(())
}
