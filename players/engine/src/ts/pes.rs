//! PES packet headers (ISO/IEC 13818-1 §2.4.3.6, §2.4.3.7), read incrementally: the
//! header may be split over TS packets, so its first bytes (at most 19: the fixed part
//! and PTS/DTS) are copied and the rest of `PES_header_data_length` is skipped.

use heapless::Vec as BoundedVec;

/// Fixed part, optional-header flags, and PTS + DTS.
const KEPT: usize = 9 + 10;

/// What a PES header says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PesHeader {
    /// `stream_id`.
    pub stream_id: u8,
    /// Raw 33-bit presentation timestamp.
    pub pts: Option<u64>,
    /// Raw 33-bit decoding timestamp (absent: equal to the PTS).
    pub dts: Option<u64>,
    /// Payload bytes after the header, when `PES_packet_length` is not 0.
    pub payload_length: Option<u32>,
}

/// Why a PES header was not usable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PesError {
    /// No `packet_start_code_prefix`, bad marker bits, or lengths that contradict.
    Malformed,
}

/// Stream ids whose PES packets have no optional header (§2.4.3.7, Table 2-22 note).
fn has_no_optional_header(stream_id: u8) -> bool {
    matches!(
        stream_id,
        0xbc | 0xbe | 0xbf | 0xf0 | 0xf1 | 0xf2 | 0xf8 | 0xff
    )
}

/// A 33-bit timestamp from its 5 bytes (`'001x' ts[32..30] 1 ts[29..15] 1 ts[14..0] 1`).
fn timestamp(b: &[u8]) -> Option<u64> {
    let &[b0, b1, b2, b3, b4] = b.first_chunk::<5>()?;
    Some(
        (u64::from((b0 >> 1) & 7) << 30)
            | (u64::from(b1) << 22)
            | (u64::from(b2 >> 1) << 15)
            | (u64::from(b3) << 7)
            | u64::from(b4 >> 1),
    )
}

/// Reads one PES header from the bytes that follow a payload unit start.
#[derive(Debug, Default)]
pub(crate) struct PesHeaderReader {
    kept: BoundedVec<u8, KEPT>,
    /// Header bytes still to skip once the kept part is read.
    skip: Option<usize>,
    header: PesHeader,
}

/// Progress of a [`PesHeaderReader`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PesProgress {
    /// All of the input was header; more is needed.
    More,
    /// The header ended after this many input bytes.
    Done(usize, PesHeader),
}

impl PesHeaderReader {
    /// Feeds bytes of the header.
    ///
    /// # Errors
    /// [`PesError::Malformed`] when the bytes cannot be a PES header.
    pub(crate) fn push(&mut self, data: &[u8]) -> Result<PesProgress, PesError> {
        let mut used = 0;
        loop {
            if let Some(skip) = &mut self.skip {
                let n = (*skip).min(data.len() - used);
                *skip -= n;
                used += n;
                if *skip > 0 {
                    return Ok(PesProgress::More);
                }
                return Ok(PesProgress::Done(used, self.header));
            }
            let want = self.wanted()?;
            if self.kept.len() < want {
                let rest = data.get(used..).unwrap_or_default();
                let n = (want - self.kept.len()).min(rest.len());
                let _ = self
                    .kept
                    .extend_from_slice(rest.get(..n).unwrap_or_default());
                used += n;
                if self.kept.len() < want {
                    return Ok(PesProgress::More);
                }
                continue;
            }
            self.skip = Some(self.parse()?);
        }
    }

    /// How many header bytes to keep, given those kept so far.
    fn wanted(&self) -> Result<usize, PesError> {
        let k = &self.kept;
        if k.len() < 6 {
            return Ok(6);
        }
        if k.get(..3) != Some(&[0, 0, 1][..]) {
            return Err(PesError::Malformed);
        }
        if k.get(3).copied().is_some_and(has_no_optional_header) {
            return Ok(6);
        }
        match k.get(7) {
            None => Ok(9),
            Some(flags) => Ok(match flags >> 6 {
                2 => 14,
                3 => 19,
                _ => 9,
            }),
        }
    }

