//! `cargo xtask cross`: the C API (`libwasp.a`) built for the TV-stick targets
//! (aarch64 and armv7 Linux), the C programs of `core/capi/tests/c` cross-compiled
//! against it and run under qemu-user, their output compared line for line with the
//! same programs built for and run on x86_64; then the libraries' sizes per target.
//!
//! Every target runs the same module file (the `hello` module of this checkout, as the
//! x86_64 test embeds it). A program is one entry of [`programs`]: more programs (the
//! Linux port, the TV-stick firmware) are more entries. See `hardware-tests/qemu/README.md`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use crate::{cargo, root, run};

mod compare;
mod sizes;

pub(crate) use compare::same_file;
use compare::{check_run, close_pcm, lines, needs_libwasp_so, same_output, RunOutput};
use sizes::sizes;

/// A Linux target the C API is built for.
pub(crate) struct Target {
    /// Short name used in check lines and output folders.
    pub(crate) name: &'static str,
    /// Rust target triple.
    pub(crate) triple: &'static str,
    /// C compiler for the programs, also the linker of the Rust build.
    pub(crate) cc: &'static str,
    /// qemu-user binary running the target's programs; `None` for the host.
    pub(crate) qemu: Option<&'static str>,
    /// The target's glibc root (Debian's `libc6-dev-<arch>-cross`): qemu's `-L`, and
    /// the sysroot bindgen parses the C API headers against.
    pub(crate) sysroot: &'static str,
    /// Debian's name of the architecture (the media sysroot's packages).
    pub(crate) deb_arch: &'static str,
    /// The GNU triple of Debian's multiarch folders.
    pub(crate) gnu: &'static str,
}

/// The host, whose runs are the reference the cross targets are compared with.
pub(crate) const HOST: Target = Target {
    name: "x86_64",
    triple: "x86_64-unknown-linux-gnu",
    cc: "cc",
    qemu: None,
    sysroot: "/",
    deb_arch: "amd64",
    gnu: "x86_64-linux-gnu",
};

/// The cross targets (Debian's cross compilers, run under qemu-user-static; binfmt_misc
/// is not relied on, qemu is named explicitly).
pub(crate) const CROSS: &[Target] = &[
    Target {
        name: "aarch64",
        triple: "aarch64-unknown-linux-gnu",
        cc: "aarch64-linux-gnu-gcc",
        qemu: Some("qemu-aarch64-static"),
        sysroot: "/usr/aarch64-linux-gnu",
        deb_arch: "arm64",
        gnu: "aarch64-linux-gnu",
    },
    Target {
        name: "armv7",
        triple: "armv7-unknown-linux-gnueabihf",
        cc: "arm-linux-gnueabihf-gcc",
        qemu: Some("qemu-arm-static"),
        sysroot: "/usr/arm-linux-gnueabihf",
        deb_arch: "armhf",
        gnu: "arm-linux-gnueabihf",
    },
];

