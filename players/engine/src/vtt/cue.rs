//! Cues, and which of them are on screen at a given time.

use alloc::string::String;
use alloc::vec::Vec;

use super::settings::CueSettings;
use super::text::{parse_cue_text, plain_text, Node};
use crate::time::Micros;

/// One cue: when it shows, where, and what it says.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cue {
    /// The identifier line before the timings (empty when none).
    pub id: String,
    /// Start time on the file's timeline (`start <= end` always holds).
    pub start: Micros,
    /// End time, exclusive: the cue is cleared exactly at it.
    pub end: Micros,
    /// The cue settings.
    pub settings: CueSettings,
    /// The cue text as written, lines joined with `\n` (possibly empty).
    pub text: String,
    /// The cue text parsed into nodes.
    pub nodes: Vec<Node>,
}

impl Cue {
    /// A cue from its parts; the text is parsed into [`nodes`](Self::nodes). `None`
    /// when `end < start`.
    pub fn new(
        id: String,
        start: Micros,
        end: Micros,
        settings: CueSettings,
        text: String,
    ) -> Option<Self> {
        if end < start {
            return None;
        }
        let nodes = parse_cue_text(&text);
        Some(Self {
            id,
            start,
            end,
            settings,
            text,
            nodes,
        })
    }

    /// Whether the cue is on screen at `t`: `start <= t < end`.
    pub fn is_active_at(&self, t: Micros) -> bool {
        self.start <= t && t < self.end
    }

    /// The text without markup.
    pub fn plain_text(&self) -> String {
        plain_text(&self.nodes)
    }
}

/// The cues of `cues` on screen at `t` (each [`Cue::is_active_at`]), in list order,
/// which is the order the renderer stacks them in.
pub fn active_cues(cues: &[Cue], t: Micros) -> impl Iterator<Item = &Cue> {
    cues.iter().filter(move |cue| cue.is_active_at(t))
}
