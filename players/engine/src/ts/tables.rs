//! The program association and program map tables (ISO/IEC 13818-1 §2.4.4.3,
//! §2.4.4.8), read from a section whose CRC was checked.

use super::descriptor::{classify, language, StreamClass};

/// Why a table section was not used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TableError {
    /// Not the table expected, not current, or cut short.
    Invalid,
}

/// The common long-form section header (§2.4.4.10 syntax, `section_syntax_indicator`
/// = 1): returns the table id extension, the version and the body (after
/// `last_section_number`, before the CRC).
fn long_section(section: &[u8], table_id: u8) -> Result<(u16, u8, &[u8]), TableError> {
    let Some(&[id, b1, _, ext0, ext1, version, _, _]) = section.first_chunk::<8>() else {
        return Err(TableError::Invalid);
    };
    if id != table_id || b1 & 0x80 == 0 || version & 1 == 0 {
        // Wrong table, short syntax, or current_next_indicator = 0 (not yet valid).
        return Err(TableError::Invalid);
    }
    let body = section
        .get(8..section.len().saturating_sub(4))
        .ok_or(TableError::Invalid)?;
    Ok((
        u16::from_be_bytes([ext0, ext1]),
        (version >> 1) & 0x1f,
        body,
    ))
}

/// Calls `out(program_number, program_map_PID)` for each program of a PAT section
/// (program 0, the network PID, is left out).
///
/// # Errors
/// [`TableError::Invalid`] when the section is not a current PAT.
pub(crate) fn read_pat(section: &[u8], out: &mut dyn FnMut(u16, u16)) -> Result<(), TableError> {
    let (_, _, body) = long_section(section, 0x00)?;
    for entry in body.chunks_exact(4) {
        if let &[n0, n1, p0, p1] = entry {
            let program = u16::from_be_bytes([n0, n1]);
            if program != 0 {
                out(program, (u16::from(p0 & 0x1f) << 8) | u16::from(p1));
            }
        }
    }
    Ok(())
}

/// One elementary stream of a PMT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PmtStream {
    /// `elementary_PID`.
    pub(crate) pid: u16,
    /// `stream_type`.
    pub(crate) stream_type: u8,
    /// What the stream type and its descriptors make it (`None`: not handled).
    pub(crate) class: Option<StreamClass>,
    /// ISO 639-2 language code from an ISO_639_language_descriptor.
    pub(crate) language: Option<[u8; 3]>,
}

/// Calls `out` for each elementary stream of a PMT section.
///
/// # Errors
/// [`TableError::Invalid`] when the section is not a current PMT or is cut short.
pub(crate) fn read_pmt(section: &[u8], out: &mut dyn FnMut(PmtStream)) -> Result<(), TableError> {
    let (_, _, body) = long_section(section, 0x02)?;
    let Some(&[_, _, i0, i1]) = body.first_chunk::<4>() else {
        return Err(TableError::Invalid);
    };
    let info_length = (usize::from(i0 & 0x0f) << 8) | usize::from(i1);
    let mut rest = body.get(4 + info_length..).ok_or(TableError::Invalid)?;
    while let Some(&[stream_type, p0, p1, l0, l1]) = rest.first_chunk::<5>() {
        let es_length = (usize::from(l0 & 0x0f) << 8) | usize::from(l1);
        let descriptors = rest.get(5..5 + es_length).ok_or(TableError::Invalid)?;
        out(PmtStream {
            pid: (u16::from(p0 & 0x1f) << 8) | u16::from(p1),
            stream_type,
            class: classify(stream_type, descriptors),
            language: language(descriptors),
        });
        rest = rest.get(5 + es_length..).unwrap_or_default();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::psi::crc32;
    use super::*;
    use crate::es::Syntax;
    use crate::media::Codec;
    use alloc::vec::Vec;

    /// The PMT of `progressive/hevc-ac3.ts` (CRC included).
    const PMT: [u8; 38] = [
        0x02, 0xb0, 0x23, 0x00, 0x01, 0xc1, 0x00, 0x00, 0xe1, 0x00, 0xf0, 0x00, 0x24, 0xe1, 0x00,
        0xf0, 0x06, 0x05, 0x04, 0x48, 0x45, 0x56, 0x43, 0x81, 0xe1, 0x01, 0xf0, 0x06, 0x05, 0x04,
        0x41, 0x43, 0x2d, 0x33, 0x23, 0xcc, 0xbe, 0xb5,
    ];

    #[test]
    fn pmt_lists_streams_with_their_classes() {
        assert_eq!(crc32(&PMT), 0);
        let mut streams = Vec::new();
        read_pmt(&PMT, &mut |s| streams.push(s)).unwrap();
        assert_eq!(streams.len(), 2);
        assert_eq!((streams[0].pid, streams[0].stream_type), (0x100, 0x24));
        assert_eq!(streams[0].class, Some(StreamClass::Video(Codec::H265)));
        assert_eq!(
            streams[1].class,
            Some(StreamClass::Audio(Codec::Ac3, Syntax::Ac3))
        );
    }

    #[test]
    fn pat_lists_programs_but_not_the_network_pid() {
        let pat = [
            0x00, 0xb0, 0x11, 0x00, 0x01, 0xc1, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x10, 0x00, 0x01,
            0xf0, 0x00, 0, 0, 0, 0,
        ];
        let mut programs = Vec::new();
        read_pat(&pat, &mut |n, pid| programs.push((n, pid))).unwrap();
        assert_eq!(programs, [(1, 0x1000)]);
        assert!(read_pat(&PMT, &mut |_, _| {}).is_err());
        assert!(read_pmt(&PMT[..10], &mut |_| {}).is_err());
    }
}
