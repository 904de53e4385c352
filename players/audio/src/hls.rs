//! HLS audio-only (RFC 8216): a master playlist's audio-only variant (or its audio
//! rendition, or else its lowest variant) or a media playlist directly; its segments
//! (MPEG-TS with AAC or MP3, or packed audio `.aac`/`.mp3` with an ID3 timestamp,
//! RFC 8216 §3.4) fetched in order through the engine's demuxers into the [`Feed`];
//! a live playlist (no `EXT-X-ENDLIST`) reloaded every target duration for the
//! segments after the last one taken.
//!
//! Playlists are read whole into guest memory, at most [`MAX_PLAYLIST`] bytes, parsed
//! by `wasp_engine::hls` and reduced to the segment URIs; segment bytes go through a
//! read buffer to the media store, only their headers are looked at.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

use wasp_engine::es::AudioDemuxer;
use wasp_engine::hls::{self, MediaType, Playlist};
use wasp_engine::media::{Demuxer, Event, TrackKind};
use wasp_engine::ts::TsDemuxer;
use wasp_guest::abi::fetch::FetchRequest;
use wasp_guest::{info, Fetch, Status};

use crate::feed::Feed;
use crate::progressive::Progress;

/// The largest playlist read, bytes.
pub const MAX_PLAYLIST: usize = 16 * 1024;
/// Reads per tick at most (bounded work).
const READS_PER_TICK: usize = 16;

/// Whether `url` names an HLS playlist (`.m3u8`, before any query).
pub fn is_playlist(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.to_ascii_lowercase().ends_with(".m3u8")
}

/// The variant or rendition URI to play from a master playlist: an audio-only
/// variant (codecs without video, no resolution), else the default audio rendition
/// with a URI, else the variant of the lowest bandwidth (its audio is demuxed from
/// the TS, the video skipped).
pub fn choose(master: &hls::MasterPlaylist) -> Option<&str> {
    let audio_only = master
        .variants
        .iter()
        .filter(|v| {
            v.stream.resolution.is_none()
                && v.stream.codecs.as_deref().is_some_and(|c| {
                    !c.split(',').any(|c| {
                        let c = c.trim();
                        ["avc", "hvc", "hev", "vp0", "av01", "dvh"]
                            .iter()
                            .any(|v| c.starts_with(v))
                    })
                })
        })
        .min_by_key(|v| v.stream.bandwidth);
    if let Some(v) = audio_only {
        return Some(&v.uri);
    }
    let rendition = master
        .renditions
        .iter()
        .filter(|r| r.media_type == MediaType::Audio && r.uri.is_some())
        .max_by_key(|r| r.default);
    if let Some(uri) = rendition.and_then(|r| r.uri.as_deref()) {
        return Some(uri);
    }
    master
        .variants
        .iter()
        .min_by_key(|v| v.stream.bandwidth)
        .map(|v| v.uri.as_str())
}

/// A whole playlist being read.
#[derive(Debug)]
struct PlaylistLoad {
    fetch: Fetch,
    url: String,
    text: Vec<u8>,
}

/// A segment being read.
struct SegmentLoad {
    fetch: Fetch,
    demuxer: Box<dyn Demuxer + Send>,
    /// The feed's offset of the segment's first byte.
    base: u64,
    /// The audio track, once the segment showed one.
    track: Option<u32>,
}

impl core::fmt::Debug for SegmentLoad {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SegmentLoad")
            .field("base", &self.base)
            .field("track", &self.track)
            .finish_non_exhaustive()
    }
}

/// See the module docs.
#[derive(Debug)]
pub struct Hls {
    playlist: Option<PlaylistLoad>,
    /// The media playlist's URL, once known.
    media_url: Option<String>,
    /// Segments to fetch: (media sequence number, URI).
    queue: VecDeque<(u64, String)>,
    /// The next media sequence number wanted.
    next_sequence: u64,
    segment: Option<SegmentLoad>,
    /// Live: when to reload the playlist (port µs), and how often.
    reload_at: Option<i64>,
    target_us: i64,
    ended: bool,
}

impl Hls {
    /// Starts reading the playlist at `url`.
    ///
    /// # Errors
    /// The fetch cannot be opened.
    pub fn open(url: &str) -> Result<Self, Status> {
        Ok(Self {
            playlist: Some(open_playlist(url)?),
            media_url: None,
            queue: VecDeque::new(),
            next_sequence: 0,
            segment: None,
            reload_at: None,
            target_us: 0,
            ended: false,
        })
    }

