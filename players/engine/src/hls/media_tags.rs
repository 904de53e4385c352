//! What each media playlist tag does to the playlist or to the pending segment
//! ([`State`]): RFC 8216 §4.3.2 (segment tags), §4.3.3 (playlist tags), rfc8216bis
//! §4.4.4.9 and §4.4.5 (LL-HLS).

use alloc::sync::Arc;
use core::time::Duration;

use super::attributes::Attributes;
use super::common;
use super::context::{push, Context};
use super::datetime::parse_date_time;
use super::error::{Error, ErrorKind, WarningKind};
use super::key::{self, KeyMethod};
use super::low_latency;
use super::media::{MediaPlaylist, PlaylistType};
use super::media_parser::State;
use super::segment::{Map, Part, SubRange};
use super::tags::Tag;
use super::value;
use super::variables::Variable;
use super::{daterange, timeline};

pub(crate) fn apply(
    cx: &mut Context<'_>,
    p: &mut MediaPlaylist,
    st: &mut State,
    tag: Tag,
    value: &str,
    imports: &[Variable],
) -> Result<(), Error> {
    let a = Attributes::new(tag.name(), value);
    let malformed = |cx: &Context<'_>| cx.error(ErrorKind::MalformedTag { tag: tag.name() });
    let duplicate = |cx: &mut Context<'_>, seen: bool| {
        if seen {
            cx.warn(WarningKind::DuplicateTag { tag: tag.name() });
        }
    };
    match tag {
        Tag::ExtM3u => duplicate(cx, true),
        Tag::Version => p.version = common::version(cx, value, p.version),
        Tag::IndependentSegments => p.independent_segments = true,
        Tag::Start => {
            duplicate(cx, p.start.is_some());
            p.start = Some(common::start(cx, &a)?);
        }
        Tag::Define => common::define(cx, &a, Some(imports))?,
        Tag::Extinf => {
            duplicate(cx, st.extinf.is_some());
            st.extinf = Some(extinf(cx, value)?);
        }
        Tag::ByteRange => {
            st.byte_range = Some(value::byte_range(value).ok_or_else(|| malformed(cx))?)
        }
        Tag::Discontinuity => st.discontinuity = true,
        Tag::Key => {
            let key = key::parse(cx, &a)?;
            if key.method == KeyMethod::None {
                st.keys.clear();
            } else {
                // RFC 8216 §4.3.2.4: keys with different KEYFORMATs apply together; a
                // new key replaces the one of its own format.
                st.keys.retain(|k| k.key_format != key.key_format);
                push(&mut st.keys, key).map_err(|k| cx.error(k))?;
            }
            st.key_set = (!st.keys.is_empty()).then(|| Arc::from(st.keys.as_slice()));
        }
        Tag::Map => {
            let byte_range = cx.strict(&a, "BYTERANGE", value::byte_range)?;
            let map = Map {
                uri: cx.required_uri(&a, "URI")?,
                byte_range: byte_range.map(|(length, offset)| SubRange {
                    offset: offset.unwrap_or(0),
                    length,
                }),
                keys: st.key_set.clone(),
            };
            st.map = Some(Arc::new(map));
        }
        Tag::ProgramDateTime => match parse_date_time(value) {
            Some(ms) => st.program_date_time = Some(ms),
            None => cx.warn(WarningKind::MalformedTag { tag: tag.name() }),
        },
        Tag::DateRange => {
            let range = daterange::parse(cx, &a, p.segments.len())?;
            push(&mut p.date_ranges, range).map_err(|k| cx.error(k))?;
        }
        Tag::Gap => st.gap = true,
        Tag::Bitrate => match value::decimal_integer(value) {
            Some(kbps) => st.bitrate = Some(kbps.saturating_mul(1000)),
            None => cx.warn(WarningKind::MalformedTag { tag: tag.name() }),
        },
        Tag::Part => {
            let part = part(cx, p, st, &a)?;
            push(&mut st.parts, part).map_err(|k| cx.error(k))?;
        }
        Tag::TargetDuration => {
            duplicate(cx, st.target_duration.is_some());
            let target = match value::decimal_integer(value) {
                Some(secs) => Duration::from_secs(secs),
                None => {
                    // Some packagers write a decimal; players round it up.
                    let d = value::duration(value).ok_or_else(|| malformed(cx))?;
                    cx.warn(WarningKind::MalformedTag { tag: tag.name() });
                    Duration::from_secs(d.as_secs().saturating_add(u64::from(d.subsec_nanos() > 0)))
                }
            };
            // Segments listed before the tag are checked now.
            for s in &p.segments {
                timeline::check_target(cx, 0, s.duration, target);
            }
            st.target_duration = Some(target);
        }
        Tag::MediaSequence => {
            p.media_sequence = value::decimal_integer(value).ok_or_else(|| malformed(cx))?;
        }
        Tag::DiscontinuitySequence => {
            p.discontinuity_sequence =
                value::decimal_integer(value).ok_or_else(|| malformed(cx))?;
        }
        Tag::EndList => p.end_list = true,
        Tag::PlaylistType => match value {
            "VOD" => p.playlist_type = Some(PlaylistType::Vod),
            "EVENT" => p.playlist_type = Some(PlaylistType::Event),
            _ => cx.warn(WarningKind::MalformedTag { tag: tag.name() }),
        },
        Tag::IFramesOnly => p.i_frames_only = true,
        Tag::PartInf => p.part_target = Some(cx.required(&a, "PART-TARGET", value::duration)?),
        Tag::ServerControl => {
            duplicate(cx, p.server_control.is_some());
            p.server_control = Some(low_latency::server_control(cx, &a));
        }
        Tag::Skip => {
            duplicate(cx, p.skip.is_some());
            p.skip = Some(low_latency::skip(cx, &a)?);
        }
        Tag::PreloadHint => {
            let hint = low_latency::preload_hint(cx, &a)?;
            push(&mut p.preload_hints, hint).map_err(|k| cx.error(k))?;
        }
        Tag::RenditionReport => {
            let report = low_latency::rendition_report(cx, &a)?;
            push(&mut p.rendition_reports, report).map_err(|k| cx.error(k))?;
        }
        // Master tags are refused by the caller.
        Tag::Media
        | Tag::StreamInf
        | Tag::IFrameStreamInf
        | Tag::SessionData
        | Tag::SessionKey
        | Tag::ContentSteering => {}
    }
    Ok(())
}

