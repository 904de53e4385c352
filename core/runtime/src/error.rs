//! Errors a firmware engineer can act on: why a module was refused, and how a running
//! module failed (with its last log lines).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use wasp_abi::section::SectionError;
use wasp_abi::{AbiVersion, Status};

/// Why a module could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// Larger than [`crate::Limits::max_module_bytes`].
    TooLarge {
        /// Module size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// Not a valid WebAssembly module (the interpreter's message).
    Malformed(String),
    /// The module lacks the `wasp.abi` section: it was not built with the wasp SDK.
    MissingAbiSection,
    /// The `wasp.abi` section is malformed.
    BadAbiSection(SectionError),
    /// Built for an ABI this runtime cannot serve.
    IncompatibleAbi {
        /// The module's version.
        module: AbiVersion,
        /// This runtime's version.
        runtime: AbiVersion,
    },
    /// The module needs features the device does not offer.
    MissingFeatures {
        /// The missing feature bits.
        missing: u64,
    },
    /// A required export is absent or has the wrong type.
    BadExport {
        /// The export's name.
        name: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// An import this runtime cannot provide.
    BadImport {
        /// `module.name` of the import.
        import: String,
        /// Why.
        reason: &'static str,
    },
    /// The module's initial memory exceeds the guest memory cap.
    MemoryTooLarge {
        /// Bytes the module asks for at start.
        initial: u64,
        /// The cap.
        cap: usize,
    },
    /// Instantiation failed (the interpreter's message).
    Instantiate(String),
    /// `wasp_init` returned an error status.
    InitFailed {
        /// The status it returned.
        status: Status,
        /// The module's last log lines.
        last_logs: Vec<String>,
    },
    /// `wasp_init` (or the start function) faulted.
    InitFaulted(Fault),
    /// `restart` was called with no module loaded before.
    NothingToRestart,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::TooLarge { size, max } => {
                write!(f, "module is {size} bytes; this device accepts at most {max} (Limits::max_module_bytes)")
            }
            LoadError::Malformed(m) => write!(f, "not a valid WebAssembly module: {m}"),
            LoadError::MissingAbiSection => write!(
                f,
                "module has no `{}` custom section: build it with the wasp SDK (wasp_guest::module!)",
                wasp_abi::section::SECTION_NAME
            ),
            LoadError::BadAbiSection(e) => write!(f, "{e}"),
            LoadError::IncompatibleAbi { module, runtime } => write!(
                f,
                "module was built for wasp ABI {module}; this runtime serves ABI {runtime} \
                 (same major, minor up to {}): rebuild the module or update the runtime",
                runtime.minor
            ),
            LoadError::MissingFeatures { missing } => {
                write!(f, "module needs features this device does not offer:")?;
                for bit in (0..64).map(|i| 1u64 << i).filter(|b| missing & b != 0) {
                    write!(f, " {}", wasp_abi::player::feature::name(bit))?;
                }
                Ok(())
            }
            LoadError::BadExport { name, expected } => write!(f, "module must export `{name}` as {expected}"),
            LoadError::BadImport { import, reason } => write!(f, "module imports `{import}`: {reason}"),
            LoadError::MemoryTooLarge { initial, cap } => write!(
                f,
                "module starts with {initial} bytes of linear memory; the cap is {cap} \
                 (link with a smaller --initial-memory or raise Limits::guest_memory_bytes)"
            ),
            LoadError::Instantiate(m) => write!(f, "instantiation failed: {m}"),
            LoadError::InitFailed { status, last_logs } => {
                write!(f, "wasp_init failed with {status}")?;
                write_logs(f, last_logs)
            }
            LoadError::InitFaulted(fault) => write!(f, "wasp_init: {fault}"),
            LoadError::NothingToRestart => write!(f, "no module was loaded, so none can be restarted"),
        }
    }
}

/// How a running module failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// A WebAssembly trap (the trap's name: `unreachable`, out-of-bounds access…). A
    /// guest panic shows as `unreachable` after a `panic:` log line.
    Trap(String),
    /// The call stack or value stack overflowed (deep recursion).
    StackOverflow,
    /// The module tried to grow its memory past the cap.
    MemoryLimit {
        /// Bytes it asked for.
        requested: usize,
        /// The cap.
        cap: usize,
    },
    /// The module used up its fuel for [`crate::Limits::max_slices`] ticks in a row
    /// without returning (an endless loop), or `wasp_init` used up its fuel.
    Hung {
        /// Fuel consumed in the call.
        fuel: u64,
    },
    /// A host function failed in a way it could not report as a status.
    Host(String),
}

/// A fault, with what the module said last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// What happened.
    pub kind: FaultKind,
    /// The module's last log lines, oldest first.
    pub last_logs: Vec<String>,
}

fn write_logs(f: &mut fmt::Formatter<'_>, logs: &[String]) -> fmt::Result {
    if logs.is_empty() {
        return write!(f, " (the module logged nothing)");
    }
    write!(f, "; the module's last log lines:")?;
    for line in logs {
        write!(f, "\n  | {line}")?;
    }
    Ok(())
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FaultKind::Trap(t) => write!(f, "module trapped: {t}")?,
            FaultKind::StackOverflow => {
                write!(f, "module overflowed its stack (recursion too deep)")?
            }
            FaultKind::MemoryLimit { requested, cap } => write!(
                f,
                "module hit its memory limit: asked for {requested} bytes, cap is {cap}"
            )?,
            FaultKind::Hung { fuel } => write!(
                f,
                "module did not return after {fuel} units of fuel (endless loop?)"
            )?,
            FaultKind::Host(m) => write!(f, "host failure: {m}")?,
        }
        write_logs(f, &self.last_logs)
    }
}

/// Why a tick did not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// No module is loaded.
    NotLoaded,
    /// The module faulted (now or earlier); call [`crate::Runtime::restart`].
    Faulted(Fault),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::NotLoaded => write!(f, "no module is loaded"),
            RunError::Faulted(fault) => fault.fmt(f),
        }
    }
}

#[cfg(feature = "std")]
mod std_impls {
    extern crate std;
    impl std::error::Error for super::LoadError {}
    impl std::error::Error for super::RunError {}
    impl std::error::Error for super::Fault {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_types_stay_small() {
        // Errors travel by value through every call: keep them a few words.
        assert!(
            core::mem::size_of::<LoadError>() <= 64,
            "{}",
            core::mem::size_of::<LoadError>()
        );
        assert!(core::mem::size_of::<RunError>() <= 64);
    }
}
