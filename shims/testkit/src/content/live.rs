//! A live HLS stream: segments appear as their end passes and leave a sliding
//! window (RFC 8216 §6.2.2: the server removes segments from the playlist once they
//! are older than the window, and keeps them available a while longer).

use super::{serve_segment, ContentError, HlsVod};
use crate::TestPort;

/// A live stream of an [`HlsVod`]'s ladder, timeline and audio (its duration is
/// ignored: the stream goes on; a size table is cycled).
///
/// Segment `n` covers media time `[n·d, (n+1)·d)` and becomes available when device
/// time reaches `start_us + (n+1)·d`. The playlists list the last `window` available
/// segments (`EXT-X-MEDIA-SEQUENCE` the first of them, no `EXT-X-ENDLIST`); a segment
/// that left the window stays fetchable for `grace_us`, then answers 404.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HlsLive {
    /// The stream.
    pub stream: HlsVod,
    /// Where it is served (`{base_url}/master.m3u8`).
    pub base_url: String,
    /// Segments in the playlists.
    pub window: u64,
    /// Device time at which media time 0 was captured.
    pub start_us: i64,
    /// How long a segment that left the window stays available, µs.
    pub grace_us: i64,
}

impl HlsLive {
    /// `stream` served live under `base_url` with a window of `window` segments,
    /// media time 0 at device time `start_us`, and a grace of one segment duration.
    pub fn new(stream: HlsVod, base_url: &str, window: u64, start_us: i64) -> Self {
        let mut stream = stream;
        // Long enough to never end: 2^40 µs is twelve days.
        stream.duration_us = super::MAX_DURATION_US;
        let grace_us = stream.segment_us;
        Self {
            stream,
            base_url: base_url.into(),
            window: window.max(1),
            start_us,
            grace_us,
        }
    }

    /// Segments available at device time `now_us` (all of `0..available`).
    pub fn available(&self, now_us: i64) -> u64 {
        let (_, frames) = self.stream.segment_frames(0);
        let segment_ticks = u128::from(frames) * u128::from(self.stream.frame_ticks());
        let elapsed = u128::try_from(now_us.saturating_sub(self.start_us)).unwrap_or(0);
        if segment_ticks == 0 {
            return 0;
        }
        // elapsed µs · 90000 / 10^6 ticks, over the ticks of one segment.
        u64::try_from(elapsed * u128::from(super::VIDEO_TIMESCALE) / (segment_ticks * 1_000_000))
            .unwrap_or(u64::MAX)
    }

    /// The segments in the playlists at `now_us`: `first..end`.
    pub fn window_at(&self, now_us: i64) -> (u64, u64) {
        let end = self.available(now_us);
        (end.saturating_sub(self.window), end)
    }

    /// The media playlist of variant `v` (`None`: audio) at `now_us`.
    pub fn media_playlist(&self, v: Option<usize>, now_us: i64) -> String {
        let (first, end) = self.window_at(now_us);
        self.stream.media_with(v, first, end, false)
    }

    /// The master playlist.
    pub fn master_playlist(&self) -> String {
        let cycle = self
            .stream
            .sizes
            .as_ref()
            .and_then(|s| s.iter().map(Vec::len).max())
            .unwrap_or(1) as u64;
        self.stream.master_with(cycle)
    }

    /// Brings what `port` serves to device time `now_us`: playlists for the window,
    /// the segments in it (and those within their grace), 404 for older ones. Call
    /// it whenever time moves (or at least once per segment duration).
    ///
    /// # Errors
    /// As [`HlsVod::validate`] and [`HlsVod::segment`].
    pub fn update(&self, port: &mut TestPort, now_us: i64) -> Result<(), ContentError> {
        self.stream.validate_with(1)?;
        let base = self.base_url.as_str();
        let (first, end) = self.window_at(now_us);
        let first_kept = self
            .available(now_us.saturating_sub(self.grace_us))
            .saturating_sub(self.window)
            .min(first);
        port.serve(&format!("{base}/master.m3u8"), self.master_playlist());
        for v in self.stream.renditions() {
            let dir = HlsVod::dir(base, v);
            port.serve(&format!("{dir}/index.m3u8"), self.media_playlist(v, now_us));
            let init = format!("{dir}/init.mp4");
            if !port.network.resources.contains_key(&init) {
                port.serve(&init, self.stream.init_segment(v));
            }
            for n in first..end {
                let url = HlsVod::segment_url(base, v, n);
                if !port.network.resources.contains_key(&url) {
                    serve_segment(port, url, self.stream.segment(v, n)?);
                }
            }
            let prefix = format!("{dir}/");
            port.network.resources.retain(|url, _| {
                let gone = url
                    .strip_prefix(&prefix)
                    .and_then(|name| name.strip_suffix(".m4s"))
                    .and_then(|n| n.parse::<u64>().ok())
                    .is_some_and(|n| n < first_kept);
                !gone
            });
        }
        Ok(())
    }
}
