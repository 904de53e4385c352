//! AAC through the decoder chip: the module hands AAC over as raw access units (the
//! audio module's ADTS demuxer takes each frame's header off), and the port puts an
//! ADTS header back on each (ISO/IEC 13818-7 §6.2, from the stream's
//! `AudioSpecificConfig`, ISO/IEC 14496-3 §1.6.2.1), since the VS1053 reads AAC from
//! ADTS (datasheet v1.31 §8.1). The fixture's frames, their headers taken off, come
//! out of the chip's SDI as the ADTS file they came from, byte for byte: handed over
//! by this test, and by the audio module itself (`wasp_modules::AUDIO` in the
//! runtime on the port) playing the file as a podcast.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod common;

use common::{erased_flash, pass, port};
use md5::{Digest, Md5};
use wasp_core::abi::decoder::{DecoderConfig, SampleInfo, SAMPLE_END_OF_STREAM};
use wasp_core::abi::media::Codec;
use wasp_core::abi::player::PlayerState;
use wasp_core::abi::Status;
use wasp_core::{Limits, Port, Runtime, Tick};
use wasp_shim_mcu::vs1053::State;

/// The podcast fixture (and, with ICY blocks, the radio one): 4 s of AAC-LC in
/// ADTS, 48 kHz stereo.
const FIXTURE: &str = "../../targets/emulator/samples/audio/sweep.aac";

/// The fixture's frames without their 7-byte headers (protection_absent = 1), and
/// the `AudioSpecificConfig` the first header describes: what the module hands over.
fn raw_units(adts: &[u8]) -> (Vec<&[u8]>, [u8; 2]) {
    let h = &adts[..7];
    let object_type = (h[2] >> 6) + 1;
    let frequency = (h[2] >> 2) & 0x0F;
    let channels = ((h[2] & 1) << 2) | (h[3] >> 6);
    let asc = [
        (object_type << 3) | (frequency >> 1),
        ((frequency & 1) << 7) | (channels << 3),
    ];
    let mut units = Vec::new();
    let mut at = 0;
    while at < adts.len() {
        let h = &adts[at..at + 7];
        assert_eq!(
            (h[0], h[1] & 0xF7),
            (0xFF, 0xF1),
            "ADTS sync without CRC at {at}"
        );
        let length =
            (usize::from(h[3] & 3) << 11) | (usize::from(h[4]) << 3) | usize::from(h[5] >> 5);
        units.push(&adts[at + 7..at + length]);
        at += length;
    }
    (units, asc)
}

#[test]
fn aac_frames_reach_the_chip_as_the_adts_stream_they_came_from() {
    let file = std::fs::read(FIXTURE).unwrap();
    let (units, asc) = raw_units(&file);
    assert_eq!(asc, [0x11, 0x90], "AAC-LC, 48 kHz, stereo");
    let mut port = port(erased_flash());
    let config = DecoderConfig {
        codec: Codec::Aac,
        sample_rate: 48_000,
        channels: 2,
        ..DecoderConfig::default()
    };
    let id = port.decoder_open(&config, &asc).unwrap();
    // 1024 samples a frame at 48 kHz.
    let duration_us = 21_333;
    for (i, unit) in units.iter().enumerate() {
        let sample = SampleInfo {
            pts_us: i as i64 * duration_us,
            dts_us: i as i64 * duration_us,
            duration_us,
            flags: 0,
            size: unit.len() as u32,
        };
        // A full queue pushes back; the main loop feeds the chip and it is retried.
        while port.decoder_submit(id, &sample, &[unit], None) == Err(Status::WouldBlock) {
            pass(&mut port, 1_000);
        }
    }
    let end = SampleInfo {
        flags: SAMPLE_END_OF_STREAM,
        ..SampleInfo::default()
    };
    port.decoder_submit(id, &end, &[], None).unwrap();
    while port.decoder().state() != State::Idle {
        pass(&mut port, 1_000);
    }
    port.decoder_close(id);

    let sdi = port.board().sdi.0.borrow();
    let (stream, fill) = sdi.split_at(file.len().min(sdi.len()));
    assert_eq!(stream.len(), file.len());
    assert!(
        stream == &file[..],
        "the chip's stream differs from the ADTS file"
    );
    // The stream is the clean ICY stream the emulator's samples list.
    let listed = std::fs::read_to_string("../../targets/emulator/samples/audio/icy.md5").unwrap();
    let clean = listed
        .lines()
        .find_map(|l| l.strip_suffix("  sweep.aac.icy"))
        .unwrap();
    let md5: String = Md5::digest(stream)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(md5, clean);
    // Then the end of the stream (§10.5.1): endFillByte (0 in the model) only.
    assert!(!fill.is_empty() && fill.iter().all(|&b| b == 0));
    assert!(port.board().errors.is_empty(), "{:?}", port.board().errors);
}

#[test]
fn the_audio_module_plays_the_aac_podcast_into_the_chip_as_its_adts_file() {
    let file = std::fs::read(FIXTURE).unwrap();
    // The module's configuration: the fixture as its one station (a `.aac` path is
    // ADTS), 16 KiB of buffer, as on the QEMU boards.
    let config =
        format!("station.0.name=Podcast\nstation.0.url=file:///{FIXTURE}\nbuffer_kib=16\n");
    let limits = Limits {
        guest_memory_bytes: 128 * 1024,
        image_bytes: 48 * 1024,
        init_fuel: 20_000_000,
        ..Limits::small()
    };
    let mut runtime = Runtime::new(port(erased_flash()), limits, config.into_bytes());
    runtime.load(wasp_modules::AUDIO).unwrap();
    // The board's main loop on the virtual clock, bounded at 12 s for a 4 s stream.
    let start = runtime.port_mut().now_us();
    loop {
        let port = runtime.port_mut();
        let now = port.now_us();
        if port.state == PlayerState::Ended && port.chip_idle() || now - start > 12_000_000 {
            break;
        }
        match runtime.tick(now).unwrap() {
            Tick::Ran { next_us } => {
                let port = runtime.port_mut();
                while port.now_us() < next_us {
                    pass(port, 1_000);
                }
            }
            Tick::Sliced => {}
        }
    }
    let port = runtime.port_mut();
    assert_eq!(port.state, PlayerState::Ended);
    // Every frame of the file went through decoder_submit, once.
    assert_eq!(port.counts.units as usize, raw_units(&file).0.len());
    let sdi = port.board().sdi.0.borrow();
    assert!(sdi.len() > file.len());
    assert!(
        sdi[..file.len()] == file[..],
        "the chip's stream differs from the ADTS file"
    );
    assert!(sdi[file.len()..].iter().all(|&b| b == 0));
    assert!(port.board().errors.is_empty(), "{:?}", port.board().errors);
}

#[test]
fn an_aac_stream_without_a_usable_config_is_unsupported() {
    let mut port = port(erased_flash());
    let config = DecoderConfig {
        codec: Codec::Aac,
        ..DecoderConfig::default()
    };
    // No AudioSpecificConfig, and an explicit 24-bit rate (index 15).
    assert_eq!(port.decoder_open(&config, &[]), Err(Status::Unsupported));
    assert_eq!(
        port.decoder_open(&config, &[0x17, 0x80, 0, 0, 0]),
        Err(Status::Unsupported)
    );
    assert!(port.decoder_open(&config, &[0x11, 0x90]).is_ok());
}
