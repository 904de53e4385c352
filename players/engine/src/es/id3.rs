//! ID3v2 tags (ID3v2.4.0 structure §3, and v2.3): how long a tag is (to skip it at
//! the start of an audio file), and the one frame a player needs from it: HLS packed
//! audio's `PRIV` timestamp (RFC 8216 §3.4, owner
//! `com.apple.streaming.transportStreamTimestamp`), the 33-bit MPEG-2 timestamp of
//! the segment's first frame.

/// Bytes of an ID3v2 header (and of its footer).
pub(crate) const HEADER_LENGTH: usize = 10;

/// The whole length of the tag whose header is `header` (header, body and footer),
/// or `None` when `header` is not an ID3v2 header.
pub(crate) fn tag_length(header: &[u8]) -> Option<u64> {
    let &[b'I', b'D', b'3', major, revision, flags, s0, s1, s2, s3] =
        header.get(..HEADER_LENGTH)?
    else {
        return None;
    };
    if major == 0xff || revision == 0xff || [s0, s1, s2, s3].iter().any(|&b| b & 0x80 != 0) {
        return None;
    }
    // The size is "syncsafe": 7 bits per byte.
    let size = [s0, s1, s2, s3]
        .iter()
        .fold(0u64, |acc, &b| (acc << 7) | u64::from(b));
    let footer = if flags & 0x10 != 0 {
        HEADER_LENGTH as u64
    } else {
        0
    };
    Some(HEADER_LENGTH as u64 + size + footer)
}

/// The owner of the HLS packed-audio timestamp frame.
const TIMESTAMP_OWNER: &[u8] = b"com.apple.streaming.transportStreamTimestamp";

/// The 90 kHz timestamp of an HLS packed-audio tag (the whole tag), if it has one.
pub(crate) fn transport_stream_timestamp(tag: &[u8]) -> Option<u64> {
    let &[b'I', b'D', b'3', major, _, flags] = tag.get(..6)? else {
        return None;
    };
    if flags & 0xc0 != 0 {
        // Unsynchronised or with an extended header: not what packagers write.
        return None;
    }
    let mut frames = tag.get(HEADER_LENGTH..usize::try_from(tag_length(tag)?).ok()?)?;
    while let Some(&[i0, i1, i2, i3, s0, s1, s2, s3, _, _]) = frames.first_chunk::<10>() {
        let size = if major >= 4 {
            [s0, s1, s2, s3]
                .iter()
                .fold(0usize, |a, &b| (a << 7) | usize::from(b & 0x7f))
        } else {
            usize::try_from(u32::from_be_bytes([s0, s1, s2, s3])).ok()?
        };
        let body = frames.get(10..10 + size)?;
        if [i0, i1, i2, i3] == *b"PRIV" {
            if let Some(data) = body
                .strip_prefix(TIMESTAMP_OWNER)
                .and_then(|rest| rest.strip_prefix(&[0]))
            {
                let bytes: [u8; 8] = data.get(..8)?.try_into().ok()?;
                return Some(u64::from_be_bytes(bytes) & ((1 << 33) - 1));
            }
        }
        if i0 == 0 {
            return None; // padding
        }
        frames = frames.get(10 + size..)?;
    }
    None
}

/// Whether `prefix` (fewer than [`HEADER_LENGTH`] bytes) may still begin a tag.
pub(crate) fn may_begin_tag(prefix: &[u8]) -> bool {
    prefix.iter().zip(b"ID3").all(|(a, b)| a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_length_reads_the_syncsafe_size_and_footer() {
        assert_eq!(
            tag_length(b"ID3\x04\x00\x00\x00\x00\x02\x01"),
            Some(10 + 257)
        );
        assert_eq!(tag_length(b"ID3\x04\x00\x10\x00\x00\x00\x05"), Some(25));
        assert_eq!(tag_length(b"ID3\x04\x00\x00\x00\x00\x80\x01"), None);
        assert_eq!(tag_length(b"ID4\x04\x00\x00\x00\x00\x00\x01"), None);
        assert_eq!(tag_length(b"ID3"), None);
        assert!(may_begin_tag(b"ID") && !may_begin_tag(b"IX") && may_begin_tag(b""));
    }

    /// An HLS packed-audio tag as Apple's packagers write it.
    pub(crate) fn packed_audio_tag(timestamp: u64) -> alloc::vec::Vec<u8> {
        let mut body = TIMESTAMP_OWNER.to_vec();
        body.push(0);
        body.extend_from_slice(&timestamp.to_be_bytes());
        let mut tag = b"ID3\x04\x00\x00\x00\x00\x00".to_vec();
        tag.push(10 + body.len() as u8);
        tag.extend_from_slice(b"PRIV\x00\x00\x00");
        tag.push(body.len() as u8);
        tag.extend_from_slice(&[0, 0]);
        tag.extend_from_slice(&body);
        tag
    }

    #[test]
    fn the_packed_audio_timestamp_is_read_from_its_priv_frame() {
        let tag = packed_audio_tag(0x1_2345_6789);
        assert_eq!(tag_length(&tag), Some(tag.len() as u64));
        assert_eq!(transport_stream_timestamp(&tag), Some(0x1_2345_6789));
        // Only the low 33 bits count.
        assert_eq!(
            transport_stream_timestamp(&packed_audio_tag(u64::MAX)),
            Some((1 << 33) - 1)
        );
        let mut other = tag.clone();
        other[20] = b'x'; // another owner
        assert_eq!(transport_stream_timestamp(&other), None);
        for len in 0..tag.len() {
            assert_eq!(transport_stream_timestamp(&tag[..len]), None);
        }
    }
}
