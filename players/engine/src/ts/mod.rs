//! MPEG-2 transport streams (ISO/IEC 13818-1), as HLS segments, broadcasts and
//! `.ts` files carry them.
//!
//! [`TsDemuxer`] is a push [`Demuxer`](crate::media::Demuxer): chunks of any size go
//! in, [`Event`](crate::media::Event)s come out. The layers, bottom up:
//!
//! * `sync` cuts 188-byte packets out of the chunks, resynchronising on `0x47`;
//!   `packet` reads their headers and adaptation fields.
//! * `psi` reassembles PAT/PMT sections (CRC-checked); `tables` and `descriptor`
//!   read them into the streams to follow.
//! * `stream` checks each PID's continuity counters and runs the PES state machine
//!   (`pes` reads the headers); `video`, `audio` and `metadata` turn PES payload into
//!   access units and tags. Video units are scanned for NAL units (`nal`) to find
//!   keyframes (IDR/IRAP slices, or an H.264 recovery point SEI, `sei`) and the
//!   parameter sets (`params`) the `avcC`/`hvcC` is built from.
//!
//! Memory is bounded whatever the input: a partial packet, a PES header, a PSI
//! section (1 KiB) per PID, parameter sets (1 KiB each, 8 of a kind), an audio frame
//! header window, ID3 tags up to 64 KiB, at most [`MAX_PROGRAMS`] programs and
//! [`MAX_STREAMS`] streams; access units are lists of input ranges (at most
//! [`MAX_RANGES`](crate::media::MAX_RANGES)).

mod audio;
mod continuity;
mod demuxer;
mod descriptor;
mod metadata;
mod nal;
mod packet;
mod params;
mod pes;
mod psi;
mod sei;
mod stats;
mod stream;
mod sync;
mod tables;
mod video;

pub use demuxer::{TsDemuxer, MAX_PROGRAMS, MAX_STREAMS};
pub use metadata::MAX_TAG;
pub use packet::{PacketError, PacketHeader, NULL_PID, PACKET_LENGTH, SYNC_BYTE};
pub use stats::TsStats;
