//! Periods (ISO/IEC 23009-1 §5.3.2): where each starts and ends on the presentation
//! timeline, derived per §5.3.2.1 when `@start` is absent.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::addressing::Level;
use super::attr::{base_url, push, El};
use super::error::MpdError;
use super::representation::AdaptationSet;
use super::segments::{Live, Timing};
use crate::time::Micros;

/// A `Period`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// `@id`.
    pub id: Option<String>,
    /// The start on the presentation timeline (for a dynamic MPD, relative to
    /// `MPD@availabilityStartTime`).
    pub start: Micros,
    /// The duration, when known: `@duration`, else up to the next Period's start, else
    /// up to the end of the presentation (`MPD@mediaPresentationDuration`).
    pub duration: Option<Micros>,
    /// The resolved BaseURL at this level.
    pub base_url: Rc<str>,
    /// The AdaptationSets, in document order.
    pub adaptation_sets: Vec<AdaptationSet>,
}

/// A Period's own timing attributes, read before the starts are derived.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PeriodTimes {
    pub start: Option<Micros>,
    pub duration: Option<Micros>,
}

impl PeriodTimes {
    pub fn parse(el: &El<'_, '_>) -> Result<Self, MpdError> {
        Ok(Self {
            start: el.duration("start")?,
            duration: el.duration("duration")?,
        })
    }
}

/// §5.3.2.1: `@start` if present; else the previous Period's start plus its
/// duration; else 0 for the first Period (of a static MPD; a dynamic MPD's first
/// Period without a start is taken to start at `availabilityStartTime`). Then each
/// duration is completed from the next start or the presentation's end.
pub(crate) fn derive(
    times: &[PeriodTimes],
    presentation_duration: Option<Micros>,
) -> Result<Vec<(Micros, Option<Micros>)>, MpdError> {
    let mut out: Vec<(Micros, Option<Micros>)> = Vec::new();
    out.try_reserve_exact(times.len())
        .map_err(|_| MpdError::OutOfMemory)?;
    for t in times {
        let start = match (t.start, out.last()) {
            (Some(s), _) => s,
            (None, None) => Micros(0),
            (None, Some((s, Some(d)))) => {
                Micros(s.0.checked_add(d.0).ok_or(MpdError::PeriodStart)?)
            }
            (None, Some((_, None))) => return Err(MpdError::PeriodStart),
        };
        out.push((start, t.duration));
        // The previous Period ends where this one starts, if it did not say.
        let n = out.len();
        if let Some(prev) = n.checked_sub(2).and_then(|i| out.get_mut(i)) {
            if prev.1.is_none() {
                prev.1 = start.0.checked_sub(prev.0 .0).map(Micros);
            }
        }
    }
    if let (Some(last), Some(total)) = (out.last_mut(), presentation_duration) {
        if last.1.is_none() {
            last.1 = total.0.checked_sub(last.0 .0).map(Micros);
        }
    }
    // A negative duration (Periods out of order) is no duration.
    for p in &mut out {
        if p.1.is_some_and(|d| d.0 < 0) {
            p.1 = None;
        }
    }
    Ok(out)
}

impl Period {
    pub(crate) fn parse(
        el: &El<'_, '_>,
        parent_url: &Rc<str>,
        start: Micros,
        duration: Option<Micros>,
        live: Option<Live>,
    ) -> Result<Self, MpdError> {
        let base = base_url(parent_url, el)?;
        let level = Level::parse(el)?;
        let timing = Timing {
            period_start: start,
            period_duration: duration,
            live,
        };
        let mut adaptation_sets = Vec::new();
        for a in el.children("AdaptationSet") {
            push(
                &mut adaptation_sets,
                AdaptationSet::parse(&a, &base, &level, timing)?,
            )?;
        }
        Ok(Self {
            id: el.string("id")?,
            start,
            duration,
            base_url: base,
            adaptation_sets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(start: Option<i64>, duration: Option<i64>) -> PeriodTimes {
        PeriodTimes {
            start: start.map(Micros),
            duration: duration.map(Micros),
        }
    }

    #[test]
    fn starts_follow_durations_and_durations_follow_starts() {
        let got = derive(
            &[t(None, Some(10)), t(None, None), t(Some(25), None)],
            Some(Micros(40)),
        );
        assert_eq!(
            got,
            Ok(alloc::vec![
                (Micros(0), Some(Micros(10))),
                (Micros(10), Some(Micros(15))),
                (Micros(25), Some(Micros(15))),
            ])
        );
    }

    #[test]
    fn a_start_after_an_open_period_cannot_be_derived() {
        assert_eq!(
            derive(&[t(Some(0), None), t(None, None)], None),
            Err(MpdError::PeriodStart)
        );
    }
}
