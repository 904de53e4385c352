//! A track box `trak` (ISO/IEC 14496-12 §8.3.1): its header, media header (timescale,
//! language), handler, sample description, sample table and edit list.

use alloc::string::String;

use crate::media::{Bitstream, DemuxError, TrackInfo};
use crate::time::Ticks;

use super::header::{find, Boxes, FourCc};
use super::protection::Protection;
use super::reader::Reader;
use super::sample_entry::parse_stsd;
use super::stbl::{parse_stbl, SampleTable};

/// The start of a track's presentation from its edit list (§8.6.6): leading empty
/// edits delay it, and the first media edit's `media_time` skips the media before it
/// (encoder delay, B-frame reordering delay, AAC priming).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Edit {
    /// Total duration of the leading empty edits, in the track timescale.
    pub empty_duration: i64,
    /// `media_time` of the first non-empty edit, in the track timescale (0 without
    /// an edit list).
    pub media_time: i64,
}

impl Edit {
    /// What to add to a media-timeline timestamp to place it on the presentation
    /// timeline: `empty_duration - media_time`.
    pub fn shift(&self) -> i64 {
        self.empty_duration.saturating_sub(self.media_time)
    }
}

/// Per-track sample defaults of fragmented files (`trex`, §8.8.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrackDefaults {
    /// `default_sample_description_index`.
    pub description_index: u32,
    /// `default_sample_duration`.
    pub duration: u32,
    /// `default_sample_size`.
    pub size: u32,
    /// `default_sample_flags` (§8.8.3.1).
    pub flags: u32,
}

/// A track of a movie.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Track {
    /// What a decoder needs to know.
    pub info: TrackInfo,
    /// The handler type (`vide`, `soun`, `text`, `subt`, ...).
    pub handler: Option<FourCc>,
    /// The media duration (`mdhd`), in the track timescale.
    pub duration: u64,
    /// The edit list's shift of the presentation start.
    pub edit: Edit,
    /// How the samples are protected, for `encv`/`enca` entries.
    pub protection: Option<Protection>,
    /// Fragment defaults, from `mvex/trex` (zero when the movie is not fragmented).
    pub defaults: TrackDefaults,
    /// The sample table (empty in a fragmented file's init segment).
    pub(crate) table: SampleTable,
}

impl Track {
    /// Samples in the progressive sample table.
    pub fn sample_count(&self) -> u32 {
        self.table.sample_count
    }
}

/// ISO 639-2/T from `mdhd`'s packed language (three 5-bit letters, `0x60` offset);
/// `None` for `und` or an invalid code.
fn language(packed: u16) -> Option<String> {
    let mut s = String::new();
    for shift in [10, 5, 0] {
        let c = ((packed >> shift) & 0x1f) as u8 + 0x60;
        if !c.is_ascii_lowercase() {
            return None;
        }
        s.push(char::from(c));
    }
    (s != "und").then_some(s)
}

/// `elst` (§8.6.6) → the presentation start, given the movie timescale (edit
/// durations) and the track timescale (media times).
fn parse_elst(payload: &[u8], movie_timescale: u32, timescale: u32) -> Result<Edit, DemuxError> {
    let mut r = Reader::new(payload);
    let (version, _) = r.version_flags()?;
    let count = r.u32()?;
    let mut edit = Edit::default();
    for _ in 0..count {
        let duration = r.u32_or_u64(version == 1)?;
        let media_time = if version == 1 {
            r.i64()?
        } else {
            i64::from(r.i32()?)
        };
        let _rate = r.u32()?;
        if media_time == -1 {
            let d = Ticks::new(i64::try_from(duration).unwrap_or(i64::MAX), movie_timescale);
            edit.empty_duration = edit.empty_duration.saturating_add(d.rescale(timescale));
        } else {
            edit.media_time = media_time;
            break; // later edits (rare; seamless splices) are not applied
        }
    }
    Ok(edit)
}

/// Parses a `trak` payload.
pub(crate) fn parse_trak(payload: &[u8], movie_timescale: u32) -> Result<Track, DemuxError> {
    let mut track = Track::default();
    track.info.bitstream = Bitstream::Framed;
    let mut elst = None;
    let mut tkhd_size = (0, 0);
    for child in Boxes::new(payload) {
        let child = child?;
        match &child.header.kind.0 {
            b"tkhd" => {
                let mut r = Reader::new(child.payload);
                let (version, _) = r.version_flags()?;
                r.skip(if version == 1 { 16 } else { 8 })?;
                track.info.id = r.u32()?;
                r.skip(4)?;
                r.skip(if version == 1 { 8 } else { 4 })?;
                r.skip(8 + 2 + 2 + 2 + 2 + 36)?;
                tkhd_size = (r.u32()? >> 16, r.u32()? >> 16);
            }
            b"edts" => elst = find(child.payload, b"elst")?,
            b"mdia" => parse_mdia(child.payload, &mut track)?,
            _ => {}
        }
    }
    if track.info.timescale == 0 {
        return Err(DemuxError::Malformed("trak without a media timescale"));
    }
    if let Some(elst) = elst {
        track.edit = parse_elst(elst, movie_timescale, track.info.timescale)?;
    }
    if track.info.width == 0 && track.info.height == 0 {
        (track.info.width, track.info.height) = tkhd_size;
    }
    Ok(track)
}

fn parse_mdia(payload: &[u8], track: &mut Track) -> Result<(), DemuxError> {
    for child in Boxes::new(payload) {
        let child = child?;
        match &child.header.kind.0 {
            b"mdhd" => {
                let mut r = Reader::new(child.payload);
                let (version, _) = r.version_flags()?;
                r.skip(if version == 1 { 16 } else { 8 })?;
                track.info.timescale = r.u32()?;
                track.duration = r.u32_or_u64(version == 1)?;
                track.info.language = language(r.u16()?);
            }
            b"hdlr" => {
                let mut r = Reader::new(child.payload);
                r.skip(8)?; // version, flags, pre_defined
                track.handler = Some(FourCc(r.array()?));
            }
            b"minf" => {
                let Some(stbl) = find(child.payload, b"stbl")? else {
                    continue;
                };
                track.table = parse_stbl(stbl)?;
                if let Some(stsd) = find(stbl, b"stsd")? {
                    let entry = parse_stsd(stsd)?;
                    track.info.codec = entry.codec;
                    track.info.width = entry.width;
                    track.info.height = entry.height;
                    track.info.sample_rate = entry.sample_rate;
                    track.info.channels = entry.channels;
                    track.info.config = entry.config;
                    track.protection = entry.protection;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mdhd_language_unpacks_and_und_is_none() {
        // "eng": e=5, n=14, g=7.
        assert_eq!(language((5 << 10) | (14 << 5) | 7).as_deref(), Some("eng"));
        assert_eq!(language(0x55c4), None, "und");
        assert_eq!(language(0), None);
    }

    #[test]
    fn empty_edits_delay_and_media_time_advances() {
        // version 0: one empty edit of 40 ms (movie 1000), then media_time 512.
        let mut p = alloc::vec![0, 0, 0, 0, 0, 0, 0, 2];
        p.extend_from_slice(&[0, 0, 0, 40, 0xff, 0xff, 0xff, 0xff, 0, 1, 0, 0]);
        p.extend_from_slice(&[0, 0, 0, 0, 0, 0, 2, 0, 0, 1, 0, 0]);
        let e = parse_elst(&p, 1000, 12_800).unwrap();
        assert_eq!(
            e,
            Edit {
                empty_duration: 512,
                media_time: 512
            }
        );
        assert_eq!(e.shift(), 0);
    }
}
