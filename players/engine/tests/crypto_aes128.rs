#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! AES-128-CBC segment decryption (RFC 8216 §5.2): NIST SP 800-38A vectors, segments
//! encrypted by openssl and by ffmpeg's HLS muxer (`tests/crypto/make.sh`), every
//! chunking, and the failures.

use aes::Aes128;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockEncryptMut, KeyIvInit};
use md5::{Digest, Md5};
use wasp_engine::crypto::{decrypt_in_place, iv_from_sequence, CryptoError, Decryptor};

fn hex<const N: usize>(s: &str) -> [u8; N] {
    let s: String = s.split_whitespace().collect();
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

fn md5_hex(data: &[u8]) -> String {
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Streams `ciphertext` through `update` in `chunk`-byte pieces, then `finish`.
fn decrypt_chunked(
    key: &[u8; 16],
    iv: &[u8; 16],
    ciphertext: &[u8],
    chunk: usize,
) -> Result<Vec<u8>, CryptoError> {
    let mut decryptor = Decryptor::new(key, iv);
    let mut out = Vec::new();
    for piece in ciphertext.chunks(chunk.max(1)) {
        decryptor.update(piece, &mut |p| out.extend_from_slice(p))?;
    }
    decryptor.finish(&mut |p| out.extend_from_slice(p))?;
    Ok(out)
}

/// Decrypts in place in `chunk`-byte pieces (whole blocks) and cuts the padding.
fn decrypt_in_place_chunked(
    key: &[u8; 16],
    iv: &[u8; 16],
    ciphertext: &[u8],
    chunk: usize,
) -> Result<Vec<u8>, CryptoError> {
    let mut buffer = ciphertext.to_vec();
    let mut decryptor = Decryptor::new(key, iv);
    for piece in buffer.chunks_mut(chunk) {
        decryptor.update_in_place(piece)?;
    }
    let padding = decryptor.finish_in_place()?;
    buffer.truncate(buffer.len() - padding);
    Ok(buffer)
}

const KEY: &str = "000102030405060708090a0b0c0d0e0f";
const IV: &str = "f0e0d0c0b0a090807060504030201000";

// NIST SP 800-38A, F.2.1 (CBC-AES128.Encrypt) and F.2.2 (CBC-AES128.Decrypt).
const NIST_KEY: &str = "2b7e151628aed2a6abf7158809cf4f3c";
const NIST_IV: &str = "000102030405060708090a0b0c0d0e0f";
const NIST_PLAIN: &str = "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
                          30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";
const NIST_CIPHER: &str = "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2
                           73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7";

#[test]
fn nist_f22_cbc_aes128_decrypts_in_place() {
    let mut buffer: [u8; 64] = hex(NIST_CIPHER);
    let mut decryptor = Decryptor::new(&hex(NIST_KEY), &hex(NIST_IV));
    // One block, then three: the chaining carries across calls.
    decryptor.update_in_place(&mut buffer[..16]).unwrap();
    decryptor.update_in_place(&mut buffer[16..]).unwrap();
    assert_eq!(buffer, hex::<64>(NIST_PLAIN));
    // The vectors carry no padding: the last plaintext byte is 0x10, but the 15
    // before it are not, so as a segment it is rejected.
    assert_eq!(decryptor.finish_in_place(), Err(CryptoError::BadPadding));
}

#[test]
fn nist_f21_vector_is_what_the_encryptor_makes_and_streaming_holds_back_the_last_block() {
    let mut buffer: [u8; 64] = hex(NIST_PLAIN);
    let mut encryptor =
        cbc::Encryptor::<Aes128>::new(&hex::<16>(NIST_KEY).into(), &hex::<16>(NIST_IV).into());
    for block in buffer.chunks_exact_mut(16) {
        encryptor.encrypt_block_mut(block.into());
    }
    assert_eq!(buffer, hex::<64>(NIST_CIPHER), "F.2.1");

    let mut decryptor = Decryptor::new(&hex(NIST_KEY), &hex(NIST_IV));
    let mut out = Vec::new();
    decryptor
        .update(&buffer, &mut |p| out.extend_from_slice(p))
        .unwrap();
    assert_eq!(
        out,
        hex::<64>(NIST_PLAIN)[..48],
        "all but the held-back block"
    );
    assert_eq!(
        decryptor.finish(&mut |_| panic!("no output on bad padding")),
        Err(CryptoError::BadPadding)
    );
}

#[test]
fn openssl_segments_decrypt_to_the_clear_file_in_every_chunking() {
    for (enc, clear, md5) in [
        (
            &include_bytes!("crypto/enc.ts")[..],
            &include_bytes!("crypto/clear.ts")[..],
            "de8b0cda8edd4090e0f00a65f3c420ed",
        ),
        (
            &include_bytes!("crypto/enc.vtt")[..],
            &include_bytes!("crypto/clear.vtt")[..],
            "372e7403f6946031902b175e195c079f",
        ),
    ] {
        assert_eq!(md5_hex(clear), md5);
        for chunk in [1, 15, 16, 17, 4096, enc.len()] {
            let plain = decrypt_chunked(&hex(KEY), &hex(IV), enc, chunk).unwrap();
            assert_eq!(md5_hex(&plain), md5, "update in {chunk}-byte chunks");
        }
        for chunk in [16, 32, 4096, enc.len()] {
            let plain = decrypt_in_place_chunked(&hex(KEY), &hex(IV), enc, chunk).unwrap();
            assert_eq!(md5_hex(&plain), md5, "in place in {chunk}-byte chunks");
        }
        let mut buffer = enc.to_vec();
        let plain = decrypt_in_place(&hex(KEY), &hex(IV), &mut buffer).unwrap();
        assert_eq!(md5_hex(plain), md5, "one call");
    }
}

#[test]
fn ffmpeg_hls_segments_decrypt_with_the_iv_from_their_sequence_number() {
    let playlist = include_str!("crypto/hls.m3u8");
    let md5s: Vec<&str> = include_str!("crypto/hls.md5").lines().collect();
    let key: [u8; 16] = include_bytes!("crypto/hls.key").to_owned();
    assert_eq!(key, hex::<16>(KEY));
    let segments: [&[u8]; 2] = [
        include_bytes!("crypto/hls_0.ts"),
        include_bytes!("crypto/hls_1.ts"),
    ];
    for (sequence, segment) in segments.iter().enumerate() {
        let iv = iv_from_sequence(sequence as u64);
        let iv_hex: String = iv.iter().map(|b| format!("{b:02x}")).collect();
        assert!(
            playlist.contains(&format!("IV=0x{iv_hex}")),
            "ffmpeg wrote the same IV"
        );
        let plain = decrypt_chunked(&key, &iv, segment, 1000).unwrap();
        assert_eq!(md5_hex(&plain), md5s[sequence], "segment {sequence}");
        assert_eq!(plain.len() % 188, 0);
        assert!(
            plain.chunks(188).all(|packet| packet[0] == 0x47),
            "MPEG-TS sync bytes"
        );
    }
}

#[test]
fn every_length_and_chunking_round_trips_through_pkcs7() {
    let key = hex::<16>(KEY);
    let iv = hex::<16>(IV);
    for len in 0..80usize {
        let clear: Vec<u8> = (0..len).map(|i| (i * 7 + len) as u8).collect();
        let mut buffer = vec![0u8; len + 16];
        buffer[..len].copy_from_slice(&clear);
        let ciphertext = cbc::Encryptor::<Aes128>::new(&key.into(), &iv.into())
            .encrypt_padded_mut::<Pkcs7>(&mut buffer, len)
            .unwrap()
            .to_vec();
        assert_eq!(ciphertext.len(), (len / 16 + 1) * 16);
        for chunk in 1..=ciphertext.len() {
            assert_eq!(
                decrypt_chunked(&key, &iv, &ciphertext, chunk).unwrap(),
                clear,
                "len {len}, chunk {chunk}"
            );
        }
        assert_eq!(
            decrypt_in_place_chunked(&key, &iv, &ciphertext, 16).unwrap(),
            clear
        );
    }
}

#[test]
fn a_wrong_key_is_a_padding_error_not_a_panic() {
    let enc = include_bytes!("crypto/enc.ts");
    let mut wrong = hex::<16>(KEY);
    wrong[0] ^= 1;
    assert_eq!(
        decrypt_chunked(&wrong, &hex(IV), enc, 17),
        Err(CryptoError::BadPadding)
    );
    let mut buffer = enc.to_vec();
    assert_eq!(
        decrypt_in_place(&wrong, &hex(IV), &mut buffer).map(|p| p.len()),
        Err(CryptoError::BadPadding)
    );
}

#[test]
fn truncated_ciphertext_is_an_error() {
    let enc = include_bytes!("crypto/enc.vtt");
    let (key, iv) = (hex::<16>(KEY), hex::<16>(IV));
    assert_eq!(
        decrypt_chunked(&key, &iv, &enc[..enc.len() - 1], 7),
        Err(CryptoError::Truncated)
    );
    assert_eq!(
        decrypt_chunked(&key, &iv, &enc[..15], 16),
        Err(CryptoError::Truncated)
    );
    assert_eq!(
        decrypt_chunked(&key, &iv, &[], 16),
        Err(CryptoError::Truncated)
    );
    // Cut at a block boundary the length is plausible, but the padding is gone.
    assert_eq!(
        decrypt_chunked(&key, &iv, &enc[..enc.len() - 16], 16),
        Err(CryptoError::BadPadding)
    );
    let mut buffer = enc[..enc.len() - 1].to_vec();
    assert_eq!(
        decrypt_in_place(&key, &iv, &mut buffer).map(|p| p.len()),
        Err(CryptoError::Truncated)
    );
    assert_eq!(
        decrypt_in_place(&key, &iv, &mut []).map(|p| p.len()),
        Err(CryptoError::Truncated)
    );
    assert_eq!(
        Decryptor::new(&key, &iv).finish_in_place(),
        Err(CryptoError::Truncated)
    );
}

#[test]
fn in_place_chunks_must_be_whole_blocks_and_modes_do_not_mix() {
    let (key, iv) = (hex::<16>(KEY), hex::<16>(IV));
    let mut buffer = [0u8; 17];
    let mut decryptor = Decryptor::new(&key, &iv);
    assert_eq!(
        decryptor.update_in_place(&mut buffer),
        Err(CryptoError::Unaligned)
    );
    assert_eq!(buffer, [0u8; 17], "nothing decrypted");

    let mut decryptor = Decryptor::new(&key, &iv);
    decryptor.update(&[0u8; 16], &mut |_| {}).unwrap();
    assert_eq!(
        decryptor.update_in_place(&mut [0u8; 16]),
        Err(CryptoError::Unaligned)
    );
    assert_eq!(decryptor.finish_in_place(), Err(CryptoError::Unaligned));

    let mut decryptor = Decryptor::new(&key, &iv);
    decryptor.update_in_place(&mut [0u8; 16]).unwrap();
    assert_eq!(
        decryptor.update(&[0u8; 16], &mut |_| {}),
        Err(CryptoError::Unaligned)
    );
    assert_eq!(decryptor.finish(&mut |_| {}), Err(CryptoError::Unaligned));
}
