//! BOLA's buffer-based choice (Spiteri, Urgaonkar, Sitaraman, "BOLA: Near-Optimal
//! Bitrate Adaptation for Online Videos", INFOCOM 2016 / IEEE/ACM ToN 2020), with the
//! parameterisation of the DASH reference player (Spiteri, Sitaraman, Sparacio, "From
//! Theory to Practice", MMSys 2018): utilities `u_i = ln(b_i / b_0) + 1`, and `V_p`,
//! `g_p` chosen so the lowest rung wins at the minimum buffer and the top rung at the
//! buffer target.
//!
//! For a buffer level `Q` (seconds), rung `i` scores `(V_p (u_i + g_p) - Q) / b_i` and
//! BOLA fetches the rung with the highest score: the Lyapunov drift-plus-penalty
//! choice of the paper, with the bitrate standing for the segment size.

/// BOLA's constants for one set of allowed bitrates.
#[derive(Clone, Debug)]
pub(crate) struct Bola<'a> {
    bitrates: &'a [f64],
    utilities: alloc::vec::Vec<f64>,
    vp: f64,
    gp: f64,
}

impl<'a> Bola<'a> {
    /// `bitrates` ascending, every one > 0 and finite (the caller clamps to >= 1);
    /// `min_buffer_s` < `target_buffer_s`. With one rung (or equal bitrates) BOLA has
    /// no choice to make and always returns 0.
    pub(crate) fn new(bitrates: &'a [f64], min_buffer_s: f64, target_buffer_s: f64) -> Self {
        let base = bitrates.first().copied().unwrap_or(1.0);
        let utilities: alloc::vec::Vec<f64> =
            bitrates.iter().map(|b| libm::log(b / base) + 1.0).collect();
        let top = utilities.last().copied().unwrap_or(1.0);
        let min = min_buffer_s.max(0.001);
        let ratio = (target_buffer_s / min).max(1.001);
        // dash.js BolaRule: gp = u_max - u_0 over (target / min - 1) with u_0 = 1,
        // Vp = min / gp. Then Vp (u_0 + gp - 1) = min and Vp (u_max + gp - 1) = target.
        let gp = (top - 1.0) / (ratio - 1.0);
        let vp = if gp > 0.0 { min / gp } else { 0.0 };
        Self {
            bitrates,
            utilities,
            vp,
            gp,
        }
    }

    /// The position (in the bitrates given to `new`) with the highest score at buffer
    /// level `buffer_s`; ties go to the higher rung, as in dash.js.
    pub(crate) fn choose(&self, buffer_s: f64) -> usize {
        if self.vp <= 0.0 {
            return 0;
        }
        let mut best = 0;
        let mut best_score = f64::NEG_INFINITY;
        for (i, (b, u)) in self.bitrates.iter().zip(&self.utilities).enumerate() {
            let score = (self.vp * (u + self.gp) - buffer_s) / b;
            if score >= best_score {
                best = i;
                best_score = score;
            }
        }
        best
    }

    /// The lowest buffer level at which BOLA prefers position `q` to every lower
    /// rung: where the scores of `q` and `i < q` are equal,
    /// `V_p (g_p + (b_q u_i - b_i u_q) / (b_q - b_i))`, maximised over `i`. BOLA-E's
    /// placeholder buffer is set from it at the end of start-up.
    pub(crate) fn min_buffer_for(&self, q: usize) -> f64 {
        let (Some(bq), Some(uq)) = (self.bitrates.get(q), self.utilities.get(q)) else {
            return 0.0;
        };
        let mut want = 0.0_f64;
        for (b, u) in self.bitrates.iter().zip(&self.utilities).take(q) {
            if bq > b {
                want = want.max(self.vp * (self.gp + (bq * u - b * uq) / (bq - b)));
            }
        }
        want
    }

    /// The buffer level at which position `q`'s score reaches zero, `V_p (u_q + g_p)`:
    /// above it BOLA would rather wait than fetch `q`. BOLA-E spends the placeholder
    /// buffer first when the effective level is above it.
    pub(crate) fn max_buffer_for(&self, q: usize) -> f64 {
        self.utilities
            .get(q)
            .map_or(0.0, |u| self.vp * (u + self.gp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The canonical ladder (Mbit/s 0.3 … 4.3) with dash.js's 10 s minimum and a
    /// 22 s target: u_5 = ln(4.3/0.3) + 1 = 3.662588, g_p = 2.662588 / 1.2 = 2.218823,
    /// V_p = 10 / g_p = 4.506894. Rung 0 ↔ 1 switch where the scores meet:
    /// V_p (g_p + (0.75·1 - 0.3·u_1)/(0.75 - 0.3)) with u_1 = ln 2.5 + 1 = 1.916291:
    /// 4.506894 · (2.218823 + 0.389139) = 11.75 s.
    #[test]
    fn bola_thresholds_on_the_canonical_ladder() {
        let ladder = [0.3e6, 0.75e6, 1.2e6, 1.85e6, 2.85e6, 4.3e6];
        let b = Bola::new(&ladder, 10.0, 22.0);
        assert!((b.gp - 2.218823).abs() < 1e-5, "{}", b.gp);
        assert!((b.vp - 4.506894).abs() < 1e-5, "{}", b.vp);
        let t01 = b.min_buffer_for(1);
        assert!((t01 - 11.7535).abs() < 1e-3, "{t01}");
        assert_eq!(b.choose(0.0), 0);
        assert_eq!(b.choose(10.0), 0);
        assert_eq!(b.choose(t01 - 0.01), 0);
        assert_eq!(b.choose(t01 + 0.01), 1);
        // At the target (u_max + g_p - 1) V_p = 22 s the top rung wins, and above.
        assert_eq!(b.choose(22.0), 5);
        assert_eq!(b.choose(60.0), 5);
        // Choices never go down as the buffer grows.
        let mut last = 0;
        for tenth in 0..300 {
            let q = b.choose(tenth as f64 / 10.0);
            assert!(q >= last);
            last = q;
        }
        // Every rung is chosen somewhere between the two thresholds.
        for q in 1..6 {
            let at = b.min_buffer_for(q) + 1e-6;
            assert_eq!(b.choose(at), q, "rung {q} at {at}");
        }
        assert!((b.max_buffer_for(0) - 14.506894).abs() < 1e-5);
    }

    #[test]
    fn one_rung_or_flat_ladder_always_zero() {
        let one = [1e6];
        assert_eq!(Bola::new(&one, 10.0, 22.0).choose(100.0), 0);
        let flat = [1e6, 1e6];
        let b = Bola::new(&flat, 10.0, 22.0);
        assert_eq!(b.choose(100.0), 0);
        assert_eq!(b.min_buffer_for(1), 0.0);
    }
}
