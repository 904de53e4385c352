//! The transport packet header and adaptation field (ISO/IEC 13818-1 §2.4.3.2,
//! §2.4.3.4). Parse once; the accessors cannot fail.

/// Bytes of a transport packet.
pub const PACKET_LENGTH: usize = 188;

/// The sync byte that starts every packet.
pub const SYNC_BYTE: u8 = 0x47;

/// The null packet PID (§2.4.3.3, Table 2-3).
pub const NULL_PID: u16 = 0x1fff;

/// A parsed packet header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketHeader {
    /// `transport_error_indicator`: the packet is known to be damaged.
    pub transport_error: bool,
    /// `payload_unit_start_indicator`: a PES or a section starts here.
    pub unit_start: bool,
    /// The PID.
    pub pid: u16,
    /// `transport_scrambling_control` is not `00`.
    pub scrambled: bool,
    /// The packet carries payload (`adaptation_field_control` `01` or `11`).
    pub has_payload: bool,
    /// `continuity_counter`.
    pub continuity: u8,
    /// The adaptation field's `discontinuity_indicator`.
    pub discontinuity: bool,
    /// The adaptation field's `random_access_indicator`.
    pub random_access: bool,
    /// Where the payload starts in the packet (188 when there is none).
    pub payload_start: usize,
}

/// Why a packet was not usable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PacketError {
    /// Not 188 bytes starting with the sync byte.
    NotAPacket,
    /// `adaptation_field_control` `00` (reserved) or an adaptation field longer
    /// than the packet.
    BadAdaptationField,
}

impl PacketHeader {
    /// Parses a 188-byte packet.
    ///
    /// # Errors
    /// [`PacketError`] when the bytes are not a usable packet.
    pub fn parse(packet: &[u8]) -> Result<Self, PacketError> {
        let Some(&[sync, b1, b2, b3]) = packet.first_chunk::<4>() else {
            return Err(PacketError::NotAPacket);
        };
        if sync != SYNC_BYTE || packet.len() != PACKET_LENGTH {
            return Err(PacketError::NotAPacket);
        }
        let control = (b3 >> 4) & 3;
        let mut header = Self {
            transport_error: b1 & 0x80 != 0,
            unit_start: b1 & 0x40 != 0,
            pid: (u16::from(b1 & 0x1f) << 8) | u16::from(b2),
            scrambled: b3 & 0xc0 != 0,
            has_payload: control & 1 == 1,
            continuity: b3 & 0x0f,
            discontinuity: false,
            random_access: false,
            payload_start: 4,
        };
        match control {
            0 => return Err(PacketError::BadAdaptationField),
            2 | 3 => {
                // §2.4.3.5: adaptation_field_length, then the flags when it is not 0.
                let length = usize::from(*packet.get(4).ok_or(PacketError::NotAPacket)?);
                let limit = if control == 2 { 183 } else { 182 };
                if length > limit {
                    return Err(PacketError::BadAdaptationField);
                }
                if length > 0 {
                    let flags = packet.get(5).copied().unwrap_or(0);
                    header.discontinuity = flags & 0x80 != 0;
                    header.random_access = flags & 0x40 != 0;
                }
                header.payload_start = 5 + length;
            }
            _ => {}
        }
        if !header.has_payload {
            header.payload_start = PACKET_LENGTH;
        }
        Ok(header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(header: [u8; 4], adaptation: &[u8]) -> [u8; PACKET_LENGTH] {
        let mut p = [0xffu8; PACKET_LENGTH];
        p[..4].copy_from_slice(&header);
        p[4..4 + adaptation.len()].copy_from_slice(adaptation);
        p
    }

    #[test]
    fn header_fields_and_adaptation_field_are_read() {
        let p = packet([0x47, 0x41, 0x00, 0x37], &[7, 0xc0, 0, 0, 0, 0, 0, 0]);
        let h = PacketHeader::parse(&p).unwrap();
        assert!(h.unit_start && !h.transport_error && !h.scrambled && h.has_payload);
        assert_eq!((h.pid, h.continuity), (0x100, 7));
        assert!(h.discontinuity && h.random_access);
        assert_eq!(h.payload_start, 12);
        let h = PacketHeader::parse(&packet([0x47, 0x1f, 0xff, 0x10], &[])).unwrap();
        assert_eq!((h.pid, h.payload_start), (NULL_PID, 4));
    }

    #[test]
    fn impossible_packets_are_rejected() {
        assert_eq!(
            PacketHeader::parse(&packet([0x47, 0, 0, 0x00], &[])),
            Err(PacketError::BadAdaptationField)
        );
        assert_eq!(
            PacketHeader::parse(&packet([0x47, 0, 0, 0x30], &[183])),
            Err(PacketError::BadAdaptationField)
        );
        let h = PacketHeader::parse(&packet([0x47, 0, 0, 0x20], &[183])).unwrap();
        assert_eq!((h.has_payload, h.payload_start), (false, PACKET_LENGTH));
        assert_eq!(
            PacketHeader::parse(&[0x47; 100]),
            Err(PacketError::NotAPacket)
        );
        assert_eq!(
            PacketHeader::parse(&[0x46; 188]),
            Err(PacketError::NotAPacket)
        );
    }
}
