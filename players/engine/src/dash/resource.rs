//! Where a Representation's resources are: its initialization segment, its segment
//! index, and the entry points to its segments ([`Representation::segments`],
//! [`Representation::available_segments`]).

use alloc::string::String;

use super::addressing::{Addressing, UrlRange};
use super::representation::Representation;
use super::segments::Segments;
use super::template::TemplateValues;
use crate::media::ByteRange;
use crate::url::resolve;

/// A resolved URL with an optional byte range (an initialization segment, an index).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// The resolved URL.
    pub url: String,
    /// The byte range to request, if only part of the resource.
    pub range: Option<ByteRange>,
}

impl Representation {
    /// The timescale of its segment times.
    pub fn timescale(&self) -> u32 {
        self.addressing.base().timescale
    }

    /// Its initialization segment, if it has one (§5.3.9.2 `Initialization`,
    /// §5.3.9.4.2 `@initialization`).
    pub fn initialization(&self) -> Option<Resource> {
        if let Addressing::Template(t) = &self.addressing {
            if let Some(template) = &t.initialization {
                let url = template.expand(&self.values(t.sequence.start_number, 0));
                return Some(self.resource(Some(&url), None));
            }
        }
        let init = self.addressing.base().initialization.as_deref()?;
        Some(self.url_range(init))
    }

    /// Where its segment index is (`SegmentBase@indexRange` or `RepresentationIndex`,
    /// §5.3.9.2): the `sidx` to fetch to list the segments of a single resource.
    pub fn index(&self) -> Option<Resource> {
        let base = self.addressing.base();
        if let Some(index) = base.representation_index.as_deref() {
            return Some(self.url_range(index));
        }
        base.index_range
            .map(|range| self.resource(None, Some(range)))
    }

    /// Every segment the MPD describes, in order. For a dynamic MPD this ignores
    /// availability (see [`Representation::available_segments`]); an open-ended
    /// `@duration` sequence then only ends with `i64` time, so take what you need.
    pub fn segments(&self) -> Segments<'_> {
        Segments::new(self, None)
    }

    /// The segments available at `now_ms` (wall clock, milliseconds since the Unix
    /// epoch). §5.3.9.5.3: a segment is available from AST + Period start + its end −
    /// `@availabilityTimeOffset`, until that time + its duration +
    /// `@timeShiftBufferDepth`. For a static MPD, every segment.
    pub fn available_segments(&self, now_ms: i64) -> Segments<'_> {
        Segments::new(self, Some(now_ms))
    }

    pub(crate) fn values(&self, number: u64, time: u64) -> TemplateValues<'_> {
        TemplateValues {
            representation_id: &self.id,
            number,
            time,
            bandwidth: self.bandwidth,
            sub_number: 0,
        }
    }

    fn resource(&self, reference: Option<&str>, range: Option<ByteRange>) -> Resource {
        let url = match reference {
            Some(r) => resolve(&self.base_url, r),
            None => String::from(&*self.base_url),
        };
        Resource { url, range }
    }

    fn url_range(&self, u: &UrlRange) -> Resource {
        self.resource(u.source_url.as_deref(), u.range)
    }
}
