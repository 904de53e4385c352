//! `cargo xtask package --arch x86_64|aarch64|armv7`: the flashable TV-stick
//! artefact, `target/package/wasp-tv-stick-<version>-<arch>.tar.gz` and its
//! `.sha256`. It holds the release firmware (`main.c` on the release `libwasp.a` and
//! the Linux port, with DRM/KMS and ALSA), every shared library the firmware needs
//! besides glibc (the `NEEDED` closure, resolved with `readelf` in the target's
//! media sysroot), the TV module, the configuration, both init flavours and
//! `install.sh` (see `targets/tv-stick/README.md` for the layout).
//!
//! The tarball is reproducible: names sorted, every mtime the commit's time, owner
//! 0:0, modes fixed, `gzip -n`. [`checks`] (a part of `cargo xtask cross`) builds
//! each architecture's package, installs it into a temporary root and plays the
//! CMAF sample with the installed firmware (under qemu-user on ARM, with only
//! glibc from the cross toolchain), and checks reproducibility, the checksum
//! refusal and the init script's supervision.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::cross::{self, Checks, Target, CROSS, HOST};
use crate::root;

/// The package's name, the first part of its file name.
const NAME: &str = "wasp-tv-stick";

/// Sonames of glibc (and its dynamic loaders, `ld-linux*`): the device provides
/// them, the package does not carry them.
const GLIBC: &[&str] = &[
    "libc.so.6",
    "libm.so.6",
    "libmvec.so.1",
    "libpthread.so.0",
    "libdl.so.2",
    "librt.so.1",
    "libresolv.so.2",
    "libutil.so.1",
    "libanl.so.1",
];

/// Where the installed firmware finds its libraries: `/usr/lib/wasp` beside
/// `/usr/bin` wherever the root is (`install.sh --root`), then the absolute path.
/// Written as `DT_RPATH` (`--disable-new-dtags`), not `DT_RUNPATH`: ld.so applies
/// the executable's RPATH to the libraries its libraries need too (libavcodec's
/// libswresample, ...), a RUNPATH only to the executable's own `NEEDED`, and the
/// packaged libraries carry no search path of their own.
const RPATH: &str = "$ORIGIN/../lib/wasp:/usr/lib/wasp";

/// Compiler flags of the packaged firmware after the checks' ones (the last `-O`
/// wins): optimised, unused sections dropped, stripped, source paths relative.
const RELEASE: &[&str] = &[
    "-O2",
    "-g0",
    "-ffunction-sections",
    "-fdata-sections",
    "-Wl,--gc-sections",
    "-Wl,--as-needed",
    "-Wl,--disable-new-dtags",
    "-s",
];

/// `cargo xtask package --arch <arch>`.
pub fn package(args: &[String]) -> Result<(), String> {
    let arch = match args {
        [flag, arch] if flag == "--arch" => arch.as_str(),
        [arch] if arch.starts_with("--arch=") => &arch["--arch=".len()..],
        _ => return Err(format!("usage: cargo xtask package --arch {}", arches())),
    };
    let target = target(arch)?;
    crate::modules()?;
    target.build_library()?;
    let built = build(target, &root().join("target/package"))?;
    println!("==> {}", built.tarball.display());
    println!("==> {}", built.sha256.trim_end());
    Ok(())
}

/// `x86_64|aarch64|armv7`.
fn arches() -> String {
    std::iter::once(&HOST)
        .chain(CROSS)
        .map(|t| t.name)
        .collect::<Vec<_>>()
        .join("|")
}

/// The target named `arch`.
fn target(arch: &str) -> Result<&'static Target, String> {
    std::iter::once(&HOST)
        .chain(CROSS)
        .find(|t| t.name == arch)
        .ok_or_else(|| format!("unknown architecture `{arch}`: one of {}", arches()))
}

/// A package written by [`build`].
struct Built {
    /// The `.tar.gz`.
    tarball: PathBuf,
    /// The content of its `.sha256` file (`sha256sum` format).
    sha256: String,
    /// Bytes of the firmware, of the libraries together, of the module.
    sizes: [u64; 3],
    /// How many libraries it carries.
    libraries: usize,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> String + '_ {
    move |e| format!("{}: {e}", path.display())
}

/// Runs `cmd` to its end; its standard output, or an error naming `what` with its
/// standard error.
fn stdout_of(cmd: &mut Command, what: &str) -> Result<String, String> {
    let done = cross::output(cmd, what)?;
    if done.status.success() {
        Ok(String::from_utf8_lossy(&done.stdout).into_owned())
    } else {
        Err(format!(
            "{what}: {}\n{}",
            done.status,
            String::from_utf8_lossy(&done.stderr)
        ))
    }
}

