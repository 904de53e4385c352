//! # wasp-conformance: what every port must do
//!
//! The suite is written in C against `wasp_port.h` only (`c/wasp_conformance.c`,
//! `c/wasp_conformance.h`): it is the suite of record for every port. A port in C
//! links it into a small program of its own (the Linux port's is
//! `shims/linux/tests/c/conformance.c`, built with ASan and UBSan); a port in Rust
//! runs it through [`run`], which exports the port as a C `wasp_port` vtable
//! ([`c_vtable::export`]) and calls the suite on it. Each check prints
//! `PASS <name>`, `FAIL <name>: <reason>` or `SKIP <name>: <reason>` (when the
//! port's own answers say it lacks what the check is about, or the harness cannot
//! simulate a crash).
//!
//! A device is asynchronous (fetches and decoders progress over time), so the suite
//! is driven through a [`Harness`] that lets time pass: a real device sleeps, a test
//! device advances its virtual clock.

pub mod c_vtable;

use std::ffi::{c_char, c_int, c_void, CStr, CString};

use wasp::sys;
use wasp_core::Port;

/// Lets time pass for a port, says what content it serves, and simulates crashes.
pub trait Harness<P: Port> {
    /// Lets `us` microseconds pass (sleep on a device, advance a virtual clock).
    fn wait(&mut self, port: &mut P, us: i64);

    /// A URL the port can fetch, and its exact body; `None` skips the fetch checks.
    fn fetchable(&self) -> Option<(&str, &[u8])>;

    /// A URL that does not exist on the port's network or storage.
    fn missing(&self) -> &str;

    /// Simulates a crash: replaces `*port` by a port opened afresh on the same
    /// storage, the old one dropped without any orderly close. `false` (the
    /// default): the harness cannot, and the durability check is skipped.
    fn crash(&mut self, port: &mut P) -> bool {
        let _ = port;
        false
    }
}

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It holds.
    Pass,
    /// It does not hold: why.
    Fail(String),
    /// The device does not offer what the check is about, or the harness cannot
    /// do what it needs: why.
    NotApplicable(String),
}

/// One check's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    /// The check's name (a behaviour, e.g. `clock_is_monotonic`).
    pub name: String,
    /// What happened.
    pub outcome: Outcome,
}

/// The results of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// One entry per check, in order.
    pub results: Vec<CheckResult>,
    /// The suite's lines as it printed them (and its summary line).
    pub lines: Vec<String>,
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

    /// A report of the suite's output lines (`PASS`/`FAIL`/`SKIP <name>[: why]`,
    /// other lines kept but not results).
    pub fn parse<'a>(lines: impl IntoIterator<Item = &'a str>) -> Report {
        let mut report = Report::default();
        for line in lines {
            report.lines.push(line.to_string());
            let Some((word, rest)) = line.split_once(' ') else {
                continue;
            };
            let (name, why) = rest.split_once(": ").unwrap_or((rest, ""));
            let outcome = match word {
                "PASS" => Outcome::Pass,
                "FAIL" => Outcome::Fail(why.into()),
                "SKIP" => Outcome::NotApplicable(why.into()),
                _ => continue,
            };
            report.results.push(CheckResult {
                name: name.into(),
                outcome,
            });
        }
        report
    }
}

impl core::fmt::Display for Report {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// The C suite's harness (`wasp_conformance.h`).
#[repr(C)]
struct CHarness {
    user: *mut c_void,
    wait: Option<unsafe extern "C" fn(*mut c_void, i64)>,
    fetchable_url: *const c_char,
    fetchable_body: *const u8,
    fetchable_len: usize,
    missing_url: *const c_char,
    crash: Option<unsafe extern "C" fn(*mut c_void, *mut *mut sys::wasp_port) -> c_int>,
    print: Option<unsafe extern "C" fn(*mut c_void, *const c_char)>,
}

#[allow(unsafe_code)] // the C suite
extern "C" {
    fn wasp_conformance_run(port: *mut *mut sys::wasp_port, harness: *const CHarness) -> c_int;
    fn wasp_conformance_check_count() -> usize;
    fn wasp_conformance_check_name(index: usize) -> *const c_char;
}

/// What the harness callbacks reach through `user`.
struct Session<'h, P: Port, H: Harness<P>> {
    harness: &'h mut H,
    port: *mut P,
    lines: Vec<String>,
}

