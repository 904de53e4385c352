//! The embedder's configuration (`config_read`): UTF-8 `key=value` lines.
//!
//! Lines are separated by `\n` (a trailing `\r` is ignored); blank lines and lines
//! starting with `#` are skipped; spaces around keys and values are trimmed; the first
//! line with a key wins.
#![allow(unsafe_code)] // FFI edge: calls the `config_read` import.

use alloc::string::String;
use alloc::vec::Vec;
use wasp_abi::Status;

use crate::{sys, util};

/// The raw configuration bytes (the import is called again with a bigger buffer
/// when the first one is too small).
///
/// # Errors
/// The import's status, or [`Status::BudgetExceeded`] when memory runs out.
pub fn read() -> Result<Vec<u8>, Status> {
    // SAFETY: `out_vec` passes an exclusively borrowed buffer of `cap` bytes.
    util::out_vec(|out, cap| unsafe { sys::config_read(out, cap) })
}

/// The value of `key` in configuration `text`, if a line sets it.
pub fn lookup<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, value)| value.trim())
}

/// The configuration as text, with [`lookup`] as a method.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    text: String,
}

impl Config {
    /// Reads the configuration ([`read`]); bytes that are not UTF-8 are replaced.
    ///
    /// # Errors
    /// As [`read`].
    pub fn load() -> Result<Self, Status> {
        Ok(Self::from_text(util::into_string(read()?)))
    }

    /// A configuration from text (for tests and defaults).
    pub fn from_text(text: impl Into<String>) -> Self {
        Self { text: text.into() }
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        lookup(&self.text, key)
    }

    /// The whole text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_trimmed_and_first_wins() {
        let text = "# comment\r\nurl = mem://probe.txt\r\n\nkv_key=probe\nurl=second\nempty=\n";
        assert_eq!(lookup(text, "url"), Some("mem://probe.txt"));
        assert_eq!(lookup(text, "kv_key"), Some("probe"));
        assert_eq!(lookup(text, "empty"), Some(""));
        assert_eq!(lookup(text, "missing"), None);
        assert_eq!(lookup(text, "# comment"), None);
        assert_eq!(lookup("novalue\n", "novalue"), None);
    }

    #[test]
    fn values_may_contain_equals_signs() {
        let config = Config::from_text("url=http://x/a?b=c&d=e");
        assert_eq!(config.get("url"), Some("http://x/a?b=c&d=e"));
        assert_eq!(config.len(), 22);
    }

    #[test]
    fn loading_natively_reports_unsupported() {
        assert_eq!(Config::load(), Err(Status::Unsupported));
    }
}
