//! Progressive MP4 files (one file, no manifest): `moov` found through range
//! requests (`mp4::Progressive`), then the file cut into windows of about two seconds
//! that start at video keyframes. Each window is fetched as one byte range and played
//! as a segment of a one-rendition stream; its access units come from the sample
//! tables, so none of the payload is copied into the guest.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use wasp_abi::player::StateReason;

use super::loader::{Progress, Request, Sink};
use super::stream::{Rendition, Stream, StreamKind};
use super::Player;
use crate::hls::{MediaPlaylist, PlaylistType, Segment, SubRange};
use crate::media::{AccessUnit, TrackInfo, TrackKind};
use crate::mp4::{Movie, Progressive, PROBE_LEN};
use crate::platform::Platform;
use crate::time::Ticks;

/// A window's target length, µs.
const WINDOW_US: i64 = 2_000_000;
/// A window never spans more than this many bytes (a long GOP of high bitrate).
const WINDOW_BYTES: u64 = 8 << 20;

/// Whether a URL names a progressive file rather than a manifest.
pub(super) fn is_progressive(url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    [".mp4", ".m4v", ".m4a", ".mov"]
        .iter()
        .any(|e| path.ends_with(e))
}

/// One window of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Window {
    /// First sample (decode order) of each track in the window, and how many.
    pub samples: Vec<(u32, u32)>,
}

/// The movie and its windows.
pub(super) struct Index {
    /// The parsed `moov`.
    pub movie: Movie,
    /// The windows, in file order (a window's number is its segment's sequence).
    pub windows: Vec<Window>,
}

impl Index {
    /// The access units of window `n`, in file order, with ranges relative to the
    /// window's first byte `base`; and the tracks.
    pub(super) fn units(&self, n: u64, base: u64) -> (Vec<TrackInfo>, Vec<AccessUnit>) {
        let tracks: Vec<TrackInfo> = self.movie.tracks.iter().map(|t| t.info.clone()).collect();
        let Some(window) = usize::try_from(n).ok().and_then(|n| self.windows.get(n)) else {
            return (tracks, Vec::new());
        };
        let mut units = Vec::new();
        for (i, (first, count)) in window.samples.iter().enumerate() {
            let Some(track) = self.movie.tracks.get(i) else {
                continue;
            };
            for sample in self.movie.samples_from(i, *first).take(*count as usize) {
                let mut au = track.access_unit(&sample);
                for r in &mut au.ranges {
                    r.offset = r.offset.saturating_sub(base);
                }
                units.push((sample.offset, au));
            }
        }
        units.sort_by_key(|(offset, _)| *offset);
        (tracks, units.into_iter().map(|(_, au)| au).collect())
    }
}

