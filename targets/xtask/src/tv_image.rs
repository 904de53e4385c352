//! `cargo xtask tv-image`: a bootable image of the TV stick for
//! `qemu-system-aarch64 -M virt` (FINDINGS.md "A whole TV stick under
//! qemu-system-aarch64"): Debian's arm64 kernel (the version `linux-image-arm64`
//! names when the image is made, not a pinned one), an uncompressed initramfs with
//! static busybox, the kernel modules of virtio-gpu, virtio input, evdev, USB audio,
//! virtio-blk and ext4 in dependency order, glibc, and the TV-stick package installed
//! by its own `install.sh --init sysv`, as a device team installs it. `/init` loads
//! the modules, mounts the persistent disk (`/dev/vda`, ext4) on `/var/lib/wasp`,
//! starts the package's init script and logs each step on the serial console.
//!
//! The image is made under `target/tv-image` and reused while its stamp names the
//! same package, sample and `/init`; the Debian packages are downloaded with the
//! private APT configuration of `sysroot.rs` (no cpio, kmod or root needed: the
//! archive is written here, module dependencies are read from the modules).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::sysroot::{unpack, Apt};

/// The Debian package whose dependency names the current arm64 kernel.
const KERNEL_META: &str = "linux-image-arm64";

/// The other Debian packages of the image: busybox (the shell and tools of
/// `/init`), glibc (the package does not bundle it), and alsa-lib's configuration
/// (`/usr/share/alsa`, read by the PCM names of `tv-stick.conf`).
const PACKAGES: &[&str] = &["busybox-static", "libc6", "libasound2-data"];

/// The kernel modules `/init` loads: these and what they depend on, in dependency
/// order (FINDINGS.md's list, plus the persistent disk's).
const MODULES: &[&str] = &[
    "virtio_pci",
    "virtio_input",
    "evdev",
    "virtio-gpu",
    "xhci-pci",
    "snd-usb-audio",
    "virtio_blk",
    "crc32c_generic",
    "ext4",
];

/// The sample stream on the image (`targets/emulator/samples/<SAMPLE>`): CMAF, whose
/// lowest rung (256x144) decodes quickly under software emulation.
pub const SAMPLE: &str = "cmaf";

/// Where the sample is on the image.
pub const MEDIA: &str = "/usr/share/wasp/media";

/// Settings the image appends to the package's `/etc/wasp/tv-stick.conf`: the
/// sample stream (lowest rung), and the picture and composition logs on the serial
/// console (one framemd5 line per decoded picture, one md5 per composed screen).
fn image_settings() -> String {
    format!(
        "\n# cargo xtask tv-image: the sample on the image, logs on the serial console\n\
         url = file://{MEDIA}/{SAMPLE}/master.m3u8\n\
         file-root = {MEDIA}/{SAMPLE}\n\
         frame-log = /dev/console\n\
         screen-log = /dev/console\n\
         set = max_bitrate=140000\n"
    )
}

/// `/etc/default/wasp-tv-stick` of the image: the package's init script logs to
/// the serial console.
const DEFAULTS: &str = "LOGFILE=/dev/console\n";

/// The image's `/init` (busybox sh). Lines starting `tv-image:` are its log.
const INIT: &str = r#"#!/bin/busybox sh
# /init of the wasp TV-stick test image (cargo xtask tv-image).
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp /run /var/lib/wasp
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
exec </dev/console >/dev/console 2>&1
log() { echo "tv-image: $* at $(cut -d' ' -f1 /proc/uptime) s"; }
log "kernel $(uname -r)"
while read -r m; do
  insmod "/lib/modules/$m.ko" || log "insmod $m failed"
