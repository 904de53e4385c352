//! DASH media presentation descriptions (ISO/IEC 23009-1, 4th/5th edition).
//!
//! [`Mpd::parse`] reads an MPD (with `roxmltree`; no DTD, a node limit) into plain
//! values, checking everything once: durations (`xs:duration` to exact microseconds),
//! date-times (to milliseconds since the Unix epoch), templates, ranges. After that
//! nothing can fail:
//!
//! * the tree: [`Mpd`] → [`Period`] (starts derived per §5.3.2.1) → [`AdaptationSet`]
//!   → [`Representation`], each Representation carrying what it inherits (common
//!   attributes §5.3.7, segment addressing §5.3.9.1, the BaseURL resolved through
//!   every level §5.6);
//! * the segments: [`Representation::segments`] (all) and
//!   [`Representation::available_segments`] (live, at a wall-clock time) give the same
//!   [`Segment`] whatever the addressing (`SegmentBase`, `SegmentList`,
//!   `SegmentTemplate` with `@duration` or `SegmentTimeline`), lazily;
//!   [`Representation::initialization`] and [`Representation::index`] give the
//!   initialization segment and the `sidx` location.
//!
//! ```
//! use wasp_engine::dash::Mpd;
//!
//! let mpd = Mpd::parse(
//!     r#"<MPD type="static" mediaPresentationDuration="PT6S"><Period><AdaptationSet>
//!          <SegmentTemplate timescale="1000" duration="2000" media="$RepresentationID$/$Number%03d$.m4s"
//!                           initialization="$RepresentationID$/init.mp4"/>
//!          <Representation id="720p" bandwidth="3000000"/>
//!        </AdaptationSet></Period></MPD>"#,
//!     "https://cdn.example/show/manifest.mpd",
//! )?;
//! let (_, _, rep) = mpd.representations().next().unwrap();
//! assert_eq!(rep.initialization().unwrap().url, "https://cdn.example/show/720p/init.mp4");
//! let urls: Vec<_> = rep.segments().map(|s| s.url).collect();
//! assert_eq!(urls[2], "https://cdn.example/show/720p/003.m4s");
//! # Ok::<(), wasp_engine::dash::MpdError>(())
//! ```
//!
//! Unknown elements and attributes are ignored. Inherited values are shared (`Rc`),
//! so memory stays proportional to the MPD's size.

mod addressing;
mod attr;
mod datetime;
mod descriptor;
mod duration;
mod error;
mod index;
mod mpd;
mod period;
mod representation;
mod resource;
mod segments;
mod slots;
mod template;
mod timeline;

pub use addressing::{
    Addressing, SegmentBase, SegmentList, SegmentTemplate, SegmentUrl, Sequence, UrlRange,
};
pub use datetime::parse_date_time;
pub use descriptor::{ContentProtection, Descriptor, FrameRate, Ratio};
pub use duration::{parse_duration, parse_seconds};
pub use error::MpdError;
pub use mpd::{Mpd, MpdType};
pub use period::Period;
pub use representation::{AdaptationSet, Common, Representation};
pub use resource::Resource;
pub use segments::{Live, Segment, Segments, Timing};
pub use template::{Template, TemplateError, TemplateValues};
pub use timeline::TimelineEntry;
