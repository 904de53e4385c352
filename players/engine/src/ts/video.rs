//! An H.264 or H.265 elementary stream: one access unit per PES (as ffmpeg and
//! packagers write them), in Annex B form, with its configuration record built from
//! the parameter sets found in the stream.

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
    /// The previous unit's DTS and the step before it, for a PES without timestamps.
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
            last_dts: None,
            last_step: 0,
        }
    }

    /// A PES starts: it is the next access unit.
    pub(crate) fn pes_start(&mut self, pts: Option<i64>, dts: Option<i64>) {
        self.scanner.begin();
        self.unit = Some(Unit {
            pts,
            dts: dts.or(pts),
            ranges: Vec::new(),
            size: 0,
        });
    }

    /// Payload bytes of the PES at input `offset`.
    pub(crate) fn payload(&mut self, data: &[u8], offset: u64) -> Result<(), DemuxError> {
        let Some(unit) = &mut self.unit else {
            return Ok(());
        };
        let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
        push_range(&mut unit.ranges, offset, length)?;
        unit.size = unit
            .size
            .checked_add(length)
            .ok_or(DemuxError::TooLarge("access unit over 4 GiB"))?;
        self.scanner.push(data, &mut self.sets);
        Ok(())
    }

    /// The PES ended: emits its access unit (after the track, when the configuration
    /// is new). Returns whether a unit was dropped.
    pub(crate) fn pes_end(&mut self, sink: &mut dyn FnMut(Event)) -> bool {
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
            return true; // untimed, or before the parameter sets
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

    /// The unit in progress was damaged: drops it. Returns whether one was dropped.
    pub(crate) fn loss(&mut self) -> bool {
        self.scanner.begin();
        self.unit.take().is_some()
    }
}