/// `EXTINF:<duration>,[<title>]` (RFC 8216 §4.3.2.1). The comma may be missing; a
/// negative duration (`-1` in M3U radio lists) is taken as zero with a warning.
fn extinf(cx: &mut Context<'_>, value: &str) -> Result<(Duration, alloc::string::String), Error> {
    let (number, title) = value.split_once(',').unwrap_or((value, ""));
    let number = number.split_whitespace().next().unwrap_or("");
    let duration = match value::duration(number) {
        Some(d) => d,
        None if number.strip_prefix('-').and_then(value::duration).is_some() => {
            cx.warn(WarningKind::NegativeDuration);
            Duration::ZERO
        }
        None => {
            return Err(cx.error(ErrorKind::MalformedTag {
                tag: Tag::Extinf.name(),
            }))
        }
    };
    let title = super::context::owned(title.trim()).map_err(|k| cx.error(k))?;
    Ok((duration, title))
}

/// `EXT-X-PART` (rfc8216bis §4.4.4.9); a `BYTERANGE` without offset continues the
/// previous part of the same resource.
fn part(
    cx: &mut Context<'_>,
    p: &MediaPlaylist,
    st: &State,
    a: &Attributes<'_>,
) -> Result<Part, Error> {
    let duration = cx.required(a, "DURATION", value::duration)?;
    let uri = cx.required_uri(a, "URI")?;
    let byte_range = match cx.strict(a, "BYTERANGE", value::byte_range)? {
        None => None,
        Some((length, Some(offset))) => Some(SubRange { offset, length }),
        Some((length, None)) => {
            let previous = st
                .parts
                .last()
                .or_else(|| p.segments.last().and_then(|s| s.parts.last()));
            let offset = previous
                .filter(|prev| prev.uri == uri)
                .and_then(|prev| prev.byte_range)
                .map(|r| r.end())
                .ok_or_else(|| cx.error(ErrorKind::ByteRangeWithoutOffset))?;
            Some(SubRange { offset, length })
        }
    };
    Ok(Part {
        duration,
        uri,
        independent: cx.flag(a, "INDEPENDENT"),
        byte_range,
        gap: cx.flag(a, "GAP"),
    })
}
