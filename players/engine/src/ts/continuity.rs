//! Continuity counters (ISO/IEC 13818-1 §2.4.3.3): a 4-bit count per PID that steps
//! with each packet carrying payload. A gap means packets were lost; the same count
//! again is a duplicate packet, which is sent at most once and skipped.

use super::packet::PacketHeader;

/// What a packet's counter says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// In order (or the first packet, or a signalled discontinuity).
    Continue,
    /// The previous packet again.
    Duplicate,
    /// Packets are missing before this one.
    Gap,
}

/// The counter of one PID.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Continuity {
    last: Option<u8>,
}

impl Continuity {
    /// Checks a packet and remembers its counter.
    pub(crate) fn check(&mut self, header: &PacketHeader) -> Verdict {
        if !header.has_payload {
            // The counter does not step without payload.
            return Verdict::Continue;
        }
        let verdict = match self.last {
            None => Verdict::Continue,
            Some(_) if header.discontinuity => Verdict::Continue,
            Some(last) if last == header.continuity => Verdict::Duplicate,
            Some(last) if (last + 1) & 0x0f == header.continuity => Verdict::Continue,
            Some(_) => Verdict::Gap,
        };
        if verdict != Verdict::Duplicate {
            self.last = Some(header.continuity);
        }
        verdict
    }

    /// Forgets the counter (the next packet starts afresh).
    pub(crate) fn reset(&mut self) {
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(continuity: u8, has_payload: bool, discontinuity: bool) -> PacketHeader {
        PacketHeader {
            transport_error: false,
            unit_start: false,
            pid: 0x100,
            scrambled: false,
            has_payload,
            continuity,
            discontinuity,
            random_access: false,
            payload_start: 4,
        }
    }

    #[test]
    fn counters_step_wrap_repeat_and_jump() {
        let mut c = Continuity::default();
        assert_eq!(c.check(&header(14, true, false)), Verdict::Continue);
        assert_eq!(c.check(&header(15, true, false)), Verdict::Continue);
        assert_eq!(c.check(&header(0, true, false)), Verdict::Continue, "wraps");
        assert_eq!(c.check(&header(0, true, false)), Verdict::Duplicate);
        assert_eq!(
            c.check(&header(5, false, false)),
            Verdict::Continue,
            "no payload"
        );
        assert_eq!(c.check(&header(1, true, false)), Verdict::Continue);
        assert_eq!(c.check(&header(3, true, false)), Verdict::Gap);
        assert_eq!(
            c.check(&header(9, true, true)),
            Verdict::Continue,
            "signalled"
        );
        c.reset();
        assert_eq!(c.check(&header(2, true, false)), Verdict::Continue);
    }
}
