//! One boot of the TV stick under `qemu-system-aarch64`: the serial console read
//! line by line on a thread, the human monitor on a unix socket, shell commands
//! typed on the console. Every wait has a timeout, and dropping the [`Vm`] kills
//! QEMU.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The files a boot uses.
pub struct Boot<'a> {
    /// The kernel (`-kernel`).
    pub kernel: &'a Path,
    /// The initramfs (`-initrd`).
    pub initrd: &'a Path,
    /// The persistent disk (raw ext4 image, `/dev/vda`).
    pub disk: &'a Path,
    /// Where the monitor socket, the WAV and the console log go.
    pub dir: &'a Path,
    /// Name of this boot: the files are `<name>.wav`, `<name>.console`.
    pub name: &'a str,
}

/// A console line and when it arrived.
#[derive(Clone, Debug)]
pub struct Line {
    /// Time since QEMU started.
    pub at: Duration,
    /// The text, without its line end.
    pub text: String,
}

/// A running QEMU.
pub struct Vm {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Arc<Mutex<Vec<Line>>>,
    monitor: UnixStream,
    /// The next console line [`Vm::wait`] looks at.
    cursor: usize,
}

/// The display mode of the emulated stick: virtio-gpu's preferred mode, which the
/// firmware takes as its size.
pub const WIDTH: u32 = 640;
/// See [`WIDTH`].
pub const HEIGHT: u32 = 360;

