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

use crate::cross::{self, Target, CROSS, HOST};
use crate::root;

mod checks;

pub(crate) use checks::checks;

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
    fn only_known_architectures_are_packaged() {
        assert!(target("aarch64").is_ok());
        assert!(target("armv7").is_ok());
        assert!(target("x86_64").is_ok());
        assert!(matches!(target("mips"), Err(e) if e.contains("x86_64|aarch64|armv7")));
    }
}
