//! # wasp-sim: the deterministic playback simulator
//!
//! Runs the engine's [`Player`](wasp_engine::player::Player) natively against the test
//! device (`wasp-testkit`: trace-driven network, real-time decoders, a media clock that
//! stalls when they starve) on a virtual clock. Scenario tests use it (`tests/`), and
//! the `wasp-sim` command prints a session's QoE for a bandwidth trace.
//!
//! The same engine runs inside player modules through the real ABI; the native run
//! is for speed (a 10-minute session in well under a second) and for tests that step
//! through a session.

pub mod bench;
pub mod module;
pub mod platform;
pub mod session;

pub use module::ModuleSession;
pub use platform::PortPlatform;
pub use session::{Action, Session};
