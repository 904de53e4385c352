//! The stack's high-water mark on the target: cortex-m-rt's `paint-stack` filled the
//! stack region before `main`; [`crate::stack`] reads how far the paint is gone.

use crate::stack;

/// Bytes of stack used so far and whether the stack reached the bottom of its region.
pub fn stack_use() -> (usize, bool) {
    extern "C" {
        static _stack_end: u32;
        static _stack_start: u32;
    }
    #[allow(unsafe_code)]
    // SAFETY: cortex-m-rt's linker script defines both symbols as the bounds of the
    // stack region (word-aligned, `_stack_end` below `_stack_start`); the words are
    // only read.
    let words = unsafe {
        let bottom = core::ptr::addr_of!(_stack_end);
        let top = core::ptr::addr_of!(_stack_start);
        let len = (top as usize - bottom as usize) / 4;
        core::slice::from_raw_parts(bottom, len)
    };
    (stack::high_water(words), stack::overflowed(words))
}
