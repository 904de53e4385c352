/* A fetch, shared by fetch.c (files, the callbacks) and http.c (HTTP/1.1). */
#ifndef WASP_LINUX_FETCH_H_
#define WASP_LINUX_FETCH_H_

#include <pthread.h>

#include "internal.h"

#define MAX_URL 2048
#define MAX_HEADERS 4096
/* Body bytes an HTTP fetch holds before the worker waits for reads. */
#define HTTP_BUFFER (4u << 20)

typedef struct fetch {
  uint32_t id;
  int is_file;
  char url[MAX_URL];
  char final_url[MAX_URL];
  /* Response headers as `name:value\n` lines (names as received). */
  char headers[MAX_HEADERS];
  size_t headers_len;
  uint32_t state, reported_state, status, first_byte_us;
  wasp_status error;
  int64_t content_length;
  uint64_t received, consumed;
  /* file */
  int fd;
  uint64_t start, length;
  /* http: the worker fills `body` under `lock`; the device thread copies the
   * shared fields into the ones above in http_sync. */
  struct http *http;
} fetch;

void fetch_add_header(fetch *f, const char *name, const char *value);

/* http.c */
/* Starts the worker; it writes to |wake_fd| (an eventfd) when it has news. */
wasp_status http_start(fetch *f, const wasp_fetch_request *request,
                       const char *headers, size_t headers_len, int wake_fd);
void http_sync(fetch *f);
wasp_status http_read(fetch *f, uint8_t *buf, size_t cap, size_t *out_len);
void http_stop(fetch *f);

#endif /* WASP_LINUX_FETCH_H_ */
