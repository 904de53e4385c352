//! Capability answers from libavcodec and the profile, hostile input to the real
//! decoders, the graphics plane, input and device events, the WAV capture.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::cell::RefCell;
use std::rc::Rc;

use wasp_core::abi::caps::DecodingQuery;
use wasp_core::abi::decoder::{
    DecoderConfig, DecoderState, SampleInfo, SAMPLE_DECODE_ONLY, SAMPLE_END_OF_STREAM,
    SAMPLE_KEYFRAME,
};
use wasp_core::abi::event::{DeviceEvent, DeviceEventKind};
use wasp_core::abi::gfx::{ImageDesc, Rect};
use wasp_core::abi::key::{Key, KeyAction};
use wasp_core::abi::media::{Bitstream, Codec, PixelFormat};
use wasp_core::abi::Status;
use wasp_core::{HostEvent, Port};
use wasp_emulator::{CodecCaps, DeviceProfile, EmulatorPort, START_US};

fn query(codec: Codec, width: u32, height: u32, bitrate_bps: u32) -> DecodingQuery {
    DecodingQuery {
        codec,
        width,
        height,
        framerate_milli: 25_000,
        bitrate_bps,
        channels: 2,
        sample_rate: 48_000,
        bit_depth: 8,
    }
}

fn config(codec: Codec, bitstream: Bitstream) -> DecoderConfig {
    DecoderConfig {
        codec,
        width: 640,
        height: 360,
        framerate_milli: 25_000,
        sample_rate: 48_000,
        channels: 2,
        bitrate_bps: 0,
        bit_depth: 0,
        bitstream,
    }
}

fn supported(port: &mut EmulatorPort, q: &DecodingQuery) -> bool {
    port.decoding_info(q, "").supported != 0
}

#[test]
fn capability_answers_come_from_libavcodec_and_the_profile() {
    let mut profile = DeviceProfile::default();
    profile.decoders[0] = CodecCaps {
        max_bitrate_bps: 8_000_000,
        ..CodecCaps::new(Codec::H264, 1920, 1080)
    };
    let mut port = EmulatorPort::new(profile);
    assert!(supported(
        &mut port,
        &query(Codec::H264, 1920, 1080, 8_000_000)
    ));
    assert!(supported(&mut port, &query(Codec::H265, 1280, 720, 0)));
    assert!(supported(&mut port, &query(Codec::Aac, 0, 0, 128_000)));
    // Beyond the profile's limits: size, bitrate.
    assert!(!supported(&mut port, &query(Codec::H264, 3840, 2160, 0)));
    assert!(!supported(&mut port, &query(Codec::H264, 1920, 1081, 0)));
    assert!(!supported(
        &mut port,
        &query(Codec::H264, 640, 360, 8_000_001)
    ));
    // No decoder in libavcodec (no codec at all) and not in the profile (Opus).
    assert!(!supported(&mut port, &query(Codec::Unknown, 0, 0, 0)));
    assert!(!supported(&mut port, &query(Codec::Opus, 0, 0, 0)));
    // decoder_open gives the same answers.
    let mut big = config(Codec::H264, Bitstream::Framed);
    big.width = 3840;
    big.height = 2160;
    assert_eq!(port.decoder_open(&big, &[]), Err(Status::Unsupported));
    assert_eq!(
        port.decoder_open(&config(Codec::Opus, Bitstream::Framed), &[]),
        Err(Status::Unsupported)
    );
    // Smooth while a frame decodes within its duration (1 ms per unit by default).
    let fps = |milli| DecodingQuery {
        framerate_milli: milli,
        ..query(Codec::H264, 1280, 720, 0)
    };
    assert_eq!(port.decoding_info(&fps(60_000), "").smooth, 1);
    let mut slow = EmulatorPort::new(DeviceProfile {
        decode_us: 25_000,
        ..DeviceProfile::default()
    });
    assert_eq!(slow.decoding_info(&fps(40_000), "").smooth, 1);
    let answer = slow.decoding_info(&fps(50_000), "");
    assert_eq!((answer.supported, answer.smooth), (1, 0));
    // A profile that lists Opus decodes it: libavcodec has the decoder.
    let mut profile = DeviceProfile::default();
    profile.decoders.push(CodecCaps::new(Codec::Opus, 0, 0));
    let mut port = EmulatorPort::new(profile);
    assert!(supported(&mut port, &query(Codec::Opus, 0, 0, 0)));
    assert!(port
        .decoder_open(&config(Codec::Opus, Bitstream::Framed), &[])
        .is_ok());
}

