//! The polled event queue (`event_poll`): keys, embedder commands, fetch and decoder
//! progress, device events.
//!
//! Each event is one TLV record: `u16 kind` ([`EventKind`]), `u16 length`, payload. A
//! module skips kinds it does not know, so new kinds can be added in a minor version.

use crate::key::{Key, KeyAction};
use crate::wire::{put_record, wire_enum, wire_struct, Record, RECORD_HEADER};
use crate::Status;

wire_enum! {
    /// The kind of an event (its TLV type).
    pub enum EventKind {
        /// Never sent.
        None = 0,
        /// [`KeyEvent`].
        Key = 1,
        /// [`CommandEvent`] followed by its UTF-8 argument.
        Command = 2,
        /// [`FetchEvent`].
        Fetch = 3,
        /// [`DecoderEvent`].
        Decoder = 4,
        /// [`DeviceEvent`].
        Device = 5,
    }
}

wire_struct! {
    /// A remote-control key.
    pub struct KeyEvent {
        /// Port time of the key, monotonic microseconds.
        pub time_us: i64,
        /// The key.
        pub key: Key,
        /// Down, up or repeat.
        pub action: KeyAction,
    }
}

wire_enum! {
    /// A command from the embedder (`wasp.h`), forwarded to the module.
    pub enum Command {
        /// Load the URL in the argument, start at `position_us`.
        Load = 0,
        /// Play.
        Play = 1,
        /// Pause.
        Pause = 2,
        /// Seek to `position_us`.
        Seek = 3,
        /// Seek by `position_us` (signed) from the current position.
        SeekRelative = 4,
        /// Stop and unload.
        Stop = 5,
        /// Select the audio track named by the argument (language or id).
        SelectAudio = 6,
        /// Select the subtitle track named by the argument; empty = off.
        SelectSubtitle = 7,
        /// Cap quality at `position_us` bits per second; 0 = automatic.
        SetQuality = 8,
    }
}

wire_struct! {
    /// An embedder command; its UTF-8 argument follows the struct in the payload.
    pub struct CommandEvent {
        /// Position, offset or value, as the command says.
        pub position_us: i64,
        /// The command.
        pub command: Command,
        /// Reserved, zero.
        pub flags: u32,
    }
}

wire_struct! {
    /// A fetch changed state or received bytes.
    pub struct FetchEvent {
        /// The fetch handle.
        pub handle: u32,
        /// Its new state ([`crate::fetch::FetchState`] as `u32`).
        pub state: crate::fetch::FetchState,
    }
}

wire_enum! {
    /// What happened to a decoder.
    pub enum DecoderEventKind {
        /// Its queue fell below half; submit more.
        QueueLow = 0,
        /// The queue ran empty while playing (underflow).
        Underflow = 1,
        /// The last frame after end-of-stream was presented.
        Drained = 2,
        /// It failed; see `decoder_info`.
        Failed = 3,
        /// The system took it away; reopen.
        Lost = 4,
    }
}

wire_struct! {
    /// A decoder event.
    pub struct DecoderEvent {
        /// The decoder handle.
        pub handle: u32,
        /// What happened.
        pub what: DecoderEventKind,
    }
}

wire_enum! {
    /// A device event.
    pub enum DeviceEventKind {
        /// The device goes to standby; release decoders.
        Suspend = 0,
        /// Back from standby.
        Resume = 1,
        /// The output mode (resolution, refresh) changed; re-query `caps_display`.
        OutputChanged = 2,
        /// Memory is short; drop caches and back buffer.
        LowMemory = 3,
        /// Volume changed; `value` is the new volume in thousandths.
        Volume = 4,
        /// The network went down.
        NetworkDown = 5,
        /// The network is back.
        NetworkUp = 6,
    }
}

wire_struct! {
    /// A device event.
    pub struct DeviceEvent {
        /// A value, as the kind says.
        pub value: i64,
        /// What happened.
        pub what: DeviceEventKind,
        /// Reserved, zero.
        pub reserved: u32,
    }
}

/// Largest command argument (a URL or a language tag).
pub const MAX_ARGUMENT: usize = 2048;
/// Largest event record on the wire.
pub const MAX_EVENT: usize = RECORD_HEADER + CommandEvent::SIZE + MAX_ARGUMENT;

/// One event, decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// A key.
    Key(KeyEvent),
    /// An embedder command and its argument.
    Command(CommandEvent, &'a str),
    /// Fetch progress.
    Fetch(FetchEvent),
    /// A decoder event.
    Decoder(DecoderEvent),
    /// A device event.
    Device(DeviceEvent),
}

impl<'a> Event<'a> {
    /// The TLV kind.
    pub const fn kind(&self) -> EventKind {
        match self {
            Event::Key(_) => EventKind::Key,
            Event::Command(..) => EventKind::Command,
            Event::Fetch(_) => EventKind::Fetch,
            Event::Decoder(_) => EventKind::Decoder,
            Event::Device(_) => EventKind::Device,
        }
    }

    /// Encodes as one record into `out`; returns its length, or `None` when `out` is
    /// too small or the argument exceeds [`MAX_ARGUMENT`].
    pub fn encode(&self, out: &mut [u8]) -> Option<usize> {
        let mut payload = [0u8; CommandEvent::SIZE + MAX_ARGUMENT];
        let len = match self {
            Event::Key(e) => e.encode(&mut payload),
            Event::Command(e, arg) => {
                let n = e.encode(&mut payload);
                let dst = payload.get_mut(n..n.checked_add(arg.len())?)?;
                dst.copy_from_slice(arg.as_bytes());
                n + arg.len()
            }
            Event::Fetch(e) => e.encode(&mut payload),
            Event::Decoder(e) => e.encode(&mut payload),
            Event::Device(e) => e.encode(&mut payload),
        };
        let mut pos = 0;
        let ok = put_record(
            out,
            &mut pos,
            self.kind().as_u32() as u16,
            payload.get(..len)?,
        );
        ok.then_some(pos)
    }

    /// Decodes a record; `Ok(None)` for a kind this version does not know.
    ///
    /// # Errors
    /// [`Status::InvalidArgument`] for a short payload, unknown enum value or an
    /// argument that is not UTF-8.
    pub fn decode(record: Record<'a>) -> Result<Option<Self>, Status> {
        let p = record.payload;
        let need = |size: usize| {
            if p.len() >= size {
                Ok(())
            } else {
                Err(Status::InvalidArgument)
            }
        };
        let kind = match EventKind::from_u32(u32::from(record.kind)) {
            Some(k) => k,
            None => return Ok(None),
        };
        Ok(Some(match kind {
            EventKind::None => return Ok(None),
            EventKind::Key => {
                need(KeyEvent::SIZE)?;
                Event::Key(KeyEvent::decode(p)?)
            }
            EventKind::Command => {
                let (head, arg) = p
                    .split_at_checked(CommandEvent::SIZE)
                    .ok_or(Status::InvalidArgument)?;
                let arg = core::str::from_utf8(arg).map_err(|_| Status::InvalidArgument)?;
                Event::Command(CommandEvent::decode(head)?, arg)
            }
            EventKind::Fetch => {
                need(FetchEvent::SIZE)?;
                Event::Fetch(FetchEvent::decode(p)?)
            }
            EventKind::Decoder => {
                need(DecoderEvent::SIZE)?;
                Event::Decoder(DecoderEvent::decode(p)?)
            }
            EventKind::Device => {
                need(DeviceEvent::SIZE)?;
                Event::Device(DeviceEvent::decode(p)?)
            }
        }))
    }
}
