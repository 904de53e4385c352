//! What the module reports to the embedder: player state, its cause, and reports
//! (QoE and player events) through the `report_state` / `report` imports.

use crate::wire::{wire_enum, wire_struct};
use crate::Status;

wire_enum! {
    /// The public playback state machine.
    ///
    /// `Idle → Loading → Buffering ⇄ Playing ⇄ Paused`, with `Seeking`, `Ended` and
    /// `Error` reachable from any active state.
    pub enum PlayerState {
        /// Nothing loaded.
        Idle = 0,
        /// Fetching manifests and initialising decoders.
        Loading = 1,
        /// Waiting for enough media to (re)start.
        Buffering = 2,
        /// Media clock running.
        Playing = 3,
        /// Paused by command or key.
        Paused = 4,
        /// Repositioning.
        Seeking = 5,
        /// The end of the presentation was played.
        Ended = 6,
        /// Stopped by an error; the reason says which.
        Error = 7,
    }
}

wire_enum! {
    /// Why the state changed (the second argument of `report_state`).
    pub enum StateReason {
        /// No particular reason (start-up, internal progression).
        None = 0,
        /// A command from the embedder (`wasp.h`).
        Command = 1,
        /// A remote-control key.
        Key = 2,
        /// Buffer ran dry or filled.
        Buffer = 3,
        /// End of stream.
        EndOfStream = 4,
        /// The network failed beyond retrying.
        Network = 5,
        /// The content cannot be played on this device (codec, DRM, format).
        Unsupported = 6,
        /// A decoder failed or was lost.
        Decoder = 7,
        /// A manifest or segment was malformed.
        Malformed = 8,
        /// A device event (suspend, output change, low memory).
        Device = 9,
    }
}

wire_enum! {
    /// Severity of a `log` line.
    pub enum LogLevel {
        /// Errors the module could not recover from by itself.
        Error = 0,
        /// Problems that were handled.
        Warn = 1,
        /// Milestones (load, state changes).
        Info = 2,
        /// Detail for developers.
        Debug = 3,
        /// Very verbose detail.
        Trace = 4,
    }
}

wire_enum! {
    /// The kind of a `report` payload sent to the embedder.
    pub enum ReportKind {
        /// A [`QoeReport`] snapshot.
        Qoe = 0,
        /// A UTF-8 line describing a player event for the embedder's analytics
        /// (`"variant 3 1280x720 2.4Mbit/s"`); free-form, not parsed by the runtime.
        Event = 1,
        /// A UTF-8 error description accompanying `PlayerState::Error`.
        Error = 2,
        /// Timed metadata (ID3, `icy` titles) as UTF-8.
        Metadata = 3,
    }
}

wire_struct! {
    /// Quality-of-experience snapshot (`report(ReportKind::Qoe, ...)`). All times are
    /// microseconds.
    pub struct QoeReport {
        /// Current media position.
        pub position_us: i64,
        /// Presentation duration, 0 when live or unknown.
        pub duration_us: i64,
        /// Media buffered ahead of the position.
        pub buffered_us: i64,
        /// Time from load to the first frame, 0 before it.
        pub startup_us: i64,
        /// Total time spent rebuffering after start-up.
        pub rebuffer_us: i64,
        /// Number of rebuffering events after start-up.
        pub rebuffer_count: u32,
        /// Bitrate of the variant playing now, bits per second.
        pub bitrate_bps: u32,
        /// Number of variant switches.
        pub switch_count: u32,
        /// Frames dropped by the decoder since load.
        pub dropped_frames: u32,
        /// Estimated throughput, bits per second.
        pub throughput_bps: u32,
        /// Width of the video playing now.
        pub width: u32,
        /// Height of the video playing now.
        pub height: u32,
        /// The state at the time of the report.
        pub state: PlayerState,
    }
}

/// Module needs and device features, as bits of a `u64` (custom section and
/// `caps_feature`).
pub mod feature {
    /// Video decoding.
    pub const VIDEO_DECODE: u64 = 1 << 0;
    /// Audio decoding or passthrough.
    pub const AUDIO_DECODE: u64 = 1 << 1;
    /// A graphics plane.
    pub const GRAPHICS: u64 = 1 << 2;
    /// Network or storage fetch.
    pub const FETCH: u64 = 1 << 3;
    /// Remote-control input.
    pub const INPUT: u64 = 1 << 4;
    /// Persistent key-value store.
    pub const KV_STORE: u64 = 1 << 5;
    /// Bulk AES crypto in the port (usually hardware).
    pub const CRYPTO: u64 = 1 << 6;
    /// Every feature known to ABI v1.
    pub const ALL_V1: u64 = (1 << 7) - 1;

    /// The name of one feature bit, for messages.
    pub const fn name(bit: u64) -> &'static str {
        match bit {
            VIDEO_DECODE => "video decode",
            AUDIO_DECODE => "audio decode",
            GRAPHICS => "graphics plane",
            FETCH => "fetch",
            INPUT => "input",
            KV_STORE => "key-value store",
            CRYPTO => "crypto",
            _ => "unknown feature",
        }
    }
}

/// Checks a `report_state` pair.
///
/// # Errors
/// [`Status::InvalidArgument`] when either value is unknown.
pub fn decode_state(state: u32, reason: u32) -> Result<(PlayerState, StateReason), Status> {
    match (PlayerState::from_u32(state), StateReason::from_u32(reason)) {
        (Some(s), Some(r)) => Ok((s, r)),
        _ => Err(Status::InvalidArgument),
    }
}
