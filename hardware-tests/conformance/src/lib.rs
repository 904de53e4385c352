//! # wasp-conformance: what every port must do
//!
//! One suite, generic over [`Port`], that every port runs: the test device, the
//! emulator, the Linux port, the microcontroller port (and, through the C vtable
//! adapter, ports written in C). Each check assumes nothing about the device beyond
//! what its own capability answers promise, and reports pass, fail (with the reason)
//! or not applicable.
//!
//! A device is asynchronous (fetches and decoders progress over time), so the suite is
//! driven through a [`Harness`] that lets time pass: a real device sleeps, a test device
//! advances its virtual clock.
#![no_std]

extern crate alloc;

mod checks;

use alloc::string::String;
use alloc::vec::Vec;
use wasp_core::Port;

/// Lets time pass for a port, and says what content it serves.
pub trait Harness<P: Port> {
    /// Lets `us` microseconds pass (sleep on a device, advance a virtual clock).
    fn wait(&mut self, port: &mut P, us: i64);

    /// A URL the port can fetch, and its exact body; `None` skips the fetch checks.
    fn fetchable(&self) -> Option<(&str, &[u8])>;

    /// A URL that does not exist on the port's network or storage.
    fn missing(&self) -> &str;
}

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It holds.
    Pass,
    /// It does not hold: why.
    Fail(String),
    /// The device does not offer what the check is about (its answers say so).
    NotApplicable(&'static str),
}

/// One check's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    /// The check's name (a behaviour, e.g. `clock_is_monotonic`).
    pub name: &'static str,
    /// What happened.
    pub outcome: Outcome,
}

/// The results of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// One entry per check, in order.
    pub results: Vec<CheckResult>,
}

impl Report {
    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &CheckResult> {
        self.results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Fail(_)))
    }

    /// Every check passed or was not applicable.
    pub fn passed(&self) -> bool {
        self.failures().next().is_none()
    }
}

impl core::fmt::Display for Report {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for r in &self.results {
            match &r.outcome {
                Outcome::Pass => writeln!(f, "pass  {}", r.name)?,
                Outcome::Fail(why) => writeln!(f, "FAIL  {}: {why}", r.name)?,
                Outcome::NotApplicable(why) => writeln!(f, "n/a   {}: {why}", r.name)?,
            }
        }
        let failed = self.failures().count();
        write!(f, "{} checks, {failed} failed", self.results.len())
    }
}

/// Runs every check against `port`.
pub fn run<P: Port, H: Harness<P>>(port: &mut P, harness: &mut H) -> Report {
    let mut report = Report::default();
    for (name, check) in checks::all::<P>() {
        let outcome = check(port, harness as &mut dyn Harness<P>);
        report.results.push(CheckResult { name, outcome });
    }
    report
}

/// The names of every check, in order.
pub fn check_names() -> impl Iterator<Item = &'static str> {
    checks::names()
}