/// Builds `target`'s package into `out` (its libwasp and the modules built
/// already): stages the tree, writes `MANIFEST` and `SHA256SUMS`, archives it.
fn build(target: &Target, out: &Path) -> Result<Built, String> {
    let media = match target.qemu {
        Some(_) => Some(crate::sysroot::prepare(
            &cross::target_dir().join("cross"),
            target.deb_arch,
        )?),
        None => None,
    };
    let version = env!("CARGO_PKG_VERSION");
    let base = format!("{NAME}-{version}-{}", target.name);
    let stage = out.join("stage");
    let top = stage.join(&base);
    if stage.exists() {
        std::fs::remove_dir_all(&stage).map_err(io(&stage))?;
    }
    for dir in [
        "bin",
        "lib/systemd/system",
        "share/wasp",
        "etc/wasp",
        "etc/init.d",
    ] {
        std::fs::create_dir_all(top.join(dir)).map_err(io(&top))?;
    }
    let firmware = top.join("bin/tv-stick");
    compile_firmware(target, media.as_deref(), &firmware)?;
    let libraries = closure(
        &firmware,
        media.as_deref().unwrap_or(Path::new("/")),
        target,
    )?;
    let mut lib_bytes = 0;
    for (soname, from) in &libraries {
        let to = top.join("lib").join(soname);
        std::fs::copy(from, &to).map_err(io(from))?;
        lib_bytes += std::fs::metadata(&to).map_err(io(&to))?.len();
    }
    let module = root().join("target/modules/wasp-tv.wasm");
    let files: [(&Path, &str); 5] = [
        (&module, "share/wasp/wasp-tv.wasm"),
        (
            &root().join("targets/tv-stick/tv-stick.conf"),
            "etc/wasp/tv-stick.conf",
        ),
        (
            &root().join("targets/tv-stick/wasp-tv-stick.init"),
            "etc/init.d/wasp-tv-stick",
        ),
        (
            &root().join("targets/tv-stick/tv-stick.service"),
            "lib/systemd/system/wasp-tv-stick.service",
        ),
        (&root().join("targets/tv-stick/install.sh"), "install.sh"),
    ];
    for (from, to) in files {
        std::fs::copy(from, top.join(to)).map_err(io(from))?;
    }
    let mut elves = vec![firmware.clone()];
    elves.extend(
        libraries
            .iter()
            .map(|(soname, _)| top.join("lib").join(soname)),
    );
    std::fs::write(top.join("MANIFEST"), manifest(target, &elves)?).map_err(io(&top))?;
    normalise_modes(&top)?;
    let mut listed = files_under(&top)?;
    listed.retain(|f| f != "SHA256SUMS");
    let sums = stdout_of(
        Command::new("sha256sum").current_dir(&top).args(&listed),
        "sha256sum",
    )?;
    let sums_file = top.join("SHA256SUMS");
    std::fs::write(&sums_file, sums).map_err(io(&sums_file))?;
    set_mode(&sums_file, 0o644)?;

    let tar = out.join(format!("{base}.tar"));
    let tarball = out.join(format!("{base}.tar.gz"));
    let _ = std::fs::remove_file(&tarball);
    stdout_of(
        Command::new("tar")
            .arg("--sort=name")
            .arg(format!("--mtime=@{}", commit_time()?))
            .args([
                "--owner=0",
                "--group=0",
                "--numeric-owner",
                "--format=gnu",
                "-C",
            ])
            .arg(&stage)
            .arg("-cf")
            .arg(&tar)
            .arg(&base),
        "tar",
    )?;
    stdout_of(
        Command::new("gzip").args(["-9", "-n", "-f"]).arg(&tar),
        "gzip",
    )?;
    let sha256 = stdout_of(
        Command::new("sha256sum")
            .current_dir(out)
            .arg(format!("{base}.tar.gz")),
        "sha256sum",
    )?;
    let sha_file = out.join(format!("{base}.tar.gz.sha256"));
    std::fs::write(&sha_file, &sha256).map_err(io(&sha_file))?;
    let len = |p: &Path| std::fs::metadata(p).map(|m| m.len()).map_err(io(p));
    Ok(Built {
        tarball,
        sha256,
        sizes: [len(&firmware)?, lib_bytes, len(&module)?],
        libraries: libraries.len(),
    })
}

