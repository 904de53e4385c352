//! ISO base media files (ISO/IEC 14496-12): progressive and fragmented (CMAF).
//!
//! Two ways in, one set of types out ([`TrackInfo`] per track, [`AccessUnit`]s naming
//! byte ranges of the input):
//!
//! * **Progressive files** over range requests: [`Progressive`] walks the top-level
//!   boxes from the file size alone, asking for a [`PROBE_LEN`] window, skipping
//!   `mdat` by its size and gathering `moov` wherever it is (faststart or at the end).
//!   The [`Movie`] it yields keeps each track's sample table as the file stores it
//!   (run-length `stts`/`ctts`/`stsc`, sizes at their stored width): [`Samples`]
//!   walks it lazily, [`Movie::interleaved`] merges the tracks in file order,
//!   [`Movie::find_sample_at`] finds the keyframe to seek to, and
//!   [`Track::access_unit`] applies the edit list ([`Edit::shift`]).
//! * **Fragmented files / CMAF** pushed in chunks split anywhere: [`FragmentDemuxer`]
//!   (a [`Demuxer`]) reads the init segment's `moov` (`mvex`/`trex` defaults, `tenc`),
//!   then `moof` + `mdat`: only metadata boxes are buffered (each under a cap), the
//!   `mdat` payload never is; samples come out once their bytes have gone by, with
//!   their encryption information ([`SampleEncryption`]: IV, subsample map, key id)
//!   through [`FragmentDemuxer::push_with`]; `emsg` becomes [`Event::Metadata`],
//!   `sidx` is kept ([`FragmentDemuxer::sidx`]), `styp` and unknown boxes are skipped.
//! * [`parse_sidx`] reads a segment index on its own (DASH SegmentBase `indexRange`)
//!   and [`Sidx::subsegments`] places each subsegment in the file.
//!
//! Trust: [`header`] reads box headers from small windows and walks children without
//! trusting any size (each child is checked against its parent and the input, counts
//! are capped, nesting is bounded by the parsers' fixed structure: nothing recurses
//! on input), and every table sized by the input is checked against its box before
//! a fallible reservation.
//!
//! [`TrackInfo`]: crate::media::TrackInfo
//! [`AccessUnit`]: crate::media::AccessUnit
//! [`Demuxer`]: crate::media::Demuxer
//! [`Event::Metadata`]: crate::media::Event::Metadata

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
