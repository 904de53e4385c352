//! The audio frame splitter: finds frames by sync word in a byte stream that arrives
//! in pieces (chunks, TS packet payloads), and returns each frame as the input ranges
//! that hold it. Only a header window is ever copied; payload is never buffered.
//!
//! Trust: a header found where the previous frame ended (or at the very start) is
//! taken as is. A header found after junk may be a false sync (the sync words are
//! only 11 to 16 bits), so its frame is held back until the next header follows it
//! with the same configuration; junk instead drops it.
//!
//! E-AC-3 frames are also held until the next header: dependent substreams (7.1
//! channels, A/52 §E.1.3.1.1) that follow an independent frame join its access unit,
//! as decoders want them (and as ffmpeg packs them).

use alloc::vec::Vec;

use super::ranges::push_range;
use super::syntax::{Probe, Syntax};
use super::window::Window;
use crate::codec::AudioHeader;
use crate::media::{ByteRange, Codec, DemuxError};

/// One complete frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Frame {
    /// Its header.
    pub(crate) header: AudioHeader,
    /// Input offset of the frame's first byte (its header included).
    pub(crate) start: u64,
    /// The bytes a decoder gets (without an ADTS header), as input ranges.
    pub(crate) ranges: Vec<ByteRange>,
    /// Total bytes over `ranges`.
    pub(crate) size: u32,
}

#[derive(Debug)]
struct Partial {
    frame: Frame,
    /// Bytes still to come.
    remaining: u32,
    /// Header bytes still to leave out of the ranges.
    skip: u32,
    /// An information frame (or a dependent substream without its independent
    /// frame): read past, never emitted.
    discard: bool,
    /// A dependent substream: its bytes join the held frame.
    merge: bool,
}

/// Counters of what the splitter threw away.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FramerStats {
    /// Bytes skipped while looking for a sync word.
    pub junk_bytes: u64,
    /// Frames dropped: unconfirmed after junk, or cut short by the end or a reset.
    pub dropped_frames: u64,
}

/// Splits an audio elementary stream into frames.
#[derive(Debug)]
pub(crate) struct Framer {
    syntax: Syntax,
    window: Window,
    current: Option<Partial>,
    held: Option<Frame>,
    /// The held frame was found in sync (it is only waiting for substreams).
    held_trusted: bool,
    locked: bool,
    check_info: bool,
    stats: FramerStats,
}

impl Framer {
    /// A splitter for `syntax`; `skip_info_frame` drops an MP3 encoder information
    /// frame if it is the first frame.
    pub(crate) fn new(syntax: Syntax, skip_info_frame: bool) -> Self {
        Self {
            syntax,
            window: Window::default(),
            current: None,
            held: None,
            held_trusted: false,
            locked: true,
            check_info: skip_info_frame && syntax == Syntax::Mpeg,
            stats: FramerStats::default(),
        }
    }

    /// What was thrown away so far.
    pub(crate) fn stats(&self) -> FramerStats {
        self.stats
    }

    /// Feeds the next piece of the stream, `data` at input `offset`; complete frames
    /// go to `out`.
    ///
    /// # Errors
    /// [`DemuxError::TooLarge`] when a frame spans more ranges than the ABI allows.
    pub(crate) fn push(
        &mut self,
        data: &[u8],
        offset: u64,
        out: &mut dyn FnMut(Frame),
    ) -> Result<(), DemuxError> {
        let mut pos = 0usize;
        while let Some(rest) = data.get(pos..).filter(|r| !r.is_empty()) {
            let at = offset + pos as u64;
            if let Some(partial) = &mut self.current {
                let n = partial
                    .remaining
                    .min(u32::try_from(rest.len()).unwrap_or(u32::MAX));
                let skip = partial.skip.min(n);
                partial.skip -= skip;
                push_range(&mut partial.frame.ranges, at + u64::from(skip), n - skip)?;
                partial.frame.size += n - skip;
                partial.remaining -= n;
                pos += n as usize;
                if partial.remaining == 0 {
                    if let Some(done) = self.current.take() {
                        self.complete(done, out)?;
                    }
                }
                continue;
            }
            if self.window.is_empty() {
                let syntax = self.syntax;
                match rest.iter().position(|&b| syntax.may_start(b)) {
                    Some(i) => {
                        self.junk(i, out);
                        pos += i;
                    }
                    None => {
                        self.junk(rest.len(), out);
                        pos = data.len();
                        continue;
                    }
                }
            }
            pos += self.examine(
                data.get(pos..).unwrap_or_default(),
                offset + pos as u64,
                out,
            )?;
        }
        Ok(())
    }

