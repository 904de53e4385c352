//! What can be wrong with an MPD.

use core::fmt;

/// Why an MPD was refused. Each variant names the element and attribute at fault, so
/// a log line says what to fix in the manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MpdError {
    /// Not well-formed XML (or a DTD, which is refused), at this line and column.
    Xml {
        /// Line, from 1.
        row: u32,
        /// Column, from 1.
        col: u32,
    },
    /// The bytes are not UTF-8 (ISO/IEC 23009-1 §5.2.1: MPDs are UTF-8 XML).
    NotUtf8,
    /// The root element is not `MPD`.
    NotMpd,
    /// A required attribute is absent.
    MissingAttribute {
        /// Element name.
        element: &'static str,
        /// Attribute name.
        attribute: &'static str,
    },
    /// An attribute's value does not parse (number, boolean, range, ratio...).
    BadValue {
        /// Element name.
        element: &'static str,
        /// Attribute name.
        attribute: &'static str,
    },
    /// An `xs:duration` (ISO 8601 §4.4.3.2) does not parse or does not fit in `i64`
    /// microseconds.
    BadDuration {
        /// Element name.
        element: &'static str,
        /// Attribute name.
        attribute: &'static str,
    },
    /// An `xs:dateTime` does not parse.
    BadDateTime {
        /// Element name.
        element: &'static str,
        /// Attribute name.
        attribute: &'static str,
    },
    /// A segment template has an unknown identifier, an unterminated `$`, or a bad
    /// format tag (ISO/IEC 23009-1 §5.3.9.4.4).
    BadTemplate {
        /// Element name.
        element: &'static str,
        /// Attribute name.
        attribute: &'static str,
    },
    /// A Period's start cannot be derived (§5.3.2.1: no `@start` and the previous
    /// Period has no known end).
    PeriodStart,
    /// The MPD has no Period.
    NoPeriod,
    /// An allocation failed (the input asks for more memory than there is).
    OutOfMemory,
}

impl fmt::Display for MpdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Xml { row, col } => write!(f, "MPD: malformed XML at {row}:{col}"),
            Self::NotUtf8 => f.write_str("MPD: not UTF-8"),
            Self::NotMpd => f.write_str("MPD: the root element is not MPD"),
            Self::MissingAttribute { element, attribute } => {
                write!(f, "MPD: {element}@{attribute} is required")
            }
            Self::BadValue { element, attribute } => {
                write!(f, "MPD: bad value in {element}@{attribute}")
            }
            Self::BadDuration { element, attribute } => {
                write!(f, "MPD: bad duration in {element}@{attribute}")
            }
            Self::BadDateTime { element, attribute } => {
                write!(f, "MPD: bad date-time in {element}@{attribute}")
            }
            Self::BadTemplate { element, attribute } => {
                write!(f, "MPD: bad template in {element}@{attribute}")
            }
            Self::PeriodStart => f.write_str("MPD: a Period's start cannot be derived"),
            Self::NoPeriod => f.write_str("MPD: no Period"),
            Self::OutOfMemory => f.write_str("MPD: out of memory"),
        }
    }
}

impl core::error::Error for MpdError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_stays_small() {
        assert!(core::mem::size_of::<MpdError>() <= 40);
    }

    #[test]
    fn display_names_the_attribute() {
        let e = MpdError::BadDuration {
            element: "MPD",
            attribute: "minBufferTime",
        };
        assert_eq!(
            alloc::format!("{e}"),
            "MPD: bad duration in MPD@minBufferTime"
        );
    }
}