done </lib/modules/load-order
for dev in /dev/dri/card0 /dev/input/event0 /dev/vda /dev/snd/controlC0; do
  n=0
  while [ ! -e "$dev" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
  [ -e "$dev" ] || log "$dev did not appear"
done
log "modules loaded"
if mount -t ext4 /dev/vda /var/lib/wasp; then log "disk mounted"; else log "disk NOT mounted"; fi
/etc/init.d/wasp-tv-stick start
log "started"
while :; do setsid cttyhack sh; done
"#;

/// The image's files: the kernel and the initramfs for QEMU's `-kernel` and `-initrd`.
pub struct Image {
    /// The kernel (`vmlinuz`).
    pub kernel: PathBuf,
    /// The initramfs (an uncompressed newc cpio archive: nothing to inflate under
    /// emulation).
    pub initrd: PathBuf,
}

/// The command: makes the image (or finds it made) and prints its files.
pub fn tv_image() -> Result<(), String> {
    let image = build()?;
    println!(
        "==> tv-image: {} and {}",
        image.kernel.display(),
        image.initrd.display()
    );
    Ok(())
}

/// `cargo xtask tv-system`: makes the image, then boots it under the harness
/// (`hardware-tests/tv-system`), which prints PASS or FAIL per check; `extra` goes to
/// the harness.
pub fn tv_system(extra: &[String]) -> Result<(), String> {
    let image = build()?;
    let target = crate::cross::target_dir();
    // The x86_64 reference firmware links the host's libwasp.
    crate::run(
        "libwasp for the host (release)",
        crate::cargo().args(["build", "--release", "-p", "wasp-capi", "--lib"]),
    )?;
    let work = target.join("tv-system");
    crate::run(
        "tv-system: the TV stick under qemu-system-aarch64",
        crate::cargo()
            .args(["run", "--quiet", "--release", "-p", "wasp-tv-system", "--"])
            .arg("--kernel")
            .arg(&image.kernel)
            .arg("--initrd")
            .arg(&image.initrd)
            .arg("--work")
            .arg(&work)
            .arg("--samples")
            .arg(crate::root().join("targets/emulator/samples").join(SAMPLE))
            .arg("--libwasp")
            .arg(target.join("release/libwasp.a"))
            .arg("--golden")
            .arg(crate::root().join(format!(
                "targets/emulator/samples/goldens/{SAMPLE}_v0.framemd5"
            )))
            .args(extra),
    )
}

/// Makes the image under `target/tv-image` unless its stamp is current.
pub fn build() -> Result<Image, String> {
    let dir = crate::cross::target_dir().join("tv-image");
    let image = Image {
        kernel: dir.join("vmlinuz"),
        initrd: dir.join("initrd.cpio"),
    };
    let tarball = package()?;
    let stamp = dir.join("stamp");
    let want = stamp_text(&tarball)?;
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == want)
        && image.kernel.exists()
        && image.initrd.exists()
    {
        return Ok(image);
    }
    let started = std::time::Instant::now();
    println!("==> tv-image: making the image in {}", dir.display());
    let apt = Apt::new(&dir, "arm64")?;
    let kernel_package = resolve_kernel(&apt)?;
    let debs = dir.join("debs");
    remake(&debs)?;
    let mut names = vec![kernel_package.as_str()];
    names.extend(PACKAGES);
    let mut download = vec!["download", "-qq"];
    download.extend(&names);
    crate::run(
        &format!("download {}", names.join(" ")),
        apt.command("apt-get").current_dir(&debs).args(&download),
    )?;
    let unpacked = dir.join("unpacked");
    remake(&unpacked)?;
    for deb in read_dir(&debs)? {
        unpack(&deb, &unpacked)?;
    }

    let rootfs = dir.join("rootfs");
    remake(&rootfs)?;
    let modules = rootfs.join("lib/modules");
    std::fs::create_dir_all(&modules).map_err(|e| io(&modules, e))?;
    let release = kernel_modules(&unpacked, &modules)?;
    copy_tree(&unpacked.join("lib"), &rootfs.join("lib"), &|p: &Path| {
        !p.starts_with("modules")
    })?;
    copy_tree(&unpacked.join("bin"), &rootfs.join("bin"), &|_: &Path| true)?;
    copy_tree(
        &unpacked.join("usr/share/alsa"),
        &rootfs.join("usr/share/alsa"),
        &|_: &Path| true,
    )?;
    write(&rootfs.join("init"), INIT)?;
    // alsa-lib's `default` PCM (dmix) wants the `audio` group.
    write(&rootfs.join("etc/passwd"), "root:x:0:0:root:/:/bin/sh\n")?;
    write(&rootfs.join("etc/group"), "root:x:0:\naudio:x:29:\n")?;
    chmod_x(&rootfs.join("init"))?;
    install_package(&dir, &tarball, &rootfs)?;
    write(&rootfs.join("etc/default/wasp-tv-stick"), DEFAULTS)?;
    let conf = rootfs.join("etc/wasp/tv-stick.conf");
    let text = std::fs::read_to_string(&conf).map_err(|e| io(&conf, e))?;
    write(&conf, &(text + &image_settings()))?;
    copy_tree(
        &crate::root().join("targets/emulator/samples").join(SAMPLE),
        &rootfs.join(MEDIA.trim_start_matches('/')).join(SAMPLE),
        &|_: &Path| true,
    )?;

    let vmlinuz = unpacked.join(format!("boot/vmlinuz-{release}"));
    std::fs::copy(&vmlinuz, &image.kernel).map_err(|e| io(&vmlinuz, e))?;
    let mut archive = Vec::new();
    cpio(&rootfs, &rootfs, &mut archive)?;
    cpio_entry(&mut archive, "TRAILER!!!", 0, &[])?;
    write_bytes(&image.initrd, &archive)?;
    // Only the image is kept: the downloads and trees are remade with it.
    for made in [&debs, &unpacked, &rootfs, &dir.join("package")] {
        std::fs::remove_dir_all(made).map_err(|e| io(made, e))?;
    }
    write(&stamp, &want)?;
    println!(
        "==> tv-image: kernel {release} ({kernel_package}), initramfs {:.1} MiB, in {:.1} s",
        archive.len() as f64 / (1024.0 * 1024.0),
        started.elapsed().as_secs_f64()
    );
    Ok(image)
}

