//! Cutting the byte stream into 188-byte packets, whatever the chunk edges: a packet
//! split by an edge is completed in a small buffer. ISO/IEC 13818-1 §2.4.3.3 makes
//! `0x47` the only fixed byte, and it also occurs in payload, so a packet is only
//! given out when the byte 188 further on is a sync byte too (or the input ends):
//! this finds sync after garbage, and drops a packet cut short by lost bytes instead
//! of reading the next packet's bytes as its payload. The price: a whole packet
//! followed by garbage is dropped too, as it cannot be told from a cut one.

use heapless::Vec as BoundedVec;

use super::packet::{PACKET_LENGTH, SYNC_BYTE};

/// Where whole packets go, with their input offsets; an error stops the push.
pub(crate) type PacketSink<'a, E> = dyn FnMut(&[u8], u64) -> Result<(), E> + 'a;

/// Bytes the carry buffer holds: a packet and the next packet's first byte.
const CARRY: usize = PACKET_LENGTH + 1;

/// Splits a stream into packets.
#[derive(Debug, Default)]
pub(crate) struct Packetizer {
    /// Bytes of an incomplete packet (locked) or of a candidate (searching).
    carry: BoundedVec<u8, CARRY>,
    /// Input offset of `carry[0]`.
    carry_offset: u64,
    /// Input offset of the next byte pushed.
    offset: u64,
    /// At a sync byte believed to start a packet (a candidate the search found, or
    /// the byte after a packet).
    locked: bool,
    /// A packet was confirmed since sync was last lost (for counting losses).
    confirmed: bool,
    /// Times sync was lost after it was found.
    pub(crate) sync_losses: u64,
    /// Bytes that were not part of any packet.
    pub(crate) skipped_bytes: u64,
}

impl Packetizer {
    /// Feeds a chunk; each whole packet goes to `out` with its input offset. A packet
    /// is only given out once the byte after it is known to be a sync byte (or the
    /// input ended), so a packet cut short by lost bytes is dropped rather than read
    /// with the next packet's bytes in it. Stops at the first error `out` returns.
    pub(crate) fn push<E>(&mut self, chunk: &[u8], out: &mut PacketSink<'_, E>) -> Result<(), E> {
        let base = self.offset;
        self.offset += chunk.len() as u64;
        let mut pos = 0usize;
        while let Some(rest) = chunk.get(pos..).filter(|r| !r.is_empty()) {
            if !self.carry.is_empty() {
                pos += self.advance_carry(rest, out)?;
                continue;
            }
            if !self.locked {
                let Some(found) = rest.iter().position(|&b| b == SYNC_BYTE) else {
                    self.skipped_bytes += rest.len() as u64;
                    return Ok(());
                };
                self.skipped_bytes += found as u64;
                pos += found;
                self.locked = true; // at a candidate
                continue;
            }
            if rest.first() != Some(&SYNC_BYTE) {
                self.lose_sync();
                continue;
            }
            match rest.get(PACKET_LENGTH) {
                Some(&SYNC_BYTE) => {
                    self.confirmed = true;
                    out(
                        rest.get(..PACKET_LENGTH).unwrap_or_default(),
                        base + pos as u64,
                    )?;
                    pos += PACKET_LENGTH;
                }
                Some(_) => {
                    self.lose_sync();
                    self.skipped_bytes += 1;
                    pos += 1;
                }
                None => pos += self.start_carry(rest, base + pos as u64),
            }
        }
        Ok(())
    }

    /// The sync byte expected is not there (counted once per loss of a confirmed
    /// sync): search again.
    fn lose_sync(&mut self) {
        if self.confirmed {
            self.sync_losses += 1;
        }
        self.confirmed = false;
        self.locked = false;
    }

    /// Copies the tail of a chunk (shorter than a packet and its next byte).
    fn start_carry(&mut self, rest: &[u8], at: u64) -> usize {
        self.carry.clear();
        let _ = self
            .carry
            .extend_from_slice(rest.get(..CARRY.min(rest.len())).unwrap_or_default());
        self.carry_offset = at;
        rest.len().min(CARRY)
    }

