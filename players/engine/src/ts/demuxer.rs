//! The MPEG-TS push demuxer: packets → PAT → PMTs → followed elementary streams.

use alloc::string::String;
use alloc::vec::Vec;

use super::continuity::{Continuity, Verdict};
use super::packet::{PacketHeader, NULL_PID, PACKET_LENGTH};
use super::psi::SectionAssembler;
use super::stats::TsStats;
use super::stream::ElementaryStream;
use super::sync::Packetizer;
use super::tables::{read_pat, read_pmt, PmtStream};
use crate::media::{DemuxError, Demuxer, Event};
use crate::time::Unwrapper;

/// Programs followed (the PAT may list more; the first ones are kept).
pub const MAX_PROGRAMS: usize = 8;

/// Elementary streams followed over all programs.
pub const MAX_STREAMS: usize = 16;

/// A program of the PAT and its PMT's reassembly.
#[derive(Debug)]
struct Program {
    number: u16,
    pmt_pid: u16,
    sections: SectionAssembler,
    continuity: Continuity,
    /// Each program has its own clock (§2.4.2.1), so its own unwrapper.
    unwrapper: Unwrapper,
}

/// Everything but the packetizer, so the packetizer can call into it.
#[derive(Debug, Default)]
struct Inner {
    pat: SectionAssembler,
    pat_continuity: Continuity,
    programs: Vec<Program>,
    streams: Vec<ElementaryStream>,
    stats: TsStats,
}

/// A push demuxer for MPEG-2 transport streams (ISO/IEC 13818-1).
///
/// It follows the PAT and PMTs and reads the H.264, H.265, AAC (ADTS), MP3, AC-3,
/// E-AC-3 and ID3 streams they list. Track ids are PIDs; timestamps are in 90 kHz,
/// unwrapped past 2^33 per program. Access units name their bytes as input ranges
/// (one per TS packet at most), so nothing but PSI sections, PES headers, audio
/// frame headers, parameter sets and ID3 tags is ever copied. Damage (lost sync,
/// continuity gaps, malformed headers) drops the affected unit, is counted in
/// [`stats`](TsDemuxer::stats), and reading goes on.
#[derive(Debug, Default)]
pub struct TsDemuxer {
    packetizer: Packetizer,
    inner: Inner,
}

impl TsDemuxer {
    /// A demuxer at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// What was lost or thrown away so far.
    pub fn stats(&self) -> TsStats {
        let mut stats = self.inner.stats;
        stats.sync_losses = self.packetizer.sync_losses;
        stats.skipped_bytes = self.packetizer.skipped_bytes;
        for audio in self.inner.streams.iter().filter_map(|s| s.audio_stats()) {
            stats.audio_junk_bytes += audio.junk_bytes;
            stats.dropped_units += audio.dropped_frames;
        }
        stats
    }
}

impl Inner {
    fn packet(
        &mut self,
        packet: &[u8],
        offset: u64,
        sink: &mut dyn FnMut(Event),
    ) -> Result<(), DemuxError> {
        let Ok(header) = PacketHeader::parse(packet) else {
            self.stats.bad_packets += 1;
            return Ok(());
        };
        self.stats.packets += 1;
        if header.pid == NULL_PID {
            return Ok(());
        }
        let payload = packet.get(header.payload_start..).unwrap_or_default();
        let at = offset + header.payload_start as u64;
        if header.pid == 0 {
            self.pat_packet(&header, payload);
        } else if let Some(index) = self.programs.iter().position(|p| p.pmt_pid == header.pid) {
            self.pmt_packet(index, &header, payload);
        } else if let Some(stream) = self.streams.iter_mut().find(|s| s.pid == header.pid) {
            let unwrapper = match self.programs.get_mut(stream.program) {
                Some(p) => &mut p.unwrapper,
                None => return Ok(()),
            };
            stream.packet(&header, payload, at, unwrapper, &mut self.stats, sink)?;
        }
        Ok(())
    }

    /// Whether a PSI packet should be read, after its checks.
    fn psi_usable(
        header: &PacketHeader,
        continuity: &mut Continuity,
        sections: &mut SectionAssembler,
        stats: &mut TsStats,
    ) -> bool {
        if header.transport_error {
            stats.bad_packets += 1;
            sections.reset();
            return false;
        }
        match continuity.check(header) {
            Verdict::Continue => header.has_payload,
            Verdict::Duplicate => {
                stats.duplicate_packets += 1;
                false
            }
            Verdict::Gap => {
                stats.continuity_errors += 1;
                sections.reset();
                header.has_payload
            }
        }
    }

