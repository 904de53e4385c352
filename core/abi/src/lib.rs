//! # wasp-abi: the guest⇄host contract, version 1
//!
//! A wasp player module is a WebAssembly module that runs inside the wasp runtime on
//! every device. This crate is the single source of truth for what crosses between
//! the module (the *guest*) and the runtime (the *host*): both the runtime
//! (`wasp-core`) and the guest SDK (`wasp-guest`) depend on it; nothing else defines
//! these names, codes or layouts.
//!
//! ## The layers of the contract, top to bottom
//!
//! 1. **Versions** — [`ABI_VERSION`] and the [`section`] a module carries to declare
//!    the version it was built against and the [`player::feature`]s it needs.
//! 2. **Exports** the module provides: [`EXPORT_MEMORY`], [`EXPORT_INIT`],
//!    [`EXPORT_TICK`]. The host calls `wasp_tick(now_us)`; the module does bounded work
//!    and returns the time (µs) at which it next wants to run.
//! 3. **Imports** the host provides under module [`IMPORT_MODULE`]: the table in
//!    [`imports`], one documented entry per function, each returning an `i32` that is a
//!    value (`>= 0`) or a [`Status`] (`< 0`).
//! 4. **Wire structs** passed by `(ptr, len)`: [`caps`], [`fetch`], [`store`],
//!    [`decoder`], [`gfx`], [`event`], [`player`]. They are `#[repr(C)]` with no
//!    padding, but the host never reinterprets guest bytes: every struct is decoded
//!    field by field ([`wire`]), enums are checked, short inputs are zero-extended.
//!
//! ## Promises
//!
//! * Decoding never panics: every `decode` returns `Ok` or a [`Status`].
//! * Minor versions only append: imports, struct fields, enum values, TLV kinds.
//!   An import newer than the runtime is linked to a stub returning
//!   [`Status::Unsupported`], so a new module can feature-test on an old device.
//! * Handles are `u32` values that carry a generation; a stale or forged handle is
//!   [`Status::BadHandle`], never a crash.
#![cfg_attr(not(test), no_std)]

pub mod caps;
pub mod decoder;
pub mod event;
pub mod fetch;
pub mod gfx;
pub mod imports;
pub mod key;
pub mod media;
pub mod player;
pub mod section;
mod status;
pub mod store;
pub mod wire;

pub use status::Status;

/// An ABI version: modules and runtimes agree when the majors are equal and the
/// runtime's minor is at least the module's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AbiVersion {
    /// Incompatible changes.
    pub major: u16,
    /// Compatible additions.
    pub minor: u16,
}

/// The version this crate describes.
pub const ABI_VERSION: AbiVersion = AbiVersion { major: 1, minor: 0 };

impl core::fmt::Display for AbiVersion {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The import module name of every host function.
pub const IMPORT_MODULE: &str = "wasp";
/// The module's linear memory export.
pub const EXPORT_MEMORY: &str = "memory";
/// `wasp_init() -> i32`: called once after instantiation; `< 0` is a [`Status`] and
/// stops the module.
pub const EXPORT_INIT: &str = "wasp_init";
/// `wasp_tick(now_us: i64) -> i64`: called by the host's loop; returns the port time
/// (µs) of the next wanted tick. Events wake the module earlier.
pub const EXPORT_TICK: &str = "wasp_tick";
/// Every export a module must provide.
pub const REQUIRED_EXPORTS: &[&str] = &[EXPORT_MEMORY, EXPORT_INIT, EXPORT_TICK];

/// Handles: opaque `u32` values. Layout: bits 0–11 slot index, bits 12–15 the kind
/// (fetch, store object, decoder, image), bits 16–31 a generation that is never 0 — so 0
/// is never a valid handle, a closed handle is stale, and a handle of one kind is
/// refused by the calls of another.
pub mod handle {
    /// Most open handles of one kind.
    pub const MAX_SLOTS: usize = 1 << 12;

    /// The kind of object a handle names.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    #[repr(u8)]
    pub enum Kind {
        /// A fetch.
        Fetch = 1,
        /// A media-store object.
        StoreObject = 2,
        /// A decoder.
        Decoder = 3,
        /// An image on the graphics plane.
        Image = 4,
    }

