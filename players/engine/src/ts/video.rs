//! An H.264 or H.265 elementary stream: one access unit per timed PES (as ffmpeg
//! and packagers write them; untimed PES packets continue it), in Annex B form, with
//! its configuration record built from the parameter sets found in the stream. A
//! unit is emitted when the next one starts (or the input ends).

use alloc::vec::Vec;

use super::nal::NalScanner;
use super::params::ParameterSets;
use crate::es::ranges::push_range;
use crate::media::{AccessUnit, Bitstream, ByteRange, Codec, DemuxError, Event, TrackInfo};
use crate::time::MPEG_TIMESCALE;

/// The access unit being read.
#[derive(Debug)]
struct Unit {
    pts: Option<i64>,
    dts: Option<i64>,
    ranges: Vec<ByteRange>,
    size: u32,
    /// Its last PES ended whole (a loss after it does not damage it).
    complete: bool,
}

/// The state of one video PID.
#[derive(Debug)]
pub(crate) struct VideoStream {
    id: u32,
    codec: Codec,
    scanner: NalScanner,
    sets: ParameterSets,
    /// The track last announced.
    track: Option<TrackInfo>,
    unit: Option<Unit>,
    /// A PES without a PTS started while a unit was open: its first bytes tell
    /// whether it continues that unit or starts a new one.
    undecided: bool,
    /// The previous unit's DTS and the step before it, for a unit without timestamps.
    last_dts: Option<i64>,
    last_step: i64,
}

impl VideoStream {
    /// A stream on PID `id` of `codec` (H.264 or H.265).
    pub(crate) fn new(id: u32, codec: Codec) -> Self {
        let hevc = codec == Codec::H265;
        Self {
            id,
            codec,
            scanner: NalScanner::new(hevc),
            sets: ParameterSets::new(hevc),
            track: None,
            unit: None,
            undecided: false,
            last_dts: None,
            last_step: 0,
        }
    }

    /// A PES starts. With a PTS it starts the next access unit (and the open one is
    /// complete). Without one it may continue the open unit: a frame too large for
    /// one bounded PES is split over several, only the first timed (ISO/IEC 13818-1
    /// §2.4.3.7: a PTS is only coded where an access unit starts).
    pub(crate) fn pes_start(
        &mut self,
        pts: Option<i64>,
        dts: Option<i64>,
        sink: &mut dyn FnMut(Event),
    ) -> bool {
        self.undecided = false;
        if pts.is_none() && self.unit.is_some() {
            self.undecided = true;
            return false;
        }
        let dropped = self.emit(sink);
        self.begin(pts, dts);
        dropped
    }

    fn begin(&mut self, pts: Option<i64>, dts: Option<i64>) {
        self.scanner.begin();
        self.unit = Some(Unit {
            pts,
            dts: dts.or(pts),
            ranges: Vec::new(),
            size: 0,
            complete: false,
        });
    }

    /// Payload bytes of the PES at input `offset`. Returns whether a unit was
    /// dropped (an untimed one, emitted here when a new one starts).
    pub(crate) fn payload(
        &mut self,
        data: &[u8],
        offset: u64,
        sink: &mut dyn FnMut(Event),
    ) -> Result<bool, DemuxError> {
        let mut dropped = false;
        if core::mem::take(&mut self.undecided)
            && (data.starts_with(&[0, 0, 1]) || data.starts_with(&[0, 0, 0, 1]))
        {
            // A start code: a new (untimed) unit, not a continuation.
            dropped = self.emit(sink);
            self.begin(None, None);
        }
        let Some(unit) = &mut self.unit else {
            return Ok(dropped);
        };
        unit.complete = false;
        let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
        push_range(&mut unit.ranges, offset, length)?;
        unit.size = unit
            .size
            .checked_add(length)
            .ok_or(DemuxError::TooLarge("access unit over 4 GiB"))?;
        self.scanner.push(data, &mut self.sets);
        Ok(dropped)
    }

    /// The PES ended whole (its length reached, or the next unit start).
    pub(crate) fn pes_complete(&mut self) {
        if let Some(unit) = &mut self.unit {
            unit.complete = true;
        }
    }

    /// Data was lost: a unit whose PES had ended is still whole and is emitted; one
    /// in progress is dropped. Returns whether one was dropped.
    pub(crate) fn loss(&mut self, sink: &mut dyn FnMut(Event)) -> bool {
        if self.unit.as_ref().is_some_and(|u| u.complete) {
            return self.emit(sink);
        }
        self.undecided = false;
        self.scanner.begin();
        self.unit.take().is_some()
    }

    /// The input ended: the open unit is complete. Returns whether it was dropped.
    pub(crate) fn finish(&mut self, sink: &mut dyn FnMut(Event)) -> bool {
        self.emit(sink)
    }

    /// Emits the open unit (after the track, when the configuration is new).
    /// Returns whether it had to be dropped: untimed, empty, or before the
    /// parameter sets.
    fn emit(&mut self, sink: &mut dyn FnMut(Event)) -> bool {
        self.undecided = false;
        let Some(unit) = self.unit.take() else {
            return false;
        };
        self.scanner.end(&mut self.sets);
        if self.sets.take_changed() {
            self.announce(sink);
        }
        let timed = match (unit.pts, unit.dts, self.last_dts) {
            (Some(pts), Some(dts), _) => Some((pts, dts)),
            (_, _, Some(last)) => {
                let guess = last + self.last_step;
                Some((guess, guess))
            }
            _ => None,
        };
        let (Some((pts, dts)), Some(_)) = (timed, &self.track) else {
            return true;
        };
        if unit.size == 0 {
            return true;
        }
        if let Some(last) = self.last_dts {
            self.last_step = dts - last;
        }
        self.last_dts = Some(dts);
        sink(Event::Sample(AccessUnit {
            track: self.id,
            pts,
            dts,
            duration: 0,
            timescale: MPEG_TIMESCALE,
            keyframe: self.scanner.keyframe(),
            size: unit.size,
            ranges: unit.ranges,
        }));
        false
    }

    /// Emits the track if the parameter sets now give a new configuration.
    fn announce(&mut self, sink: &mut dyn FnMut(Event)) {
        let Ok((config, width, height)) = self.sets.record() else {
            return;
        };
        if self.track.as_ref().is_some_and(|t| t.config == config) {
            return;
        }
        let track = TrackInfo {
            id: self.id,
            codec: self.codec,
            timescale: MPEG_TIMESCALE,
            width,
            height,
            config,
            bitstream: Bitstream::AnnexB,
            ..TrackInfo::default()
        };
        sink(Event::Track(track.clone()));
        self.track = Some(track);
    }
}
