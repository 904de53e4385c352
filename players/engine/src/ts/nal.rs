//! Finding NAL units in an Annex B byte stream that arrives in pieces (ITU-T H.264
//! Annex B: each NAL unit follows a `00 00 01` start code): a small state machine
//! carries the zeros seen and a split NAL header across pieces. It reads each access
//! unit only up to its first slice: that slice's type says whether the unit is a
//! random-access point, and the parameter sets (copied, bounded) come before it
//! (H.264 §7.4.1.2.3, H.265 §7.4.2.4.4).

use alloc::vec::Vec;

use super::params::ParameterSets;
use super::sei::SeiWalker;
use crate::codec::{h264, h265};

/// Longest parameter set copied; a longer one is ignored.
pub(crate) const MAX_PARAMETER_SET: usize = 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Looking for a start code.
    Scan,
    /// Reading the NAL header after a start code (`got` bytes so far).
    Header { bytes: [u8; 2], got: u8 },
    /// The unit's first slice was seen: nothing more to learn.
    Done,
}

/// Scans one access unit at a time.
#[derive(Debug)]
pub(crate) struct NalScanner {
    hevc: bool,
    zeros: u8,
    state: State,
    /// A parameter set being copied (its NAL header included), or `None`.
    capture: Option<Vec<u8>>,
    /// An H.264 SEI NAL unit being walked.
    sei: Option<SeiWalker>,
    /// A recovery point SEI came before the first slice (H.264).
    recovery_point: bool,
    keyframe: bool,
}

impl NalScanner {
    /// A scanner for H.264 (`hevc` false) or H.265.
    pub(crate) fn new(hevc: bool) -> Self {
        Self {
            hevc,
            zeros: 0,
            state: State::Scan,
            capture: None,
            sei: None,
            recovery_point: false,
            keyframe: false,
        }
    }

    /// Starts a new access unit.
    pub(crate) fn begin(&mut self) {
        *self = Self::new(self.hevc);
    }

    /// Whether the unit is a random-access point: its first slice is an IDR (H.264)
    /// or IRAP (H.265) slice, or (H.264) a recovery point SEI precedes it.
    pub(crate) fn keyframe(&self) -> bool {
        self.keyframe
    }

    /// Scans the next bytes of the access unit; parameter sets go to `sets`.
    pub(crate) fn push(&mut self, data: &[u8], sets: &mut ParameterSets) {
        let mut i = 0usize;
        while i < data.len() {
            match self.state {
                State::Done => return,
                State::Header { mut bytes, got } => {
                    if let (Some(slot), Some(&b)) = (bytes.get_mut(usize::from(got)), data.get(i)) {
                        *slot = b;
                    }
                    i += 1;
                    let need = if self.hevc { 2 } else { 1 };
                    if usize::from(got) + 1 == need {
                        self.state = State::Scan;
                        self.nal_start(bytes.get(..need).unwrap_or_default());
                    } else {
                        self.state = State::Header {
                            bytes,
                            got: got + 1,
                        };
                    }
                }
                State::Scan => {
                    if self.capture.is_none() && self.sei.is_none() && self.zeros == 0 {
                        // Fast path: only a zero byte can begin a start code.
                        match data.get(i..).and_then(|r| r.iter().position(|&b| b == 0)) {
                            Some(k) => i += k,
                            None => return,
                        }
                    }
                    let Some(&b) = data.get(i) else { return };
                    i += 1;
                    if let Some(copy) = &mut self.capture {
                        if copy.len() < MAX_PARAMETER_SET + 3 && copy.try_reserve(1).is_ok() {
                            copy.push(b);
                        } else {
                            self.capture = None; // too long: not kept
                        }
                    }
                    if let Some(walker) = &mut self.sei {
                        walker.push(b);
                    }
                    if b == 0 {
                        self.zeros = self.zeros.saturating_add(1).min(3);
                    } else if b == 1 && self.zeros >= 2 {
                        self.end_capture(sets);
                        self.end_sei();
                        self.zeros = 0;
                        self.state = State::Header {
                            bytes: [0; 2],
                            got: 0,
                        };
                    } else {
                        self.zeros = 0;
                    }
                }
            }
        }
    }

    fn nal_start(&mut self, header: &[u8]) {
        let Some(&first) = header.first() else { return };
        let (is_set, is_slice, is_key) = if self.hevc {
            let t = h265::nal_type(first);
            (
                matches!(t, h265::nal::VPS | h265::nal::SPS | h265::nal::PPS),
                h265::is_vcl(t),
                h265::is_irap(t),
            )
        } else {
            let t = h264::nal_type(first);
            (
                matches!(t, h264::nal::SPS | h264::nal::PPS),
                h264::is_vcl(t),
                t == h264::nal::IDR,
            )
        };
        if is_slice {
            self.keyframe = is_key || self.recovery_point;
            self.state = State::Done;
        } else if !self.hevc && h264::nal_type(first) == h264::nal::SEI {
            self.sei = Some(SeiWalker::default());
        } else if is_set {
            let mut copy = Vec::new();
            if copy.try_reserve(64).is_ok() {
                copy.extend_from_slice(header);
                self.capture = Some(copy);
            }
        }
    }

