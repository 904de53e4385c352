//! A board's log hooks ([`Board::log`](super::Board::log), [`Board::state`],
//! [`Board::error`]) as defmt lines (feature `defmt`), the same on every board that
//! logs with defmt:
//!
//! ```text
//! INFO  module: <the module's line>
//! INFO  state playing
//! ERROR decoder chip: volume not set
//! ```
//!
//! [`Board::state`]: super::Board::state
//! [`Board::error`]: super::Board::error

use wasp_core::abi::player::{LogLevel, PlayerState};

use super::{state_name, PartError};

/// A line the module logged, at its level, as `module: <line>`.
pub fn module_line(level: LogLevel, line: &str) {
    match level {
        LogLevel::Error => defmt::error!("module: {=str}", line),
        LogLevel::Warn => defmt::warn!("module: {=str}", line),
        LogLevel::Info => defmt::info!("module: {=str}", line),
        _ => defmt::debug!("module: {=str}", line),
    }
}

/// The player's new state, as `state <name>`.
pub fn state(state: PlayerState) {
    defmt::info!("state {=str}", state_name(state));
}

/// A part that failed, as an error line with [`PartError::message`].
pub fn error(error: PartError) {
    defmt::error!("{=str}", error.message());
}
