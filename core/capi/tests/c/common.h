/* Shared helpers for the C test programs: a CHECK macro and a small port. */
#ifndef WASP_TEST_COMMON_H_
#define WASP_TEST_COMMON_H_

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasp.h"

static int failures = 0;

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,     \
              #cond);                                                      \
      failures++;                                                          \
    }                                                                      \
  } while (0)

/* Prints the runtime's last error (for failure messages). */
#define PRINT_LAST_ERROR(rt)                                               \
  do {                                                                     \
    char text_[512];                                                       \
    size_t len_ = 0;                                                       \
    if (wasp_runtime_last_error((rt), text_, sizeof text_, &len_) ==       \
        WASP_OK) {                                                         \
      fprintf(stderr, "last error: %s\n", text_);                          \
    }                                                                      \
  } while (0)

#define CHECK_STATUS(expr, want)                                           \
  do {                                                                     \
    wasp_status got_ = (expr);                                             \
    if (got_ != (want)) {                                                  \
      fprintf(stderr, "%s:%d: %s = %d (%s), want %d (%s)\n", __FILE__,     \
              __LINE__, #expr, (int)got_, wasp_status_name(got_),          \
              (int)(want), wasp_status_name(want));                        \
      failures++;                                                          \
    }                                                                      \
  } while (0)

/* The in-memory file the port serves. */
static const char kFileUrl[] = "mem://hello.txt";
static const char kFile[] = "wasp over C\nsecond line\n";

typedef struct test_port {
  int64_t now_us;
  int fetch_open; /* 1 while the fetch is open */
  size_t fetch_pos;
  int lie_about_length; /* fetch_read reports more bytes than the buffer holds */
  uint32_t states[32];
  uint32_t reasons[32];
  size_t state_count;
  char logs[64][160];
  size_t log_count;
  unsigned reports;
} test_port;

static inline int64_t tp_now(void *user) { return ((test_port *)user)->now_us; }

static inline void tp_log(void *user, uint32_t level, const char *line, size_t len) {
  test_port *p = (test_port *)user;
  printf("log[%u] %.*s\n", (unsigned)level, (int)len, line);
  if (p->log_count < 64) {
    size_t n = len < 159 ? len : 159;
    memcpy(p->logs[p->log_count], line, n);
    p->logs[p->log_count][n] = '\0';
    p->log_count++;
  }
}

static inline void tp_state(void *user, uint32_t state, uint32_t reason) {
  test_port *p = (test_port *)user;
  printf("state %u reason %u\n", (unsigned)state, (unsigned)reason);
  if (p->state_count < 32) {
    p->states[p->state_count] = state;
    p->reasons[p->state_count] = reason;
    p->state_count++;
  }
}

static inline void tp_report(void *user, uint32_t kind, const uint8_t *payload,
                      size_t len) {
  (void)kind;
  (void)payload;
  (void)len;
  ((test_port *)user)->reports++;
}

static inline void tp_display(void *user, wasp_display_info *out) {
  (void)user;
  memset(out, 0, sizeof *out);
  out->width = 1280;
  out->height = 720;
  out->refresh_millihz = 60000;
  out->format = 1; /* Rgba8888Premul */
}

static inline wasp_status tp_fetch_open(void *user, const wasp_fetch_request *request,
                                 const char *url, size_t url_len,
                                 const char *headers, size_t headers_len,
                                 uint32_t *out_id) {
  test_port *p = (test_port *)user;
  (void)request;
  (void)headers;
  (void)headers_len;
  if (url_len != strlen(kFileUrl) || memcmp(url, kFileUrl, url_len) != 0) {
    return WASP_ERR_NOT_FOUND;
  }
  p->fetch_open = 1;
  p->fetch_pos = 0;
  *out_id = 7;
  return WASP_OK;
}

static inline void tp_fetch_info(void *user, uint32_t id, wasp_fetch_info *out) {
  test_port *p = (test_port *)user;
  (void)id;
  memset(out, 0, sizeof *out);
  out->content_length = (int64_t)strlen(kFile);
  out->received = strlen(kFile);
  out->consumed = p->fetch_pos;
  out->state = WASP_FETCH_DONE;
  out->http_status = 200;
}

static inline wasp_status tp_fetch_read(void *user, uint32_t id, uint8_t *buf,
                                 size_t cap, size_t *out_len) {
  test_port *p = (test_port *)user;
  size_t left = strlen(kFile) - p->fetch_pos;
  size_t n = left < cap ? left : cap;
  if (id != 7 || !p->fetch_open) return WASP_ERR_BAD_HANDLE;
  if (left == 0) return WASP_ERR_END_OF_STREAM;
  memcpy(buf, kFile + p->fetch_pos, n);
  p->fetch_pos += n;
  *out_len = p->lie_about_length ? cap + 1 : n;
  return WASP_OK;
}

static inline void tp_fetch_close(void *user, uint32_t id) {
  (void)id;
  ((test_port *)user)->fetch_open = 0;
}

static inline uint64_t tp_features(void *user) {
  (void)user;
  return WASP_FEATURE_GRAPHICS | WASP_FEATURE_FETCH | WASP_FEATURE_INPUT;
}

static inline wasp_port make_port(test_port *p) {
  wasp_port port;
  memset(&port, 0, sizeof port);
  port.struct_size = sizeof port;
  port.version = WASP_PORT_VERSION_MAJOR;
  port.user = p;
  port.now_us = tp_now;
  port.log = tp_log;
  port.on_state = tp_state;
  port.on_report = tp_report;
  port.display_info = tp_display;
  port.fetch_open = tp_fetch_open;
  port.fetch_info = tp_fetch_info;
  port.fetch_read = tp_fetch_read;
  port.fetch_close = tp_fetch_close;
  port.features = tp_features;
  return port;
}

/* Reads a whole file; NULL on failure. */
static inline uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  long size;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 &&
      fseek(f, 0, SEEK_SET) == 0) {
    buf = (uint8_t *)malloc((size_t)size);
    if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
      free(buf);
      buf = NULL;
    }
    *len = (size_t)size;
  }
  fclose(f);
  return buf;
}

/* Ticks at 20 ms steps until the state is `want` or `max` ticks passed. */
static inline int tick_until(wasp_runtime *rt, test_port *p, uint32_t want, int max) {
  for (int i = 0; i < max; i++) {
    uint32_t state = 99, reason = 99;
    int64_t next = 0;
    p->now_us += 20000;
    if (wasp_runtime_tick(rt, p->now_us, &next) != WASP_OK) return 0;
    if (wasp_runtime_state(rt, &state, &reason) != WASP_OK) return 0;
    if (state == want) return 1;
  }
  return 0;
}

static inline int logged(const test_port *p, const char *line) {
  for (size_t i = 0; i < p->log_count; i++) {
    if (strstr(p->logs[i], line) != NULL) return 1;
  }
  return 0;
}

#endif /* WASP_TEST_COMMON_H_ */
