//! Device profiles: what the emulated device is, read from a TOML file.
//!
//! A profile names the display (size, refresh, safe area), the decoders and their
//! limits, the byte budgets (guest memory, media store, decoder queues), the CPU
//! (interpreter fuel per millisecond and the tick length: a slow stick gets
//! `fuel_per_ms x tick_ms` fuel per tick, then the tick is sliced) and the audio
//! output. It becomes a [`DeviceProfile`] for the port and [`Limits`] for the runtime.
//! The four shipped profiles are built in ([`Profile::builtin`]); any other path is
//! read from disk ([`Profile::load`]). Errors name the file and line.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use wasp_core::abi::media::Codec;
use wasp_core::Limits;
use wasp_emulator::{CodecCaps, DeviceProfile};

/// The shipped profiles: (name, TOML text).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "tv-stick-1080p",
        include_str!("../profiles/tv-stick-1080p.toml"),
    ),
    ("stb-4k", include_str!("../profiles/stb-4k.toml")),
    (
        "low-end-720p",
        include_str!("../profiles/low-end-720p.toml"),
    ),
    ("mcu-audio", include_str!("../profiles/mcu-audio.toml")),
];

/// A profile that could not be read: the file, the 1-based line (0 when unknown)
/// and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The file (or built-in name).
    pub file: String,
    /// 1-based line, 0 when the error is not tied to one.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => write!(f, "{}: {}", self.file, self.message),
            line => write!(f, "{}:{}: {}", self.file, line, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The 1-based line of byte offset `at` in `text`.
pub(crate) fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(at)
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Parses TOML `text` into `T`, mapping errors to the file and line.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError {
        file: file.into(),
        line: e.span().map_or(0, |s| line_of(text, s.start)),
        message: e.message().trim().to_string(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: String,
    display: RawDisplay,
    decoders: BTreeMap<String, toml::Spanned<RawCaps>>,
    memory: RawMemory,
    cpu: RawCpu,
    audio: RawAudio,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisplay {
    width: u32,
    height: u32,
    refresh_hz: f64,
    safe_area: [u32; 4],
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCaps {
    #[serde(default)]
    max_width: u32,
    #[serde(default)]
    max_height: u32,
    #[serde(default)]
    max_bitrate: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMemory {
    guest_bytes: u64,
    media_store_bytes: u64,
    decoder_queue_bytes: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCpu {
    fuel_per_ms: u64,
    tick_ms: u64,
    #[serde(default)]
    decode_us: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudio {
    channels: u32,
    sample_rate: u32,
    latency_ms: u32,
}

/// A codec by its profile name (the `[decoders]` keys).
pub fn codec_by_name(name: &str) -> Option<Codec> {
    Some(match name {
        "h264" => Codec::H264,
        "h265" => Codec::H265,
        "aac" => Codec::Aac,
        "mp3" => Codec::Mp3,
        "ac3" => Codec::Ac3,
        "eac3" => Codec::Eac3,
        "opus" => Codec::Opus,
        _ => return None,
    })
}

/// An emulated device: its name, the port's profile, the runtime's limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The profile's name.
    pub name: String,
    /// What the port emulates.
    pub device: DeviceProfile,
    /// What the runtime enforces on the module.
    pub limits: Limits,
    /// The tick length the fuel budget is sized for, ms.
    pub tick_ms: u64,
}

impl Profile {
    /// A shipped profile by name.
    pub fn builtin(name: &str) -> Option<Result<Self, ConfigError>> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| Self::parse(text, &format!("<builtin {n}>")))
    }

    /// A shipped profile by name, or the TOML file at `name_or_path`.
    ///
    /// # Errors
    /// The file cannot be read or is not a valid profile.
    pub fn load(name_or_path: &str) -> Result<Self, ConfigError> {
        if let Some(profile) = Self::builtin(name_or_path) {
            return profile;
        }
        let text = std::fs::read_to_string(Path::new(name_or_path)).map_err(|e| ConfigError {
            file: name_or_path.into(),
            line: 0,
            message: format!(
                "{e} (not a file, nor a built-in profile: {})",
                BUILTIN
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })?;
        Self::parse(&text, name_or_path)
    }

    /// Parses a profile's TOML `text`; `file` names it in errors.
    ///
    /// # Errors
    /// A TOML or schema error, an unknown codec, or a value out of range, with the
    /// line it is on.
    pub fn parse(text: &str, file: &str) -> Result<Self, ConfigError> {
        let raw: RawProfile = parse_toml(text, file)?;
        let error = |line: usize, message: String| ConfigError {
            file: file.into(),
            line,
            message,
        };
        let mut decoders = Vec::new();
        for (name, caps) in &raw.decoders {
            let line = line_of(text, caps.span().start);
            let codec = codec_by_name(name).ok_or_else(|| {
                error(
                    line,
                    format!("unknown codec `{name}` (h264, h265, aac, mp3, ac3, eac3, opus)"),
                )
            })?;
            let c = caps.get_ref();
            decoders.push(CodecCaps {
                codec,
                max_width: c.max_width,
                max_height: c.max_height,
                max_bitrate_bps: c.max_bitrate,
            });
        }
        if raw.cpu.tick_ms == 0 || raw.cpu.fuel_per_ms == 0 {
            return Err(error(
                0,
                "cpu.fuel_per_ms and cpu.tick_ms must be above 0".into(),
            ));
        }
        if !(0.0..=1000.0).contains(&raw.display.refresh_hz) {
            return Err(error(
                0,
                "display.refresh_hz must be within 0..=1000".into(),
            ));
        }
        if raw.audio.channels == 0 || raw.audio.channels > 8 {
            return Err(error(0, "audio.channels must be within 1..=8".into()));
        }
        let size = |v: u64, what: &str| {
            usize::try_from(v).map_err(|_| error(0, format!("memory.{what} is too large")))
        };
        let guest = size(raw.memory.guest_bytes, "guest_bytes")?;
        let store = size(raw.memory.media_store_bytes, "media_store_bytes")?;
        let queue = size(raw.memory.decoder_queue_bytes, "decoder_queue_bytes")?;
        let fuel_per_tick = raw
            .cpu
            .fuel_per_ms
            .checked_mul(raw.cpu.tick_ms)
            .ok_or_else(|| error(0, "cpu.fuel_per_ms x cpu.tick_ms overflows".into()))?;
        let device = DeviceProfile {
            display_width: raw.display.width,
            display_height: raw.display.height,
            // Rounded to whole millihertz (59.94 Hz -> 59 940).
            refresh_millihz: (raw.display.refresh_hz * 1000.0).round() as u32,
            safe_area: raw.display.safe_area,
            decoders,
            audio_channels: raw.audio.channels,
            audio_sample_rate: raw.audio.sample_rate,
            audio_latency_us: raw.audio.latency_ms.saturating_mul(1000),
            guest_memory_bytes: raw.memory.guest_bytes,
            media_store_bytes: raw.memory.media_store_bytes,
            decoder_queue_bytes: queue,
            fuel_per_ms: raw.cpu.fuel_per_ms,
            decode_us: i64::from(raw.cpu.decode_us),
            ..DeviceProfile::default()
        };
        let limits = Limits {
            guest_memory_bytes: guest,
            media_store_bytes: store,
            decoder_queue_bytes: queue,
            fuel_per_tick,
            ..Limits::default()
        };
        Ok(Self {
            name: raw.name,
            device,
            limits,
            tick_ms: raw.cpu.tick_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_parses() {
        for (name, _) in BUILTIN {
            let p = Profile::builtin(name).and_then(Result::ok);
            assert_eq!(p.map(|p| p.name), Some((*name).to_string()));
        }
    }

    #[test]
    fn fuel_per_tick_is_fuel_per_ms_times_tick_length() {
        let p = Profile::load("low-end-720p").ok();
        let p = p.as_ref();
        assert_eq!(p.map(|p| p.limits.fuel_per_tick), Some(4_000_000));
        assert_eq!(p.map(|p| p.limits.guest_memory_bytes), Some(8 << 20));
        assert_eq!(
            p.and_then(|p| p.device.caps(Codec::H264))
                .map(|c| c.max_height),
            Some(720)
        );
        assert!(p.is_some_and(|p| p.device.caps(Codec::H265).is_none()));
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let text = BUILTIN[0].1.replace("aac = {}", "aac = { max_widht = 3 }");
        let e = Profile::parse(&text, "x.toml").err();
        let e = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("x.toml:13: unknown field `max_widht`"), "{e}");
        let text = BUILTIN[0].1.replace("mp3 = {}", "vp9 = {}");
        let e = Profile::parse(&text, "y.toml").err();
        assert_eq!(
            e.map(|e| (e.line, e.message)),
            Some((
                14,
                "unknown codec `vp9` (h264, h265, aac, mp3, ac3, eac3, opus)".to_string()
            ))
        );
        let text = BUILTIN[0].1.replacen("width = 1920", "width = -3", 1);
        let e = Profile::parse(&text, "z.toml").err();
        assert_eq!(e.map(|e| e.line), Some(5));
    }
}
