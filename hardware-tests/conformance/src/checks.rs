//! The checks. Each takes the port and the harness and returns an [`Outcome`].

use alloc::format;
use alloc::vec;
use wasp_core::abi::caps::DecodingQuery;
use wasp_core::abi::decoder::{DecoderConfig, DecoderState, SampleInfo, SAMPLE_KEYFRAME};
use wasp_core::abi::fetch::{FetchRequest, FetchState};
use wasp_core::abi::gfx::{ImageDesc, Rect};
use wasp_core::abi::media::{Bitstream, Codec, PixelFormat, TrackKind};
use wasp_core::abi::player::feature;
use wasp_core::abi::store::CipherMode;
use wasp_core::abi::Status;
use wasp_core::Port;

use crate::{Harness, Outcome};

type Check<P> = fn(&mut P, &mut dyn Harness<P>) -> Outcome;

macro_rules! checks {
    ($($name:ident,)*) => {
        /// Every check, in order.
        pub(crate) fn all<P: Port>() -> [(&'static str, Check<P>); [$(stringify!($name)),*].len()] {
            [$((stringify!($name), $name::<P> as Check<P>)),*]
        }
        /// Every check's name, in order.
        pub(crate) fn names() -> impl Iterator<Item = &'static str> {
            [$(stringify!($name)),*].into_iter()
        }
    };
}

checks! {
    clock_is_monotonic,
    random_bytes_vary,
    display_answers_are_usable,
    decoder_answers_match_decoder_open,
    decoder_lifecycle_queues_flushes_and_closes,
    decoder_queue_pushes_back,
    fetch_delivers_the_exact_body,
    fetch_of_a_missing_resource_fails_cleanly,
    kv_store_round_trips,
    kv_outputs_only_when_they_fit,
    images_upload_update_and_free,
    media_clock_follows_rate_and_position,
    decrypt_matches_the_aes_test_vector,
}

macro_rules! ensure {
    ($cond:expr, $($why:tt)*) => {
        if !$cond {
            return Outcome::Fail(format!($($why)*));
        }
    };
}

fn clock_is_monotonic<P: Port>(port: &mut P, h: &mut dyn Harness<P>) -> Outcome {
    let mut last = port.now_us();
    ensure!(last >= 0, "now_us is negative: {last}");
    for _ in 0..20 {
        h.wait(port, 1_000);
        let now = port.now_us();
        ensure!(now >= last, "time went back from {last} to {now}");
        last = now;
    }
    let start = port.now_us();
    h.wait(port, 50_000);
    let elapsed = port.now_us() - start;
    ensure!(
        elapsed >= 50_000,
        "50 ms of waiting advanced the clock by {elapsed} us"
    );
    Outcome::Pass
}

fn random_bytes_vary<P: Port>(port: &mut P, _: &mut dyn Harness<P>) -> Outcome {
    let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
    port.random_fill(&mut a);
    port.random_fill(&mut b);
    ensure!(a != b, "two random fills returned the same 32 bytes");
    ensure!(a != [0; 32], "random_fill returned zeros");
    Outcome::Pass
}

fn display_answers_are_usable<P: Port>(port: &mut P, _: &mut dyn Harness<P>) -> Outcome {
    if port.features() & feature::GRAPHICS == 0 {
        return Outcome::NotApplicable("no graphics plane");
    }
    let d = port.display_info();
    ensure!(
        d.width > 0 && d.height > 0,
        "display is {}x{}",
        d.width,
        d.height
    );
    ensure!(
        matches!(d.format, PixelFormat::Rgba8888Premul | PixelFormat::Rgb565),
        "graphics plane format {} is not a plane format",
        d.format
    );
    ensure!(
        d.safe_left + d.safe_right < d.width && d.safe_top + d.safe_bottom < d.height,
        "safe-area insets leave no area"
    );
    ensure!(d.refresh_millihz > 0, "refresh rate is 0");
    Outcome::Pass
}

fn small_config(codec: Codec) -> DecoderConfig {
    let video = codec.kind() == TrackKind::Video;
    DecoderConfig {
        codec,
        width: if video { 640 } else { 0 },
        height: if video { 360 } else { 0 },
        framerate_milli: if video { 25_000 } else { 0 },
        sample_rate: if video { 0 } else { 48_000 },
        channels: if video { 0 } else { 2 },
        bitrate_bps: 1_000_000,
        bit_depth: 0,
        bitstream: Bitstream::Framed,
    }
}

