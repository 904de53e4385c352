//! What the harness reads: the firmware's console lines (framemd5 picture lines,
//! screen md5 lines), QEMU's screendumps (PPM) and WAV files, and the port's
//! key-value store file.

use std::collections::BTreeMap;

use md5::{Digest, Md5};

/// The presentation time in µs and the md5 of a framemd5 picture line (`0, dts,
/// pts, duration, size, md5`, time base 1/90000, the firmware's default), anywhere
/// in a console line (a shell prompt may precede it).
pub fn picture(line: &str) -> Option<(i64, String)> {
    line.match_indices("0, ").find_map(|(at, _)| {
        let fields: Vec<&str> = line.get(at + 3..)?.split(',').map(str::trim).collect();
        let [_, pts, _, _, md5] = fields[..] else {
            return None;
        };
        let pts: i64 = pts.parse().ok()?;
        is_md5(md5).then(|| (pts * 1000 / 90, md5.to_string()))
    })
}

/// The presentation time in µs of a framemd5 picture line (see [`picture`]).
pub fn picture_pts(line: &str) -> Option<i64> {
    picture(line).map(|(pts, _)| pts)
}

/// A framemd5 file's pictures: presentation time in µs (its `#tb 0: 1/N`) to md5.
pub fn framemd5(text: &str) -> Result<BTreeMap<i64, String>, String> {
    let den: i64 = text
        .lines()
        .find_map(|l| l.strip_prefix("#tb 0: 1/"))
        .and_then(|n| n.trim().parse().ok())
        .filter(|&n| n > 0)
        .ok_or("framemd5 without `#tb 0: 1/N`")?;
    let mut pictures = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let [_, _, pts, _, _, md5] = fields[..] else {
            continue;
        };
        let pts: i64 = pts.parse().map_err(|_| format!("bad pts in `{line}`"))?;
        pictures.insert(pts * 1_000_000 / den, md5.to_string());
    }
    Ok(pictures)
}

/// The md5 `golden` has for a picture at `pts` µs (within 1 ms: the logs round to
/// their time bases).
pub fn golden_at(golden: &BTreeMap<i64, String>, pts: i64) -> Option<&str> {
    golden
        .range(pts - 1000..=pts + 1000)
        .min_by_key(|(t, _)| (**t - pts).abs())
        .map(|(_, md5)| md5.as_str())
}

/// A screen-log line, `<pts µs of the picture on the screen, or -> <md5 of its
/// RGB888 rows>` (the Linux port's `--screen-log` and wasp-emu's `screens.txt`; a
/// shell prompt may precede it): the pts (`None` for `-`) and the md5.
pub fn screen_line(line: &str) -> Option<(Option<i64>, String)> {
    if line.contains(',') {
        return None;
    }
    let mut words = line.trim_end().rsplit(' ');
    let md5 = words.next().filter(|w| is_md5(w))?;
    let pts = match words.next()? {
        "-" => None,
        word => Some(word.parse().ok()?),
    };
    Some((pts, md5.to_string()))
}

/// The md5 of a screen-log line (see [`screen_line`]).
pub fn screen_md5(line: &str) -> Option<String> {
    screen_line(line).map(|(_, md5)| md5)
}

