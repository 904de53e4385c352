//! What the embedder asks of the player.

use alloc::string::String;

use wasp_abi::event::{Command as WireCommand, CommandEvent};

/// A command, from the embedder (`wasp.h`), a key, or the module's own UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Load a manifest; start at `start_us` on the presentation timeline (`None`: the
    /// start of a VOD, the live edge of a live stream).
    Load {
        /// The manifest URL.
        url: String,
        /// Where to start.
        start_us: Option<i64>,
    },
    /// Play.
    Play,
    /// Pause.
    Pause,
    /// Seek to a position, µs.
    Seek(i64),
    /// Seek by an offset from the current position, µs.
    SeekRelative(i64),
    /// Stop and release everything.
    Stop,
    /// Select the audio rendition by language or name.
    SelectAudio(String),
    /// Select the subtitle rendition by language or name; empty = off.
    SelectSubtitle(String),
    /// Cap the bitrate (bits per second); `None` = automatic.
    SetQuality(Option<u32>),
}

impl Command {
    /// The command an embedder event carries.
    pub fn from_event(event: &CommandEvent, argument: &str) -> Self {
        let position = event.position_us;
        match event.command {
            WireCommand::Load => Command::Load {
                url: argument.into(),
                start_us: (position > 0).then_some(position),
            },
            WireCommand::Play => Command::Play,
            WireCommand::Pause => Command::Pause,
            WireCommand::Seek => Command::Seek(position),
            WireCommand::SeekRelative => Command::SeekRelative(position),
            WireCommand::Stop => Command::Stop,
            WireCommand::SelectAudio => Command::SelectAudio(argument.into()),
            WireCommand::SelectSubtitle => Command::SelectSubtitle(argument.into()),
            WireCommand::SetQuality => {
                Command::SetQuality(u32::try_from(position).ok().filter(|bps| *bps > 0))
            }
        }
    }
}
