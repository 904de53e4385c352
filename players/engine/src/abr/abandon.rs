//! The abandonment rule: give up an in-flight segment that will arrive after the
//! buffer runs dry when a lower rung's whole segment would arrive in time (dash.js
//! `AbandonRequestsRule`; BOLA's in-flight check, Spiteri et al., MMSys 2018).

use super::Abr;

impl Abr {
    /// The abandonment rule (after dash.js `AbandonRequestsRule` and BOLA's
    /// in-flight check): for the request of rung `current` that has received
    /// `bytes_loaded` of `bytes_total` bytes in `elapsed_us`, with `buffer_us`
    /// buffered, returns a lower rung to fetch instead when, at the rate this request
    /// is getting, its remaining bytes will not arrive before the buffer runs dry but
    /// the lower rung's whole segment would. The lower segment's size is taken as
    /// `bytes_total` scaled by the bitrate ratio. The choice is the highest such
    /// candidate rung.
    ///
    /// Never abandons: the lowest candidate rung (there is nothing lower), a request
    /// younger than [`AbrConfig::abandon_min_elapsed_us`](super::AbrConfig::abandon_min_elapsed_us) or with fewer than
    /// [`AbrConfig::abandon_min_bytes`](super::AbrConfig::abandon_min_bytes) (its rate is still the round trip), a finished
    /// one, or an unknown index.
    pub fn abandon(
        &self,
        current: usize,
        bytes_loaded: u64,
        bytes_total: u64,
        elapsed_us: i64,
        buffer_us: i64,
    ) -> Option<usize> {
        let pos = self.position(current)?;
        if elapsed_us < self.config().abandon_min_elapsed_us.max(1)
            || bytes_loaded < self.config().abandon_min_bytes.max(1)
            || bytes_loaded >= bytes_total
        {
            return None;
        }
        let rate = bytes_loaded as f64 * 8.0 / (elapsed_us as f64 / 1e6);
        let buffer_s = buffer_us.max(0) as f64 / 1e6;
        let remaining_s = (bytes_total - bytes_loaded) as f64 * 8.0 / rate;
        if remaining_s.is_nan() || remaining_s <= buffer_s {
            return None;
        }
        let current_bps = f64::from(self.rung(pos).bitrate_bps.max(1));
        self.allowed()
            .into_iter()
            .rev()
            .filter(|&p| self.rung(p).bitrate_bps < self.rung(pos).bitrate_bps)
            .find(|&p| {
                let bits =
                    bytes_total as f64 * 8.0 * f64::from(self.rung(p).bitrate_bps) / current_bps;
                bits / rate < buffer_s
            })
            .and_then(|p| self.caller_index(p))
    }
}