fn query(c: &DecoderConfig) -> DecodingQuery {
    DecodingQuery {
        codec: c.codec,
        width: c.width,
        height: c.height,
        framerate_milli: c.framerate_milli,
        bitrate_bps: c.bitrate_bps,
        channels: c.channels,
        sample_rate: c.sample_rate,
        bit_depth: 0,
    }
}

/// A codec-configuration record good enough to open a decoder of `codec`.
fn config_bytes(codec: Codec) -> &'static [u8] {
    match codec {
        // avcC: version 1, High profile, level 3.0, 4-byte lengths, no parameter sets.
        Codec::H264 => &[1, 0x64, 0, 0x1e, 0xff, 0xe0, 0],
        // AudioSpecificConfig: AAC-LC, 48 kHz, stereo.
        Codec::Aac => &[0x11, 0x90],
        _ => &[],
    }
}

fn decoder_answers_match_decoder_open<P: Port>(port: &mut P, _: &mut dyn Harness<P>) -> Outcome {
    for codec in Codec::ALL.iter().copied().filter(|c| *c != Codec::Unknown) {
        let config = small_config(codec);
        let answer = port.decoding_info(&query(&config), "");
        match (
            answer.supported != 0,
            port.decoder_open(&config, config_bytes(codec)),
        ) {
            (true, Ok(id)) => port.decoder_close(id),
            (false, Err(Status::Unsupported)) => {}
            (true, Err(e)) => {
                return Outcome::Fail(format!("{codec}: said supported, open failed with {e}"))
            }
            (false, Ok(id)) => {
                port.decoder_close(id);
                return Outcome::Fail(format!("{codec}: said unsupported, yet opened"));
            }
            (false, Err(e)) => {
                return Outcome::Fail(format!("{codec}: unsupported must be Unsupported, got {e}"))
            }
        }
    }
    Outcome::Pass
}

fn first_supported<P: Port>(port: &mut P) -> Option<DecoderConfig> {
    [
        Codec::H264,
        Codec::H265,
        Codec::Aac,
        Codec::Mp3,
        Codec::Opus,
        Codec::Ac3,
        Codec::Eac3,
    ]
    .into_iter()
    .map(small_config)
    .find(|c| port.decoding_info(&query(c), "").supported != 0)
}

fn decoder_lifecycle_queues_flushes_and_closes<P: Port>(
    port: &mut P,
    h: &mut dyn Harness<P>,
) -> Outcome {
    let Some(config) = first_supported(port) else {
        return Outcome::NotApplicable("no decoder");
    };
    let id = match port.decoder_open(&config, config_bytes(config.codec)) {
        Ok(id) => id,
        Err(e) => return Outcome::Fail(format!("open {}: {e}", config.codec)),
    };
    let payload = [0u8; 64];
    let sample = SampleInfo {
        pts_us: 0,
        dts_us: 0,
        duration_us: 40_000,
        flags: SAMPLE_KEYFRAME,
        size: 64,
    };
    if let Err(e) = port.decoder_submit(id, &sample, &[&payload[..32], &payload[32..]], None) {
        port.decoder_close(id);
        return Outcome::Fail(format!("submit: {e}"));
    }
    let stats = port.decoder_info(id);
    let accounted = stats.queued_units + stats.decoded + stats.dropped + stats.corrupt;
    port.decoder_flush(id);
    h.wait(port, 10_000);
    let after = port.decoder_info(id);
    port.decoder_close(id);
    ensure!(
        accounted >= 1,
        "a submitted unit is neither queued nor decoded: {stats:?}"
    );
    ensure!(stats.queue_capacity > 0, "the queue capacity is 0");
    ensure!(
        after.queued_units == 0 && after.queued_bytes == 0,
        "flush left {after:?}"
    );
    ensure!(
        after.state != DecoderState::Failed,
        "flush failed the decoder"
    );
    Outcome::Pass
}