/// The firmware for `target`, as the cross checks build it plus the device
/// features (DRM/KMS from the kernel headers, ALSA from alsa-lib) and
/// [`RELEASE`], with [`RPATH`].
fn compile_firmware(target: &Target, media: Option<&Path>, exe: &Path) -> Result<(), String> {
    let program = cross::tv_stick()?;
    let mut cc = cross::compile(target, &program, exe);
    let (cflags, libs) = target.media_flags(media)?;
    let (device_cflags, device_libs) = device_flags(target)?;
    cc.args(cflags)
        .args(device_cflags)
        .args(RELEASE)
        .arg(format!("-ffile-prefix-map={}=.", root().display()))
        .arg(format!("-Wl,-rpath,{RPATH}"))
        .args(libs)
        .args(device_libs);
    stdout_of(
        &mut cc,
        &format!("{} (tv-stick for the package)", target.cc),
    )
    .map(drop)
}

/// Compiler and linker flags for the Linux port's DRM/KMS and ALSA code: the
/// host's pkg-config; on a cross target the cross glibc's kernel headers and the
/// media sysroot's alsa-lib (`sysroot.rs` installs `libasound2-dev`).
fn device_flags(target: &Target) -> Result<(Vec<String>, Vec<String>), String> {
    let defines = [
        "-DWASP_LINUX_HAVE_DRM".to_string(),
        "-DWASP_LINUX_HAVE_ALSA".to_string(),
    ];
    if target.qemu.is_none() {
        let flags = |what: &str, packages: &[&str]| -> Result<Vec<String>, String> {
            Ok(stdout_of(
                Command::new("pkg-config").arg(what).args(packages),
                &format!("pkg-config {what} {}", packages.join(" ")),
            )?
            .split_whitespace()
            .map(str::to_string)
            .collect())
        };
        let mut cflags = flags("--cflags", &["libdrm", "alsa"])?;
        cflags.extend(defines);
        return Ok((cflags, flags("--libs", &["alsa"])?));
    }
    let mut cflags = vec![format!("-I{}/include/drm", target.sysroot)];
    cflags.extend(defines);
    Ok((cflags, vec!["-lasound".into()]))
}

/// `readelf -d`'s `NEEDED` entries of `elf`.
fn needed(elf: &Path) -> Result<Vec<String>, String> {
    let text = stdout_of(
        Command::new("readelf").args(["-d", "-W"]).arg(elf),
        &format!("readelf -d {}", elf.display()),
    )?;
    Ok(text
        .lines()
        .filter(|line| line.contains("(NEEDED)"))
        .filter_map(|line| {
            let (_, rest) = line.split_once('[')?;
            Some(rest.split_once(']')?.0.to_string())
        })
        .collect())
}

/// Whether `soname` is glibc's (not carried).
fn is_glibc(soname: &str) -> bool {
    GLIBC.contains(&soname) || soname.starts_with("ld-linux")
}

/// Every library `elf` needs, directly or through another, that is not glibc: its
/// soname and its file under `sysroot` (Debian's multiarch folders), sorted.
fn closure(elf: &Path, sysroot: &Path, target: &Target) -> Result<Vec<(String, PathBuf)>, String> {
    let dirs: Vec<PathBuf> = [
        format!("usr/lib/{}", target.gnu),
        format!("lib/{}", target.gnu),
        "usr/lib".into(),
        "lib".into(),
    ]
    .iter()
    .map(|d| sysroot.join(d))
    .collect();
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    let mut queue = needed(elf)?;
    while let Some(soname) = queue.pop() {
        if is_glibc(&soname) || found.iter().any(|(s, _)| *s == soname) {
            continue;
        }
        let Some(path) = dirs.iter().map(|d| d.join(&soname)).find(|p| p.exists()) else {
            return Err(format!(
                "{soname} (needed by the firmware's libraries) is not in {}",
                sysroot.display()
            ));
        };
        queue.extend(needed(&path)?);
        found.push((soname, path));
    }
    found.sort();
    Ok(found)
}

/// The `MANIFEST` (`key=value` lines). `requires_glibc` is the newest `GLIBC_`
/// symbol version any of `elves` uses: the oldest glibc the device may have.
fn manifest(target: &Target, elves: &[PathBuf]) -> Result<String, String> {
    let git = |args: &[&str]| -> Result<String, String> {
        Ok(
            stdout_of(Command::new("git").current_dir(root()).args(args), "git")?
                .trim()
                .to_string(),
        )
    };
    let mut rev = git(&["rev-parse", "HEAD"])?;
    if !git(&["status", "--porcelain", "--untracked-files=no"])?.is_empty() {
        rev.push_str("-dirty");
    }
    let gcc = stdout_of(
        Command::new(target.cc).arg("--version"),
        &format!("{} --version", target.cc),
    )?;
    let mut glibc = (0, 0);
    for elf in elves {
        let symbols = stdout_of(
            Command::new("readelf").args(["--dyn-syms", "-W"]).arg(elf),
            &format!("readelf --dyn-syms {}", elf.display()),
        )?;
        for version in symbols.split("@GLIBC_").skip(1) {
            let mut parts = version
                .split(|c: char| !c.is_ascii_digit())
                .take(2)
                .map(|p| p.parse::<u32>().unwrap_or(0));
            let v = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
            glibc = glibc.max(v);
        }
    }
    Ok(format!(
        "name={NAME}\nversion={}\narch={}\ngit_rev={rev}\ntarget={}\nbuilt_with={}\n\
         requires_glibc={}.{}\n",
        env!("CARGO_PKG_VERSION"),
        target.name,
        target.triple,
        gcc.lines().next().unwrap_or_default().trim(),
        glibc.0,
        glibc.1
    ))
}

