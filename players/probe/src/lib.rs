//! # wasp-probe: the import self-test module
//!
//! A real Rust guest, built on `wasp-guest`, that the runtime's integration tests run to
//! exercise every import of the ABI with valid arguments. It is deterministic: each
//! [`tick`](Probe::tick) performs the next [`Step`] of a fixed sequence and logs, at
//! Info level, one line per import result:
//!
//! ```text
//! probe <import name>: <details>
//! probe <import name>: error <status name>     (an unexpected failure; the probe goes on)
//! probe <import name>: skipped (<why>)         (an earlier step it depends on failed)
//! ```
//!
//! A step that must wait for fetched bytes ([`Status::WouldBlock`]) stays where it is
//! and asks for a tick 1 ms later. After the last step it logs `probe done` and sleeps
//! for ever (`i64::MAX`). Events that arrive after the `event_poll` step are discarded
//! unlogged at the start of each tick, so they do not keep waking the probe.
//!
//! Configuration (`key=value` lines): `url` (default `mem://probe.txt`) is fetched
//! twice, `kv_key` (default `probe`) is set, read and deleted; `panic=<message>` makes
//! `init` panic (to test the SDK's panic handler).
#![no_std]

extern crate alloc;

mod basics;
mod io;
mod media;

use alloc::string::String;
use wasp_guest::abi::imports::name;
use wasp_guest::config::Config;
use wasp_guest::gfx::Image;
use wasp_guest::{Decoder, Fetch, Player, Status, StoreObject};

wasp_guest::module!(
    player = Probe,
    name = "probe",
    version = env!("CARGO_PKG_VERSION"),
    requires = 0,
);

/// Logs `probe <import>: <details>` at Info level.
macro_rules! say {
    ($import:expr, $($details:tt)*) => {
        wasp_guest::info!("probe {}: {}", $import, format_args!($($details)*))
    };
}
pub(crate) use say;

/// Logs an unexpected failure of `import`.
pub(crate) fn fail(import: &str, status: Status) {
    say!(import, "error {}", status.name());
}

/// One step of the sequence, named after the import it exercises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// `runtime_info`.
    RuntimeInfo,
    /// `log`: the line itself is the result.
    Log,
    /// `time_now`.
    TimeNow,
    /// `random_fill`: 16 bytes, logged as hex.
    RandomFill,
    /// `config_read`: its length.
    ConfigRead,
    /// `event_poll`: drains the queue, one line per event (`none` when empty).
    EventPoll,
    /// `report_state`: Loading, then Playing, reason Command.
    ReportState,
    /// `report`: a QoE snapshot and an Event text.
    Report,
    /// `caps_decoding`: H.264 1080p30 at 5 Mbit/s.
    CapsDecoding,
    /// `caps_display`.
    CapsDisplay,
    /// `caps_audio`.
    CapsAudio,
    /// `caps_memory`.
    CapsMemory,
    /// `caps_feature`: every v1 bit.
    CapsFeature,
    /// `fetch_open`: the configured URL.
    FetchOpen,
    /// `fetch_info`.
    FetchInfo,
    /// `fetch_header`: `content-type` (waits for the headers).
    FetchHeader,
    /// `fetch_url`.
    FetchUrl,
    /// `fetch_read`: up to 64 bytes (waits for them).
    FetchRead,
    /// `fetch_read_to_store`: a second fetch of the URL, all of it into a store object.
    FetchReadToStore,
    /// `fetch_close`: the first fetch.
    FetchClose,
    /// `store_create`: reserving 4096 bytes.
    StoreCreate,
    /// `store_write`: `0123456789`.
    StoreWrite,
    /// `store_read`: 4 bytes at offset 2.
    StoreRead,
    /// `store_size`.
    StoreSize,
    /// `store_usage`.
    StoreUsage,
    /// `crypto_decrypt`: AES-128-CBC with PKCS#7 over 32 stored bytes.
    CryptoDecrypt,
    /// `decoder_open`: H.264 640x360.
    DecoderOpen,
    /// `decoder_submit`: a 10-byte keyframe from the store, then end of stream.
    DecoderSubmit,
    /// `decoder_info`.
    DecoderInfo,
    /// `decoder_flush`.
    DecoderFlush,
    /// `decoder_close`.
    DecoderClose,
    /// `store_free`: the object written above.
    StoreFree,
    /// `media_clock`.
    MediaClock,
    /// `media_set_rate`: 1000.
    MediaSetRate,
    /// `media_set_position`: 0.
    MediaSetPosition,
    /// `gfx_image_create`: 8x8 opaque red.
    ImageCreate,
    /// `gfx_image_update`: a white 2x2 square at (1, 1).
    ImageUpdate,
    /// `gfx_draw`: clear, fill, image, clip, glyphs, reset clip.
    Draw,
    /// `gfx_present`.
    Present,
    /// `gfx_image_free`.
    ImageFree,
    /// `kv_set`: `kv_key` = `probe-value`.
    KvSet,
    /// `kv_get`: the value just set.
    KvGet,
    /// `kv_delete`.
    KvDelete,
    /// `kv_get` again: not found.
    KvGetDeleted,
}

