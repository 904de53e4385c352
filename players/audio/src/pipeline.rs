//! The byte path of a progressive stream (radio or podcast), free of any import so it
//! runs natively in tests: the ICY stripper, then the engine's elementary-stream
//! demuxer (MP3 frame sync and header parsing, ADTS; resync after garbage), giving
//! whole frames as ranges of the clean audio stream and the now-playing titles.
//!
//! The clean stream's bytes go to the caller ([`Output::audio`]) to be kept outside
//! guest memory (the media store); only frame headers are looked at here.

use alloc::vec::Vec;

use wasp_engine::es::AudioDemuxer;
use wasp_engine::media::{AccessUnit, Demuxer, Event, TrackInfo};

use crate::icy::{stream_title, IcyStripper, Piece};

/// The framing of an audio stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// MPEG-1/2 Layer III frames.
    Mp3,
    /// AAC in ADTS frames.
    Adts,
}

impl Format {
    /// The format a `Content-Type` or URL names, if it names one (`audio/aac`,
    /// `audio/aacp`, `.aac`: ADTS; `audio/mpeg`, `.mp3`: MP3).
    pub fn named(content_type: &str, url: &str) -> Option<Self> {
        let ct = content_type.trim().to_ascii_lowercase();
        if ct.starts_with("audio/aac") || ct.starts_with("audio/x-aac") {
            return Some(Format::Adts);
        }
        if ct.starts_with("audio/mpeg") || ct.starts_with("audio/mp3") {
            return Some(Format::Mp3);
        }
        let path = url.split(['?', '#']).next().unwrap_or(url);
        let path = path.to_ascii_lowercase();
        if path.ends_with(".aac") || path.ends_with(".adts") {
            Some(Format::Adts)
        } else if path.ends_with(".mp3") {
            Some(Format::Mp3)
        } else {
            None
        }
    }

    /// The format of the first sync word in `data`: a 12-bit `0xFFF` with layer `00`
    /// is ADTS (ISO/IEC 13818-7 §6.2), an 11-bit sync with layer `01` is Layer III
    /// (ISO/IEC 11172-3 §2.4.2.3). `None` when `data` shows neither.
    pub fn sniff(data: &[u8]) -> Option<Self> {
        data.windows(2).find_map(|w| match w {
            [0xff, b] if b & 0xf6 == 0xf0 => Some(Format::Adts),
            [0xff, b] if b & 0xe0 == 0xe0 && (b >> 1) & 3 == 1 => Some(Format::Mp3),
            _ => None,
        })
    }
}

/// What one push produced.
pub trait Output {
    /// Clean audio bytes, continuing the stream (offsets count them from 0).
    fn audio(&mut self, bytes: &[u8]);
    /// The track (before its first unit), or a new configuration.
    fn track(&mut self, track: TrackInfo);
    /// One whole frame: ranges of the clean stream.
    fn unit(&mut self, unit: AccessUnit);
    /// A `StreamTitle` (raw bytes; may be empty).
    fn title(&mut self, title: &[u8]);
}

/// Demultiplexes a progressive audio stream (module docs).
#[derive(Debug)]
pub struct Pipeline {
    icy: IcyStripper,
    /// Set once the format is known.
    demuxer: Option<AudioDemuxer>,
    /// Clean bytes seen before the format was known (at most [`SNIFF_BYTES`]).
    head: Vec<u8>,
    clean: u64,
}

/// Clean bytes looked at to tell MP3 from ADTS when nothing named the format.
pub const SNIFF_BYTES: usize = 512;

impl Pipeline {
    /// A pipeline for a body with `icy-metaint` = `metaint` (0: none) in `format`
    /// (`None`: sniffed from the first bytes).
    pub fn new(metaint: u32, format: Option<Format>) -> Self {
        Self {
            icy: IcyStripper::new(metaint),
            demuxer: format.map(demuxer),
            head: Vec::new(),
            clean: 0,
        }
    }

    /// Clean audio bytes so far.
    pub fn clean_bytes(&self) -> u64 {
        self.clean
    }

    /// Metadata bytes removed so far.
    pub fn stripped_bytes(&self) -> u64 {
        self.icy.stripped()
    }

