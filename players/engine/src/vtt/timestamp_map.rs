//! `X-TIMESTAMP-MAP` (RFC 8216 §3.5): in a WebVTT segment of an HLS stream, the
//! header line `X-TIMESTAMP-MAP=MPEGTS:<90 kHz>,LOCAL:<timestamp>` says which MPEG-2
//! timestamp of the media the cue time `LOCAL` corresponds to, so subtitles line up
//! with the video's pts.

use super::timestamp::parse_timestamp;
use crate::time::{Micros, Ticks, Unwrapper, MPEG_TIMESCALE};

/// A parsed `X-TIMESTAMP-MAP`. The default (`MPEGTS:0,LOCAL:0`) is what RFC 8216 §3.5
/// says to assume for a segment without one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TimestampMap {
    /// `MPEGTS`: a 33-bit timestamp in 90 kHz units, as written (not unwrapped).
    pub mpegts: u64,
    /// `LOCAL`: the cue time that corresponds to it.
    pub local: Micros,
}

impl TimestampMap {
    /// Parses a header line; `None` when it is not a valid `X-TIMESTAMP-MAP` line.
    /// The two fields may come in either order; surrounding spaces are tolerated.
    pub fn parse(line: &str) -> Option<Self> {
        let value = line.trim().strip_prefix("X-TIMESTAMP-MAP=")?;
        let (mut mpegts, mut local) = (None, None);
        for field in value.split(',') {
            let (name, value) = field.trim().split_once(':')?;
            match name {
                "MPEGTS" => {
                    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    mpegts = Some(value.parse::<u64>().ok()?);
                }
                "LOCAL" => local = Some(parse_timestamp(value)?),
                _ => {}
            }
        }
        Some(Self {
            mpegts: mpegts?,
            local: local?,
        })
    }

    /// The offset to add to a cue time to place it on the media's timeline, in 90 kHz
    /// ticks: `MPEGTS − LOCAL`, with `MPEGTS` unwrapped by `unwrapper`, the same 33-bit
    /// unwrapper that placed the video's pts, so a segment after the wrap lands after it.
    pub fn offset(&self, unwrapper: &mut Unwrapper) -> Ticks {
        let mpegts = unwrapper.unwrap(self.mpegts);
        let local = Ticks::new(self.local.0, 1_000_000).rescale(MPEG_TIMESCALE);
        Ticks::new(mpegts.saturating_sub(local), MPEG_TIMESCALE)
    }
}

/// A cue time placed on the media's timeline with an [`offset`](TimestampMap::offset),
/// in 90 kHz ticks (exact: WebVTT times are whole milliseconds).
pub fn to_media_time(cue_time: Micros, offset: Ticks) -> Ticks {
    let time = Ticks::new(cue_time.0, 1_000_000).rescale(offset.timescale);
    Ticks::new(time.saturating_add(offset.value), offset.timescale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_orders_and_both_timestamp_forms_parse() {
        let want = TimestampMap {
            mpegts: 900_000,
            local: Micros(0),
        };
        assert_eq!(
            TimestampMap::parse("X-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000"),
            Some(want)
        );
        assert_eq!(
            TimestampMap::parse("X-TIMESTAMP-MAP=LOCAL:00:00.000,MPEGTS:900000"),
            Some(want)
        );
        for bad in [
            "X-TIMESTAMP-MAP=MPEGTS:900000",
            "X-TIMESTAMP-MAP=LOCAL:00:00.000",
            "X-TIMESTAMP-MAP=MPEGTS:-1,LOCAL:00:00.000",
            "X-TIMESTAMP-MAP=MPEGTS:9x,LOCAL:00:00.000",
            "X-TIMESTAMP-MAP=MPEGTS:1,LOCAL:0:00.000",
            "X-TIMESTAMP-MAP",
        ] {
            assert_eq!(TimestampMap::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn cue_times_move_by_mpegts_minus_local() {
        let map = TimestampMap::parse("X-TIMESTAMP-MAP=MPEGTS:181000,LOCAL:00:00:01.000").unwrap();
        let offset = map.offset(&mut Unwrapper::mpeg());
        assert_eq!(offset, Ticks::new(181_000 - 90_000, MPEG_TIMESCALE));
        assert_eq!(
            to_media_time(Micros(1_500_000), offset),
            Ticks::new(181_000 + 45_000, MPEG_TIMESCALE)
        );
    }
}