impl Step {
    /// The sequence, in order.
    pub const ALL: &'static [Step] = &[
        Step::RuntimeInfo,
        Step::Log,
        Step::TimeNow,
        Step::RandomFill,
        Step::ConfigRead,
        Step::EventPoll,
        Step::ReportState,
        Step::Report,
        Step::CapsDecoding,
        Step::CapsDisplay,
        Step::CapsAudio,
        Step::CapsMemory,
        Step::CapsFeature,
        Step::FetchOpen,
        Step::FetchInfo,
        Step::FetchHeader,
        Step::FetchUrl,
        Step::FetchRead,
        Step::FetchReadToStore,
        Step::FetchClose,
        Step::StoreCreate,
        Step::StoreWrite,
        Step::StoreRead,
        Step::StoreSize,
        Step::StoreUsage,
        Step::CryptoDecrypt,
        Step::DecoderOpen,
        Step::DecoderSubmit,
        Step::DecoderInfo,
        Step::DecoderFlush,
        Step::DecoderClose,
        Step::StoreFree,
        Step::MediaClock,
        Step::MediaSetRate,
        Step::MediaSetPosition,
        Step::ImageCreate,
        Step::ImageUpdate,
        Step::Draw,
        Step::Present,
        Step::ImageFree,
        Step::KvSet,
        Step::KvGet,
        Step::KvDelete,
        Step::KvGetDeleted,
    ];

    /// The import this step exercises (the name its lines start with).
    pub const fn import(self) -> &'static str {
        match self {
            Step::RuntimeInfo => name::RUNTIME_INFO,
            Step::Log => name::LOG,
            Step::TimeNow => name::TIME_NOW,
            Step::RandomFill => name::RANDOM_FILL,
            Step::ConfigRead => name::CONFIG_READ,
            Step::EventPoll => name::EVENT_POLL,
            Step::ReportState => name::REPORT_STATE,
            Step::Report => name::REPORT,
            Step::CapsDecoding => name::CAPS_DECODING,
            Step::CapsDisplay => name::CAPS_DISPLAY,
            Step::CapsAudio => name::CAPS_AUDIO,
            Step::CapsMemory => name::CAPS_MEMORY,
            Step::CapsFeature => name::CAPS_FEATURE,
            Step::FetchOpen => name::FETCH_OPEN,
            Step::FetchInfo => name::FETCH_INFO,
            Step::FetchHeader => name::FETCH_HEADER,
            Step::FetchUrl => name::FETCH_URL,
            Step::FetchRead => name::FETCH_READ,
            Step::FetchReadToStore => name::FETCH_READ_TO_STORE,
            Step::FetchClose => name::FETCH_CLOSE,
            Step::StoreCreate => name::STORE_CREATE,
            Step::StoreWrite => name::STORE_WRITE,
            Step::StoreRead => name::STORE_READ,
            Step::StoreSize => name::STORE_SIZE,
            Step::StoreUsage => name::STORE_USAGE,
            Step::CryptoDecrypt => name::CRYPTO_DECRYPT,
            Step::DecoderOpen => name::DECODER_OPEN,
            Step::DecoderSubmit => name::DECODER_SUBMIT,
            Step::DecoderInfo => name::DECODER_INFO,
            Step::DecoderFlush => name::DECODER_FLUSH,
            Step::DecoderClose => name::DECODER_CLOSE,
            Step::StoreFree => name::STORE_FREE,
            Step::MediaClock => name::MEDIA_CLOCK,
            Step::MediaSetRate => name::MEDIA_SET_RATE,
            Step::MediaSetPosition => name::MEDIA_SET_POSITION,
            Step::ImageCreate => name::GFX_IMAGE_CREATE,
            Step::ImageUpdate => name::GFX_IMAGE_UPDATE,
            Step::Draw => name::GFX_DRAW,
            Step::Present => name::GFX_PRESENT,
            Step::ImageFree => name::GFX_IMAGE_FREE,
            Step::KvSet => name::KV_SET,
            Step::KvGet | Step::KvGetDeleted => name::KV_GET,
            Step::KvDelete => name::KV_DELETE,
        }
    }
}

/// What a step asks of the loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Progress {
    /// Done: go on with the next step at once.
    Next,
    /// Waiting for the host (fetched bytes, decoder queue): run this step again later.
    Wait,
}

/// How long a waiting step sleeps, µs.
const WAIT_US: i64 = 1_000;

