//! Looking for a recovery point in an H.264 SEI NAL unit as it streams by (ITU-T
//! H.264 §7.3.2.3.1, payload type 6, §D.1.8): with open GOPs (broadcast), an I frame
//! carrying one is where decoding can start, and ffmpeg flags it as a keyframe. The
//! messages are walked by their coded sizes, which count RBSP bytes, so
//! emulation-prevention bytes are left out as they pass.

/// `recovery_point` SEI payload type.
const RECOVERY_POINT: u32 = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    /// `last_payload_type_byte` and the 0xFF bytes before it.
    Type(u32),
    /// `last_payload_size_byte` and the 0xFF bytes before it.
    Size { kind: u32, size: u32 },
    /// The payload: bytes still to skip.
    Payload(u32),
}

/// Walks the SEI messages of one NAL unit (fed its payload after the NAL header).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SeiWalker {
    field: Field,
    zeros: u8,
    found: bool,
}

impl Default for SeiWalker {
    fn default() -> Self {
        Self {
            field: Field::Type(0),
            zeros: 0,
            found: false,
        }
    }
}

impl SeiWalker {
    /// Whether a recovery point message was found.
    pub(crate) fn found(&self) -> bool {
        self.found
    }

    /// Feeds one byte of the NAL unit's payload.
    pub(crate) fn push(&mut self, byte: u8) {
        if self.zeros >= 2 && byte == 3 {
            self.zeros = 0;
            return; // emulation_prevention_three_byte
        }
        self.zeros = if byte == 0 {
            self.zeros.saturating_add(1)
        } else {
            0
        };
        let value = u32::from(byte);
        self.field = match self.field {
            Field::Type(sum) if byte == 0xff => Field::Type(sum.saturating_add(255)),
            Field::Type(sum) => Field::Size {
                kind: sum.saturating_add(value),
                size: 0,
            },
            Field::Size { kind, size } if byte == 0xff => Field::Size {
                kind,
                size: size.saturating_add(255),
            },
            Field::Size { kind, size } => {
                let size = size.saturating_add(value);
                if kind == RECOVERY_POINT && size > 0 {
                    self.found = true;
                }
                if size == 0 {
                    Field::Type(0)
                } else {
                    Field::Payload(size)
                }
            }
            Field::Payload(1) => Field::Type(0),
            Field::Payload(left) => Field::Payload(left - 1),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn walk(payload: &[u8]) -> bool {
        let mut w = SeiWalker::default();
        payload.iter().for_each(|&b| w.push(b));
        w.found()
    }

    #[test]
    fn a_recovery_point_after_other_messages_is_found() {
        // user data unregistered (type 5) of 300 bytes, then recovery point (6, 2 bytes).
        let mut sei = vec![5, 0xff, 45];
        sei.extend([0x11; 300]);
        sei.extend([6, 2, 0x80, 0x08, 0x80]);
        assert!(walk(&sei));
    }

    #[test]
    fn sizes_count_bytes_without_emulation_prevention() {
        // A 4-byte payload coded 00 00 03 00 06: the escaped 0x03 is not counted,
        // so the 0x06 is the payload's last byte, not a message type.
        let sei = [1, 4, 0, 0, 3, 0, 6, 0x80];
        assert!(!walk(&sei));
        assert!(!walk(&[6, 0])); // an empty message is not a recovery point
        assert!(!walk(&[4, 3, 6, 1, 1, 0x80]));
    }
}
