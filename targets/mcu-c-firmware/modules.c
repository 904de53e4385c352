/* modules.c — the hand-written test modules (modules.h). The binaries follow the
 * WebAssembly Core Specification 2.0, §5.5 "Modules" (type, function, memory,
 * export, code sections) and end with the `wasp.abi` custom section (§5.5.3) that
 * wasp_abi::section::encode writes: "wasp", format 1, ABI 1.0, no required features,
 * then the name and version texts (tag, length, bytes).
 *
 *   (module
 *     (memory (export "memory") 1)
 *     (func (export "wasp_init") (result i32) i32.const 0)
 *     (func (export "wasp_tick") (param i64) (result i64) <body>))
 *
 * with <body> `unreachable` (trap) or `loop br 0 end unreachable` (spin). */
#include "modules.h"

#define HEAD                                                                                    \
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, /* magic, version 1 */                        \
      0x01, 0x0a, 0x02, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x01, 0x7e, 0x01, 0x7e, /* types */     \
      0x03, 0x03, 0x02, 0x00, 0x01,                                   /* functions */          \
      0x05, 0x03, 0x01, 0x00, 0x01,                                   /* memory: 1 page */     \
      0x07, 0x22, 0x03, 0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00, /* exports */          \
      0x09, 'w', 'a', 's', 'p', '_', 'i', 'n', 'i', 't', 0x00, 0x00, 0x09, 'w', 'a', 's', 'p', \
      '_', 't', 'i', 'c', 'k', 0x00, 0x01

/* Custom section "wasp.abi": id 0, size 42, the name, then 33 bytes of section. */
#define ABI(c)                                                                                 \
  0x00, 42, 8, 'w', 'a', 's', 'p', '.', 'a', 'b', 'i', 'w', 'a', 's', 'p', 0x01, 0x00, 0x01, \
      0x00, 0x00, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x04, 0x00, 't', 'e',  \
      's', 't', 0x02, 0x00, 0x01, 0x00, c

const uint8_t module_trap[] = {
    HEAD,
    0x0a, 0x0a, 0x02, 0x04, 0x00, 0x41, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x0b, /* code */
    ABI('t'),
};
const size_t module_trap_len = sizeof module_trap;

const uint8_t module_spin[] = {
    HEAD,
    0x0a, 0x0f, 0x02, 0x04, 0x00, 0x41, 0x00, 0x0b, /* code: wasp_init */
    0x08, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x00, 0x0b, /* wasp_tick: loop br 0 end unreachable */
    ABI('s'),
};
const size_t module_spin_len = sizeof module_spin;
