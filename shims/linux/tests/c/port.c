/*
 * The Linux port through its vtable, as the runtime calls it, with file-backed
 * devices: the virtual clock, the key-value store (durability, atomic replace,
 * a crash's leftovers, bounds), evdev input from a file, file and HTTP fetches,
 * the display on a framebuffer file, and hostile calls.
 * Usage: port <work dir> <http port>
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h" /* libwasp's test helpers: CHECK, CHECK_STATUS, failures */
#include "wasp_linux.h"

static char g_dir[512];
static const char *g_http_port;

static const char *path_in(const char *name) {
  static char buf[4][600];
  static int next = 0;
  char *p = buf[next++ % 4];
  snprintf(p, 600, "%s/%s", g_dir, name);
  return p;
}

static void write_bytes(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (f == NULL) return;
  fwrite(data, 1, len, f);
  fclose(f);
}

static wasp_linux *device(const char *kv, const char *evdev, const char *fbdev) {
  wasp_linux_config c;
  wasp_linux *d = NULL;
  memset(&c, 0, sizeof c);
  c.virtual_clock = 1;
  c.width = 4;
  c.height = 2;
  c.kv_path = kv;
  c.evdev_path = evdev;
  c.fbdev_path = fbdev;
  c.screen_log_path = fbdev ? path_in("screen.md5") : NULL;
  CHECK_STATUS(wasp_linux_new(&c, &d), WASP_OK);
  return d;
}

static void virtual_clock(void) {
  wasp_linux *d = device(NULL, NULL, NULL);
  wasp_port p;
  if (d == NULL) return;
  wasp_linux_port(d, &p);
  CHECK(p.now_us(p.user) == WASP_LINUX_VIRTUAL_EPOCH_US);
  CHECK(wasp_linux_wait(d, WASP_LINUX_VIRTUAL_EPOCH_US + 5000, 0) ==
        WASP_LINUX_VIRTUAL_EPOCH_US + 5000);
  /* Never backwards; a step limit bounds a jump. */
  CHECK(wasp_linux_wait(d, 0, 0) == WASP_LINUX_VIRTUAL_EPOCH_US + 5000);
  CHECK(wasp_linux_wait(d, WASP_LINUX_VIRTUAL_EPOCH_US + 1000000, 20000) ==
        WASP_LINUX_VIRTUAL_EPOCH_US + 25000);
  CHECK(p.now_us(p.user) == WASP_LINUX_VIRTUAL_EPOCH_US + 25000);
  /* The media clock does not run before the module starts it. */
  {
    wasp_media_clock_info clock;
    p.media_clock(p.user, &clock);
    CHECK(clock.running == 0 && clock.position_us == 0);
  }
  wasp_linux_free(d);
}

