//! ISO base media files (ISO/IEC 14496-12): progressive and fragmented (CMAF).
//!
//! * [`header`] reads box headers from small windows and walks children without
//!   trusting any size (each container's children are checked against it, counts
//!   are capped, and nesting is bounded by the parsers' fixed structure: nothing
//!   recurses on input).
//! * [`parse_moov`] turns a `moov` into a [`Movie`]: tracks ([`TrackInfo`] with the
//!   codec configuration), edit list shifts, and a compact sample index walked lazily
//!   by [`Samples`].
//! * [`FragmentDemuxer`] pushes fragmented MP4 / CMAF (init segment, then `moof` +
//!   `mdat`, `emsg`, `sidx`) in chunks split anywhere, buffering only metadata
//!   boxes, and reports each sample's encryption info beside it.
//! * [`sidx`] parses segment indexes (DASH SegmentBase).
//!
//! [`TrackInfo`]: crate::media::TrackInfo

mod demuxer;
mod emsg;
mod esds;
mod fragment;
pub mod header;
mod movie;
mod opus;
mod progressive;
mod protection;
mod reader;
mod sample_entry;
mod samples;
mod senc;
pub mod sidx;
mod stbl;
mod track;
mod traf_cursor;

pub use demuxer::FragmentDemuxer;
pub use emsg::{parse_emsg, Emsg, EmsgTime};
pub use fragment::MAX_FRAGMENT_SAMPLES;
pub use header::{BoxHeader, FourCc};
pub use movie::{parse_moov, Movie, MAX_TRACKS};
pub use opus::opus_head;
pub use progressive::{Interleaved, Progressive, MAX_MOOV_LEN, PROBE_LEN};
pub use protection::{Protection, TrackEncryption};
pub use samples::{Sample, Samples};
pub use senc::{AuxInfoOffset, AuxInfoSizes, SampleEncryption, Subsample, Subsamples};
pub use sidx::{parse_sidx, Sidx, SidxReference, Subsegment};
pub use track::{Edit, Track, TrackDefaults};
