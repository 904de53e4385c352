//! # wasp-tv-system: the TV stick as a whole system under qemu-system-aarch64
//!
//! Boots the image of `cargo xtask tv-image` (Debian's arm64 kernel, the TV-stick
//! package installed by its `install.sh`) headless, drives it through the QEMU
//! monitor (`screendump`, `sendkey`, `stop`/`cont`, `quit`) and the serial console,
//! and compares what the stick shows and plays with the x86_64 build of the same
//! firmware playing the same sample on its virtual clock, and what it shows with the
//! emulator's (`wasp-emu`) screens at the same media time. Prints `PASS` or `FAIL`
//! per check and exits with 1 when any failed. Run by `cargo xtask tv-system`
//! (docs/tv-system.md), which passes the image's files:
//!
//! ```text
//! wasp-tv-system --kernel K --initrd I --work DIR --samples DIR --libwasp LIB \\
//!                --golden FRAMEMD5
//! ```

mod files;
mod vm;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use vm::{Boot, Vm};

/// The checks' results, each printed as it is made with the suite's time then.
struct Checks {
    started: Instant,
    failed: Vec<String>,
    passed: usize,
}

impl Checks {
    fn record(&mut self, name: &str, result: Result<String, String>) {
        let at = self.started.elapsed().as_secs_f64();
        let (verdict, text) = match result {
            Ok(detail) => ("PASS", detail),
            Err(reason) => ("FAIL", reason),
        };
        println!("{verdict} [{at:5.1} s] {name}: {text}");
        if verdict == "PASS" {
            self.passed += 1;
        } else {
            self.failed.push(name.to_string());
        }
    }
}

/// The command line.
struct Args {
    kernel: PathBuf,
    initrd: PathBuf,
    work: PathBuf,
    samples: PathBuf,
    libwasp: PathBuf,
    golden: PathBuf,
}

fn args() -> Result<Args, String> {
    let mut given = std::collections::BTreeMap::new();
    let mut it = std::env::args().skip(1);
    while let Some(name) = it.next() {
        let value = it.next().ok_or(format!("{name} lacks its value"))?;
        given.insert(name, PathBuf::from(value));
    }
    let mut take = |name: &str| {
        given
            .remove(name)
            .ok_or(format!("missing {name} (run `cargo xtask tv-system`)"))
    };
    let args = Args {
        kernel: take("--kernel")?,
        initrd: take("--initrd")?,
        work: take("--work")?,
        samples: take("--samples")?,
        libwasp: take("--libwasp")?,
        golden: take("--golden")?,
    };
    match given.keys().next() {
        Some(unknown) => Err(format!("unknown option {unknown}")),
        None => Ok(args),
    }
}