    /// Adds bytes to a non-empty carry (which starts with a sync byte); returns how
    /// many of `rest` it used.
    fn advance_carry<E>(&mut self, rest: &[u8], out: &mut PacketSink<'_, E>) -> Result<usize, E> {
        let take = CARRY.saturating_sub(self.carry.len()).min(rest.len());
        let _ = self
            .carry
            .extend_from_slice(rest.get(..take).unwrap_or_default());
        if self.carry.len() < CARRY {
            return Ok(take);
        }
        if self.carry.get(PACKET_LENGTH) == Some(&SYNC_BYTE) {
            self.locked = true;
            self.confirmed = true;
            let packet = self.carry.get(..PACKET_LENGTH).unwrap_or_default();
            out(packet, self.carry_offset)?;
            // The byte after the packet came from `rest`: give it back.
            self.carry.clear();
            return Ok(take.saturating_sub(1));
        }
        // Not a packet: look for the next sync byte inside the carry.
        self.lose_sync();
        let next = self.carry.iter().skip(1).position(|&b| b == SYNC_BYTE);
        let drop = next.map_or(self.carry.len(), |i| i + 1);
        self.skipped_bytes += drop as u64;
        let kept: BoundedVec<u8, CARRY> = self.carry.iter().skip(drop).copied().collect();
        self.carry = kept;
        self.carry_offset += drop as u64;
        Ok(take)
    }

    /// The input ended. Returns the bytes of an incomplete last packet, if any (after
    /// delivering a last candidate that is a whole packet).
    pub(crate) fn finish<E>(
        &mut self,
        out: &mut PacketSink<'_, E>,
    ) -> Result<Option<BoundedVec<u8, CARRY>>, E> {
        let carry = core::mem::take(&mut self.carry);
        if carry.len() == PACKET_LENGTH && carry.first() == Some(&SYNC_BYTE) {
            out(&carry, self.carry_offset)?;
            return Ok(None);
        }
        if carry.is_empty() {
            return Ok(None);
        }
        if !self.confirmed {
            // A candidate that never proved to be a packet.
            self.skipped_bytes += carry.len() as u64;
            return Ok(None);
        }
        Ok(Some(carry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    fn stream(packets: usize) -> Vec<u8> {
        (0..packets)
            .flat_map(|i| {
                let mut p = [i as u8; PACKET_LENGTH];
                p[0] = SYNC_BYTE;
                p
            })
            .collect()
    }

    fn split(input: &[u8], chunk: usize) -> (Vec<u64>, Packetizer) {
        let mut p = Packetizer::default();
        let mut offsets = Vec::new();
        let mut out = |packet: &[u8], at: u64| -> Result<(), ()> {
            assert_eq!(packet, &input[at as usize..at as usize + PACKET_LENGTH]);
            offsets.push(at);
            Ok(())
        };
        for piece in input.chunks(chunk) {
            p.push(piece, &mut out).unwrap();
        }
        p.finish(&mut out).unwrap();
        (offsets, p)
    }

    #[test]
    fn packets_come_out_whole_in_any_chunking() {
        let input = stream(5);
        for chunk in [1, 2, 187, 188, 189, 1000] {
            let (offsets, p) = split(&input, chunk);
            assert_eq!(offsets, [0, 188, 376, 564, 752], "chunk {chunk}");
            assert_eq!(p.skipped_bytes, 0);
        }
    }

    #[test]
    fn garbage_with_false_sync_bytes_is_skipped() {
        let mut input = vec![0x47, 1, 2, 0x47, 0x47, 9];
        input.extend(stream(3));
        for chunk in [1, 5, 188, 1000] {
            let (offsets, p) = split(&input, chunk);
            assert_eq!(offsets, [6, 194, 382], "chunk {chunk}");
            assert_eq!(p.skipped_bytes, 6);
        }
    }

    #[test]
    fn lost_sync_is_counted_and_found_again() {
        // Junk after packet 1: packet 1 cannot be told from a packet cut short (its
        // end is not followed by a sync byte), so it is dropped with the junk.
        let mut input = stream(2);
        input.extend([0u8; 50]);
        input.extend(stream(2));
        for chunk in [1, 100, 1000] {
            let (offsets, p) = split(&input, chunk);
            assert_eq!(offsets, [0, 426, 614], "chunk {chunk}");
            assert_eq!((p.sync_losses, p.skipped_bytes), (1, 188 + 50));
        }
    }

    #[test]
    fn a_packet_cut_short_is_not_given_out() {
        let mut input = stream(4);
        input.drain(188 + 100..2 * 188); // packet 1 loses its last 88 bytes
        for chunk in [1, 7, 1000] {
            let (offsets, p) = split(&input, chunk);
            assert_eq!(offsets, [0, 288, 476], "chunk {chunk}");
            assert_eq!((p.sync_losses, p.skipped_bytes), (1, 100));
        }
    }

    #[test]
    fn a_truncated_last_packet_is_returned() {
        let input = stream(2);
        let mut p = Packetizer::default();
        let mut count = 0;
        let mut out = |_: &[u8], _: u64| -> Result<(), ()> {
            count += 1;
            Ok(())
        };
        p.push(&input[..300], &mut out).unwrap();
        let tail = p.finish(&mut out).unwrap();
        assert_eq!(tail.map(|t| t.len()), Some(112));
        assert_eq!(count, 1);
    }
}
