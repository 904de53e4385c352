//! `wasp-emu play --window` on a real X server (Xvfb): the window opens at the
//! profile's size and shows the video playing in real time. Needs `Xvfb` and `xwd`
//! (`.ci/run` installs them); without them the test fails and says what to install.
//!
//! Keys typed into the window (`xdotool` through XTEST, the pointer over the window,
//! which has the focus on an X server without a window manager) reach the module as
//! remote keys: `wasp-emu` names each on stderr, and Space pauses the picture. A key
//! must be held for a redraw (minifb samples key state once per frame: a tap shorter
//! than a frame of a debug build is missed, as `xdotool key` is).
#![cfg(feature = "window")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::ROOT;
/// The low-end profile's display, and the X screen made to fit it (the window opens
/// at the origin of a screen its own size).
const W: usize = 1280;
const H: usize = 720;
const DISPLAY: &str = ":87";

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tool(name: &str) -> Command {
    let mut c = Command::new(name);
    c.env("DISPLAY", DISPLAY);
    c
}

/// The root window as RGB rows, from `xwd` (ZPixmap, 32 bits per pixel).
fn screenshot() -> Vec<[u8; 3]> {
    let out = tool("xwd")
        .args(["-root", "-silent"])
        .output()
        .expect("xwd");
    assert!(out.status.success(), "xwd failed");
    let d = out.stdout;
    let field = |i: usize| u32::from_be_bytes(d[i * 4..i * 4 + 4].try_into().unwrap()) as usize;
    let (header, width, height, byte_order, bpp, bpl, ncolors) = (
        field(0),
        field(4),
        field(5),
        field(7),
        field(11),
        field(12),
        field(19),
    );
    assert_eq!((width, height, bpp), (W, H, 32));
    let pixels = &d[header + ncolors * 12..];
    let mut rgb = Vec::with_capacity(W * H);
    for y in 0..H {
        for x in 0..W {
            let p = &pixels[y * bpl + x * 4..y * bpl + x * 4 + 4];
            let (r, g, b) = if byte_order == 0 {
                (p[2], p[1], p[0])
            } else {
                (p[1], p[2], p[3])
            };
            rgb.push([r, g, b]);
        }
    }
    rgb
}

/// Mean brightness of rows `y0..y1`.
fn brightness(rgb: &[[u8; 3]], y0: usize, y1: usize) -> f64 {
    let rows = &rgb[y0 * W..y1 * W];
    rows.iter()
        .map(|p| p.iter().map(|c| f64::from(*c)).sum::<f64>() / 3.0)
        .sum::<f64>()
        / rows.len() as f64
}

/// Holds `key` down for `ms` (long enough for the window to see it).
fn hold(key: &str, ms: u64) {
    assert!(tool("xdotool")
        .args(["keydown", key])
        .status()
        .unwrap()
        .success());
    std::thread::sleep(Duration::from_millis(ms));
    assert!(tool("xdotool")
        .args(["keyup", key])
        .status()
        .unwrap()
        .success());
}

#[test]
fn the_window_shows_the_video_playing_and_takes_keys_as_the_remote() {
    let needs = "needs Xvfb and xwd: apt-get install xvfb x11-apps";
    let xvfb = Command::new("Xvfb")
        .args([
            DISPLAY,
            "-screen",
            "0",
            &format!("{W}x{H}x24"),
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("Xvfb: {e}; {needs}"));
    let _xvfb = Killed(xvfb);
    std::thread::sleep(Duration::from_millis(500));
    let log = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("window-keys.log");
    let emu = tool(env!("CARGO_BIN_EXE_wasp-emu"))
        .args([
            "play",
            "--window",
            "--profile",
            "low-end-720p",
            "--duration",
            "15",
        ])
        .arg(format!("{ROOT}/samples/hls-ts/master.m3u8"))
        .stdout(Stdio::null())
        .stderr(Stdio::from(std::fs::File::create(&log).unwrap()))
        .spawn()
        .unwrap();
    let _emu = Killed(emu);
    // Wait for pictures in the window.
    let start = Instant::now();
    let first = loop {
        let shot = screenshot();
        if brightness(&shot, 0, H) > 60.0 {
            break shot;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no picture in the window"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    // The bottom quarter shows the video (colour bars): bright.
    let bottom = (H * 3 / 4, H);
    let before = brightness(&first, bottom.0, bottom.1);
    assert!(before > 60.0, "the video is in the window ({before})");
    // It plays: the picture changes.
    std::thread::sleep(Duration::from_millis(600));
    assert_ne!(screenshot(), first, "the picture moves");

    // Keys: the pointer over the window gives it the focus.
    assert!(tool("xdotool")
        .args(["mousemove", "200", "200"])
        .status()
        .unwrap()
        .success());
    hold("i", 1000);
    hold("space", 1000);
    // Paused: the video stands still. (The OSD below it may still move: its bar
    // shows the buffer growing while paused.)
    std::thread::sleep(Duration::from_millis(500));
    let paused = screenshot();
    std::thread::sleep(Duration::from_millis(800));
    let still = screenshot();
    let keys = std::fs::read_to_string(&log).unwrap();
    for line in [
        "key Info Down",
        "key Info Up",
        "key PlayPause Down",
        "key PlayPause Up",
    ] {
        assert!(keys.contains(line), "no `{line}` from the window:\n{keys}");
    }
    let moved: Vec<usize> = (0..H * 3 / 4)
        .filter(|y| paused[y * W..(y + 1) * W] != still[y * W..(y + 1) * W])
        .collect();
    assert!(
        moved.is_empty(),
        "the picture moved while paused: {} rows from {:?} to {:?}\n{keys}",
        moved.len(),
        moved.first(),
        moved.last()
    );
}
