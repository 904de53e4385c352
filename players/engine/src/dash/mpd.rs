//! The `MPD` element (ISO/IEC 23009-1 §5.3.1): presentation-wide timing, `Location`,
//! `UTCTiming`, the BaseURL root, and its Periods.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::attr::{base_url, owned, push, El};
use super::descriptor::Descriptor;
use super::error::MpdError;
use super::period::{derive, Period, PeriodTimes};
use super::segments::Live;
use crate::time::Micros;

/// Most XML nodes accepted in one MPD (elements, attributes' owners and texts): far
/// beyond real manifests, a bound on the DOM's memory whatever the input.
const MAX_NODES: u32 = 1 << 20;

/// `MPD@type` (§5.3.1.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MpdType {
    /// On demand: every segment is available.
    #[default]
    Static,
    /// Live: segments become available over time (§5.3.9.5.3).
    Dynamic,
}

/// A parsed MPD. Every value is checked during [`Mpd::parse`]; the accessors that
/// follow (segments, URLs) cannot fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mpd {
    /// `@type`.
    pub kind: MpdType,
    /// `@id`.
    pub id: Option<String>,
    /// `@profiles`.
    pub profiles: Option<String>,
    /// `@mediaPresentationDuration`.
    pub media_presentation_duration: Option<Micros>,
    /// `@minBufferTime`.
    pub min_buffer_time: Option<Micros>,
    /// `@availabilityStartTime`, milliseconds since the Unix epoch.
    pub availability_start_time: Option<i64>,
    /// `@availabilityEndTime`, milliseconds since the Unix epoch.
    pub availability_end_time: Option<i64>,
    /// `@publishTime`, milliseconds since the Unix epoch.
    pub publish_time: Option<i64>,
    /// `@timeShiftBufferDepth` (absent: the whole presentation stays available).
    pub time_shift_buffer_depth: Option<Micros>,
    /// `@suggestedPresentationDelay`.
    pub suggested_presentation_delay: Option<Micros>,
    /// `@minimumUpdatePeriod` (absent: the MPD does not change).
    pub minimum_update_period: Option<Micros>,
    /// `@maxSegmentDuration`.
    pub max_segment_duration: Option<Micros>,
    /// The resolved BaseURL at the MPD level (the document URL if none is given).
    pub base_url: Rc<str>,
    /// `Location` elements, resolved: where to fetch updates.
    pub locations: Vec<String>,
    /// `UTCTiming` descriptors (§5.8.4.11): how to synchronise the wall clock.
    pub utc_timings: Vec<Descriptor>,
    /// The Periods, in order.
    pub periods: Vec<Period>,
}

impl Mpd {
    /// Parses MPD bytes as fetched (UTF-8, with or without a byte-order mark).
    ///
    /// # Errors
    /// [`MpdError::NotUtf8`], or any error of [`Mpd::parse`].
    pub fn parse_bytes(bytes: &[u8], url: &str) -> Result<Self, MpdError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = core::str::from_utf8(bytes).map_err(|_| MpdError::NotUtf8)?;
        Self::parse(text, url)
    }

    /// Parses an MPD fetched from `url` (the base of relative BaseURLs).
    ///
    /// # Errors
    /// Malformed XML, a root that is not `MPD`, a missing required attribute
    /// (`Representation@id`, `@bandwidth`, `S@d`, `@availabilityStartTime` of a dynamic
    /// MPD...) or a malformed value. Unknown elements and attributes are ignored.
    pub fn parse(text: &str, url: &str) -> Result<Self, MpdError> {
        let options = roxmltree::ParsingOptions {
            allow_dtd: false,
            nodes_limit: MAX_NODES,
            ..Default::default()
        };
        let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| {
            let pos = e.pos();
            MpdError::Xml {
                row: pos.row,
                col: pos.col,
            }
        })?;
        let root = doc.root_element();
        if root.tag_name().name() != "MPD" {
            return Err(MpdError::NotMpd);
        }
        let el = El::new(root, "MPD");
        let kind = match el.str("type") {
            None | Some("static") => MpdType::Static,
            Some("dynamic") => MpdType::Dynamic,
            Some(_) => {
                return Err(MpdError::BadValue {
                    element: "MPD",
                    attribute: "type",
                })
            }
        };
        let availability_start_time = el.date_time("availabilityStartTime")?;
        let time_shift_buffer_depth = el.duration("timeShiftBufferDepth")?;
        let live = match kind {
            MpdType::Static => None,
            MpdType::Dynamic => Some(Live {
                availability_start_time: el
                    .required("availabilityStartTime", Ok(availability_start_time))?,
                time_shift_buffer_depth,
            }),
        };
        let media_presentation_duration = el.duration("mediaPresentationDuration")?;
        let mpd_url = Rc::from(url.trim());
        let base = base_url(&mpd_url, &el)?;

        let mut times = Vec::new();
        for p in el.children("Period") {
            push(&mut times, PeriodTimes::parse(&p)?)?;
        }
        if times.is_empty() {
            return Err(MpdError::NoPeriod);
        }
        let derived = derive(&times, media_presentation_duration)?;
        let mut periods = Vec::new();
        for (p, (start, duration)) in el.children("Period").zip(derived) {
            push(
                &mut periods,
                Period::parse(&p, &base, start, duration, live)?,
            )?;
        }

        let mut locations = Vec::new();
        for l in el.children("Location") {
            push(
                &mut locations,
                owned(&crate::url::resolve(&mpd_url, l.text()))?,
            )?;
        }
        Ok(Self {
            kind,
            id: el.string("id")?,
            profiles: el.string("profiles")?,
            media_presentation_duration,
            min_buffer_time: el.duration("minBufferTime")?,
            availability_start_time,
            availability_end_time: el.date_time("availabilityEndTime")?,
            publish_time: el.date_time("publishTime")?,
            time_shift_buffer_depth,
            suggested_presentation_delay: el.duration("suggestedPresentationDelay")?,
            minimum_update_period: el.duration("minimumUpdatePeriod")?,
            max_segment_duration: el.duration("maxSegmentDuration")?,
            base_url: base,
            locations,
            utc_timings: Descriptor::all(&el, "UTCTiming")?,
            periods,
        })
    }

    /// Every Representation with its Period and AdaptationSet, in document order.
    pub fn representations(
        &self,
    ) -> impl Iterator<Item = (&Period, &super::AdaptationSet, &super::Representation)> {
        self.periods.iter().flat_map(|p| {
            p.adaptation_sets
                .iter()
                .flat_map(move |a| a.representations.iter().map(move |r| (p, a, r)))
        })
    }
}
