//! Hand-written test modules: WAT compiled with a valid `wasp.abi` section appended,
//! for the runtime's tests, benchmarks and fuzz targets.

use wasp_core::abi::section::{encode, encoded_len, SECTION_NAME};
use wasp_core::abi::ABI_VERSION;

/// Appends a custom section to a module binary.
pub fn with_section(mut module: Vec<u8>, name: &str, data: &[u8]) -> Vec<u8> {
    fn leb(mut v: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }
    let mut payload = Vec::new();
    leb(name.len(), &mut payload);
    payload.extend_from_slice(name.as_bytes());
    payload.extend_from_slice(data);
    module.push(0);
    leb(payload.len(), &mut module);
    module.extend_from_slice(&payload);
    module
}

/// The ABI section of a module named `test`, for a version and feature set.
pub fn abi_section(major: u16, minor: u16, required: u64) -> Vec<u8> {
    const LEN: usize = encoded_len("test", "0");
    encode::<LEN>(major, minor, required, "test", "0").to_vec()
}

/// Compiles WAT and appends a section for this ABI version with no required features.
///
/// # Panics
/// When the WAT does not compile: these are the tests' own modules.
pub fn module(wat: &str) -> Vec<u8> {
    let v = ABI_VERSION;
    let binary = wat::parse_str(wat).unwrap_or_else(|e| panic!("test WAT does not compile: {e}"));
    with_section(binary, SECTION_NAME, &abi_section(v.major, v.minor, 0))
}

/// A module with the required exports, one page of memory (with "hello" at 16), the
/// given imports and a `wasp_tick` body that leaves an i64 on the stack.
pub fn guest(imports: &str, tick_body: &str) -> String {
    format!(
        r#"(module
            {imports}
            (memory (export "memory") 1)
            (func (export "wasp_init") (result i32) i32.const 0)
            (func (export "wasp_tick") (param $now i64) (result i64) {tick_body})
            (data (i32.const 16) "hello")
        )"#
    )
}
