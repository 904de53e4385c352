//! The frame syntaxes an audio elementary stream may use, and the header probe the
//! frame splitter calls on the bytes at a candidate sync position.

use crate::codec::aac::AdtsHeader;
use crate::codec::ac3::{self, Ac3Header};
use crate::codec::mpa::{self, MpaHeader};
use crate::codec::AudioHeader;

/// How an audio elementary stream is framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// AAC in ADTS frames (ISO/IEC 13818-7 §6.2).
    Adts,
    /// MPEG audio Layer III frames (ISO/IEC 11172-3 §2.4.1).
    Mpeg,
    /// AC-3 or E-AC-3 sync frames (ATSC A/52).
    Ac3,
}

/// What the bytes at a candidate position are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Probe {
    /// Undecided until this many bytes are available.
    Need(usize),
    /// Not a frame header.
    NoSync,
    /// A frame header; `info` when the frame is an encoder's information frame.
    Frame { header: AudioHeader, info: bool },
}

impl Syntax {
    /// Whether a byte can start a frame (first byte of the sync word).
    pub(crate) fn may_start(self, byte: u8) -> bool {
        match self {
            Syntax::Adts | Syntax::Mpeg => byte == 0xff,
            Syntax::Ac3 => byte == ac3::SYNC_WORD[0],
        }
    }

    /// Looks at `bytes` (starting at a candidate position). A header is only
    /// accepted if its frame is at least as long as the bytes the probe needed, so the
    /// probed bytes always belong to the frame. `check_info` asks whether an MP3 frame
    /// is an encoder's information frame.
    pub(crate) fn probe(self, bytes: &[u8], check_info: bool) -> Probe {
        let (need, parsed) = match self {
            Syntax::Adts => {
                if bytes.len() < AdtsHeader::MIN_LENGTH {
                    return Probe::Need(AdtsHeader::MIN_LENGTH);
                }
                match AdtsHeader::parse(bytes) {
                    Ok(h) if bytes.len() < usize::from(h.header_length) => {
                        return Probe::Need(usize::from(h.header_length))
                    }
                    Ok(h) => (usize::from(h.header_length), h.audio_header()),
                    Err(_) => return Probe::NoSync,
                }
            }
            Syntax::Mpeg => {
                if bytes.len() < MpaHeader::LENGTH {
                    return Probe::Need(MpaHeader::LENGTH);
                }
                let Ok(h) = MpaHeader::parse(bytes) else {
                    return Probe::NoSync;
                };
                if check_info {
                    let want = mpa::INFO_PROBE_LENGTH.min(h.frame_length as usize);
                    if bytes.len() < want {
                        return Probe::Need(want);
                    }
                    return Probe::Frame {
                        header: h.audio_header(),
                        info: mpa::is_info_frame(&h, bytes),
                    };
                }
                (MpaHeader::LENGTH, h.audio_header())
            }
            Syntax::Ac3 => {
                if bytes.len() < ac3::PROBE_LENGTH {
                    return Probe::Need(ac3::PROBE_LENGTH);
                }
                match Ac3Header::parse(bytes) {
                    Ok(h) => (ac3::PROBE_LENGTH, h.audio_header()),
                    Err(_) => return Probe::NoSync,
                }
            }
        };
        if (parsed.frame_length as usize) < need.max(bytes.len()) {
            return Probe::NoSync;
        }
        Probe::Frame {
            header: parsed,
            info: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_ask_for_more_bytes_then_decide() {
        let adts = [0xff, 0xf1, 0x4c, 0x80, 0x13, 0x7f, 0xfc];
        assert_eq!(Syntax::Adts.probe(&adts[..3], false), Probe::Need(7));
        assert!(matches!(
            Syntax::Adts.probe(&adts, false),
            Probe::Frame { info: false, .. }
        ));
        // With a CRC the header is 9 bytes.
        let crc = [0xff, 0xf0, 0x4c, 0x80, 0x13, 0x7f, 0xfc];
        assert_eq!(Syntax::Adts.probe(&crc, false), Probe::Need(9));
        assert_eq!(
            Syntax::Adts.probe(&[0xff, 0x00, 0, 0, 0, 0, 0], false),
            Probe::NoSync
        );
        let mp3 = [0xff, 0xfb, 0x52, 0xc4];
        assert!(matches!(
            Syntax::Mpeg.probe(&mp3, false),
            Probe::Frame { .. }
        ));
        assert_eq!(Syntax::Mpeg.probe(&mp3, true), Probe::Need(40));
        assert_eq!(Syntax::Ac3.probe(&[0x0b, 0x77], false), Probe::Need(8));
    }

    #[test]
    fn a_frame_shorter_than_its_probe_is_no_sync() {
        // E-AC-3 with frmsiz 0: a 2-byte frame cannot hold its own header.
        let tiny = [0x0b, 0x77, 0x00, 0x00, 0x32, 0x87, 0xc0, 0x00];
        assert_eq!(Syntax::Ac3.probe(&tiny, false), Probe::NoSync);
    }
}
