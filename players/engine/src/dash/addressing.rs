//! Segment addressing (ISO/IEC 23009-1 §5.3.9): `SegmentBase`, `SegmentList`,
//! `SegmentTemplate`, each possibly present on the Period, the AdaptationSet and the
//! Representation. §5.3.9.1: the lower level's attributes and elements override the
//! higher's; the scheme used is the one named at the lowest level.
//!
//! Inherited lists and templates are shared (`Rc`), not copied per Representation, so
//! a small MPD cannot multiply into a large memory footprint.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::attr::{push, El};
use super::duration::parse_seconds;
use super::error::MpdError;
use super::template::Template;
use super::timeline::{parse_timeline, TimelineEntry};
use crate::media::ByteRange;
use crate::time::Micros;

/// A URL with an optional byte range (`Initialization`, `RepresentationIndex`:
/// `URLType`, §5.3.9.2.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UrlRange {
    /// `@sourceURL`, unresolved; `None` means the Representation's BaseURL.
    pub source_url: Option<String>,
    /// `@range`.
    pub range: Option<ByteRange>,
}

/// A `SegmentURL` of a `SegmentList` (§5.3.9.3.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SegmentUrl {
    /// `@media`, unresolved; `None` means the Representation's BaseURL.
    pub media: Option<String>,
    /// `@mediaRange`.
    pub media_range: Option<ByteRange>,
    /// `@index`.
    pub index: Option<String>,
    /// `@indexRange`.
    pub index_range: Option<ByteRange>,
}

/// `SegmentBaseType` attributes, after inheritance (§5.3.9.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentBase {
    /// `@timescale` (default 1, never 0).
    pub timescale: u32,
    /// `@presentationTimeOffset` in the timescale (default 0).
    pub presentation_time_offset: u64,
    /// `@indexRange`: where the `sidx` is.
    pub index_range: Option<ByteRange>,
    /// `Initialization`.
    pub initialization: Option<Rc<UrlRange>>,
    /// `RepresentationIndex`.
    pub representation_index: Option<Rc<UrlRange>>,
    /// `@availabilityTimeOffset` (§5.3.9.5.3; `i64::MAX` for `INF`; default 0).
    pub availability_time_offset: Micros,
}

/// `MultipleSegmentBaseType` attributes, after inheritance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sequence {
    /// `@duration` in the timescale (> 0), when segments are uniform.
    pub duration: Option<u64>,
    /// `@startNumber` (default 1).
    pub start_number: u64,
    /// `@endNumber` (4th edition), the last number.
    pub end_number: Option<u64>,
    /// `SegmentTimeline`, empty when absent.
    pub timeline: Rc<[TimelineEntry]>,
}

/// `SegmentList` after inheritance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentList {
    /// Base attributes.
    pub base: SegmentBase,
    /// Numbering and timing.
    pub sequence: Sequence,
    /// The segments, in order.
    pub urls: Rc<[SegmentUrl]>,
}

/// `SegmentTemplate` after inheritance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentTemplate {
    /// Base attributes.
    pub base: SegmentBase,
    /// Numbering and timing.
    pub sequence: Sequence,
    /// `@media`.
    pub media: Option<Rc<Template>>,
    /// `@initialization`.
    pub initialization: Option<Rc<Template>>,
    /// `@index`.
    pub index: Option<Rc<Template>>,
}

/// How a Representation's segments are addressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Addressing {
    /// One resource (the BaseURL), possibly indexed by a `sidx`; also used when the
    /// Representation has no segment information at all.
    Base(SegmentBase),
    /// An explicit list.
    List(SegmentList),
    /// A URL template.
    Template(SegmentTemplate),
}

impl Addressing {
    /// The base attributes, whatever the scheme.
    pub fn base(&self) -> &SegmentBase {
        match self {
            Self::Base(b) => b,
            Self::List(l) => &l.base,
            Self::Template(t) => &t.base,
        }
    }
}

/// The segment elements found on one level (Period, AdaptationSet or Representation).
#[derive(Clone, Debug, Default)]
pub(crate) struct Level {
    base: Option<Partial>,
    list: Option<Partial>,
    template: Option<Partial>,
}

/// One element's attributes, each `None` when not given there.
#[derive(Clone, Debug, Default)]
struct Partial {
    timescale: Option<u32>,
    presentation_time_offset: Option<u64>,
    index_range: Option<ByteRange>,
    initialization: Option<Rc<UrlRange>>,
    representation_index: Option<Rc<UrlRange>>,
    availability_time_offset: Option<Micros>,
    duration: Option<u64>,
    start_number: Option<u64>,
    end_number: Option<u64>,
    timeline: Option<Rc<[TimelineEntry]>>,
    urls: Option<Rc<[SegmentUrl]>>,
    media: Option<Rc<Template>>,
    init_template: Option<Rc<Template>>,
    index_template: Option<Rc<Template>>,
}

