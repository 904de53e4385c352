/*
 * The conformance suite (hardware-tests/conformance/c) against the Linux port with
 * file-backed devices: the framebuffer and the key-value store are files in the
 * work folder, the clock is virtual, decoding is libavcodec's. A crash is
 * simulated by opening a second device on the same files while the first is
 * still open and never closed before the checks read from the second: what a
 * `kv_set` that returned wrote must already be on storage.
 *
 *   conformance WORK_DIR      prints PASS/FAIL/SKIP per check; exit 0 when none failed
 */
#include <stdio.h>
#include <string.h>

#include "wasp_conformance.h"
#include "wasp_linux.h"

#define MAX_DEVICES 4

static const char BODY[] = "conformance body served from a file\n";

typedef struct harness {
  wasp_linux_config config;
  wasp_linux *devices[MAX_DEVICES]; /* the last is the one in use */
  int count;
  wasp_port ports[MAX_DEVICES];
} harness;

static wasp_linux *current(harness *h) { return h->devices[h->count - 1]; }

static void wait_us(void *user, int64_t us) {
  harness *h = user;
  wasp_linux *d = current(h);
  wasp_linux_wait(d, wasp_linux_now(d) + us, 0);
}

static int open_device(harness *h) {
  if (h->count == MAX_DEVICES) return 0;
  wasp_linux *d = NULL;
  if (wasp_linux_new(&h->config, &d) != WASP_OK) return 0;
  h->devices[h->count] = d;
  wasp_linux_port(d, &h->ports[h->count]);
  h->count++;
  return 1;
}

static int crash(void *user, wasp_port **port) {
  harness *h = user;
  if (!open_device(h)) return 0;
  *port = &h->ports[h->count - 1];
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: conformance WORK_DIR\n");
    return 2;
  }
  char fb[1024], kv[1024], body[1024], url[1100], missing[1100];
  snprintf(fb, sizeof fb, "%s/fb.rgb", argv[1]);
  snprintf(kv, sizeof kv, "%s/kv", argv[1]);
  snprintf(body, sizeof body, "%s/body.txt", argv[1]);
  snprintf(url, sizeof url, "file://%s", body);
  snprintf(missing, sizeof missing, "file://%s/missing.ts", argv[1]);
  FILE *f = fopen(body, "wb");
  if (f == NULL || fwrite(BODY, 1, strlen(BODY), f) != strlen(BODY) || fclose(f) != 0) {
    fprintf(stderr, "conformance: cannot write %s\n", body);
    return 2;
  }
  harness h;
  memset(&h, 0, sizeof h);
  h.config.fbdev_path = fb;
  h.config.kv_path = kv;
  h.config.width = 64;
  h.config.height = 36;
  h.config.virtual_clock = 1;
  h.config.file_root = argv[1];
  h.config.log_level = WASP_LOG_WARN;
  if (!open_device(&h)) {
    fprintf(stderr, "conformance: the Linux device did not open\n");
    return 2;
  }
  wasp_conformance_harness harness = {0};
  harness.user = &h;
  harness.wait = wait_us;
  harness.fetchable_url = url;
  harness.fetchable_body = (const uint8_t *)BODY;
  harness.fetchable_len = strlen(BODY);
  harness.missing_url = missing;
  harness.crash = crash;
  wasp_port *port = &h.ports[0];
  int failed = wasp_conformance_run(&port, &harness);
  for (int i = h.count - 1; i >= 0; i--) wasp_linux_free(h.devices[i]);
  return failed == 0 ? 0 : 1;
}