/// The commit's time (seconds since 1970): every file's mtime in the tarball.
fn commit_time() -> Result<String, String> {
    Ok(stdout_of(
        Command::new("git")
            .current_dir(root())
            .args(["log", "-1", "--format=%ct"]),
        "git log",
    )?
    .trim()
    .to_string())
}

fn set_mode(path: &Path, mode: u32) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(io(path))
}

/// Folders 0755, `bin/`, `install.sh` and the init script 0755, the rest 0644: the
/// archive does not depend on the umask.
fn normalise_modes(top: &Path) -> Result<(), String> {
    set_mode(top, 0o755)?;
    for file in files_under(top)? {
        let path = top.join(&file);
        let executable =
            file.starts_with("bin/") || file == "install.sh" || file == "etc/init.d/wasp-tv-stick";
        set_mode(&path, if executable { 0o755 } else { 0o644 })?;
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != top) {
            set_mode(d, 0o755)?;
            dir = d.parent();
        }
    }
    Ok(())
}

/// Every file under `top`, relative, sorted.
fn files_under(top: &Path) -> Result<Vec<String>, String> {
    fn walk(top: &Path, dir: &Path, files: &mut Vec<String>) -> Result<(), String> {
        for entry in std::fs::read_dir(dir).map_err(io(dir))? {
            let path = entry.map_err(io(dir))?.path();
            if path.is_dir() {
                walk(top, &path, files)?;
            } else if let Ok(relative) = path.strip_prefix(top) {
                files.push(relative.display().to_string());
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(top, top, &mut files)?;
    files.sort();
    Ok(files)
}

/// The shell the package's scripts are checked with: busybox's ash when busybox is
/// installed (a device's shell), else `sh`.
fn shell() -> &'static [&'static str] {
    let busybox = Command::new("busybox")
        .arg("true")
        .output()
        .is_ok_and(|o| o.status.success());
    if busybox {
        &["busybox", "sh"]
    } else {
        &["sh"]
    }
}

/// Runs `script` with [`shell`] and `args`; its exit code and both outputs.
fn sh(
    script: &Path,
    args: &[&str],
    env: &[(&str, &Path)],
) -> Result<(Option<i32>, String), String> {
    let (program, shell_args) = shell().split_first().unwrap_or((&"sh", &[]));
    let mut cmd = Command::new(program);
    cmd.args(shell_args).arg(script).args(args);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let done = cross::output(&mut cmd, program)?;
    Ok((
        done.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&done.stdout),
            String::from_utf8_lossy(&done.stderr)
        ),
    ))
}

/// An empty folder `<target dir>/package-test/<name>`.
fn scratch(name: &str) -> Result<PathBuf, String> {
    let dir = cross::target_dir().join("package-test").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(io(&dir))?;
    }
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    Ok(dir)
}

/// The files every package has besides `lib/*.so*`, below its top folder.
const LAYOUT: &[&str] = &[
    "MANIFEST",
    "SHA256SUMS",
    "bin/tv-stick",
    "etc/init.d/wasp-tv-stick",
    "etc/wasp/tv-stick.conf",
    "install.sh",
    "lib/systemd/system/wasp-tv-stick.service",
    "share/wasp/wasp-tv.wasm",
];

