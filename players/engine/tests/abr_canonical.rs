#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! The canonical ABR benchmark (`fixtures/traces`, rules in `wasp_engine::abr::bench`)
//! and the controller's rules. `docs/qoe.md` is generated here; regenerate with
//! `WASP_BLESS=1 cargo test -p wasp-engine --test abr_canonical`.

use std::fmt::Write as _;
use std::sync::OnceLock;

use wasp_engine::abr::bench::{
    simulate, Algorithm, Bba, BolaBasic, Observation, OfflineOptimum, RobustMpc, Rules, Session,
    ThroughputRule, Trace, Video, WaspAbr,
};
use wasp_engine::abr::{Abr, AbrConfig, Rung};

fn fixture(rel: &str) -> String {
    format!("{}/fixtures/traces/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn video() -> Video {
    Video::parse_csv(&std::fs::read_to_string(fixture("envivio_chunk_sizes.csv")).unwrap()).unwrap()
}

/// Every trace of a set, by file name.
fn traces(set: &str) -> Vec<(String, Trace)> {
    let mut names: Vec<String> = std::fs::read_dir(fixture(set))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".log"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let text = std::fs::read_to_string(fixture(&format!("{set}/{n}"))).unwrap();
            let trace = Trace::parse(&text).unwrap_or_else(|e| panic!("{n}: {e}"));
            (n, trace)
        })
        .collect()
}

/// Fresh instances of every algorithm, in table order.
fn algorithms() -> Vec<Box<dyn Algorithm>> {
    vec![
        Box::new(WaspAbr::new(AbrConfig::default())),
        Box::new(ThroughputRule),
        Box::new(Bba::default()),
        Box::new(BolaBasic::default()),
        Box::new(RobustMpc::default()),
    ]
}

const SETS: [(&str, &str); 2] = [("hsdpa", "HSDPA (3G, Norway)"), ("fcc", "FCC broadband")];

struct SetResult {
    traces: Vec<String>,
    /// `sessions[algorithm][trace]`.
    sessions: Vec<Vec<Session>>,
    names: Vec<&'static str>,
}

/// Buffer quantum of the offline optimum's DP, seconds.
const OPTIMUM_QUANTUM_S: f64 = 0.5;

fn results() -> &'static Vec<SetResult> {
    static R: OnceLock<Vec<SetResult>> = OnceLock::new();
    R.get_or_init(|| {
        let video = video();
        let rules = Rules::default();
        SETS.iter()
            .map(|(set, _)| {
                let traces = traces(set);
                let mut names: Vec<&'static str> = algorithms().iter().map(|a| a.name()).collect();
                names.push("offline optimum (DP)");
                let mut sessions: Vec<Vec<Session>> = vec![Vec::new(); names.len()];
                for (_, t) in &traces {
                    let mut algos = algorithms();
                    algos.push(Box::new(
                        OfflineOptimum::plan(t, &video, &rules, OPTIMUM_QUANTUM_S).unwrap(),
                    ));
                    for (i, algo) in algos.iter_mut().enumerate() {
                        sessions[i].push(simulate(t, &video, &rules, algo.as_mut()).unwrap());
                    }
                }
                SetResult {
                    traces: traces.into_iter().map(|(n, _)| n).collect(),
                    sessions,
                    names,
                }
            })
            .collect()
    })
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = v.collect();
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// Means over a set's traces for one algorithm.
struct Summary {
    qoe: f64,
    bitrate: f64,
    rebuffer: f64,
    switches: f64,
}

fn summary(sessions: &[Session]) -> Summary {
    Summary {
        qoe: mean(sessions.iter().map(Session::qoe_lin)),
        bitrate: mean(sessions.iter().map(Session::mean_mbps)),
        rebuffer: mean(sessions.iter().map(Session::rebuffer_s)),
        switches: mean(sessions.iter().map(|s| s.switches() as f64)),
    }
}

