//! Little-endian wire encoding of the structs that cross the guest boundary.
//!
//! The host never reinterprets guest bytes as a Rust struct (guest pointers may be
//! unaligned and a guest may be older or newer than the host). Every struct is read
//! field by field, little-endian, in declaration order, with no padding:
//!
//! * a **short** input is zero-extended, so a struct can grow by appending fields and an
//!   old guest keeps working;
//! * a **short** output buffer receives the prefix that fits, so an old guest that
//!   passes the old size gets the old fields;
//! * every enum field is checked: an unknown value is [`Status::InvalidArgument`].
//!
//! Variable-length lists (draw commands, events) are TLV records: `u16 type`,
//! `u16 length`, then `length` payload bytes; a reader skips types it does not know.

use crate::Status;

/// A value with a fixed little-endian wire form.
pub trait Wire: Sized + Copy {
    /// Bytes on the wire.
    const SIZE: usize;
    /// Reads one value. A missing tail reads as zero bytes.
    ///
    /// # Errors
    /// [`Status::InvalidArgument`] when an enum value is unknown.
    fn read(r: &mut Reader<'_>) -> Result<Self, Status>;
    /// Writes one value (only the part that fits in the output).
    fn write(&self, w: &mut Writer<'_>);
}

/// Reads fields from a byte slice, zero-extending past its end.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub const fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    /// The next `N` bytes; bytes past the end of input read as zero.
    pub fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let start = self.pos.min(self.bytes.len());
        let end = self.pos.saturating_add(N).min(self.bytes.len());
        if let (Some(src), Some(dst)) = (self.bytes.get(start..end), out.get_mut(..end - start)) {
            dst.copy_from_slice(src);
        }
        self.pos = self.pos.saturating_add(N);
        out
    }

    /// Reads one wire value.
    ///
    /// # Errors
    /// As [`Wire::read`].
    pub fn field<T: Wire>(&mut self) -> Result<T, Status> {
        T::read(self)
    }

    /// Bytes consumed so far (may exceed the input length after zero-extension).
    pub const fn position(&self) -> usize {
        self.pos
    }
}

/// Writes fields into a byte slice, dropping what does not fit.
#[derive(Debug)]
pub struct Writer<'a> {
    out: &'a mut [u8],
    pos: usize,
}

impl<'a> Writer<'a> {
    /// A writer at the start of `out`.
    pub fn new(out: &'a mut [u8]) -> Self {
        Self { out, pos: 0 }
    }

    /// Writes `bytes`, truncated at the end of the output.
    pub fn put(&mut self, bytes: &[u8]) {
        let start = self.pos.min(self.out.len());
        let end = self.pos.saturating_add(bytes.len()).min(self.out.len());
        if let (Some(dst), Some(src)) = (self.out.get_mut(start..end), bytes.get(..end - start)) {
            dst.copy_from_slice(src);
        }
        self.pos = self.pos.saturating_add(bytes.len());
    }

    /// Writes one wire value.
    pub fn field<T: Wire>(&mut self, value: &T) {
        value.write(self);
    }

    /// Bytes actually stored in the output.
    pub fn written(&self) -> usize {
        self.pos.min(self.out.len())
    }
}

macro_rules! wire_int {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            const SIZE: usize = core::mem::size_of::<$t>();
            fn read(r: &mut Reader<'_>) -> Result<Self, Status> {
                Ok(<$t>::from_le_bytes(r.take()))
            }
            fn write(&self, w: &mut Writer<'_>) {
                w.put(&self.to_le_bytes());
            }
        }
    )*};
}
wire_int!(u8, u16, u32, u64, i16, i32, i64);

impl<const N: usize> Wire for [u8; N] {
    const SIZE: usize = N;
    fn read(r: &mut Reader<'_>) -> Result<Self, Status> {
        Ok(r.take())
    }
    fn write(&self, w: &mut Writer<'_>) {
        w.put(self);
    }
}

/// One TLV record of a list (draw commands, events).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// The record type (a draw opcode or an event kind).
    pub kind: u16,
    /// The payload, exactly `length` bytes.
    pub payload: &'a [u8],
}

/// Size of a TLV record header.
pub const RECORD_HEADER: usize = 4;

/// Iterates over the TLV records of a list.
///
/// Yields `Err(Status::InvalidArgument)` once and stops if a record's length runs past
/// the end of the list; there is no other way for it to fail.
#[derive(Clone, Debug)]
pub struct Records<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> Records<'a> {
    /// Records of `list`.
    pub const fn new(list: &'a [u8]) -> Self {
        Self {
            rest: list,
            failed: false,
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, Status>;

    #[allow(clippy::indexing_slicing)] // `head` is exactly RECORD_HEADER (4) bytes.
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        let (head, body) = match self.rest.split_at_checked(RECORD_HEADER) {
            Some(split) => split,
            None => {
                self.failed = true;
                return Some(Err(Status::InvalidArgument));
            }
        };
        let kind = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        match body.split_at_checked(len) {
            Some((payload, rest)) => {
                self.rest = rest;
                Some(Ok(Record { kind, payload }))
            }
            None => {
                self.failed = true;
                Some(Err(Status::InvalidArgument))
            }
        }
    }
}

