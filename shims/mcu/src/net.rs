//! The network seam for connected devices: what the port's fetch needs from a TCP/IP
//! stack, so that a board with one (smoltcp over an Ethernet MAC, embassy-net, a Wi-Fi
//! module's TCP offload) can fetch over HTTP(S).
//!
//! Only the seam is here; no stack is implemented in this crate and no board wires one
//! yet (the QEMU boards fetch from semihosting files, [`crate::storage`]). The shape
//! follows smoltcp's sockets: everything is polled, nothing waits, and the caller owns
//! the buffers, so a single-threaded firmware loop drives the network beside the
//! player's tick.
//!
//! * [`Network::resolve`] turns a host name into an address (DNS), polled until ready.
//! * [`Network::connect`] opens a [`TcpSocket`]; `send` and `recv` move what fits now
//!   and say [`NetError::WouldBlock`] when nothing does.
//! * TLS, when a module asks for `https:`, sits on top of the socket (e.g.
//!   `embedded-tls`), outside this seam.

use core::net::SocketAddr;

/// Why a network call did not complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetError {
    /// Not yet: poll again later (the answer, the connection or buffer room is pending).
    WouldBlock,
    /// The name has no address.
    NotFound,
    /// The peer refused or reset the connection, or it timed out.
    Refused,
    /// The peer closed its side: no more bytes will come.
    Closed,
    /// The stack is out of sockets or buffers.
    NoResources,
}

/// One TCP connection, polled.
pub trait TcpSocket {
    /// Connected (the handshake finished) and not closed.
    fn is_connected(&self) -> bool;

    /// Queues as much of `bytes` as the send buffer takes now; returns how many.
    ///
    /// # Errors
    /// [`NetError::WouldBlock`] when it takes none now; [`NetError::Refused`] or
    /// [`NetError::Closed`] when the connection is gone.
    fn send(&mut self, bytes: &[u8]) -> Result<usize, NetError>;

    /// Moves received bytes into `buf`; returns how many (at least 1).
    ///
    /// # Errors
    /// [`NetError::WouldBlock`] when none are waiting; [`NetError::Closed`] once the
    /// peer has closed and everything was read; [`NetError::Refused`] on a reset.
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, NetError>;

    /// Starts closing (FIN); the socket is gone once dropped.
    fn close(&mut self);
}

/// The device's TCP/IP stack as the port uses it.
pub trait Network {
    /// Its sockets.
    type Socket: TcpSocket;

    /// The address of `host` (a name, or a literal address). Polled: call again with
    /// the same name while it says [`NetError::WouldBlock`].
    ///
    /// # Errors
    /// [`NetError::WouldBlock`], [`NetError::NotFound`], [`NetError::NoResources`].
    fn resolve(&mut self, host: &str) -> Result<core::net::IpAddr, NetError>;

    /// Starts a connection to `to`; the socket is usable once
    /// [`TcpSocket::is_connected`].
    ///
    /// # Errors
    /// [`NetError::NoResources`] when no socket is free.
    fn connect(&mut self, to: SocketAddr) -> Result<Self::Socket, NetError>;

    /// Lets the stack do its work (process received frames, retransmit, time out):
    /// called from the firmware's loop with the monotonic time.
    fn poll(&mut self, now_us: i64);
}
