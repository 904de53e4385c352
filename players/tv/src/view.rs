//! What the UI shows, read off the engine once per tick: the UI draws from this
//! snapshot only, so it can be built by hand in tests.

use alloc::string::String;
use alloc::vec::Vec;

use wasp_engine::player::Player as Engine;
use wasp_guest::abi::player::{PlayerState, StateReason};

/// A subtitle cue on screen now, with its WebVTT placement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CueView {
    /// The text without markup, lines joined by `\n`.
    pub text: String,
    /// `line:` as a percentage of the video height (thousandths), `None` for `auto`.
    pub line_percent: Option<i64>,
    /// `line:` as a line number (negative: from the bottom), `None` when not given.
    pub line_number: Option<i64>,
    /// `position:` as a percentage of the video width (thousandths), `None` for `auto`.
    pub position_percent: Option<i64>,
    /// `size:` as a percentage of the video width (thousandths).
    pub size_percent: i64,
    /// Text alignment inside the cue box.
    pub align: Align,
}

/// Horizontal alignment of subtitle text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Align {
    /// Left edge.
    Left,
    /// Centred (WebVTT's default).
    #[default]
    Center,
    /// Right edge.
    Right,
}

/// A snapshot of the player for drawing and for key handling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    /// The player's state.
    pub state: PlayerState,
    /// Why it is in that state.
    pub reason: StateReason,
    /// Playback position, µs.
    pub position_us: i64,
    /// Presentation length, µs (0: live or unknown).
    pub duration_us: i64,
    /// Buffered ahead of the position, µs.
    pub buffered_us: i64,
    /// Live presentation.
    pub live: bool,
    /// Live: distance behind the live edge, µs.
    pub live_latency_us: Option<i64>,
    /// Audio renditions on offer: (name, language).
    pub audio: Vec<(String, String)>,
    /// The chosen audio rendition (index into `audio`).
    pub audio_choice: Option<usize>,
    /// Subtitle renditions on offer: (name, language).
    pub subtitles: Vec<(String, String)>,
    /// The chosen subtitle rendition (its name or language as chosen).
    pub subtitle_choice: Option<String>,
    /// The playable variants: (bandwidth bits/s, width, height).
    pub variants: Vec<(u32, u32, u32)>,
    /// The manual quality cap, bits/s (`None`: automatic).
    pub quality_cap: Option<u32>,
    /// The cues on screen now.
    pub cues: Vec<CueView>,
}

impl View {
    /// Nothing loaded.
    pub fn idle() -> Self {
        View {
            state: PlayerState::Idle,
            reason: StateReason::None,
            position_us: 0,
            duration_us: 0,
            buffered_us: 0,
            live: false,
            live_latency_us: None,
            audio: Vec::new(),
            audio_choice: None,
            subtitles: Vec::new(),
            subtitle_choice: None,
            variants: Vec::new(),
            quality_cap: None,
            cues: Vec::new(),
        }
    }

    /// Reads the engine.
    pub fn of(engine: &Engine) -> Self {
        let mut view = View::idle();
        view.refresh(engine);
        view
    }

    /// Reads the engine into this snapshot, every tick: the lists keep their
    /// allocations, and renditions are copied only when the engine's differ, so a
    /// steady tick allocates nothing (cue text aside, while cues are on screen).
    pub fn refresh(&mut self, engine: &Engine) {
        use wasp_engine::vtt::{Align as VttAlign, Line};
        self.state = engine.state();
        self.reason = engine.reason();
        self.position_us = engine.position_us();
        self.duration_us = engine.duration_us();
        self.buffered_us = engine.buffered_us();
        self.live = engine.is_live();
        self.live_latency_us = engine.live_latency_us();
        let audio = engine.audio_options();
        sync_pairs(
            &mut self.audio,
            audio.iter().map(|a| (a.name.as_str(), a.language.as_str())),
        );
        self.audio_choice = engine.audio_choice();
        let subtitles = engine.subtitle_options();
        sync_pairs(
            &mut self.subtitles,
            subtitles
                .iter()
                .map(|s| (s.name.as_str(), s.language.as_str())),
        );
        if self.subtitle_choice.as_deref() != engine.subtitle() {
            self.subtitle_choice = engine.subtitle().map(String::from);
        }
        self.variants.clear();
        self.variants.extend(
            engine
                .variants()
                .filter(|v| v.3)
                .map(|(b, w, h, _)| (b, w, h)),
        );
        self.quality_cap = engine.abr().cap();
        self.cues.clear();
        self.cues.extend(engine.active_cues().map(|c| {
            let s = &c.settings;
            let (line_percent, line_number) = match s.line {
                Line::Auto => (None, None),
                Line::Lines(n) => (None, Some(n.thousandths() / 1000)),
                Line::Percent(p) => (Some(p.thousandths()), None),
            };
            CueView {
                text: c.plain_text(),
                line_percent,
                line_number,
                position_percent: s.position.map(|p| p.thousandths()),
                size_percent: s.size.thousandths(),
                align: match s.align {
                    VttAlign::Start | VttAlign::Left => Align::Left,
                    VttAlign::End | VttAlign::Right => Align::Right,
                    VttAlign::Center => Align::Center,
                },
            }
        }));
    }

    /// Whether media is on its way or playing (not idle, ended or failed).
    pub fn is_active(&self) -> bool {
        !matches!(
            self.state,
            PlayerState::Idle | PlayerState::Ended | PlayerState::Error
        )
    }

    /// Waiting for media (the spinner shows).
    pub fn is_waiting(&self) -> bool {
        matches!(
            self.state,
            PlayerState::Loading | PlayerState::Buffering | PlayerState::Seeking
        )
    }
}

/// Makes `dst` hold `src`'s (name, language) pairs, copying only when they differ.
fn sync_pairs<'a, I>(dst: &mut Vec<(String, String)>, src: I)
where
    I: Iterator<Item = (&'a str, &'a str)> + Clone,
{
    let same = dst.len() == src.clone().count()
        && dst
            .iter()
            .zip(src.clone())
            .all(|(d, (name, language))| d.0 == name && d.1 == language);
    if !same {
        dst.clear();
        dst.extend(src.map(|(name, language)| (String::from(name), String::from(language))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_renditions_keep_their_allocation_and_changed_ones_are_copied() {
        let mut pairs = Vec::new();
        let offer = [("English", "en"), ("Deutsch", "de")];
        sync_pairs(&mut pairs, offer.iter().copied());
        assert_eq!(
            pairs,
            [
                (String::from("English"), String::from("en")),
                (String::from("Deutsch"), String::from("de"))
            ]
        );
        let (list, name) = (pairs.as_ptr(), pairs[0].0.as_ptr());
        sync_pairs(&mut pairs, offer.iter().copied());
        assert_eq!(pairs.as_ptr(), list, "the list was rebuilt");
        assert_eq!(pairs[0].0.as_ptr(), name, "a name was copied again");

        sync_pairs(
            &mut pairs,
            [("English", "en"), ("Français", "fr")].into_iter(),
        );
        assert_eq!(pairs[1], (String::from("Français"), String::from("fr")));
        sync_pairs(&mut pairs, [("English", "en")].into_iter());
        assert_eq!(pairs.len(), 1);
        sync_pairs(&mut pairs, core::iter::empty());
        assert!(pairs.is_empty());
    }
}