/// The windows of a movie, and each as a playlist segment (file range, times).
fn windows(movie: &Movie, url: &str) -> (Vec<Window>, Vec<Segment>) {
    let video = movie
        .tracks
        .iter()
        .position(|t| t.info.kind() == TrackKind::Video);
    let count = movie.tracks.len();
    let mut windows = Vec::new();
    let mut segments: Vec<Segment> = Vec::new();
    let mut current: Option<(Window, u64, u64, i64)> = None; // window, first byte, end byte, start µs
    let close = |w: Window,
                 first: u64,
                 end: u64,
                 start_us: i64,
                 windows: &mut Vec<Window>,
                 segments: &mut Vec<Segment>| {
        let n = windows.len() as u64;
        windows.push(w);
        segments.push(Segment {
            sequence: n,
            discontinuity_sequence: 0,
            discontinuity: false,
            start: Duration::from_micros(u64::try_from(start_us.max(0)).unwrap_or(0)),
            duration: Duration::ZERO,
            title: String::new(),
            uri: url.into(),
            byte_range: Some(SubRange {
                offset: first,
                length: end.saturating_sub(first),
            }),
            map: None,
            keys: None,
            program_date_time: None,
            gap: false,
            bitrate: None,
            parts: Vec::new(),
        });
    };
    for (i, sample) in movie.interleaved() {
        let Some(track) = movie.tracks.get(i) else {
            continue;
        };
        let au = track.access_unit(&sample);
        let pts_us = Ticks::new(au.pts, au.timescale).to_micros().0;
        let boundary = match &current {
            None => true,
            Some((_, first, end, start)) => {
                let at_keyframe =
                    Some(i) == video && sample.keyframe && pts_us - start >= WINDOW_US;
                let audio_only = video.is_none() && pts_us - start >= WINDOW_US;
                at_keyframe || audio_only || end - first >= WINDOW_BYTES
            }
        };
        if boundary {
            if let Some((w, first, end, start)) = current.take() {
                close(w, first, end, start, &mut windows, &mut segments);
            }
            let mut samples = alloc::vec![(0u32, 0u32); count];
            // Every track starts where its next sample is.
            for (t, slot) in samples.iter_mut().enumerate() {
                let next = windows
                    .iter()
                    .filter_map(|w| w.samples.get(t))
                    .map(|(f, c)| f + c)
                    .max()
                    .unwrap_or(0);
                *slot = (next, 0);
            }
            current = Some((Window { samples }, sample.offset, sample.offset, pts_us));
        }
        if let Some((w, _, end, start)) = current.as_mut() {
            if let Some(slot) = w.samples.get_mut(i) {
                slot.1 += 1;
            }
            *end = (*end).max(sample.offset + u64::from(sample.size));
            if Some(i) == video || video.is_none() {
                *start = (*start).min(pts_us);
            }
        }
    }
    if let Some((w, first, end, start)) = current.take() {
        close(w, first, end, start, &mut windows, &mut segments);
    }
    // Durations: up to the next window's start; the last to the movie's end.
    let total = movie
        .tracks
        .iter()
        .map(|t| {
            Ticks::new(i64::try_from(t.duration).unwrap_or(0), t.info.timescale)
                .to_micros()
                .0
        })
        .max()
        .unwrap_or(0);
    let starts: Vec<Duration> = segments.iter().map(|s| s.start).collect();
    for (k, s) in segments.iter_mut().enumerate() {
        let end = starts
            .get(k + 1)
            .copied()
            .unwrap_or(Duration::from_micros(u64::try_from(total).unwrap_or(0)).max(s.start));
        s.duration = end.saturating_sub(s.start);
    }
    (windows, segments)
}

/// Loading a progressive file: its size, then `moov`.
pub(super) struct Load {
    walk: Option<Progressive>,
    request: Option<(Request, u64)>,
}

impl Load {
    /// Cancels the request in flight.
    pub(super) fn abort<P: Platform>(self, p: &mut P) {
        if let Some((r, _)) = self.request {
            r.abort(p);
        }
    }
}

impl Player {
    pub(super) fn open_progressive<P: Platform>(&mut self, p: &mut P) {
        self.progressive_load = Some(Load {
            walk: None,
            request: None,
        });
        self.poll_progressive(p);
    }