    /// Packs a kind, slot index (`< MAX_SLOTS`) and generation.
    pub const fn pack(kind: Kind, index: u16, generation: u16) -> u32 {
        ((generation as u32) << 16) | ((kind as u32) << 12) | (index as u32 & 0xFFF)
    }
    /// The slot index.
    pub const fn index(handle: u32) -> u16 {
        (handle & 0xFFF) as u16
    }
    /// The kind bits.
    pub const fn kind_bits(handle: u32) -> u8 {
        ((handle >> 12) & 0xF) as u8
    }
    /// The generation.
    pub const fn generation(handle: u32) -> u16 {
        (handle >> 16) as u16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_structs_have_no_padding() {
        use core::mem::size_of;
        macro_rules! same {
            ($($t:ty),*) => {$( assert_eq!(size_of::<$t>(), <$t>::SIZE, stringify!($t)); )*};
        }
        same!(
            caps::DecodingQuery,
            caps::DecodingInfo,
            caps::DisplayInfo,
            caps::AudioOutputInfo,
            caps::MemoryBudget,
            caps::RuntimeInfo,
            fetch::FetchRequest,
            fetch::FetchInfo,
            decoder::DecoderConfig,
            decoder::SampleInfo,
            decoder::SampleRange,
            decoder::EncryptionInfo,
            decoder::Subsample,
            decoder::DecoderStats,
            decoder::MediaClockInfo,
            store::StoreUsage,
            store::CryptoParams,
            gfx::ImageDesc,
            gfx::Rect,
            gfx::Clear,
            gfx::FillRect,
            gfx::DrawImage,
            gfx::Glyphs,
            gfx::GlyphQuad,
            event::KeyEvent,
            event::CommandEvent,
            event::FetchEvent,
            event::DecoderEvent,
            event::DeviceEvent,
            player::QoeReport
        );
    }

    #[test]
    fn unknown_enum_values_are_rejected() {
        let mut bytes = decoder::DecoderConfig {
            codec: media::Codec::H264,
            ..Default::default()
        }
        .to_bytes();
        assert_eq!(
            decoder::DecoderConfig::decode(&bytes).map(|c| c.codec),
            Ok(media::Codec::H264)
        );
        bytes[0] = 99;
        assert_eq!(
            decoder::DecoderConfig::decode(&bytes),
            Err(Status::InvalidArgument)
        );
    }

    #[test]
    fn events_round_trip() {
        let mut buf = [0u8; event::MAX_EVENT];
        let ev = event::Event::Command(
            event::CommandEvent {
                position_us: 1 << 33,
                command: event::Command::Load,
                flags: 0,
            },
            "http://x/a.m3u8",
        );
        let n = ev.encode(&mut buf).unwrap();
        let rec = wire::Records::new(&buf[..n]).next().unwrap().unwrap();
        assert_eq!(event::Event::decode(rec), Ok(Some(ev)));
        let key = event::Event::Key(event::KeyEvent {
            time_us: 5,
            key: key::Key::Ok,
            action: key::KeyAction::Down,
        });
        let n = key.encode(&mut buf).unwrap();
        let rec = wire::Records::new(&buf[..n]).next().unwrap().unwrap();
        assert_eq!(event::Event::decode(rec), Ok(Some(key)));
        // Unknown kinds are skipped, not errors.
        assert_eq!(
            event::Event::decode(wire::Record {
                kind: 77,
                payload: &[]
            }),
            Ok(None)
        );
    }

    #[test]
    fn draw_lists_decode_and_skip_unknown_opcodes() {
        let mut buf = [0u8; 128];
        let mut pos = 0;
        assert!(wire::put_record(
            &mut buf,
            &mut pos,
            gfx::op::CLEAR,
            &gfx::Clear { color: 7 }.to_bytes()
        ));
        assert!(wire::put_record(&mut buf, &mut pos, 999, &[1, 2, 3]));
        let quad = gfx::GlyphQuad {
            sx: 1,
            sy: 2,
            w: 3,
            h: 4,
            dx: -5,
            dy: 6,
        };
        let mut glyphs = [0u8; gfx::Glyphs::SIZE + gfx::GlyphQuad::SIZE];
        gfx::Glyphs { image: 3, color: 9 }.encode(&mut glyphs);
        quad.encode(&mut glyphs[gfx::Glyphs::SIZE..]);
        assert!(wire::put_record(
            &mut buf,
            &mut pos,
            gfx::op::GLYPHS,
            &glyphs
        ));
        let cmds: Vec<_> = gfx::draw_commands(&buf[..pos]).collect();
        assert_eq!(cmds.len(), 2);
        assert_eq!(
            cmds[0],
            Ok(gfx::DrawCommand::Clear(gfx::Clear { color: 7 }))
        );
        match cmds[1] {
            Ok(gfx::DrawCommand::Glyphs(g, q)) => {
                assert_eq!(g.image, 3);
                assert_eq!(gfx::glyph_quads(q).collect::<Vec<_>>(), [quad]);
            }
            ref other => panic!("{other:?}"),
        }
        // A ragged glyph run is refused.
        let mut pos = 0;
        assert!(wire::put_record(
            &mut buf,
            &mut pos,
            gfx::op::GLYPHS,
            &glyphs[..glyphs.len() - 1]
        ));
        assert_eq!(
            gfx::draw_commands(&buf[..pos]).next(),
            Some(Err(Status::InvalidArgument))
        );
    }

    #[test]
    fn premultiplied_colours_round_to_nearest() {
        assert_eq!(gfx::rgba(255, 255, 255, 255), 0xFFFF_FFFF);
        assert_eq!(gfx::rgba(255, 0, 0, 128), 0x8000_0080);
        assert_eq!(gfx::rgba(10, 20, 30, 0), 0);
    }

    #[test]
    fn handles_pack_index_and_generation() {
        let h = handle::pack(handle::Kind::Decoder, 7, 3);
        assert_eq!(
            (
                handle::index(h),
                handle::kind_bits(h),
                handle::generation(h)
            ),
            (7, 3, 3)
        );
        assert_ne!(h, handle::pack(handle::Kind::Image, 7, 3));
    }
}