/// wasp's parameters with their reasoning (the long form is in `AbrConfig`'s docs).
fn parameters(c: &AbrConfig) -> Vec<(&'static str, String, &'static str)> {
    let s = |us: i64| format!("{} s", us as f64 / 1e6);
    vec![
        ("fast_half_life_us", s(c.fast_half_life_us), "fast EWMA half-life in download seconds (dash.js; Shaka uses 2 s): follows a drop within a few segments"),
        ("slow_half_life_us", s(c.slow_half_life_us), "slow EWMA half-life (dash.js; Shaka uses 5 s); the estimate is min(fast, slow): falls fast, rises slowly"),
        ("min_sample_bytes", format!("{} B", c.min_sample_bytes), "smaller requests measure the round trip and TCP slow start, not the link (Shaka's minBytes)"),
        ("default_estimate_bps", format!("{} bit/s", c.default_estimate_bps), "estimate before any sample (Shaka's default): starts low enough for 3G, not the worst rung on broadband"),
        ("safety_factor", format!("{}", c.safety_factor), "share of the estimate a throughput choice may use (dash.js bandwidthSafetyFactor)"),
        ("startup_min_samples", format!("{}", c.startup_min_samples), "start-up (throughput rule) lasts until this many samples exist"),
        ("startup_buffer_segments", format!("{}", c.startup_buffer_segments), "... and until this many segments are buffered (dash.js BOLA-E: segment / REBUFFER_SAFETY_FACTOR), if more than steady_on_buffer_us"),
        ("steady_on_buffer_us", s(c.steady_on_buffer_us), "BOLA takes over from the throughput rule above this buffer (dash.js DYNAMIC: stableBufferTime); a live stream near the edge stays on throughput"),
        ("steady_off_buffer_us", s(c.steady_off_buffer_us), "... and hands back below this (dash.js DYNAMIC: half the switch-on level, hysteresis)"),
        ("bola_min_buffer_us", s(c.bola_min_buffer_us), "BOLA picks the lowest rung at or below it (dash.js MINIMUM_BUFFER_S)"),
        ("bola_buffer_per_rung_us", s(c.bola_buffer_per_rung_us), "BOLA's target grows by this per rung (dash.js MINIMUM_BUFFER_PER_BITRATE_LEVEL_S)"),
        ("bola_target_buffer_us", s(c.bola_target_buffer_us), "BOLA's target (top rung) is at least this: max(12, 10 + 2 x rungs) = 22 s on six rungs (dash.js stableBufferTime)"),
        ("rebuffer_safety", format!("{}", c.rebuffer_safety), "steady state: bitrate <= this x estimate x buffered segments, so the next segment arrives in time even if the estimate is twice too high (dash.js BOLA)"),
        ("stall_buffer_us", s(c.stall_buffer_us), "a buffer at or below this is a stall: BOLA-E's placeholder is dropped (dash.js)"),
        ("dropped_min_frames", format!("{}", c.dropped_min_frames), "frames in a judged window: 5 s at 30 fps (dash.js waits for 375 over the session)"),
        ("dropped_max_ratio", format!("{}", c.dropped_max_ratio), "more dropped than this in a window bans the rung and above (dash.js DROPPED_PERCENTAGE_FORBID)"),
        ("dropped_cooloff_us", s(c.dropped_cooloff_us), "ban length in media time requested; doubles with each ban"),
        ("dropped_max_backoff", format!("{}", c.dropped_max_backoff), "at most this many doublings (8 min)"),
        ("abandon_min_elapsed_us", s(c.abandon_min_elapsed_us), "no abandonment earlier: the rate is still the round trip (dash.js GRACE_TIME_THRESHOLD)"),
        ("abandon_min_bytes", format!("{} B", c.abandon_min_bytes), "no abandonment before this many bytes, the latency floor of the estimator"),
    ]
}

const DOC_HEAD: &str = "\
# QoE: how wasp's adaptive bitrate is scored

Generated by `WASP_BLESS=1 cargo test -p wasp-engine --test abr_canonical`; the test
fails when this file and the code disagree. The controller is `wasp_engine::abr::Abr`,
the simulator `wasp_engine::abr::bench`. To see every chunk of some sessions (rung,
download, rebuffer, buffer and each chunk's QoE_lin term, for every algorithm):
`WASP_ABR_CHUNKS=ferry_10 cargo test -p wasp-engine --test abr_canonical
canonical_benchmark -- --nocapture`.

## The score

The ABR literature (MPC, SIGCOMM 2015; Pensieve, SIGCOMM 2017) scores a session of
`N` chunks with the linear QoE

    QoE_lin = sum_n R_n - 4.3 * (rebuffer seconds) - sum_n |R_(n+1) - R_n|

with `R_n` the bitrate of chunk `n` in Mbit/s, on the ladder 0.3, 0.75, 1.2, 1.85,
2.85, 4.3 Mbit/s with 4 s chunks (48 chunks). The rebuffer penalty 4.3 is the top
bitrate: a second of stall costs as much as a whole chunk at the best quality earns.
Start-up delay counts as rebuffering.

**wasp's own per-session score has the same form on the stream's own ladder**
(`wasp_engine::player::Qoe::score`): `R_n` is the declared bitrate (Mbit/s) of the
variant of each media segment fetched for playback (abandoned downloads do not
count), the penalty stays 4.3 per second of stall, start-up included (from the load
command to the first `Playing`), and the switch term sums `|R_(n+1) - R_n|` over
consecutive segments. Dividing by the number of segments gives a per-segment figure
that compares across sessions of different lengths.

## The benchmark rules

* Traces: `players/engine/fixtures/traces/` (12 HSDPA 3G commute traces, 12 FCC
  broadband traces; attribution and licence in its README). A sample's throughput
  holds until the next sample; the trace starts at its first sample and wraps from
  its last sample's time back to the first.
* A chunk's download takes the time to move its bytes (the Envivio video's real
  chunk sizes, `envivio_chunk_sizes.csv`) through the trace at 95% of the trace's
  throughput, plus an 80 ms round trip per request (which, as in the reference
  simulator, does not advance the trace).