    /// A NAL unit ended (a start code, or the end of the access unit): a copied
    /// parameter set loses the start code's bytes and trailing zeros, and is stored.
    fn end_capture(&mut self, sets: &mut ParameterSets) {
        let Some(mut copy) = self.capture.take() else {
            return;
        };
        if copy.last() == Some(&1) && self.zeros >= 2 {
            copy.pop();
        }
        while copy.last() == Some(&0) {
            copy.pop();
        }
        if copy.len() <= MAX_PARAMETER_SET {
            sets.insert(&copy);
        }
    }

    /// An SEI NAL unit ended.
    fn end_sei(&mut self) {
        if let Some(walker) = self.sei.take() {
            self.recovery_point |= walker.found();
        }
    }

    /// The access unit ended.
    pub(crate) fn end(&mut self, sets: &mut ParameterSets) {
        self.end_capture(sets);
        self.sei = None;
        self.state = State::Done;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    const SPS: [u8; 24] = [
        0x67, 0x64, 0x00, 0x0d, 0xac, 0xd3, 0x05, 0x06, 0x7e, 0x7c, 0x04, 0x40, 0x00, 0x00, 0x03,
        0x00, 0x40, 0x00, 0x00, 0x0c, 0x83, 0xc5, 0x0a, 0x4e,
    ];
    const PPS: [u8; 4] = [0x68, 0xef, 0xbc, 0xb0];

    fn access_unit(slice_type: u8) -> Vec<u8> {
        let mut au = vec![0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 1];
        au.extend_from_slice(&SPS);
        au.extend_from_slice(&[0, 0, 0, 1]);
        au.extend_from_slice(&PPS);
        au.extend_from_slice(&[0, 0, 1, 0x60 | slice_type, 0x88, 0x84, 0x00, 0x00]);
        au
    }

    #[test]
    fn parameter_sets_and_idr_are_found_in_any_split() {
        let au = access_unit(5);
        for chunk in [1, 2, 3, 5, 100] {
            let mut scanner = NalScanner::new(false);
            let mut sets = ParameterSets::new(false);
            for piece in au.chunks(chunk) {
                scanner.push(piece, &mut sets);
            }
            scanner.end(&mut sets);
            assert!(scanner.keyframe(), "chunk {chunk}");
            assert_eq!(sets.sps(), [&SPS[..]], "chunk {chunk}");
            assert_eq!(sets.pps(), [&PPS[..]], "chunk {chunk}");
        }
    }

    #[test]
    fn a_recovery_point_sei_before_an_i_slice_makes_a_keyframe() {
        // SEI: user data (type 5, 3 RBSP bytes 00 00 01, coded 00 00 03 01), then a
        // recovery point (type 6, 2 bytes), then the trailing bits.
        let mut au = vec![0, 0, 0, 1, 0x06, 5, 3, 0, 0, 3, 1, 6, 2, 0x80, 0x08, 0x80];
        au.extend_from_slice(&[0, 0, 1, 0x61, 0x88, 0x84]);
        for chunk in [1, 4, 100] {
            let mut scanner = NalScanner::new(false);
            let mut sets = ParameterSets::new(false);
            for piece in au.chunks(chunk) {
                scanner.push(piece, &mut sets);
            }
            assert!(scanner.keyframe(), "chunk {chunk}");
        }
        // The same SEI without the recovery point: not a keyframe.
        let mut au = vec![0, 0, 0, 1, 0x06, 5, 3, 0, 0, 3, 1, 0x80];
        au.extend_from_slice(&[0, 0, 1, 0x61, 0x88, 0x84]);
        let mut scanner = NalScanner::new(false);
        scanner.push(&au, &mut ParameterSets::new(false));
        assert!(!scanner.keyframe());
    }

    #[test]
    fn a_non_idr_slice_is_not_a_keyframe_and_sets_at_the_end_are_kept() {
        let mut scanner = NalScanner::new(false);
        let mut sets = ParameterSets::new(false);
        scanner.push(&access_unit(1), &mut sets);
        scanner.end(&mut sets);
        assert!(!scanner.keyframe());
        // An access unit that ends inside a parameter set.
        scanner.begin();
        let mut au = vec![0, 0, 1];
        au.extend_from_slice(&PPS);
        au.extend_from_slice(&[0, 0]);
        scanner.push(&au, &mut sets);
        scanner.end(&mut sets);
        assert_eq!(sets.pps(), [&PPS[..]]);
    }
}
