//! Every decoder of the ABI on arbitrary bytes: no panic, and whatever decodes
//! re-encodes to bytes that decode to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasp_abi::caps::*;
use wasp_abi::decoder::*;
use wasp_abi::event::*;
use wasp_abi::fetch::*;
use wasp_abi::gfx::*;
use wasp_abi::player::QoeReport;
use wasp_abi::section::AbiSection;
use wasp_abi::store::*;
use wasp_abi::wire::Records;

macro_rules! round_trip {
    ($data:expr, $($t:ty),*) => {$(
        if let Ok(v) = <$t>::decode($data) {
            assert_eq!(<$t>::decode(&v.to_bytes()), Ok(v));
        }
    )*};
}

fuzz_target!(|data: &[u8]| {
    round_trip!(
        data, DecodingQuery, DecodingInfo, DisplayInfo, AudioOutputInfo, MemoryBudget, RuntimeInfo,
        FetchRequest, FetchInfo, DecoderConfig, SampleInfo, SampleRange, EncryptionInfo, Subsample,
        DecoderStats, MediaClockInfo, StoreUsage, CryptoParams, ImageDesc, Rect, Clear, FillRect,
        DrawImage, Glyphs, GlyphQuad, KeyEvent, CommandEvent, FetchEvent, DecoderEvent, DeviceEvent,
        QoeReport
    );
    for record in Records::new(data).flatten() {
        if let Ok(Some(event)) = Event::decode(record) {
            let mut buf = [0u8; MAX_EVENT];
            if let Some(n) = event.encode(&mut buf) {
                let again = Records::new(&buf[..n]).next().and_then(Result::ok).and_then(|r| Event::decode(r).ok().flatten());
                assert_eq!(again, Some(event));
            }
        }
    }
    for command in draw_commands(data) {
        if let Ok(DrawCommand::Glyphs(_, quads)) = command {
            assert_eq!(glyph_quads(quads).count() * GlyphQuad::SIZE, quads.len());
        }
    }
    let _ = AbiSection::decode(data);
});