    fn pat_packet(&mut self, header: &PacketHeader, payload: &[u8]) {
        if !Self::psi_usable(
            header,
            &mut self.pat_continuity,
            &mut self.pat,
            &mut self.stats,
        ) {
            return;
        }
        let mut found = heapless::Vec::<(u16, u16), MAX_PROGRAMS>::new();
        self.pat.push(payload, header.unit_start, &mut |section| {
            let _ = read_pat(section, &mut |number, pid| {
                let _ = found.push((number, pid));
            });
        });
        for (number, pmt_pid) in found {
            let known = self.programs.iter().position(|p| p.number == number);
            match known {
                Some(i) => {
                    if let Some(p) = self.programs.get_mut(i).filter(|p| p.pmt_pid != pmt_pid) {
                        p.pmt_pid = pmt_pid;
                        p.sections.reset();
                        p.continuity.reset();
                    }
                }
                None if self.programs.len() < MAX_PROGRAMS => self.programs.push(Program {
                    number,
                    pmt_pid,
                    sections: SectionAssembler::default(),
                    continuity: Continuity::default(),
                    unwrapper: Unwrapper::mpeg(),
                }),
                None => {}
            }
        }
    }

    fn pmt_packet(&mut self, index: usize, header: &PacketHeader, payload: &[u8]) {
        let Some(program) = self.programs.get_mut(index) else {
            return;
        };
        if !Self::psi_usable(
            header,
            &mut program.continuity,
            &mut program.sections,
            &mut self.stats,
        ) {
            return;
        }
        let mut found = heapless::Vec::<PmtStream, MAX_STREAMS>::new();
        program
            .sections
            .push(payload, header.unit_start, &mut |section| {
                let _ = read_pmt(section, &mut |s| {
                    if s.class.is_some() {
                        let _ = found.push(s);
                    }
                });
            });
        for entry in found {
            let Some(class) = entry.class else { continue };
            let language = entry
                .language
                .map(|code| code.iter().map(|&b| char::from(b)).collect::<String>());
            let is_psi = entry.pid == 0
                || entry.pid == NULL_PID
                || self.programs.iter().any(|p| p.pmt_pid == entry.pid);
            if is_psi {
                continue;
            }
            let new = || {
                ElementaryStream::new(entry.pid, entry.stream_type, index, class, language.clone())
            };
            let known = self.streams.iter().position(|s| s.pid == entry.pid);
            match known {
                Some(i) => {
                    if let Some(s) = self
                        .streams
                        .get_mut(i)
                        .filter(|s| s.stream_type != entry.stream_type)
                    {
                        *s = new();
                    }
                }
                None if self.streams.len() < MAX_STREAMS && self.streams.try_reserve(1).is_ok() => {
                    self.streams.push(new())
                }
                None => {}
            }
        }
    }

    /// The input ended with `tail`, the bytes of an incomplete packet (if any).
    fn finish(&mut self, tail: Option<&[u8]>, sink: &mut dyn FnMut(Event)) {
        if let Some(tail) = tail {
            self.stats.truncated = true;
            // The unit the cut packet continued is damaged; one it would have started
            // is not.
            match tail.first_chunk::<3>() {
                Some(&[_, b1, b2]) => {
                    let pid = (u16::from(b1 & 0x1f) << 8) | u16::from(b2);
                    let starts_unit = b1 & 0x40 != 0;
                    if let Some(stream) = self.streams.iter_mut().find(|s| s.pid == pid) {
                        if !starts_unit {
                            stream.loss(&mut self.stats, sink);
                        }
                    }
                }
                // Too short to tell its PID: any open unit may continue into it.
                _ => {
                    for stream in self.streams.iter_mut().filter(|s| s.is_open()) {
                        stream.loss(&mut self.stats, sink);
                    }
                }
            }
        }
        for stream in &mut self.streams {
            stream.finish(&mut self.stats, sink);
        }
    }
}

impl Demuxer for TsDemuxer {
    fn push(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Event)) -> Result<(), DemuxError> {
        let inner = &mut self.inner;
        self.packetizer.push(chunk, &mut |packet, offset| {
            inner.packet(packet, offset, sink)
        })
    }

    /// Emits the units still open. A last packet cut short damages the unit it
    /// continued (which is dropped); the other units are emitted, then the cut is
    /// reported as [`DemuxError::Malformed`].
    fn finish(&mut self, sink: &mut dyn FnMut(Event)) -> Result<(), DemuxError> {
        let inner = &mut self.inner;
        let tail = self
            .packetizer
            .finish(&mut |packet, offset| inner.packet(packet, offset, sink))?;
        debug_assert!(tail.as_ref().is_none_or(|t| t.len() < PACKET_LENGTH));
        self.inner.finish(tail.as_deref(), sink);
        match tail {
            Some(_) => Err(DemuxError::Malformed(
                "input ends inside a transport packet",
            )),
            None => Ok(()),
        }
    }

    /// Forgets everything; the next byte pushed is offset 0.
    fn reset(&mut self) {
        *self = Self::default();
    }
}