/// The tarball holds one top folder `<base>/` with exactly the files of [`LAYOUT`]
/// and libraries `lib/*.so*`, none of them glibc's.
fn layout(tarball: &Path, base: &str) -> Result<String, String> {
    let listing = stdout_of(Command::new("tar").arg("-tzf").arg(tarball), "tar -t")?;
    let prefix = format!("{base}/");
    let mut libraries = 0;
    let mut seen = Vec::new();
    for entry in listing.lines().filter(|e| !e.ends_with('/')) {
        let Some(file) = entry.strip_prefix(&prefix) else {
            return Err(format!("{entry} is outside {prefix}"));
        };
        let library = file
            .strip_prefix("lib/")
            .filter(|l| !l.contains('/') && l.contains(".so"));
        match library {
            Some(soname) if is_glibc(soname) => return Err(format!("{file} is glibc's")),
            Some(_) => libraries += 1,
            None if LAYOUT.contains(&file) => seen.push(file),
            None => return Err(format!("{file} is not in the layout")),
        }
    }
    if let Some(missing) = LAYOUT.iter().find(|f| !seen.contains(f)) {
        return Err(format!("{missing} is missing"));
    }
    if libraries == 0 {
        return Err("no library in lib/".into());
    }
    Ok(format!(
        "{} files and {libraries} libraries under {prefix}",
        LAYOUT.len()
    ))
}

/// Unpacks `tarball` into `into`; the package's top folder.
fn unpack(tarball: &Path, into: &Path) -> Result<PathBuf, String> {
    stdout_of(
        Command::new("tar")
            .arg("-xzf")
            .arg(tarball)
            .arg("-C")
            .arg(into),
        "tar -x",
    )?;
    let name = tarball
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".tar.gz"))
        .unwrap_or_default();
    Ok(into.join(name))
}

/// The files `install.sh --init <init>` must have put under `root` for a package
/// with `libraries`.
fn expected_install(libraries: &[String], init: &str) -> Vec<String> {
    let mut files: Vec<String> = [
        "usr/bin/tv-stick",
        "usr/share/wasp/wasp-tv.wasm",
        "etc/wasp/tv-stick.conf",
    ]
    .iter()
    .map(|f| f.to_string())
    .collect();
    files.extend(libraries.iter().map(|l| format!("usr/lib/wasp/{l}")));
    match init {
        "sysv" => files.extend([
            "etc/init.d/S90wasp-tv-stick".to_string(),
            "etc/init.d/wasp-tv-stick".to_string(),
        ]),
        "systemd" => files.push("lib/systemd/system/wasp-tv-stick.service".into()),
        _ => {}
    }
    files.sort();
    files
}

/// Installs the package unpacked at `package` into the new root `dest` with
/// `--init <init>`: install.sh exits 0, exactly the expected files are there
/// (besides the state folder) with the package's contents, and the
/// configuration's paths name installed files.
fn install(package: &Path, dest: &Path, init: &str) -> Result<String, String> {
    let (code, text) = sh(
        &package.join("install.sh"),
        &["--root", &dest.display().to_string(), "--init", init],
        &[],
    )?;
    if code != Some(0) {
        return Err(format!("install.sh: exit {code:?}\n{text}"));
    }
    let libraries: Vec<String> = files_under(&package.join("lib"))?
        .into_iter()
        .filter(|f| !f.starts_with("systemd/"))
        .collect();
    let want = expected_install(&libraries, init);
    let got = files_under(dest)?;
    if got != want {
        return Err(format!(
            "installed files differ:\n got {got:?}\nwant {want:?}"
        ));
    }
    if !dest.join("var/lib/wasp/media").is_dir() {
        return Err("var/lib/wasp/media was not created".into());
    }
    let same = |installed: &str, packaged: &str| -> Result<(), String> {
        let read = |p: &Path| std::fs::read(p).map_err(io(p));
        if read(&dest.join(installed))? == read(&package.join(packaged))? {
            Ok(())
        } else {
            Err(format!("{installed} is not the package's {packaged}"))
        }
    };
    same("usr/bin/tv-stick", "bin/tv-stick")?;
    same("usr/share/wasp/wasp-tv.wasm", "share/wasp/wasp-tv.wasm")?;
    for library in &libraries {
        same(
            &format!("usr/lib/wasp/{library}"),
            &format!("lib/{library}"),
        )?;
    }
    config_paths_installed(dest)?;
    Ok(format!(
        "{} files under {} (init {init}, shell {})",
        got.len(),
        dest.display(),
        shell().join(" ")
    ))
}

/// The installed configuration's `module` is the installed module, and the
/// folders of `kv` and `file-root` exist.
fn config_paths_installed(dest: &Path) -> Result<(), String> {
    let conf = dest.join("etc/wasp/tv-stick.conf");
    let text = std::fs::read_to_string(&conf).map_err(io(&conf))?;
    let value = |key: &str| -> Result<String, String> {
        text.lines()
            .filter_map(|l| l.split_once('='))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim().to_string())
            .ok_or_else(|| format!("tv-stick.conf has no `{key}`"))
    };
    let inside = |path: &str| dest.join(path.trim_start_matches('/'));
    let module = value("module")?;
    if !inside(&module).is_file() {
        return Err(format!("tv-stick.conf: module = {module} is not installed"));
    }
    for key in ["kv", "file-root"] {
        let path = value(key)?;
        let dir = if key == "kv" {
            inside(&path)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        } else {
            inside(&path)
        };
        if !dir.is_dir() {
            return Err(format!(
                "tv-stick.conf: {key} = {path}: no such folder installed"
            ));
        }
    }
    Ok(())
}

