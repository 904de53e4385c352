//! Comparing a cross target's run with x86_64's: exit codes and output line for line,
//! golden files, decoded sound within a stated tolerance, and how a program linked.

use std::path::Path;
use std::process::Command;

use super::{output, Pcm, Program, HOST};

/// A program's run: its exit code and standard output.
pub(super) struct RunOutput {
    pub(super) code: Option<i32>,
    pub(super) stdout: String,
}

/// The 16-bit samples of a WAV file the Linux port wrote (its 44-byte header: RIFF,
/// PCM format 1, 16-bit).
pub(super) fn wav_samples(path: &Path) -> Result<Vec<i16>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    match (bytes.get(..4), bytes.get(36..40), bytes.get(44..)) {
        (Some(b"RIFF"), Some(b"data"), Some(data)) => Ok(data
            .chunks_exact(2)
            .map(|s| {
                i16::from_le_bytes([
                    s.first().copied().unwrap_or(0),
                    s.get(1).copied().unwrap_or(0),
                ])
            })
            .collect()),
        _ => Err(format!("{}: not a 16-bit PCM WAV file", path.display())),
    }
}

/// `got`'s samples against `want`'s (x86_64's): as many, none further apart than
/// `pcm.max_lsb`, the signal-to-noise ratio at least `pcm.min_snr_db`.
pub(super) fn close_pcm(want: &Path, got: &Path, pcm: &Pcm) -> Result<String, String> {
    let (want, got) = (wav_samples(want)?, wav_samples(got)?);
    if want.len() != got.len() {
        return Err(format!(
            "{} samples, {} has {}",
            got.len(),
            HOST.name,
            want.len()
        ));
    }
    let (mut max, mut differ, mut signal, mut noise) = (0u32, 0usize, 0f64, 0f64);
    for (w, g) in want.iter().zip(&got) {
        let d = (i32::from(*w) - i32::from(*g)).unsigned_abs();
        max = max.max(d);
        differ += usize::from(d != 0);
        signal += f64::from(*w).powi(2);
        noise += f64::from(d).powi(2);
    }
    let snr = if noise == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (signal / noise).log10()
    };
    let detail = format!(
        "max {max} LSB, {differ} of {} samples differ, SNR {snr:.1} dB",
        want.len()
    );
    if max <= pcm.max_lsb && snr >= pcm.min_snr_db {
        Ok(detail)
    } else {
        Err(detail)
    }
}

/// `exe`'s dynamic section names `libwasp.so` as `NEEDED` (it did not link the
/// archive).
pub(super) fn needs_libwasp_so(exe: &Path) -> Result<String, String> {
    let out = output(
        Command::new("readelf").args(["-d", "-W"]).arg(exe),
        "readelf",
    )?;
    let text = String::from_utf8_lossy(&out.stdout);
    let needed: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| l.split_once('[')?.1.split_once(']').map(|(n, _)| n))
        .collect();
    if needed.contains(&"libwasp.so") {
        Ok(format!("NEEDED {}", needed.join(", ")))
    } else {
        Err(format!("NEEDED {needed:?}: no libwasp.so"))
    }
}

/// `got` equals `golden`, `#software` lines aside.
pub(crate) fn same_file(got: &Path, golden: &Path) -> Result<String, String> {
    let read = |path: &Path| {
        std::fs::read_to_string(path)
            .map(|text| RunOutput {
                code: Some(0),
                stdout: text
                    .lines()
                    .filter(|line| !line.starts_with("#software"))
                    .map(|line| format!("{line}\n"))
                    .collect(),
            })
            .map_err(|e| format!("{}: {e}", path.display()))
    };
    same_output(&read(golden)?, &read(got)?)
}

/// A run passes when the program exits with 0 and printed every expected line (on
/// standard output or error).
pub(super) fn check_run(
    program: &Program,
    code: Option<i32>,
    stdout: &str,
    stderr: &str,
) -> Result<(), String> {
    if code != Some(0) {
        return Err(format!(
            "{}\n--- stdout\n{stdout}--- stderr\n{stderr}",
            exit(code)
        ));
    }
    match program.expect.iter().find(|want| {
        !stdout
            .lines()
            .chain(stderr.lines())
            .any(|line| line.contains(*want))
    }) {
        Some(want) => Err(format!(
            "no line contains `{want}`\n--- stdout\n{stdout}--- stderr\n{stderr}"
        )),
        None => Ok(()),
    }
}

/// `1 line`, `<n> lines`.
pub(super) fn lines(n: usize) -> String {
    if n == 1 {
        "1 line".into()
    } else {
        format!("{n} lines")
    }
}

/// `exit <code>`, or `killed by a signal`.
pub(super) fn exit(code: Option<i32>) -> String {
    code.map_or_else(|| "killed by a signal".into(), |c| format!("exit {c}"))
}