    /// Feeds the next body bytes.
    pub fn push(&mut self, data: &[u8], out: &mut dyn Output) {
        let Self {
            icy,
            demuxer,
            head,
            clean,
        } = self;
        icy.push(data, &mut |piece| match piece {
            Piece::Audio(bytes) => {
                out.audio(bytes);
                *clean += bytes.len() as u64;
                match demuxer {
                    Some(d) => feed(d, bytes, out),
                    None => {
                        let _ = head.try_reserve(bytes.len());
                        head.extend_from_slice(bytes);
                        let format = Format::sniff(head)
                            .or((head.len() >= SNIFF_BYTES).then_some(Format::Mp3));
                        if let Some(format) = format {
                            let d = demuxer.insert(self::demuxer(format));
                            feed(d, head, out);
                            *head = Vec::new();
                        }
                    }
                }
            }
            Piece::Metadata(block) => {
                if let Some(title) = stream_title(block) {
                    out.title(title);
                }
            }
        });
    }

    /// The body ended: gives out the last frame.
    pub fn finish(&mut self, out: &mut dyn Output) {
        let d = match &mut self.demuxer {
            Some(d) => d,
            None => {
                let format = Format::sniff(&self.head).unwrap_or(Format::Mp3);
                let head = core::mem::take(&mut self.head);
                let d = self.demuxer.insert(demuxer(format));
                feed(d, &head, out);
                d
            }
        };
        let _ = d.finish(&mut |event| route(event, out));
    }
}

fn demuxer(format: Format) -> AudioDemuxer {
    match format {
        Format::Mp3 => AudioDemuxer::mp3(),
        Format::Adts => AudioDemuxer::adts(),
    }
}

fn feed(demuxer: &mut AudioDemuxer, bytes: &[u8], out: &mut dyn Output) {
    if demuxer.push(bytes, &mut |event| route(event, out)).is_err() {
        // The elementary-stream demuxer reports no errors of its own; should one come,
        // the stream goes on from the next sync word.
        demuxer.reset();
    }
}