/// The installed firmware plays the CMAF sample headless on the virtual clock with
/// the installed module (on ARM under qemu-user, `-L` the cross glibc only: every
/// other library comes from the installed `usr/lib/wasp`); its frame log equals
/// the golden.
fn plays(target: &Target, dest: &Path) -> Result<String, String> {
    let program = cross::tv_stick()?;
    let exe = dest.join("usr/bin/tv-stick");
    let mut cmd = target.command(&exe, None);
    let output = |file: &str| dest.join(format!("tv-stick.{file}"));
    let module = |_: &str| dest.join("usr/share/wasp/wasp-tv.wasm");
    cmd.args(cross::arguments(program.args, &output, &module));
    let started = Instant::now();
    let ran = cross::output(&mut cmd, &exe.display().to_string())?;
    let stderr = String::from_utf8_lossy(&ran.stderr);
    if ran.status.code() != Some(0) {
        return Err(format!("{}\n{stderr}", ran.status));
    }
    if let Some(want) = program
        .expect
        .iter()
        .find(|want| !stderr.lines().any(|l| l.contains(*want)))
    {
        return Err(format!("no line contains `{want}`\n{stderr}"));
    }
    for (file, golden) in program.goldens {
        cross::same_file(&output(file), &root().join(golden))?;
    }
    Ok(format!(
        "{} equal to the golden, in {:.1} s",
        program
            .goldens
            .iter()
            .map(|(f, _)| *f)
            .collect::<Vec<_>>()
            .join(", "),
        started.elapsed().as_secs_f64()
    ))
}

/// A file of the package changed after it was made: install.sh exits 1, names
/// the file and installs nothing.
fn tampered_is_refused(tarball: &Path) -> Result<String, String> {
    let dir = scratch("tampered")?;
    let package = unpack(tarball, &dir)?;
    let module = package.join("share/wasp/wasp-tv.wasm");
    let mut bytes = std::fs::read(&module).map_err(io(&module))?;
    if let Some(b) = bytes.last_mut() {
        *b ^= 1;
    }
    std::fs::write(&module, bytes).map_err(io(&module))?;
    let dest = dir.join("root");
    std::fs::create_dir_all(&dest).map_err(io(&dest))?;
    let (code, text) = sh(
        &package.join("install.sh"),
        &["--root", &dest.display().to_string(), "--init", "sysv"],
        &[],
    )?;
    let installed = files_under(&dest)?;
    if code != Some(1) {
        return Err(format!("install.sh: exit {code:?}, not 1\n{text}"));
    }
    if !text.contains("share/wasp/wasp-tv.wasm") || !text.contains("nothing installed") {
        return Err(format!(
            "install.sh does not name the file and the refusal:\n{text}"
        ));
    }
    if !installed.is_empty()
        || std::fs::read_dir(&dest)
            .map_err(io(&dest))?
            .next()
            .is_some()
    {
        return Err(format!("install.sh installed {installed:?}"));
    }
    Ok(format!(
        "exit 1, nothing installed: {}",
        text.lines().last().unwrap_or_default()
    ))
}

/// Installing again over a root whose configuration was edited keeps the edit.
fn keeps_configuration(package: &Path, dest: &Path) -> Result<String, String> {
    let conf = dest.join("etc/wasp/tv-stick.conf");
    let mut edited = std::fs::read_to_string(&conf).map_err(io(&conf))?;
    edited.push_str("# edited on the device\n");
    std::fs::write(&conf, &edited).map_err(io(&conf))?;
    let (code, text) = sh(
        &package.join("install.sh"),
        &["--root", &dest.display().to_string(), "--init", "sysv"],
        &[],
    )?;
    if code != Some(0) {
        return Err(format!("install.sh: exit {code:?}\n{text}"));
    }
    if std::fs::read_to_string(&conf).map_err(io(&conf))? != edited {
        return Err("the edited tv-stick.conf was replaced".into());
    }
    Ok("the edited tv-stick.conf is kept".into())
}

/// A check's name and result.
type NamedCheck = (String, Result<String, String>);

/// Polls `done` every 50 ms for up to `limit`; whether it became true.
fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    done()
}

