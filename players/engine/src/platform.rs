//! The device as the player sees it: one trait, the guest-side mirror of the ABI.
//!
//! The player ([`crate::player`]) never calls an import itself. It talks to a
//! [`Platform`]: inside a module, `wasp-guest` implements it over the `wasp.*` imports;
//! natively, the simulator implements it over a `Port` and a media store of its own, so
//! the same scenarios run in `cargo test` and, through the real ABI, inside the
//! interpreter. Methods follow the imports one for one (see `docs/abi.md`): handles are
//! the ABI's `u32` handles, errors its [`Status`] codes, timestamps microseconds.
//!
//! A platform must be deterministic for the same inputs (time, fetched bytes and
//! their timing, decoder progress, random numbers): that is what makes a session
//! replayable frame for frame.

#[cfg(feature = "guest")]
pub mod guest;

use wasp_abi::caps::{DecodingInfo, DecodingQuery, DisplayInfo, MemoryBudget};
use wasp_abi::decoder::{
    DecoderConfig, DecoderStats, EncryptionInfo, MediaClockInfo, SampleInfo, SampleRange, Subsample,
};
use wasp_abi::fetch::{FetchInfo, FetchRequest};
use wasp_abi::player::{LogLevel, PlayerState, QoeReport, ReportKind, StateReason};
use wasp_abi::store::StoreUsage;
use wasp_abi::Status;

/// A fetch handle.
pub type FetchId = u32;
/// A media-store object handle.
pub type ObjectId = u32;
/// A decoder handle.
pub type DecoderId = u32;

/// The device services the player uses. Every method is non-blocking.
pub trait Platform {
    /// Monotonic time, microseconds.
    fn now_us(&mut self) -> i64;
    /// A random number (retry jitter). Seeded under test, so deterministic.
    fn random_u64(&mut self) -> u64;
    /// One log line.
    fn log(&mut self, level: LogLevel, line: &str);

    /// Can the device decode this? `codecs` is the RFC 6381 string (may be empty).
    ///
    /// # Errors
    /// The port's status.
    fn decoding_info(
        &mut self,
        query: &DecodingQuery,
        codecs: &str,
    ) -> Result<DecodingInfo, Status>;
    /// The display.
    ///
    /// # Errors
    /// The port's status.
    fn display_info(&mut self) -> Result<DisplayInfo, Status>;
    /// The byte budgets.
    ///
    /// # Errors
    /// The port's status.
    fn memory_budget(&mut self) -> Result<MemoryBudget, Status>;

    /// Starts a fetch; `headers` are `Name: value` lines.
    ///
    /// # Errors
    /// `TooManyHandles`, `Unsupported`, `Io`, ...
    fn fetch_open(
        &mut self,
        request: &FetchRequest,
        url: &str,
        headers: &str,
    ) -> Result<FetchId, Status>;
    /// Progress of a fetch.
    ///
    /// # Errors
    /// `BadHandle`.
    fn fetch_info(&mut self, fetch: FetchId) -> Result<FetchInfo, Status>;
    /// Copies received body bytes into `buf`.
    ///
    /// # Errors
    /// `WouldBlock` (nothing yet), `EndOfStream` (all read), or the fetch's failure.
    fn fetch_read(&mut self, fetch: FetchId, buf: &mut [u8]) -> Result<usize, Status>;
    /// A response header's value (case-insensitive name).
    ///
    /// # Errors
    /// `NotFound`, `WouldBlock` before the headers arrived.
    fn fetch_header(&mut self, fetch: FetchId, name: &str)
        -> Result<alloc::string::String, Status>;
    /// Moves up to `max` received bytes to the end of a store object.
    ///
    /// # Errors
    /// As [`Platform::fetch_read`], and `BudgetExceeded`.
    fn fetch_read_to_store(
        &mut self,
        fetch: FetchId,
        object: ObjectId,
        max: u64,
    ) -> Result<u64, Status>;
    /// Cancels and frees a fetch.
    fn fetch_close(&mut self, fetch: FetchId);

    /// A new store object, reserving `reserve` bytes of the budget.
    ///
    /// # Errors
    /// `BudgetExceeded`, `TooManyHandles`.
    fn store_create(&mut self, reserve: u64) -> Result<ObjectId, Status>;
    /// Copies bytes from `offset` into `buf`; returns the count (0 at the end).
    ///
    /// # Errors
    /// `BadHandle`.
    fn store_read(
        &mut self,
        object: ObjectId,
        offset: u64,
        buf: &mut [u8],
    ) -> Result<usize, Status>;
    /// Appends bytes.
    ///
    /// # Errors
    /// `BudgetExceeded`, `BadHandle`.
    fn store_write(&mut self, object: ObjectId, bytes: &[u8]) -> Result<(), Status>;
    /// Frees an object.
    fn store_free(&mut self, object: ObjectId);
    /// How much of the store is used.
    ///
    /// # Errors
    /// The port's status.
    fn store_usage(&mut self) -> Result<StoreUsage, Status>;

    /// Opens a decoder with its codec configuration bytes.
    ///
    /// # Errors
    /// `Unsupported` and the like.
    fn decoder_open(&mut self, config: &DecoderConfig, extra: &[u8]) -> Result<DecoderId, Status>;
    /// Queues one access unit given as store ranges.
    ///
    /// # Errors
    /// `WouldBlock` when the queue is full (nothing was taken), `BadHandle`, ...
    fn decoder_submit(
        &mut self,
        decoder: DecoderId,
        sample: &SampleInfo,
        ranges: &[SampleRange],
        encryption: Option<(&EncryptionInfo, &[Subsample])>,
    ) -> Result<(), Status>;
    /// Queue levels and statistics.
    ///
    /// # Errors
    /// `BadHandle`.
    fn decoder_info(&mut self, decoder: DecoderId) -> Result<DecoderStats, Status>;
    /// Drops every queued and pending frame.
    fn decoder_flush(&mut self, decoder: DecoderId);
    /// Closes a decoder.
    fn decoder_close(&mut self, decoder: DecoderId);

    /// The media clock.
    ///
    /// # Errors
    /// The port's status.
    fn media_clock(&mut self) -> Result<MediaClockInfo, Status>;
    /// Sets the play rate in thousandths (0 pauses).
    ///
    /// # Errors
    /// `InvalidArgument` outside the ABI's range.
    fn media_set_rate(&mut self, rate_milli: u32) -> Result<(), Status>;
    /// Re-anchors the clock: presentation restarts at the first frame at or after
    /// `pts_us`.
    ///
    /// # Errors
    /// The port's status.
    fn media_set_position(&mut self, pts_us: i64) -> Result<(), Status>;

    /// Reports the player's state and why it changed.
    fn report_state(&mut self, state: PlayerState, reason: StateReason);
    /// Reports a QoE snapshot.
    fn report_qoe(&mut self, report: &QoeReport);
    /// Reports text (session summary, errors) of a [`ReportKind`].
    fn report_text(&mut self, kind: ReportKind, text: &str);
}