fn main() -> ExitCode {
    let started = Instant::now();
    let result = args().and_then(|args| {
        let mut checks = Checks {
            started,
            failed: Vec::new(),
            passed: 0,
        };
        run(&args, &mut checks)?;
        Ok(checks)
    });
    match result {
        Ok(checks) if checks.failed.is_empty() => {
            println!(
                "==> tv-system: all {} checks passed in {:.1} s",
                checks.passed,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Ok(checks) => {
            println!(
                "==> tv-system: {} of {} checks failed ({}) in {:.1} s",
                checks.failed.len(),
                checks.passed + checks.failed.len(),
                checks.failed.join(", "),
                started.elapsed().as_secs_f64()
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            println!(
                "FAIL tv-system: {e} (after {:.1} s)",
                started.elapsed().as_secs_f64()
            );
            ExitCode::FAILURE
        }
    }
}

/// What the x86_64 firmware composed and played on its virtual clock.
struct Reference {
    /// The md5 of every composed screen, in order.
    screens: Vec<String>,
    /// The played audio, interleaved stereo at 48 kHz.
    audio: Vec<i16>,
}

/// The module settings the image's configuration gives (`cargo xtask tv-image`),
/// in its order.
const SETTINGS: &[&str] = &["autoplay=1", "max_bitrate=140000"];

/// Builds the firmware for x86_64 (`main.c`, the Linux port, `libwasp`) and plays
/// the sample as the stick does: same module, settings and display size.
fn reference(args: &Args) -> Result<Reference, String> {
    let dir = args.work.join("reference");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let exe = dir.join("tv-stick");
    let capi = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../core/capi/include");
    let built = Command::new("cc")
        .args(["-std=c11", "-O2"])
        .arg("-I")
        .arg(&capi)
        .arg("-I")
        .arg(wasp_shim_linux::include_dir())
        .arg(wasp_tv_stick::MAIN_C)
        .arg("-o")
        .arg(&exe)
        .arg(wasp_shim_linux::static_lib())
        .arg(&args.libwasp)
        .args(wasp_shim_linux::link_args())
        .args(["-lpthread", "-ldl", "-lm"])
        .output()
        .map_err(|e| format!("cc: {e}"))?;
    if !built.status.success() {
        return Err(format!(
            "the x86_64 firmware does not build:\n{}",
            String::from_utf8_lossy(&built.stderr)
        ));
    }
    let module = dir.join("wasp-tv.wasm");
    std::fs::write(&module, wasp_modules::TV).map_err(|e| format!("{}: {e}", module.display()))?;
    let (screens, wav) = (dir.join("screens"), dir.join("audio.wav"));
    let mut cmd = Command::new(&exe);
    cmd.arg("--module")
        .arg(&module)
        .args(["--virtual-clock", "--size"])
        .arg(format!("{}x{}", vm::WIDTH, vm::HEIGHT))
        .arg("--screen-log")
        .arg(&screens)
        .arg("--wav")
        .arg(&wav);
    for setting in SETTINGS {
        cmd.args(["--set", setting]);
    }
    let played = cmd
        .arg(format!("file://{}/master.m3u8", args.samples.display()))
        .output()
        .map_err(|e| format!("{}: {e}", exe.display()))?;
    if !played.status.success() {
        return Err(format!(
            "the x86_64 firmware failed ({}):\n{}",
            played.status,
            String::from_utf8_lossy(&played.stderr)
        ));
    }
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let screens = String::from_utf8_lossy(&read(&screens)?)
        .lines()
        .filter_map(files::screen_md5)
        .collect();
    let (rate, channels, audio) = files::wav(&read(&wav)?)?;
    if (rate, channels) != (48_000, 2) {
        return Err(format!("reference audio is {rate} Hz x {channels}"));
    }
    Ok(Reference { screens, audio })
}

/// The emulator's screens by the pts of the video picture on them, µs (a picture
/// may be on several screens: graphics frames presented over it).
type EmulatorScreens = BTreeMap<i64, Vec<String>>;

/// The wasp-emu profile of the stick: its display as QEMU gives it.
const EMULATOR_PROFILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tv-stick-640x360.toml");

/// How much of the sample the emulator plays: past the last screendump of
/// playback (4.5 s).
const EMULATOR_SECONDS: u32 = 6;

/// Plays the sample on wasp-emu's virtual clock with the stick's profile, module
/// and settings, and reads its screen log (`screens.txt`).
fn emulator(args: &Args) -> Result<EmulatorScreens, String> {
    let out = args.work.join("emulator");
    let profile = wasp_emu::Profile::load(EMULATOR_PROFILE).map_err(|e| e.to_string())?;
    let display = (profile.device.display_width, profile.device.display_height);
    if display != (vm::WIDTH, vm::HEIGHT) {
        return Err(format!(
            "{EMULATOR_PROFILE}: not the stick's {}x{}",
            vm::WIDTH,
            vm::HEIGHT
        ));
    }
    let mut script = format!(
        "url = {:?}\nmodule = \"tv\"\nduration = {EMULATOR_SECONDS}\n[config]\n",
        args.samples.join("master.m3u8").display().to_string()
    );
    for (key, value) in SETTINGS.iter().filter_map(|s| s.split_once('=')) {
        script.push_str(&format!("{key} = {value:?}\n"));
    }
    let script =
        wasp_emu::Script::parse(&script, "<tv-system>", "tv-system").map_err(|e| e.to_string())?;
    let options = wasp_emu::RunOptions {
        out_dir: Some(out.clone()),
        screen_log: true,
        ..wasp_emu::RunOptions::default()
    };
    let outcome = wasp_emu::run(&script, &profile, &options)?;
    if let Some(failure) = outcome.playback_failure() {
        return Err(format!("the emulator: {failure}"));
    }
    let path = out.join("screens.txt");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut screens = EmulatorScreens::new();
    for (pts, md5) in text.lines().filter_map(files::screen_line) {
        if let Some(pts) = pts {
            screens.entry(pts).or_default().push(md5);
        }
    }
    Ok(screens)
}

/// Console markers of the image's `/init` and of the firmware.
const STARTED: &str = "tv-image: started";
const MODULE_STARTED: &str = "wasp: started module";

fn contains(text: &'static str) -> impl Fn(&str) -> Option<()> {
    move |line: &str| line.contains(text).then_some(())
}

/// Waits for a console line containing `marker` (a boot or a start: 90 s at
/// most), then for the first picture line after it (60 s); that line and its pts.
fn picture_after(vm: &mut Vm, marker: &'static str) -> Result<(vm::Line, i64), String> {
    vm.wait(
        &format!("`{marker}`"),
        Duration::from_secs(90),
        contains(marker),
    )?;
    vm.wait(
        &format!("with a picture after `{marker}`"),
        Duration::from_secs(60),
        files::picture_pts,
    )
}

/// Seconds, for messages.
fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// An e2fsprogs tool: from `PATH`, else from `/usr/sbin` or `/sbin` (not on the
/// `PATH` of users other than root on Debian).
fn sbin(tool: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|dir| dir.join(tool))
        .find(|path| path.is_file());
    on_path.unwrap_or_else(|| tool.into())
}

/// Makes the ext4 disk for `/var/lib/wasp`, holding only [`TRAP_MODULE`] (the
/// firmware's own files are made by the firmware).
fn make_disk(path: &Path, work: &Path) -> Result<(), String> {
    let root = work.join("disk-root");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
    let module = root.join(TRAP_MODULE);
    std::fs::write(&module, trapping_module()?)
        .map_err(|e| format!("{}: {e}", module.display()))?;
    let _ = std::fs::remove_file(path);
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    file.set_len(32 << 20)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let made = Command::new(sbin("mkfs.ext4"))
        // No lazy initialisation: the disk is written only by the firmware.
        .args([
            "-q",
            "-F",
            "-L",
            "wasp",
            "-E",
            "lazy_itable_init=0,lazy_journal_init=0",
            "-d",
        ])
        .arg(&root)
        .arg(path)
        .output()
        .map_err(|e| format!("mkfs.ext4 (e2fsprogs): {e}"))?;
    if made.status.success() {
        Ok(())
    } else {
        Err(format!(
            "mkfs.ext4: {}",
            String::from_utf8_lossy(&made.stderr)
        ))
    }
}

/// The file name of the trapping module on the disk.
const TRAP_MODULE: &str = "trap.wasm";

/// A player module whose every tick traps (`unreachable`), with the `wasp.abi`
/// section of this ABI.
fn trapping_module() -> Result<Vec<u8>, String> {
    use wasp_abi::section;
    const NAME: &str = "trap";
    const VERSION: &str = "1";
    const LEN: usize = section::encoded_len(NAME, VERSION);
    let abi: [u8; LEN] = section::encode(
        wasp_abi::ABI_VERSION.major,
        wasp_abi::ABI_VERSION.minor,
        0,
        NAME,
        VERSION,
    );
    let mut module = wat::parse_str(
        r#"(module
             (memory (export "memory") 1)
             (func (export "wasp_init") (result i32) i32.const 0)
             (func (export "wasp_tick") (param i64) (result i64) unreachable))"#,
    )
    .map_err(|e| format!("the trapping module: {e}"))?;
    // A custom section: id 0, size, name, contents (sizes below 128: one LEB byte).
    let name = section::SECTION_NAME.as_bytes();
    let size = 1 + name.len() + abi.len();
    if size >= 128 {
        return Err("the ABI section is too long for a one-byte size".into());
    }
    module.extend([0, size as u8, name.len() as u8]);
    module.extend_from_slice(name);
    module.extend_from_slice(&abi);
    Ok(module)
}

/// The store on the disk after a power cut, as the next boot's kernel sees it:
/// the journal replayed (`e2fsck -fy`), then `/kv` read (`debugfs`). `None` when
/// there is no store file.
fn store_on_disk(disk: &Path, work: &Path) -> Result<Option<Vec<(String, String)>>, String> {
    let fsck = Command::new(sbin("e2fsck"))
        .arg("-fy")
        .arg(disk)
        .output()
        .map_err(|e| format!("e2fsck: {e}"))?;
    // 0: clean, 1: errors corrected (a replayed journal counts as one).
    if !matches!(fsck.status.code(), Some(0 | 1)) {
        return Err(format!(
            "e2fsck {}: {}{}",
            fsck.status,
            String::from_utf8_lossy(&fsck.stdout),
            String::from_utf8_lossy(&fsck.stderr)
        ));
    }
    let out = work.join("kv.dump");
    let _ = std::fs::remove_file(&out);
    Command::new(sbin("debugfs"))
        .arg("-R")
        .arg(format!("dump /kv {}", out.display()))
        .arg(disk)
        .output()
        .map_err(|e| format!("debugfs: {e}"))?;
    match std::fs::read(&out) {
        Ok(bytes) => files::kv_entries(&bytes).map(Some),
        Err(_) => Ok(None),
    }
}

/// The resume position in a store, ms.
fn resume_ms(entries: &[(String, String)]) -> Option<i64> {
    let (_, value) = entries.iter().find(|(k, _)| k == "tv.resume")?;
    value.split(' ').next()?.parse().ok()
}

/// The checks, in the order of issue 10's "Must show".
fn run(args: &Args, checks: &mut Checks) -> Result<(), String> {
    let suite = Instant::now();
    std::fs::create_dir_all(&args.work).map_err(|e| format!("{}: {e}", args.work.display()))?;
    let reference = reference(args)?;
    println!(
        "==> reference: x86_64 firmware, {} screens, {:.2} s of audio ({:.1} s)",
        reference.screens.len(),
        reference.audio.len() as f64 / 96_000.0,
        suite.elapsed().as_secs_f64()
    );
    let emulator = emulator(args)?;
    println!(
        "==> emulator: wasp-emu on {EMULATOR_PROFILE}, screens of {} pictures ({:.1} s)",
        emulator.len(),
        suite.elapsed().as_secs_f64()
    );
    let disk = args.work.join("disk.img");
    make_disk(&disk, &args.work)?;
    let boot = |name: &'static str| Boot {
        kernel: &args.kernel,
        initrd: &args.initrd,
        disk: &disk,
        dir: &args.work,
        name,
    };

    // 1. Boot to the first frame.
    let mut vm = Vm::boot(&boot("boot1"))?;
    let up = vm.wait(
        "`tv-image: started`",
        Duration::from_secs(90),
        contains(STARTED),
    );
    checks.record(
        "boot: kernel, modules, disk, init script",
        up.as_ref()
            .map(|(line, ())| format!("{} after {}", line.text, secs(line.at)))
            .map_err(Clone::clone),
    );
    up?;
    let from = vm.position();
    // The first screen composed after the first decoded picture shows video (the
    // screens before it show the module's loading state).
    let first = vm
        .wait(
            "with a picture",
            Duration::from_secs(60),
            files::picture_pts,
        )
        .and_then(|_| {
            vm.wait(
                "with a composed screen",
                Duration::from_secs(10),
                files::screen_md5,
            )
        });
    checks.record(
        "first video frame on DRM/KMS",
        first.as_ref().map_err(Clone::clone).and_then(|(line, _)| {
            let mode = vm
                .lines_from(from)
                .into_iter()
                .find(|l| l.text.contains("/dev/dri/card0: "))
                .ok_or("the firmware logged no DRM mode")?;
            Ok(format!(
                "boot to first frame {} (`{}`)",
                secs(line.at),
                mode.text.trim_start_matches(|c: char| c != 'w')
            ))
        }),
    );
    first?;
    // 2. Screendumps at scripted moments equal the reference's composition (the
    // pictures decoded are compared with ffmpeg's below).
    let golden = std::fs::read_to_string(&args.golden)
        .map_err(|e| format!("{}: {e}", args.golden.display()))
        .and_then(|text| files::framemd5(&text))?;
    let mut playing = Err("no screendump".to_string());
    for at_ms in [1500, 3000, 4500] {
        vm.wait(
            &format!("with a picture at {at_ms} ms"),
            Duration::from_secs(60),
            |l| files::picture_pts(l).filter(|&pts| pts >= at_ms * 1000),
        )?;
        playing = screen_check(&mut vm, args, &format!("playing-{at_ms}ms"), &reference)?;
        checks.record(
            &format!("screendump at {at_ms} ms equals the x86_64 composition"),
            playing.clone().and_then(|s| {
                let i = s
                    .reference_index
                    .ok_or(format!("{} is no screen of the reference", s.md5))?;
                Ok(format!(
                    "{} is screen {i} of the reference's {} (last decoded picture {:.3} s)",
                    s.md5,
                    reference.screens.len(),
                    s.pts as f64 / 1e6
                ))
            }),
        );
        checks.record(
            &format!("screendump at {at_ms} ms equals the emulator's at the same media time"),
            playing.clone().and_then(|s| s.emulator_verdict(&emulator)),
        );
    }

    let v4l2 = vm
        .lines_from(0)
        .into_iter()
        .find(|l| l.text.contains("/dev/video10") && l.text.contains("software"));
    checks.record(
        "V4L2 decoder absent under QEMU: software decoding, said in the log",
        v4l2.map(|l| l.text.clone())
            .ok_or("no line on /dev/video10 and software decoding".into()),
    );

    // 3. A key shows the OSD; pause stops the clock.
    // At 5.5 s: the module saves a position from 5 s on and forgets it in the last
    // 10 s of the 20 s sample, and each saved update below moves it on.
    vm.wait("with a picture at 5.5 s", Duration::from_secs(60), |l| {
        files::picture_pts(l).filter(|&pts| pts >= 5_500_000)
    })?;
    // The module's first save of the position (from 5 s on) is a synchronous store
    // replacement with fsyncs: on a loaded host it stalls the player for a second or
    // more, and a key in that moment is handled late. Press it after the save.
    vm.disk_settled(Duration::from_millis(700), Duration::from_secs(20))?;
    vm.monitor("sendkey spc")?;
    let pressed = Instant::now();
    let osd = vm.wait(
        "with a screen the reference never shows (the OSD)",
        Duration::from_secs(10),
        |l| files::screen_md5(l).filter(|m| !reference.screens.contains(m)),
    );
    let latency = pressed.elapsed();
    std::thread::sleep(Duration::from_millis(300));
    let paused = screen_check(&mut vm, args, "paused", &reference)?;
    std::thread::sleep(Duration::from_secs(1));
    let later = screen_check(&mut vm, args, "paused-later", &reference)?;
    checks.record(
        "sendkey: the OSD shows in the next screendump",
        paused
            .clone()
            .and_then(|s| match (s.reference_index, &playing) {
                (None, Ok(before)) if s.md5 != before.md5 && osd.is_ok() => Ok(format!(
                "{} after Play/Pause (space): on the device's screen log, not a reference screen \
                 (which has no OSD); composed {} after the key",
                s.md5,
                secs(latency)
            )),
                _ => Err(format!("{} shows no OSD (a plain video screen)", s.md5)),
            }),
    );
    checks.record(
        "pause stops the clock: screendumps 1 s apart equal",
        match (&paused, &later) {
            (Ok(a), Ok(b)) if a.md5 == b.md5 && a.screens == b.screens => {
                Ok(format!("{} twice, no screen composed between them", a.md5))
            }
            (Ok(a), Ok(b)) => Err(format!(
                "{} after {} screens, then {} after {}",
                a.md5, a.screens, b.md5, b.screens
            )),
            (Err(e), _) | (_, Err(e)) => Err(e.clone()),
        },
    );
    // The pause saved the resume position (the store replaced on the disk).
    let committed = vm.disk_settled(Duration::from_millis(700), Duration::from_secs(20));
    let paused_at = paused.as_ref().map(|s| s.pts).unwrap_or_default();
    vm.monitor("sendkey spc")?;
    let resumed = vm.wait(
        "with a picture after the pause",
        Duration::from_secs(30),
        |l| files::picture_pts(l).filter(|&pts| pts > paused_at),
    );
    checks.record(
        "play again after the pause",
        resumed
            .as_ref()
            .map(|(_, pts)| format!("picture at {:.3} s", *pts as f64 / 1e6))
            .map_err(Clone::clone),
    );

    // 4. Fault containment: the init script restarts a killed firmware.
    vm.shell("kill -9 $(pidof tv-stick)")?;
    let killed = Instant::now();
    let restarted = picture_after(&mut vm, MODULE_STARTED);
    checks.record(
        "kill -9: the init script restarts the firmware, which plays again",
        restarted
            .as_ref()
            .map(|(_, pts)| {
                format!(
                    "first picture {:.3} s (paused at about {:.3} s), {} after the kill",
                    *pts as f64 / 1e6,
                    paused_at as f64 / 1e6,
                    secs(killed.elapsed())
                )
            })
            .map_err(Clone::clone),
    );
    committed?;
    restarted?;

    // A module that traps: the firmware restarts it without a reboot (three times,
    // then it gives up with exit 1); the device then plays again.
    vm.shell("/etc/init.d/wasp-tv-stick stop")?;
    vm.wait(
        "`wasp-tv-stick: stopped`",
        Duration::from_secs(30),
        contains("wasp-tv-stick: stopped"),
    )?;
    let from = vm.position();
    vm.shell(&format!(
        "tv-stick --config /etc/wasp/tv-stick.conf --module /var/lib/wasp/{TRAP_MODULE} \
         --frame-log /dev/null --screen-log /dev/null; echo \"trap run: exit $?\""
    ))?;
    let ended = vm.wait("`trap run: exit N`", Duration::from_secs(60), |l| {
        l.strip_prefix("trap run: exit ").map(str::to_string)
    });
    let faults = vm
        .lines_from(from)
        .iter()
        .filter(|l| l.text.contains("tv-stick: the module faulted"))
        .count();
    vm.shell("/etc/init.d/wasp-tv-stick start")?;
    let again = vm.wait(
        "with a picture after the service started again",
        Duration::from_secs(60),
        files::picture_pts,
    );
    checks.record(
        "a module that traps is restarted without a reboot; the device plays again",
        match (&ended, &again) {
            (Ok((_, code)), Ok((_, pts))) if code == "1" && faults == 4 => Ok(format!(
                "4 faults (3 restarts), then exit 1; the service started again shows the picture at {:.3} s",
                *pts as f64 / 1e6
            )),
            (Ok((_, code)), Ok(_)) => Err(format!("{faults} faults, exit {code}")),
            (Err(e), _) | (_, Err(e)) => Err(e.clone()),
        },
    );
    let (_, mut resumed_at) = again?;

    // Every picture the stick decoded in both firmware runs is ffmpeg's.
    let pictures: Vec<(i64, String)> = vm
        .lines_from(0)
        .iter()
        .filter_map(|l| files::picture(&l.text))
        .collect();
    let wrong: Vec<String> = pictures
        .iter()
        .filter(|(pts, md5)| files::golden_at(&golden, *pts) != Some(md5.as_str()))
        .map(|(pts, md5)| format!("{pts} µs {md5}"))
        .collect();
    checks.record(
        "every decoded picture equals the golden framemd5",
        if pictures.is_empty() || !wrong.is_empty() {
            Err(format!(
                "{} of {} differ: {:?}",
                wrong.len(),
                pictures.len(),
                wrong.iter().take(3).collect::<Vec<_>>()
            ))
        } else {
            Ok(format!("{} pictures", pictures.len()))
        },
    );

    // 5. Power cuts while the store is being written: Play/Pause saves the
    // position; the VM is frozen after the first, second, fourth disk write of
    // that save and QEMU quits (the guest's unwritten state is lost, as in a power
    // cut). The store on the disk must be the previous one or the new one, whole,
    // and the next boot must resume from it.
    // The restarted firmware saved the position it resumed at.
    let mut previous_ms = resumed_at / 1000;
    let mut vm = Some(vm);
    for (round, writes) in [1u64, 2, 4].into_iter().enumerate() {
        let Some(mut running) = vm.take() else {
            break;
        };
        let cut = running
            .wait(
                "with a picture 0.2 s into the playback",
                Duration::from_secs(60),
                |l| files::picture_pts(l).filter(|&pts| pts >= resumed_at + 200_000),
            )
            .and_then(|_| running.disk_settled(Duration::from_millis(700), Duration::from_secs(20)))
            .and_then(|base| {
                running.monitor("sendkey spc")?;
                running.stop_after_writes(base, writes, Duration::from_secs(20))
            });
        let pause_ms = running
            .lines_from(0)
            .iter()
            .rev()
            .find_map(|l| files::picture_pts(&l.text))
            .unwrap_or_default()
            / 1000;
        let quit = running.quit();
        if round == 0 {
            audio_check(args, &reference, checks, "boot1");
        }
        let stored = cut.and(quit).and_then(|_| store_on_disk(&disk, &args.work));
        let saved = match &stored {
            Ok(Some(entries)) => resume_ms(entries),
            _ => None,
        };
        checks.record(
            &format!("power cut after disk write {writes} of a store update: the store is whole"),
            match (&stored, saved) {
                (Ok(_), Some(ms)) if (ms - previous_ms).abs() <= 1000 || (ms - pause_ms).abs() <= 1000 => Ok(format!(
                    "tv.resume = {ms} ms (before the update {previous_ms} ms, the update {pause_ms} ms)"
                )),
                (Ok(entries), _) => Err(format!(
                    "store {entries:?}: neither {previous_ms} ms nor {pause_ms} ms"
                )),
                (Err(e), _) => Err(e.clone()),
            },
        );
        let Some(saved) = saved else {
            break;
        };
        previous_ms = saved;
        let name = ["boot2", "boot3", "boot4"]
            .get(round)
            .copied()
            .unwrap_or("boot");
        let mut next = Vm::boot(&boot(name))?;
        let first = picture_after(&mut next, STARTED);
        checks.record(
            &format!(
                "after power cut {}: the player resumes at the saved position",
                round + 1
            ),
            match &first {
                Ok((line, pts)) if (pts / 1000 - saved).abs() <= 3000 => Ok(format!(
                    "first picture {:.3} s, saved {saved} ms, {} after power on",
                    *pts as f64 / 1e6,
                    secs(line.at)
                )),
                Ok((_, pts)) => Err(format!("first picture at {pts} µs, saved {saved} ms")),
                Err(e) => Err(e.clone()),
            },
        );
        let Ok((_, pts)) = first else {
            break;
        };
        resumed_at = pts;
        if round < 2 {
            vm = Some(next);
        } else {
            next.quit()?;
        }
    }
    println!(
        "==> tv-system: suite took {:.1} s",
        suite.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A screendump's md5 and where it is found.
#[derive(Clone)]
struct Screen {
    md5: String,
    /// The pts of the video picture on it, µs, from the firmware's screen log
    /// (`None`: no picture).
    shown: Option<i64>,
    /// The last picture the firmware decoded before the screendump, µs (decoding
    /// runs ahead of the picture shown).
    pts: i64,
    /// How many screens the firmware had composed (its screen log's lines).
    screens: usize,
    /// Its index in the reference's screens.
    reference_index: Option<usize>,
}

impl Screen {
    /// Whether the emulator composed this screen for the same picture, or why not.
    fn emulator_verdict(&self, emulator: &EmulatorScreens) -> Result<String, String> {
        let pts = self.shown.ok_or(format!(
            "{}: the firmware's screen shows no picture",
            self.md5
        ))?;
        let theirs = emulator.get(&pts).map(Vec::as_slice).unwrap_or_default();
        if theirs.contains(&self.md5) {
            Ok(format!(
                "{} = the firmware's screen of the picture at {} = the emulator's screen of it",
                self.md5,
                micros(pts)
            ))
        } else {
            Err(format!(
                "{} is the firmware's screen of the picture at {}; the emulator's: {theirs:?}",
                self.md5,
                micros(pts)
            ))
        }
    }
}

/// A pts in µs as seconds, with the µs.
fn micros(pts: i64) -> String {
    format!("{:.3} s ({pts} µs)", pts as f64 / 1e6)
}

/// Takes a screendump with the VM frozen; it must be the firmware's last or
/// next-to-last composed screen (the log line is written before the pixels are).
fn screen_check(
    vm: &mut Vm,
    args: &Args,
    name: &str,
    reference: &Reference,
) -> Result<Result<Screen, String>, String> {
    let path = args.work.join(format!("{name}.ppm"));
    vm.screendump(&path)?;
    let lines = vm.lines_from(0);
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (width, height, md5) = files::ppm_md5(&bytes)?;
    if (width, height) != (vm::WIDTH, vm::HEIGHT) {
        return Ok(Err(format!("screendump is {width}x{height}")));
    }
    let screens: Vec<(Option<i64>, String)> = lines
        .iter()
        .filter_map(|l| files::screen_line(&l.text))
        .collect();
    let pts = lines
        .iter()
        .rev()
        .find_map(|l| files::picture_pts(&l.text))
        .unwrap_or(-1);
    let Some((shown, _)) = screens.iter().rev().take(2).find(|(_, s)| *s == md5) else {
        return Ok(Err(format!(
            "screendump {md5} is not the firmware's last composed screen ({:?})",
            screens.last()
        )));
    };
    Ok(Ok(Screen {
        reference_index: reference.screens.iter().position(|s| *s == md5),
        shown: *shown,
        screens: screens.len(),
        md5,
        pts,
    }))
}

/// The usb-audio recording of the first boot against the reference's audio, up to
/// the pause: 20 chunks of 10 ms, every 0.25 s over 5 s.
fn audio_check(args: &Args, reference: &Reference, checks: &mut Checks, name: &str) {
    /// AAC decodes in floating point (x86_64 and aarch64 builds of FFmpeg round
    /// differently) and QEMU's audio path scales by its volume: a chunk is found
    /// when the recording has its waveform up to a gain (the sample's tones repeat,
    /// so a wrong place correlates up to about 0.99999 with another gain; the right
    /// place above 0.9999995 with QEMU's 0.941).
    const THRESHOLD: f64 = 0.999999;
    /// Chunks that must be found. The port drops what ALSA has no room for (it
    /// never blocks), and software emulation on a loaded machine falls behind real
    /// time now and then: a chunk across such a gap is not found. Wrong audio finds
    /// none.
    const MIN_FOUND: usize = 8;
    /// The found chunks' gains agree within this.
    const MAX_GAIN_SPREAD: f64 = 0.005;
    let path = args.work.join(format!("{name}.wav"));
    let result = std::fs::read(&path)
        .map_err(|e| format!("{}: {e}", path.display()))
        .and_then(|b| files::wav(&b))
        .and_then(|(rate, channels, samples)| {
            if (rate, channels) != (48_000, 2) {
                return Err(format!("recorded {rate} Hz x {channels}"));
            }
            files::compare_audio(&reference.audio, &samples, 20, 12_000, 3 * 48_000, THRESHOLD)
        })
        .and_then(|m| {
            let text = format!(
                "{} of {} chunks of 10 ms (every 0.25 s) found, correlation >= {:.7}, gain {:.4}..{:.4} \
                 (tolerance: {MIN_FOUND} found at correlation {THRESHOLD}, gain spread {MAX_GAIN_SPREAD})",
                m.found, m.chunks, m.min_correlation, m.gain.0, m.gain.1
            );
            if m.found >= MIN_FOUND && m.gain.1 - m.gain.0 <= MAX_GAIN_SPREAD {
                Ok(text)
            } else {
                Err(text)
            }
        });
    checks.record("audio: the usb-audio WAV matches the x86_64 audio", result);
}
