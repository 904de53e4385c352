//! What the TS demuxer lost or threw away: damage is reported here and the demuxer
//! goes on (a broadcast or a flaky network must not stop playback).

/// Counters of a [`TsDemuxer`](super::TsDemuxer) since it was created or reset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TsStats {
    /// Packets read.
    pub packets: u64,
    /// Times the 0x47 sync byte was not where the next packet should start.
    pub sync_losses: u64,
    /// Bytes outside any packet (garbage, lost sync).
    pub skipped_bytes: u64,
    /// Packets that could not be used: a reserved or oversized adaptation field, the
    /// transport error indicator, or scrambled payload.
    pub bad_packets: u64,
    /// Continuity-counter gaps on the PIDs followed (ISO/IEC 13818-1 §2.4.3.3).
    pub continuity_errors: u64,
    /// Duplicate packets skipped (same continuity counter, §2.4.3.3).
    pub duplicate_packets: u64,
    /// Access units and metadata tags dropped: damaged by a loss, cut short, with a
    /// malformed PES header, without timestamps, or video before its parameter sets.
    pub dropped_units: u64,
    /// Audio bytes skipped while looking for a frame sync word.
    pub audio_junk_bytes: u64,
    /// The input ended inside a packet.
    pub truncated: bool,
}