* The buffer drains in real time while downloading and gains 4 s when a chunk
  arrives. Above 60 s the player waits until the buffer is back at 60 s (the trace
  advances while it waits).
* The first chunk is fetched at the lowest rung without asking the algorithm.
* wasp's `Abr` is driven as the playback loop drives it: after each chunk
  `record_download(bytes, request-to-last-byte us)`, then `set_ladder` (re-sent
  before every choice) and `select(buffer us, 4 s)`. Abandonment is not exercised:
  the reference rules have whole-chunk downloads.

The algorithms:

* **wasp (BOLA-E)**: dual-EWMA throughput at start-up and whenever the buffer is
  low (under 12 s until BOLA has taken over, under 6 s after: dash.js's DYNAMIC
  hysteresis), BOLA-E in steady state with the BOLA-O switch-up guard and the
  rebuffer-safety cap (parameters below).
* **throughput (harmonic 5)**: the plain throughput-only rule: the highest rung at
  or under the harmonic mean of the last five chunks' throughput.
* **BBA-0** (Huang et al., SIGCOMM 2014): reservoir 5 s, cushion 10 s (the paper's
  90 s / 240 s do not fit a 60 s cap; these are the values the MPC and Pensieve
  evaluations used), linear rate map, the paper's up/down hysteresis.
* **BOLA-BASIC** (Spiteri et al., INFOCOM 2016): `gamma_p = 5`,
  `V = (Q_max - 1) / (v_M + gamma_p)` with `Q_max` = 15 chunks; it fetches the top
  rung where the paper would idle.
* **RobustMPC** (Yin et al., SIGCOMM 2015): harmonic mean of five chunks divided by
  1 + the largest relative error of the last five predictions, exhaustive 5-chunk
  look-ahead with the true chunk sizes.
* **offline optimum (DP)**: the whole trace known in advance; dynamic programming
  over (chunk, rung, buffer rounded down to 0.5 s). After each chunk it keeps, per
  (rung, buffer cell), the exactly simulated player with the best QoE_lin so far,
  extends each by every rung, and replays the best sequence through the simulator.
  Merging states by buffer cell makes it a feasible schedule, a lower bound on the
  true optimum: on HSDPA it gives 52.77 at 0.5 s, 52.90 at 0.25 s and 52.94 at
  0.1 s, so the quantisation costs well under 1%.

In the tables, QoE_lin, rebuffer seconds (start-up included) and switches are per
session (48 chunks), averaged over the set's traces; the bitrate is the mean over
chunks. wasp trades a little bitrate for the fewest switches of the online rules
and less rebuffering than the throughput rule; RobustMPC, which also plans with the
true sizes of the next five chunks, earns more bitrate at the cost of more stalls
and switches.
";

fn render() -> String {
    let mut s = String::from(DOC_HEAD);
    for (r, (_, title)) in results().iter().zip(SETS) {
        let _ = writeln!(s, "\n## {title}: means over {} traces\n", r.traces.len());
        let _ = writeln!(
            s,
            "| algorithm | QoE_lin (session) | QoE_lin per chunk | bitrate (Mbit/s) | rebuffer (s) | switches |\n|---|---:|---:|---:|---:|---:|"
        );
        for (name, sessions) in r.names.iter().zip(&r.sessions) {
            let m = summary(sessions);
            let chunks = sessions.first().map_or(1, |x| x.chunks.len().max(1)) as f64;
            let _ = writeln!(
                s,
                "| {name} | {:.2} | {:.3} | {:.3} | {:.2} | {:.1} |",
                m.qoe,
                m.qoe / chunks,
                m.bitrate,
                m.rebuffer,
                m.switches
            );
        }
        let _ = writeln!(s, "\nQoE_lin per trace:\n");
        let _ = writeln!(s, "| trace | {} |", r.names.join(" | "));
        let _ = writeln!(s, "|---|{}", "---:|".repeat(r.names.len()));
        for (t, trace) in r.traces.iter().enumerate() {
            let cells: Vec<String> = r
                .sessions
                .iter()
                .map(|x| format!("{:.2}", x[t].qoe_lin()))
                .collect();
            let _ = writeln!(
                s,
                "| {} | {} |",
                trace.trim_end_matches(".log"),
                cells.join(" | ")
            );
        }
    }
    let _ = writeln!(
        s,
        "\n## wasp's ABR parameters\n\n`AbrConfig::default()`; the field docs give the full reasoning and sources.\n\n| parameter | value | why |\n|---|---|---|"
    );
    for (name, value, why) in parameters(&AbrConfig::default()) {
        let _ = writeln!(s, "| `{name}` | {value} | {why} |");
    }
    s.push_str(FULL_PLAYER);
    s
}