fn is_md5(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A PPM (P6, 8-bit) picture: its size and the md5 of its RGB888 pixels (what the
/// firmware's screen log hashes).
pub fn ppm_md5(bytes: &[u8]) -> Result<(u32, u32, String), String> {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let start = at;
        while bytes.get(at).is_some_and(|b| !b.is_ascii_whitespace()) {
            at += 1;
        }
        let word = bytes.get(start..at).ok_or("PPM header cut short")?;
        fields.push(String::from_utf8_lossy(word).into_owned());
        if start == at {
            return Err("PPM header cut short".into());
        }
    }
    let number = |i: usize| -> Result<u32, String> {
        fields
            .get(i)
            .and_then(|f| f.parse().ok())
            .ok_or_else(|| format!("PPM header field {i} is not a number"))
    };
    if fields.first().map(String::as_str) != Some("P6") || number(3)? != 255 {
        return Err("not an 8-bit P6 PPM".into());
    }
    let (width, height) = (number(1)?, number(2)?);
    let pixels = bytes.get(at + 1..).ok_or("PPM without pixels")?;
    if pixels.len() != width as usize * height as usize * 3 {
        return Err(format!(
            "PPM {width}x{height} with {} bytes of pixels",
            pixels.len()
        ));
    }
    Ok((width, height, hex(&Md5::digest(pixels))))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 16-bit PCM of a WAV file: sample rate, channels, interleaved samples. A data
/// chunk whose size was never patched in (0) runs to the end of the file.
pub fn wav(bytes: &[u8]) -> Result<(u32, u16, Vec<i16>), String> {
    if bytes.get(..4) != Some(b"RIFF") || bytes.get(8..12) != Some(b"WAVE") {
        return Err("not a RIFF WAVE file".into());
    }
    let (mut at, mut format) = (12, None);
    while let Some(header) = bytes.get(at..at + 8) {
        let id = header.get(..4).unwrap_or_default();
        let size = u32::from_le_bytes([
            header.get(4).copied().unwrap_or(0),
            header.get(5).copied().unwrap_or(0),
            header.get(6).copied().unwrap_or(0),
            header.get(7).copied().unwrap_or(0),
        ]) as usize;
        let body = at + 8;
        if id == b"fmt " {
            let f = bytes
                .get(body..body + 16)
                .ok_or("WAV fmt chunk cut short")?;
            let u16_at = |i: usize| {
                u16::from_le_bytes([
                    f.get(i).copied().unwrap_or(0),
                    f.get(i + 1).copied().unwrap_or(0),
                ])
            };
            let rate = u32::from(u16_at(4)) | u32::from(u16_at(6)) << 16;
            if u16_at(0) != 1 || u16_at(14) != 16 {
                return Err("WAV is not 16-bit PCM".into());
            }
            format = Some((rate, u16_at(2)));
        } else if id == b"data" {
            let (rate, channels) = format.ok_or("WAV data before its fmt chunk")?;
            let end = if size == 0 || body + size > bytes.len() {
                bytes.len()
            } else {
                body + size
            };
            let data = bytes.get(body..end).unwrap_or_default();
            let samples = data
                .chunks_exact(2)
                .map(|p| {
                    i16::from_le_bytes([
                        p.first().copied().unwrap_or(0),
                        p.get(1).copied().unwrap_or(0),
                    ])
                })
                .collect();
            return Ok((rate, channels, samples));
        }
        at = body + size + (size & 1);
    }
    Err("WAV without a data chunk".into())
}

/// How a device's recording compares with the reference audio, chunk by chunk.
#[derive(Debug, PartialEq)]
pub struct AudioMatch {
    /// Chunks compared.
    pub chunks: usize,
    /// Chunks found in the recording: normalised correlation with their best
    /// match at least the threshold (1: the same waveform up to a gain).
    pub found: usize,
    /// The lowest correlation of a found chunk.
    pub min_correlation: f64,
    /// The smallest and largest gain (device over reference) of the found chunks.
    pub gain: (f64, f64),
}

/// Length of a compared chunk, frames (10 ms at 48 kHz).
const CHUNK: usize = 480;

/// Looks for `chunks` chunks of 10 ms, every `step` frames after the first audible
/// frame of `reference`, in `device` (both interleaved stereo; the left channel is
/// compared), at most `search` frames before the place the first audible frames
/// put it (a real-time port drops what it could not play in time, so the device's
/// audio runs early, never late). A chunk is found when its correlation with its
/// best match is at least `threshold`.
pub fn compare_audio(
    reference: &[i16],
    device: &[i16],
    chunks: usize,
    step: usize,
    search: usize,
    threshold: f64,
) -> Result<AudioMatch, String> {
    const AUDIBLE: f64 = 512.0;
    let left = |s: &[i16]| -> Vec<f64> { s.iter().step_by(2).map(|&v| f64::from(v)).collect() };
    let (r, d) = (left(reference), left(device));
    let onset = |s: &[f64]| s.iter().position(|v| v.abs() > AUDIBLE);
    let r0 = onset(&r).ok_or("the reference is silent")?;
    let d0 = onset(&d).ok_or("the device's recording is silent")?;
    let energy = |s: &[f64]| s.iter().map(|v| v * v).sum::<f64>().sqrt();
    let mut result = AudioMatch {
        chunks: 0,
        found: 0,
        min_correlation: 1.0,
        gain: (f64::MAX, 0.0),
    };
    // The first chunk starts a step after the onset: the very start is ramped in
    // differently by the two audio paths.
    for k in 1..=chunks {
        let at = r0 + k * step;
        let chunk = r.get(at..at + CHUNK).ok_or("the reference is too short")?;
        let e1 = energy(chunk);
        result.chunks += 1;
        if e1 == 0.0 {
            continue;
        }
        let expected = d0 + k * step;
        let mut best: Option<(f64, f64)> = None;
        for start in expected.saturating_sub(search)..=expected + 1 {
            let Some(window) = d.get(start..start + CHUNK) else {
                break;
            };
            let e2 = energy(window);
            if e2 == 0.0 {
                continue;
            }
            let dot: f64 = chunk.iter().zip(window).map(|(a, b)| a * b).sum();
            let c = dot / (e1 * e2);
            if best.is_none_or(|(bc, _)| c > bc) {
                best = Some((c, e2 / e1));
            }
        }
        if let Some((c, gain)) = best.filter(|&(c, _)| c >= threshold) {
            result.found += 1;
            result.min_correlation = result.min_correlation.min(c);
            result.gain = (result.gain.0.min(gain), result.gain.1.max(gain));
        }
    }
    Ok(result)
}

/// The entries of the port's key-value store file (`shims/linux/c/kv.c`: "WKV1",
/// u32 count, per entry u8 key length, u16 value length, key, value; then the
/// FNV-1a of everything before it), or why it does not check.
pub fn kv_entries(b: &[u8]) -> Result<Vec<(String, String)>, String> {
    let n = b.len();
    if n < 12 || b.get(..4) != Some(b"WKV1") {
        return Err(format!("not a store ({n} bytes)"));
    }
    let le32 = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
    };
    let mut hash = 2_166_136_261u32;
    for &byte in b.get(..n - 4).unwrap_or_default() {
        hash = (hash ^ u32::from(byte)).wrapping_mul(16_777_619);
    }
    if le32(n - 4) != Some(hash) {
        return Err("checksum mismatch".into());
    }
    let count = le32(4).ok_or("cut short")?;
    let mut at = 8;
    let mut entries = Vec::new();
    for _ in 0..count {
        let key_len = usize::from(*b.get(at).ok_or("cut short")?);
        let value_len = usize::from(u16::from_le_bytes(
            b.get(at + 1..at + 3)
                .ok_or("cut short")?
                .try_into()
                .map_err(|_| "cut short")?,
        ));
        let key = b.get(at + 3..at + 3 + key_len).ok_or("cut short")?;
        let value = b
            .get(at + 3 + key_len..at + 3 + key_len + value_len)
            .ok_or("cut short")?;
        entries.push((
            String::from_utf8_lossy(key).into_owned(),
            String::from_utf8_lossy(value).into_owned(),
        ));
        at += 3 + key_len + value_len;
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn picture_lines_give_their_pts_in_microseconds_even_after_a_prompt() {
        let line =
            "0,     360000,     360000,     3600,    55296, 8596997f86348f59523a64fdf4425da1";
        assert_eq!(picture_pts(line), Some(4_000_000));
        assert_eq!(picture_pts(&format!("~ # {line}")), Some(4_000_000));
        assert_eq!(picture_pts("0, 1, 2, 3, 4, nothex"), None);
        assert_eq!(picture_pts("tv-image: started at 5.08 s"), None);
    }

    #[test]
    fn a_golden_framemd5_maps_pts_to_md5_in_its_own_time_base() {
        let text = "#tb 0: 1/12800\n#stream#, dts, pts, duration, size, hash\n\
                    0,          0,          0,      512,    55296, a02f054967a452149ea490ea6ddd0d18\n\
                    0,        512,        512,      512,    55296, 9bfc5594995b9c9f0627122c533c8eb4\n";
        let golden = framemd5(text).unwrap();
        assert_eq!(golden.len(), 2);
        assert_eq!(
            golden_at(&golden, 40_000),
            Some("9bfc5594995b9c9f0627122c533c8eb4")
        );
        assert_eq!(
            golden_at(&golden, 40_500),
            Some("9bfc5594995b9c9f0627122c533c8eb4")
        );
        assert_eq!(golden_at(&golden, 20_000), None);
        let line =
            "0,       3600,       3600,     3600,    55296, 9bfc5594995b9c9f0627122c533c8eb4";
        let (pts, md5) = picture(line).unwrap();
        assert_eq!(golden_at(&golden, pts), Some(md5.as_str()));
        assert!(framemd5("0, 0, 0, 1, 2, x\n").is_err());
    }

    #[test]
    fn screen_lines_are_the_pts_of_the_picture_shown_and_an_md5() {
        let md5 = "d5703bf1b09fac693d2da59924a07bfc";
        assert_eq!(
            screen_line(&format!("1520000 {md5}")),
            Some((Some(1_520_000), md5.into()))
        );
        assert_eq!(
            screen_line(&format!("~ # 40000 {md5}\r")),
            Some((Some(40_000), md5.into()))
        );
        assert_eq!(screen_line(&format!("- {md5}")), Some((None, md5.into())));
        assert_eq!(screen_md5(&format!("- {md5}")), Some(md5.into()));
        assert_eq!(screen_line(md5), None);
        assert_eq!(screen_line(&format!("1.5 {md5}")), None);
        assert_eq!(screen_md5(&format!("0, 1, 2, 3, 4, {md5}")), None);
        assert_eq!(screen_md5("1 d5703bf1"), None);
    }

    #[test]
    fn a_ppm_hashes_its_pixels_only() {
        let mut ppm = b"P6\n2 1\n255\n".to_vec();
        ppm.extend([1, 2, 3, 4, 5, 6]);
        let (w, h, md5) = ppm_md5(&ppm).unwrap();
        assert_eq!((w, h), (2, 1));
        assert_eq!(md5, hex(&Md5::digest([1, 2, 3, 4, 5, 6])));
        assert!(ppm_md5(&ppm[..ppm.len() - 1]).is_err());
        assert!(ppm_md5(b"P5\n2 1\n255\n\0\0").is_err());
    }

    fn wav_bytes(samples: &[i16], size: u32) -> Vec<u8> {
        let mut b = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
        b.extend(16u32.to_le_bytes());
        b.extend([1, 0, 2, 0]);
        b.extend(48_000u32.to_le_bytes());
        b.extend(192_000u32.to_le_bytes());
        b.extend([4, 0, 16, 0]);
        b.extend(b"data");
        b.extend(size.to_le_bytes());
        for s in samples {
            b.extend(s.to_le_bytes());
        }
        b
    }

    #[test]
    fn a_wav_with_an_unpatched_size_runs_to_its_end() {
        let (rate, channels, samples) = wav(&wav_bytes(&[1, -2, 3, -4], 0)).unwrap();
        assert_eq!((rate, channels), (48_000, 2));
        assert_eq!(samples, [1, -2, 3, -4]);
        assert_eq!(wav(&wav_bytes(&[1, -2, 3, -4], 4)).unwrap().2, [1, -2]);
    }

    fn tone(frames: usize, gap_at: usize, gap: usize, gain: f64) -> Vec<i16> {
        let mut s = vec![0i16; 200];
        let mut x = 12_345u32;
        for i in 0..frames {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let v = ((f64::from(x >> 16 & 0x7fff) - 16_384.0) * gain) as i16;
            if i < gap_at || i >= gap_at + gap {
                s.extend([v, -v]);
            }
        }
        s
    }

    #[test]
    fn audio_is_found_up_to_a_gain_after_lost_frames() {
        let reference = tone(60_000, 0, 0, 1.0);
        let device = tone(60_000, 20_000, 700, 0.94);
        let m = compare_audio(&reference, &device, 10, 4_800, 2_000, 0.99999).unwrap();
        assert_eq!((m.chunks, m.found), (10, 10));
        assert!(m.min_correlation > 0.99999, "{m:?}");
        assert!(
            (m.gain.0 - 0.94).abs() < 0.01 && (m.gain.1 - 0.94).abs() < 0.01,
            "{m:?}"
        );
        let other = tone(120_000, 0, 0, 1.0).split_off(50_000);
        let m = compare_audio(&reference, &other, 10, 4_800, 2_000, 0.99999).unwrap();
        assert_eq!(m.found, 0, "{m:?}");
        assert!(compare_audio(&reference, &[0; 100], 10, 10, 10, 0.9).is_err());
    }

    #[test]
    fn a_store_parses_only_when_its_checksum_holds() {
        let mut b = b"WKV1".to_vec();
        b.extend(1u32.to_le_bytes());
        b.push(9);
        b.extend(4u16.to_le_bytes());
        b.extend(b"tv.resume1234");
        let mut hash = 2_166_136_261u32;
        for &byte in &b {
            hash = (hash ^ u32::from(byte)).wrapping_mul(16_777_619);
        }
        b.extend(hash.to_le_bytes());
        assert_eq!(
            kv_entries(&b).unwrap(),
            [("tv.resume".to_string(), "1234".to_string())]
        );
        let mut torn = b.clone();
        torn[14] ^= 1;
        assert_eq!(kv_entries(&torn), Err("checksum mismatch".into()));
        assert!(kv_entries(&b[..10]).is_err());
    }
}