impl Level {
    /// Reads the `SegmentBase`, `SegmentList` and `SegmentTemplate` children of `el`.
    pub fn parse(el: &El<'_, '_>) -> Result<Self, MpdError> {
        Ok(Self {
            base: el
                .child("SegmentBase")
                .map(|e| Partial::parse(&e))
                .transpose()?,
            list: el
                .child("SegmentList")
                .map(|e| Partial::parse(&e))
                .transpose()?,
            template: el
                .child("SegmentTemplate")
                .map(|e| Partial::parse(&e))
                .transpose()?,
        })
    }
}

impl Partial {
    fn parse(el: &El<'_, '_>) -> Result<Self, MpdError> {
        let positive = |v: Option<u64>, attribute| match v {
            Some(0) => Err(MpdError::BadValue {
                element: el.name,
                attribute,
            }),
            v => Ok(v),
        };
        let template = |attribute: &'static str| {
            el.str(attribute)
                .map(|s| {
                    Template::parse(s)
                        .map(Rc::new)
                        .map_err(|e| e.at(el.name, attribute))
                })
                .transpose()
        };
        let mut urls = None;
        for u in el.children("SegmentURL") {
            let url = SegmentUrl {
                media: u.string("media")?,
                media_range: u.range("mediaRange")?,
                index: u.string("index")?,
                index_range: u.range("indexRange")?,
            };
            push(urls.get_or_insert_with(Vec::new), url)?;
        }
        Ok(Self {
            timescale: positive(el.u32("timescale")?.map(u64::from), "timescale")?
                .map(|t| t as u32),
            presentation_time_offset: el.u63("presentationTimeOffset")?,
            index_range: el.range("indexRange")?,
            initialization: el
                .child("Initialization")
                .map(|e| url_range(&e))
                .transpose()?,
            representation_index: el
                .child("RepresentationIndex")
                .map(|e| url_range(&e))
                .transpose()?,
            availability_time_offset: el.parsed("availabilityTimeOffset", parse_seconds)?,
            duration: positive(el.u63("duration")?, "duration")?,
            start_number: el.u63("startNumber")?,
            end_number: el.u63("endNumber")?,
            timeline: el
                .child("SegmentTimeline")
                .map(|e| parse_timeline(&e).map(Rc::from))
                .transpose()?,
            urls: urls.map(Rc::from),
            media: template("media")?,
            init_template: template("initialization")?,
            index_template: template("index")?,
        })
    }
}

fn url_range(el: &El<'_, '_>) -> Result<Rc<UrlRange>, MpdError> {
    Ok(Rc::new(UrlRange {
        source_url: el.string("sourceURL")?,
        range: el.range("range")?,
    }))
}

/// Resolves the addressing of a Representation from its levels, highest first.
pub(crate) fn resolve(levels: [&Level; 3]) -> Addressing {
    let lowest = levels.iter().rev().find_map(|l| {
        if l.template.is_some() {
            Some(2)
        } else if l.list.is_some() {
            Some(1)
        } else if l.base.is_some() {
            Some(0)
        } else {
            None
        }
    });
    let of_kind = |kind| {
        levels.map(|l| match kind {
            2 => l.template.as_ref(),
            1 => l.list.as_ref(),
            _ => l.base.as_ref(),
        })
    };
    let chain = of_kind(lowest.unwrap_or(0));
    // The lowest level that gives a field wins.
    macro_rules! pick {
        ($field:ident) => {
            chain.iter().rev().flatten().find_map(|p| p.$field.clone())
        };
    }
    let base = SegmentBase {
        timescale: pick!(timescale).unwrap_or(1),
        presentation_time_offset: pick!(presentation_time_offset).unwrap_or(0),
        index_range: pick!(index_range),
        initialization: pick!(initialization),
        representation_index: pick!(representation_index),
        availability_time_offset: pick!(availability_time_offset).unwrap_or_default(),
    };
    let sequence = || Sequence {
        duration: pick!(duration),
        start_number: pick!(start_number).unwrap_or(1),
        end_number: pick!(end_number),
        timeline: pick!(timeline).unwrap_or_else(|| Rc::from([])),
    };
    match lowest {
        Some(2) => Addressing::Template(SegmentTemplate {
            base,
            sequence: sequence(),
            media: pick!(media),
            initialization: pick!(init_template),
            index: pick!(index_template),
        }),
        Some(1) => Addressing::List(SegmentList {
            base,
            sequence: sequence(),
            urls: pick!(urls).unwrap_or_else(|| Rc::from([])),
        }),
        _ => Addressing::Base(base),
    }
}