/// Appends one TLV record to `out` at `*pos`.
///
/// Returns `false` (writing nothing) when it does not fit or the payload exceeds
/// `u16::MAX` bytes.
#[allow(clippy::indexing_slicing)] // `head` is exactly RECORD_HEADER (4) bytes.
pub fn put_record(out: &mut [u8], pos: &mut usize, kind: u16, payload: &[u8]) -> bool {
    let Ok(len) = u16::try_from(payload.len()) else {
        return false;
    };
    let total = RECORD_HEADER + payload.len();
    let Some(dst) = pos
        .checked_add(total)
        .and_then(|end| out.get_mut(*pos..end))
    else {
        return false;
    };
    let (head, body) = dst.split_at_mut(RECORD_HEADER);
    head[..2].copy_from_slice(&kind.to_le_bytes());
    head[2..].copy_from_slice(&len.to_le_bytes());
    body.copy_from_slice(payload);
    *pos += total;
    true
}

/// Defines a `#[repr(C)]` struct whose wire form is its fields in order, with
/// `SIZE`, `decode` and `encode`.
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[repr(C)]
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl $name {
            /// Bytes on the wire (equal to `size_of::<Self>()`: no padding).
            pub const SIZE: usize = 0 $( + <$ty as $crate::wire::Wire>::SIZE )*;

            /// Decodes from guest bytes; a short input is zero-extended.
            ///
            /// # Errors
            /// [`Status::InvalidArgument`](crate::Status) when an enum field is unknown.
            pub fn decode(bytes: &[u8]) -> Result<Self, $crate::Status> {
                let mut r = $crate::wire::Reader::new(bytes);
                Ok(Self { $( $field: r.field()?, )* })
            }

            /// Encodes into `out`, truncated to its length; returns bytes written.
            pub fn encode(&self, out: &mut [u8]) -> usize {
                let mut w = $crate::wire::Writer::new(out);
                $( w.field(&self.$field); )*
                w.written()
            }

            /// The full wire form.
            pub fn to_bytes(&self) -> [u8; Self::SIZE] {
                let mut out = [0u8; Self::SIZE];
                self.encode(&mut out);
                out
            }
        }

        impl $crate::wire::Wire for $name {
            const SIZE: usize = $name::SIZE;
            fn read(r: &mut $crate::wire::Reader<'_>) -> Result<Self, $crate::Status> {
                Ok(Self { $( $field: r.field()?, )* })
            }
            fn write(&self, w: &mut $crate::wire::Writer<'_>) {
                $( w.field(&self.$field); )*
            }
        }
    };
}

/// Defines a `u32`-valued enum with checked conversion, `ALL`, `name()` and a
/// [`Wire`] form that rejects unknown values. The first variant is the default.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(#[$fvmeta:meta])* $first:ident = $fval:literal,
            $( $(#[$vmeta:meta])* $variant:ident = $val:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[repr(u32)]
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(#[$fvmeta])* #[default] $first = $fval,
            $( $(#[$vmeta])* $variant = $val, )*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$name::$first, $( $name::$variant, )*];

            /// The value for a wire `u32`, if it is known.
            pub const fn from_u32(value: u32) -> Option<Self> {
                match value {
                    $fval => Some(Self::$first),
                    $( $val => Some(Self::$variant), )*
                    _ => None,
                }
            }

            /// The wire value.
            pub const fn as_u32(self) -> u32 {
                self as u32
            }

            /// The variant's name, for logs and error messages.
            pub const fn name(self) -> &'static str {
                match self {
                    Self::$first => stringify!($first),
                    $( Self::$variant => stringify!($variant), )*
                }
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl $crate::wire::Wire for $name {
            const SIZE: usize = 4;
            fn read(r: &mut $crate::wire::Reader<'_>) -> Result<Self, $crate::Status> {
                Self::from_u32(u32::from_le_bytes(r.take())).ok_or($crate::Status::InvalidArgument)
            }
            fn write(&self, w: &mut $crate::wire::Writer<'_>) {
                w.put(&(*self as u32).to_le_bytes());
            }
        }
    };
}

pub(crate) use {wire_enum, wire_struct};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_input_is_zero_extended() {
        let mut r = Reader::new(&[1, 2]);
        assert_eq!(r.field::<u32>(), Ok(0x0201));
        assert_eq!(r.field::<u64>(), Ok(0));
    }

    #[test]
    fn short_output_gets_the_prefix() {
        let mut out = [0u8; 3];
        let mut w = Writer::new(&mut out);
        w.field(&0x0403_0201u32);
        assert_eq!(w.written(), 3);
        assert_eq!(out, [1, 2, 3]);
    }

    #[test]
    fn records_round_trip_and_reject_overruns() {
        let mut buf = [0u8; 32];
        let mut pos = 0;
        assert!(put_record(&mut buf, &mut pos, 7, &[9, 9]));
        assert!(put_record(&mut buf, &mut pos, 8, &[]));
        let list: Vec<_> = Records::new(&buf[..pos]).collect();
        assert_eq!(
            list,
            [
                Ok(Record {
                    kind: 7,
                    payload: &[9, 9]
                }),
                Ok(Record {
                    kind: 8,
                    payload: &[]
                })
            ]
        );
        // A length that runs past the end is an error, reported once.
        let bad = [1, 0, 10, 0, 1];
        let list: Vec<_> = Records::new(&bad).collect();
        assert_eq!(list, [Err(Status::InvalidArgument)]);
        // A truncated header too.
        assert_eq!(
            Records::new(&[1, 0]).collect::<Vec<_>>(),
            [Err(Status::InvalidArgument)]
        );
    }

    #[test]
    fn put_record_refuses_what_does_not_fit() {
        let mut buf = [0u8; 5];
        let mut pos = 0;
        assert!(!put_record(&mut buf, &mut pos, 1, &[1, 2]));
        assert_eq!(pos, 0);
    }
}