    /// Reads what arrived (while the feed has room) at port time `now`.
    pub fn step(&mut self, feed: &mut Feed, buf: &mut [u8], now: i64) -> Progress {
        if self.ended {
            return Progress::Ended;
        }
        if let Some(load) = &mut self.playlist {
            match read_playlist(load, buf) {
                Ok(false) => return Progress::Open,
                Ok(true) => {
                    if let Some(load) = self.playlist.take() {
                        if let Err(status) = self.parsed(load) {
                            return Progress::Failed(status);
                        }
                    }
                }
                Err(status) => return Progress::Failed(status),
            }
        }
        if self.segment.is_none() {
            match self.queue.pop_front() {
                Some((sequence, uri)) => match open_segment(&uri, feed.written()) {
                    Ok(segment) => {
                        self.next_sequence = sequence + 1;
                        self.segment = Some(segment);
                    }
                    Err(status) => return Progress::Failed(status),
                },
                None => match (self.reload_at, &self.media_url) {
                    (Some(at), Some(url)) if now >= at && self.playlist.is_none() => {
                        match open_playlist(&url.clone()) {
                            Ok(load) => self.playlist = Some(load),
                            Err(status) => return Progress::Failed(status),
                        }
                        self.reload_at = Some(now + self.target_us);
                    }
                    (None, Some(_)) => {
                        // Every segment of a finished playlist was read.
                        feed.end();
                        self.ended = true;
                        return Progress::Ended;
                    }
                    _ => {}
                },
            }
        }
        if let Some(segment) = &mut self.segment {
            match read_segment(segment, feed, buf) {
                Ok(false) => {}
                Ok(true) => self.segment = None,
                Err(status) => return Progress::Failed(status),
            }
        }
        Progress::Open
    }

    /// A whole playlist arrived: a master one leads to its media playlist, a media
    /// one queues its new segments.
    fn parsed(&mut self, load: PlaylistLoad) -> Result<(), Status> {
        let playlist =
            hls::parse_bytes(&load.text, &load.url).map_err(|_| Status::InvalidArgument)?;
        drop(load.text);
        match playlist {
            Playlist::Master(master) => {
                let uri = choose(&master).ok_or(Status::NotFound)?;
                info!("audio: HLS variant {uri}");
                self.playlist = Some(open_playlist(uri)?);
            }
            Playlist::Media(media) => {
                let first = self.media_url.is_none();
                self.media_url = Some(load.url);
                if first {
                    self.next_sequence = media.media_sequence;
                }
                for segment in &media.segments {
                    let wanted = segment.sequence >= self.next_sequence
                        && self.queue.back().is_none_or(|(s, _)| segment.sequence > *s);
                    if wanted && !segment.gap {
                        self.queue
                            .push_back((segment.sequence, segment.uri.clone()));
                    }
                }
                info!(
                    "audio: HLS playlist, {} segments waiting{}",
                    self.queue.len(),
                    if media.end_list { ", ended" } else { ", live" }
                );
                self.target_us = i64::try_from(media.target_duration.as_micros())
                    .unwrap_or(i64::MAX)
                    .max(1_000_000);
                if media.end_list {
                    self.reload_at = None;
                } else if self.reload_at.is_none() {
                    // The first reload after one target duration (RFC 8216 §6.3.4).
                    self.reload_at = Some(wasp_guest::time::now().unwrap_or(0) + self.target_us);
                }
            }
        }
        Ok(())
    }
}

fn open_playlist(url: &str) -> Result<PlaylistLoad, Status> {
    Ok(PlaylistLoad {
        fetch: Fetch::open(&FetchRequest::get(), url, "")?,
        url: String::from(url),
        text: Vec::new(),
    })
}

/// Reads a playlist; `true` once it is whole.
fn read_playlist(load: &mut PlaylistLoad, buf: &mut [u8]) -> Result<bool, Status> {
    for _ in 0..READS_PER_TICK {
        match load.fetch.read(buf) {
            Ok(n) => {
                let bytes = buf.get(..n).unwrap_or_default();
                if load.text.len() + n > MAX_PLAYLIST {
                    return Err(Status::BudgetExceeded);
                }
                load.text
                    .try_reserve(n)
                    .map_err(|_| Status::BudgetExceeded)?;
                load.text.extend_from_slice(bytes);
            }
            Err(Status::WouldBlock) => return Ok(false),
            Err(Status::EndOfStream) => return Ok(true),
            Err(status) => return Err(status),
        }
    }
    Ok(false)
}

