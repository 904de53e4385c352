//! What master and media playlists share: the `#EXTM3U` header, `EXT-X-START`,
//! `EXT-X-DEFINE`, `EXT-X-VERSION`, and unknown tags kept as written.

use alloc::string::String;

use super::attributes::Attributes;
use super::context::{owned, Context};
use super::error::{Error, ErrorKind, WarningKind};
use super::lines::Line;
use super::tags::Tag;
use super::value;
use super::variables::{is_name, query_parameter, Variable};
use crate::time::Micros;

/// `EXT-X-START` (RFC 8216 §4.3.5.2): where to start playing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Start {
    /// `TIME-OFFSET`: from the start of the playlist when positive, from its end when
    /// negative.
    pub time_offset: Micros,
    /// `PRECISE=YES`: start exactly there rather than at the segment that holds it.
    pub precise: bool,
}

/// A tag this parser does not know, kept as written (RFC 8216 §6.3.1: clients ignore
/// unknown tags, but a player may want `EXT-X-CUE-OUT` and friends).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownTag {
    /// The name without `#`, e.g. `EXT-X-CUE-OUT`.
    pub name: String,
    /// What followed the `:`, if there was one.
    pub value: Option<String>,
    /// 1-based line.
    pub line: u32,
    /// In a media playlist, the index of the segment the tag precedes (equal to the
    /// number of segments when it comes after the last one); 0 in a master playlist.
    pub segment_index: usize,
}

pub(crate) fn unknown(
    cx: &Context<'_>,
    name: &str,
    value: Option<&str>,
    segment_index: usize,
) -> Result<UnknownTag, Error> {
    let e = |k| cx.error(k);
    Ok(UnknownTag {
        name: owned(name).map_err(e)?,
        value: value.map(owned).transpose().map_err(e)?,
        line: cx.line,
        segment_index,
    })
}

/// Whether a (non-ignored) line is the `#EXTM3U` header (RFC 8216 §4.3.1.1).
pub(crate) fn is_header(line: &Line<'_>) -> bool {
    matches!(line, Line::Tag { name, .. } if *name == Tag::ExtM3u.name())
}

pub(crate) fn start(cx: &mut Context<'_>, a: &Attributes<'_>) -> Result<Start, Error> {
    Ok(Start {
        time_offset: Micros(cx.required(a, "TIME-OFFSET", value::signed_micros)?),
        precise: cx.flag(a, "PRECISE"),
    })
}

/// `EXT-X-VERSION` (RFC 8216 §4.3.1.2); malformed is a warning.
pub(crate) fn version(cx: &mut Context<'_>, value: &str, previous: Option<u64>) -> Option<u64> {
    if previous.is_some() {
        cx.warn(WarningKind::DuplicateTag {
            tag: Tag::Version.name(),
        });
    }
    let v = value::decimal_integer(value);
    if v.is_none() {
        cx.warn(WarningKind::MalformedTag {
            tag: Tag::Version.name(),
        });
    }
    v.or(previous)
}

/// `EXT-X-DEFINE` (rfc8216bis §4.4.2.3): `NAME`+`VALUE`, `IMPORT` (from the master
/// playlist's variables, media playlists only: `imports` is `None` in a master
/// playlist) or `QUERYPARAM` (from the playlist URL's query).
pub(crate) fn define(
    cx: &mut Context<'_>,
    a: &Attributes<'_>,
    imports: Option<&[Variable]>,
) -> Result<(), Error> {
    let (name, value): (&str, String) = if let Some(name) = a.get("NAME") {
        let value = cx.required_string(a, "VALUE")?;
        (name.text, value)
    } else if let Some(name) = a.get("IMPORT") {
        let imports = imports.ok_or_else(|| cx.malformed(a, "IMPORT"))?;
        let found = imports.iter().find(|v| v.name == name.text);
        let value = found.ok_or_else(|| cx.error(ErrorKind::UndefinedVariable))?;
        (name.text, owned(&value.value).map_err(|k| cx.error(k))?)
    } else if let Some(name) = a.get("QUERYPARAM") {
        let value = query_parameter(cx.url, name.text)
            .ok_or_else(|| cx.error(ErrorKind::UndefinedVariable))?;
        (name.text, owned(value).map_err(|k| cx.error(k))?)
    } else {
        return Err(cx.missing(a, "NAME"));
    };
    if !is_name(name) {
        return Err(cx.malformed(a, "NAME"));
    }
    cx.variables.define(name, &value).map_err(|k| cx.error(k))
}