    /// With a candidate in the window (or at the front of `rest`), probes it; returns
    /// the bytes of `rest` consumed.
    fn examine(
        &mut self,
        rest: &[u8],
        at: u64,
        out: &mut dyn FnMut(Frame),
    ) -> Result<usize, DemuxError> {
        let mut used = 0;
        loop {
            match self.syntax.probe(self.window.bytes(), self.check_info) {
                Probe::Need(n) if n > self.window.bytes().len() => {
                    let taken =
                        self.window
                            .fill(rest.get(used..).unwrap_or_default(), at + used as u64, n);
                    used += taken;
                    if taken == 0 {
                        return Ok(used);
                    }
                }
                Probe::NoSync | Probe::Need(_) => {
                    // Drop the candidate byte and everything up to the next one.
                    let syntax = self.syntax;
                    let next = self
                        .window
                        .bytes()
                        .iter()
                        .skip(1)
                        .position(|&b| syntax.may_start(b))
                        .map_or(self.window.bytes().len(), |i| i + 1);
                    self.window.drop_front(next);
                    self.junk(next, out);
                    if self.window.is_empty() {
                        return Ok(used);
                    }
                }
                Probe::Frame { header, info } => {
                    self.start_frame(header, info, out)?;
                    return Ok(used);
                }
            }
        }
    }

    fn start_frame(
        &mut self,
        header: AudioHeader,
        info: bool,
        out: &mut dyn FnMut(Frame),
    ) -> Result<(), DemuxError> {
        let mut merge = false;
        if let Some(held) = self.held.take() {
            if held.header.codec == Codec::Eac3 && header.dependent {
                self.held = Some(held);
                merge = true;
            } else if held.header.same_stream(&header) || self.held_trusted {
                self.locked |= held.header.same_stream(&header);
                out(held);
            } else {
                self.stats.dropped_frames += 1;
            }
        }
        let held_bytes = self.window.bytes().len() as u32;
        let skip = header.header_length.min(held_bytes);
        let mut frame = Frame {
            header,
            start: self.window.start().unwrap_or(0),
            ranges: Vec::new(),
            size: held_bytes - skip,
        };
        self.window.take_ranges(skip as usize, &mut frame.ranges)?;
        self.check_info = false;
        let partial = Partial {
            frame,
            remaining: header.frame_length.saturating_sub(held_bytes),
            skip: header.header_length - skip,
            discard: info || (header.dependent && !merge),
            merge,
        };
        if partial.remaining == 0 {
            self.complete(partial, out)?;
        } else {
            self.current = Some(partial);
        }
        Ok(())
    }

    fn complete(&mut self, partial: Partial, out: &mut dyn FnMut(Frame)) -> Result<(), DemuxError> {
        if partial.discard {
            return Ok(());
        }
        let frame = partial.frame;
        if partial.merge {
            if let Some(held) = &mut self.held {
                for r in &frame.ranges {
                    push_range(&mut held.ranges, r.offset, r.length)?;
                }
                held.size += frame.size;
            }
            return Ok(());
        }
        if self.locked && frame.header.codec != Codec::Eac3 {
            out(frame);
        } else {
            self.held_trusted = self.locked;
            self.held = Some(frame);
        }
        Ok(())
    }

    /// Counts `n` skipped bytes: the stream is no longer in sync. A held frame that
    /// was only waiting for substreams is complete; an unconfirmed one is dropped.
    fn junk(&mut self, n: usize, out: &mut dyn FnMut(Frame)) {
        if n == 0 {
            return;
        }
        self.stats.junk_bytes += n as u64;
        self.locked = false;
        if let Some(held) = self.held.take() {
            if self.held_trusted {
                out(held);
            } else {
                self.stats.dropped_frames += 1;
            }
        }
    }

    /// The stream ended: a held frame is complete, so it is given out; a frame cut
    /// short is dropped.
    pub(crate) fn finish(&mut self, out: &mut dyn FnMut(Frame)) {
        if let Some(held) = self.held.take() {
            out(held);
        }
        self.drop_pending();
    }

    /// Forgets the frame in progress and the header window (after a loss), keeping
    /// the counters; the next header is trusted.
    pub(crate) fn resync(&mut self) {
        self.drop_pending();
        // A trusted held frame is whole: the next header (or the end) gives it out.
        if !self.held_trusted && self.held.take().is_some() {
            self.stats.dropped_frames += 1;
        }
        self.locked = true;
    }

