//! The playlists of an [`HlsVod`] (RFC 8216 §4.3): the master playlist with a
//! `EXT-X-STREAM-INF` per variant and the audio rendition's `EXT-X-MEDIA`, and media
//! playlists of CMAF segments behind one `EXT-X-MAP`.

use std::fmt::Write as _;

use super::mp4::{AAC_FRAME, AUDIO_RATE, VIDEO_TIMESCALE};
use super::{Audio, HlsVod};

impl HlsVod {
    /// Duration of segment `n` in seconds, as `EXTINF` writes it.
    fn extinf(&self, v: Option<usize>, n: u64) -> String {
        let micros = match v {
            Some(_) => {
                let (_, frames) = self.segment_frames(n);
                u128::from(frames) * u128::from(self.frame_ticks()) * 1_000_000
                    / u128::from(VIDEO_TIMESCALE)
            }
            None => {
                let (_, frames) = self.audio_frames(n);
                u128::from(frames) * u128::from(AAC_FRAME) * 1_000_000 / u128::from(AUDIO_RATE)
            }
        };
        format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000)
    }

    /// `EXT-X-TARGETDURATION`: the longest segment rounded to the nearest second
    /// (RFC 8216 §4.3.3.1), at least 1.
    fn target_duration(&self) -> u64 {
        let (_, frames) = self.segment_frames(0);
        let micros = u128::from(frames) * u128::from(self.frame_ticks()) * 1_000_000
            / u128::from(VIDEO_TIMESCALE);
        // Audio segments may hold one AAC frame (21.3 ms) more than the video interval.
        let micros = micros + 21_334;
        u64::try_from((micros + 500_000) / 1_000_000)
            .unwrap_or(1)
            .max(1)
    }

    /// Peak and average bits per second of variant `v`'s segments, over segments
    /// `0..count`.
    fn bandwidth(&self, v: usize, count: u64) -> (u64, u64) {
        let (mut peak, mut bytes, mut ticks) = (0u128, 0u128, 0u128);
        for n in 0..count {
            let size = u128::from(self.segment_size(v, n));
            let (_, frames) = self.segment_frames(n);
            let t = u128::from(frames) * u128::from(self.frame_ticks());
            if t > 0 {
                peak = peak.max((size * 8 * u128::from(VIDEO_TIMESCALE)).div_ceil(t));
            }
            bytes += size;
            ticks += t;
        }
        let average = if ticks > 0 {
            (bytes * 8 * u128::from(VIDEO_TIMESCALE)).div_ceil(ticks)
        } else {
            0
        };
        let audio = match self.audio {
            Audio::Rendition => u128::from(self.audio_bitrate_bps),
            _ => 0,
        };
        (
            u64::try_from(peak + audio).unwrap_or(u64::MAX),
            u64::try_from(average + audio).unwrap_or(u64::MAX),
        )
    }

    pub(super) fn master_with(&self, count: u64) -> String {
        let mut m = String::from("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        if self.audio == Audio::Rendition {
            m.push_str(
                "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"Main\",LANGUAGE=\"en\",\
                 DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"2\",URI=\"audio/index.m3u8\"\n",
            );
        }
        for (v, r) in self.variants.iter().enumerate() {
            let (peak, average) = self.bandwidth(v, count);
            let _ = write!(
                m,
                "#EXT-X-STREAM-INF:BANDWIDTH={peak},AVERAGE-BANDWIDTH={average},\
                 CODECS=\"{}\",RESOLUTION={}x{},FRAME-RATE={}.{:03}",
                self.codecs(v),
                r.width,
                r.height,
                self.framerate_milli / 1000,
                self.framerate_milli % 1000
            );
            if self.audio == Audio::Rendition {
                m.push_str(",AUDIO=\"audio\"");
            }
            let _ = writeln!(m, "\nv{v}/index.m3u8");
        }
        m
    }

    /// The master (multivariant) playlist.
    pub fn master_playlist(&self) -> String {
        self.master_with(self.segment_count())
    }

    /// A media playlist of segments `first..end`; `vod` closes it with ENDLIST.
    pub(super) fn media_with(&self, v: Option<usize>, first: u64, end: u64, vod: bool) -> String {
        let mut m = format!(
            "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:{}\n#EXT-X-MEDIA-SEQUENCE:{first}\n",
            self.target_duration()
        );
        if vod {
            m.push_str("#EXT-X-PLAYLIST-TYPE:VOD\n");
        }
        m.push_str("#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"init.mp4\"\n");
        for n in first..end {
            let _ = writeln!(m, "#EXTINF:{},\n{n}.m4s", self.extinf(v, n));
        }
        if vod {
            m.push_str("#EXT-X-ENDLIST\n");
        }
        m
    }

    /// The media playlist of variant `v` (`None`: the audio rendition's).
    pub fn media_playlist(&self, v: Option<usize>) -> String {
        self.media_with(v, 0, self.segment_count(), true)
    }
}
