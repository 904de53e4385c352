//! The engine component under test, chosen by the `format` configuration key among
//! those whose Cargo feature is on.

use alloc::boxed::Box;
use alloc::vec::Vec;
use wasp_engine::media::{Demuxer, Event};

/// A text format's parser: the units it found (segments, periods, cues), or why not.
pub type ParseFn = fn(&[u8]) -> Result<u64, &'static str>;

/// A push demuxer counting access units, or a text parser gathering its input.
pub enum Component {
    /// `ts` or `fmp4`: every chunk is pushed as it arrives.
    Demux {
        /// The demuxer.
        demuxer: Box<dyn Demuxer + Send>,
        /// Access units seen.
        units: u64,
    },
    /// `hls`, `dash` or `vtt`: parsed once the whole text is in.
    Text {
        /// How to parse it.
        parse: ParseFn,
        /// The bytes so far.
        text: Vec<u8>,
    },
}

impl Component {
    /// The component for `format`, if it is built in.
    pub fn new(format: &str) -> Option<Self> {
        let demuxer: Box<dyn Demuxer + Send> = match format {
            #[cfg(feature = "ts")]
            "ts" => Box::new(wasp_engine::ts::TsDemuxer::new()),
            #[cfg(feature = "mp4")]
            "fmp4" => Box::new(wasp_engine::mp4::FragmentDemuxer::new()),
            _ => {
                return text_parser(format).map(|parse| Component::Text {
                    parse,
                    text: Vec::new(),
                })
            }
        };
        Some(Component::Demux { demuxer, units: 0 })
    }

    /// Feeds the next chunk of the input.
    ///
    /// # Errors
    /// The demuxer's complaint, or `out of memory` while gathering text.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), &'static str> {
        match self {
            Component::Demux { demuxer, units } => demuxer
                .push(chunk, &mut |event| count(units, &event))
                .map_err(reason),
            Component::Text { text, .. } => {
                text.try_reserve(chunk.len()).map_err(|_| "out of memory")?;
                text.extend_from_slice(chunk);
                Ok(())
            }
        }
    }

    /// The input ended: the units counted (access units, segments, periods, cues).
    ///
    /// # Errors
    /// The demuxer's or the parser's complaint.
    pub fn finish(&mut self) -> Result<u64, &'static str> {
        match self {
            Component::Demux { demuxer, units } => {
                demuxer
                    .finish(&mut |event| count(units, &event))
                    .map_err(reason)?;
                Ok(*units)
            }
            Component::Text { parse, text } => parse(text),
        }
    }
}

fn count(units: &mut u64, event: &Event) {
    if matches!(event, Event::Sample(_)) {
        *units += 1;
    }
}

fn reason(error: wasp_engine::media::DemuxError) -> &'static str {
    use wasp_engine::media::DemuxError::{Malformed, TooLarge, Unsupported};
    match error {
        Malformed(why) | Unsupported(why) | TooLarge(why) => why,
    }
}

/// The parser for a text format, if it is built in.
fn text_parser(format: &str) -> Option<ParseFn> {
    match format {
        #[cfg(feature = "hls")]
        "hls" => Some(hls),
        #[cfg(feature = "dash")]
        "dash" => Some(dash),
        #[cfg(feature = "vtt")]
        "vtt" => Some(vtt),
        _ => None,
    }
}

/// HLS: segments of a media playlist, variants of a master playlist.
#[cfg(feature = "hls")]
fn hls(text: &[u8]) -> Result<u64, &'static str> {
    use wasp_engine::hls::{parse_bytes, Playlist};
    match parse_bytes(text, "http://bench.test/") {
        Ok(Playlist::Media(media)) => Ok(media.segments.len() as u64),
        Ok(Playlist::Master(master)) => Ok(master.variants.len() as u64),
        Err(_) => Err("playlist refused"),
    }
}

/// DASH: periods of the MPD.
#[cfg(feature = "dash")]
fn dash(text: &[u8]) -> Result<u64, &'static str> {
    wasp_engine::dash::Mpd::parse_bytes(text, "http://bench.test/")
        .map(|mpd| mpd.periods.len() as u64)
        .map_err(|_| "MPD refused")
}

/// WebVTT: cues.
#[cfg(feature = "vtt")]
fn vtt(text: &[u8]) -> Result<u64, &'static str> {
    wasp_engine::vtt::Document::parse(text)
        .map(|doc| doc.cues.len() as u64)
        .map_err(|_| "WebVTT refused")
}
