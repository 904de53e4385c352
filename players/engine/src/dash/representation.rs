//! AdaptationSet (ISO/IEC 23009-1 §5.3.3) and Representation (§5.3.5), with the common
//! attributes and elements (§5.3.7) a Representation inherits from its AdaptationSet.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::addressing::{resolve, Addressing, Level};
use super::attr::{base_url, parse_u64, push, El};
use super::descriptor::{ContentProtection, Descriptor, FrameRate, Ratio};
use super::error::MpdError;
use super::segments::Timing;

/// `CommonAttributesElements` (§5.3.7.2), shared values are `Rc` so that inheriting
/// them costs nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Common {
    /// `@mimeType`, e.g. `video/mp4`.
    pub mime_type: Option<Rc<str>>,
    /// `@codecs` (RFC 6381), e.g. `avc1.64001f`.
    pub codecs: Option<Rc<str>>,
    /// `@width` in pixels.
    pub width: Option<u32>,
    /// `@height` in pixels.
    pub height: Option<u32>,
    /// `@frameRate`.
    pub frame_rate: Option<FrameRate>,
    /// `@sar`.
    pub sar: Option<Ratio>,
    /// `@audioSamplingRate` in Hz (the first value when a range is given).
    pub audio_sampling_rate: Option<u32>,
    /// `@startWithSAP`.
    pub start_with_sap: Option<u32>,
    /// `AudioChannelConfiguration` descriptors.
    pub audio_channel_configuration: Rc<[Descriptor]>,
    /// `ContentProtection` descriptors.
    pub content_protection: Rc<[ContentProtection]>,
    /// `EssentialProperty` descriptors.
    pub essential_properties: Rc<[Descriptor]>,
    /// `SupplementalProperty` descriptors.
    pub supplemental_properties: Rc<[Descriptor]>,
}

impl Common {
    fn parse(el: &El<'_, '_>) -> Result<Self, MpdError> {
        let shared = |a| el.str(a).map(Rc::from);
        Ok(Self {
            mime_type: shared("mimeType"),
            codecs: shared("codecs"),
            width: el.u32("width")?,
            height: el.u32("height")?,
            frame_rate: el.parsed("frameRate", FrameRate::parse)?,
            sar: el.parsed("sar", Ratio::parse)?,
            audio_sampling_rate: el.parsed("audioSamplingRate", |s| {
                let first = s.split_whitespace().next()?;
                u32::try_from(parse_u64(first)?).ok()
            })?,
            start_with_sap: el.u32("startWithSAP")?,
            audio_channel_configuration: Descriptor::all(el, "AudioChannelConfiguration")?.into(),
            content_protection: ContentProtection::all(el)?.into(),
            essential_properties: Descriptor::all(el, "EssentialProperty")?.into(),
            supplemental_properties: Descriptor::all(el, "SupplementalProperty")?.into(),
        })
    }

    /// Fills what this level does not say from `parent` (§5.3.7.1).
    fn inherit(&mut self, parent: &Self) {
        fn list<T>(own: &mut Rc<[T]>, parent: &Rc<[T]>) {
            if own.is_empty() {
                *own = parent.clone();
            }
        }
        self.mime_type = self.mime_type.take().or_else(|| parent.mime_type.clone());
        self.codecs = self.codecs.take().or_else(|| parent.codecs.clone());
        self.width = self.width.or(parent.width);
        self.height = self.height.or(parent.height);
        self.frame_rate = self.frame_rate.or(parent.frame_rate);
        self.sar = self.sar.or(parent.sar);
        self.audio_sampling_rate = self.audio_sampling_rate.or(parent.audio_sampling_rate);
        self.start_with_sap = self.start_with_sap.or(parent.start_with_sap);
        list(
            &mut self.audio_channel_configuration,
            &parent.audio_channel_configuration,
        );
        list(&mut self.content_protection, &parent.content_protection);
        list(&mut self.essential_properties, &parent.essential_properties);
        list(
            &mut self.supplemental_properties,
            &parent.supplemental_properties,
        );
    }
}

