//! The TV module's CPU cost of playback, for `valgrind --tool=callgrind`: plays
//! `SECONDS` of a five-rung HLS ladder (top rung 1920x1080 at 6 Mbit/s) on a 20 Mbit/s
//! link through the TV module on the simulated 1080p device (display 1920x1080, so the
//! UI draws at 1080p). With `--osd` the viewer presses Info every 4 s, so the OSD is up
//! the whole time (its clock redrawn every second) - the UI's worst steady case.
//!
//! ```sh
//! cargo build --release -p wasp-sim --example tv_cpu
//! for s in 10 70; do valgrind --tool=callgrind --callgrind-out-file=target/callgrind/tv_$s.out \
//!   --toggle-collect='wasp_core::runtime::Runtime*::tick' target/release/examples/tv_cpu $s; done
//! ```
//!
//! Instructions per second of playback = (Ir(70) - Ir(10)) / 60: start-up and the
//! first segments cancel out. `--toggle-collect` counts `Runtime::tick` inclusively:
//! the interpreter and every import the module calls (the simulated port's work too,
//! so the figure is an upper bound of the module's own).

use wasp_core::abi::key::Key;
use wasp_core::abi::player::PlayerState;
use wasp_core::Limits;
use wasp_sim::ModuleSession;
use wasp_testkit::content::{Audio, HlsVod, TV_LADDER};
use wasp_testkit::{TestPort, Trace};

const BASE: &str = "http://cdn.test/vod";

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let seconds: i64 = args
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("usage: tv_cpu SECONDS [--osd]")?;
    let osd = args.next().as_deref() == Some("--osd");
    let mut port = TestPort::new();
    port.keep_units = false;
    port.presented_keep = 64;
    port.keep_trace = false;
    port.network
        .set_trace(Trace::constant(20_000_000 / 8).anchored(port.now));
    HlsVod::new(TV_LADDER, 4_000_000, (seconds + 30) * 1_000_000)
        .audio(Audio::Rendition)
        .serve(&mut port, BASE)
        .map_err(|e| e.to_string())?;
    let config = format!("url={BASE}/master.m3u8\n");
    let mut session = ModuleSession::new(port, wasp_modules::TV, &config, Limits::default())
        .map_err(|e| e.to_string())?;
    let mut t = 0;
    while t < seconds * 1_000_000 {
        t += 4_000_000;
        session
            .run_until(t.min(seconds * 1_000_000))
            .map_err(|e| e.to_string())?;
        if osd {
            session.runtime.port_mut().press(Key::Info);
        }
    }
    let state = session.state().map(|s| s.0);
    println!(
        "{seconds} s played, {} ticks, state {:?}, guest memory {} KiB",
        session.ticks,
        state,
        session.guest_high_water / 1024
    );
    if state != Some(PlayerState::Playing) {
        return Err("not playing at the end".into());
    }
    Ok(())
}