fn decoder_queue_pushes_back<P: Port>(port: &mut P, _: &mut dyn Harness<P>) -> Outcome {
    let Some(config) = first_supported(port) else {
        return Outcome::NotApplicable("no decoder");
    };
    let id = match port.decoder_open(&config, config_bytes(config.codec)) {
        Ok(id) => id,
        Err(e) => return Outcome::Fail(format!("open {}: {e}", config.codec)),
    };
    let capacity = port.decoder_info(id).queue_capacity;
    let unit = vec![0u8; 16 * 1024];
    let limit = capacity / unit.len() as u64 + 64;
    let mut result = Outcome::Fail(format!(
        "{limit} units of 16 KiB never filled a {capacity}-byte queue"
    ));
    for i in 0..limit {
        let sample = SampleInfo {
            pts_us: i as i64 * 40_000,
            dts_us: i as i64 * 40_000,
            duration_us: 40_000,
            flags: 0,
            size: 16 * 1024,
        };
        match port.decoder_submit(id, &sample, &[&unit], None) {
            Ok(()) => {}
            Err(Status::WouldBlock) => {
                let queued = port.decoder_info(id).queued_bytes;
                result = if queued <= capacity {
                    Outcome::Pass
                } else {
                    Outcome::Fail(format!(
                        "queued {queued} bytes over a capacity of {capacity}"
                    ))
                };
                break;
            }
            Err(e) => {
                result = Outcome::Fail(format!("a full queue must answer WouldBlock, got {e}"));
                break;
            }
        }
    }
    port.decoder_close(id);
    result
}

fn fetch_delivers_the_exact_body<P: Port>(port: &mut P, h: &mut dyn Harness<P>) -> Outcome {
    let Some((url, expected)) = h.fetchable() else {
        return Outcome::NotApplicable("no fetchable resource");
    };
    let (url, expected) = (alloc::string::String::from(url), expected.to_vec());
    let id = match port.fetch_open(&FetchRequest::get(), &url, "") {
        Ok(id) => id,
        Err(e) => return Outcome::Fail(format!("open {url}: {e}")),
    };
    let mut body = vec![];
    let mut buf = [0u8; 1000];
    let mut outcome = Outcome::Fail(format!("{url}: no end of stream after 10 s"));
    for _ in 0..10_000 {
        match port.fetch_read(id, &mut buf) {
            Ok(n) => body.extend_from_slice(buf.get(..n).unwrap_or_default()),
            Err(Status::WouldBlock) => h.wait(port, 1_000),
            Err(Status::EndOfStream) => {
                let info = port.fetch_info(id);
                outcome = if body != expected {
                    Outcome::Fail(format!(
                        "{url}: got {} bytes, expected {}",
                        body.len(),
                        expected.len()
                    ))
                } else if info.state != FetchState::Done || info.received != body.len() as u64 {
                    Outcome::Fail(format!("{url}: info after the end is {info:?}"))
                } else if port.fetch_read(id, &mut buf) != Err(Status::EndOfStream) {
                    Outcome::Fail(format!(
                        "{url}: a read after the end must be EndOfStream again"
                    ))
                } else {
                    Outcome::Pass
                };
                break;
            }
            Err(e) => {
                outcome = Outcome::Fail(format!("{url}: read failed with {e}"));
                break;
            }
        }
    }
    port.fetch_close(id);
    outcome
}

fn fetch_of_a_missing_resource_fails_cleanly<P: Port>(
    port: &mut P,
    h: &mut dyn Harness<P>,
) -> Outcome {
    if port.features() & feature::FETCH == 0 {
        return Outcome::NotApplicable("no fetch");
    }
    let url = alloc::string::String::from(h.missing());
    let id = match port.fetch_open(&FetchRequest::get(), &url, "") {
        Ok(id) => id,
        Err(_) => return Outcome::Pass, // refused at once: fine
    };
    let mut buf = [0u8; 64];
    for _ in 0..10_000 {
        match port.fetch_read(id, &mut buf) {
            Err(Status::WouldBlock) => h.wait(port, 1_000),
            Err(Status::HttpError | Status::NotFound | Status::Io) => {
                let info = port.fetch_info(id);
                port.fetch_close(id);
                ensure!(
                    info.state == FetchState::Failed,
                    "{url}: failed read but state {}",
                    info.state
                );
                ensure!(info.error != 0, "{url}: a failed fetch must say why");
                return Outcome::Pass;
            }
            other => {
                port.fetch_close(id);
                return Outcome::Fail(format!("{url}: a missing resource read as {other:?}"));
            }
        }
    }
    port.fetch_close(id);
    Outcome::Fail(format!("{url}: never failed"))
}

