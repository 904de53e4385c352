//! The media playlist parser: one pass over the lines gathers what applies to the next
//! segment in a [`State`] (RFC 8216 §4.3.2: segment tags apply to the URI that
//! follows, `EXT-X-KEY` and `EXT-X-MAP` to every segment until the next one; what each
//! tag does is in `media_tags`), then `timeline::finish` numbers the segments and lays
//! them on the timeline.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::mem::take;
use core::time::Duration;

use super::common;
use super::context::{push, Context};
use super::error::{Error, ErrorKind, WarningKind};
use super::key::Key;
use super::lines::{lines, Line};
use super::media::MediaPlaylist;
use super::segment::{Map, Part, Segment, SubRange};
use super::tags::{Scope, Tag};
use super::timeline;
use super::variables::Variable;

/// What applies to the next segment, and what applies until changed.
#[derive(Default)]
pub(crate) struct State {
    /// `EXTINF` duration and title waiting for their URI.
    pub(crate) extinf: Option<(Duration, alloc::string::String)>,
    pub(crate) byte_range: Option<(u64, Option<u64>)>,
    pub(crate) discontinuity: bool,
    pub(crate) program_date_time: Option<i64>,
    pub(crate) gap: bool,
    pub(crate) parts: Vec<Part>,
    pub(crate) map: Option<Arc<Map>>,
    pub(crate) keys: Vec<Key>,
    pub(crate) key_set: Option<Arc<[Key]>>,
    pub(crate) bitrate: Option<u64>,
    pub(crate) target_duration: Option<Duration>,
}

pub(crate) fn parse(text: &str, url: &str, imports: &[Variable]) -> Result<MediaPlaylist, Error> {
    let mut cx = Context::new(url);
    let mut p = MediaPlaylist {
        url: common_url(&cx)?,
        ..MediaPlaylist::default()
    };
    // A segment needs an EXTINF and a URI line: reserving that many at once keeps the
    // list as large as the playlist needs, with no growth copies (peak = final size),
    // and a file of bare EXTINF lines reserves nothing.
    let uri_lines = lines(text)
        .filter(|(_, l)| matches!(l, Line::Uri(_)))
        .count();
    let expected = text.matches("#EXTINF").count().min(uri_lines);
    p.segments
        .try_reserve_exact(expected)
        .map_err(|_| cx.error(ErrorKind::OutOfMemory))?;
    let mut st = State::default();
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
            Line::Uri(uri) => segment(&mut cx, &mut p, &mut st, uri)?,
            Line::Tag { name, value } => match Tag::from_name(name) {
                Some(tag) if tag.scope() == Scope::Master => {
                    return Err(cx.error(ErrorKind::MixedPlaylist { tag: tag.name() }));
                }
                Some(tag) => super::media_tags::apply(
                    &mut cx,
                    &mut p,
                    &mut st,
                    tag,
                    value.unwrap_or(""),
                    imports,
                )?,
                None => {
                    let tag = common::unknown(&cx, name, value, p.segments.len())?;
                    push(&mut p.unknown_tags, tag).map_err(|k| cx.error(k))?;
                }
            },
        }
    }
    if !header {
        return Err(Error {
            line: 1,
            kind: ErrorKind::MissingHeader,
        });
    }
    if st.extinf.is_some() {
        cx.warn(WarningKind::DanglingTag {
            tag: Tag::Extinf.name(),
        });
    }
    p.trailing_parts = take(&mut st.parts);
    p.target_duration = match st.target_duration {
        Some(t) => t,
        None => {
            cx.warn_at(0, WarningKind::MissingTargetDuration);
            let longest = p.segments.iter().map(|s| s.duration).max();
            let longest = longest.unwrap_or(Duration::ZERO);
            Duration::from_secs(
                longest
                    .as_secs()
                    .saturating_add(u64::from(longest.subsec_nanos() > 0)),
            )
        }
    };
    p.variables = take(&mut cx.variables.list);
    timeline::finish(&mut p);
    p.warnings = take(&mut cx.warnings);
    p.warnings_dropped = cx.warnings_dropped;
    Ok(p)
}

fn common_url(cx: &Context<'_>) -> Result<alloc::string::String, Error> {
    super::context::owned(cx.url).map_err(|k| cx.error(k))
}

/// A URI line: the segment that the pending tags describe.
fn segment(
    cx: &mut Context<'_>,
    p: &mut MediaPlaylist,
    st: &mut State,
    raw: &str,
) -> Result<(), Error> {
    let (duration, title) = st
        .extinf
        .take()
        .ok_or_else(|| cx.error(ErrorKind::UriWithoutExtinf))?;
    let uri = cx.uri(raw)?;
    let byte_range = match st.byte_range.take() {
        None => None,
        Some((length, Some(offset))) => Some(SubRange { offset, length }),
        // RFC 8216 §4.3.2.2: no offset continues the previous segment's sub-range of
        // the same resource.
        Some((length, None)) => match p.segments.last() {
            Some(prev) if prev.uri == uri => {
                let end = prev.byte_range.map(|r| r.end());
                let offset = end.ok_or_else(|| cx.error(ErrorKind::ByteRangeWithoutOffset))?;
                Some(SubRange { offset, length })
            }
            _ => return Err(cx.error(ErrorKind::ByteRangeWithoutOffset)),
        },
    };
    if let Some(target) = st.target_duration {
        timeline::check_target(cx, cx.line, duration, target);
    }
    let segment = Segment {
        sequence: 0,
        discontinuity_sequence: 0,
        discontinuity: take(&mut st.discontinuity),
        start: Duration::ZERO,
        duration,
        title,
        uri,
        byte_range,
        map: st.map.clone(),
        keys: st.key_set.clone(),
        program_date_time: st.program_date_time.take(),
        gap: take(&mut st.gap),
        bitrate: st.bitrate.filter(|_| byte_range.is_none()),
        parts: take(&mut st.parts),
    };
    push(&mut p.segments, segment).map_err(|k| cx.error(k))
}
