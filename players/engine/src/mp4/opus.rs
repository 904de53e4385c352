//! Opus in ISO BMFF ("Encapsulation of Opus in ISO Base Media File Format" §4.3.2):
//! the `dOps` box is the Ogg `OpusHead` (RFC 7845 §5.1) without its magic, with
//! big-endian fields and version 0. Decoders built on libopus (and ffmpeg's
//! extradata) take the `OpusHead` form.

use alloc::vec::Vec;

use crate::media::DemuxError;

use super::reader::Reader;

/// Converts a `dOps` payload ([`TrackInfo::config`](crate::media::TrackInfo::config)
/// of an Opus track) into an `OpusHead` identification header.
///
/// # Errors
/// [`DemuxError::Malformed`] when the box is short or its channel mapping table
/// does not match its channel count.
pub fn opus_head(dops: &[u8]) -> Result<Vec<u8>, DemuxError> {
    let mut r = Reader::new(dops);
    let _version = r.u8()?;
    let channels = r.u8()?;
    let pre_skip = r.u16()?;
    let rate = r.u32()?;
    let gain = r.u16()?;
    let family = r.u8()?;
    let mut head = Vec::new();
    head.try_reserve_exact(21 + usize::from(channels))
        .map_err(|_| DemuxError::TooLarge("OpusHead"))?;
    head.extend_from_slice(b"OpusHead");
    head.extend_from_slice(&[1, channels]);
    head.extend_from_slice(&pre_skip.to_le_bytes());
    head.extend_from_slice(&rate.to_le_bytes());
    head.extend_from_slice(&gain.to_le_bytes());
    head.push(family);
    if family != 0 {
        // stream count, coupled count, one mapping byte per channel.
        head.extend_from_slice(r.bytes(2 + usize::from(channels))?);
    }
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dops_becomes_opus_head() {
        let dops = [0, 1, 0x01, 0x38, 0, 0, 0xbb, 0x80, 0, 0, 0];
        let head = opus_head(&dops).unwrap();
        assert_eq!(&head[..8], b"OpusHead");
        assert_eq!(&head[8..], &[1, 1, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0]);
        assert!(
            opus_head(&[0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]).is_err(),
            "short mapping table"
        );
    }
}