impl Vm {
    /// Starts QEMU with FINDINGS.md's command line plus the disk.
    pub fn boot(boot: &Boot) -> Result<Vm, String> {
        let socket = boot.dir.join(format!("{}.monitor", boot.name));
        let wav = boot.dir.join(format!("{}.wav", boot.name));
        let _ = std::fs::remove_file(&socket);
        let _ = std::fs::remove_file(&wav);
        let mut cmd = Command::new("qemu-system-aarch64");
        cmd.args([
            "-M",
            "virt",
            "-cpu",
            "cortex-a53",
            "-m",
            "1024",
            "-smp",
            "1",
        ])
        .args(["-nographic", "-no-reboot"])
        .arg("-kernel")
        .arg(boot.kernel)
        .arg("-initrd")
        .arg(boot.initrd)
        .args([
            "-append",
            "console=ttyAMA0 panic=-1 quiet loglevel=4",
            "-device",
            &format!("virtio-gpu-pci,xres={WIDTH},yres={HEIGHT}"),
            "-device",
            "virtio-keyboard-pci",
            "-device",
            "qemu-xhci",
            "-device",
            "usb-audio,audiodev=snd0",
            "-audiodev",
        ])
        .arg(format!(
            "wav,id=snd0,path={},out.frequency=48000,out.channels=2,out.format=s16",
            wav.display()
        ))
        .arg("-drive")
        .arg(format!("file={},if=virtio,format=raw", boot.disk.display()))
        .arg("-monitor")
        .arg(format!("unix:{},server,nowait", socket.display()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("qemu-system-aarch64: cannot start: {e}"))?;
        let stdin = child.stdin.take();
        let lines = Arc::new(Mutex::new(Vec::new()));
        if let Some(stdout) = child.stdout.take() {
            let (lines, log) = (
                lines.clone(),
                boot.dir.join(format!("{}.console", boot.name)),
            );
            std::thread::spawn(move || read_console(stdout, &lines, started, &log));
        }
        let mut monitor = None;
        while monitor.is_none() && started.elapsed() < Duration::from_secs(10) {
            monitor = UnixStream::connect(&socket).ok();
            if monitor.is_none() {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let Some(monitor) = monitor else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("no QEMU monitor on {}", socket.display()));
        };
        let mut vm = Vm {
            child,
            stdin,
            lines,
            monitor,
            cursor: 0,
        };
        vm.monitor
            .set_read_timeout(Some(Duration::from_secs(20)))
            .map_err(|e| e.to_string())?;
        vm.prompt()?;
        Ok(vm)
    }

    /// Reads the monitor until its `(qemu) ` prompt; what came before it.
    fn prompt(&mut self) -> Result<String, String> {
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while !got.ends_with(b"(qemu) ") {
            let n = self
                .monitor
                .read(&mut buf)
                .map_err(|e| format!("QEMU monitor: {e}"))?;
            if n == 0 {
                return Err("QEMU monitor closed".into());
            }
            got.extend_from_slice(buf.get(..n).unwrap_or_default());
        }
        Ok(String::from_utf8_lossy(&got).into_owned())
    }

    /// Runs a monitor command (`stop`, `cont`, `sendkey spc`, `screendump F`) and
    /// waits for its prompt.
    pub fn monitor(&mut self, command: &str) -> Result<String, String> {
        self.monitor
            .write_all(format!("{command}\n").as_bytes())
            .map_err(|e| format!("QEMU monitor: {command}: {e}"))?;
        self.prompt()
    }

    /// Freezes the VM, writes the screen to `path` (PPM), lets it run again.
    pub fn screendump(&mut self, path: &Path) -> Result<(), String> {
        let _ = std::fs::remove_file(path);
        self.monitor("stop")?;
        let out = self.monitor(&format!("screendump {}", path.display()));
        self.monitor("cont")?;
        out?;
        if path.exists() {
            Ok(())
        } else {
            Err(format!("screendump wrote no {}", path.display()))
        }
    }

    /// Writes the persistent disk has completed (`info blockstats`, `wr_operations`).
    pub fn disk_writes(&mut self) -> Result<u64, String> {
        let stats = self.monitor("info blockstats")?;
        stats
            .split_whitespace()
            .find_map(|w| w.strip_prefix("wr_operations=")?.parse().ok())
            .ok_or_else(|| format!("no wr_operations in `info blockstats`: {stats}"))
    }

    /// Waits until the disk has had no write for `quiet` (at most `timeout`); the
    /// number of writes then.
    pub fn disk_settled(&mut self, quiet: Duration, timeout: Duration) -> Result<u64, String> {
        let until = Instant::now() + timeout;
        let (mut last, mut since) = (self.disk_writes()?, Instant::now());
        while since.elapsed() < quiet {
            if Instant::now() >= until {
                return Err(format!(
                    "the disk was still written after {}",
                    timeout.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
            let now = self.disk_writes()?;
            if now != last {
                (last, since) = (now, Instant::now());
            }
        }
        Ok(last)
    }

    /// Freezes the VM as soon as the disk has completed `count` writes more than
    /// `base` (polling the monitor: the guest runs far slower than the poll).
    pub fn stop_after_writes(
        &mut self,
        base: u64,
        count: u64,
        timeout: Duration,
    ) -> Result<u64, String> {
        let until = Instant::now() + timeout;
        loop {
            let now = self.disk_writes()?;
            if now >= base + count {
                self.monitor("stop")?;
                return Ok(now - base);
            }
            if Instant::now() >= until {
                return Err(format!(
                    "{} of {count} disk writes within {} s",
                    now - base,
                    timeout.as_secs()
                ));
            }
        }
    }

    /// Types a command on the console's shell.
    pub fn shell(&mut self, command: &str) -> Result<(), String> {
        let stdin = self.stdin.as_mut().ok_or("no console input")?;
        stdin
            .write_all(format!("{command}\n").as_bytes())
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("console: {e}"))
    }

    /// Waits up to `timeout` for a console line from the cursor on that `matches`
    /// accepts; moves the cursor past it.
    pub fn wait<T>(
        &mut self,
        what: &str,
        timeout: Duration,
        matches: impl Fn(&str) -> Option<T>,
    ) -> Result<(Line, T), String> {
        let until = Instant::now() + timeout;
        loop {
            {
                let lines = self.lines.lock().map_err(|_| "console reader failed")?;
                for (i, line) in lines.iter().enumerate().skip(self.cursor) {
                    if let Some(found) = matches(&line.text) {
                        self.cursor = i + 1;
                        return Ok((line.clone(), found));
                    }
                }
                self.cursor = self.cursor.max(lines.len());
            }
            if Instant::now() >= until {
                return Err(format!(
                    "no console line {what} within {:.0} s",
                    timeout.as_secs_f64()
                ));
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("QEMU ended ({status}) before a line {what}"));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Where [`Vm::wait`] looks next: the index of a console line.
    pub fn position(&self) -> usize {
        self.cursor
    }

    /// The console lines from `from` on.
    pub fn lines_from(&self, from: usize) -> Vec<Line> {
        self.lines
            .lock()
            .map(|l| l.get(from..).unwrap_or_default().to_vec())
            .unwrap_or_default()
    }

    /// Quits QEMU through the monitor (the guest gets no warning: a power cut) and
    /// waits for it to end.
    pub fn quit(mut self) -> Result<(), String> {
        let _ = self.monitor.write_all(b"quit\n").map_err(|e| e.to_string());
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Err("QEMU did not quit within 10 s".into())
    }
}

impl Drop for Vm {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Collects console lines (without `\r`) until QEMU closes its output, and copies
/// them to `log`.
fn read_console(out: impl Read, lines: &Mutex<Vec<Line>>, started: Instant, log: &Path) {
    let mut file = std::fs::File::create(log).ok();
    let mut reader = BufReader::new(out);
    let mut raw = Vec::new();
    while reader.read_until(b'\n', &mut raw).is_ok_and(|n| n > 0) {
        let text = String::from_utf8_lossy(&raw)
            .trim_end_matches(['\r', '\n'])
            .to_string();
        if let Some(f) = file.as_mut() {
            let _ = writeln!(f, "{text}");
        }
        if let Ok(mut lines) = lines.lock() {
            lines.push(Line {
                at: started.elapsed(),
                text,
            });
        }
        raw.clear();
    }
}
