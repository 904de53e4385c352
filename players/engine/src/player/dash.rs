//! DASH presentations (ISO/IEC 23009-1) on the same streams as HLS: each
//! Representation of a static MPD becomes a rendition whose segment list is built
//! from the MPD's addressing (SegmentTemplate with or without SegmentTimeline,
//! SegmentList), with its initialization segment as the init.
//!
//! Not yet: dynamic (live) MPDs, SegmentBase (the `sidx` must be fetched first),
//! several Periods (the first is played).

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::time::Duration;

use wasp_abi::player::{LogLevel, StateReason};

use super::manifest::{alternate_audio, playable};
use super::stream::{Init, Rendition, Stream};
use super::{AudioOption, Player};
use crate::dash::{AdaptationSet, Mpd, MpdType, Representation};
use crate::hls::{Map, MediaPlaylist, PlaylistType, Segment, SubRange};
use crate::platform::Platform;

/// Most segments listed per Representation (bounded memory: 2 s segments for 24 h).
const MAX_SEGMENTS: usize = 43_200;

/// Whether a manifest is an MPD (XML), not an M3U8.
pub(super) fn looks_like_mpd(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(512)).unwrap_or_default();
    let text = core::str::from_utf8(head).unwrap_or("");
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with("<?xml") || text.starts_with("<MPD")
}

fn is_kind(set: &AdaptationSet, kind: &str) -> bool {
    let mime = |m: &Option<alloc::rc::Rc<str>>| m.as_deref().is_some_and(|m| m.starts_with(kind));
    set.content_type.as_deref() == Some(kind)
        || mime(&set.common.mime_type)
        || set
            .representations
            .first()
            .is_some_and(|r| mime(&r.common.mime_type))
}

/// A Representation's segments as a media playlist on the presentation timeline.
fn playlist(rep: &Representation, url: &str) -> Option<MediaPlaylist> {
    let init = rep.initialization().map(|i| {
        Arc::new(Map {
            uri: i.url,
            byte_range: i.range.map(|r| SubRange {
                offset: r.offset,
                length: u64::from(r.length),
            }),
            keys: None,
        })
    });
    let mut segments = Vec::new();
    let mut longest = Duration::ZERO;
    for s in rep.segments().take(MAX_SEGMENTS) {
        let start = Duration::from_micros(u64::try_from(s.start.0).ok()?);
        let duration = Duration::from_micros(u64::try_from(s.duration.to_micros().0).ok()?);
        longest = longest.max(duration);
        segments.push(Segment {
            sequence: s.number,
            discontinuity_sequence: 0,
            discontinuity: false,
            start,
            duration,
            title: String::new(),
            uri: s.url,
            byte_range: s.range.map(|r| SubRange {
                offset: r.offset,
                length: u64::from(r.length),
            }),
            map: init.clone(),
            keys: None,
            program_date_time: None,
            gap: false,
            bitrate: None,
            parts: Vec::new(),
        });
    }
    if segments.is_empty() {
        return None;
    }
    Some(MediaPlaylist {
        url: url.into(),
        target_duration: Duration::from_secs(
            longest.as_secs() + u64::from(longest.subsec_nanos() > 0),
        ),
        playlist_type: Some(PlaylistType::Vod),
        end_list: true,
        independent_segments: true,
        segments,
        ..MediaPlaylist::default()
    })
}

fn rendition(rep: &Representation, url: &str, playable: bool) -> Option<Rendition> {
    let playlist = playlist(rep, url)?;
    let init = playlist
        .segments
        .first()
        .and_then(|s| s.map.clone())
        .map(|m| Init {
            uri: m.uri.clone(),
            range: m.byte_range,
            bytes: None,
        });
    Some(Rendition {
        uri: url.into(),
        bandwidth: u32::try_from(rep.bandwidth).unwrap_or(u32::MAX),
        width: rep.common.width.unwrap_or(0),
        height: rep.common.height.unwrap_or(0),
        frame_rate_milli: rep
            .common
            .frame_rate
            .map_or(0, |f| u32::try_from(f.millihertz()).unwrap_or(0)),
        playable,
        playlist: Some(playlist),
        init,
        ..Rendition::default()
    })
}