/// A program argument.
pub(crate) enum Arg {
    /// A player module by name: `target/modules/wasp-<name>.wasm` (`cargo xtask modules`).
    Module(&'static str),
    /// Text as it is.
    Text(&'static str),
    /// A file the program writes, `<program>.<name>` in the target's work folder.
    Output(&'static str),
    /// The `file://` URL of an emulator sample (`targets/emulator/samples/<path>`).
    Sample(&'static str),
    /// An empty folder the program works in, `<program>.<name>` in the target's
    /// work folder (made afresh before the run).
    Folder(&'static str),
}

/// A C program built and run on every target.
pub(crate) struct Program {
    /// Name in check lines, and of the executable.
    pub(crate) name: String,
    /// C sources, relative to the repository root.
    pub(crate) sources: Vec<String>,
    /// Include folders, relative to the repository root.
    pub(crate) includes: &'static [&'static str],
    /// Command-line arguments.
    pub(crate) args: &'static [Arg],
    /// Lines the output (standard output or error) must contain on every target (the
    /// x86_64 test asserts the same).
    pub(crate) expect: &'static [&'static str],
    /// Compiler flags after the common ones.
    pub(crate) cflags: &'static [&'static str],
    /// Links libavcodec and libavutil: the host's (pkg-config), or a cross target's
    /// from its media sysroot, which is then also qemu's `-L` (see `sysroot.rs`).
    pub(crate) media: bool,
    /// Output files (an [`Arg::Output`] name) that must equal a golden file of the
    /// repository, `#software` lines of either aside (ffmpeg's framemd5 header).
    pub(crate) goldens: &'static [(&'static str, &'static str)],
    /// Output WAV files (an [`Arg::Output`] name) whose 16-bit samples on a cross
    /// target must be within [`Pcm::max_lsb`] of x86_64's and at
    /// [`Pcm::min_snr_db`] or better.
    pub(crate) pcm: &'static [Pcm],
    /// Links `libwasp.so` with the flags of the build's `wasp.pc` (pkg-config),
    /// the library's folder as its RPATH, instead of `libwasp.a`.
    pub(crate) shared: bool,
}

/// A tolerance for decoded sound that may differ between targets.
pub(crate) struct Pcm {
    /// The output file.
    pub(crate) file: &'static str,
    /// The largest difference of one sample, in 16-bit steps.
    pub(crate) max_lsb: u32,
    /// The smallest signal-to-noise ratio of the whole file against x86_64's, dB.
    pub(crate) min_snr_db: f64,
    /// Why the sound may differ, printed with the check.
    pub(crate) why: &'static str,
}

/// The Linux port's C sources.
const LINUX_PORT: &str = "shims/linux/c";

/// Where `core/capi`'s C test programs are (`core/capi/tests/c_programs.rs`).
const CAPI_TESTS: &str = "core/capi/tests/c";

impl Program {
    /// A C test program of `core/capi` (`<name>.c`, run on the hello module as the
    /// x86_64 test runs it), which must print every line of `expect`.
    fn capi_test(name: &str, expect: &'static [&'static str]) -> Program {
        Program {
            name: name.into(),
            sources: vec![format!("{CAPI_TESTS}/{name}.c")],
            includes: &["core/capi/include"],
            args: &[Arg::Module("hello")],
            expect,
            cflags: &[],
            media: false,
            goldens: &[],
            pcm: &[],
            shared: false,
        }
    }
}

/// What `hello.c` prints on every target (the x86_64 test asserts the same).
const HELLO: &[&str] = &[
    "log[2] hello: fetched 24 bytes: wasp over C",
    "states 7, logs 13, failures 0",
];

/// The programs: every C program `core/capi/tests/c_programs.rs` compiles for x86_64,
/// those named here with the lines it asserts, any other `.c` file of its folder with
/// exit 0 and the comparison with x86_64 as its checks (so a new test program runs on
/// the cross targets without a change here); then the programs of
/// `hardware-tests/qemu`. More programs (the Linux port, the TV-stick firmware) are
/// more entries.
fn programs() -> Result<Vec<Program>, String> {
    let mut programs = vec![
        Program::capi_test("hello", HELLO),
        Program::capi_test("hostile", &["hostile: failures 0"]),
        Program::capi_test("stub_port", &["state 7 reason 5", "failures 0"]),
        Program::capi_test("raster", &["raster: failures 0"]),
    ];
    let dir = root().join(CAPI_TESTS);
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut others: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|file| Some(file.strip_suffix(".c")?.to_string()))
        .filter(|name| programs.iter().all(|p| p.name != *name))
        .collect();
    others.sort();
    programs.extend(others.iter().map(|name| Program::capi_test(name, &[])));
    // The same program on the shared library, linked as a device build would with
    // the pkg-config file the build writes beside the libraries.
    programs.push(Program {
        name: "hello-shared".into(),
        shared: true,
        ..Program::capi_test("hello", HELLO)
    });
    // Endless guest loops sliced by fuel: the interpreter's dispatch must not grow the
    // native stack on any target (hardware-tests/qemu/README.md).
    programs.push(Program {
        name: "busy_guest".into(),
        sources: vec!["hardware-tests/qemu/busy_guest.c".into()],
        includes: &["core/capi/include", CAPI_TESTS],
        args: &[],
        expect: &[
            "busy: endless init stopped by its fuel: wasp_init: module did not return after 2000000",
            "busy: endless tick faulted after 50 ticks",
            "busy: failures 0",
        ],
        cflags: &[],
        media: false,
        goldens: &[],
        pcm: &[],
        shared: false,
    });
    programs.push(tv_stick()?);
    programs.push(conformance()?);
    Ok(programs)
}

