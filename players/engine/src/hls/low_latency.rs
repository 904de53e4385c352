//! Low-Latency HLS tags (draft-pantos-hls-rfc8216bis §4.4.3.7–§4.4.3.8, §4.4.5):
//! server control, skipped segments, preload hints and rendition reports.
//! (`EXT-X-PART` lives with segments: [`super::segment::Part`].)

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use super::attributes::Attributes;
use super::context::{push, Context};
use super::error::Error;
use super::value;

/// `EXT-X-SERVER-CONTROL` (rfc8216bis §4.4.3.8): what the server supports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerControl {
    /// `CAN-SKIP-UNTIL`: delta updates (`_HLS_skip=YES`) may skip segments older than
    /// this from the live edge.
    pub can_skip_until: Option<Duration>,
    /// `CAN-SKIP-DATERANGES=YES`: delta updates may also skip old date ranges.
    pub can_skip_dateranges: bool,
    /// `HOLD-BACK`: the minimum distance from the live edge to start playback.
    pub hold_back: Option<Duration>,
    /// `PART-HOLD-BACK`: the same in low-latency mode.
    pub part_hold_back: Option<Duration>,
    /// `CAN-BLOCK-RELOAD=YES`: blocking playlist reload (`_HLS_msn`) is supported.
    pub can_block_reload: bool,
}

pub(crate) fn server_control(cx: &mut Context<'_>, a: &Attributes<'_>) -> ServerControl {
    ServerControl {
        can_skip_until: cx.optional(a, "CAN-SKIP-UNTIL", value::duration),
        can_skip_dateranges: cx.flag(a, "CAN-SKIP-DATERANGES"),
        hold_back: cx.optional(a, "HOLD-BACK", value::duration),
        part_hold_back: cx.optional(a, "PART-HOLD-BACK", value::duration),
        can_block_reload: cx.flag(a, "CAN-BLOCK-RELOAD"),
    }
}

/// `EXT-X-SKIP` (rfc8216bis §4.4.5.2): a delta update replaced the oldest segments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Skip {
    /// `SKIPPED-SEGMENTS`: how many segments were left out before the first listed.
    pub skipped_segments: u64,
    /// `RECENTLY-REMOVED-DATERANGES`: ids of date ranges removed since (tab-separated
    /// in the playlist).
    pub recently_removed_dateranges: Vec<String>,
}

pub(crate) fn skip(cx: &Context<'_>, a: &Attributes<'_>) -> Result<Skip, Error> {
    let skipped_segments = cx.required(a, "SKIPPED-SEGMENTS", value::decimal_integer)?;
    let mut recently_removed_dateranges = Vec::new();
    if let Some(ids) = cx.string(a, "RECENTLY-REMOVED-DATERANGES")? {
        for id in ids.split('\t').filter(|id| !id.is_empty()) {
            let id = super::context::owned(id).map_err(|k| cx.error(k))?;
            push(&mut recently_removed_dateranges, id).map_err(|k| cx.error(k))?;
        }
    }
    Ok(Skip {
        skipped_segments,
        recently_removed_dateranges,
    })
}

/// What a preload hint announces (`TYPE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HintKind {
    /// `PART`: the next partial segment.
    Part,
    /// `MAP`: the next media initialization section.
    Map,
}

/// `EXT-X-PRELOAD-HINT` (rfc8216bis §4.4.5.3): a resource the client may request
/// before it is announced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreloadHint {
    /// `TYPE`.
    pub kind: HintKind,
    /// Resolved `URI`.
    pub uri: String,
    /// `BYTERANGE-START` (0 when absent).
    pub start: u64,
    /// `BYTERANGE-LENGTH`; `None` means to the end of the resource.
    pub length: Option<u64>,
}

pub(crate) fn preload_hint(cx: &mut Context<'_>, a: &Attributes<'_>) -> Result<PreloadHint, Error> {
    let kind = cx.required(a, "TYPE", |t| match t.trim() {
        "PART" => Some(HintKind::Part),
        "MAP" => Some(HintKind::Map),
        _ => None,
    })?;
    Ok(PreloadHint {
        kind,
        uri: cx.required_uri(a, "URI")?,
        start: cx
            .optional(a, "BYTERANGE-START", value::decimal_integer)
            .unwrap_or(0),
        length: cx.optional(a, "BYTERANGE-LENGTH", value::decimal_integer),
    })
}

/// `EXT-X-RENDITION-REPORT` (rfc8216bis §4.4.5.4): where another rendition's live
/// edge is, so a switch can request the right segment at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenditionReport {
    /// Resolved `URI` of the other rendition's media playlist.
    pub uri: String,
    /// `LAST-MSN`: its last media sequence number.
    pub last_msn: Option<u64>,
    /// `LAST-PART`: its last part index in that segment.
    pub last_part: Option<u64>,
}

pub(crate) fn rendition_report(
    cx: &mut Context<'_>,
    a: &Attributes<'_>,
) -> Result<RenditionReport, Error> {
    Ok(RenditionReport {
        uri: cx.required_uri(a, "URI")?,
        last_msn: cx.optional(a, "LAST-MSN", value::decimal_integer),
        last_part: cx.optional(a, "LAST-PART", value::decimal_integer),
    })
}
