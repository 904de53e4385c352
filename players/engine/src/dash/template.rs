//! `SegmentTemplate` URL templates (ISO/IEC 23009-1 §5.3.9.4.4, Table 16): the
//! identifiers `$RepresentationID$`, `$Number$`, `$Time$`, `$Bandwidth$`,
//! `$SubNumber$` and the escape `$$`, with an optional `%0[width]d` format tag on the
//! numeric ones. Parsed once; expansion cannot fail.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use super::attr::{owned, push};
use super::error::MpdError;

/// Widest accepted format tag (a `u64` has 20 digits; more would only pad).
const MAX_WIDTH: u8 = 32;

/// A parsed template.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Literal(String),
    RepresentationId,
    Number(u8),
    Time(u8),
    Bandwidth(u8),
    SubNumber(u8),
}

/// The values substituted into a template.
#[derive(Clone, Copy, Debug, Default)]
pub struct TemplateValues<'a> {
    /// `Representation@id`.
    pub representation_id: &'a str,
    /// The segment number.
    pub number: u64,
    /// The segment's media time (`S@t` scale, including `@presentationTimeOffset`).
    pub time: u64,
    /// `Representation@bandwidth`.
    pub bandwidth: u64,
    /// The sub-segment number (§5.3.9.6; 0 outside segment sequences).
    pub sub_number: u64,
}

impl Template {
    /// Parses a template.
    ///
    /// # Errors
    /// [`TemplateError::Syntax`] on an unknown identifier, an unterminated `$`, or a
    /// format tag that is not `%0[width]d` (or is on `$RepresentationID$`).
    pub fn parse(s: &str) -> Result<Self, TemplateError> {
        let mut pieces = Vec::new();
        let mut rest = s;
        while let Some(start) = rest.find('$') {
            let (literal, after) = rest.split_at_checked(start).ok_or(TemplateError::Syntax)?;
            let after = after.get(1..).ok_or(TemplateError::Syntax)?;
            let end = after.find('$').ok_or(TemplateError::Syntax)?;
            let (ident, tail) = after.split_at_checked(end).ok_or(TemplateError::Syntax)?;
            rest = tail.get(1..).ok_or(TemplateError::Syntax)?;
            add_literal(&mut pieces, literal)?;
            if ident.is_empty() {
                add_literal(&mut pieces, "$")?;
                continue;
            }
            let (name, width) = match ident.split_once('%') {
                Some((name, format)) => (name, Some(parse_format(format)?)),
                None => (ident, None),
            };
            let w = width.unwrap_or(0);
            let piece = match name {
                "RepresentationID" if width.is_none() => Piece::RepresentationId,
                "Number" => Piece::Number(w),
                "Time" => Piece::Time(w),
                "Bandwidth" => Piece::Bandwidth(w),
                "SubNumber" => Piece::SubNumber(w),
                _ => return Err(TemplateError::Syntax),
            };
            push(&mut pieces, piece).map_err(|_| TemplateError::OutOfMemory)?;
        }
        add_literal(&mut pieces, rest)?;
        Ok(Self { pieces })
    }

    /// Substitutes the values.
    pub fn expand(&self, values: &TemplateValues<'_>) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            // Writing to a String cannot fail.
            let _ = match piece {
                Piece::Literal(s) => out.write_str(s),
                Piece::RepresentationId => out.write_str(values.representation_id),
                Piece::Number(w) => write!(out, "{:0w$}", values.number, w = usize::from(*w)),
                Piece::Time(w) => write!(out, "{:0w$}", values.time, w = usize::from(*w)),
                Piece::Bandwidth(w) => {
                    write!(out, "{:0w$}", values.bandwidth, w = usize::from(*w))
                }
                Piece::SubNumber(w) => {
                    write!(out, "{:0w$}", values.sub_number, w = usize::from(*w))
                }
            };
        }
        out
    }

    /// Whether `$Time$` appears (the URL then depends on the timeline, not the number).
    pub fn uses_time(&self) -> bool {
        self.pieces.iter().any(|p| matches!(p, Piece::Time(_)))
    }
}

/// Why a template was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplateError {
    /// Unknown identifier, unterminated `$`, or a bad format tag.
    Syntax,
    /// No memory for the parsed template.
    OutOfMemory,
}

impl TemplateError {
    pub(crate) fn at(self, element: &'static str, attribute: &'static str) -> MpdError {
        match self {
            Self::Syntax => MpdError::BadTemplate { element, attribute },
            Self::OutOfMemory => MpdError::OutOfMemory,
        }
    }
}

fn add_literal(pieces: &mut Vec<Piece>, s: &str) -> Result<(), TemplateError> {
    if s.is_empty() {
        return Ok(());
    }
    if let Some(Piece::Literal(last)) = pieces.last_mut() {
        last.try_reserve(s.len())
            .map_err(|_| TemplateError::OutOfMemory)?;
        last.push_str(s);
        return Ok(());
    }
    let literal = owned(s).map_err(|_| TemplateError::OutOfMemory)?;
    push(pieces, Piece::Literal(literal)).map_err(|_| TemplateError::OutOfMemory)
}

/// `0[width]d` after the `%` (§5.3.9.4.4: the width is a decimal number).
fn parse_format(format: &str) -> Result<u8, TemplateError> {
    let digits = format
        .strip_prefix('0')
        .and_then(|f| f.strip_suffix('d'))
        .ok_or(TemplateError::Syntax)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 2 {
        return Err(TemplateError::Syntax);
    }
    let width = digits.bytes().fold(0u8, |acc, b| acc * 10 + (b - b'0'));
    if width > MAX_WIDTH {
        return Err(TemplateError::Syntax);
    }
    Ok(width)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(t: &str, number: u64, time: u64) -> String {
        Template::parse(t).map_or_else(
            |e| alloc::format!("error {e:?}"),
            |t| {
                t.expand(&TemplateValues {
                    representation_id: "v1",
                    number,
                    time,
                    bandwidth: 300000,
                    sub_number: 0,
                })
            },
        )
    }

    #[test]
    fn identifiers_and_format_tags_expand() {
        assert_eq!(
            expand("chunk-$RepresentationID$-$Number%05d$.m4s", 7, 0),
            "chunk-v1-00007.m4s"
        );
        assert_eq!(expand("$Time$.m4s", 0, 123456789012), "123456789012.m4s");
        assert_eq!(expand("$Bandwidth$/$Number$", 42, 0), "300000/42");
        assert_eq!(expand("a$$b$$$Number$", 3, 0), "a$b$3");
        assert_eq!(expand("$Number%01d$", 123, 0), "123", "width is a minimum");
        assert_eq!(expand("$Time%010d$", 0, 48000), "0000048000");
        assert_eq!(expand("plain.mp4", 1, 0), "plain.mp4");
    }

    #[test]
    fn bad_templates_are_refused() {
        for bad in [
            "$Number",
            "$Nmber$",
            "$number$",
            "$Number%5d$",
            "$Number%05x$",
            "$Number%0d$",
            "$Number%099d$",
            "$RepresentationID%05d$",
            "$Time%$",
        ] {
            assert_eq!(Template::parse(bad), Err(TemplateError::Syntax), "{bad:?}");
        }
    }
}
