#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! The controller under hostile input: extreme and nonsensical values from a fixed
//! pseudo-random sequence. No call may panic, every index returned names a rung of
//! the ladder, no unplayable rung or rung above the cap is chosen while an allowed
//! one exists, and no NaN reaches an output.

use wasp_engine::abr::{Abr, AbrConfig, Rung};

/// xorshift64*: a fixed seed, the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[(self.next() % from.len() as u64) as usize]
    }
}

const TIMES: [i64; 9] = [
    i64::MIN,
    -1,
    0,
    1,
    999,
    4_000_000,
    30_000_000,
    i64::MAX / 2,
    i64::MAX,
];
const BYTES: [u64; 7] = [0, 1, 15_999, 16_000, 1_000_000, u64::MAX / 2, u64::MAX];
const RATES: [u32; 6] = [0, 1, 300_000, 4_300_000, u32::MAX - 1, u32::MAX];
const COUNTS: [u32; 6] = [0, 1, 150, 1_000, u32::MAX - 1, u32::MAX];

fn ladder(rng: &mut Rng) -> Vec<Rung> {
    let n = (rng.next() % 7) as usize;
    (0..n)
        .map(|_| Rung {
            bitrate_bps: rng.pick(&RATES),
            width: rng.pick(&COUNTS),
            height: rng.pick(&COUNTS),
            playable: !rng.next().is_multiple_of(4),
        })
        .collect()
}

#[test]
fn no_input_panics_or_escapes_the_ladder() {
    let mut rng = Rng(0x5EED_0FAB_1234);
    for _ in 0..2000 {
        let mut abr = Abr::new(AbrConfig::default());
        let mut rungs = ladder(&mut rng);
        abr.set_ladder(&rungs);
        let mut cap = None;
        let mut sampled = false;
        for _ in 0..60 {
            match rng.next() % 8 {
                0 => {
                    rungs = ladder(&mut rng);
                    abr.set_ladder(&rungs);
                }
                1 => {
                    cap = if rng.next().is_multiple_of(2) {
                        None
                    } else {
                        Some(rng.pick(&RATES))
                    };
                    abr.set_cap(cap);
                }
                2 => {
                    let (bytes, us) = (rng.pick(&BYTES), rng.pick(&TIMES));
                    sampled |= bytes >= 16_000 && us > 0;
                    abr.record_download(bytes, us);
                }
                3 => abr.record_frames(rng.pick(&COUNTS), rng.pick(&COUNTS)),
                4 => abr.record_frames_at(
                    (rng.next() % 9) as usize,
                    rng.pick(&COUNTS),
                    rng.pick(&COUNTS),
                ),
                5 => {
                    let current = (rng.next() % 9) as usize;
                    let (a, b) = (rng.pick(&BYTES), rng.pick(&BYTES));
                    let got = abr.abandon(current, a, b, rng.pick(&TIMES), rng.pick(&TIMES));
                    if let Some(lower) = got {
                        assert!(lower < rungs.len());
                        assert!(rungs[lower].playable);
                        assert!(rungs[lower].bitrate_bps < rungs[current].bitrate_bps);
                    }
                }
                _ => {
                    let pick = abr.select(rng.pick(&TIMES), rng.pick(&TIMES));
                    let playable: Vec<&Rung> = rungs.iter().filter(|r| r.playable).collect();
                    if rungs.is_empty() {
                        assert_eq!(pick, 0);
                        continue;
                    }
                    assert!(pick < rungs.len());
                    if playable.is_empty() {
                        continue;
                    }
                    assert!(rungs[pick].playable, "{rungs:?} → {pick}");
                    if let Some(c) = cap {
                        if playable.iter().any(|r| r.bitrate_bps <= c) {
                            assert!(rungs[pick].bitrate_bps <= c, "{rungs:?} cap {c} → {pick}");
                        }
                    }
                    assert_eq!(abr.current(), Some(pick));
                }
            }
            // An estimate exists exactly once a request of at least 16 kB with a
            // positive duration was recorded.
            assert_eq!(abr.estimate_bps().is_some(), sampled);
        }
    }
}
