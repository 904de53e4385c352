/*
 * Fetch: local files (`file://` URLs and plain paths), read on demand, and
 * HTTP/1.1 over sockets (http.c) on a worker thread per fetch, so no callback
 * blocks. Progress events are queued on the device's thread (fetch_pump).
 * Statuses as on the emulator (shims/emulator/src/fetch.rs): a missing file is
 * 404, a range is 206 with Content-Range, a range past the end 416.
 */
#define _DEFAULT_SOURCE /* realpath */
/* 64-bit file offsets on 32-bit targets (armv7): large files, DRM map offsets. */
#define _FILE_OFFSET_BITS 64

#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fetch.h"

#define RANGE_TO_END UINT64_MAX

static const char *content_type(const char *path) {
  const char *dot = strrchr(path, '.');
  static const char *const kTypes[][2] = {
      {"m3u8", "application/vnd.apple.mpegurl"}, {"mpd", "application/dash+xml"},
      {"ts", "video/mp2t"},   {"mp4", "video/mp4"}, {"m4s", "video/mp4"},
      {"m4v", "video/mp4"},   {"m4a", "audio/mp4"}, {"aac", "audio/aac"},
      {"mp3", "audio/mpeg"},  {"vtt", "text/vtt"},  {"json", "application/json"},
  };
  if (dot != NULL) {
    for (size_t i = 0; i < sizeof kTypes / sizeof kTypes[0]; i++) {
      if (strcmp(dot + 1, kTypes[i][0]) == 0) return kTypes[i][1];
    }
  }
  return "application/octet-stream";
}

static fetch *find(wasp_linux *d, uint32_t id) {
  for (int i = 0; i < MAX_FETCHES; i++) {
    if (d->fetches[i] != NULL && d->fetches[i]->id == id) return d->fetches[i];
  }
  return NULL;
}

void fetch_add_header(fetch *f, const char *name, const char *value) {
  size_t n = strlen(name), v = strlen(value);
  if (f->headers_len + n + v + 3 > sizeof f->headers) return;
  memcpy(f->headers + f->headers_len, name, n);
  f->headers[f->headers_len + n] = ':';
  memcpy(f->headers + f->headers_len + n + 1, value, v);
  f->headers[f->headers_len + n + 1 + v] = '\n';
  f->headers_len += n + v + 2;
}

/* Whether |path| resolves inside |root| (both resolved: no `..`, no symbolic
 * link leads out). */
static int inside(const char *root, const char *path) {
  char *real = realpath(path, NULL);
  size_t n = strlen(root);
  int ok = real != NULL && strncmp(real, root, n) == 0 &&
           (real[n] == '/' || real[n] == '\0' || (n == 1 && root[0] == '/'));
  free(real);
  return ok;
}