/// The reference TV-stick firmware on the Linux port (software decoding through
/// libavcodec), headless on the virtual clock, as targets/tv-stick/tests/play.rs
/// plays CMAF HLS on x86_64: the pictures must be the emulator's golden, on every
/// target. The sound (`--wav`, what the port plays) must be x86_64's within 1 LSB
/// and 90 dB SNR: FFmpeg's AAC decoder computes in floating point and aarch64's
/// build fuses multiply-adds (FMA), so about 1 sample in 10 000 rounds the other
/// way there (armv7's is x86_64's exactly). The package's checks run the installed
/// firmware with the same arguments (`package.rs`).
pub(crate) fn tv_stick() -> Result<Program, String> {
    let mut sources = vec!["targets/tv-stick/main.c".to_string()];
    sources.extend(linux_port_sources()?);
    Ok(Program {
        name: "tv-stick".into(),
        sources,
        includes: &["shims/linux/include", "core/capi/include"],
        args: &[
            Arg::Text("--module"),
            Arg::Module("tv"),
            Arg::Text("--virtual-clock"),
            Arg::Text("--size"),
            Arg::Text("64x36"),
            Arg::Text("--max-seconds"),
            Arg::Text("60"),
            Arg::Text("--timebase"),
            Arg::Text("12800"),
            Arg::Text("--frame-log"),
            Arg::Output("frames.framemd5"),
            Arg::Text("--audio-log"),
            Arg::Output("audio.framemd5"),
            Arg::Text("--wav"),
            Arg::Output("audio.wav"),
            Arg::Text("--set"),
            Arg::Text("max_bitrate=140000"),
            Arg::Sample("cmaf/master.m3u8"),
        ],
        expect: &[
            "tv-stick: ended after 19.990 s",
            "tv-stick: 500 pictures shown, 939 audio frames decoded",
        ],
        cflags: &[],
        media: true,
        goldens: &[(
            "frames.framemd5",
            "targets/emulator/samples/goldens/cmaf_v0.framemd5",
        )],
        pcm: &[Pcm {
            file: "audio.wav",
            max_lsb: 1,
            min_snr_db: 90.0,
            why: "AAC decodes in floating point; aarch64 fuses multiply-adds",
        }],
        shared: false,
    })
}