#[allow(unsafe_code)] // the C suite
unsafe extern "C" fn wait<P: Port, H: Harness<P>>(user: *mut c_void, us: i64) {
    // SAFETY: `run` passes its `Session` as `user`, alive for the suite's run; the
    // suite calls the harness and the port one at a time, so this is the only live
    // reference to the port.
    let session = unsafe { &mut *user.cast::<Session<'_, P, H>>() };
    let port = unsafe { &mut *session.port };
    session.harness.wait(port, us);
}

#[allow(unsafe_code)] // the C suite
unsafe extern "C" fn crash<P: Port, H: Harness<P>>(
    user: *mut c_void,
    _port: *mut *mut sys::wasp_port,
) -> c_int {
    // SAFETY: as in `wait`. The exported vtable keeps pointing at the same `P`,
    // which the harness replaces in place, so `*_port` stays valid.
    let session = unsafe { &mut *user.cast::<Session<'_, P, H>>() };
    let port = unsafe { &mut *session.port };
    c_int::from(session.harness.crash(port))
}

#[allow(unsafe_code)] // the C suite
unsafe extern "C" fn print<P: Port, H: Harness<P>>(user: *mut c_void, line: *const c_char) {
    // SAFETY: as in `wait`; the suite passes a NUL-terminated line.
    let session = unsafe { &mut *user.cast::<Session<'_, P, H>>() };
    let line = unsafe { CStr::from_ptr(line) };
    session.lines.push(line.to_string_lossy().into_owned());
}

/// Runs the C suite against `port` through [`c_vtable::export`].
#[allow(unsafe_code)] // the C suite
pub fn run<P: Port, H: Harness<P>>(port: &mut P, harness: &mut H) -> Report {
    let url = harness.fetchable().map(|(url, body)| {
        (
            CString::new(url).unwrap_or_default(),
            body.as_ptr(),
            body.len(),
        )
    });
    let missing = CString::new(harness.missing()).unwrap_or_default();
    let mut exported = c_vtable::export(port);
    let mut session = Session {
        harness,
        port: exported.port(),
        lines: Vec::new(),
    };
    let c = CHarness {
        user: (&mut session as *mut Session<'_, P, H>).cast(),
        wait: Some(wait::<P, H>),
        fetchable_url: url
            .as_ref()
            .map_or(core::ptr::null(), |(u, _, _)| u.as_ptr()),
        fetchable_body: url.as_ref().map_or(core::ptr::null(), |(_, b, _)| *b),
        fetchable_len: url.as_ref().map_or(0, |(_, _, n)| *n),
        missing_url: missing.as_ptr(),
        crash: Some(crash::<P, H>),
        print: Some(print::<P, H>),
    };
    let mut vt: *mut sys::wasp_port = exported.vtable();
    // SAFETY: `vt` is a complete vtable over `port` (alive and not otherwise used
    // during the call); `c` and everything it points at outlive the call.
    let code = unsafe { wasp_conformance_run(&mut vt, &c) };
    let mut report = Report::parse(session.lines.iter().map(String::as_str));
    if code < 0 {
        report.results.push(CheckResult {
            name: "wasp_conformance_run".into(),
            outcome: Outcome::Fail("the suite refused the port or the harness".into()),
        });
    }
    report
}

/// The names of every check, in order.
#[allow(unsafe_code)] // the C suite
pub fn check_names() -> impl Iterator<Item = String> {
    // SAFETY: plain calls into the suite; names are static NUL-terminated strings.
    let count = unsafe { wasp_conformance_check_count() };
    (0..count).filter_map(|i| {
        let name = unsafe { wasp_conformance_check_name(i) };
        (!name.is_null()).then(|| {
            unsafe { CStr::from_ptr(name) }
                .to_string_lossy()
                .into_owned()
        })
    })
}

/// The folder of the C suite (`wasp_conformance.h`, `wasp_conformance.c`), for C
/// ports that build it into a program of their own.
pub fn c_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_results_with_their_reasons() {
        let report = Report::parse([
            "PASS clock_is_monotonic",
            "FAIL random_bytes_vary: random_fill returned zeros",
            "SKIP decrypt_matches_the_aes_test_vector: no bulk crypto",
            "3 checks, 1 failed, 1 skipped",
        ]);
        assert_eq!(report.results.len(), 3);
        assert_eq!(report.lines.len(), 4);
        assert_eq!(
            report.results[1].outcome,
            Outcome::Fail("random_fill returned zeros".into())
        );
        assert_eq!(
            report.results[2].outcome,
            Outcome::NotApplicable("no bulk crypto".into())
        );
        assert!(!report.passed());
    }

    #[test]
    fn the_suite_names_its_checks() {
        let names: Vec<String> = check_names().collect();
        assert_eq!(names.len(), 15);
        assert!(names.iter().any(|n| n == "kv_survives_a_crash"));
        assert!(names.iter().any(|n| n == "bad_arguments_get_error_codes"));
    }
}
