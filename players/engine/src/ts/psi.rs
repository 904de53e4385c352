//! Program-specific information: sections reassembled from packet payloads
//! (ISO/IEC 13818-1 §2.4.4: `pointer_field`, `section_length`) and checked with their
//! CRC_32 (Annex A).

use alloc::vec::Vec;

/// The longest PAT or PMT section: `section_length` is at most 1021 (§2.4.4.3).
const MAX_SECTION: usize = 3 + 1021;

/// Reassembles the sections of one PID.
#[derive(Debug, Default)]
pub(crate) struct SectionAssembler {
    buffer: Vec<u8>,
    /// A section has started (bytes before the first `pointer_field` are skipped).
    active: bool,
}

impl SectionAssembler {
    /// Feeds one packet's payload; each complete section whose CRC is right goes to
    /// `out`.
    pub(crate) fn push(&mut self, payload: &[u8], unit_start: bool, out: &mut dyn FnMut(&[u8])) {
        if !unit_start {
            if self.active {
                self.append(payload, out);
            }
            return;
        }
        let Some((&pointer, rest)) = payload.split_first() else {
            return;
        };
        let (tail, start) = rest
            .split_at_checked(usize::from(pointer))
            .unwrap_or((rest, &[]));
        if self.active {
            self.append(tail, out);
        }
        self.buffer.clear();
        self.active = true;
        self.append(start, out);
    }

    /// Forgets a partial section (after a loss).
    pub(crate) fn reset(&mut self) {
        self.buffer.clear();
        self.active = false;
    }

    fn append(&mut self, data: &[u8], out: &mut dyn FnMut(&[u8])) {
        if self.buffer.try_reserve(data.len()).is_err() {
            self.reset();
            return;
        }
        self.buffer.extend_from_slice(data);
        loop {
            let Some(&[table_id, b1, b2]) = self.buffer.first_chunk::<3>() else {
                return;
            };
            if table_id == 0xff {
                // Stuffing: nothing more in this packet.
                self.reset();
                return;
            }
            let total = 3 + ((usize::from(b1 & 0x0f) << 8) | usize::from(b2));
            if total > MAX_SECTION {
                self.reset();
                return;
            }
            let Some(section) = self.buffer.get(..total) else {
                return;
            };
            if crc32(section) == 0 {
                out(section);
            }
            self.buffer.drain(..total);
        }
    }
}

/// CRC-32/MPEG-2 (Annex A: polynomial 0x04C11DB7, initial 0xFFFFFFFF, no
/// reflection); over a whole section, CRC_32 included, it gives 0.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    data.iter().fold(0xffff_ffff_u32, |mut crc, &byte| {
        crc ^= u32::from(byte) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04c1_1db7
            } else {
                crc << 1
            };
        }
        crc
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// The PAT of the fixtures (program 1 on PID 0x1000).
    const PAT: [u8; 16] = [
        0x00, 0xb0, 0x0d, 0x00, 0x01, 0xc1, 0x00, 0x00, 0x00, 0x01, 0xf0, 0x00, 0x2a, 0xb1, 0x04,
        0xb2,
    ];

    #[test]
    fn crc_of_a_whole_section_is_zero() {
        assert_eq!(crc32(&PAT), 0);
        assert_eq!(crc32(b"123456789"), 0x0376_e6e7);
    }

    #[test]
    fn sections_are_reassembled_across_packets_and_checked() {
        let mut a = SectionAssembler::default();
        let mut got = vec![];
        let mut first = vec![3, 0xaa, 0xbb, 0xcc]; // pointer_field skips 3 bytes
        first.extend_from_slice(&PAT[..5]);
        a.push(&first, true, &mut |s| got.push(s.to_vec()));
        assert!(got.is_empty());
        let mut second = PAT[5..].to_vec();
        second.extend_from_slice(&[0xff; 20]);
        a.push(&second, false, &mut |s| got.push(s.to_vec()));
        assert_eq!(got, [PAT.to_vec()]);
        // A damaged copy is not given out.
        let mut bad = vec![0];
        bad.extend_from_slice(&PAT);
        bad[8] ^= 1;
        a.push(&bad, true, &mut |s| got.push(s.to_vec()));
        assert_eq!(got.len(), 1);
        // Two sections in one payload.
        let mut two = vec![0];
        two.extend_from_slice(&PAT);
        two.extend_from_slice(&PAT);
        a.push(&two, true, &mut |s| got.push(s.to_vec()));
        assert_eq!(got.len(), 3);
    }
}
