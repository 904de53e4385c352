//! ISO base media files (ISO/IEC 14496-12): progressive and fragmented (CMAF).
//!
//! * [`header`] reads box headers from small windows and walks children without
//!   trusting any size.
//! * [`sidx`] parses segment indexes (DASH SegmentBase).

#[allow(dead_code)] // the walk's users (moov, moof parsers) land next
pub mod header;
#[allow(dead_code)] // idem
mod reader;
pub mod sidx;

pub use header::{BoxHeader, FourCc};
pub use sidx::{parse_sidx, Sidx, SidxReference, Subsegment};