/// The same exit code and the same standard output, line for line.
pub(super) fn same_output(host: &RunOutput, ran: &RunOutput) -> Result<String, String> {
    if host.code != ran.code {
        return Err(format!(
            "{}, on {} {}",
            exit(ran.code),
            HOST.name,
            exit(host.code)
        ));
    }
    let (mut want, mut got) = (host.stdout.lines(), ran.stdout.lines());
    let mut line = 0;
    loop {
        line += 1;
        match (want.next(), got.next()) {
            (None, None) => return Ok(format!("{}, {}", lines(line - 1), exit(ran.code))),
            (w, g) if w == g => {}
            (w, g) => {
                return Err(format!(
                    "line {line}: `{}`, {} printed `{}`",
                    g.unwrap_or("<end>"),
                    HOST.name,
                    w.unwrap_or("<end>")
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cross::programs;

    fn ran(code: i32, stdout: &str) -> RunOutput {
        RunOutput {
            code: Some(code),
            stdout: stdout.into(),
        }
    }

    #[test]
    fn identical_outputs_are_the_same() {
        let host = ran(0, "a\nb\n");
        assert_eq!(
            same_output(&host, &ran(0, "a\nb\n")),
            Ok("2 lines, exit 0".into())
        );
    }

    #[test]
    fn a_differing_line_is_named_with_both_texts() {
        let host = ran(0, "a\nb\nc\n");
        assert_eq!(
            same_output(&host, &ran(0, "a\nB\nc\n")),
            Err("line 2: `B`, x86_64 printed `b`".into())
        );
    }

    #[test]
    fn a_shorter_or_longer_output_differs_at_its_end() {
        let host = ran(0, "a\nb\n");
        assert_eq!(
            same_output(&host, &ran(0, "a\n")),
            Err("line 2: `<end>`, x86_64 printed `b`".into())
        );
        assert_eq!(
            same_output(&host, &ran(0, "a\nb\nc\n")),
            Err("line 3: `c`, x86_64 printed `<end>`".into())
        );
    }

    #[test]
    fn a_different_exit_code_differs_even_with_the_same_output() {
        let host = ran(0, "a\n");
        let killed = RunOutput {
            code: None,
            stdout: "a\n".into(),
        };
        assert_eq!(
            same_output(&host, &ran(1, "a\n")),
            Err("exit 1, on x86_64 exit 0".into())
        );
        assert_eq!(
            same_output(&host, &killed),
            Err("killed by a signal, on x86_64 exit 0".into())
        );
    }

    #[test]
    fn a_run_passes_only_with_exit_0_and_every_expected_line() {
        let hello = &programs().unwrap()[0];
        let good = "log[2] hello: fetched 24 bytes: wasp over C\nstates 7, logs 13, failures 0\n";
        assert_eq!(check_run(hello, Some(0), good, ""), Ok(()));
        let failed = check_run(hello, Some(1), good, "hello.c:40: CHECK failed").unwrap_err();
        assert!(failed.starts_with("exit 1\n"), "{failed}");
        assert!(failed.contains("CHECK failed"), "{failed}");
        let missing = check_run(hello, Some(0), "states 7, logs 13, failures 0\n", "");
        assert!(missing
            .unwrap_err()
            .starts_with("no line contains `log[2] hello: fetched 24 bytes: wasp over C`"));
    }

    #[test]
    fn sound_within_the_tolerance_passes_and_a_larger_difference_fails() {
        let dir = std::env::temp_dir().join(format!("wasp-xtask-pcm-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let wav = |name: &str, samples: &[i16]| {
            let mut bytes = vec![0u8; 44];
            bytes[..4].copy_from_slice(b"RIFF");
            bytes[36..40].copy_from_slice(b"data");
            for s in samples {
                bytes.extend_from_slice(&s.to_le_bytes());
            }
            let path = dir.join(name);
            std::fs::write(&path, &bytes).unwrap();
            path
        };
        let pcm = Pcm {
            file: "audio.wav",
            max_lsb: 1,
            min_snr_db: 40.0,
            why: "",
        };
        let want = wav("want.wav", &[1000, -1000, 2000, 0]);
        let near = close_pcm(&want, &wav("near.wav", &[1001, -1000, 2000, 0]), &pcm);
        assert!(near
            .unwrap()
            .starts_with("max 1 LSB, 1 of 4 samples differ"));
        let far = close_pcm(&want, &wav("far.wav", &[1002, -1000, 2000, 0]), &pcm);
        assert!(far.unwrap_err().starts_with("max 2 LSB"));
        assert!(close_pcm(&want, &wav("short.wav", &[1000]), &pcm).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
