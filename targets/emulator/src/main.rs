//! `wasp-emu`: plays a stream through the TV module on an emulated device, or runs a
//! QA scenario (see `docs/emulator.md`).
//!
//! Exit codes: 0 every assertion holds, 1 an assertion failed (or the module
//! faulted), 2 a usage error (arguments, a bad profile or script, content that
//! cannot be read).

use std::path::PathBuf;
use std::process::ExitCode;

use wasp_emu::runner::{AudioDevice, RunOptions};
use wasp_emu::{output, Profile, Script};

#[cfg(feature = "window")]
mod window;

const USAGE: &str = "\
usage:
  wasp-emu play [--profile P] [--module M] [--window] [--real-time]
                [--audio-device D] [--out DIR] [--duration S] [--set KEY=VALUE]...
                [--screen-log] URL-or-path
  wasp-emu run --profile P --script S [--out DIR] [--real-time] [--audio-device D]
               [--screen-log]
  wasp-emu profiles

  --profile P    a built-in profile (tv-stick-1080p, stb-4k, low-end-720p, mcu-audio)
                 or a profile file (TOML); default tv-stick-1080p
  --module M     the player module: tv (default) or audio
  --window       show the display in a window (real time; keys: arrows, Enter=Ok,
                 Space=PlayPause, Backspace/Escape=Back, I=Info, M=Menu, A=Audio,
                 S=Subtitle)
  --real-time    run on the OS clock instead of the virtual clock
  --audio-device D  the ALSA device real-time runs play to (default: `default`
                 when there is one; `none`: capture only); the clock follows it
  --out DIR      where the outputs go (default target/emu/<scenario>/)
  --set K=V      an extra module configuration line (max_bitrate=..., start_ms=...)
  --duration S   play at most S seconds (default: to the end, at most 6 hours)
  --screen-log   write screens.txt: a line per composed display picture, `<pts µs
                 of the video picture on it, or -> <md5 of its RGB888 rows>`

HTTPS servers are verified against Mozilla's roots, or against exactly the
certificates of the PEM file SSL_CERT_FILE names. `play` exits 1 when the player
ends in its error state; `run` only when an assertion fails.";

/// What the command line asked for.
struct Args {
    command: String,
    profile: String,
    module: String,
    script: Option<PathBuf>,
    url: Option<String>,
    out: Option<PathBuf>,
    window: bool,
    real_time: bool,
    screen_log: bool,
    audio_device: AudioDevice,
    duration_s: f64,
    config: Vec<(String, String)>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let command = args.next().ok_or("no command")?;
    let mut a = Args {
        command,
        profile: "tv-stick-1080p".into(),
        module: "tv".into(),
        script: None,
        url: None,
        out: None,
        window: false,
        real_time: false,
        screen_log: false,
        audio_device: AudioDevice::Default,
        duration_s: 6.0 * 3600.0,
        config: Vec::new(),
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--profile" => a.profile = value("--profile")?,
            "--module" => a.module = value("--module")?,
            "--script" => a.script = Some(PathBuf::from(value("--script")?)),
            "--out" => a.out = Some(PathBuf::from(value("--out")?)),
            "--window" => a.window = true,
            "--real-time" => a.real_time = true,
            "--screen-log" => a.screen_log = true,
            "--audio-device" => a.audio_device = AudioDevice::parse(&value("--audio-device")?),
            "--duration" => {
                let v = value("--duration")?;
                a.duration_s = v
                    .parse::<f64>()
                    .ok()
                    .filter(|d| d.is_finite() && *d > 0.0)
                    .ok_or(format!("--duration: not a number of seconds: {v}"))?;
            }
            "--set" => {
                let v = value("--set")?;
                let (key, val) = v
                    .split_once('=')
                    .ok_or(format!("--set wants KEY=VALUE, got {v}"))?;
                a.config.push((key.into(), val.into()));
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ if a.url.is_none() => a.url = Some(arg),
            _ => return Err(format!("unexpected argument {arg}")),
        }
    }
    Ok(a)
}

/// A script that plays `url` to its end with no assertions.
fn play_script(a: &Args, url: &str) -> Result<Script, String> {
    let mut config = String::new();
    for (key, value) in &a.config {
        config.push_str(&format!("{key} = {:?}\n", value));
    }
    let text = format!(
        "url = {url:?}\nmodule = {:?}\nduration = {}\n[config]\n{config}",
        a.module, a.duration_s
    );
    Script::parse(&text, "<command line>", "play").map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("wasp-emu: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match execute(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("wasp-emu: {e}");
            ExitCode::from(2)
        }
    }
}

fn execute(a: &Args) -> Result<ExitCode, String> {
    let script = match a.command.as_str() {
        "profiles" => {
            for (name, _) in wasp_emu::profile::BUILTIN {
                println!("{name}");
            }
            return Ok(ExitCode::SUCCESS);
        }
        "play" => {
            let url = a.url.as_deref().ok_or("play needs a URL or a path")?;
            play_script(a, url)?
        }
        "run" => {
            if a.url.is_some() {
                return Err("run takes its URL from the script".into());
            }
            let path = a.script.as_ref().ok_or("run needs --script")?;
            let mut script = Script::load(path).map_err(|e| e.to_string())?;
            if a.duration_s < script.duration_us as f64 / 1e6 {
                script.duration_us = (a.duration_s * 1e6) as i64;
            }
            script
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        other => return Err(format!("unknown command {other}\n{USAGE}")),
    };
    let profile = Profile::load(&a.profile).map_err(|e| e.to_string())?;
    if a.window {
        return window(&script, &profile, &a.audio_device);
    }
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("target/emu").join(&script.name));
    let options = RunOptions {
        real_time: a.real_time,
        audio_device: a.audio_device.clone(),
        out_dir: Some(out.clone()),
        progress: true,
        screen_log: a.screen_log,
    };
    let outcome = wasp_emu::run(&script, &profile, &options)?;
    print!("{}", output::summary(&outcome));
    println!("outputs in {}", out.display());
    // A plain playback fails when the player does; a scenario only by its
    // assertions (it may expect an error screen).
    let failure = if a.command == "play" {
        outcome.playback_failure()
    } else {
        outcome.failure()
    };
    Ok(match failure {
        None => ExitCode::SUCCESS,
        Some(reason) => {
            eprintln!("wasp-emu: FAILED: {reason}");
            ExitCode::from(1)
        }
    })
}

#[cfg(feature = "window")]
fn window(script: &Script, profile: &Profile, audio: &AudioDevice) -> Result<ExitCode, String> {
    window::show(script, profile, audio).map(|()| ExitCode::SUCCESS)
}

#[cfg(not(feature = "window"))]
fn window(_: &Script, _: &Profile, _: &AudioDevice) -> Result<ExitCode, String> {
    Err("this wasp-emu was built without the `window` feature".into())
}
