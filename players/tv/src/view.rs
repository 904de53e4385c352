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
        use wasp_engine::vtt::{Align as VttAlign, Line};
        let cues = engine
            .active_cues()
            .map(|c| {
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
            })
            .collect();
        View {
            state: engine.state(),
            reason: engine.reason(),
            position_us: engine.position_us(),
            duration_us: engine.duration_us(),
            buffered_us: engine.buffered_us(),
            live: engine.is_live(),
            live_latency_us: engine.live_latency_us(),
            audio: engine
                .audio_options()
                .iter()
                .map(|a| (a.name.clone(), a.language.clone()))
                .collect(),
            audio_choice: engine.audio_choice(),
            subtitles: engine
                .subtitle_options()
                .iter()
                .map(|s| (s.name.clone(), s.language.clone()))
                .collect(),
            subtitle_choice: engine.subtitle().map(String::from),
            variants: engine
                .variants()
                .into_iter()
                .filter(|v| v.3)
                .map(|(b, w, h, _)| (b, w, h))
                .collect(),
            quality_cap: engine.abr().cap(),
            cues,
        }
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