/// Where the simulator's own section starts: `targets/simulator/tests/qoe_table.rs`
/// generates what follows it, this test what precedes it.
const FULL_PLAYER: &str = "\n## Full-player simulator\n";

#[test]
fn canonical_benchmark_table_and_doc() {
    for (r, (_, title)) in results().iter().zip(SETS) {
        println!("== {title}");
        for (name, sessions) in r.names.iter().zip(&r.sessions) {
            let m = summary(sessions);
            println!(
                "{name:24} QoE {:7.2}  bitrate {:5.3}  rebuffer {:6.2}  switches {:5.1}",
                m.qoe, m.bitrate, m.rebuffer, m.switches
            );
        }
        for (t, trace) in r.traces.iter().enumerate() {
            let row: Vec<String> = r
                .sessions
                .iter()
                .map(|s| format!("{:7.1}", s[t].qoe_lin()))
                .collect();
            println!("  {:66} {}", trace, row.join(" "));
        }
    }
    // `WASP_ABR_CHUNKS=<part of a trace name>` prints every chunk of the matching
    // sessions: the per-chunk QoE_lin terms, bitrate, download, rebuffer, buffer.
    if let Ok(wanted) = std::env::var("WASP_ABR_CHUNKS") {
        for r in results() {
            for (t, trace) in r.traces.iter().enumerate() {
                if !trace.contains(&wanted) {
                    continue;
                }
                for (name, sessions) in r.names.iter().zip(&r.sessions) {
                    let s = &sessions[t];
                    println!("-- {trace}: {name}");
                    println!("chunk rung  Mbit/s download_s rebuffer_s buffer_s   QoE_n");
                    for (n, (c, q)) in s.chunks.iter().zip(s.qoe_per_chunk()).enumerate() {
                        println!(
                            "{n:5} {:4} {:7.2} {:10.3} {:10.3} {:8.3} {q:7.3}",
                            c.rung, c.mbps, c.download_s, c.rebuffer_s, c.buffer_s
                        );
                    }
                    println!(
                        "QoE_lin {:.3}, mean bitrate {:.3} Mbit/s, rebuffer {:.3} s",
                        s.qoe_lin(),
                        s.mean_mbps(),
                        s.rebuffer_s()
                    );
                }
            }
        }
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/qoe.md");
    let fresh = render();
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    // The simulator's section (after the heading) is kept as it is.
    let tail = committed
        .find(FULL_PLAYER)
        .map_or("", |at| &committed[at + FULL_PLAYER.len()..]);
    if std::env::var_os("WASP_BLESS").is_some() {
        std::fs::write(path, format!("{fresh}{tail}")).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let head = committed
        .find(FULL_PLAYER)
        .map_or(committed.as_str(), |at| {
            &committed[..at + FULL_PLAYER.len()]
        });
    assert!(
        head == fresh,
        "docs/qoe.md is out of date: run WASP_BLESS=1 cargo test -p wasp-engine --test abr_canonical"
    );
}

/// (b) On both trace sets wasp's mean QoE_lin is at least the plain throughput rule's.
#[test]
fn wasp_abr_beats_the_throughput_only_rule_on_both_sets() {
    for (r, (_, title)) in results().iter().zip(SETS) {
        assert_eq!(r.traces.len(), 12, "{title}");
        assert_eq!(r.names[0], "wasp (BOLA-E)");
        assert_eq!(r.names[1], "throughput (harmonic 5)");
        let wasp = summary(&r.sessions[0]);
        let plain = summary(&r.sessions[1]);
        assert!(
            wasp.qoe >= plain.qoe,
            "{title}: wasp {:.2} < throughput rule {:.2}",
            wasp.qoe,
            plain.qoe
        );
        // The offline optimum is at least every online algorithm, trace by trace.
        let optimum = r.sessions.len() - 1;
        assert_eq!(r.names[optimum], "offline optimum (DP)");
        for (t, trace) in r.traces.iter().enumerate() {
            let best = r.sessions[optimum][t].qoe_lin();
            for (name, sessions) in r.names.iter().zip(&r.sessions) {
                let q = sessions[t].qoe_lin();
                assert!(best >= q, "{trace}: optimum {best:.2} < {name} {q:.2}");
            }
        }
        // Every session has the 48 chunks, chunk 0 at the lowest rung.
        for sessions in &r.sessions {
            for s in sessions {
                assert_eq!(s.chunks.len(), 48);
                assert_eq!(s.chunks[0].rung, 0);
            }
        }
    }
}

/// Plays a fixed list of rungs (for chunks 1..).
struct Script(Vec<usize>);

impl Algorithm for Script {
    fn name(&self) -> &'static str {
        "script"
    }
    fn choose(&mut self, obs: &Observation<'_>) -> usize {
        self.0[obs.chunk - 1]
    }
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

/// (a) The simulator against values computed by hand.
///
/// Trace `0 2 / 1 0 / 2 2`: 2 Mbit/s for 1 s, then 1 s of outage, period 2 s. At 95%
/// payload 2 Mbit/s moves 237,500 B/s. Ladder 0.3 / 0.75 Mbit/s, 4 s chunks:
/// * chunk 0 (forced rung 0, 118,750 B): 0.5 s + 0.08 s RTT = 0.58 s, all of it
///   start-up rebuffering; buffer 4 s; trace at 0.5 s.
/// * chunk 1 (rung 1, 475,000 B): 0.5 s moves 118,750 B, 1 s outage, 1 s moves
///   237,500 B, 1 s outage, 0.5 s moves the last 118,750 B: 4.0 s + 0.08 = 4.08 s;
///   rebuffer 4.08 - 4 = 0.08 s; buffer 0 + 4 = 4 s; trace at 0.5 s again.
/// * chunk 2 (rung 1, 237,500 B): 0.5 s + 1 s outage + 0.5 s = 2.0 s + 0.08 = 2.08 s;
///   no rebuffer; buffer 4 - 2.08 + 4 = 5.92 s.
///
/// Rebuffer 0.66 s; QoE_lin = (0.3 + 0.75 + 0.75) - 4.3 × 0.66 - |0.75 - 0.3|
/// = 1.8 - 2.838 - 0.45 = -1.488.
#[test]
fn simulator_reproduces_hand_computed_sessions() {
    let trace = Trace::parse("0 2\n1\t0\n2 2\n").unwrap();
    let video = Video::new(
        &[300_000, 750_000],
        4.0,
        vec![vec![118_750, 1], vec![1, 475_000], vec![1, 237_500]],
    )
    .unwrap();
    let s = simulate(&trace, &video, &Rules::default(), &mut Script(vec![1, 1])).unwrap();
    let rungs: Vec<usize> = s.chunks.iter().map(|c| c.rung).collect();
    assert_eq!(rungs, [0, 1, 1]);
    for (c, (download, rebuffer, buffer)) in
        s.chunks
            .iter()
            .zip([(0.58, 0.58, 4.0), (4.08, 0.08, 4.0), (2.08, 0.0, 5.92)])
    {
        close(c.download_s, download);
        close(c.rebuffer_s, rebuffer);
        close(c.buffer_s, buffer);
        close(c.wait_s, 0.0);
    }
    close(s.rebuffer_s(), 0.66);
    close(s.qoe_lin(), -1.488);
    close(s.qoe_per_chunk().iter().sum::<f64>(), -1.488);
    close(s.mean_mbps(), 0.6);
    assert_eq!(s.switches(), 1);

    // The 60 s cap. A constant 2 Mbit/s trace and 20 chunks of 23,750 B: each takes
    // 0.1 s + 0.08 s = 0.18 s. Buffer after chunk k is 4 + 3.82 k: chunk 15 brings it
    // to 61.3 s, so the player waits 1.3 s; chunk 16: 60 - 0.18 + 4 = 63.82, a 3.82 s
    // wait; from then on every chunk waits 3.82 s. Only the start-up rebuffers:
    // QoE_lin = 20 × 0.3 - 4.3 × 0.18 = 5.226.
    let trace = Trace::constant(2.0, 10.0).unwrap();
    let video = Video::new(&[300_000], 4.0, vec![vec![23_750]; 20]).unwrap();
    let s = simulate(&trace, &video, &Rules::default(), &mut Script(vec![0; 19])).unwrap();
    close(s.chunks[14].buffer_s, 4.0 + 3.82 * 14.0);
    close(s.chunks[14].wait_s, 0.0);
    close(s.chunks[15].wait_s, 1.3);
    close(s.chunks[15].buffer_s, 60.0);
    for c in &s.chunks[16..] {
        close(c.wait_s, 3.82);
        close(c.buffer_s, 60.0);
    }
    close(s.rebuffer_s(), 0.18);
    close(s.qoe_lin(), 5.226);
}

#[test]
fn traces_and_tables_are_validated() {
    use wasp_engine::abr::bench::BenchError;
    assert_eq!(Trace::parse("0 1\nx 2\n"), Err(BenchError::BadTraceLine(2)));
    assert_eq!(
        Trace::parse("0 1\n1 -2\n"),
        Err(BenchError::BadTraceLine(2))
    );
    assert_eq!(
        Trace::parse("0 1\n1 2 3\n"),
        Err(BenchError::BadTraceLine(2))
    );
    assert_eq!(Trace::parse("5 1\n4 1\n"), Err(BenchError::TimeGoesBack(2)));
    assert_eq!(Trace::parse("0 0\n9 0\n"), Err(BenchError::NoThroughput));
    assert_eq!(Trace::parse("0 5\n"), Err(BenchError::NoThroughput));
    assert_eq!(Trace::parse(""), Err(BenchError::NoThroughput));
    assert_eq!(
        Video::new(&[1, 2], 4.0, vec![vec![1]]),
        Err(BenchError::BadVideo)
    );
    assert_eq!(Video::parse_csv("h\n1,2,3\n"), Err(BenchError::BadVideo));
    let v = video();
    assert_eq!((v.chunks(), v.rungs()), (48, 6));
    assert_eq!(v.bytes(0, 0), Some(181_801));
    assert_eq!(v.bytes(0, 5), Some(2_354_772));
}

/// (d) A constant 20 Mbit/s trace (4.6 × the top rung): no algorithm rebuffers after
/// the start-up chunk (181,801 B in 181,801 × 8 / 19e6 + 0.08 = 0.156548 s), and wasp
/// reaches the top rung and stays there.
#[test]
fn no_rebuffer_on_a_fast_constant_trace() {
    let trace = Trace::constant(20.0, 1.0).unwrap();
    let video = video();
    for mut algo in algorithms() {
        let s = simulate(&trace, &video, &Rules::default(), algo.as_mut()).unwrap();
        close(s.chunks[0].rebuffer_s, 181_801.0 * 8.0 / 19e6 + 0.08);
        for c in &s.chunks[1..] {
            assert_eq!(c.rebuffer_s, 0.0, "{}", algo.name());
        }
    }
    let mut wasp = WaspAbr::new(AbrConfig::default());
    let s = simulate(&trace, &video, &Rules::default(), &mut wasp).unwrap();
    let rungs: Vec<usize> = s.chunks.iter().map(|c| c.rung).collect();
    println!("{rungs:?}");
    let first_top = rungs.iter().position(|&r| r == 5).unwrap();
    assert!(first_top <= 3, "{rungs:?}");
    assert!(rungs[first_top..].iter().all(|&r| r == 5), "{rungs:?}");
    assert!(wasp.abr().is_steady());
}

// The controller's rules, driven through the public API as the playback loop will.

const SEGMENT_US: i64 = 4_000_000;

/// 0.5, 1.5 and 4 Mbit/s at 360p, 720p and 1080p.
fn ladder3() -> Vec<Rung> {
    vec![
        Rung::new(500_000, 640, 360),
        Rung::new(1_500_000, 1280, 720),
        Rung::new(4_000_000, 1920, 1080),
    ]
}

/// A controller that has measured a steady 20 Mbit/s (4 s downloads of 10 MB).
fn fast_abr(ladder: &[Rung]) -> Abr {
    let mut abr = Abr::new(AbrConfig::default());
    abr.set_ladder(ladder);
    for _ in 0..3 {
        abr.record_download(10_000_000, 4_000_000);
    }
    assert_eq!(abr.estimate_bps(), Some(20_000_000));
    abr
}

/// Selects `n` times with a 30 s buffer; returns the choices.
fn run(abr: &mut Abr, n: usize) -> Vec<usize> {
    (0..n).map(|_| abr.select(30_000_000, SEGMENT_US)).collect()
}

/// Start-up with no sample uses the 1 Mbit/s default: 0.9 Mbit/s affords 0.75 on the
/// canonical ladder; with a 2 Mbit/s measurement (1.8 usable) 1.2 Mbit/s. Steady
/// state (BOLA) only once two samples and 12 s of buffer exist, and it ends below
/// 6 s (dash.js DYNAMIC's hysteresis).
#[test]
fn start_up_follows_the_estimate_then_hands_over_to_bola() {
    let ladder: Vec<Rung> = [300, 750, 1200, 1850, 2850, 4300]
        .map(|k| Rung::new(k * 1000, 0, 0))
        .to_vec();
    let mut abr = Abr::new(AbrConfig::default());
    assert_eq!(abr.select(0, SEGMENT_US), 0, "no ladder yet");
    abr.set_ladder(&ladder);
    assert_eq!(abr.estimate_bps(), None);
    assert_eq!(abr.current(), None);
    assert_eq!(abr.select(0, SEGMENT_US), 1);
    assert_eq!(abr.current(), Some(1));
    abr.record_download(10_000, 1_000); // 10 kB: latency, ignored
    assert_eq!(abr.estimate_bps(), None);
    abr.record_download(1_000_000, 4_000_000); // 2 Mbit/s
    assert_eq!(abr.estimate_bps(), Some(2_000_000));
    assert_eq!(abr.select(20_000_000, SEGMENT_US), 2);
    assert!(!abr.is_steady(), "one sample is not enough");
    abr.record_download(1_000_000, 4_000_000);
    assert_eq!(abr.select(11_999_999, SEGMENT_US), 2);
    assert!(!abr.is_steady(), "under 12 s of buffer");
    // Steady at 12 s: the placeholder keeps the start-up choice (1.2 Mbit/s) where
    // BOLA alone would pick 0.75 Mbit/s for a real 12 s buffer.
    assert_eq!(abr.select(12_000_000, SEGMENT_US), 2);
    assert!(abr.is_steady());
    assert_eq!(abr.select(12_000_000, SEGMENT_US), 2);
    // BOLA-O: a full buffer does not lift it above the 2 Mbit/s the network carries.
    assert_eq!(abr.select(40_000_000, SEGMENT_US), 3);
    assert_eq!(abr.select(40_000_000, SEGMENT_US), 3);
    // BOLA on a draining buffer (the placeholder was spent at 40 s): 8 s is under
    // BOLA's 10 s minimum, so the lowest rung.
    assert_eq!(abr.select(8_000_000, SEGMENT_US), 0);
    assert!(abr.is_steady());
    // Under 6 s the throughput rule takes over again (1.8 Mbit/s usable: 1.2).
    assert_eq!(abr.select(5_999_999, SEGMENT_US), 2);
    assert!(!abr.is_steady());
}

/// (e) Capability filtering: an unplayable rung is never selected, whatever the
/// throughput; indices name the caller's (unsorted) slice.
#[test]
fn unplayable_rungs_are_never_selected() {
    let mut ladder = ladder3();
    ladder[2].playable = false;
    let mut abr = fast_abr(&ladder);
    let picks = run(&mut abr, 20);
    assert!(picks.iter().all(|&p| p != 2), "{picks:?}");
    assert_eq!(*picks.last().unwrap(), 1);

    // A hole in the middle, and the caller's order not sorted: 4 M, 0.5 M, 1.5 M
    // (unplayable). Sorted internally; answers are caller indices.
    let mut shuffled = vec![ladder3()[2], ladder3()[0], ladder3()[1]];
    shuffled[2].playable = false;
    let mut abr = fast_abr(&shuffled);
    let picks = run(&mut abr, 20);
    assert!(picks.iter().all(|&p| p != 2), "{picks:?}");
    assert_eq!(*picks.last().unwrap(), 0, "4 Mbit/s is caller index 0");
    assert_eq!(abr.current(), Some(0));

    // Nothing playable: index 0 of the sorted ladder (documented), no panic.
    let none: Vec<Rung> = ladder3()
        .into_iter()
        .map(|r| Rung {
            playable: false,
            ..r
        })
        .collect();
    let mut abr = fast_abr(&none);
    assert_eq!(abr.select(30_000_000, SEGMENT_US), 0);
    assert_eq!(abr.current(), None);
}

/// (f) The manual cap: never above it; below every rung the lowest playable one;
/// `None` restores automatic choice.
#[test]
fn manual_cap_is_respected() {
    let mut abr = fast_abr(&ladder3());
    assert_eq!(*run(&mut abr, 5).last().unwrap(), 2);
    abr.set_cap(Some(1_500_000));
    assert_eq!(run(&mut abr, 10), vec![1; 10]);
    abr.set_cap(Some(1_499_999));
    assert_eq!(run(&mut abr, 3), vec![0; 3]);
    abr.set_cap(Some(1));
    assert_eq!(run(&mut abr, 3), vec![0; 3]);
    let mut ladder = ladder3();
    ladder[0].playable = false;
    abr.set_ladder(&ladder);
    assert_eq!(
        run(&mut abr, 3),
        vec![1; 3],
        "lowest *playable* under an impossible cap"
    );
    abr.set_cap(None);
    assert_eq!(*run(&mut abr, 5).last().unwrap(), 2);
}

/// (g) Dropped frames: 60 of 200 frames dropped at 1080p bans it; the rung is
/// lowered at once, and 1080p comes back after the 60 s cool-off (15 segments of
/// 4 s). A second offence bans for 120 s.
#[test]
fn dropped_frames_lower_the_rung_then_recover_after_the_cooloff() {
    let mut abr = fast_abr(&ladder3());
    assert_eq!(run(&mut abr, 3), vec![2, 2, 2]);
    abr.record_frames(100, 30); // 100 frames: too few to judge
    assert_eq!(abr.select(30_000_000, SEGMENT_US), 2);
    abr.record_frames(140, 14); // 140 frames, 10%: fine
    assert_eq!(abr.select(30_000_000, SEGMENT_US), 2);
    abr.record_frames(200, 60); // 200 frames, 30%: banned from now
    let picks = run(&mut abr, 16);
    assert_eq!(picks[..14], [1; 14], "{picks:?}");
    assert_eq!(picks[14..], [2, 2], "{picks:?}");
    // Again: the counters were reset for the new rung; 180 frames, 40 dropped.
    abr.record_frames(180, 40);
    let picks = run(&mut abr, 31);
    assert_eq!(picks[..29], [1; 29], "{picks:?}");
    assert_eq!(picks[29..], [2, 2], "{picks:?}");
    // Frames of the lowest rung dropping cannot go lower, and never panic.
    abr.record_frames_at(0, 1000, 1000);
    abr.record_frames_at(7, 1000, 1000);
}

/// (h) Abandonment: a 4 Mbit/s segment (2,000,000 B) that has 100,000 B after 1 s
/// (0.8 Mbit/s) needs 19 s more. With 6 s buffered the 1.5 Mbit/s segment
/// (750,000 B, 7.5 s at this rate) would not make it either, the 0.5 Mbit/s one
/// (250,000 B, 2.5 s) would: abandon to rung 0. With 8 s, to rung 1.
#[test]
fn abandonment_fires_when_a_lower_rung_would_arrive_in_time() {
    let abr = fast_abr(&ladder3());
    assert_eq!(
        abr.abandon(2, 100_000, 2_000_000, 1_000_000, 6_000_000),
        Some(0)
    );
    assert_eq!(
        abr.abandon(2, 100_000, 2_000_000, 1_000_000, 8_000_000),
        Some(1)
    );
    // Would finish in time (19 s < 20 s): keep it.
    assert_eq!(
        abr.abandon(2, 100_000, 2_000_000, 1_000_000, 20_000_000),
        None
    );
    // Nothing lower would arrive in time either (0.5 Mbit/s needs 2.5 s): keep it.
    assert_eq!(
        abr.abandon(2, 100_000, 2_000_000, 1_000_000, 2_000_000),
        None
    );
    // Too early, too few bytes, finished, unknown rung: no decision.
    assert_eq!(abr.abandon(2, 100_000, 2_000_000, 499_999, 6_000_000), None);
    assert_eq!(
        abr.abandon(2, 15_999, 2_000_000, 1_000_000, 6_000_000),
        None
    );
    assert_eq!(
        abr.abandon(2, 2_000_000, 2_000_000, 1_000_000, 6_000_000),
        None
    );
    assert_eq!(
        abr.abandon(9, 100_000, 2_000_000, 1_000_000, 6_000_000),
        None
    );
    // Never the lowest rung: a 0.5 Mbit/s segment (250,000 B) crawling at 80 kbit/s.
    assert_eq!(abr.abandon(0, 20_000, 250_000, 2_000_000, 1_000_000), None);
    // Rung 1 (750,000 B) with 100,000 B after 2 s (0.4 Mbit/s) needs 13 s more; the
    // 0.5 Mbit/s segment (250,000 B) takes 5 s: abandon with 6 s buffered, not with 4.
    assert_eq!(
        abr.abandon(1, 100_000, 750_000, 2_000_000, 6_000_000),
        Some(0)
    );
    assert_eq!(abr.abandon(1, 100_000, 750_000, 2_000_000, 4_000_000), None);
    // An unplayable lower rung is no candidate.
    let mut ladder = ladder3();
    ladder[0].playable = false;
    let abr = fast_abr(&ladder);
    assert_eq!(
        abr.abandon(2, 100_000, 2_000_000, 1_000_000, 6_000_000),
        None
    );
}

/// The playback loop re-sends the ladder before every choice: the same rungs (only
/// `playable` changing) keep the controller's state, so choices are those of a
/// controller told once; a different ladder restarts start-up.
#[test]
fn resending_the_same_ladder_keeps_state() {
    let ladder: Vec<Rung> = [300, 750, 1200, 1850, 2850, 4300]
        .map(|k| Rung::new(k * 1000, 0, 0))
        .to_vec();
    let mut once = Abr::new(AbrConfig::default());
    let mut every = Abr::new(AbrConfig::default());
    once.set_ladder(&ladder);
    let buffers = [
        0, 3, 6, 9, 12, 15, 20, 26, 30, 24, 18, 12, 6, 2, 0, 4, 9, 16, 25, 40,
    ];
    let rates = [2, 2, 3, 3, 3, 5, 5, 5, 1, 1, 1, 1, 1, 1, 2, 2, 4, 4, 8, 8];
    let mut picks = Vec::new();
    for (buffer_s, mbps) in buffers.into_iter().zip(rates) {
        // A 4 s download at `mbps`.
        once.record_download(mbps * 500_000, 4_000_000);
        every.record_download(mbps * 500_000, 4_000_000);
        every.set_ladder(&ladder);
        let a = once.select(buffer_s * 1_000_000, SEGMENT_US);
        let b = every.select(buffer_s * 1_000_000, SEGMENT_US);
        assert_eq!((a, once.is_steady()), (b, every.is_steady()));
        picks.push(a);
    }
    // BOLA ran (steady state) and the choices moved both ways.
    assert!(once.is_steady());
    assert!(picks.windows(2).any(|w| w[1] > w[0]) && picks.windows(2).any(|w| w[1] < w[0]));
    // Excluding the top rung is an update: still steady, never the top.
    let mut without_top = ladder.clone();
    without_top[5].playable = false;
    every.set_ladder(&without_top);
    assert!(every.is_steady());
    assert_eq!(every.current(), Some(*picks.last().unwrap()));
    assert!((0..5).all(|_| every.select(40_000_000, SEGMENT_US) < 5));
    // A different ladder starts over (the estimate stays).
    every.set_ladder(&ladder[..4]);
    assert!(!every.is_steady());
    assert_eq!(every.current(), None);
    assert!(every.estimate_bps().is_some());
}
