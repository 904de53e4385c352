//! `wasp-sim`: plays a stream on the simulated device over bandwidth traces and
//! prints the session's QoE.
//!
//! ```text
//! wasp-sim [--rule adaptive|throughput|both] [--content canonical|ladder]
//!          [--duration SECONDS] TRACE...
//! ```
//!
//! * `TRACE`: files in the `time_seconds Mbit/s` format (the HSDPA and FCC sets in
//!   `players/engine/fixtures/traces/`, the synthetic ones in
//!   `targets/simulator/traces/`); a folder means every `.log` in it.
//! * `--content canonical` (default): the literature's Envivio chunk table (48 x 4 s,
//!   0.3–4.3 Mbit/s), so figures compare with `docs/qoe.md`; `ladder`: 0.4–6 Mbit/s
//!   five rungs with an AAC rendition, `--duration` seconds long.
//!
//! Prints one line per trace and rule (the player's session summary) and a table of
//! the means.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wasp_engine::player::AbrRule;
use wasp_sim::bench::{canonical_content, parse_trace, row, run_trace, TraceRun, TABLE_HEADER};
use wasp_testkit::content::{Audio, HlsVod, TV_LADDER};

const CHUNKS: &str =
    include_str!("../../../players/engine/fixtures/traces/envivio_chunk_sizes.csv");

fn usage() -> ExitCode {
    eprintln!("usage: wasp-sim [--rule adaptive|throughput|both] [--content canonical|ladder] [--duration SECONDS] TRACE...");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut rules = vec![("adaptive", AbrRule::Adaptive)];
    let mut canonical = true;
    let mut duration_s = 600i64;
    let mut traces: Vec<PathBuf> = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rule" => match args.next().as_deref() {
                Some("adaptive") => rules = vec![("adaptive", AbrRule::Adaptive)],
                Some("throughput") => rules = vec![("throughput", AbrRule::ThroughputOnly)],
                Some("both") => {
                    rules = vec![
                        ("adaptive", AbrRule::Adaptive),
                        ("throughput", AbrRule::ThroughputOnly),
                    ]
                }
                _ => return usage(),
            },
            "--content" => match args.next().as_deref() {
                Some("canonical") => canonical = true,
                Some("ladder") => canonical = false,
                _ => return usage(),
            },
            "--duration" => match args.next().and_then(|d| d.parse().ok()) {
                Some(d) if d > 0 => duration_s = d,
                _ => return usage(),
            },
            "-h" | "--help" => return usage(),
            path => traces.extend(expand(Path::new(path))),
        }
    }
    if traces.is_empty() {
        return usage();
    }
    let content = if canonical {
        match canonical_content(CHUNKS) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("wasp-sim: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        HlsVod::new(TV_LADDER, 4_000_000, duration_s * 1_000_000).audio(Audio::Rendition)
    };
    let started = std::time::Instant::now();
    let mut table = vec![TABLE_HEADER.to_owned()];
    for (name, rule) in &rules {
        let mut runs: Vec<TraceRun> = Vec::new();
        for (i, path) in traces.iter().enumerate() {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("wasp-sim: {}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
            };
            let trace = match parse_trace(&text) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("wasp-sim: {}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
            };
            eprint!(
                "\r[{}/{}] {name} {}\x1b[K",
                i + 1,
                traces.len(),
                path.display()
            );
            let run = run_trace(&content, &trace, *rule);
            println!(
                "{name} {}: qoe_lin={:.2} {}",
                path.display(),
                run.qoe_lin,
                run.summary
            );
            runs.push(run);
        }
        eprintln!();
        table.push(row(&format!("{} traces", traces.len()), name, &runs));
    }
    println!("\n{}", table.join("\n"));
    eprintln!("simulated in {:.2} s", started.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}

fn expand(path: &Path) -> Vec<PathBuf> {
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "log"));
        files.sort();
        files
    } else {
        vec![path.to_owned()]
    }
}