/// The Linux port's C sources, sorted.
fn linux_port_sources() -> Result<Vec<String>, String> {
    let port = root().join(LINUX_PORT);
    let mut sources: Vec<String> = std::fs::read_dir(&port)
        .map_err(|e| format!("{}: {e}", port.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|file| file.ends_with(".c"))
        .map(|file| format!("{LINUX_PORT}/{file}"))
        .collect();
    sources.sort();
    Ok(sources)
}

/// The port conformance suite in C (`hardware-tests/conformance/c`) on the Linux
/// port with file-backed devices, as `shims/linux/tests/conformance.rs` runs it on
/// x86_64 under the sanitizers: every check passes but the crypto one (the port
/// offers none).
fn conformance() -> Result<Program, String> {
    let mut sources = vec![
        "shims/linux/tests/c/conformance.c".to_string(),
        "hardware-tests/conformance/c/wasp_conformance.c".to_string(),
    ];
    sources.extend(linux_port_sources()?);
    Ok(Program {
        name: "conformance".into(),
        sources,
        includes: &[
            "hardware-tests/conformance/c",
            "shims/linux/include",
            "core/capi/include",
        ],
        args: &[Arg::Folder("work")],
        expect: &[
            "PASS kv_survives_a_crash",
            "SKIP decrypt_matches_the_aes_test_vector: no bulk crypto",
            "15 checks, 0 failed, 1 skipped",
        ],
        cflags: &[],
        media: true,
        goldens: &[],
        pcm: &[],
        shared: false,
    })
}

/// Flags of the x86_64 test's compile, without its sanitizers (no runtime under qemu).
const CFLAGS: &[&str] = &[
    "-std=c11",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-pedantic",
    "-g",
    "-O1",
];
/// What `libwasp.a` needs from the C library (as `wasp.pc`'s `Libs.private`).
const LIBS: &[&str] = &["-lpthread", "-ldl", "-lm"];

/// The cargo target directory (`CARGO_TARGET_DIR`, relative to the root, or `target/`).
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

impl Target {
    /// Where cargo puts the target's release libraries.
    pub(crate) fn lib_dir(&self) -> PathBuf {
        if self.qemu.is_none() {
            target_dir().join("release")
        } else {
            target_dir().join(self.triple).join("release")
        }
    }

    /// Folder for this target's programs, outputs and stripped libraries.
    fn work_dir(&self) -> Result<PathBuf, String> {
        let dir = target_dir().join("cross").join(self.name);
        std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        Ok(dir)
    }

    /// `cargo build --release -p wasp-capi --lib` for this target.
    pub(crate) fn build_library(&self) -> Result<(), String> {
        let mut build = cargo();
        build.args(["build", "--release", "-p", "wasp-capi", "--lib"]);
        if self.qemu.is_some() {
            let upper = self.triple.to_uppercase().replace('-', "_");
            let lower = self.triple.replace('-', "_");
            build
                .args(["--target", self.triple])
                .env(format!("CARGO_TARGET_{upper}_LINKER"), self.cc)
                .env(
                    format!("BINDGEN_EXTRA_CLANG_ARGS_{lower}"),
                    format!("--sysroot={}", self.sysroot),
                );
        }
        run(
            &format!("libwasp for {} (release)", self.triple),
            &mut build,
        )
    }

    /// The command that runs `exe` on this target: under qemu with the cross glibc,
    /// or with the media sysroot (its own glibc and libavcodec) when given.
    pub(crate) fn command(&self, exe: &Path, media: Option<&Path>) -> Command {
        match self.qemu {
            Some(qemu) => {
                let mut cmd = Command::new(qemu);
                cmd.arg("-L")
                    .arg(media.unwrap_or(Path::new(self.sysroot)))
                    .arg(exe);
                cmd
            }
            None => Command::new(exe),
        }
    }

    /// Compiler and linker flags for libavcodec and libavutil: pkg-config's on the
    /// host, the media sysroot's folders on a cross target.
    pub(crate) fn media_flags(
        &self,
        media: Option<&Path>,
    ) -> Result<(Vec<String>, Vec<String>), String> {
        let Some(sr) = media else {
            let flags = |what: &str| -> Result<Vec<String>, String> {
                let out = output(
                    Command::new("pkg-config").args([what, "libavcodec", "libavutil"]),
                    "pkg-config",
                )?;
                if !out.status.success() {
                    return Err(format!(
                        "pkg-config {what} libavcodec libavutil: {}",
                        String::from_utf8_lossy(&out.stderr)
                    ));
                }
                Ok(String::from_utf8_lossy(&out.stdout)
                    .split_whitespace()
                    .map(str::to_string)
                    .collect())
            };
            return Ok((flags("--cflags")?, flags("--libs")?));
        };
        let (sr, gnu) = (sr.display(), self.gnu);
        Ok((
            vec![
                format!("-isystem{sr}/usr/include"),
                format!("-isystem{sr}/usr/include/{gnu}"),
            ],
            vec![
                format!("-L{sr}/usr/lib/{gnu}"),
                format!("-Wl,-rpath-link,{sr}/usr/lib/{gnu}:{sr}/lib/{gnu}"),
                "-lavcodec".into(),
                "-lavutil".into(),
            ],
        ))
    }
}

/// One named check's result, printed as it is made.
pub(crate) struct Checks {
    failed: Vec<String>,
    passed: usize,
}

impl Checks {
    pub(crate) fn record(&mut self, name: &str, result: Result<String, String>) {
        match result {
            Ok(detail) => {
                println!("PASS {name}: {detail}");
                self.passed += 1;
            }
            Err(reason) => {
                println!("FAIL {name}: {reason}");
                let first = reason.lines().next().unwrap_or_default();
                self.failed.push(format!("{name}: {first}"));
            }
        }
    }
}

/// The command: checks the tools, builds, runs every program on every target,
/// compares, prints the sizes. Fails when any check fails.
pub fn cross() -> Result<(), String> {
    let start = Instant::now();
    check_tools()?;
    crate::modules()?;
    let mut checks = Checks {
        failed: Vec::new(),
        passed: 0,
    };
    let programs = programs()?;
    let targets = std::iter::once(&HOST).chain(CROSS);
    let mut reference: Vec<Option<RunOutput>> = Vec::new();
    for target in targets.clone() {
        target.build_library()?;
        let media = match target.qemu {
            Some(_) if programs.iter().any(|p| p.media) => Some(crate::sysroot::prepare(
                &target_dir().join("cross"),
                target.deb_arch,
            )?),
            _ => None,
        };
        for (index, program) in programs.iter().enumerate() {
            let name = format!("{}/{}", target.name, program.name);
            let media = media.as_deref().filter(|_| program.media);
            let ran = build_and_run(target, program, media, &name, &mut checks)?;
            if target.qemu.is_none() {
                reference.push(ran);
            } else if let (Some(ran), Some(Some(host))) = (ran, reference.get(index)) {
                checks.record(
                    &format!("{name}: output equals {}'s", HOST.name),
                    same_output(host, &ran),
                );
            }
        }
    }
    crate::package::checks(&mut checks)?;
    sizes(targets)?;
    let total = checks.passed + checks.failed.len();
    println!(
        "==> cross: {} of {total} checks passed in {:.0} s",
        checks.passed,
        start.elapsed().as_secs_f64()
    );
    if checks.failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "cross: {} checks failed:\n  {}",
            checks.failed.len(),
            checks.failed.join("\n  ")
        ))
    }
}