static void open_file(wasp_linux *d, fetch *f, const wasp_fetch_request *request,
                      const char *path) {
  struct stat st;
  uint64_t total, start = 0, end;
  char text[96];
  f->is_file = 1;
  if (d->file_root != NULL && !inside(d->file_root, path)) {
    /* Outside the confined folder: as if it did not exist. */
    f->status = 404;
    f->state = WASP_FETCH_FAILED;
    f->error = WASP_ERR_HTTP_ERROR;
    return;
  }
  f->fd = open(path, O_RDONLY | O_CLOEXEC);
  if (f->fd < 0 || fstat(f->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    f->status = 404;
    f->state = WASP_FETCH_FAILED;
    f->error = WASP_ERR_HTTP_ERROR;
    return;
  }
  total = (uint64_t)st.st_size;
  end = total;
  f->status = 200;
  if (request->range_start != 0 || request->range_end != RANGE_TO_END) {
    start = request->range_start;
    if (request->range_end != RANGE_TO_END && request->range_end < total) {
      end = request->range_end + 1;
    }
    f->status = 206;
    if (start >= total || start >= end) {
      f->status = 416;
      f->state = WASP_FETCH_FAILED;
      f->error = WASP_ERR_HTTP_ERROR;
      return;
    }
  }
  f->start = start;
  f->length = request->method == WASP_METHOD_HEAD ? 0 : end - start;
  f->received = f->length;
  f->state = WASP_FETCH_DONE;
  snprintf(text, sizeof text, "%" PRIu64, f->length);
  fetch_add_header(f, "content-length", text);
  fetch_add_header(f, "content-type", content_type(path));
  if (f->status == 206) {
    snprintf(text, sizeof text, "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, start,
             end - 1, total);
    fetch_add_header(f, "content-range", text);
  }
}

static void push_event(wasp_linux *d, fetch *f) {
  wasp_host_event e;
  memset(&e, 0, sizeof e);
  e.kind = WASP_EVENT_FETCH;
  e.fetch.handle = f->id;
  e.fetch.state = f->state;
  if (dev_push_event(d, &e)) f->reported_state = f->state;
}

wasp_status fetch_open(void *user, const wasp_fetch_request *request, const char *url,
                       size_t url_len, const char *headers, size_t headers_len,
                       uint32_t *out_id) {
  wasp_linux *d = (wasp_linux *)user;
  fetch *f;
  int slot = -1;
  const char *path;
  for (int i = 0; i < MAX_FETCHES; i++) {
    if (d->fetches[i] == NULL) {
      slot = i;
      break;
    }
  }
  if (slot < 0) return WASP_ERR_TOO_MANY_HANDLES;
  if (url_len == 0 || url_len >= MAX_URL || memchr(url, '\0', url_len) != NULL) {
    return WASP_ERR_INVALID_ARGUMENT;
  }
  f = (fetch *)calloc(1, sizeof *f);
  if (f == NULL) return WASP_ERR_BUDGET_EXCEEDED;
  f->fd = -1;
  memcpy(f->url, url, url_len);
  f->url[url_len] = '\0';
  memcpy(f->final_url, f->url, url_len + 1);
  f->reported_state = UINT32_MAX;
  f->content_length = -1;
  if (strncmp(f->url, "file://", 7) == 0) {
    path = f->url + 7;
  } else if (strstr(f->url, "://") == NULL) {
    path = f->url;
  } else {
    path = NULL;
  }
  if (path != NULL) {
    open_file(d, f, request, path);
    f->content_length = f->state == WASP_FETCH_DONE ? (int64_t)f->length : -1;
  } else if (strncmp(f->url, "http://", 7) == 0) {
    wasp_status s = http_start(f, request, headers, headers_len, d->wake_fd);
    if (s != WASP_OK) {
      free(f);
      return s;
    }
  } else {
    free(f);
    return WASP_ERR_UNSUPPORTED;
  }
  f->id = dev_new_id(d);
  d->fetches[slot] = f;
  push_event(d, f);
  *out_id = f->id;
  return WASP_OK;
}

void fetch_pump(wasp_linux *d) {
  for (int i = 0; i < MAX_FETCHES; i++) {
    fetch *f = d->fetches[i];
    if (f == NULL || f->is_file) continue;
    http_sync(f);
    if (f->state != f->reported_state) push_event(d, f);
  }
}

void fetch_info(void *user, uint32_t id, wasp_fetch_info *out) {
  wasp_linux *d = (wasp_linux *)user;
  fetch *f = find(d, id);
  memset(out, 0, sizeof *out);
  if (f == NULL) return;
  if (!f->is_file) http_sync(f);
  out->content_length = f->content_length;
  out->received = f->received;
  out->consumed = f->consumed;
  out->state = f->state;
  out->http_status = f->status;
  out->error = (uint32_t)(-f->error);
  out->first_byte_us = f->first_byte_us;
}

wasp_status fetch_read(void *user, uint32_t id, uint8_t *buf, size_t cap,
                       size_t *out_len) {
  wasp_linux *d = (wasp_linux *)user;
  fetch *f = find(d, id);
  if (f == NULL) return WASP_ERR_BAD_HANDLE;
  if (!f->is_file) return http_read(f, buf, cap, out_len);
  if (f->error != 0) return f->error;
  if (f->consumed == f->length) return WASP_ERR_END_OF_STREAM;
  {
    uint64_t left = f->length - f->consumed;
    size_t n = left < cap ? (size_t)left : cap;
    ssize_t got = pread(f->fd, buf, n, (off_t)(f->start + f->consumed));
    if (got <= 0) {
      f->error = WASP_ERR_IO;
      return WASP_ERR_IO;
    }
    f->consumed += (uint64_t)got;
    *out_len = (size_t)got;
  }
  return WASP_OK;
}

wasp_status fetch_header(void *user, uint32_t id, const char *name, size_t name_len,
                         uint8_t *out, size_t cap, size_t *out_len) {
  wasp_linux *d = (wasp_linux *)user;
  fetch *f = find(d, id);
  const char *line;
  if (f == NULL) return WASP_ERR_BAD_HANDLE;
  if (!f->is_file) http_sync(f);
  if (f->state == WASP_FETCH_PENDING) return WASP_ERR_WOULD_BLOCK;
  line = f->headers;
  while (line < f->headers + f->headers_len) {
    const char *end = memchr(line, '\n', (size_t)(f->headers + f->headers_len - line));
    const char *colon = memchr(line, ':', end ? (size_t)(end - line) : 0);
    if (end == NULL) break;
    if (colon != NULL && (size_t)(colon - line) == name_len &&
        strncasecmp(line, name, name_len) == 0) {
      size_t len = (size_t)(end - colon - 1);
      *out_len = len;
      if (len <= cap && len > 0) memcpy(out, colon + 1, len);
      return WASP_OK;
    }
    line = end + 1;
  }
  return WASP_ERR_NOT_FOUND;
}

wasp_status fetch_url(void *user, uint32_t id, uint8_t *out, size_t cap,
                      size_t *out_len) {
  wasp_linux *d = (wasp_linux *)user;
  fetch *f = find(d, id);
  size_t len;
  if (f == NULL) return WASP_ERR_BAD_HANDLE;
  if (!f->is_file) http_sync(f);
  len = strlen(f->final_url);
  *out_len = len;
  if (len <= cap) memcpy(out, f->final_url, len);
  return WASP_OK;
}

static void fetch_destroy(fetch *f) {
  if (!f->is_file) http_stop(f);
  if (f->fd >= 0) close(f->fd);
  free(f);
}

void fetch_close(void *user, uint32_t id) {
  wasp_linux *d = (wasp_linux *)user;
  for (int i = 0; i < MAX_FETCHES; i++) {
    if (d->fetches[i] != NULL && d->fetches[i]->id == id) {
      fetch_destroy(d->fetches[i]);
      d->fetches[i] = NULL;
    }
  }
}

void fetch_free_all(wasp_linux *d) {
  for (int i = 0; i < MAX_FETCHES; i++) {
    if (d->fetches[i] != NULL) fetch_destroy(d->fetches[i]);
    d->fetches[i] = NULL;
  }
}
