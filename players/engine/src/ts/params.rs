//! The parameter sets a video stream has sent so far, by id (a later set with the
//! same id replaces an earlier one, H.264 §7.4.1.2.1), bounded in number, and the
//! configuration record built from them.

use alloc::vec::Vec;

use crate::codec::{avcc, h264, h265, hvcc, CodecError};

/// Sets of each kind kept (H.264 allows 32 SPS and 256 PPS ids; streams use one or
/// two).
const MAX_PER_KIND: usize = 8;

type Sets = Vec<(u32, Vec<u8>)>;

/// VPS (H.265 only), SPS and PPS, in the order their ids first appeared.
#[derive(Debug, Default)]
pub(crate) struct ParameterSets {
    hevc: bool,
    vps: Sets,
    sps: Sets,
    pps: Sets,
    changed: bool,
}

fn store(list: &mut Sets, id: u32, set: &[u8]) -> bool {
    if let Some((_, old)) = list.iter_mut().find(|(i, _)| *i == id) {
        if old.as_slice() == set {
            return false;
        }
        old.clear();
        if old.try_reserve(set.len()).is_err() {
            return false;
        }
        old.extend_from_slice(set);
        return true;
    }
    if list.len() >= MAX_PER_KIND || list.try_reserve(1).is_err() {
        return false;
    }
    let mut copy = Vec::new();
    if copy.try_reserve(set.len()).is_err() {
        return false;
    }
    copy.extend_from_slice(set);
    list.push((id, copy));
    true
}

impl ParameterSets {
    /// An empty store for H.264 (`hevc` false) or H.265.
    pub(crate) fn new(hevc: bool) -> Self {
        Self {
            hevc,
            ..Self::default()
        }
    }

    /// Stores a whole parameter-set NAL unit; one that does not parse is ignored.
    pub(crate) fn insert(&mut self, set: &[u8]) {
        let Some(&first) = set.first() else { return };
        let changed = if self.hevc {
            match h265::nal_type(first) {
                h265::nal::VPS => h265::vps_id(set).is_ok_and(|id| store(&mut self.vps, id, set)),
                h265::nal::SPS => {
                    h265::Sps::parse(set).is_ok_and(|s| store(&mut self.sps, s.id, set))
                }
                h265::nal::PPS => h265::pps_id(set).is_ok_and(|id| store(&mut self.pps, id, set)),
                _ => false,
            }
        } else {
            match h264::nal_type(first) {
                h264::nal::SPS => {
                    h264::Sps::parse(set).is_ok_and(|s| store(&mut self.sps, s.id, set))
                }
                h264::nal::PPS => h264::pps_id(set).is_ok_and(|id| store(&mut self.pps, id, set)),
                _ => false,
            }
        };
        self.changed |= changed;
    }

    /// Whether a set was added or replaced since the last call (and clears the flag).
    pub(crate) fn take_changed(&mut self) -> bool {
        core::mem::take(&mut self.changed)
    }

    /// The sequence parameter sets.
    pub(crate) fn sps(&self) -> Vec<&[u8]> {
        self.sps.iter().map(|(_, s)| s.as_slice()).collect()
    }

    /// The picture parameter sets.
    pub(crate) fn pps(&self) -> Vec<&[u8]> {
        self.pps.iter().map(|(_, s)| s.as_slice()).collect()
    }

    /// The `avcC` or `hvcC` record with the displayed size from the first SPS.
    ///
    /// # Errors
    /// [`CodecError`] while a kind of set is missing.
    pub(crate) fn record(&self) -> Result<(Vec<u8>, u32, u32), CodecError> {
        let (sps, pps) = (self.sps(), self.pps());
        let first = sps.first().ok_or(CodecError::Invalid("no SPS"))?;
        if self.hevc {
            let vps: Vec<&[u8]> = self.vps.iter().map(|(_, s)| s.as_slice()).collect();
            let info = h265::Sps::parse(first)?;
            Ok((hvcc::build_hvcc(&vps, &sps, &pps)?, info.width, info.height))
        } else {
            let info = h264::Sps::parse(first)?;
            Ok((avcc::build_avcc(&sps, &pps)?, info.width, info.height))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_with_a_known_id_replaces_the_old_one_and_repeats_change_nothing() {
        let mut sets = ParameterSets::new(false);
        sets.insert(&[0x68, 0xef, 0xbc, 0xb0]); // PPS id 0
        assert!(sets.take_changed());
        sets.insert(&[0x68, 0xef, 0xbc, 0xb0]);
        assert!(!sets.take_changed());
        sets.insert(&[0x68, 0xee, 0x3c, 0x80]); // PPS id 0 again, other content
        assert!(sets.take_changed());
        assert_eq!(sets.pps(), [&[0x68, 0xee, 0x3c, 0x80][..]]);
        sets.insert(&[0x68, 0x40]); // PPS id 1 (ue 010)
        assert_eq!(sets.pps().len(), 2);
        assert!(sets.record().is_err(), "no SPS yet");
        sets.insert(&[0x67]); // an SPS that does not parse
        assert!(sets.sps().is_empty());
    }
}
