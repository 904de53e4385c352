//! The offline optimum: the best rung sequence for a trace known in advance, found by
//! dynamic programming over (chunk, rung, quantised buffer).

use alloc::vec;
use alloc::vec::Vec;

use super::{Algorithm, BenchError, Observation, Player, Rules, Trace, Video, REBUFFER_PENALTY};

/// A rung sequence planned with the whole trace known, replayed as an algorithm.
///
/// The DP keeps, after each chunk, one simulated player per (rung of that chunk,
/// buffer level rounded down to a multiple of the quantum): the one with the highest
/// `QoE_lin` so far. Each is extended by every rung with the exact simulator, so
/// every kept state is a real, exactly simulated prefix; the quantisation only merges
/// states whose buffers (and so trace positions) are close. The result is therefore
/// a feasible schedule, a lower bound on the true optimum that tightens as the
/// quantum shrinks (`docs/qoe.md` uses 0.5 s: 122 buffer cells per rung).
#[derive(Clone, Debug)]
pub struct OfflineOptimum {
    plan: Vec<usize>,
}

#[derive(Clone, Copy, Debug)]
struct Cell {
    player: Player,
    qoe: f64,
    mbps: f64,
}

impl OfflineOptimum {
    /// Plans `video` on `trace` with buffer cells of `quantum_s` seconds (at least
    /// 10 ms).
    pub fn plan(
        trace: &Trace,
        video: &Video,
        rules: &Rules,
        quantum_s: f64,
    ) -> Result<Self, BenchError> {
        let quantum = if quantum_s.is_finite() {
            quantum_s.max(0.01)
        } else {
            1.0
        };
        let cells = libm::ceil(rules.buffer_cap_s.max(0.0) / quantum) as usize + 2;
        let rungs = video.rungs();
        let key = |rung: usize, buffer: f64| {
            rung * cells + ((buffer.max(0.0) / quantum) as usize).min(cells - 1)
        };
        // Chunk 0 is always the lowest rung.
        let mut player = Player::new(trace);
        let first = player.fetch(trace, video, rules, 0, 0)?;
        let mut layer: Vec<Option<Cell>> = vec![None; rungs * cells];
        if let Some(slot) = layer.get_mut(key(0, player.buffer_s())) {
            *slot = Some(Cell {
                player,
                qoe: first.mbps - REBUFFER_PENALTY * first.rebuffer_s,
                mbps: first.mbps,
            });
        }
        // parents[chunk][cell] = the previous layer's cell it came from.
        let mut parents: Vec<Vec<usize>> = Vec::with_capacity(video.chunks());
        for chunk in 1..video.chunks() {
            let mut next: Vec<Option<Cell>> = vec![None; rungs * cells];
            let mut from = vec![usize::MAX; rungs * cells];
            for (index, cell) in layer.iter().enumerate() {
                let Some(cell) = cell else { continue };
                for rung in 0..rungs {
                    let mut player = cell.player;
                    let r = player.fetch(trace, video, rules, chunk, rung)?;
                    let qoe = cell.qoe + r.mbps
                        - REBUFFER_PENALTY * r.rebuffer_s
                        - (r.mbps - cell.mbps).abs();
                    let k = key(rung, player.buffer_s());
                    let (Some(slot), Some(parent)) = (next.get_mut(k), from.get_mut(k)) else {
                        continue;
                    };
                    if slot.is_none_or(|s| qoe > s.qoe) {
                        *slot = Some(Cell {
                            player,
                            qoe,
                            mbps: r.mbps,
                        });
                        *parent = index;
                    }
                }
            }
            parents.push(from);
            layer = next;
        }
        // The best last cell, then back through the parents.
        let mut best: Option<(usize, f64)> = None;
        for (index, cell) in layer.iter().enumerate() {
            if let Some(c) = cell {
                if best.is_none_or(|(_, q)| c.qoe > q) {
                    best = Some((index, c.qoe));
                }
            }
        }
        let Some((mut index, _)) = best else {
            return Err(BenchError::BadVideo);
        };
        let mut plan = vec![0; video.chunks()];
        for (chunk, from) in parents.iter().enumerate().rev() {
            if let Some(slot) = plan.get_mut(chunk + 1) {
                *slot = index / cells;
            }
            index = from.get(index).copied().unwrap_or(0);
        }
        Ok(Self { plan })
    }

    /// The planned rung of every chunk.
    pub fn rungs(&self) -> &[usize] {
        &self.plan
    }
}

impl Algorithm for OfflineOptimum {
    fn name(&self) -> &'static str {
        "offline optimum (DP)"
    }

    fn choose(&mut self, obs: &Observation<'_>) -> usize {
        self.plan.get(obs.chunk).copied().unwrap_or(0)
    }
}
