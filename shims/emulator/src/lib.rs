//! # wasp-emulator: the emulator's device port
//!
//! [`EmulatorPort`] implements [`wasp_core::Port`] with the observable semantics of
//! the deterministic test device (`wasp_testkit::TestPort`) and real decoding:
//!
//! * **decoders** ([`EmuDecoder`]) run libavcodec (H.264 and H.265 framed or Annex
//!   B, AAC, and MP3/AC-3/E-AC-3/Opus when the profile lists them) behind the test
//!   device's byte-budgeted queue and presentation model; every picture shown is
//!   logged as an ffmpeg `framemd5` line ([`FrameLog`]) and the one on screen is
//!   kept ([`EmulatorPort::current_video_frame`]);
//! * **audio** is decoded to PCM, converted to interleaved s16 like libswresample,
//!   and what is *played* goes to an [`AudioCapture`] (md5, WAV file);
//! * the **media clock** is driven by the audio when there is audio, and stalls when
//!   a decoder starves ([`port`] module docs);
//! * **time** is virtual (deterministic, event-driven, faster than real time) or
//!   real ([`EmulatorPort::real_time`]);
//! * **fetch** serves local files, the test device's simulated network (virtual
//!   time) or real HTTP(S) (real time) ([`fetch`]);
//! * the **graphics plane** is recorded (images, draw lists per present) with a
//!   [`ComposeHook`] for the binary to turn them into pixels;
//! * the device itself is a [`DeviceProfile`].
//!
//! libavcodec comes from the system (Debian: `libavcodec-dev libavformat-dev
//! libavutil-dev libswscale-dev libclang-dev pkg-config`; `ffmpeg` only to regenerate
//! the goldens).
#![deny(unsafe_code)]

mod audio;
mod config;
mod decoder;
pub mod fetch;
mod ffi;
mod files;
mod frame;
pub mod port;
mod profile;
pub mod speaker;

pub use audio::AudioCapture;
pub use decoder::EmuDecoder;
pub use files::FileBody;
pub use frame::{FrameLog, VideoFrame};
pub use port::{ComposeHook, EmulatorPort, Presented};
pub use profile::{CodecCaps, DeviceProfile};
pub use speaker::Speaker;
pub use wasp_testkit::{Frame, ImageRecord, START_US};
