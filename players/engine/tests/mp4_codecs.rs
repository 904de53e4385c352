#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Sample entries beyond H.264/AAC, each in a small progressive file made by
//! `tests/mp4/make-goldens.sh`: every sample against ffprobe/framemd5, and the codec,
//! configuration record and audio layout against ffprobe's streams.

#[path = "mp4/common.rs"]
mod common;

use common::*;
use wasp_engine::media::{Codec, TrackInfo};
use wasp_engine::mp4::opus_head;

/// Checks `tests/mp4/<name>.mp4` against its goldens; returns its only track and
/// ffmpeg's extradata for it.
fn check(name: &str) -> (TrackInfo, Vec<u8>) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mp4");
    let read = |ext: &str| std::fs::read_to_string(dir.join(format!("{name}.{ext}"))).unwrap();
    let bytes = std::fs::read(dir.join(format!("{name}.mp4"))).unwrap();
    let movie = check_progressive(&bytes, &read("packets.csv"), &read("framemd5"));
    assert_eq!(movie.tracks.len(), 1);
    (
        movie.tracks[0].info.clone(),
        extradata(&read("streams.json")).remove(0),
    )
}

#[test]
fn hevc_in_hvc1_and_hev1_keeps_the_hvcc() {
    for name in ["hvc1", "hev1"] {
        let (track, extradata) = check(name);
        assert_eq!(
            (track.codec, track.width, track.height),
            (Codec::H265, 64, 64)
        );
        assert!(!extradata.is_empty());
        assert_eq!(track.config, extradata, "hvcC of {name}");
    }
}

#[test]
fn opus_keeps_dops_which_converts_to_ffmpegs_opus_head() {
    let (track, extradata) = check("opus");
    assert_eq!(
        (track.codec, track.sample_rate, track.channels),
        (Codec::Opus, 48_000, 1)
    );
    assert_eq!(track.config[0], 0, "dOps version");
    assert_eq!(opus_head(&track.config).unwrap(), extradata);
}

#[test]
fn ac3_layout_comes_from_dac3() {
    let (track, extradata) = check("ac3");
    assert_eq!(
        (track.codec, track.sample_rate, track.channels),
        (Codec::Ac3, 48_000, 6)
    );
    assert!(track.config.is_empty() && extradata.is_empty());
}

#[test]
fn eac3_layout_comes_from_dec3() {
    let (track, _) = check("eac3");
    assert_eq!(
        (track.codec, track.sample_rate, track.channels),
        (Codec::Eac3, 48_000, 2)
    );
    assert!(track.config.is_empty());
}

#[test]
fn mp3_in_mp4a_is_named_by_its_object_type() {
    let (track, _) = check("mp3");
    // The sample entry says 2 channels (ffmpeg writes 2 in every `mp4a`); ffprobe's 1
    // comes from the MP3 frame headers, which the decoder reads anyway.
    assert_eq!(
        (track.codec, track.sample_rate, track.channels),
        (Codec::Mp3, 48_000, 2)
    );
    assert!(track.config.is_empty());
}
