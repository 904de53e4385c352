#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! The scenarios again, through the real ABI: the TV module in the interpreter on the
//! test device. Each session must reach its outcome, and the guest's linear memory
//! high-water mark must stay under the budget (the default device profile gives a
//! module 16 MiB; the TV stick goal is 8 MiB). The figures are printed for
//! `docs/perf.md`.

use wasp_core::abi::player::PlayerState;
use wasp_core::Limits;
use wasp_engine::player::Command;
use wasp_sim::ModuleSession;
use wasp_testkit::content::{Audio, HlsLive, HlsVod, TV_LADDER};
use wasp_testkit::{TestPort, Trace};

const BASE: &str = "http://cdn.test/vod";
const MBPS: u64 = 1_000_000 / 8;
/// The guest memory goal of a TV stick.
const BUDGET: usize = 8 << 20;

fn port_with(trace: Trace) -> TestPort {
    let mut port = TestPort::new();
    port.keep_units = false;
    port.presented_keep = 64;
    port.keep_trace = false;
    port.network.set_trace(trace.anchored(port.now));
    port
}

fn module(port: TestPort, url: &str) -> ModuleSession {
    let config = format!("url={url}\n");
    ModuleSession::new(port, wasp_modules::TV, &config, Limits::default()).unwrap()
}

fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    // Unoptimised test builds nest native frames in wasmi's dispatch (FINDINGS.md).
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

fn report(name: &str, s: &ModuleSession) {
    println!(
        "guest memory {name}: {} KiB high-water, {} ticks",
        s.guest_high_water / 1024,
        s.ticks
    );
    assert!(
        s.guest_high_water <= BUDGET,
        "{name}: {} bytes",
        s.guest_high_water
    );
}

#[test]
fn guest_memory_stays_under_budget_in_every_scenario() {
    with_big_stack(|| {
        // Cold start on 5 Mbit/s, two minutes.
        let mut port = port_with(Trace::constant(5 * MBPS));
        HlsVod::new(TV_LADDER, 4_000_000, 120_000_000)
            .audio(Audio::Rendition)
            .serve(&mut port, BASE)
            .unwrap();
        let mut s = module(port, &format!("{BASE}/master.m3u8"));
        assert!(s.run_until_state(PlayerState::Ended, 400_000_000).unwrap());
        report("cold start 5 Mbit/s", &s);

        // 8 -> 1 Mbit/s.
        let mut port = port_with(Trace::steps(&[(0, 8 * MBPS), (40_000_000, MBPS)]).unwrap());
        HlsVod::new(TV_LADDER, 4_000_000, 120_000_000)
            .audio(Audio::Rendition)
            .serve(&mut port, BASE)
            .unwrap();
        let mut s = module(port, &format!("{BASE}/master.m3u8"));
        assert!(s.run_until_state(PlayerState::Ended, 400_000_000).unwrap());
        report("drop 8 -> 1 Mbit/s", &s);

        // 20 s outage.
        let mut port = port_with(Trace::constant(4 * MBPS));
        let start = port.now;
        port.network
            .schedule_outage(start + 20_000_000, start + 40_000_000);
        HlsVod::new(TV_LADDER, 4_000_000, 120_000_000)
            .audio(Audio::Rendition)
            .serve(&mut port, BASE)
            .unwrap();
        let mut s = module(port, &format!("{BASE}/master.m3u8"));
        assert!(s.run_until_state(PlayerState::Ended, 400_000_000).unwrap());
        report("20 s outage", &s);

        // Seek storm.
        let mut port = port_with(Trace::constant(20 * MBPS));
        HlsVod::new(TV_LADDER, 4_000_000, 300_000_000)
            .audio(Audio::Rendition)
            .serve(&mut port, BASE)
            .unwrap();
        let mut s = module(port, &format!("{BASE}/master.m3u8"));
        for i in 0..20i64 {
            s.command_at(
                5_000_000 + i * 500_000,
                Command::Seek((i * 37_000_000 + 5_500_000) % 290_000_000),
            );
        }
        s.run_until(25_000_000).unwrap();
        assert_eq!(s.state().unwrap().0, PlayerState::Playing);
        report("seek storm", &s);

        // Ten minutes of live.
        let mut port = port_with(Trace::constant(6 * MBPS));
        let live = HlsLive::new(
            HlsVod::new(TV_LADDER, 4_000_000, 0).audio(Audio::Rendition),
            "http://cdn.test/live",
            6,
            port.now - 60_000_000,
        );
        let now = port.now;
        live.update(&mut port, now).unwrap();
        let mut s = module(port, "http://cdn.test/live/master.m3u8");
        s.every_step(move |port| {
            let now = port.now;
            live.update(port, now).unwrap();
        });
        s.run_until(600_000_000).unwrap();
        assert_eq!(s.state().unwrap().0, PlayerState::Playing);
        report("live 10 minutes", &s);
    });
}
