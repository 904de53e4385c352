//! LL-HLS delivery directives (draft-pantos-hls-rfc8216bis §6.2.5): the playlist
//! request that blocks until the next segment or part exists (`_HLS_msn`,
//! `_HLS_part`), optionally as a delta update (`_HLS_skip`).

use alloc::string::String;
use core::fmt::Write;

use super::media::MediaPlaylist;

/// The URL to request the next update of `playlist` with a blocking reload, or
/// `None` when the server does not offer one (`CAN-BLOCK-RELOAD=YES` missing) or the
/// playlist has ended.
///
/// The request asks for the part after the last one listed (`_HLS_part`) when the
/// playlist has parts, else for the segment after the last (`_HLS_msn`). With
/// `delta`, it also asks for a delta update (`_HLS_skip=YES`, or `v2` to skip date
/// ranges too) when the server allows one (`CAN-SKIP-UNTIL`). `_HLS_` parameters
/// already in the URL are replaced; the others are kept.
pub fn reload_url(playlist: &MediaPlaylist, delta: bool) -> Option<String> {
    let control = playlist.server_control.as_ref()?;
    if !control.can_block_reload || playlist.end_list {
        return None;
    }
    let last = playlist
        .segments
        .last()
        .map(|s| s.sequence)
        .or_else(|| playlist.media_sequence.checked_sub(1))?;
    let msn = last.checked_add(1)?;
    let part = if playlist.part_target.is_some() {
        Some(playlist.trailing_parts.len())
    } else {
        None
    };
    let (url, fragment) = match playlist.url.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (playlist.url.as_str(), None),
    };
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut out = String::from(path);
    let mut separator = '?';
    for pair in query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("_HLS_"))
    {
        out.push(separator);
        out.push_str(pair);
        separator = '&';
    }
    // Infallible: writing to a String.
    let _ = write!(out, "{separator}_HLS_msn={msn}");
    if let Some(part) = part {
        let _ = write!(out, "&_HLS_part={part}");
    }
    if delta && control.can_skip_until.is_some() {
        out.push_str(if control.can_skip_dateranges {
            "&_HLS_skip=v2"
        } else {
            "&_HLS_skip=YES"
        });
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    Some(out)
}