static void key_value_store(void) {
  const char *kv = path_in("kv.db");
  uint8_t out[8192];
  size_t len = 0;
  static uint8_t big[4097];
  wasp_port p;
  wasp_linux *d;
  unlink(kv);
  d = device(kv, NULL, NULL);
  if (d == NULL) return;
  wasp_linux_port(d, &p);
  CHECK((p.features(p.user) & WASP_FEATURE_KV_STORE) != 0);
  CHECK_STATUS(p.kv_get(p.user, (const uint8_t *)"a", 1, out, sizeof out, &len),
               WASP_ERR_NOT_FOUND);
  CHECK_STATUS(p.kv_set(p.user, (const uint8_t *)"resume", 6, (const uint8_t *)"12000", 5),
               WASP_OK);
  CHECK_STATUS(p.kv_set(p.user, (const uint8_t *)"lang", 4, (const uint8_t *)"fr", 2), WASP_OK);
  CHECK_STATUS(p.kv_set(p.user, (const uint8_t *)"resume", 6, (const uint8_t *)"34000", 5),
               WASP_OK);
  CHECK_STATUS(p.kv_get(p.user, (const uint8_t *)"resume", 6, out, sizeof out, &len), WASP_OK);
  CHECK(len == 5 && memcmp(out, "34000", 5) == 0);
  /* A buffer too small: the full length, nothing written. */
  memset(out, 'x', sizeof out);
  CHECK_STATUS(p.kv_get(p.user, (const uint8_t *)"resume", 6, out, 2, &len), WASP_OK);
  CHECK(len == 5 && out[0] == 'x');
  /* Bounds: keys 1..64 bytes, values up to 4 KiB. */
  CHECK_STATUS(p.kv_set(p.user, (const uint8_t *)"", 0, (const uint8_t *)"v", 1),
               WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(p.kv_set(p.user, big, 65, (const uint8_t *)"v", 1), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(p.kv_set(p.user, (const uint8_t *)"big", 3, big, sizeof big),
               WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(p.kv_set(p.user, (const uint8_t *)"max", 3, big, 4096), WASP_OK);
  CHECK_STATUS(p.kv_delete(p.user, (const uint8_t *)"max", 3), WASP_OK);
  CHECK_STATUS(p.kv_delete(p.user, (const uint8_t *)"max", 3), WASP_ERR_NOT_FOUND);
  /* No temporary file is left behind: each change is one rename. */
  CHECK(access(path_in("kv.db.tmp"), F_OK) != 0);
  wasp_linux_free(d);

  /* Durable: a new device (a reboot) reads what was set; a crash's half-written
   * temporary file is not the store. */
  write_bytes(path_in("kv.db.tmp"), "WKV1garbage", 11);
  d = device(kv, NULL, NULL);
  if (d == NULL) return;
  wasp_linux_port(d, &p);
  CHECK_STATUS(p.kv_get(p.user, (const uint8_t *)"resume", 6, out, sizeof out, &len), WASP_OK);
  CHECK(len == 5 && memcmp(out, "34000", 5) == 0);
  CHECK_STATUS(p.kv_get(p.user, (const uint8_t *)"lang", 4, out, sizeof out, &len), WASP_OK);
  CHECK(len == 2 && memcmp(out, "fr", 2) == 0);
  /* At most 256 entries. */
  {
    int stored = 2;
    for (int i = 0; i < 300; i++) {
      char key[16];
      int n = snprintf(key, sizeof key, "k%d", i);
      wasp_status s = p.kv_set(p.user, (const uint8_t *)key, (size_t)n, (const uint8_t *)"1", 1);
      if (s == WASP_OK) stored++;
      else CHECK(s == WASP_ERR_BUDGET_EXCEEDED);
    }
    CHECK(stored == 256);
  }
  wasp_linux_free(d);

  /* A corrupted store (a bit flipped) is ignored as a whole, not half read. */
  {
    FILE *f = fopen(kv, "r+b");
    CHECK(f != NULL);
    if (f != NULL) {
      fseek(f, 20, SEEK_SET);
      fputc('#', f);
      fclose(f);
    }
  }
  d = device(kv, NULL, NULL);
  if (d == NULL) return;
  wasp_linux_port(d, &p);
  CHECK_STATUS(p.kv_get(p.user, (const uint8_t *)"lang", 4, out, sizeof out, &len),
               WASP_ERR_NOT_FOUND);
  CHECK_STATUS(p.kv_set(p.user, (const uint8_t *)"lang", 4, (const uint8_t *)"de", 2), WASP_OK);
  wasp_linux_free(d);
}

static void evdev_input(void) {
  struct input_event ev[7];
  wasp_host_event e;
  wasp_port p;
  wasp_linux *d;
  const char *path = path_in("events");
  memset(ev, 0, sizeof ev);
  ev[0].type = EV_KEY, ev[0].code = KEY_UP, ev[0].value = 1;
  ev[1].type = EV_KEY, ev[1].code = KEY_UP, ev[1].value = 2;
  ev[2].type = EV_KEY, ev[2].code = KEY_UP, ev[2].value = 0;
  ev[3].type = EV_REL, ev[3].code = REL_X, ev[3].value = 1;      /* not a key */
  ev[4].type = EV_KEY, ev[4].code = KEY_A, ev[4].value = 1;      /* no remote key */
  ev[5].type = EV_SYN, ev[5].code = SYN_REPORT;
  ev[6].type = EV_KEY, ev[6].code = KEY_PLAYPAUSE, ev[6].value = 1;
  {
    /* A trailing partial record (a device never sends one) is ignored. */
    uint8_t bytes[sizeof ev + 5];
    memcpy(bytes, ev, sizeof ev);
    memset(bytes + sizeof ev, 0x7f, 5);
    write_bytes(path, bytes, sizeof bytes);
  }
  d = device(NULL, path, NULL);
  if (d == NULL) return;
  wasp_linux_port(d, &p);
  CHECK((p.features(p.user) & WASP_FEATURE_INPUT) != 0);
  wasp_linux_wait(d, 0, 0);
  {
    static const uint32_t keys[] = {16, 16, 16, 32}; /* Up x3, PlayPause */
    static const uint32_t actions[] = {WASP_KEY_DOWN, WASP_KEY_REPEAT, WASP_KEY_UP,
                                       WASP_KEY_DOWN};
    for (int i = 0; i < 4; i++) {
      CHECK(p.poll_event(p.user, &e) == 1);
      CHECK(e.kind == WASP_EVENT_KEY && e.key.key == keys[i] && e.key.action == actions[i]);
      CHECK(e.key.time_us == WASP_LINUX_VIRTUAL_EPOCH_US);
    }
    CHECK(p.poll_event(p.user, &e) == 0);
  }
  wasp_linux_free(d);
}

/* Waits (real time, bounded) until a fetch is done or failed. */
static uint32_t settle_fetch(wasp_port *p, uint32_t id, wasp_fetch_info *info) {
  for (int i = 0; i < 500; i++) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    p->fetch_info(p->user, id, info);
    if (info->state == WASP_FETCH_DONE || info->state == WASP_FETCH_FAILED) break;
    nanosleep(&ts, NULL);
  }
  return info->state;
}

/* Reads a whole body (polling while the worker is behind). */
static size_t read_all(wasp_port *p, uint32_t id, uint8_t *buf, size_t cap) {
  size_t total = 0;
  for (int i = 0; i < 2000; i++) {
    size_t n = 0;
    wasp_status s = p->fetch_read(p->user, id, buf + total, cap - total > 7 ? 7 : cap - total, &n);
    if (s == WASP_ERR_END_OF_STREAM) break;
    if (s == WASP_ERR_WOULD_BLOCK) {
      struct timespec ts = {0, 1000 * 1000};
      nanosleep(&ts, NULL);
      continue;
    }
    if (s != WASP_OK) return (size_t)-1;
    total += n;
  }
  return total;
}

/* Whether the rest of a fetch's body is exactly |want|. */
static int body_is(wasp_port *p, uint32_t id, const char *want) {
  uint8_t buf[4096];
  size_t len = read_all(p, id, buf, sizeof buf);
  return len == strlen(want) && memcmp(buf, want, len) == 0;
}

static int header_is(wasp_port *p, uint32_t id, const char *name, const char *want) {
  uint8_t value[256];
  size_t len = 0;
  if (p->fetch_header(p->user, id, name, strlen(name), value, sizeof value, &len) != WASP_OK) {
    return 0;
  }
  return len == strlen(want) && memcmp(value, want, len) == 0;
}

static uint32_t open_url(wasp_port *p, const char *url, uint64_t start, uint64_t end,
                         uint32_t timeout_ms) {
  wasp_fetch_request r;
  uint32_t id = 0;
  memset(&r, 0, sizeof r);
  r.range_start = start;
  r.range_end = end;
  r.method = WASP_METHOD_GET;
  r.timeout_ms = timeout_ms;
  CHECK_STATUS(p->fetch_open(p->user, &r, url, strlen(url), "X-Test: 1\n", 10, &id), WASP_OK);
  return id;
}

static void file_fetch(void) {
  static const char kBody[] = "#EXTM3U\n#EXT-X-VERSION:3\n";
  wasp_linux *d = device(NULL, NULL, NULL);
  wasp_port p;
  wasp_fetch_info info;
  wasp_host_event e;
  uint8_t buf[256];
  char url[700];
  uint32_t id;
  size_t len;
  if (d == NULL) return;
  wasp_linux_port(d, &p);
  write_bytes(path_in("list.m3u8"), kBody, strlen(kBody));
  snprintf(url, sizeof url, "file://%s", path_in("list.m3u8"));
  id = open_url(&p, url, 0, UINT64_MAX, 0);
  CHECK(p.poll_event(p.user, &e) == 1 && e.kind == WASP_EVENT_FETCH && e.fetch.handle == id &&
        e.fetch.state == WASP_FETCH_DONE);
  p.fetch_info(p.user, id, &info);
  CHECK(info.http_status == 200 && info.content_length == (int64_t)strlen(kBody));
  CHECK(header_is(&p, id, "Content-Type", "application/vnd.apple.mpegurl"));
  CHECK(body_is(&p, id, kBody));
  CHECK_STATUS(p.fetch_url(p.user, id, buf, sizeof buf, &len), WASP_OK);
  CHECK(len == strlen(url) && memcmp(buf, url, len) == 0);
  p.fetch_close(p.user, id);
  CHECK_STATUS(p.fetch_read(p.user, id, buf, sizeof buf, &len), WASP_ERR_BAD_HANDLE);
  /* A plain path, a range: 206 with Content-Range. */
  id = open_url(&p, path_in("list.m3u8"), 1, 6, 0);
  p.fetch_info(p.user, id, &info);
  CHECK(info.http_status == 206 && info.content_length == 6);
  CHECK(header_is(&p, id, "content-range", "bytes 1-6/25"));
  CHECK(body_is(&p, id, "EXTM3U"));
  p.fetch_close(p.user, id);
  /* Past the end: 416; missing: 404; both failed. */
  id = open_url(&p, path_in("list.m3u8"), 100, UINT64_MAX, 0);
  p.fetch_info(p.user, id, &info);
  CHECK(info.http_status == 416 && info.state == WASP_FETCH_FAILED);
  CHECK_STATUS(p.fetch_read(p.user, id, buf, sizeof buf, &len), WASP_ERR_HTTP_ERROR);
  p.fetch_close(p.user, id);
  id = open_url(&p, path_in("missing.ts"), 0, UINT64_MAX, 0);
  p.fetch_info(p.user, id, &info);
  CHECK(info.http_status == 404 && info.state == WASP_FETCH_FAILED);
  p.fetch_close(p.user, id);
  /* Hostile: unknown schemes, empty URLs, unknown ids. */
  {
    wasp_fetch_request r;
    memset(&r, 0, sizeof r);
    r.range_end = UINT64_MAX;
    CHECK_STATUS(p.fetch_open(p.user, &r, "gopher://x/", 11, NULL, 0, &id), WASP_ERR_UNSUPPORTED);
    CHECK_STATUS(p.fetch_open(p.user, &r, "", 0, NULL, 0, &id), WASP_ERR_INVALID_ARGUMENT);
    p.fetch_info(p.user, 9999, &info);
    CHECK(info.state == 0 && info.http_status == 0);
    p.fetch_close(p.user, 9999);
  }
  wasp_linux_free(d);
}

/* Local fetches confined to a folder: `..` and symbolic links do not lead out,
 * a URL with a NUL byte is refused. */
static void confined_files(void) {
  wasp_linux_config c;
  wasp_linux *d = NULL;
  wasp_port p;
  wasp_fetch_info info;
  char url[700];
  uint32_t id = 0;
  mkdir(path_in("root"), 0755); /* EEXIST on a second run: fine */
  write_bytes(path_in("root/inside.txt"), "in", 2);
  write_bytes(path_in("outside.txt"), "out", 3);
  unlink(path_in("root/link.txt"));
  CHECK(symlink(path_in("outside.txt"), path_in("root/link.txt")) == 0);
  memset(&c, 0, sizeof c);
  c.virtual_clock = 1;
  c.width = 4;
  c.height = 2;
  c.file_root = "/nonexistent/root";
  CHECK_STATUS(wasp_linux_new(&c, &d), WASP_ERR_IO);
  c.file_root = path_in("root");
  CHECK_STATUS(wasp_linux_new(&c, &d), WASP_OK);
  if (d == NULL) return;
  wasp_linux_port(d, &p);
  id = open_url(&p, path_in("root/inside.txt"), 0, UINT64_MAX, 0);
  p.fetch_info(p.user, id, &info);
  CHECK(info.http_status == 200 && body_is(&p, id, "in"));
  p.fetch_close(p.user, id);
  {
    static const char *const outside[] = {"root/../outside.txt", "root/link.txt", "outside.txt"};
    for (int i = 0; i < 3; i++) {
      snprintf(url, sizeof url, "file://%s", path_in(outside[i]));
      id = open_url(&p, url, 0, UINT64_MAX, 0);
      p.fetch_info(p.user, id, &info);
      CHECK(info.http_status == 404 && info.state == WASP_FETCH_FAILED);
      p.fetch_close(p.user, id);
    }
  }
  {
    wasp_fetch_request r;
    char with_nul[64];
    size_t n = (size_t)snprintf(with_nul, sizeof with_nul, "inside.txt");
    memset(&r, 0, sizeof r);
    r.range_end = UINT64_MAX;
    with_nul[4] = '\0';
    CHECK_STATUS(p.fetch_open(p.user, &r, with_nul, n, NULL, 0, &id), WASP_ERR_INVALID_ARGUMENT);
  }
  wasp_linux_free(d);
}

static void http_fetch(void) {
  wasp_linux *d = device(NULL, NULL, NULL);
  wasp_port p;
  wasp_fetch_info info;
  uint8_t buf[4096];
  char url[256];
  uint32_t id;
  size_t len;
  if (d == NULL) return;
  wasp_linux_port(d, &p);
#define URL(path) (snprintf(url, sizeof url, "http://127.0.0.1:%s%s", g_http_port, path), url)
  /* Content-Length body, the module's request header sent. */
  id = open_url(&p, URL("/hello"), 0, UINT64_MAX, 2000);
  CHECK(settle_fetch(&p, id, &info) == WASP_FETCH_DONE);
  CHECK(info.http_status == 200 && info.content_length == 24);
  CHECK(header_is(&p, id, "x-saw-test", "1"));
  CHECK(body_is(&p, id, "hello from the test host"));
  p.fetch_close(p.user, id);
  /* Chunked. */
  id = open_url(&p, URL("/chunked"), 0, UINT64_MAX, 2000);
  CHECK(settle_fetch(&p, id, &info) == WASP_FETCH_DONE);
  CHECK(info.content_length == -1);
  CHECK(body_is(&p, id, "hello world"));
  p.fetch_close(p.user, id);
  /* A range: the server answers 206. */
  id = open_url(&p, URL("/hello"), 6, 9, 2000);
  CHECK(settle_fetch(&p, id, &info) == WASP_FETCH_DONE);
  CHECK(info.http_status == 206);
  CHECK(body_is(&p, id, "from"));
  p.fetch_close(p.user, id);
  /* Redirects followed; the final URL reported. */
  id = open_url(&p, URL("/redirect/3"), 0, UINT64_MAX, 2000);
  CHECK(settle_fetch(&p, id, &info) == WASP_FETCH_DONE);
  CHECK_STATUS(p.fetch_url(p.user, id, buf, sizeof buf, &len), WASP_OK);
  URL("/hello");
  CHECK(len == strlen(url) && memcmp(buf, url, len) == 0);
  p.fetch_close(p.user, id);
  /* More than 5 redirects, a 404, a server that never answers: failed. */
  id = open_url(&p, URL("/redirect/6"), 0, UINT64_MAX, 2000);
  CHECK(settle_fetch(&p, id, &info) == WASP_FETCH_FAILED);
  p.fetch_close(p.user, id);
  id = open_url(&p, URL("/missing"), 0, UINT64_MAX, 2000);
  CHECK(settle_fetch(&p, id, &info) == WASP_FETCH_FAILED);
  CHECK(info.http_status == 404);
  CHECK_STATUS(p.fetch_read(p.user, id, buf, sizeof buf, &len), WASP_ERR_HTTP_ERROR);
  p.fetch_close(p.user, id);
  id = open_url(&p, URL("/silent"), 0, UINT64_MAX, 200);
  CHECK(settle_fetch(&p, id, &info) == WASP_FETCH_FAILED);
  CHECK(info.error == (uint32_t)-WASP_ERR_TIMEOUT);
  p.fetch_close(p.user, id);
  /* A body larger than the worker's buffer, closed half read: the worker stops. */
  id = open_url(&p, URL("/large"), 0, UINT64_MAX, 2000);
  len = 0;
  CHECK_STATUS(p.fetch_header(p.user, 12345, "a", 1, buf, sizeof buf, &len), WASP_ERR_BAD_HANDLE);
  p.fetch_close(p.user, id);
  wasp_linux_free(d);

  /* On the monotonic clock, a wait ends early when a fetch has news. */
  {
    wasp_linux_config c;
    int64_t start;
    memset(&c, 0, sizeof c);
    c.width = 4;
    c.height = 2;
    CHECK_STATUS(wasp_linux_new(&c, &d), WASP_OK);
    if (d == NULL) return;
    wasp_linux_port(d, &p);
    start = wasp_linux_now(d);
    id = open_url(&p, URL("/hello"), 0, UINT64_MAX, 2000);
    CHECK(wasp_linux_wait(d, start + 900000, 0) - start < 800000);
    CHECK(settle_fetch(&p, id, &info) == WASP_FETCH_DONE);
    CHECK(body_is(&p, id, "hello from the test host"));
    p.fetch_close(p.user, id);
    wasp_linux_free(d);
  }
#undef URL
}

static void display_on_a_file(void) {
  const char *fb = path_in("fb.rgb");
  wasp_linux *d;
  wasp_port p;
  uint8_t list[8] = {1, 0, 4, 0, 255, 0, 0, 255}; /* CLEAR opaque red */
  uint8_t picture[4 * 2 * 3];
  wasp_display_info info;
  unlink(fb);
  d = device(NULL, NULL, fb);
  if (d == NULL) return;
  wasp_linux_port(d, &p);
  p.display_info(p.user, &info);
  CHECK(info.width == 4 && info.height == 2 && info.format == 1);
  p.draw(p.user, list, sizeof list);
  p.present(p.user);
  {
    FILE *f = fopen(fb, "rb");
    CHECK(f != NULL && fread(picture, 1, sizeof picture, f) == sizeof picture);
    if (f) fclose(f);
  }
  for (int i = 0; i < 8; i++) {
    CHECK(picture[3 * i] == 255 && picture[3 * i + 1] == 0 && picture[3 * i + 2] == 0);
  }
  /* Images go to the rasteriser; hostile ones are refused there. */
  {
    wasp_image_desc desc = {1, 1, 4, 1};
    uint32_t id = 0;
    static const uint8_t px[4] = {0, 0, 255, 255};
    CHECK_STATUS(p.image_create(p.user, &desc, px, 4, &id), WASP_OK);
    desc.format = 16;
    CHECK_STATUS(p.image_create(p.user, &desc, px, 4, &id), WASP_ERR_INVALID_ARGUMENT);
  }
  wasp_linux_free(d);
}

/* DRM/KMS that cannot be set up (a regular file is no DRM device) falls back
 * to fbdev; without an fbdev to fall back to, the device does not open. */
static void drm_falls_back_to_fbdev(void) {
  wasp_linux_config c;
  wasp_linux *d = NULL;
  wasp_port p;
  wasp_display_info info;
  memset(&c, 0, sizeof c);
  c.virtual_clock = 1;
  c.drm_path = "/nonexistent/dri/card0";
  CHECK_STATUS(wasp_linux_new(&c, &d), WASP_ERR_IO);
  write_bytes(path_in("not-a-card"), "x", 1);
  c.drm_path = path_in("not-a-card");
  CHECK_STATUS(wasp_linux_new(&c, &d), WASP_ERR_IO);
  c.fbdev_path = path_in("fallback.rgb");
  CHECK_STATUS(wasp_linux_new(&c, &d), WASP_OK);
  if (d == NULL) return;
  wasp_linux_port(d, &p);
  p.display_info(p.user, &info);
  CHECK(info.width == 1280 && info.height == 720); /* a file has no size: 720p */
  p.present(p.user);
  wasp_linux_free(d);
  {
    FILE *f = fopen(path_in("fallback.rgb"), "rb");
    long size = -1;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0) size = ftell(f);
    if (f != NULL) fclose(f);
    CHECK(size == 1280L * 720 * 3);
  }
}

static void hostile(void) {
  wasp_linux_config c;
  wasp_linux *d = NULL;
  wasp_port p;
  wasp_decoder_stats stats;
  wasp_decoder_config dc;
  wasp_sample_info s;
  uint32_t id = 0;
  CHECK_STATUS(wasp_linux_new(NULL, &d), WASP_ERR_INVALID_ARGUMENT);
  memset(&c, 0, sizeof c);
  CHECK_STATUS(wasp_linux_new(&c, NULL), WASP_ERR_INVALID_ARGUMENT);
  c.width = 9000;
  CHECK_STATUS(wasp_linux_new(&c, &d), WASP_ERR_INVALID_ARGUMENT);
  c.width = 0;
  c.evdev_path = "/nonexistent/event0";
  CHECK_STATUS(wasp_linux_new(&c, &d), WASP_ERR_IO);
  c.evdev_path = NULL;
  c.alsa_device = "no-such-pcm"; /* unknown to ALSA, or no ALSA in this build */
  CHECK_STATUS(wasp_linux_new(&c, &d), WASP_ERR_IO);
  c.alsa_device = NULL;
  c.v4l2_path = "/dev/null";
  c.kv_path = "/nonexistent-dir/kv";
  c.virtual_clock = 1;
  /* A store whose directory is missing opens empty; writing it fails. */
  CHECK_STATUS(wasp_linux_new(&c, &d), WASP_OK);
  if (d == NULL) return;
  wasp_linux_port(d, &p);
  CHECK_STATUS(p.kv_set(p.user, (const uint8_t *)"k", 1, (const uint8_t *)"v", 1), WASP_ERR_IO);
  CHECK_STATUS(p.kv_get(p.user, (const uint8_t *)"k", 1, NULL, 0, &(size_t){0}),
               WASP_ERR_NOT_FOUND);
  memset(&dc, 0, sizeof dc);
  dc.codec = 99;
  CHECK_STATUS(p.decoder_open(p.user, &dc, NULL, 0, &id), WASP_ERR_UNSUPPORTED);
  memset(&s, 0, sizeof s);
  CHECK_STATUS(p.decoder_submit(p.user, 77, &s, NULL, 0, NULL, NULL, 0), WASP_ERR_BAD_HANDLE);
  p.decoder_info(p.user, 77, &stats);
  CHECK(stats.kind == 0 && stats.queued_units == 0);
  p.decoder_flush(p.user, 77);
  p.decoder_close(p.user, 77);
  /* A decoder opened and fed garbage: counted corrupt, never a crash. The
   * device's V4L2 decoder is /dev/null: no decoder there, software it is. */
  dc.codec = 1; /* H.264 */
  CHECK_STATUS(p.decoder_open(p.user, &dc, NULL, 0, &id), WASP_OK);
  {
    uint8_t junk[64];
    wasp_slice piece = {junk, sizeof junk};
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (uint8_t)(i * 37);
    s.duration_us = 40000;
    for (int i = 0; i < 20; i++) {
      s.pts_us = s.dts_us = i * 40000;
      CHECK_STATUS(p.decoder_submit(p.user, id, &s, &piece, 1, NULL, NULL, 0), WASP_OK);
    }
    p.decoder_info(p.user, id, &stats);
    CHECK(stats.kind == 1 && stats.decoded == 0);
  }
  p.decoder_close(p.user, id);
  wasp_linux_free(d);
  wasp_linux_free(NULL);
}

int main(int argc, char **argv) {
  if (argc != 3 || strlen(argv[1]) >= sizeof g_dir) return 2;
  strcpy(g_dir, argv[1]);
  g_http_port = argv[2];
  virtual_clock();
  key_value_store();
  evdev_input();
  file_fetch();
  confined_files();
  http_fetch();
  display_on_a_file();
  drm_falls_back_to_fbdev();
  hostile();
  printf("port: failures %d\n", failures);
  return failures == 0 ? 0 : 1;
}