/// Debian packages the cross targets need (`.ci/run` installs them): the cross
/// compilers with each target's glibc, and qemu-user.
const PACKAGES: &str = "gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
                        gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-user-static";

/// Fails, naming what to install, when a cross compiler or qemu does not run.
fn check_tools() -> Result<(), String> {
    let runs = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let missing: Vec<&str> = CROSS
        .iter()
        .flat_map(|t| [t.cc].into_iter().chain(t.qemu))
        .filter(|tool| !runs(tool))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} not found: install with `apt-get install --no-install-recommends {PACKAGES}` \
             (as .ci/run does)",
            missing.join(", ")
        ))
    }
}

/// Compiles `program` for `target` and runs it: checks `<name>: compiles` and
/// `<name>: runs`. Returns the run's output when the program ran.
fn build_and_run(
    target: &Target,
    program: &Program,
    media: Option<&Path>,
    name: &str,
    checks: &mut Checks,
) -> Result<Option<RunOutput>, String> {
    let dir = target.work_dir()?;
    let exe = dir.join(&program.name);
    let mut cc = compile(target, program, &exe);
    if program.media {
        let (cflags, libs) = target.media_flags(media)?;
        cc.args(cflags).args(libs);
    }
    let compiled = output(&mut cc, target.cc)?;
    let flags: Vec<&str> = CFLAGS.iter().chain(program.cflags).copied().collect();
    checks.record(
        &format!("{name}: compiles ({})", flags.join(" ")),
        if compiled.status.success() {
            Ok(format!("{}", exe.display()))
        } else {
            Err(format!("{}", String::from_utf8_lossy(&compiled.stderr)))
        },
    );
    if !compiled.status.success() {
        return Ok(None);
    }
    if program.shared {
        checks.record(&format!("{name}: needs libwasp.so"), needs_libwasp_so(&exe));
    }

    let mut cmd = target.command(&exe, media);
    let output_file = |file: &str| dir.join(format!("{}.{file}", program.name));
    cmd.args(arguments(program.args, &output_file, &|module| {
        root().join(format!("target/modules/wasp-{module}.wasm"))
    }));
    let started = Instant::now();
    let ran = output(&mut cmd, &exe.display().to_string())?;
    let secs = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&ran.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&ran.stderr);
    let saved = dir.join(format!("{}.stdout", program.name));
    std::fs::write(&saved, &stdout).map_err(|e| format!("write {}: {e}", saved.display()))?;
    let runner = target.qemu.unwrap_or("natively");
    checks.record(
        &format!("{name}: runs ({runner})"),
        check_run(program, ran.status.code(), &stdout, &stderr).map(|()| {
            format!(
                "exit 0, {} in {secs:.2} s (output in {})",
                lines(stdout.lines().count()),
                saved.display()
            )
        }),
    );
    for (file, golden) in program.goldens {
        let got = output_file(file);
        checks.record(
            &format!("{name}: {file} equals {golden}"),
            same_file(&got, &root().join(golden)),
        );
    }
    if target.qemu.is_some() {
        for pcm in program.pcm {
            let host = HOST
                .work_dir()?
                .join(format!("{}.{}", program.name, pcm.file));
            checks.record(
                &format!(
                    "{name}: {} within {} LSB of {}'s, SNR >= {} dB ({})",
                    pcm.file, pcm.max_lsb, HOST.name, pcm.min_snr_db, pcm.why
                ),
                close_pcm(&host, &output_file(pcm.file), pcm),
            );
        }
    }
    Ok(Some(RunOutput {
        code: ran.status.code(),
        stdout,
    }))
}