    /// With every kept byte read: fills the header, returns the bytes to skip.
    fn parse(&mut self) -> Result<usize, PesError> {
        let k = &self.kept;
        let Some(&[_, _, _, stream_id, l0, l1]) = k.first_chunk::<6>() else {
            return Err(PesError::Malformed);
        };
        let packet_length = usize::from(u16::from_be_bytes([l0, l1]));
        self.header.stream_id = stream_id;
        if has_no_optional_header(stream_id) {
            self.header.payload_length = (packet_length != 0).then_some(packet_length as u32);
            return Ok(0);
        }
        let Some(&[_, _, _, _, _, _, marker, flags, data_length]) = k.first_chunk::<9>() else {
            return Err(PesError::Malformed);
        };
        let data_length = usize::from(data_length);
        if marker & 0xc0 != 0x80 || k.len() - 9 > data_length || flags >> 6 == 1 {
            return Err(PesError::Malformed);
        }
        if flags >> 6 >= 2 {
            self.header.pts = k.get(9..14).and_then(timestamp);
        }
        if flags >> 6 == 3 {
            self.header.dts = k.get(14..19).and_then(timestamp);
        }
        if packet_length != 0 {
            let payload = packet_length
                .checked_sub(3 + data_length)
                .ok_or(PesError::Malformed)?;
            self.header.payload_length = Some(payload as u32);
        }
        Ok(data_length - (k.len() - 9))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first video PES header of `hls-ts/v0_000.ts`: PTS 129600, DTS 126000.
    const VIDEO: [u8; 19] = [
        0x00, 0x00, 0x01, 0xe0, 0x00, 0x00, 0x80, 0xc0, 0x0a, 0x31, 0x00, 0x07, 0xf4, 0x81, 0x11,
        0x00, 0x07, 0xd8, 0x61,
    ];

    #[test]
    fn pts_and_dts_are_read_in_any_split() {
        for split in 0..VIDEO.len() {
            let mut r = PesHeaderReader::default();
            let mut data = VIDEO.to_vec();
            data.extend_from_slice(b"payload");
            assert_eq!(r.push(&data[..split]), Ok(PesProgress::More));
            let Ok(PesProgress::Done(used, h)) = r.push(&data[split..]) else {
                panic!("split {split}");
            };
            assert_eq!(used, VIDEO.len() - split);
            assert_eq!(
                (h.stream_id, h.pts, h.dts, h.payload_length),
                (0xe0, Some(129_600), Some(126_000), None)
            );
        }
    }

    #[test]
    fn stuffing_in_the_header_is_skipped_and_the_length_gives_the_payload() {
        // Audio: PES_packet_length 20, PTS only, 3 stuffing bytes.
        let header = [
            0x00, 0x00, 0x01, 0xc0, 0x00, 0x14, 0x80, 0x80, 0x08, 0x21, 0x00, 0x01, 0x00, 0x01,
            0xff, 0xff, 0xff,
        ];
        let mut r = PesHeaderReader::default();
        let Ok(PesProgress::Done(17, h)) = r.push(&header) else {
            panic!()
        };
        assert_eq!((h.pts, h.dts, h.payload_length), (Some(0), None, Some(9)));
    }

    #[test]
    fn malformed_headers_are_errors() {
        let mut r = PesHeaderReader::default();
        assert_eq!(r.push(&[0, 0, 2, 0xe0, 0, 0]), Err(PesError::Malformed));
        // A header longer than its packet.
        let mut r = PesHeaderReader::default();
        assert_eq!(
            r.push(&[0, 0, 1, 0xe0, 0, 4, 0x80, 0x00, 0x05]),
            Err(PesError::Malformed)
        );
        // PTS flags but a data length too short for it.
        let mut r = PesHeaderReader::default();
        let bad = [0, 0, 1, 0xe0, 0, 0, 0x80, 0x80, 0x02, 0x21, 0, 1, 0, 1];
        assert_eq!(r.push(&bad), Err(PesError::Malformed));
    }
}
