//! The host state a module's imports act on: the port, handle tables, the media store,
//! the event queue and the log ring. One `Host` lives in each wasmi `Store`; when the
//! module stops, [`Host::release_all`] closes everything it held.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;
use wasmi::{Caller, Memory, ResourceLimiter};
// wasmi names the limiter's error type only through wasmi_core.
use wasmi_core::LimiterError;
use wasp_abi::event::{DecoderEvent, FetchEvent};
use wasp_abi::handle::Kind;
use wasp_abi::media::TrackKind;
use wasp_abi::player::{LogLevel, PlayerState, QoeReport, StateReason};
use wasp_abi::Status;

use crate::draw::ImageEntry;
use crate::guest::GuestMemory;
use crate::handles::HandleTable;
use crate::limits::Limits;
use crate::media_store::MediaStore;
use crate::port::{HostEvent, Port, PortId};

/// An open decoder.
pub struct DecoderEntry {
    /// The port's id.
    pub id: PortId,
    /// Video or audio.
    pub kind: TrackKind,
}

/// Enforces the guest memory cap and remembers a refused growth.
pub struct GuestLimiter {
    cap: usize,
    /// `(requested, cap)` of the last refused growth.
    pub refused: Option<(usize, usize)>,
}

impl ResourceLimiter for GuestLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        if desired > self.cap {
            // `memory.grow` returns -1 to the guest; the runtime then stops the module
            // with `FaultKind::MemoryLimit` at the end of the call: a Rust guest cannot
            // recover from allocation failure anyway, and a silent -1 hides the cause.
            self.refused = Some((desired, self.cap));
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        Ok(desired <= 10_000)
    }

    fn instances(&self) -> usize {
        1
    }

    fn tables(&self) -> usize {
        1
    }

    fn memories(&self) -> usize {
        1
    }
}

/// The last log lines of a module.
pub struct LogRing {
    lines: VecDeque<String>,
    keep: usize,
}

impl LogRing {
    fn new(keep: usize) -> Self {
        Self {
            lines: VecDeque::with_capacity(keep),
            keep,
        }
    }

    fn push(&mut self, line: &str) {
        if self.keep == 0 {
            return;
        }
        // Reuse the evicted line's buffer: logging is on the hot path of every module.
        let mut kept = if self.lines.len() == self.keep {
            self.lines.pop_front().unwrap_or_default()
        } else {
            String::new()
        };
        kept.clear();
        kept.push_str(line);
        self.lines.push_back(kept);
    }

    /// The kept lines, oldest first.
    pub fn to_vec(&self) -> Vec<String> {
        self.lines.iter().cloned().collect()
    }
}

/// What a module's imports act on.
pub struct Host<P: Port> {
    /// The device.
    pub port: P,
    pub(crate) limits: Limits,
    pub(crate) memory: Option<Memory>,
    pub(crate) limiter: GuestLimiter,
    pub(crate) fetches: HandleTable<PortId>,
    pub(crate) decoders: HandleTable<DecoderEntry>,
    pub(crate) images: HandleTable<ImageEntry>,
    pub(crate) image_bytes: usize,
    pub(crate) store: MediaStore,
    pub(crate) events: VecDeque<HostEvent>,
    pub(crate) logs: LogRing,
    pub(crate) config: Vec<u8>,
    pub(crate) draw_list: Vec<u8>,
    pub(crate) state: (PlayerState, StateReason),
    pub(crate) qoe: Option<QoeReport>,
    pub(crate) host_calls: u64,
}

impl<P: Port> Host<P> {
    pub(crate) fn new(port: P, limits: Limits, config: Vec<u8>) -> Self {
        Self {
            port,
            limiter: GuestLimiter {
                cap: limits.guest_memory_bytes,
                refused: None,
            },
            fetches: HandleTable::new(Kind::Fetch, limits.max_fetches),
            decoders: HandleTable::new(Kind::Decoder, limits.max_decoders),
            images: HandleTable::new(Kind::Image, limits.max_images),
            image_bytes: 0,
            store: MediaStore::new(limits.media_store_bytes, limits.max_store_objects),
            events: VecDeque::new(),
            logs: LogRing::new(limits.log_lines_kept),
            config,
            draw_list: Vec::new(),
            state: (PlayerState::Idle, StateReason::None),
            qoe: None,
            host_calls: 0,
            memory: None,
            limits,
        }
    }

    /// Logs a runtime line to the port (not kept in the module's ring).
    pub(crate) fn runtime_log(&mut self, level: LogLevel, line: &str) {
        self.port.log(level, line);
    }

    /// Logs a module line: to the port and the ring.
    pub(crate) fn module_log(&mut self, level: LogLevel, line: &str) {
        self.logs.push(line);
        self.port.log(level, line);
    }

    /// Closes every object the module held, in the port and here. Called when a
    /// module stops, faults or restarts.
    pub(crate) fn release_all(&mut self) {
        for id in self.fetches.drain() {
            self.port.fetch_close(id);
        }
        for d in self.decoders.drain() {
            self.port.decoder_close(d.id);
        }
        for i in self.images.drain() {
            self.port.image_free(i.id);
        }
        self.image_bytes = 0;
        self.store.clear();
        // Keys, commands and device events are for whichever instance runs next (a
        // `Load` queued before the module started must reach it); fetch and decoder
        // events name handles that no longer exist.
        self.events
            .retain(|e| !matches!(e, HostEvent::Fetch(_) | HostEvent::Decoder(_)));
        self.draw_list = Vec::new();
        self.memory = None;
        self.limiter.refused = None;
        self.state = (PlayerState::Idle, StateReason::None);
        self.qoe = None;
    }

    /// Moves up to the room left of the port's events into the module's queue,
    /// translating port ids into guest handles (events of closed objects are dropped).
    pub(crate) fn pump_events(&mut self) {
        while self.events.len() < self.limits.event_queue {
            let Some(event) = self.port.poll_event() else {
                break;
            };
            let event = match event {
                HostEvent::Fetch(e) => match self.fetches.find(|id| *id == e.handle) {
                    Some(handle) => HostEvent::Fetch(FetchEvent { handle, ..e }),
                    None => continue,
                },
                HostEvent::Decoder(e) => match self.decoders.find(|d| d.id == e.handle) {
                    Some(handle) => HostEvent::Decoder(DecoderEvent { handle, ..e }),
                    None => continue,
                },
                other => other,
            };
            self.events.push_back(event);
        }
    }

    /// Queues an embedder event.
    ///
    /// # Errors
    /// `WouldBlock` when the queue is full.
    pub(crate) fn push_event(&mut self, event: HostEvent) -> Result<(), Status> {
        if self.events.len() >= self.limits.event_queue {
            return Err(Status::WouldBlock);
        }
        self.events.push_back(event);
        Ok(())
    }
}

/// Runs one host call with guest memory and host state borrowed together, mapping a
/// `Status` error to its `i32` code. Every import goes through here: nothing a guest
/// passes can make it panic.
pub(crate) fn call<P: Port + 'static>(
    caller: &mut Caller<'_, Host<P>>,
    f: impl FnOnce(&mut GuestMemory<'_>, &mut Host<P>) -> Result<i32, Status>,
) -> i32 {
    let Some(memory) = caller.data().memory else {
        return Status::InvalidState.code();
    };
    let (bytes, host) = memory.data_and_store_mut(caller);
    host.host_calls += 1;
    match f(&mut GuestMemory::new(bytes), host) {
        Ok(v) => v,
        Err(s) => s.code(),
    }
}