/// Most events discarded per tick.
const MAX_DISCARDED: usize = 256;

/// Drops pending events without logging them. Once its `event_poll` step is done the
/// probe does this every tick, so that the progress events of its own fetches and
/// decoder do not keep waking it.
fn discard_events() {
    for _ in 0..MAX_DISCARDED {
        if !matches!(wasp_guest::events::poll(), Ok(Some(_))) {
            return;
        }
    }
}

/// The probe's state: where it is in the sequence and what earlier steps opened.
#[derive(Debug)]
pub struct Probe {
    url: String,
    kv_key: String,
    next: usize,
    /// The first fetch (`fetch_open` … `fetch_close`).
    fetch: Option<Fetch>,
    /// The second fetch, its store object and the bytes moved so far.
    to_store: Option<(Fetch, StoreObject, u64)>,
    /// The object holding `0123456789` (store steps, then the decoder's sample).
    object: Option<StoreObject>,
    decoder: Option<Decoder>,
    /// Samples of `decoder_submit` accepted so far (the keyframe, then end of stream).
    submitted: u8,
    /// The `event_poll` step is done: later events are discarded unlogged.
    events_logged: bool,
    image: Option<Image>,
}

impl Player for Probe {
    fn init() -> Result<Self, Status> {
        wasp_guest::info!("probe init");
        let config = match Config::load() {
            Ok(config) => config,
            Err(status) => {
                fail(name::CONFIG_READ, status);
                Config::default()
            }
        };
        let setting = |key: &str, default: &str| String::from(config.get(key).unwrap_or(default));
        // `panic=<message>`: proves the SDK's panic handler (log, then trap).
        if let Some(message) = config.get("panic") {
            panic!("probe asked to panic: {message}");
        }
        Ok(Probe {
            url: setting("url", "mem://probe.txt"),
            kv_key: setting("kv_key", "probe"),
            next: 0,
            fetch: None,
            to_store: None,
            object: None,
            decoder: None,
            submitted: 0,
            events_logged: false,
            image: None,
        })
    }

    fn tick(&mut self, now_us: i64) -> i64 {
        if self.events_logged {
            discard_events();
        }
        let Some(&step) = Step::ALL.get(self.next) else {
            return i64::MAX;
        };
        match self.run(step) {
            Progress::Wait => now_us.saturating_add(WAIT_US),
            Progress::Next => {
                self.next += 1;
                if self.next < Step::ALL.len() {
                    now_us
                } else {
                    wasp_guest::info!("probe done");
                    i64::MAX
                }
            }
        }
    }
}

impl Probe {
    /// Performs one step, through the helper of its group.
    fn run(&mut self, step: Step) -> Progress {
        match step {
            Step::RuntimeInfo
            | Step::Log
            | Step::TimeNow
            | Step::RandomFill
            | Step::ConfigRead
            | Step::ReportState
            | Step::Report => basics::run(step),
            Step::EventPoll => {
                self.events_logged = true;
                basics::run(step)
            }
            Step::CapsDecoding
            | Step::CapsDisplay
            | Step::CapsAudio
            | Step::CapsMemory
            | Step::CapsFeature => basics::caps(step),
            Step::FetchOpen
            | Step::FetchInfo
            | Step::FetchHeader
            | Step::FetchUrl
            | Step::FetchRead
            | Step::FetchReadToStore
            | Step::FetchClose => self.fetch(step),
            Step::StoreCreate
            | Step::StoreWrite
            | Step::StoreRead
            | Step::StoreSize
            | Step::StoreUsage
            | Step::CryptoDecrypt
            | Step::StoreFree => self.store(step),
            Step::DecoderOpen
            | Step::DecoderSubmit
            | Step::DecoderInfo
            | Step::DecoderFlush
            | Step::DecoderClose => self.decoder(step),
            Step::MediaClock | Step::MediaSetRate | Step::MediaSetPosition => media::clock(step),
            Step::ImageCreate
            | Step::ImageUpdate
            | Step::Draw
            | Step::Present
            | Step::ImageFree => self.gfx(step),
            Step::KvSet | Step::KvGet | Step::KvDelete | Step::KvGetDeleted => self.kv(step),
        }
    }
}

/// Bytes as lower-case hex.
pub(crate) struct Hex<'a>(pub &'a [u8]);

impl core::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use wasp_guest::abi::imports::IMPORTS;

    #[test]
    fn the_sequence_exercises_every_import() {
        for import in IMPORTS {
            assert!(
                Step::ALL.iter().any(|s| s.import() == import.name),
                "no step calls `{}`",
                import.name
            );
        }
    }

    #[test]
    fn hex_is_lower_case_and_padded() {
        assert_eq!(std::format!("{}", Hex(&[0x0a, 0xff, 0])), "0aff00");
    }
}