/// Deterministic garbage (xorshift).
fn garbage(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[test]
fn garbage_units_are_counted_never_a_panic() {
    let avcc = [1, 0x64, 0, 0x1e, 0xff, 0xe0, 0];
    for (codec, bitstream, extra) in [
        (Codec::H264, Bitstream::Framed, &avcc[..]),
        (Codec::H264, Bitstream::AnnexB, &[][..]),
        (Codec::H265, Bitstream::AnnexB, &[][..]),
        (Codec::Aac, Bitstream::Framed, &[0x11, 0x90][..]),
        (Codec::Mp3, Bitstream::Framed, &[][..]),
        (Codec::Ac3, Bitstream::Framed, &[][..]),
    ] {
        let mut port = EmulatorPort::new(DeviceProfile::default());
        let id = port.decoder_open(&config(codec, bitstream), extra).unwrap();
        port.media_set_rate(1000);
        port.media_set_position(0);
        let mut submitted = 0u32;
        for i in 0..200u64 {
            let len = [0, 1, 3, 4, 17, 188, 1000, 20_000][(i % 8) as usize];
            let mut data = garbage(i + 1, len);
            // Some look like start codes or length prefixes to reach deeper code.
            if i % 3 == 0 && len >= 4 {
                data[..4].copy_from_slice(&[0, 0, 0, 1]);
            }
            let pts = [0, -1, i64::MAX, i64::MIN, 40_000 * i as i64][(i % 5) as usize];
            let info = SampleInfo {
                pts_us: pts,
                dts_us: pts,
                duration_us: [40_000, 0, -5, i64::MAX][(i % 4) as usize],
                flags: if i % 7 == 0 {
                    SAMPLE_DECODE_ONLY
                } else {
                    SAMPLE_KEYFRAME
                },
                size: len as u32,
            };
            let (a, b) = data.split_at(len / 2);
            match port.decoder_submit(id, &info, &[a, b], None) {
                Ok(()) => submitted += 1,
                Err(Status::WouldBlock) => {}
                Err(e) => panic!("{codec}: garbage must be queued or refused as full, got {e}"),
            }
            port.advance(3_000);
        }
        let end = SampleInfo {
            flags: SAMPLE_END_OF_STREAM,
            ..SampleInfo::default()
        };
        while port.decoder_submit(id, &end, &[], None) == Err(Status::WouldBlock) {
            port.advance(10_000);
        }
        port.advance(5_000_000);
        let stats = port.decoder_info(id);
        assert_eq!(stats.queued_units, 0, "{codec}: {stats:?}");
        assert_ne!(stats.state, DecoderState::Failed, "{codec}");
        // Every unit is accounted for: shown, dropped or counted corrupt.
        assert!(
            stats.decoded + stats.dropped + stats.corrupt >= submitted && submitted > 100,
            "{codec}: {stats:?}"
        );
        assert!(stats.corrupt > 0 || stats.dropped > 0, "{codec}: {stats:?}");
        // The decoder still works after a flush.
        port.decoder_flush(id);
        assert_eq!(port.decoder_info(id).state, DecoderState::Idle);
        port.decoder_close(id);
    }
}

#[test]
fn hostile_configurations_are_refused() {
    let mut port = EmulatorPort::new(DeviceProfile::default());
    // An avcC whose SPS runs past its end cannot become Annex B parameter sets.
    let truncated = [1, 0x64, 0, 0x1e, 0xff, 0xe1, 0, 200, 0x67];
    assert_eq!(
        port.decoder_open(&config(Codec::H264, Bitstream::AnnexB), &truncated),
        Err(Status::InvalidArgument)
    );
    // Garbage records either open (libavcodec ignores what it cannot use) or are
    // refused; never a panic.
    for seed in 1..50 {
        let extra = garbage(seed, (seed * 7) as usize);
        for codec in [Codec::H264, Codec::H265, Codec::Aac] {
            if let Ok(id) = port.decoder_open(&config(codec, Bitstream::Framed), &extra) {
                port.decoder_close(id);
            }
        }
    }
    // Protected units cannot be decoded without a key system.
    let id = port
        .decoder_open(&config(Codec::Aac, Bitstream::Framed), &[0x11, 0x90])
        .unwrap();
    let info = wasp_core::abi::decoder::EncryptionInfo::default();
    assert_eq!(
        port.decoder_submit(id, &SampleInfo::default(), &[&[0; 8]], Some((&info, &[]))),
        Err(Status::Unsupported)
    );
}

#[test]
fn the_graphics_plane_is_recorded_and_composed_at_present() {
    let mut port = EmulatorPort::new(DeviceProfile::default());
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&seen);
    port.set_compose(Box::new(move |frame, images, video| {
        sink.borrow_mut()
            .push((frame.at_us, images.len(), video.is_some()));
    }));
    let desc = ImageDesc {
        width: 2,
        height: 2,
        stride: 8,
        format: PixelFormat::Rgba8888Premul,
    };
    let id = port.image_create(&desc, &[0; 16]).unwrap();
    port.image_update(
        id,
        &Rect {
            x: 1,
            y: 1,
            w: 1,
            h: 1,
        },
        &[1, 2, 3, 4],
    );
    assert_eq!(port.images()[&id].pixels[12..16], [1, 2, 3, 4]);
    // A rectangle outside the image (the runtime never passes one) changes nothing.
    for rect in [
        Rect {
            x: 2,
            y: 0,
            w: 1,
            h: 1,
        },
        Rect {
            x: 0,
            y: i32::MAX,
            w: 1,
            h: 1,
        },
        Rect {
            x: -1,
            y: i32::MIN,
            w: u32::MAX,
            h: 2,
        },
    ] {
        port.image_update(id, &rect, &[9; 16]);
    }
    assert_eq!(port.images()[&id].pixels[..12], [0; 12]);
    assert_eq!(port.images()[&id].pixels[12..16], [1, 2, 3, 4]);
    port.present();
    port.advance(16_000);
    port.present();
    let frames = port.graphics_frames();
    assert_eq!(frames.len(), 2);
    assert_eq!(
        (frames[0].at_us, frames[1].at_us),
        (START_US, START_US + 16_000)
    );
    assert_eq!(
        *seen.borrow(),
        [(START_US, 1, false), (START_US + 16_000, 1, false)]
    );
    assert!(port.current_video_frame().is_none());
    // A long run keeps only the last frames.
    port.keep_graphics_frames(3);
    for _ in 0..100 {
        port.advance(16_000);
        port.present();
    }
    let kept = port.graphics_frames();
    assert!((3..=7).contains(&kept.len()), "{}", kept.len());
    assert_eq!(kept.last().unwrap().at_us, START_US + 101 * 16_000);
    assert_eq!(seen.borrow().len(), 102);
}

#[test]
fn keys_and_device_events_reach_the_module_in_order() {
    let mut port = EmulatorPort::new(DeviceProfile::default());
    port.advance(1_000);
    port.press(Key::Digit1);
    port.device_event(DeviceEventKind::Volume, 40);
    match port.poll_event() {
        Some(HostEvent::Key(k)) => {
            assert_eq!(
                (k.key, k.action, k.time_us),
                (Key::Digit1, KeyAction::Down, START_US + 1_000)
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        port.poll_event(),
        Some(HostEvent::Device(DeviceEvent {
            value: 40,
            what: DeviceEventKind::Volume,
            reserved: 0
        }))
    );
    assert_eq!(port.poll_event(), None);
}

#[test]
fn virtual_time_is_deterministic_and_real_time_moves_on_its_own() {
    let mut port = EmulatorPort::new(DeviceProfile::default());
    assert_eq!(port.now_us(), START_US);
    port.advance(600_000_000);
    assert_eq!(port.now_us(), START_US + 600_000_000);
    let mut real = EmulatorPort::real_time(DeviceProfile::default());
    let t0 = real.now_us();
    real.advance(2_000);
    assert!(real.now_us() >= t0 + 2_000);
}
