//! ID3v2 tag headers (ID3v2.4.0 §3.1): enough to know how long a tag is, to skip it
//! at the start of an audio file.

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
}