/// The TV-stick package for aarch64, made by `cargo xtask package --arch aarch64`
/// (reproducible: an unchanged package keeps its checksum, and the image its stamp).
fn package() -> Result<PathBuf, String> {
    crate::package::package(&["--arch".into(), "aarch64".into()])?;
    let dir = crate::root().join("target/package");
    let newest = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.path().into())
        .filter(|p: &PathBuf| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("wasp-tv-stick-") && n.ends_with("-aarch64.tar.gz"))
        })
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok());
    newest.ok_or_else(|| format!("no wasp-tv-stick-*-aarch64.tar.gz in {}", dir.display()))
}

/// What the image is made of: the package (its checksum file), the sample, `/init`
/// and the settings.
fn stamp_text(tarball: &Path) -> Result<String, String> {
    let name = tarball
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let sums = tarball.with_file_name(format!("{name}.sha256"));
    let sha256 = std::fs::read_to_string(&sums).map_err(|e| io(&sums, e))?;
    Ok(format!(
        "{sha256}\n{SAMPLE}\n{}{INIT}{DEFAULTS}{MODULES:?}{PACKAGES:?}",
        image_settings()
    ))
}

/// The kernel package `linux-image-arm64` depends on now (`linux-image-6.1.0-N-arm64`).
fn resolve_kernel(apt: &Apt) -> Result<String, String> {
    let out = apt
        .command("apt-cache")
        .args(["depends", KERNEL_META])
        .output()
        .map_err(|e| format!("apt-cache: cannot start: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    kernel_dependency(&text).ok_or_else(|| {
        format!(
            "apt-cache depends {KERNEL_META} names no kernel:\n{text}{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The `linux-image-*` package among the `Depends:` lines of `apt-cache depends`.
fn kernel_dependency(text: &str) -> Option<String> {
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("Depends:"))
        .map(str::trim)
        .find(|name| name.starts_with("linux-image-"))
        .map(str::to_string)
}

/// Copies the modules of [`MODULES`] and their dependencies from the unpacked kernel
/// into `into` (flat, `<name>.ko`) and writes `into/load-order`; the kernel release.
fn kernel_modules(unpacked: &Path, into: &Path) -> Result<String, String> {
    let base = unpacked.join("lib/modules");
    let release = read_dir(&base)?
        .into_iter()
        .find_map(|p| Some(p.file_name()?.to_str()?.to_string()))
        .ok_or_else(|| format!("{}: no kernel release", base.display()))?;
    let mut files = BTreeMap::new();
    index_modules(&base.join(&release), &mut files)?;
    let mut order = Vec::new();
    for name in MODULES {
        load_order(name, &files, &mut order, 0)?;
    }
    for (name, path) in &order {
        let to = into.join(format!("{name}.ko"));
        std::fs::copy(path, &to).map_err(|e| io(path, e))?;
    }
    let names: Vec<&str> = order.iter().map(|(n, _)| n.as_str()).collect();
    write(&into.join("load-order"), &(names.join("\n") + "\n"))?;
    Ok(release)
}

/// Every `*.ko` under `dir` by module name (`-` and `_` are the same to the kernel:
/// the index uses `_`).
fn index_modules(dir: &Path, files: &mut BTreeMap<String, PathBuf>) -> Result<(), String> {
    for path in read_dir(dir)? {
        if path.is_dir() {
            index_modules(&path, files)?;
        } else if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
            if let Some(module) = name.strip_suffix(".ko") {
                files.insert(module.replace('-', "_"), path.clone());
            }
        }
    }
    Ok(())
}

/// Appends `name` to `order` after its dependencies (the `depends=` field of the
/// module's `.modinfo` section), each once.
fn load_order(
    name: &str,
    files: &BTreeMap<String, PathBuf>,
    order: &mut Vec<(String, PathBuf)>,
    depth: usize,
) -> Result<(), String> {
    let key = name.replace('-', "_");
    if order.iter().any(|(n, _)| n.replace('-', "_") == key) {
        return Ok(());
    }
    if depth > 32 {
        return Err(format!("module dependencies too deep at {name}"));
    }
    let path = files
        .get(&key)
        .ok_or_else(|| format!("kernel module {name} not found"))?;
    let bytes = std::fs::read(path).map_err(|e| io(path, e))?;
    for dep in depends(&bytes) {
        load_order(&dep, files, order, depth + 1)?;
    }
    let file = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(name)
        .to_string();
    order.push((file, path.clone()));
    Ok(())
}

/// The modules named by the first `depends=` string of a module file (the
/// `.modinfo` section's NUL-terminated `key=value` strings).
fn depends(module: &[u8]) -> Vec<String> {
    const KEY: &[u8] = b"\0depends=";
    let Some(at) = module.windows(KEY.len()).position(|w| w == KEY) else {
        return Vec::new();
    };
    let value = module.get(at + KEY.len()..).unwrap_or_default();
    let value = value.split(|&b| b == 0).next().unwrap_or_default();
    String::from_utf8_lossy(value)
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Unpacks the package tarball and runs its `install.sh --root ROOTFS --init sysv`.
fn install_package(dir: &Path, tarball: &Path, rootfs: &Path) -> Result<(), String> {
    let unpacked = dir.join("package");
    remake(&unpacked)?;
    crate::run(
        "unpack the package",
        Command::new("tar")
            .arg("-xzf")
            .arg(tarball)
            .arg("-C")
            .arg(&unpacked),
    )?;
    let top = read_dir(&unpacked)?
        .into_iter()
        .find(|p| p.is_dir())
        .ok_or_else(|| format!("{}: no folder inside", tarball.display()))?;
    crate::run(
        "install.sh --root ROOTFS --init sysv",
        Command::new("sh")
            .arg(top.join("install.sh"))
            .arg("--root")
            .arg(rootfs)
            .args(["--init", "sysv"]),
    )
}

/// Appends the newc cpio entries of everything under `dir` (sorted; parents before
/// children), named relative to `root`.
fn cpio(root: &Path, dir: &Path, out: &mut Vec<u8>) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    for path in read_dir(dir)? {
        let meta = std::fs::symlink_metadata(&path).map_err(|e| io(&path, e))?;
        let name = path
            .strip_prefix(root)
            .map_err(|_| format!("{}: outside the root", path.display()))?
            .to_string_lossy()
            .into_owned();
        let kind = meta.file_type();
        if kind.is_symlink() {
            let to = std::fs::read_link(&path).map_err(|e| io(&path, e))?;
            let target = to.to_string_lossy().into_owned();
            cpio_entry(out, &name, 0o120777, target.as_bytes())?;
        } else if kind.is_dir() {
            cpio_entry(out, &name, 0o040000 | (meta.mode() & 0o7777), &[])?;
            cpio(root, &path, out)?;
        } else if kind.is_file() {
            let data = std::fs::read(&path).map_err(|e| io(&path, e))?;
            cpio_entry(out, &name, 0o100000 | (meta.mode() & 0o7777), &data)?;
        }
    }
    Ok(())
}

/// One entry of a newc ("070701") cpio archive (the kernel's initramfs format,
/// Documentation/driver-api/early-userspace/buffer-format.rst), owned by root.
fn cpio_entry(out: &mut Vec<u8>, name: &str, mode: u32, data: &[u8]) -> Result<(), String> {
    let size = u32::try_from(data.len()).map_err(|_| format!("{name}: too large for cpio"))?;
    let inode = out.len() as u32; // unique per entry; hard links are not used
    let fields = [
        inode,
        mode,
        0,
        0,
        1,
        0,
        size,
        0,
        0,
        0,
        0,
        name.len() as u32 + 1,
        0,
    ];
    out.extend_from_slice(b"070701");
    for field in fields {
        write!(out, "{field:08X}").map_err(|e| e.to_string())?;
    }
    out.extend_from_slice(name.as_bytes());
    out.push(0);
    pad4(out);
    out.extend_from_slice(data);
    pad4(out);
    Ok(())
}

fn pad4(out: &mut Vec<u8>) {
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
}

/// Copies the files, folders and symbolic links under `from` to `to`, those whose
/// path relative to `from` passes `keep`; a missing `from` copies nothing.
fn copy_tree(from: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<(), String> {
    if !from.exists() {
        return Ok(());
    }
    copy_under(from, from, to, keep)
}

fn copy_under(
    base: &Path,
    from: &Path,
    to: &Path,
    keep: &dyn Fn(&Path) -> bool,
) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| io(to, e))?;
    for path in read_dir(from)? {
        let relative = path.strip_prefix(base).unwrap_or(&path);
        if !keep(relative) {
            continue;
        }
        let Some(name) = path.file_name() else {
            continue;
        };
        let dest = to.join(name);
        let kind = std::fs::symlink_metadata(&path)
            .map_err(|e| io(&path, e))?
            .file_type();
        if kind.is_symlink() {
            let link = std::fs::read_link(&path).map_err(|e| io(&path, e))?;
            let _ = std::fs::remove_file(&dest);
            std::os::unix::fs::symlink(&link, &dest).map_err(|e| io(&dest, e))?;
        } else if kind.is_dir() {
            copy_under(base, &path, &dest, keep)?;
        } else {
            std::fs::copy(&path, &dest).map_err(|e| io(&path, e))?;
        }
    }
    Ok(())
}

/// The entries of `dir`, sorted.
fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(|e| Some(e.ok()?.path()))
        .collect();
    paths.sort();
    Ok(paths)
}

