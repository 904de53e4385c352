//! Wall time of a whole playback on the virtual clock: the 20 s HLS-TS sample at its
//! top rung through the TV module, decoded by libavcodec, no outputs written.
//! `cargo bench -p wasp-emu --bench playback`.
#![allow(missing_docs)] // criterion_group! generates undocumented items
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // bench code

use criterion::{criterion_group, criterion_main, Criterion};
use wasp_emu::{run, Profile, RunOptions, Script};

fn playback(c: &mut Criterion) {
    let text = concat!(
        "url = \"",
        env!("CARGO_MANIFEST_DIR"),
        "/samples/hls-ts/master.m3u8\"\nduration = 30\n"
    );
    let script = Script::parse(text, "bench.toml", "bench").unwrap();
    let profile = Profile::load("tv-stick-1080p").unwrap();
    let mut group = c.benchmark_group("emulator");
    group.sample_size(10);
    group.bench_function("hls_ts_20s_virtual_clock", |b| {
        b.iter(|| {
            let outcome = run(&script, &profile, &RunOptions::default()).unwrap();
            assert_eq!(outcome.frames, 500);
        });
    });
    group.finish();
}

criterion_group!(benches, playback);
criterion_main!(benches);
