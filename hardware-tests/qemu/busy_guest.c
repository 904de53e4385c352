/*
 * Guests that never stop, through the C API, on the microcontroller preset's fuel:
 * an endless loop in `wasp_init` is stopped by its fuel (WASP_ERR_LOAD), an
 * endless loop in `wasp_tick` is suspended when a tick's fuel runs out, resumed
 * on the next tick and, after the preset's number of slices, reported as faulted
 * (WASP_ERR_FAULTED); a restart runs the module again. Each slice is hundreds of
 * thousands of interpreter instructions in one native call: an interpreter whose
 * dispatch grows the native stack per instruction (a target where the compiler
 * did not make its tail calls) overflows it here instead of returning.
 *
 * The modules are assembled below (WebAssembly binary format, with the
 * `wasp.abi` custom section core/abi/src/section.rs defines), so the program
 * needs no file. Usage: busy_guest
 */
#include "common.h"

/* A byte buffer the modules are assembled into. */
typedef struct bytes {
  uint8_t data[256];
  size_t len;
} bytes;

static void put(bytes *b, const uint8_t *src, size_t len) {
  if (b->len + len <= sizeof b->data) {
    memcpy(b->data + b->len, src, len);
  }
  b->len += len; /* an overrun shows as a length past the buffer */
}

static void put16(bytes *b, uint16_t v) {
  const uint8_t le[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
  put(b, le, 2);
}

/* The module's sections: types () -> i32 and (i64) -> i64, two functions, one
 * page of memory, the exports `memory`, `wasp_init`, `wasp_tick`, and the two
 * bodies (`init_loops`, `tick_loops`: `loop br 0 end` where asked, then the
 * result 0). */
static void module(bytes *b, int init_loops, int tick_loops) {
  static const uint8_t head[] = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, /* \0asm, version 1 */
      0x01, 0x0a, 0x02, 0x60, 0x00, 0x01, 0x7f,       /* type: () -> i32 */
      0x60, 0x01, 0x7e, 0x01, 0x7e,                   /*       (i64) -> i64 */
      0x03, 0x03, 0x02, 0x00, 0x01,                   /* function: types 0, 1 */
      0x05, 0x03, 0x01, 0x00, 0x01,                   /* memory: min 1 page */
      0x07, 0x22, 0x03,                               /* export: 3 entries */
      0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00,
      0x09, 'w', 'a', 's', 'p', '_', 'i', 'n', 'i', 't', 0x00, 0x00,
      0x09, 'w', 'a', 's', 'p', '_', 't', 'i', 'c', 'k', 0x00, 0x01,
  };
  /* loop (0x03 0x40), br 0 (0x0c 0x00), end (0x0b) */
  static const uint8_t spin[] = {0x03, 0x40, 0x0c, 0x00, 0x0b};
  static const uint8_t init_end[] = {0x41, 0x00, 0x0b}; /* i32.const 0, end */
  static const uint8_t tick_end[] = {0x42, 0x00, 0x0b}; /* i64.const 0, end */
  uint8_t init_len = (uint8_t)(1 + (init_loops ? sizeof spin : 0) + sizeof init_end);
  uint8_t tick_len = (uint8_t)(1 + (tick_loops ? sizeof spin : 0) + sizeof tick_end);
  const uint8_t code[] = {0x0a, (uint8_t)(1 + 1 + init_len + 1 + tick_len), 0x02};
  const uint8_t no_locals = 0x00;
  static const char kName[] = "busy", kVersion[] = "1";
  /* wasp.abi (core/abi/src/section.rs): "wasp", format 1, ABI 1.0, reserved,
   * required features (8 bytes, none), then TLV name (tag 1) and version (tag 2). */
  static const uint8_t custom_head[] = {0x00, 8 + 1 + 20 + 4 + 4 + 4 + 1, 8,
                                        'w',  'a', 's', 'p', '.', 'a', 'b', 'i',
                                        'w',  'a', 's', 'p'};
  static const uint8_t zero8[8] = {0};

  b->len = 0;
  put(b, head, sizeof head);
  put(b, code, sizeof code);
  put(b, &init_len, 1);
  put(b, &no_locals, 1);
  if (init_loops) put(b, spin, sizeof spin);
  put(b, init_end, sizeof init_end);
  put(b, &tick_len, 1);
  put(b, &no_locals, 1);
  if (tick_loops) put(b, spin, sizeof spin);
  put(b, tick_end, sizeof tick_end);
  put(b, custom_head, sizeof custom_head);
  put16(b, 1); /* section format */
  put16(b, 1); /* ABI major */
  put16(b, 0); /* ABI minor */
  put16(b, 0); /* reserved */
  put(b, zero8, sizeof zero8);
  put16(b, 1);
  put16(b, (uint16_t)strlen(kName));
  put(b, (const uint8_t *)kName, strlen(kName));
  put16(b, 2);
  put16(b, (uint16_t)strlen(kVersion));
  put(b, (const uint8_t *)kVersion, strlen(kVersion));
}

int main(void) {
  test_port tp;
  wasp_port port;
  wasp_config config;
  wasp_runtime *rt = NULL;
  bytes m;
  int ticks = 0;
  char text[256] = "";
  size_t text_len = 0;
  wasp_status status = WASP_OK;

  memset(&tp, 0, sizeof tp);
  port = make_port(&tp);
  memset(&config, 0, sizeof config);
  config.struct_size = sizeof config;
  config.limits_preset = WASP_LIMITS_SMALL;
  CHECK_STATUS(wasp_runtime_new(&port, &config, &rt), WASP_OK);
  if (rt == NULL) return 1;

  /* A well-formed module that returns at once loads and ticks. */
  module(&m, 0, 0);
  CHECK(m.len <= sizeof m.data);
  CHECK_STATUS(wasp_runtime_load(rt, m.data, m.len), WASP_OK);
  if (failures) PRINT_LAST_ERROR(rt);
  CHECK_STATUS(wasp_runtime_tick(rt, 0, NULL), WASP_OK);
  printf("busy: quiet module loads and ticks\n");

  /* wasp_init never returns: its fuel stops it, the load fails with text. */
  module(&m, 1, 0);
  CHECK_STATUS(wasp_runtime_load(rt, m.data, m.len), WASP_ERR_LOAD);
  CHECK_STATUS(wasp_runtime_last_error(rt, text, sizeof text, &text_len), WASP_OK);
  printf("busy: endless init stopped by its fuel: %s\n", text);

  /* wasp_tick never returns: suspended tick after tick, then faulted. */
  module(&m, 0, 1);
  CHECK_STATUS(wasp_runtime_load(rt, m.data, m.len), WASP_OK);
  for (ticks = 1; ticks <= 1000; ticks++) {
    status = wasp_runtime_tick(rt, ticks, NULL);
    if (status != WASP_OK) break;
  }
  CHECK_STATUS(status, WASP_ERR_FAULTED);
  CHECK(ticks > 1 && ticks < 1000);
  printf("busy: endless tick faulted after %d ticks\n", ticks);

  /* The device keeps running: a restart runs the module again, same outcome. */
  CHECK_STATUS(wasp_runtime_restart(rt), WASP_OK);
  CHECK_STATUS(wasp_runtime_tick(rt, ticks + 1, NULL), WASP_OK);
  CHECK_STATUS(wasp_runtime_destroy(rt), WASP_OK);
  printf("busy: failures %d\n", failures);
  return failures == 0 ? 0 : 1;
}
