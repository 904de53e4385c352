//! Box headers (ISO/IEC 14496-12 §4.2) and a checked walk over a box's children.
//!
//! A header is read from a small window (at most [`BoxHeader::MAX_LEN`] bytes), so a
//! streaming reader never needs a box's payload to learn its size. No size is
//! trusted: a child that claims more bytes than its parent holds is an error.

use crate::media::DemuxError;

use super::reader::Reader;

/// A box type: four bytes, usually ASCII.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FourCc(pub [u8; 4]);

impl FourCc {
    /// The type from its four characters.
    pub const fn new(s: &[u8; 4]) -> Self {
        Self(*s)
    }
}

impl core::fmt::Display for FourCc {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for b in self.0 {
            let c = if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            };
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

/// A parsed box header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoxHeader {
    /// The box type (`uuid` for user types, see [`usertype`](Self::usertype)).
    pub kind: FourCc,
    /// Bytes of the header: 8, 16 with a 64-bit `largesize`, plus 16 for `uuid`.
    pub header_len: u8,
    /// The whole box's size, header included; `None` when the box extends to the end
    /// of its container or file (size 0).
    pub size: Option<u64>,
    /// The extended type of a `uuid` box.
    pub usertype: Option<[u8; 16]>,
}

impl BoxHeader {
    /// The longest header: size, type, largesize, usertype.
    pub const MAX_LEN: usize = 32;

    /// Reads a header from the start of `window`. `Ok(None)` when the window is too
    /// short to hold it (read more and retry).
    ///
    /// # Errors
    /// [`DemuxError::Malformed`] when the declared size is smaller than the header.
    pub fn parse(window: &[u8]) -> Result<Option<Self>, DemuxError> {
        let mut r = Reader::new(window);
        let (Ok(size32), Ok(kind)) = (r.u32(), r.array::<4>()) else {
            return Ok(None);
        };
        let kind = FourCc(kind);
        let mut header_len: u8 = 8;
        let size = match size32 {
            0 => None,
            1 => {
                let Ok(large) = r.u64() else { return Ok(None) };
                header_len = 16;
                Some(large)
            }
            n => Some(u64::from(n)),
        };
        let usertype = if kind == FourCc::new(b"uuid") {
            let Ok(t) = r.array::<16>() else {
                return Ok(None);
            };
            header_len += 16;
            Some(t)
        } else {
            None
        };
        if size.is_some_and(|s| s < u64::from(header_len)) {
            return Err(DemuxError::Malformed("box size smaller than its header"));
        }
        Ok(Some(Self {
            kind,
            header_len,
            size,
            usertype,
        }))
    }

    /// The payload's size, when the box declares one.
    pub fn payload_size(&self) -> Option<u64> {
        self.size
            .map(|s| s.saturating_sub(u64::from(self.header_len)))
    }
}

/// One child box found by [`Boxes`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Child<'a> {
    /// Its header.
    pub header: BoxHeader,
    /// Offset of the box's first header byte within the parent's payload.
    pub offset: usize,
    /// The payload (after the header).
    pub payload: &'a [u8],
}

/// Most children one container may hold (bounds the work a hostile file causes).
pub(crate) const MAX_CHILDREN: u32 = 100_000;

/// The children of a container whose payload is in memory, checked against it.
#[derive(Clone, Debug)]
pub(crate) struct Boxes<'a> {
    data: &'a [u8],
    pos: usize,
    count: u32,
    failed: bool,
}

impl<'a> Boxes<'a> {
    /// The children in `payload`.
    pub(crate) const fn new(payload: &'a [u8]) -> Self {
        Self {
            data: payload,
            pos: 0,
            count: 0,
            failed: false,
        }
    }

    fn step(&mut self) -> Result<Option<Child<'a>>, DemuxError> {
        let rest = self.data.get(self.pos..).unwrap_or(&[]);
        if rest.is_empty() {
            return Ok(None);
        }
        self.count += 1;
        if self.count > MAX_CHILDREN {
            return Err(DemuxError::TooLarge("too many boxes in one container"));
        }
        let header = BoxHeader::parse(rest)?
            .ok_or(DemuxError::Malformed("box header overruns its parent"))?;
        let total = match header.size {
            None => rest.len(),
            Some(s) => usize::try_from(s)
                .ok()
                .filter(|&s| s <= rest.len())
                .ok_or(DemuxError::Malformed("box size overruns its parent"))?,
        };
        let payload = rest
            .get(usize::from(header.header_len)..total)
            .ok_or(DemuxError::Malformed("box size overruns its parent"))?;
        let child = Child {
            header,
            offset: self.pos,
            payload,
        };
        self.pos += total;
        Ok(Some(child))
    }
}

impl<'a> Iterator for Boxes<'a> {
    type Item = Result<Child<'a>, DemuxError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let out = self.step().transpose();
        if matches!(out, Some(Err(_))) {
            self.failed = true;
        }
        out
    }
}

/// The first child of type `kind` in `payload`, if any.
pub(crate) fn find<'a>(payload: &'a [u8], kind: &[u8; 4]) -> Result<Option<&'a [u8]>, DemuxError> {
    for child in Boxes::new(payload) {
        let child = child?;
        if child.header.kind.0 == *kind {
            return Ok(Some(child.payload));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_with_largesize_and_uuid_are_read() {
        let mut b = [0u8; 32];
        b[..4].copy_from_slice(&1u32.to_be_bytes());
        b[4..8].copy_from_slice(b"uuid");
        b[8..16].copy_from_slice(&40u64.to_be_bytes());
        b[16..32].copy_from_slice(&[7; 16]);
        let h = BoxHeader::parse(&b).unwrap().unwrap();
        assert_eq!(h.header_len, 32);
        assert_eq!(h.size, Some(40));
        assert_eq!(h.usertype, Some([7; 16]));
        assert_eq!(h.payload_size(), Some(8));
        assert_eq!(BoxHeader::parse(&b[..20]), Ok(None), "short window");
    }

    #[test]
    fn a_size_below_the_header_is_malformed() {
        let b = [0, 0, 0, 7, b'f', b'r', b'e', b'e'];
        assert!(BoxHeader::parse(&b).is_err());
    }

    #[test]
    fn a_child_overrunning_its_parent_is_an_error() {
        let b = [
            0, 0, 0, 8, b'f', b'r', b'e', b'e', 0, 0, 0, 9, b'f', b'r', b'e', b'e',
        ];
        let mut it = Boxes::new(&b);
        assert!(it.next().unwrap().is_ok());
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
    }

    #[test]
    fn size_zero_extends_to_the_parent_end() {
        let b = [0, 0, 0, 0, b'm', b'd', b'a', b't', 1, 2, 3];
        let c = Boxes::new(&b).next().unwrap().unwrap();
        assert_eq!(c.payload, &[1, 2, 3]);
    }
}