/// An `AdaptationSet`: interchangeable encodings of one content component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdaptationSet {
    /// `@id`.
    pub id: Option<String>,
    /// `@contentType`: `video`, `audio`, `text`, `image`.
    pub content_type: Option<String>,
    /// `@lang` (BCP 47).
    pub lang: Option<String>,
    /// `@par`, the picture aspect ratio.
    pub par: Option<Ratio>,
    /// `@segmentAlignment` (`true` or a non-zero number).
    pub segment_alignment: bool,
    /// `@bitstreamSwitching`.
    pub bitstream_switching: bool,
    /// `@minWidth`.
    pub min_width: Option<u32>,
    /// `@minHeight`.
    pub min_height: Option<u32>,
    /// `@maxWidth`.
    pub max_width: Option<u32>,
    /// `@maxHeight`.
    pub max_height: Option<u32>,
    /// `@maxFrameRate`.
    pub max_frame_rate: Option<FrameRate>,
    /// `@minBandwidth` / `@maxBandwidth` in bits per second.
    pub bandwidth_range: (Option<u64>, Option<u64>),
    /// `Role` descriptors (`urn:mpeg:dash:role:2011`: main, alternate, caption...).
    pub roles: Vec<Descriptor>,
    /// `Accessibility` descriptors.
    pub accessibility: Vec<Descriptor>,
    /// The attributes its Representations inherit.
    pub common: Common,
    /// The resolved BaseURL at this level.
    pub base_url: Rc<str>,
    /// The Representations, in document order.
    pub representations: Vec<Representation>,
}

/// A `Representation`: one encoding, with everything it inherits already applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Representation {
    /// `@id` (the `$RepresentationID$` of templates).
    pub id: String,
    /// `@bandwidth` in bits per second.
    pub bandwidth: u64,
    /// `@qualityRanking` (lower is better).
    pub quality_ranking: Option<u32>,
    /// Common attributes, inherited from the AdaptationSet where not given.
    pub common: Common,
    /// The resolved BaseURL (MPD URL → MPD → Period → AdaptationSet → Representation).
    pub base_url: Rc<str>,
    /// How its segments are addressed (inherited per §5.3.9.1).
    pub addressing: Addressing,
    /// Where its Period sits on the timeline, and the live parameters.
    pub timing: Timing,
}

impl AdaptationSet {
    /// Parses an AdaptationSet of a Period whose segment elements are `period_level`.
    pub(crate) fn parse(
        el: &El<'_, '_>,
        parent_url: &Rc<str>,
        period_level: &Level,
        timing: Timing,
    ) -> Result<Self, MpdError> {
        let common = Common::parse(el)?;
        let base = base_url(parent_url, el)?;
        let level = Level::parse(el)?;
        let mut representations = Vec::new();
        for r in el.children("Representation") {
            let mut rep_common = Common::parse(&r)?;
            rep_common.inherit(&common);
            let rep = Representation {
                id: r.required("id", r.string("id"))?,
                bandwidth: r.required("bandwidth", r.u63("bandwidth"))?,
                quality_ranking: r.u32("qualityRanking")?,
                common: rep_common,
                base_url: base_url(&base, &r)?,
                addressing: resolve([period_level, &level, &Level::parse(&r)?]),
                timing,
            };
            push(&mut representations, rep)?;
        }
        let flag = |s: &str| match s {
            "true" => Some(true),
            "false" => Some(false),
            n => parse_u64(n).map(|n| n != 0),
        };
        Ok(Self {
            id: el.string("id")?,
            content_type: el.string("contentType")?,
            lang: el.string("lang")?,
            par: el.parsed("par", Ratio::parse)?,
            segment_alignment: el.parsed("segmentAlignment", flag)?.unwrap_or(false),
            bitstream_switching: el.bool("bitstreamSwitching")?.unwrap_or(false),
            min_width: el.u32("minWidth")?,
            min_height: el.u32("minHeight")?,
            max_width: el.u32("maxWidth")?,
            max_height: el.u32("maxHeight")?,
            max_frame_rate: el.parsed("maxFrameRate", FrameRate::parse)?,
            bandwidth_range: (el.u63("minBandwidth")?, el.u63("maxBandwidth")?),
            roles: Descriptor::all(el, "Role")?,
            accessibility: Descriptor::all(el, "Accessibility")?,
            common,
            base_url: base,
            representations,
        })
    }
}
