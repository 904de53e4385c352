//! The `Port`: the Rust face of a device.
//!
//! A device implements [`Port`] once (directly in Rust, or through the C port vtable);
//! the runtime calls it on behalf of the module, after checking everything the module
//! passed. A port therefore never sees a guest pointer, a forged handle or an
//! unchecked enum: it receives host slices, decoded structs and its own ids.
//!
//! # Contract
//! * Every method is called from the thread that calls [`crate::Runtime::tick`]; none
//!   may block for long (fetch and decode are asynchronous: report progress through
//!   [`Port::poll_event`]).
//! * Inputs are borrowed for the duration of the call: copy what you keep.
//! * Ids ([`PortId`]) are the port's own; the runtime maps them to guest handles and
//!   closes every id it opened when a module stops, traps or restarts.
//! * Only [`Port::now_us`], [`Port::log`] and the capability queries are required;
//!   every other method has a default answering [`Status::Unsupported`], so a port for
//!   an audio-only microcontroller implements only what it has.

use wasp_abi::caps::{AudioOutputInfo, DecodingInfo, DecodingQuery, DisplayInfo};
use wasp_abi::decoder::{
    DecoderConfig, DecoderStats, EncryptionInfo, MediaClockInfo, SampleInfo, Subsample,
};
use wasp_abi::event::{CommandEvent, DecoderEvent, DeviceEvent, FetchEvent, KeyEvent};
use wasp_abi::fetch::{FetchInfo, FetchRequest};
use wasp_abi::gfx::{ImageDesc, Rect};
use wasp_abi::player::{LogLevel, PlayerState, ReportKind, StateReason};
use wasp_abi::store::CipherMode;
use wasp_abi::Status;

use crate::draw::DrawList;

/// An identifier the port chose for something it opened (fetch, decoder, image).
pub type PortId = u32;

/// An event the port (or the embedder) delivers to the module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostEvent {
    /// A remote-control key.
    Key(KeyEvent),
    /// An embedder command with its UTF-8 argument.
    Command(CommandEvent, alloc::string::String),
    /// Fetch progress; `handle` is the port's [`PortId`] (the runtime translates it).
    Fetch(FetchEvent),
    /// A decoder event; `handle` is the port's [`PortId`] (the runtime translates it).
    Decoder(DecoderEvent),
    /// A device event.
    Device(DeviceEvent),
}

/// A device, as the runtime sees it.
#[allow(unused_variables)]
pub trait Port {
    // --- system -------------------------------------------------------------------

    /// Monotonic time in microseconds.
    fn now_us(&mut self) -> i64;

    /// One log line from the module (already UTF-8, at most 1 KiB) or the runtime.
    fn log(&mut self, level: LogLevel, line: &str);

    /// Fills `buf` with random bytes. Must be deterministic under test (seeded).
    fn random_fill(&mut self, buf: &mut [u8]) {
        buf.fill(0);
    }

    /// The next pending event, if any. Called at most a bounded number of times per
    /// tick; what is not taken stays with the port.
    fn poll_event(&mut self) -> Option<HostEvent> {
        None
    }

    /// The module reported its player state (for the embedder).
    fn on_state(&mut self, state: PlayerState, reason: StateReason) {}

    /// The module sent a report (QoE bytes or UTF-8 text, at most 4 KiB).
    fn on_report(&mut self, kind: ReportKind, payload: &[u8]) {}

    /// The runtime itself failed in a way it could not contain (no_std panic path).
    fn fatal(&mut self, message: &str) {}

    // --- capabilities -------------------------------------------------------------

    /// Can the device decode this? `codecs` is the RFC 6381 string (may be empty).
    fn decoding_info(&mut self, query: &DecodingQuery, codecs: &str) -> DecodingInfo;

    /// The graphics plane and display.
    fn display_info(&mut self) -> DisplayInfo;

    /// The audio output.
    fn audio_info(&mut self) -> AudioOutputInfo;

    /// The [`wasp_abi::player::feature`] bits the device offers.
    fn features(&mut self) -> u64;

    // --- fetch --------------------------------------------------------------------

    /// Starts a fetch. `headers` are `Name: value` lines separated by `\n`.
    ///
    /// # Errors
    /// `Unsupported` for a scheme the port lacks, `Io` and the like.
    fn fetch_open(
        &mut self,
        request: &FetchRequest,
        url: &str,
        headers: &str,
    ) -> Result<PortId, Status> {
        Err(Status::Unsupported)
    }

    /// Progress of a fetch.
    fn fetch_info(&mut self, id: PortId) -> FetchInfo {
        FetchInfo::default()
    }

    /// Copies received body bytes into `buf`.
    ///
    /// # Errors
    /// `WouldBlock` when nothing is there yet, `EndOfStream` when all was read, or the
    /// failure.
    fn fetch_read(&mut self, id: PortId, buf: &mut [u8]) -> Result<usize, Status> {
        Err(Status::Unsupported)
    }

