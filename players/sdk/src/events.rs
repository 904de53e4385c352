//! The polled event queue (`event_poll`): keys, embedder commands, fetch and decoder
//! progress, device events.
//!
//! Drain it every tick:
//!
//! ```no_run
//! # fn tick() -> Result<(), wasp_abi::Status> {
//! while let Some(event) = wasp_guest::events::poll()? {
//!     // handle event
//! #   let _ = event;
//! }
//! # Ok(()) }
//! ```
#![allow(unsafe_code)] // FFI edge: calls the `event_poll` import.

use alloc::string::String;
use wasp_abi::event::{self, CommandEvent, DecoderEvent, DeviceEvent, FetchEvent, KeyEvent};
use wasp_abi::wire::Records;
use wasp_abi::Status;

use crate::{sys, util};

/// One event, owning its data (a command's argument is copied out of the poll buffer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A remote-control key.
    Key(KeyEvent),
    /// An embedder command and its UTF-8 argument (a URL, a language; may be empty).
    Command(CommandEvent, String),
    /// A fetch changed state or received bytes.
    Fetch(FetchEvent),
    /// A decoder event.
    Decoder(DecoderEvent),
    /// A device event.
    Device(DeviceEvent),
}

impl Event {
    /// An owned copy of a decoded wire event.
    ///
    /// # Errors
    /// [`Status::BudgetExceeded`] when the argument cannot be allocated.
    pub fn from_wire(event: event::Event<'_>) -> Result<Self, Status> {
        Ok(match event {
            event::Event::Key(e) => Event::Key(e),
            event::Event::Command(e, argument) => {
                let mut owned = String::new();
                owned
                    .try_reserve_exact(argument.len())
                    .map_err(|_| Status::BudgetExceeded)?;
                owned.push_str(argument);
                Event::Command(e, owned)
            }
            event::Event::Fetch(e) => Event::Fetch(e),
            event::Event::Decoder(e) => Event::Decoder(e),
            event::Event::Device(e) => Event::Device(e),
        })
    }

    /// The wire kind.
    pub const fn kind(&self) -> event::EventKind {
        match self {
            Event::Key(_) => event::EventKind::Key,
            Event::Command(..) => event::EventKind::Command,
            Event::Fetch(_) => event::EventKind::Fetch,
            Event::Decoder(_) => event::EventKind::Decoder,
            Event::Device(_) => event::EventKind::Device,
        }
    }
}

/// The next event, or `None` when the queue is empty. Event kinds this ABI version does
/// not know are consumed and skipped.
///
/// # Errors
/// The import's status; [`Status::InvalidArgument`] for a malformed event (it is
/// consumed, so the next poll goes on); [`Status::Internal`] if the host offers an
/// event larger than [`event::MAX_EVENT`] (it stays queued).
pub fn poll() -> Result<Option<Event>, Status> {
    let mut buf = [0u8; event::MAX_EVENT];
    loop {
        // SAFETY: `buf` is exclusively borrowed and `buf.len()` bytes long.
        let ret = unsafe { sys::event_poll(util::addr_mut(&mut buf), util::len(buf.len())) };
        let size = Status::check(ret)? as usize;
        if size == 0 {
            return Ok(None);
        }
        let record = buf.get(..size).ok_or(Status::Internal)?;
        let record = Records::new(record)
            .next()
            .ok_or(Status::InvalidArgument)??;
        if let Some(event) = event::Event::decode(record)? {
            return Event::from_wire(event).map(Some);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasp_abi::event::Command;

    #[test]
    fn commands_copy_their_argument() {
        let wire = event::Event::Command(
            CommandEvent {
                position_us: 5,
                command: Command::Load,
                flags: 0,
            },
            "http://x/a.m3u8",
        );
        let owned = Event::from_wire(wire).unwrap();
        assert_eq!(owned.kind(), event::EventKind::Command);
        match owned {
            Event::Command(e, url) => {
                assert_eq!(e.command, Command::Load);
                assert_eq!(url, "http://x/a.m3u8");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn polling_natively_reports_unsupported() {
        assert_eq!(poll(), Err(Status::Unsupported));
    }
}