impl Player {
    /// An MPD arrived as the manifest.
    pub(super) fn open_mpd<P: Platform>(&mut self, p: &mut P, bytes: &[u8], url: &str, now: i64) {
        let mpd = match Mpd::parse_bytes(bytes, url) {
            Ok(m) => m,
            Err(e) => {
                return self.fail(
                    p,
                    StateReason::Malformed,
                    &alloc::format!("manifest {url}: {e}"),
                )
            }
        };
        if mpd.kind == MpdType::Dynamic {
            return self.fail(
                p,
                StateReason::Unsupported,
                "live DASH (a dynamic MPD) is not supported yet",
            );
        }
        let Some(period) = mpd.periods.first() else {
            return self.fail(p, StateReason::Malformed, "the MPD has no Period");
        };
        if mpd.periods.len() > 1 {
            p.log(
                LogLevel::Warn,
                "the MPD has several Periods: the first is played",
            );
        }
        let display = p.display_info().ok();
        let mut renditions = Vec::new();
        for set in period
            .adaptation_sets
            .iter()
            .filter(|s| is_kind(s, "video"))
        {
            for rep in &set.representations {
                let codecs = rep.common.codecs.as_deref().unwrap_or("");
                let (w, h) = (
                    rep.common.width.unwrap_or(0),
                    rep.common.height.unwrap_or(0),
                );
                let fr = rep
                    .common
                    .frame_rate
                    .map_or(0, |f| u32::try_from(f.millihertz()).unwrap_or(0));
                let bw = u32::try_from(rep.bandwidth).unwrap_or(u32::MAX);
                let ok = playable(p, display, codecs, w, h, fr, bw);
                if let Some(r) = rendition(rep, url, ok) {
                    renditions.push(r);
                } else {
                    p.log(
                        LogLevel::Warn,
                        &alloc::format!(
                            "representation {} lists no segment this player can address",
                            rep.id
                        ),
                    );
                }
            }
        }
        renditions.sort_by_key(|r| r.bandwidth);
        let audio_sets: Vec<&AdaptationSet> = period
            .adaptation_sets
            .iter()
            .filter(|s| is_kind(s, "audio"))
            .collect();
        self.audio_options = audio_sets
            .iter()
            .enumerate()
            .map(|(i, s)| AudioOption {
                name: s.id.clone().unwrap_or_else(|| alloc::format!("audio {i}")),
                language: s.lang.clone().unwrap_or_default(),
                uri: Some(url.into()),
                default: i == 0,
            })
            .collect();
        self.audio_choice = (!self.audio_options.is_empty()).then_some(0);
        let video = !renditions.is_empty();
        if video && !renditions.iter().any(|r| r.playable) {
            return self.fail(
                p,
                StateReason::Unsupported,
                "no representation of this stream can be played on this device",
            );
        }
        // The audio: the first audio set's highest-bandwidth playable Representation.
        let audio = audio_sets.first().and_then(|set| {
            set.representations
                .iter()
                .filter(|r| {
                    playable(
                        p,
                        display,
                        r.common.codecs.as_deref().unwrap_or(""),
                        0,
                        0,
                        0,
                        0,
                    )
                })
                .max_by_key(|r| r.bandwidth)
                .and_then(|r| rendition(r, url, true))
        });
        let (main, audio) = match (video, audio) {
            (true, audio) => (
                Stream::new(renditions, true, audio.is_none()),
                audio.map(alternate_audio),
            ),
            // Audio only: the audio Representation is the main stream.
            (false, Some(a)) => (Stream::new(alloc::vec![a], false, true), None),
            (false, None) => {
                return self.fail(
                    p,
                    StateReason::Unsupported,
                    "the MPD has no video or audio this player can address",
                )
            }
        };
        self.main = Some(main);
        self.audio = audio;
        self.set_ladder();
        let first = self.abr.select(0, 4_000_000);
        if let Some(main) = self.main.as_mut() {
            main.current = first.min(main.renditions.len().saturating_sub(1));
        }
        // The playlists are in already: start as an HLS media playlist would.
        let index = self.main.as_ref().map_or(0, |m| m.current);
        let playlist = self
            .main
            .as_mut()
            .and_then(|m| m.renditions.get_mut(index))
            .and_then(|r| r.playlist.take());
        if let Some(playlist) = playlist {
            self.media_loaded(p, super::stream::StreamKind::Main, index, playlist, now);
        }
    }
}
