//! The DASH event message box `emsg` (ISO/IEC 23009-1 §5.10.3.3), versions 0 and 1:
//! in-band events (SCTE-35 splices, ID3 timed metadata, MPD expiry).

use crate::media::DemuxError;

use super::reader::Reader;

/// When an event starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmsgTime {
    /// Version 0: `presentation_time_delta` from the earliest presentation time of
    /// the segment that carries it.
    Delta(u32),
    /// Version 1: `presentation_time` on the track's timeline.
    Absolute(u64),
}

/// A parsed `emsg`, borrowing its strings and body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Emsg<'a> {
    /// `scheme_id_uri` (without its terminating NUL).
    pub scheme_id_uri: &'a [u8],
    /// `value`.
    pub value: &'a [u8],
    /// Units per second of the times.
    pub timescale: u32,
    /// The start.
    pub time: EmsgTime,
    /// `event_duration` (`0xFFFF_FFFF`: unknown).
    pub duration: u32,
    /// `id`.
    pub id: u32,
    /// `message_data`.
    pub message_data: &'a [u8],
}

/// A NUL-terminated string (ISO/IEC 14496-12 §4.2 "string").
fn c_string<'a>(r: &mut Reader<'a>) -> Result<&'a [u8], DemuxError> {
    let rest = r.rest();
    let len = rest
        .iter()
        .position(|&b| b == 0)
        .ok_or(DemuxError::Malformed("emsg string without its NUL"))?;
    let s = r.bytes(len)?;
    r.skip(1)?;
    Ok(s)
}

/// Parses an `emsg` payload (after the box header).
///
/// # Errors
/// [`DemuxError::Malformed`] for a short box or an unterminated string;
/// [`DemuxError::Unsupported`] for a version above 1.
pub fn parse_emsg(payload: &[u8]) -> Result<Emsg<'_>, DemuxError> {
    let mut r = Reader::new(payload);
    let (version, _) = r.version_flags()?;
    let e = match version {
        0 => {
            let scheme_id_uri = c_string(&mut r)?;
            let value = c_string(&mut r)?;
            let timescale = r.u32()?;
            let time = EmsgTime::Delta(r.u32()?);
            let duration = r.u32()?;
            let id = r.u32()?;
            Emsg {
                scheme_id_uri,
                value,
                timescale,
                time,
                duration,
                id,
                message_data: r.rest(),
            }
        }
        1 => {
            let timescale = r.u32()?;
            let time = EmsgTime::Absolute(r.u64()?);
            let duration = r.u32()?;
            let id = r.u32()?;
            let scheme_id_uri = c_string(&mut r)?;
            let value = c_string(&mut r)?;
            Emsg {
                scheme_id_uri,
                value,
                timescale,
                time,
                duration,
                id,
                message_data: r.rest(),
            }
        }
        _ => return Err(DemuxError::Unsupported("emsg version")),
    };
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_0_and_1_are_read() {
        let mut v0 = alloc::vec![0, 0, 0, 0];
        v0.extend_from_slice(b"urn:scte:scte35:2013:bin\0");
        v0.extend_from_slice(b"1\0");
        v0.extend_from_slice(&[0, 0, 0x03, 0xe8, 0, 0, 0, 5, 0, 0, 0, 10, 0, 0, 0, 7, 0xfc]);
        let e = parse_emsg(&v0).unwrap();
        assert_eq!(e.scheme_id_uri, b"urn:scte:scte35:2013:bin");
        assert_eq!(
            (e.value, e.timescale, e.time, e.duration, e.id),
            (&b"1"[..], 1000, EmsgTime::Delta(5), 10, 7)
        );
        assert_eq!(e.message_data, &[0xfc]);

        let mut v1 = alloc::vec![1, 0, 0, 0, 0, 0, 0, 90];
        v1.extend_from_slice(&(1u64 << 40).to_be_bytes());
        v1.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 2]);
        v1.extend_from_slice(b"https://aomedia.org/emsg/ID3\0\0ID3");
        let e = parse_emsg(&v1).unwrap();
        assert_eq!(e.time, EmsgTime::Absolute(1 << 40));
        assert_eq!((e.value, e.message_data), (&b""[..], &b"ID3"[..]));
    }

    #[test]
    fn an_unterminated_scheme_fails() {
        assert!(parse_emsg(&[0, 0, 0, 0, b'a', b'b']).is_err());
    }
}
