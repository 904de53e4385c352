//! Elementary audio streams: ADTS AAC and MP3 files and radio streams, and the audio
//! frame splitter the MPEG-TS demuxer shares.
//!
//! An elementary stream is a plain sequence of frames, each found by its sync word and
//! sized by its header. [`AudioDemuxer`] (ADTS or MP3) skips an ID3v2 tag at the
//! start, resynchronise after junk (a header found after junk is only trusted once the
//! next header follows it), and time frames by counting samples (the timescale is the
//! sample rate). AAC access units exclude the ADTS header (decoders get raw AAC with
//! the AudioSpecificConfig as the track's config); MP3 frames keep theirs, and the
//! encoder's Xing/Info frame at the start is skipped, as players do.

mod demuxer;
pub(crate) mod framer;
pub(crate) mod id3;
pub(crate) mod ranges;
pub(crate) mod syntax;
mod window;

pub use demuxer::{AudioDemuxer, ES_TRACK_ID, MAX_TAG};
pub use framer::FramerStats;
pub use syntax::Syntax;
