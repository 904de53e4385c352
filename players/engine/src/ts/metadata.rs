//! Timed ID3 metadata in PES packets (Apple, "Timed Metadata for HTTP Live
//! Streaming" §3: one ID3v2 tag per PES, timed by its PTS). Tags are small and are
//! copied, up to [`MAX_TAG`] bytes.

use alloc::vec::Vec;

use crate::media::{Event, Metadata};
use crate::time::MPEG_TIMESCALE;

/// Largest tag kept; a longer one is dropped.
pub const MAX_TAG: usize = 64 * 1024;

/// The state of one metadata PID.
#[derive(Debug, Default)]
pub(crate) struct MetadataStream {
    id: u32,
    pts: Option<i64>,
    data: Vec<u8>,
    active: bool,
}

impl MetadataStream {
    /// A stream on PID `id`.
    pub(crate) fn new(id: u32) -> Self {
        Self {
            id,
            ..Self::default()
        }
    }

    /// A PES starts.
    pub(crate) fn pes_start(&mut self, pts: Option<i64>) {
        self.pts = pts;
        self.data.clear();
        self.active = true;
    }

    /// Payload bytes of the PES.
    pub(crate) fn payload(&mut self, data: &[u8]) {
        if !self.active {
            return;
        }
        if self.data.len() + data.len() > MAX_TAG || self.data.try_reserve(data.len()).is_err() {
            self.active = false;
            self.data = Vec::new();
            return;
        }
        self.data.extend_from_slice(data);
    }

    /// The PES ended: emits its tag. Returns whether one was dropped.
    pub(crate) fn pes_end(&mut self, sink: &mut dyn FnMut(Event)) -> bool {
        let was_active = core::mem::take(&mut self.active);
        let data = core::mem::take(&mut self.data);
        match self.pts {
            Some(pts) if was_active && !data.is_empty() => {
                sink(Event::Metadata(Metadata {
                    track: self.id,
                    pts,
                    timescale: MPEG_TIMESCALE,
                    data,
                }));
                false
            }
            _ => true,
        }
    }

    /// The tag in progress was damaged. Returns whether one was dropped.
    pub(crate) fn loss(&mut self) -> bool {
        self.data = Vec::new();
        core::mem::take(&mut self.active)
    }
}
