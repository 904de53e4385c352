//! An audio elementary stream in PES packets: frames found by the shared splitter
//! ([`crate::es`]), timed from the PES that carries them. ISO/IEC 13818-1 §2.4.3.7:
//! a PES timestamp belongs to the first access unit that *starts* in that PES; the
//! frames after it are timed by counting samples (exact, rounded to nearest).

use alloc::string::String;

use crate::codec::AudioHeader;
use crate::es::framer::{Frame, Framer, FramerStats};
use crate::es::Syntax;
use crate::media::{AccessUnit, Bitstream, Codec, DemuxError, Event, TrackInfo};
use crate::time::{Ticks, MPEG_TIMESCALE};

/// Where frame timestamps come from.
#[derive(Debug, Default)]
struct Timing {
    id: u32,
    language: Option<String>,
    /// A PES timestamp waiting for the first frame that starts at or after its first
    /// payload byte (whose offset is learnt with that byte).
    pending: Option<(i64, Option<u64>)>,
    /// The last PES timestamp used, the samples counted since, and their rate.
    anchor: Option<(i64, u64, u32)>,
    track: Option<AudioHeader>,
    dropped: u64,
}

impl Timing {
    fn frame(&mut self, frame: Frame, sink: &mut dyn FnMut(Event)) {
        let header = frame.header;
        if let Some((pts, Some(first_byte))) = self.pending {
            if frame.start >= first_byte {
                self.anchor = Some((pts, 0, header.sample_rate));
                self.pending = None;
            }
        }
        let Some((base, samples, rate)) = &mut self.anchor else {
            self.dropped += 1; // no timestamp yet
            return;
        };
        if *rate != header.sample_rate {
            // Rebase on the new rate so the count stays exact.
            *base += Ticks::new(*samples as i64, *rate).rescale(MPEG_TIMESCALE);
            *samples = 0;
            *rate = header.sample_rate;
        }
        let pts = *base + Ticks::new(*samples as i64, *rate).rescale(MPEG_TIMESCALE);
        *samples += u64::from(header.samples);
        if self.track.is_none_or(|t| !t.same_stream(&header)) {
            self.track = Some(header);
            sink(Event::Track(TrackInfo {
                id: self.id,
                codec: header.codec,
                timescale: MPEG_TIMESCALE,
                sample_rate: header.sample_rate,
                channels: header.channels,
                config: header
                    .aac
                    .map(|a| a.to_bytes().to_vec())
                    .unwrap_or_default(),
                bitstream: Bitstream::Framed,
                language: self.language.clone(),
                ..TrackInfo::default()
            }));
        }
        sink(Event::Sample(AccessUnit {
            track: self.id,
            pts,
            dts: pts,
            duration: header.duration(MPEG_TIMESCALE),
            timescale: MPEG_TIMESCALE,
            keyframe: true,
            size: frame.size,
            ranges: frame.ranges,
        }));
    }
}

/// The state of one audio PID.
#[derive(Debug)]
pub(crate) struct AudioStream {
    framer: Framer,
    timing: Timing,
}

impl AudioStream {
    /// A stream on PID `id` whose frames use `syntax`. The codec comes from each
    /// frame header (an E-AC-3 PMT entry may carry AC-3 frames); `_codec` is the PMT's.
    pub(crate) fn new(id: u32, _codec: Codec, syntax: Syntax, language: Option<String>) -> Self {
        Self {
            framer: Framer::new(syntax, false),
            timing: Timing {
                id,
                language,
                ..Timing::default()
            },
        }
    }

    /// A PES starts, with its PTS.
    pub(crate) fn pes_start(&mut self, pts: Option<i64>) {
        if let Some(pts) = pts {
            self.timing.pending = Some((pts, None));
        }
    }

    /// Payload bytes of the PES at input `offset`.
    pub(crate) fn payload(
        &mut self,
        data: &[u8],
        offset: u64,
        sink: &mut dyn FnMut(Event),
    ) -> Result<(), DemuxError> {
        if let Some((_, first @ None)) = &mut self.timing.pending {
            *first = Some(offset);
        }
        let timing = &mut self.timing;
        self.framer
            .push(data, offset, &mut |frame| timing.frame(frame, sink))
    }

    /// Data was lost: the frame in progress is dropped and the next PES resyncs.
    pub(crate) fn loss(&mut self) {
        self.framer.resync();
        self.timing.pending = None;
    }

    /// The input ended.
    pub(crate) fn finish(&mut self, sink: &mut dyn FnMut(Event)) {
        let timing = &mut self.timing;
        self.framer.finish(&mut |frame| timing.frame(frame, sink));
    }

    /// Junk bytes and frames dropped (by the splitter or for want of a timestamp).
    pub(crate) fn stats(&self) -> FramerStats {
        let mut stats = self.framer.stats();
        stats.dropped_frames += self.timing.dropped;
        stats
    }
}
