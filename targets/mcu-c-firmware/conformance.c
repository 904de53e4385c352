/* conformance.c — the port conformance suite (hardware-tests/conformance/c) run
 * against this firmware's C port (port.h) under QEMU: a second image, so the suite
 * has the whole arena and the player image stays as it ships. Every check must PASS
 * or SKIP with the suite's reason; the image exits with failure otherwise. */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "port.h"
#include "semihost.h"
#include "wasp.h"
#include "wasp_conformance.h"

/** The suite's runtimes, the banded raster (11.5 KiB) and the suite's images, with
 *  room to spare. */
#define ARENA_BYTES (512u * 1024u)
/** A file the port fetches, whose body the harness reads itself to compare. */
#define FETCHABLE "../../hardware-tests/mcu/radio/tone.mp3.icy.headers"

static uint64_t arena[ARENA_BYTES / sizeof(uint64_t)];
static board_port port;
static uint8_t body[1024];

static void on_panic(void *user, const char *message, size_t len) {
  (void)user;
  board_log("ERROR wasp panic: %.*s", (int)len, message);
  board_exit(0);
}

/* Lets `us` of board time pass, feeding the decoder chip meanwhile. */
static void wait(void *user, int64_t us) {
  board_port *p = user;
  uint64_t until = board_uptime_us() + (uint64_t)(us > 0 ? us : 0);
  while (board_uptime_us() < until) {
    port_pump(p);
    __asm__ volatile("wfi");
  }
}

static void print(void *user, const char *line) {
  (void)user;
  board_log("%s", line);
}

int main(void) {
  board_clock_start();
  wasp_platform platform = {.struct_size = sizeof platform, .heap_len = sizeof arena, .heap = arena,
                            .panic = on_panic};
  wasp_port vt;
  if (wasp_platform_init(&platform) != WASP_OK || port_init(&port, &vt, (int64_t)1 << 32) != WASP_OK) {
    board_log("ERROR platform or port not up");
    return 1;
  }
  int fd = semihost_open(FETCHABLE);
  long len = fd < 0 ? -1 : semihost_read_at(fd, 0, body, sizeof body);
  if (fd >= 0) semihost_close(fd);
  if (len <= 0) {
    board_log("ERROR %s not readable", FETCHABLE);
    return 1;
  }
  wasp_conformance_harness harness = {
      .user = &port,
      .wait = wait,
      .fetchable_url = "file:///" FETCHABLE,
      .fetchable_body = body,
      .fetchable_len = (size_t)len,
      .missing_url = "file:///../../hardware-tests/mcu/radio/no-such-file",
      .crash = NULL, /* nothing of the port outlives a power cut: no key-value store */
      .print = print,
  };
  wasp_port *vtp = &vt;
  int failed = wasp_conformance_run(&vtp, &harness);
  board_log("conformance: %d failed", failed);
  return failed == 0 ? 0 : 1;
}
