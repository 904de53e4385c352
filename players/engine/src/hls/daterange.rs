//! `EXT-X-DATERANGE` (RFC 8216 §4.3.2.7): a date range with metadata (ad breaks as
//! SCTE-35, chapters, interstitials). The well-known attributes are parsed; every
//! attribute is also kept as written, so a client can read its own `X-` ones.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use super::attributes::Attributes;
use super::context::{owned, push, Context};
use super::datetime::parse_date_time;
use super::error::Error;
use super::value;

/// One attribute as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// Its name, e.g. `SCTE35-OUT` or `X-COM-EXAMPLE-AD-ID`.
    pub name: String,
    /// Its value (without quotes; quoted-strings substituted).
    pub value: String,
    /// Whether it was a quoted-string.
    pub quoted: bool,
}

/// A date range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateRange {
    /// `ID` (required).
    pub id: String,
    /// `CLASS`.
    pub class: Option<String>,
    /// `START-DATE` in milliseconds since the Unix epoch (required by RFC 8216,
    /// optional in rfc8216bis for a range that repeats an earlier `ID`).
    pub start_date: Option<i64>,
    /// `END-DATE` in milliseconds since the Unix epoch.
    pub end_date: Option<i64>,
    /// `DURATION`.
    pub duration: Option<Duration>,
    /// `PLANNED-DURATION`.
    pub planned_duration: Option<Duration>,
    /// `END-ON-NEXT=YES`: it ends where the next range of its class starts.
    pub end_on_next: bool,
    /// Every attribute as written, in order, including the ones above.
    pub attributes: Vec<Attribute>,
    /// Index of the segment the tag precedes in the playlist's `segments` (equal to
    /// their number when it comes after the last one).
    pub segment_index: usize,
}

impl DateRange {
    /// The value of attribute `name` as written (e.g. `SCTE35-OUT` → `0xFC...`).
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }
}

pub(crate) fn parse(
    cx: &mut Context<'_>,
    a: &Attributes<'_>,
    segment_index: usize,
) -> Result<DateRange, Error> {
    let id = cx.required_string(a, "ID")?;
    let class = cx.string(a, "CLASS")?;
    let start_date = cx.optional(a, "START-DATE", parse_date_time);
    let end_date = cx.optional(a, "END-DATE", parse_date_time);
    let duration = cx.optional(a, "DURATION", value::duration);
    let planned_duration = cx.optional(a, "PLANNED-DURATION", value::duration);
    let end_on_next = cx.flag(a, "END-ON-NEXT");
    let mut attributes = Vec::new();
    for (name, raw) in a.iter() {
        let value = if raw.quoted {
            cx.text(raw.text)?
        } else {
            owned(raw.text).map_err(|k| cx.error(k))?
        };
        let attribute = Attribute {
            name: owned(name).map_err(|k| cx.error(k))?,
            value,
            quoted: raw.quoted,
        };
        push(&mut attributes, attribute).map_err(|k| cx.error(k))?;
    }
    Ok(DateRange {
        id,
        class,
        start_date,
        end_date,
        duration,
        planned_duration,
        end_on_next,
        attributes,
        segment_index,
    })
}
