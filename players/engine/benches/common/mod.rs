//! The benchmarks' inputs (fixtures, a generated playlist) and the native reference
//! run of each demuxer.
#![allow(dead_code)] // each bench uses a different part

use std::path::PathBuf;

use wasp_engine::media::{Demuxer, Event};

/// The chunk size pushed into the demuxers (the wasm module reads 64 KiB too).
pub const CHUNK: usize = 64 * 1024;

/// Bytes of `players/engine/fixtures/<path>`.
pub fn fixture(path: &str) -> Vec<u8> {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path);
    std::fs::read(&file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()))
}

/// The 720p-ish variant's TS segments, concatenated (`hls-ts/v1_*.ts`).
pub fn ts_segments() -> Vec<u8> {
    [fixture("hls-ts/v1_000.ts"), fixture("hls-ts/v1_001.ts")].concat()
}

/// The same variant as fMP4: (init segment, media segments concatenated).
pub fn fmp4_segments() -> (Vec<u8>, Vec<u8>) {
    (
        fixture("hls-fmp4/init_1.mp4"),
        [
            fixture("hls-fmp4/v1_000.m4s"),
            fixture("hls-fmp4/v1_001.m4s"),
        ]
        .concat(),
    )
}

/// `bytes` repeated until at least `size` bytes.
pub fn repeat_to(bytes: &[u8], size: usize) -> Vec<u8> {
    let times = size.div_ceil(bytes.len().max(1));
    bytes.repeat(times)
}

/// Pushes `parts` (in order, as one stream) into `demuxer` in [`CHUNK`]-byte chunks;
/// returns the access units seen.
pub fn demux(demuxer: &mut dyn Demuxer, parts: &[&[u8]]) -> u64 {
    let mut units = 0u64;
    let mut sink = |event: Event| {
        if matches!(event, Event::Sample(_)) {
            units += 1;
        }
    };
    for part in parts {
        for chunk in part.chunks(CHUNK) {
            demuxer.push(chunk, &mut sink).expect("fixture demuxes");
        }
    }
    demuxer.finish(&mut sink).expect("fixture ends cleanly");
    units
}

/// A VOD media playlist of `segments` 6-second segments with relative URIs (the URI
/// is resolved against the playlist URL for each segment) and a byte range on every
/// other one.
pub fn media_playlist(segments: usize) -> String {
    use std::fmt::Write as _;
    let mut text = String::from(
        "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:0\n\
         #EXT-X-PLAYLIST-TYPE:VOD\n",
    );
    for i in 0..segments {
        let _ = writeln!(text, "#EXTINF:6.006,");
        if i % 2 == 1 {
            let _ = writeln!(text, "#EXT-X-BYTERANGE:{}@{}", 500_000 + i, i * 500_000);
        }
        let _ = writeln!(text, "segments/v1/seg_{i:05}.ts");
    }
    text.push_str("#EXT-X-ENDLIST\n");
    text
}