    /// A response header, written to `out` only when it fits; returns its full length.
    ///
    /// # Errors
    /// `NotFound`, or `WouldBlock` before the headers arrived.
    fn fetch_header(&mut self, id: PortId, name: &str, out: &mut [u8]) -> Result<usize, Status> {
        Err(Status::NotFound)
    }

    /// The final URL after redirects, written to `out` only when it fits; returns its
    /// full length.
    ///
    /// # Errors
    /// As the port sees fit.
    fn fetch_url(&mut self, id: PortId, out: &mut [u8]) -> Result<usize, Status> {
        Err(Status::Unsupported)
    }

    /// Cancels and forgets a fetch.
    fn fetch_close(&mut self, id: PortId) {}

    // --- crypto -------------------------------------------------------------------

    /// AES-128 decrypts `data` in place and returns the plaintext length (PKCS#7
    /// padding removed for [`CipherMode::CbcPkcs7`]).
    ///
    /// # Errors
    /// `Unsupported` without bulk crypto; `InvalidArgument` for bad padding/length.
    fn decrypt(
        &mut self,
        mode: CipherMode,
        key: &[u8; 16],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<usize, Status> {
        Err(Status::Unsupported)
    }

    // --- decoders -----------------------------------------------------------------

    /// Opens a decoder with its codec configuration bytes.
    ///
    /// # Errors
    /// `Unsupported` for a codec or size the device cannot decode.
    fn decoder_open(&mut self, config: &DecoderConfig, extra: &[u8]) -> Result<PortId, Status> {
        Err(Status::Unsupported)
    }

    /// Queues one access unit, given as the pieces in order (scatter-gather).
    ///
    /// # Errors
    /// `WouldBlock` when the queue is full (nothing was taken), `DecodeError`.
    fn decoder_submit(
        &mut self,
        id: PortId,
        sample: &SampleInfo,
        data: &[&[u8]],
        encryption: Option<(&EncryptionInfo, &[Subsample])>,
    ) -> Result<(), Status> {
        Err(Status::Unsupported)
    }

    /// Queue levels and statistics.
    fn decoder_info(&mut self, id: PortId) -> DecoderStats {
        DecoderStats::default()
    }

    /// Drops queued and pending frames.
    fn decoder_flush(&mut self, id: PortId) {}

    /// Closes a decoder.
    fn decoder_close(&mut self, id: PortId) {}

    // --- media clock --------------------------------------------------------------

    /// The media clock.
    fn media_clock(&mut self) -> MediaClockInfo {
        MediaClockInfo::default()
    }

    /// Sets the play rate in thousandths (0 = paused; otherwise already checked to be
    /// within the ABI's range).
    fn media_set_rate(&mut self, rate_milli: u32) {}

    /// Re-anchors the clock after a flush.
    fn media_set_position(&mut self, pts_us: i64) {}

    // --- graphics -----------------------------------------------------------------

    /// Uploads an image; `pixels` is `desc.stride * desc.height` bytes, checked.
    ///
    /// # Errors
    /// `Unsupported` without a graphics plane; `BudgetExceeded`.
    fn image_create(&mut self, desc: &ImageDesc, pixels: &[u8]) -> Result<PortId, Status> {
        Err(Status::Unsupported)
    }

    /// Replaces a rectangle (checked to lie inside the image); rows of `pixels` are
    /// `rect.w * bytes_per_pixel` bytes.
    fn image_update(&mut self, id: PortId, rect: &Rect, pixels: &[u8]) {}

    /// Frees an image.
    fn image_free(&mut self, id: PortId) {}

    /// Draws a checked list: every record decodes and every image id is the port's.
    fn draw(&mut self, list: &DrawList<'_>) {}

    /// Shows the frame drawn since the last present.
    fn present(&mut self) {}

    // --- key-value store ----------------------------------------------------------

    /// A value, written to `out` only when it fits; returns its full length.
    ///
    /// # Errors
    /// `NotFound`; `Unsupported` without a store.
    fn kv_get(&mut self, key: &[u8], out: &mut [u8]) -> Result<usize, Status> {
        Err(Status::Unsupported)
    }

    /// Stores a value durably.
    ///
    /// # Errors
    /// `BudgetExceeded`, `Io`; `Unsupported` without a store.
    fn kv_set(&mut self, key: &[u8], value: &[u8]) -> Result<(), Status> {
        Err(Status::Unsupported)
    }

    /// Removes a key.
    ///
    /// # Errors
    /// `NotFound`; `Unsupported` without a store.
    fn kv_delete(&mut self, key: &[u8]) -> Result<(), Status> {
        Err(Status::Unsupported)
    }
}