fn route(event: Event, out: &mut dyn Output) {
    match event {
        Event::Track(track) => out.track(track),
        Event::Sample(unit) => out.unit(unit),
        Event::Metadata(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[derive(Default)]
    struct Collect {
        audio: Vec<u8>,
        tracks: Vec<TrackInfo>,
        units: Vec<Vec<u8>>,
        titles: Vec<Vec<u8>>,
    }

    impl Output for Collect {
        fn audio(&mut self, bytes: &[u8]) {
            self.audio.extend_from_slice(bytes);
        }
        fn track(&mut self, track: TrackInfo) {
            self.tracks.push(track);
        }
        fn unit(&mut self, unit: AccessUnit) {
            let mut bytes = Vec::new();
            for r in &unit.ranges {
                let at = r.offset as usize;
                bytes.extend_from_slice(&self.audio[at..at + r.length as usize]);
            }
            assert_eq!(bytes.len(), unit.size as usize);
            self.units.push(bytes);
        }
        fn title(&mut self, title: &[u8]) {
            self.titles.push(title.to_vec());
        }
    }

    /// An MPEG-1 Layer III frame, 128 kbit/s, 44.1 kHz, stereo, no padding: 417
    /// bytes, its payload filled with `fill` (never 0xFF, so it holds no sync word).
    fn mp3_frame(fill: u8) -> Vec<u8> {
        let mut f = vec![0xff, 0xfb, 0x90, 0x00];
        f.resize(417, fill);
        f
    }

    /// An ADTS AAC-LC frame, 48 kHz stereo, `len` bytes in all.
    fn adts_frame(len: u16, fill: u8) -> Vec<u8> {
        let mut f = vec![
            0xff,
            0xf1,
            0x4c,
            0x80 | (len >> 11) as u8,
            (len >> 3) as u8,
            ((len & 7) << 5) as u8 | 0x1f,
            0xfc,
        ];
        f.resize(usize::from(len), fill);
        f
    }

    fn run(format: Option<Format>, metaint: u32, body: &[u8], read: usize) -> Collect {
        let mut p = Pipeline::new(metaint, format);
        let mut out = Collect::default();
        for chunk in body.chunks(read.max(1)) {
            p.push(chunk, &mut out);
        }
        p.finish(&mut out);
        out
    }

    #[test]
    fn mp3_frames_come_out_whole_with_their_headers() {
        let frames: Vec<Vec<u8>> = (1..=6).map(mp3_frame).collect();
        let body = frames.concat();
        let out = run(Some(Format::Mp3), 0, &body, 100);
        assert_eq!(out.units, frames);
        assert_eq!(out.tracks.len(), 1);
        assert_eq!(out.tracks[0].sample_rate, 44_100);
    }

    #[test]
    fn adts_frames_come_out_without_their_headers() {
        let frames: Vec<Vec<u8>> = (1..=5).map(|i| adts_frame(200 + u16::from(i), i)).collect();
        let out = run(None, 0, &frames.concat(), 33);
        let payloads: Vec<Vec<u8>> = frames.iter().map(|f| f[7..].to_vec()).collect();
        assert_eq!(out.units, payloads);
        assert_eq!(out.tracks[0].config, [0x11, 0x90]);
    }

    #[test]
    fn garbage_before_and_between_frames_is_skipped_by_resync() {
        let mut body = b"HTTP junk \x00\x01\x02 that is no audio".to_vec();
        let frames: Vec<Vec<u8>> = (1..=8).map(mp3_frame).collect();
        for (i, f) in frames.iter().enumerate() {
            body.extend_from_slice(f);
            if i == 3 {
                // Junk, then a frame cut short by a reconnect (a false sync: the
                // next header is not where its length says), then junk again.
                body.extend_from_slice(b"garbage");
                body.extend_from_slice(&[0xff, 0xfb, 0x90, 0x00, 9, 9, 9]);
                body.extend_from_slice(b"more garbage");
            }
        }
        let out = run(Some(Format::Mp3), 0, &body, 64);
        // The cut frame is dropped, and so is the frame its false length ran into (the
        // splitter does not scan back into bytes it has passed); sync is found again
        // at the next header, and every frame from there on is whole.
        let fills: Vec<u8> = out.units.iter().map(|u| u[4]).collect();
        assert_eq!(fills, [1, 2, 3, 4, 6, 7, 8]);
        assert!(out.units.iter().all(|u| frames.contains(u)));
    }

    #[test]
    fn icy_blocks_are_taken_out_before_framing_and_titles_given() {
        let frames: Vec<Vec<u8>> = (1..=10).map(mp3_frame).collect();
        let clean = frames.concat();
        let mut body = Vec::new();
        let block = b"StreamTitle='Tone - 440 Hz';\0\0\0\0";
        for (i, chunk) in clean.chunks(1000).enumerate() {
            body.extend_from_slice(chunk);
            if chunk.len() == 1000 {
                if i == 1 {
                    body.push(2);
                    body.extend_from_slice(block);
                } else {
                    body.push(0);
                }
            }
        }
        for read in [1, 7, 999, 1000, 1001, 4096] {
            let out = run(None, 1000, &body, read);
            assert_eq!(out.audio, clean, "read {read}");
            assert_eq!(out.units, frames, "read {read}");
            assert_eq!(out.titles, [b"Tone - 440 Hz".to_vec()], "read {read}");
        }
    }

    #[test]
    fn the_format_is_named_by_content_type_or_extension_or_sniffed() {
        assert_eq!(Format::named("audio/aacp", ""), Some(Format::Adts));
        assert_eq!(Format::named("Audio/MPEG", ""), Some(Format::Mp3));
        assert_eq!(Format::named("", "http://x/a.aac?x=1"), Some(Format::Adts));
        assert_eq!(Format::named("", "file:///p/ep.MP3"), Some(Format::Mp3));
        assert_eq!(
            Format::named("application/octet-stream", "http://x/live"),
            None
        );
        assert_eq!(Format::sniff(&adts_frame(20, 1)), Some(Format::Adts));
        assert_eq!(Format::sniff(&mp3_frame(1)), Some(Format::Mp3));
        assert_eq!(Format::sniff(b"no sync"), None);
    }

    #[test]
    fn hostile_bodies_never_panic() {
        let mut seed = 0x9e37_79b9u32;
        for round in 0..300u32 {
            let mut body = Vec::new();
            for i in 0..(round * 31 % 5000) {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                // Plenty of sync-like bytes.
                body.push(if i % 5 == 0 { 0xff } else { seed as u8 });
            }
            let format = [None, Some(Format::Mp3), Some(Format::Adts)][round as usize % 3];
            let out = run(format, round % 50, &body, 1 + round as usize % 300);
            assert!(out.audio.len() <= body.len());
        }
    }
}