fn open_segment(uri: &str, base: u64) -> Result<SegmentLoad, Status> {
    let path = uri
        .split(['?', '#'])
        .next()
        .unwrap_or(uri)
        .to_ascii_lowercase();
    let demuxer: Box<dyn Demuxer + Send> = if path.ends_with(".aac") {
        Box::new(AudioDemuxer::adts())
    } else if path.ends_with(".mp3") {
        Box::new(AudioDemuxer::mp3())
    } else {
        Box::new(TsDemuxer::new())
    };
    Ok(SegmentLoad {
        fetch: Fetch::open(&FetchRequest::get(), uri, "")?,
        demuxer,
        base,
        track: None,
    })
}

/// Reads a segment into the feed; `true` once it is whole.
fn read_segment(
    segment: &mut SegmentLoad,
    feed: &mut Feed,
    buf: &mut [u8],
) -> Result<bool, Status> {
    for _ in 0..READS_PER_TICK {
        let room = feed.room() as usize;
        if room == 0 || feed.failed.is_some() {
            return Ok(false);
        }
        let want = buf.len().min(room);
        let Some(buf) = buf.get_mut(..want) else {
            return Ok(false);
        };
        match segment.fetch.read(buf) {
            Ok(n) => {
                let bytes = buf.get(..n).unwrap_or_default();
                feed.write(bytes);
                let SegmentLoad {
                    demuxer,
                    base,
                    track,
                    ..
                } = segment;
                let result = demuxer.push(bytes, &mut |event| route(event, *base, track, feed));
                if result.is_err() {
                    // A damaged segment: the rest of it is skipped, the next one
                    // starts clean.
                    return Ok(true);
                }
            }
            Err(Status::WouldBlock) => return Ok(false),
            Err(Status::EndOfStream) => {
                let SegmentLoad {
                    demuxer,
                    base,
                    track,
                    ..
                } = segment;
                let _ = demuxer.finish(&mut |event| route(event, *base, track, feed));
                return Ok(true);
            }
            Err(status) => return Err(status),
        }
    }
    Ok(false)
}

/// One demuxer event into the feed: the first audio track only, ranges moved to the
/// feed's offsets.
fn route(event: Event, base: u64, track: &mut Option<u32>, feed: &mut Feed) {
    match event {
        Event::Track(info)
            if info.codec.kind() == TrackKind::Audio && track.is_none_or(|t| t == info.id) =>
        {
            *track = Some(info.id);
            feed.set_track(info);
        }
        Event::Sample(mut unit) if Some(unit.track) == *track => {
            for range in &mut unit.ranges {
                range.offset += base;
            }
            feed.push_unit(unit);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playlists_are_told_by_their_extension() {
        assert!(is_playlist("http://x/live/master.m3u8?token=1"));
        assert!(is_playlist("file:///a/B.M3U8"));
        assert!(!is_playlist("http://x/stream.mp3"));
    }

    #[test]
    fn an_audio_only_variant_is_chosen_over_video_ones() {
        let text = "#EXTM3U\n\
            #EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=640x360,CODECS=\"avc1.64001e,mp4a.40.2\"\nvideo.m3u8\n\
            #EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS=\"mp4a.40.2\"\naudio.m3u8\n";
        let master = hls::MasterPlaylist::parse(text, "http://h/m.m3u8").unwrap();
        assert_eq!(choose(&master), Some("http://h/audio.m3u8"));
    }

    #[test]
    fn an_audio_rendition_serves_when_every_variant_has_video() {
        let text = "#EXTM3U\n\
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"en\",DEFAULT=YES,URI=\"en/a.m3u8\"\n\
            #EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=640x360,CODECS=\"avc1.64001e,mp4a.40.2\",AUDIO=\"a\"\nvideo.m3u8\n";
        let master = hls::MasterPlaylist::parse(text, "http://h/m.m3u8").unwrap();
        assert_eq!(choose(&master), Some("http://h/en/a.m3u8"));
    }

    #[test]
    fn without_audio_the_lowest_variant_is_taken() {
        let text = "#EXTM3U\n\
            #EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=640x360\nhi.m3u8\n\
            #EXT-X-STREAM-INF:BANDWIDTH=100000,RESOLUTION=320x180\nlo.m3u8\n";
        let master = hls::MasterPlaylist::parse(text, "http://h/m.m3u8").unwrap();
        assert_eq!(choose(&master), Some("http://h/lo.m3u8"));
    }
}