/// A program's command line: each [`Arg::Output`] is `output(name)`, each
/// [`Arg::Module`] is `module(name)`.
pub(crate) fn arguments(
    args: &[Arg],
    output: &dyn Fn(&str) -> PathBuf,
    module: &dyn Fn(&str) -> PathBuf,
) -> Vec<std::ffi::OsString> {
    args.iter()
        .map(|arg| match arg {
            Arg::Module(name) => module(name).into_os_string(),
            Arg::Text(text) => text.into(),
            Arg::Output(file) => output(file).into_os_string(),
            Arg::Folder(name) => {
                let dir = output(name);
                let _ = std::fs::remove_dir_all(&dir);
                let _ = std::fs::create_dir_all(&dir);
                dir.into_os_string()
            }
            Arg::Sample(path) => {
                let samples = root().join("targets/emulator/samples");
                let samples = samples.canonicalize().unwrap_or(samples);
                format!("file://{}/{path}", samples.display()).into()
            }
        })
        .collect()
}

/// The compiler command for `program` on `target`, writing `exe`.
pub(crate) fn compile(target: &Target, program: &Program, exe: &Path) -> Command {
    let mut cc = Command::new(target.cc);
    cc.current_dir(root()).args(CFLAGS).args(program.cflags);
    for include in program.includes {
        cc.arg("-I").arg(root().join(include));
    }
    for source in &program.sources {
        cc.arg(root().join(source));
    }
    cc.arg("-o").arg(exe);
    if program.shared {
        cc.args(wasp_pc(target))
            .arg(format!("-Wl,-rpath,{}", target.lib_dir().display()));
    } else {
        cc.arg(target.lib_dir().join("libwasp.a"));
    }
    cc.args(LIBS);
    cc
}

/// `pkg-config --cflags --libs wasp` with only the target's own `wasp.pc` (written
/// by `core/capi`'s build script beside its libraries); nothing when it fails (the
/// link then fails and says why).
fn wasp_pc(target: &Target) -> Vec<String> {
    Command::new("pkg-config")
        .env("PKG_CONFIG_LIBDIR", target.lib_dir())
        .env_remove("PKG_CONFIG_PATH")
        .args(["--cflags", "--libs", "wasp"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `cmd`, naming `what` when it cannot start.
pub(crate) fn output(cmd: &mut Command, what: &str) -> Result<Output, String> {
    cmd.output()
        .map_err(|e| format!("{what}: cannot start: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_c_program_of_the_capi_tests_runs_once() {
        let mut sources: Vec<String> = programs()
            .unwrap()
            .into_iter()
            .flat_map(|p| p.sources)
            .filter(|s| s.starts_with(CAPI_TESTS))
            .collect();
        sources.sort();
        sources.dedup(); // hello.c also links the shared library
        let mut files: Vec<String> = std::fs::read_dir(root().join(CAPI_TESTS))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|f| f.ends_with(".c"))
            .map(|f| format!("{CAPI_TESTS}/{f}"))
            .collect();
        files.sort();
        assert!(files.len() >= 4, "{files:?}");
        assert_eq!(sources, files);
    }

    #[test]
    fn every_program_source_and_include_exists() {
        for program in programs().unwrap() {
            for path in program
                .sources
                .iter()
                .map(String::as_str)
                .chain(program.includes.iter().copied())
            {
                assert!(root().join(path).exists(), "{}: {path}", program.name);
            }
        }
    }
}