    fn drop_pending(&mut self) {
        if self.current.take().is_some() {
            self.stats.dropped_frames += 1;
        }
        let junk = self.window.bytes().len();
        self.window.clear();
        self.stats.junk_bytes += junk as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// An ADTS frame of `len` bytes (7-byte header), AAC-LC 48 kHz stereo.
    fn adts(len: u16, fill: u8) -> Vec<u8> {
        let mut f = vec![fill; usize::from(len)];
        f[..7].copy_from_slice(&[
            0xff,
            0xf1,
            0x4c,
            0x80 | (len >> 11) as u8,
            (len >> 3) as u8,
            ((len & 7) << 5) as u8 | 0x1f,
            0xfc,
        ]);
        f
    }

    fn split(stream: &[u8], chunk: usize) -> (Vec<Frame>, FramerStats) {
        let mut framer = Framer::new(Syntax::Adts, false);
        let mut frames = Vec::new();
        for (i, piece) in stream.chunks(chunk).enumerate() {
            framer
                .push(piece, (i * chunk) as u64, &mut |f| frames.push(f))
                .unwrap();
        }
        framer.finish(&mut |f| frames.push(f));
        (frames, framer.stats())
    }

    #[test]
    fn frames_exclude_the_adts_header_in_any_chunking() {
        let stream = [adts(20, 1), adts(30, 2), adts(9, 3)].concat();
        for chunk in [1, 2, 7, 8, 59] {
            let (frames, stats) = split(&stream, chunk);
            assert_eq!(frames.len(), 3, "chunk {chunk}");
            assert_eq!(stats, FramerStats::default());
            let starts: Vec<u64> = frames.iter().map(|f| f.start).collect();
            assert_eq!(starts, [0, 20, 50]);
            assert_eq!(
                frames[1].ranges,
                [ByteRange {
                    offset: 27,
                    length: 23
                }]
            );
            assert_eq!(frames[2].size, 2);
        }
    }

    #[test]
    fn a_header_after_junk_waits_for_the_next_header() {
        let mut stream = vec![0x00, 0xff, 0x12];
        stream.extend(adts(20, 0));
        stream.extend(adts(20, 0));
        let (frames, stats) = split(&stream, 5);
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].start, 3);
        assert_eq!(stats.junk_bytes, 3);
        // A false sync followed by junk is dropped.
        let mut stream = adts(20, 0);
        stream.extend([0x00; 5]);
        stream.extend(adts(12, 0)[..10].iter().copied()); // cut short
        stream.extend(adts(10, 0));
        let (frames, stats) = split(&stream, 4);
        assert_eq!(frames.len(), 1, "only the first frame survives");
        assert_eq!(stats.dropped_frames, 1);
    }

    #[test]
    fn a_header_split_across_pieces_at_distant_offsets_keeps_its_positions() {
        let frame = adts(16, 7);
        let mut framer = Framer::new(Syntax::Adts, false);
        let mut frames = Vec::new();
        framer
            .push(&frame[..3], 1000, &mut |f| frames.push(f))
            .unwrap();
        framer
            .push(&frame[3..10], 2000, &mut |f| frames.push(f))
            .unwrap();
        framer
            .push(&frame[10..], 3000, &mut |f| frames.push(f))
            .unwrap();
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].start, 1000);
        assert_eq!(
            frames[0].ranges,
            [
                ByteRange {
                    offset: 2004,
                    length: 3
                },
                ByteRange {
                    offset: 3000,
                    length: 6
                }
            ]
        );
    }

    /// An E-AC-3 frame: independent or dependent, `words` 16-bit words long.
    fn eac3(dependent: bool, words: u16, fill: u8) -> Vec<u8> {
        let mut f = vec![fill; usize::from(words) * 2];
        let size = words - 1;
        f[..8].copy_from_slice(&[
            0x0b,
            0x77,
            if dependent { 0x40 } else { 0x00 } | (size >> 8) as u8,
            size as u8,
            0x32,
            0x87,
            0xc0,
            0x00,
        ]);
        f
    }

    #[test]
    fn eac3_dependent_substreams_join_the_independent_frames_unit() {
        let stream = [
            eac3(false, 192, 1),
            eac3(true, 100, 2),
            eac3(false, 192, 3),
            eac3(true, 100, 4),
            eac3(true, 50, 5),
        ]
        .concat();
        for chunk in [1, 9, 1000] {
            let mut framer = Framer::new(Syntax::Ac3, false);
            let mut frames = Vec::new();
            for (i, piece) in stream.chunks(chunk).enumerate() {
                framer
                    .push(piece, (i * chunk) as u64, &mut |f| frames.push(f))
                    .unwrap();
            }
            framer.finish(&mut |f| frames.push(f));
            let sizes: Vec<u32> = frames.iter().map(|f| f.size).collect();
            assert_eq!(sizes, [584, 684], "chunk {chunk}");
            assert_eq!(
                frames[1].ranges,
                [ByteRange {
                    offset: 584,
                    length: 684
                }]
            );
            assert_eq!(frames[0].header.samples, 1536);
        }
        // A dependent substream without its independent frame is not a unit.
        let (frames, _) = {
            let mut framer = Framer::new(Syntax::Ac3, false);
            let mut frames = Vec::new();
            let lone = [eac3(true, 100, 2), eac3(false, 192, 3)].concat();
            framer.push(&lone, 0, &mut |f| frames.push(f)).unwrap();
            framer.finish(&mut |f| frames.push(f));
            (frames, ())
        };
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].start, 200);
    }
}