    /// Drives the `moov` search; builds the stream once the movie is known.
    pub(super) fn poll_progressive<P: Platform>(&mut self, p: &mut P) {
        let Some(mut load) = self.progressive_load.take() else {
            return;
        };
        let url = self.url.clone().unwrap_or_default();
        let timeout = self.config.request_timeout_ms;
        loop {
            // What to read next: the first probe window, or what the walk asks for.
            if load.request.is_none() {
                let range = match &load.walk {
                    None => (0, u64::from(PROBE_LEN)),
                    Some(walk) => match walk.next_fetch() {
                        Some(r) => (r.offset, u64::from(r.length)),
                        None => break,
                    },
                };
                let cap = usize::try_from(range.1).unwrap_or(usize::MAX);
                match Request::open(p, &url, Some(range), Sink::Memory(Vec::new(), cap), timeout) {
                    Ok(r) => load.request = Some((r, range.0)),
                    Err((status, _)) => {
                        return self.fail(
                            p,
                            StateReason::Network,
                            &alloc::format!("{url}: {status}"),
                        );
                    }
                }
            }
            let Some((request, offset)) = load.request.as_mut() else {
                break;
            };
            match request.poll(p) {
                Progress::Pending => {
                    self.progressive_load = Some(load);
                    return;
                }
                Progress::Failed(f) => {
                    if let Some((r, _)) = load.request.take() {
                        r.abort(p);
                    }
                    return self.fail(
                        p,
                        StateReason::Network,
                        &alloc::format!("{url}: {} (HTTP {})", f.status, f.http),
                    );
                }
                Progress::Done => {
                    let offset = *offset;
                    let Some((request, _)) = load.request.take() else {
                        break;
                    };
                    let total = request.header(p, "content-range").and_then(|v| {
                        v.rsplit('/')
                            .next()
                            .and_then(|t| t.trim().parse::<u64>().ok())
                    });
                    let Sink::Memory(bytes, _) = request.close(p) else {
                        break;
                    };
                    let walk = match load.walk.as_mut() {
                        Some(w) => w,
                        None => {
                            let Some(total) = total
                                .or(Some(bytes.len() as u64).filter(|n| *n < u64::from(PROBE_LEN)))
                            else {
                                return self.fail(
                                    p,
                                    StateReason::Network,
                                    "the server does not answer byte ranges (no Content-Range)",
                                );
                            };
                            load.walk.insert(Progressive::new(total))
                        }
                    };
                    if let Err(e) = walk.feed(offset, &bytes) {
                        return self.fail(p, StateReason::Malformed, &alloc::format!("{url}: {e}"));
                    }
                }
            }
        }
        let Some(movie) = load.walk.and_then(Progressive::into_movie) else {
            return self.fail(p, StateReason::Malformed, "the file has no movie");
        };
        self.open_movie(p, movie, &url);
    }

    fn open_movie<P: Platform>(&mut self, p: &mut P, movie: Movie, url: &str) {
        let (windows, segments) = windows(&movie, url);
        if segments.is_empty() {
            return self.fail(p, StateReason::Malformed, "the file has no samples");
        }
        let duration = segments
            .last()
            .map_or(Duration::ZERO, |s| s.start + s.duration);
        let bytes: u64 = segments
            .iter()
            .filter_map(|s| s.byte_range)
            .map(|r| r.length)
            .sum();
        let bandwidth = u32::try_from(
            bytes.saturating_mul(8_000_000)
                / u64::try_from(duration.as_micros()).unwrap_or(1).max(1),
        )
        .unwrap_or(u32::MAX);
        let video = movie
            .tracks
            .iter()
            .find(|t| t.info.kind() == TrackKind::Video);
        let longest = segments
            .iter()
            .map(|s| s.duration)
            .max()
            .unwrap_or(Duration::ZERO);
        let playlist = MediaPlaylist {
            url: url.into(),
            target_duration: Duration::from_secs(longest.as_secs() + 1),
            playlist_type: Some(PlaylistType::Vod),
            end_list: true,
            segments,
            ..MediaPlaylist::default()
        };
        let rendition = Rendition {
            uri: url.into(),
            bandwidth,
            width: video.map_or(0, |t| t.info.width),
            height: video.map_or(0, |t| t.info.height),
            playable: true,
            ..Rendition::default()
        };
        let mut stream = Stream::new(alloc::vec![rendition], true, true);
        stream.progressive = Some(alloc::boxed::Box::new(Index { movie, windows }));
        self.main = Some(stream);
        self.audio = None;
        self.audio_options.clear();
        self.set_ladder();
        let now = p.now_us();
        self.media_loaded(p, StreamKind::Main, 0, playlist, now);
    }
}