fn kv_store_round_trips<P: Port>(port: &mut P, _: &mut dyn Harness<P>) -> Outcome {
    if port.features() & feature::KV_STORE == 0 {
        return Outcome::NotApplicable("no key-value store");
    }
    let key = b"wasp-conformance";
    let mut out = [0u8; 16];
    ensure!(port.kv_set(key, b"first").is_ok(), "set failed");
    ensure!(port.kv_set(key, b"second").is_ok(), "overwrite failed");
    ensure!(
        port.kv_get(key, &mut out) == Ok(6) && &out[..6] == b"second",
        "get did not return the last value"
    );
    ensure!(port.kv_delete(key).is_ok(), "delete failed");
    ensure!(
        port.kv_get(key, &mut out) == Err(Status::NotFound),
        "a deleted key must be NotFound"
    );
    ensure!(
        port.kv_delete(key) == Err(Status::NotFound),
        "deleting twice must be NotFound"
    );
    Outcome::Pass
}

fn kv_outputs_only_when_they_fit<P: Port>(port: &mut P, _: &mut dyn Harness<P>) -> Outcome {
    if port.features() & feature::KV_STORE == 0 {
        return Outcome::NotApplicable("no key-value store");
    }
    let key = b"wasp-conformance-fit";
    ensure!(port.kv_set(key, b"0123456789").is_ok(), "set failed");
    let mut small = [0xAAu8; 4];
    let got = port.kv_get(key, &mut small);
    let _ = port.kv_delete(key);
    ensure!(
        got == Ok(10),
        "a short buffer must get the full length, got {got:?}"
    );
    ensure!(
        small == [0xAA; 4],
        "a short buffer must be left untouched, got {small:?}"
    );
    Outcome::Pass
}

fn images_upload_update_and_free<P: Port>(port: &mut P, _: &mut dyn Harness<P>) -> Outcome {
    if port.features() & feature::GRAPHICS == 0 {
        return Outcome::NotApplicable("no graphics plane");
    }
    let desc = ImageDesc {
        width: 2,
        height: 2,
        stride: 8,
        format: PixelFormat::Rgba8888Premul,
    };
    let id = match port.image_create(&desc, &[0xFF; 16]) {
        Ok(id) => id,
        Err(e) => return Outcome::Fail(format!("create: {e}")),
    };
    port.image_update(
        id,
        &Rect {
            x: 1,
            y: 1,
            w: 1,
            h: 1,
        },
        &[0, 0, 0, 0],
    );
    port.present();
    port.image_free(id);
    let again = port.image_create(&desc, &[0; 16]);
    if let Ok(id) = again {
        port.image_free(id);
    }
    ensure!(
        again.is_ok(),
        "an image could not be created again after a free: {again:?}"
    );
    Outcome::Pass
}

fn media_clock_follows_rate_and_position<P: Port>(port: &mut P, h: &mut dyn Harness<P>) -> Outcome {
    port.media_set_rate(0);
    port.media_set_position(5_000_000);
    let paused = port.media_clock();
    h.wait(port, 100_000);
    let still = port.media_clock();
    ensure!(
        paused.running == 0 && paused.rate_milli == 0,
        "rate 0 must pause: {paused:?}"
    );
    ensure!(
        still.position_us == paused.position_us,
        "a paused clock moved: {paused:?} -> {still:?}"
    );
    port.media_set_rate(1000);
    let rate = port.media_clock().rate_milli;
    port.media_set_rate(0);
    ensure!(rate == 1000, "rate 1000 reads back as {rate}");
    Outcome::Pass
}

fn decrypt_matches_the_aes_test_vector<P: Port>(port: &mut P, _: &mut dyn Harness<P>) -> Outcome {
    // NIST SP 800-38A, F.2.2 (CBC-AES128.Decrypt), first block.
    let key = [
        0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f,
        0x3c,
    ];
    let iv: [u8; 16] = core::array::from_fn(|i| i as u8);
    let mut data = [
        0x76, 0x49, 0xab, 0xac, 0x81, 0x19, 0xb2, 0x46, 0xce, 0xe9, 0x8e, 0x9b, 0x12, 0xe9, 0x19,
        0x7d,
    ];
    let plain = [
        0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96, 0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17,
        0x2a,
    ];
    let offered = port.features() & feature::CRYPTO != 0;
    match port.decrypt(CipherMode::Cbc, &key, &iv, &mut data) {
        Err(Status::Unsupported) if !offered => Outcome::NotApplicable("no bulk crypto"),
        Err(e) if offered => Outcome::Fail(format!("crypto is offered but decrypt failed: {e}")),
        Ok(16) if data == plain => Outcome::Pass,
        other => Outcome::Fail(format!("decrypt gave {other:?} {data:02x?}")),
    }
}
