//! # wasp-engine: what every wasp player module is made of
//!
//! `no_std` + `alloc`. It builds natively (tests, fuzzing, benchmarks, the simulator)
//! and for `wasm32-unknown-unknown` (inside player modules). It parses what real
//! services serve, streams its input in bounded chunks (no whole-segment copies), and
//! never panics on any input.
//!
//! The layers, top to bottom:
//!
//! * **Manifests** — [`hls`] (RFC 8216 and later, including the LL-HLS tags) and
//!   [`dash`] (ISO/IEC 23009-1 MPDs), with URI resolution in [`url`].
//! * **Demuxers** — [`ts`] (MPEG-TS, ISO/IEC 13818-1), [`mp4`] (ISO BMFF, progressive
//!   and fragmented/CMAF), [`es`] (ADTS AAC and MP3 elementary streams). Each turns
//!   bytes into [`media::AccessUnit`]s: timestamps in the track's timescale
//!   ([`time::Ticks`]), a keyframe flag, and the byte ranges of the input that hold the
//!   unit, so payload is submitted to the decoder by reference.
//! * **Codec configuration** — [`codec`]: H.264/H.265 parameter sets to `avcC`/`hvcC`,
//!   AudioSpecificConfig from ADTS.
//! * **Subtitles and crypto** — [`vtt`] (WebVTT) and [`crypto`] (HLS AES-128-CBC).
//! * **Adaptive bitrate** — [`abr`]: the rung to fetch next (throughput start-up,
//!   BOLA-E steady state, abandonment, dropped frames, caps) and the canonical
//!   benchmark it is scored on.
//! * **Playback** — [`player`]: the state machine, loader, buffer manager, seeking,
//!   live and QoE, talking to the device through [`platform::Platform`].
#![no_std]

extern crate alloc;

pub mod abr;
pub mod codec;
pub mod crypto;
pub mod dash;
pub mod es;
pub mod hls;
pub mod media;
pub mod mp4;
pub mod platform;
pub mod player;
pub mod time;
pub mod ts;
pub mod url;
pub mod vtt;
