//! Sysroots holding a cross target's libavcodec, for the programs that decode (the
//! TV-stick firmware): Debian's packages for the architecture, downloaded with a
//! private APT configuration and unpacked with `dpkg -x` into
//! `target/cross/sysroot-<arch>` (FINDINGS.md "Cross builds and qemu-user": armhf
//! multiarch fails on this machine's mirror, a folder of our own works for both
//! architectures and leaves the system alone). Made once; reused while its stamp
//! names the same packages.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the programs link (their dependencies come along); alsa-lib for the
/// packaged firmware's sound output (`package.rs`).
const PACKAGES: &[&str] = &["libavcodec-dev", "libavutil-dev", "libasound2-dev"];

/// Left out of the sysroot: glibc's headers and crt files come from the cross
/// compiler's packages (FINDINGS.md: mixing them breaks the build).
const SKIP: &[&str] = &[
    "libc6-dev",
    "linux-libc-dev",
    "libcrypt-dev",
    "libnsl-dev",
    "libtirpc-dev",
];

/// The mirror and suites of this Debian release (the security suite is left out:
/// its armhf index fails its size check here).
const SOURCES: &str = "\
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-updates main
";

/// The sysroot for Debian architecture `arch` (`arm64`, `armhf`) under `dir`, made
/// when missing or stale.
pub fn prepare(dir: &Path, arch: &str) -> Result<PathBuf, String> {
    let sysroot = dir.join(format!("sysroot-{arch}"));
    let stamp = sysroot.join(".wasp-sysroot");
    let want = PACKAGES.join(" ");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == want) {
        return Ok(sysroot);
    }
    let io = |what: &Path, e: std::io::Error| format!("{}: {e}", what.display());
    let apt = Apt::new(dir, arch)?;
    let mut install = vec!["install", "-qq", "-y", "--download-only"];
    install.extend(PACKAGES);
    apt.get(&install)?;

    if sysroot.exists() {
        std::fs::remove_dir_all(&sysroot).map_err(|e| io(&sysroot, e))?;
    }
    std::fs::create_dir_all(&sysroot).map_err(|e| io(&sysroot, e))?;
    let archives = apt.dir.join("cache/archives");
    let mut debs: Vec<PathBuf> = std::fs::read_dir(&archives)
        .map_err(|e| io(&archives, e))?
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "deb"))
        .collect();
    debs.sort();
    for deb in &debs {
        let file = deb.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let package = file.split('_').next().unwrap_or_default();
        if !SKIP.contains(&package) {
            unpack(deb, &sysroot)?;
        }
        // The packages are in the sysroot now: keep the disk for builds.
        std::fs::remove_file(deb).map_err(|e| io(deb, e))?;
    }
    relative_links(&sysroot, &sysroot)?;
    std::fs::write(&stamp, want).map_err(|e| io(&stamp, e))?;
    println!(
        "==> {arch} sysroot: {} packages in {}",
        debs.len(),
        sysroot.display()
    );
    Ok(sysroot)
}

/// Unpacks the files of the Debian package `deb` under `into` (`dpkg -x`: no
/// scripts run, nothing is registered).
pub fn unpack(deb: &Path, into: &Path) -> Result<(), String> {
    let done = Command::new("dpkg")
        .arg("-x")
        .arg(deb)
        .arg(into)
        .output()
        .map_err(|e| format!("dpkg: cannot start: {e}"))?;
    if done.status.success() {
        Ok(())
    } else {
        Err(format!(
            "dpkg -x {}: {}",
            deb.display(),
            String::from_utf8_lossy(&done.stderr)
        ))
    }
}

/// A private APT configuration for one Debian architecture: its own state, cache
/// and sources under `dir/apt-<arch>`, the system's left alone.
pub struct Apt {
    /// The folder holding the configuration, lists and downloaded archives.
    dir: PathBuf,
    /// The configuration file (`APT_CONFIG`).
    config: PathBuf,
    /// Debian's name of the architecture.
    arch: String,
}

impl Apt {
    /// Writes the configuration under `dir` and updates its package lists.
    pub fn new(dir: &Path, arch: &str) -> Result<Apt, String> {
        let io = |what: &Path, e: std::io::Error| format!("{}: {e}", what.display());
        let apt = dir.join(format!("apt-{arch}"));
        for sub in ["state/lists/partial", "cache/archives/partial", "etc/none"] {
            std::fs::create_dir_all(apt.join(sub)).map_err(|e| io(&apt, e))?;
        }
        let status = apt.join("state/status");
        std::fs::write(&status, "").map_err(|e| io(&status, e))?;
        let sources = apt.join("etc/sources.list");
        std::fs::write(&sources, SOURCES).map_err(|e| io(&sources, e))?;
        let none = apt.join("etc/none");
        let config = apt.join("apt.conf");
        let text = format!(
            "APT::Architecture \"{arch}\";\nAPT::Architectures {{ \"{arch}\"; }};\n\
             APT::Install-Recommends \"false\";\nDir::State \"{state}\";\n\
             Dir::State::status \"{status}\";\nDir::Cache \"{cache}\";\n\
             Dir::Etc::SourceList \"{sources}\";\nDir::Etc::SourceParts \"{none}\";\n\
             Dir::Etc::Preferences \"{none}\";\nDir::Etc::PreferencesParts \"{none}\";\n",
            state = apt.join("state").display(),
            status = status.display(),
            cache = apt.join("cache").display(),
            sources = sources.display(),
            none = none.display(),
        );
        std::fs::write(&config, text).map_err(|e| io(&config, e))?;
        let apt = Apt {
            dir: apt,
            config,
            arch: arch.into(),
        };
        apt.get(&["update", "-qq"])?;
        Ok(apt)
    }

    /// A command of APT's (`apt-get`, `apt-cache`) under this configuration.
    pub fn command(&self, tool: &str) -> Command {
        let mut cmd = Command::new(tool);
        cmd.env("APT_CONFIG", &self.config);
        cmd
    }

    /// Runs `apt-get` with `args`.
    pub fn get(&self, args: &[&str]) -> Result<(), String> {
        crate::run(
            &format!("{} packages: apt-get {}", self.arch, args.join(" ")),
            self.command("apt-get").args(args),
        )
    }
}

/// Rewrites absolute symbolic links under `dir` to point inside `sysroot` (a
/// package's `/usr/lib/x/libz.so -> /lib/x/libz.so.1` would name the host's file).
fn relative_links(sysroot: &Path, dir: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            relative_links(sysroot, &path)?;
        } else if kind.is_symlink() {
            let Ok(to) = std::fs::read_link(&path) else {
                continue;
            };
            let Ok(inside) = to.strip_prefix("/") else {
                continue;
            };
            let depth = dir
                .strip_prefix(sysroot)
                .map_or(0, |d| d.components().count());
            let mut relative = PathBuf::new();
            for _ in 0..depth {
                relative.push("..");
            }
            relative.push(inside);
            std::fs::remove_file(&path)
                .and_then(|()| std::os::unix::fs::symlink(&relative, &path))
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}