/// `dir`, empty.
fn remake(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))
}

fn chmod_x(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(|e| io(path, e))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    write_bytes(path, text.as_bytes())
}

fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| io(path, e))
}

fn io(path: &Path, e: std::io::Error) -> String {
    format!("{}: {e}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kernel_is_the_dependency_named_linux_image() {
        let text = "linux-image-arm64\n  Depends: linux-image-6.1.0-56-arm64\n";
        assert_eq!(
            kernel_dependency(text),
            Some("linux-image-6.1.0-56-arm64".into())
        );
        assert_eq!(kernel_dependency("linux-image-arm64\n"), None);
    }

    #[test]
    fn module_dependencies_come_from_the_depends_string() {
        let module = b"\x7fELF....\0license=GPL\0depends=jbd2,mbcache,crc16\0intree=Y\0";
        assert_eq!(depends(module), ["jbd2", "mbcache", "crc16"]);
        assert!(depends(b"\0depends=\0name=virtio_blk\0").is_empty());
        assert!(depends(b"no modinfo").is_empty());
    }

    #[test]
    fn a_cpio_entry_is_a_newc_header_name_and_data_each_padded_to_4() {
        let mut out = Vec::new();
        cpio_entry(&mut out, "init", 0o100755, b"#!/bin/sh\n").unwrap();
        assert_eq!(&out[..6], b"070701");
        let header = std::str::from_utf8(&out[6..110]).unwrap();
        let field = |i: usize| u32::from_str_radix(&header[i * 8..i * 8 + 8], 16).unwrap();
        assert_eq!(field(1), 0o100755);
        assert_eq!(field(6), 10, "file size");
        assert_eq!(field(11), 5, "name size with its NUL");
        assert_eq!(&out[110..115], b"init\0");
        assert_eq!(out.len() % 4, 0);
        assert_eq!(&out[116..126], b"#!/bin/sh\n");
        assert_eq!(out.len(), 128);
    }
}
