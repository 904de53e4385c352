//! The package's checks, a part of `cargo xtask cross`: its layout, an install into
//! a fresh root, the installed firmware playing the CMAF sample, reproducibility,
//! refusal of a tampered package, kept configuration, and the init script's
//! supervision.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::{build, files_under, io, is_glibc, set_mode, stdout_of, NAME};
use crate::cross::{self, Checks, Target, CROSS, HOST};
use crate::root;

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
}
