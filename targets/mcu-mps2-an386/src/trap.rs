//! A module whose every tick traps (`unreachable`), for the fault-containment run:
//! the runtime reports the trap, the firmware restarts the module and goes on.
//!
//! The WebAssembly binary is written out by hand (WebAssembly Core Specification 2.0,
//! §5.5 "Modules": the type, function, memory, export and code sections), the
//! `wasp.abi` custom section (§5.5.3) by `wasp_abi::section::encode` at compile time:
//!
//! ```wat
//! (module
//!   (memory (export "memory") 1)
//!   (func (export "wasp_init") (result i32) i32.const 0)
//!   (func (export "wasp_tick") (param i64) (result i64) unreachable))
//! ```

extern crate alloc;

use alloc::vec::Vec;

use wasp_core::abi::{section, ABI_VERSION};

/// The module's name and version in its `wasp.abi` section.
const NAME: &str = "trap";
const VERSION: &str = "1";
const ABI_LEN: usize = section::encoded_len(NAME, VERSION);
const ABI: [u8; ABI_LEN] = section::encode(ABI_VERSION.major, ABI_VERSION.minor, 0, NAME, VERSION);

/// Everything before the custom section.
const CORE: [u8; 78] = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
    // type section: () -> i32, (i64) -> i64
    0x01, 0x0a, 0x02, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x01, 0x7e, 0x01, 0x7e,
    // function section: func 0 of type 0, func 1 of type 1
    0x03, 0x03, 0x02, 0x00, 0x01, // memory section: one memory, min 1 page, no max
    0x05, 0x03, 0x01, 0x00, 0x01,
    // export section: "memory" (memory 0), "wasp_init" (func 0), "wasp_tick" (func 1)
    0x07, 0x22, 0x03, //
    0x06, b'm', b'e', b'm', b'o', b'r', b'y', 0x02, 0x00, //
    0x09, b'w', b'a', b's', b'p', b'_', b'i', b'n', b'i', b't', 0x00, 0x00, //
    0x09, b'w', b'a', b's', b'p', b'_', b't', b'i', b'c', b'k', 0x00, 0x01,
    // code section: `i32.const 0 end`, `unreachable end`
    0x0a, 0x0a, 0x02, 0x04, 0x00, 0x41, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x0b,
];

/// The module's bytes.
pub fn module() -> Vec<u8> {
    let name = section::SECTION_NAME.as_bytes();
    // Custom section: id 0, size, name (length-prefixed), contents. Both sizes are
    // below 128, so each is one LEB128 byte.
    let size = 1 + name.len() + ABI.len();
    let mut bytes = Vec::with_capacity(CORE.len() + 2 + size);
    bytes.extend_from_slice(&CORE);
    bytes.extend([0, size as u8, name.len() as u8]);
    bytes.extend_from_slice(name);
    bytes.extend_from_slice(&ABI);
    bytes
}