/// The init script's supervision, on a stand-in firmware that records each start
/// and exits with the status written to a file: a killed player is started again
/// after 2 s, an exit 2 is not restarted, `stop` ends supervisor and player.
fn init_script(script: &Path) -> Result<Vec<NamedCheck>, String> {
    let dir = scratch("init")?;
    let starts = dir.join("starts");
    let exit = dir.join("exit");
    let daemon = dir.join("tv-stick");
    std::fs::write(
        &daemon,
        format!(
            "#!/bin/sh\necho $$ >> '{starts}'\nwhile [ ! -e '{exit}' ]; do sleep 0.05; done\n\
             code=$(cat '{exit}'); rm -f '{exit}'; exit \"$code\"\n",
            starts = starts.display(),
            exit = exit.display()
        ),
    )
    .map_err(io(&daemon))?;
    set_mode(&daemon, 0o755)?;
    let defaults = dir.join("defaults");
    std::fs::write(
        &defaults,
        format!(
            "DAEMON='{}'\nCONFIG=/dev/null\nPIDFILE='{}/run/wasp-tv-stick.pid'\nLOGFILE='{}/log'\n",
            daemon.display(),
            dir.display(),
            dir.display()
        ),
    )
    .map_err(io(&defaults))?;
    let env = [("WASP_TV_STICK_DEFAULTS", defaults.as_path())];
    let init = |verb: &str| sh(script, &[verb], &env);
    let pids = || -> Vec<String> {
        std::fs::read_to_string(&starts)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    };
    let alive = |pid: &str| {
        Command::new("kill")
            .args(["-0", pid])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let log = || std::fs::read_to_string(dir.join("log")).unwrap_or_default();
    let mut results = Vec::new();

    // A killed player is started again, 2 s later.
    let respawn = (|| -> Result<String, String> {
        let (code, text) = init("start")?;
        if code != Some(0) || !wait_for(Duration::from_secs(5), || pids().len() == 1) {
            return Err(format!("start: exit {code:?}, starts {:?}\n{text}", pids()));
        }
        let (code, text) = init("status")?;
        if code != Some(0) || !text.contains("is running") {
            return Err(format!("status while running: exit {code:?}: {text}"));
        }
        let first = pids().first().cloned().unwrap_or_default();
        let killed = Instant::now();
        stdout_of(Command::new("kill").args(["-9", &first]), "kill")?;
        if !wait_for(Duration::from_secs(6), || pids().len() == 2) {
            return Err(format!("not started again within 6 s\n{}", log()));
        }
        let after = killed.elapsed().as_secs_f64();
        if after < 1.9 {
            return Err(format!("started again after {after:.2} s, not 2 s"));
        }
        Ok(format!("started again {after:.1} s after kill -9"))
    })();
    results.push((
        "init: a killed tv-stick is restarted after 2 s".into(),
        respawn,
    ));

    // Exit 2 (a configuration error) ends the supervision.
    let config_error = (|| -> Result<String, String> {
        std::fs::write(&exit, "2").map_err(io(&exit))?;
        let stopped = wait_for(Duration::from_secs(5), || {
            init("status").is_ok_and(|(code, _)| code == Some(3))
        });
        if !stopped {
            return Err(format!("still supervised after exit 2\n{}", log()));
        }
        std::thread::sleep(Duration::from_secs(3));
        if pids().len() != 2 {
            return Err(format!("started again after exit 2: {:?}", pids()));
        }
        Ok("not restarted within 3 s; status: not running (3)".into())
    })();
    results.push(("init: exit 2 is not restarted".into(), config_error));

    // stop ends both processes.
    let stop = (|| -> Result<String, String> {
        let (code, text) = init("start")?;
        if code != Some(0) || !wait_for(Duration::from_secs(5), || pids().len() == 3) {
            return Err(format!("start: exit {code:?}\n{text}"));
        }
        let player = pids().get(2).cloned().unwrap_or_default();
        let (code, text) = init("stop")?;
        if code != Some(0) {
            return Err(format!("stop: exit {code:?}\n{text}"));
        }
        if alive(&player) {
            return Err(format!("tv-stick {player} still runs after stop"));
        }
        let (code, text) = init("status")?;
        if code != Some(3) {
            return Err(format!("status after stop: exit {code:?}: {text}"));
        }
        Ok("supervisor and tv-stick ended; status: not running (3)".into())
    })();
    results.push(("init: stop ends the supervisor and tv-stick".into(), stop));
    Ok(results)
}

/// The package checks of `cargo xtask cross` (libwasp built for every target, the
/// modules built): each architecture's package is built, installed into a fresh
/// root and played; x86_64's also for reproducibility, refusal of a changed
/// file, an edited configuration kept, the systemd flavour and the init script.
pub(crate) fn checks(checks: &mut Checks) -> Result<(), String> {
    let out = root().join("target/package");
    let mut sizes = Vec::new();
    for target in std::iter::once(&HOST).chain(CROSS) {
        let name = format!("package/{}", target.name);
        let built = match build(target, &out) {
            Ok(built) => built,
            Err(e) => {
                checks.record(&format!("{name}: builds"), Err(e));
                continue;
            }
        };
        let tar_len = std::fs::metadata(&built.tarball)
            .map_err(io(&built.tarball))?
            .len();
        checks.record(
            &format!("{name}: builds"),
            Ok(format!(
                "{} ({tar_len} bytes, {} libraries)",
                built.tarball.display(),
                built.libraries
            )),
        );
        sizes.push((target.name, tar_len, built.sizes, built.libraries));
        let base = format!("{NAME}-{}-{}", env!("CARGO_PKG_VERSION"), target.name);
        checks.record(
            &format!("{name}: the layout"),
            layout(&built.tarball, &base),
        );
        let dir = scratch(target.name)?;
        let package = unpack(&built.tarball, &dir)?;
        let dest = dir.join("root");
        let installed = install(&package, &dest, "sysv");
        let ok = installed.is_ok();
        checks.record(&format!("{name}: install.sh --init sysv"), installed);
        if ok {
            let runner = target.qemu.unwrap_or("natively");
            checks.record(
                &format!("{name}: the installed tv-stick plays CMAF ({runner})"),
                plays(target, &dest),
            );
        }
        if target.qemu.is_some() {
            continue;
        }
        let again = scratch("again")?;
        checks.record(
            &format!("{name}: reproducible (two builds, one sha256)"),
            build(target, &again).and_then(|second| {
                if second.sha256.split_whitespace().next() == built.sha256.split_whitespace().next()
                {
                    Ok(built.sha256.trim().to_string())
                } else {
                    Err(format!(
                        "{} then {}",
                        built.sha256.trim(),
                        second.sha256.trim()
                    ))
                }
            }),
        );
        checks.record(
            &format!("{name}: a changed file makes install.sh refuse"),
            tampered_is_refused(&built.tarball),
        );
        if ok {
            checks.record(
                &format!("{name}: install.sh keeps an existing configuration"),
                keeps_configuration(&package, &dest),
            );
        }
        let systemd = dir.join("root-systemd");
        checks.record(
            &format!("{name}: install.sh --init systemd"),
            install(&package, &systemd, "systemd"),
        );
        for (check, result) in init_script(&package.join("etc/init.d/wasp-tv-stick"))? {
            checks.record(&format!("{name}: {check}"), result);
        }
    }
    println!("==> TV-stick packages (bytes; `cargo xtask package --arch <arch>`)");
    println!(
        "{:<8} {:>10} {:>10} {:>10} {:>10} {:>5}",
        "arch", "tar.gz", "tv-stick", "lib/", "module", "libs"
    );
    for (arch, tar_len, [firmware, libs, module], count) in sizes {
        println!("{arch:<8} {tar_len:>10} {firmware:>10} {libs:>10} {module:>10} {count:>5}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glibc_and_its_loaders_are_not_carried() {
        for soname in [
            "libc.so.6",
            "libm.so.6",
            "ld-linux-aarch64.so.1",
            "ld-linux-armhf.so.3",
        ] {
            assert!(is_glibc(soname), "{soname}");
        }
        for soname in [
            "libavcodec.so.59",
            "libgcc_s.so.1",
            "libstdc++.so.6",
            "libasound.so.2",
        ] {
            assert!(!is_glibc(soname), "{soname}");
        }
    }

    #[test]
    fn a_sysv_install_has_the_script_and_its_rcs_link_and_no_unit() {
        let files = expected_install(&["libavcodec.so.59".into()], "sysv");
        assert!(files.contains(&"etc/init.d/wasp-tv-stick".to_string()));
        assert!(files.contains(&"etc/init.d/S90wasp-tv-stick".to_string()));
        assert!(files.contains(&"usr/lib/wasp/libavcodec.so.59".to_string()));
        assert!(!files.iter().any(|f| f.contains("systemd")));
        let none = expected_install(&[], "none");
        assert!(!none
            .iter()
            .any(|f| f.contains("init.d") || f.contains("systemd")));
    }

    #[test]
    fn only_known_architectures_are_packaged() {
        assert!(target("aarch64").is_ok());
        assert!(target("armv7").is_ok());
        assert!(target("x86_64").is_ok());
        assert!(matches!(target("mips"), Err(e) if e.contains("x86_64|aarch64|armv7")));
    }
}
