//! Turning a fragment's samples into events: each access unit once its bytes have
//! gone by, in input order across tracks, with its encryption information; v0
//! `emsg` times once their segment's start is known.

use crate::media::{AccessUnit, ByteRange, Event};
use crate::time::Ticks;

use super::FragmentDemuxer;
use crate::mp4::protection::TrackEncryption;
use crate::mp4::senc::{SampleEncryption, Subsamples};

/// `tenc` defaults for a protected track without one.
const NO_TENC: TrackEncryption = TrackEncryption {
    is_protected: false,
    per_sample_iv_size: 0,
    kid: [0; 16],
    crypt_byte_block: 0,
    skip_byte_block: 0,
    constant_iv: [0; 16],
    constant_iv_size: 0,
};

impl FragmentDemuxer {
    /// Emits v0 `emsg`s held until their segment's earliest presentation time is
    /// known (that of the first track fragment, or 0 without one).
    pub(super) fn release_emsg(
        &mut self,
        sink: &mut dyn FnMut(Event, Option<&SampleEncryption<'_>>),
    ) {
        let base = self.index.trafs.first().and_then(|traf| {
            let t = self.movie.as_ref()?.tracks.get(traf.track?)?;
            Some(Ticks::new(
                traf.decode_time.saturating_add(t.edit.shift()),
                t.info.timescale,
            ))
        });
        for (mut m, delta) in self.held_emsg.drain(..) {
            let base = base.map_or(0, |b| b.rescale(m.timescale));
            m.pts = base.saturating_add(i64::from(delta));
            sink(Event::Metadata(m), None);
        }
    }

    /// Emits every sample whose bytes have all gone by, in input order.
    pub(super) fn emit_ready(
        &mut self,
        sink: &mut dyn FnMut(Event, Option<&SampleEncryption<'_>>),
    ) {
        let Some(movie) = self.movie.as_ref() else {
            return;
        };
        loop {
            let next = self
                .cursors
                .iter()
                .enumerate()
                .filter_map(|(i, (_, s))| s.as_ref().map(|s| (i, s.offset)))
                .min_by_key(|&(_, offset)| offset);
            let Some((i, _)) = next else { return };
            let Some((cursor, slot)) = self.cursors.get_mut(i) else {
                return;
            };
            let Some(sample) = slot.as_ref() else { return };
            if sample.offset.saturating_add(u64::from(sample.size)) > self.pos {
                return;
            }
            let traf = self.index.trafs.get(cursor.traf);
            let Some(track) = traf.and_then(|t| t.track).and_then(|t| movie.tracks.get(t)) else {
                return;
            };
            let dts = sample.dts.saturating_add(track.edit.shift());
            let au = AccessUnit {
                track: track.info.id,
                pts: dts.saturating_add(i64::from(sample.cts_offset)),
                dts,
                duration: i64::from(sample.duration),
                timescale: track.info.timescale,
                keyframe: sample.keyframe,
                size: sample.size,
                ranges: alloc::vec![ByteRange {
                    offset: sample.offset,
                    length: sample.size
                }],
            };
            let encryption = match (&sample.encryption, &track.protection) {
                (Some((iv, map)), Some(p)) => {
                    let tenc = p.encryption.as_ref().unwrap_or(&NO_TENC);
                    let iv = if iv.is_empty() {
                        tenc.constant_iv
                            .get(..usize::from(tenc.constant_iv_size))
                            .unwrap_or(&[])
                    } else {
                        self.moof.get(iv.clone()).unwrap_or(&[])
                    };
                    Some(SampleEncryption {
                        scheme: p.scheme,
                        kid: tenc.kid,
                        iv,
                        subsamples: Subsamples::new(self.moof.get(map.clone()).unwrap_or(&[])),
                        crypt_byte_block: tenc.crypt_byte_block,
                        skip_byte_block: tenc.skip_byte_block,
                    })
                }
                _ => None,
            };
            sink(Event::Sample(au), encryption.as_ref());
            *slot = cursor.next(&self.index, &self.moof);
        }
    }
}
