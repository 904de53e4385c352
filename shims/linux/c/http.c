/*
 * HTTP/1.1 over sockets (RFC 9112), one worker thread per fetch: GET or HEAD,
 * Range (RFC 9110 §14.2), bodies framed by Content-Length, chunked transfer
 * coding (RFC 9112 §7.1) or the connection's end, redirects (301, 302, 303, 307,
 * 308) followed up to 5 times, a timeout on connect and on every read. The
 * worker appends the body to a bounded buffer (HTTP_BUFFER) and waits while it is
 * full; the device thread takes bytes out in http_read. `https://` is not
 * handled here (a TLS library is the device's choice): such URLs are refused.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"

#define MAX_REDIRECTS 5
#define RANGE_TO_END UINT64_MAX

typedef struct http {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t room;
  int stop;
  /* request */
  char extra[MAX_HEADERS];
  uint64_t range_start, range_end;
  uint32_t method, timeout_ms;
  /* shared with the device thread, under `lock` */
  uint8_t *body;
  size_t body_len, body_cap;
  uint32_t state, status, first_byte_us;
  wasp_status error;
  int64_t content_length;
  uint64_t received;
  char headers[MAX_HEADERS];
  size_t headers_len;
  char final_url[MAX_URL];
  int64_t started_us;
  int wake_fd;
} http;

/* Wakes the device's loop (its wait polls the eventfd). */
static void wake(http *h) {
  uint64_t one = 1;
  if (h->wake_fd >= 0 && write(h->wake_fd, &one, sizeof one) < 0) {
    /* The counter is saturated: the loop is awake already. */
  }
}

static int64_t monotonic_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A buffered connection. */
typedef struct conn {
  int fd;
  uint8_t buf[16384];
  size_t pos, len;
} conn;

static int conn_fill(conn *c) {
  ssize_t n;
  if (c->pos < c->len) return 1;
  do {
    n = recv(c->fd, c->buf, sizeof c->buf, 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return 0;
  c->pos = 0;
  c->len = (size_t)n;
  return 1;
}

/* One line without CRLF into |out| (NUL-terminated); 0 at end or overflow. */
static int conn_line(conn *c, char *out, size_t cap) {
  size_t n = 0;
  for (;;) {
    uint8_t ch;
    if (!conn_fill(c)) return 0;
    ch = c->buf[c->pos++];
    if (ch == '\n') break;
    if (n + 1 >= cap) return 0;
    out[n++] = (char)ch;
  }
  if (n > 0 && out[n - 1] == '\r') n--;
  out[n] = '\0';
  return 1;
}

static void set_failed(http *h, wasp_status error) {
  pthread_mutex_lock(&h->lock);
  h->state = WASP_FETCH_FAILED;
  h->error = error;
  pthread_mutex_unlock(&h->lock);
  wake(h);
}

/* Appends body bytes, waiting while the buffer is full; 0 when stopped. */
static int deliver(http *h, const uint8_t *data, size_t len) {
  pthread_mutex_lock(&h->lock);
  while (len > 0 && !h->stop) {
    size_t room, n;
    while (h->body_len >= HTTP_BUFFER && !h->stop) pthread_cond_wait(&h->room, &h->lock);
    if (h->stop) break;
    if (h->body_cap < HTTP_BUFFER) {
      uint8_t *grown = (uint8_t *)realloc(h->body, HTTP_BUFFER);
      if (grown == NULL) {
        h->stop = 1;
        h->error = WASP_ERR_BUDGET_EXCEEDED;
        break;
      }
      h->body = grown;
      h->body_cap = HTTP_BUFFER;
    }
    room = HTTP_BUFFER - h->body_len;
    n = len < room ? len : room;
    memcpy(h->body + h->body_len, data, n);
    h->body_len += n;
    h->received += n;
    data += n;
    len -= n;
    if (h->state == WASP_FETCH_PENDING) {
      h->state = WASP_FETCH_RECEIVING;
      h->first_byte_us = (uint32_t)(monotonic_us() - h->started_us);
    }
  }
  pthread_mutex_unlock(&h->lock);
  wake(h);
  return !h->stop;
}

static int parse_url(const char *url, char *host, size_t host_cap, char *port,
                     const char **path) {
  const char *p = url + 7, *slash, *colon;
  size_t n;
  if (strncmp(url, "http://", 7) != 0) return 0;
  slash = strchr(p, '/');
  if (slash == NULL) slash = p + strlen(p);
  colon = memchr(p, ':', (size_t)(slash - p));
  n = (size_t)((colon ? colon : slash) - p);
  if (n == 0 || n >= host_cap) return 0;
  memcpy(host, p, n);
  host[n] = '\0';
  if (colon) {
    size_t pn = (size_t)(slash - colon - 1);
    if (pn == 0 || pn > 5) return 0;
    memcpy(port, colon + 1, pn);
    port[pn] = '\0';
  } else {
    strcpy(port, "80");
  }
  *path = *slash ? slash : "/";
  return 1;
}

static int dial(const char *host, const char *port, uint32_t timeout_ms) {
  struct addrinfo hints, *res = NULL, *ai;
  struct timeval tv;
  int fd = -1;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, port, &hints, &res) != 0) return -1;
  tv.tv_sec = timeout_ms / 1000;
  tv.tv_usec = (timeout_ms % 1000) * 1000;
  for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) continue;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  return fd;
}

static int send_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
    if (n <= 0) return 0;
    data += n;
    len -= (size_t)n;
  }
  return 1;
}

/* Reads |len| body bytes (or to the end when |to_end|). */
static int body_bytes(http *h, conn *c, uint64_t len, int to_end) {
  while (to_end || len > 0) {
    size_t n;
    if (!conn_fill(c)) return to_end;
    n = c->len - c->pos;
    if (!to_end && n > len) n = (size_t)len;
    if (!deliver(h, c->buf + c->pos, n)) return 0;
    c->pos += n;
    len -= to_end ? 0 : n;
  }
  return 1;
}

static int body_chunked(http *h, conn *c) {
  char line[128];
  for (;;) {
    char *end;
    unsigned long long size;
    if (!conn_line(c, line, sizeof line)) return 0;
    size = strtoull(line, &end, 16);
    if (end == line) return 0;
    if (size == 0) {
      while (conn_line(c, line, sizeof line) && line[0] != '\0') {
      }
      return 1;
    }
    if (!body_bytes(h, c, size, 0) || !conn_line(c, line, sizeof line)) return 0;
  }
}

/* Resolves a Location against the current URL (absolute, or an absolute path). */
static int follow(char *url, const char *location) {
  char next[MAX_URL];
  if (strncmp(location, "http://", 7) == 0) {
    if (strlen(location) >= MAX_URL) return 0;
    strcpy(next, location);
  } else if (location[0] == '/') {
    const char *host_end = strchr(url + 7, '/');
    size_t n = host_end ? (size_t)(host_end - url) : strlen(url);
    if (n + strlen(location) >= MAX_URL) return 0;
    memcpy(next, url, n);
    strcpy(next + n, location);
  } else {
    return 0;
  }
  strcpy(url, next);
  return 1;
}

static void *worker(void *arg) {
  fetch *f = (fetch *)arg;
  http *h = f->http;
  char url[MAX_URL];
  strcpy(url, f->url);
  for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
    char host[256], port[8], request[MAX_URL + MAX_HEADERS + 256], line[MAX_HEADERS];
    char location[MAX_URL] = "";
    const char *path;
    conn c;
    int chunked = 0, status;
    int64_t length = -1;
    size_t n;
    if (!parse_url(url, host, sizeof host, port, &path)) {
      set_failed(h, WASP_ERR_INVALID_ARGUMENT);
      return NULL;
    }
    c.fd = dial(host, port, h->timeout_ms);
    c.pos = c.len = 0;
    if (c.fd < 0) {
      set_failed(h, WASP_ERR_IO);
      return NULL;
    }
    n = (size_t)snprintf(request, sizeof request,
                         "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n",
                         h->method == WASP_METHOD_HEAD ? "HEAD" : "GET", path, host);
    if (h->range_start != 0 || h->range_end != RANGE_TO_END) {
      if (h->range_end == RANGE_TO_END) {
        n += (size_t)snprintf(request + n, sizeof request - n, "Range: bytes=%llu-\r\n",
                              (unsigned long long)h->range_start);
      } else {
        n += (size_t)snprintf(request + n, sizeof request - n, "Range: bytes=%llu-%llu\r\n",
                              (unsigned long long)h->range_start,
                              (unsigned long long)h->range_end);
      }
    }
    n += (size_t)snprintf(request + n, sizeof request - n, "%s\r\n", h->extra);
    if (n >= sizeof request || !send_all(c.fd, request, n) ||
        !conn_line(&c, line, sizeof line) || sscanf(line, "HTTP/1.%*d %d", &status) != 1) {
      close(c.fd);
      set_failed(h, errno == EAGAIN || errno == EWOULDBLOCK ? WASP_ERR_TIMEOUT : WASP_ERR_IO);
      return NULL;
    }
    pthread_mutex_lock(&h->lock);
    h->headers_len = 0;
    pthread_mutex_unlock(&h->lock);
    while (conn_line(&c, line, sizeof line) && line[0] != '\0') {
      char *colon = strchr(line, ':');
      char *value;
      size_t nl, vl;
      if (colon == NULL) continue;
      *colon = '\0';
      value = colon + 1;
      while (*value == ' ' || *value == '\t') value++;
      if (strcasecmp(line, "content-length") == 0) length = strtoll(value, NULL, 10);
      if (strcasecmp(line, "transfer-encoding") == 0 && strstr(value, "chunked")) chunked = 1;
      if (strcasecmp(line, "location") == 0 && strlen(value) < sizeof location) {
        strcpy(location, value);
      }
      nl = strlen(line);
      vl = strlen(value);
      pthread_mutex_lock(&h->lock);
      if (h->headers_len + nl + vl + 2 <= sizeof h->headers) {
        memcpy(h->headers + h->headers_len, line, nl);
        h->headers[h->headers_len + nl] = ':';
        memcpy(h->headers + h->headers_len + nl + 1, value, vl);
        h->headers[h->headers_len + nl + 1 + vl] = '\n';
        h->headers_len += nl + vl + 2;
      }
      pthread_mutex_unlock(&h->lock);
    }
    if ((status == 301 || status == 302 || status == 303 || status == 307 ||
         status == 308) && location[0] != '\0') {
      close(c.fd);
      if (hop == MAX_REDIRECTS || !follow(url, location)) {
        set_failed(h, WASP_ERR_HTTP_ERROR);
        return NULL;
      }
      continue;
    }
    pthread_mutex_lock(&h->lock);
    h->status = (uint32_t)status;
    h->content_length = chunked ? -1 : length;
    strcpy(h->final_url, url);
    pthread_mutex_unlock(&h->lock);
    if (status < 200 || status > 299) {
      close(c.fd);
      set_failed(h, WASP_ERR_HTTP_ERROR);
      return NULL;
    }
    {
      int ok = h->method == WASP_METHOD_HEAD ? 1
               : chunked                     ? body_chunked(h, &c)
               : length >= 0                 ? body_bytes(h, &c, (uint64_t)length, 0)
                                             : body_bytes(h, &c, 0, 1);
      close(c.fd);
      pthread_mutex_lock(&h->lock);
      if (ok && !h->stop) {
        h->state = WASP_FETCH_DONE;
      } else if (!h->stop) {
        h->state = WASP_FETCH_FAILED;
        h->error = errno == EAGAIN || errno == EWOULDBLOCK ? WASP_ERR_TIMEOUT : WASP_ERR_IO;
      }
      pthread_mutex_unlock(&h->lock);
      wake(h);
    }
    return NULL;
  }
  return NULL;
}

wasp_status http_start(fetch *f, const wasp_fetch_request *request,
                       const char *headers, size_t headers_len, int wake_fd) {
  http *h = (http *)calloc(1, sizeof *h);
  size_t n = 0;
  if (h == NULL) return WASP_ERR_BUDGET_EXCEEDED;
  /* The module's request headers, `Name: value` lines, sent CRLF-terminated;
   * a line with CR or an empty name is not sent. */
  for (size_t i = 0; i < headers_len && n + 3 < sizeof h->extra;) {
    const char *nl = memchr(headers + i, '\n', headers_len - i);
    size_t len = nl ? (size_t)(nl - headers - i) : headers_len - i;
    if (len > 0 && memchr(headers + i, '\r', len) == NULL && headers[i] != ':' &&
        n + len + 2 < sizeof h->extra) {
      memcpy(h->extra + n, headers + i, len);
      n += len;
      h->extra[n++] = '\r';
      h->extra[n++] = '\n';
    }
    i += len + 1;
  }
  h->extra[n] = '\0';
  h->range_start = request->range_start;
  h->range_end = request->range_end;
  h->method = request->method;
  h->timeout_ms = request->timeout_ms ? request->timeout_ms : 10000;
  h->state = WASP_FETCH_PENDING;
  h->content_length = -1;
  h->started_us = monotonic_us();
  h->wake_fd = wake_fd;
  pthread_mutex_init(&h->lock, NULL);
  pthread_cond_init(&h->room, NULL);
  f->http = h;
  f->state = WASP_FETCH_PENDING;
  if (pthread_create(&h->thread, NULL, worker, f) != 0) {
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->room);
    free(h);
    f->http = NULL;
    return WASP_ERR_BUDGET_EXCEEDED;
  }
  return WASP_OK;
}

void http_sync(fetch *f) {
  http *h = f->http;
  if (h == NULL) return;
  pthread_mutex_lock(&h->lock);
  f->state = h->state;
  f->status = h->status;
  f->error = h->error;
  f->content_length = h->content_length;
  f->received = h->received;
  f->first_byte_us = h->first_byte_us;
  memcpy(f->headers, h->headers, h->headers_len);
  f->headers_len = h->headers_len;
  if (h->final_url[0] != '\0') strcpy(f->final_url, h->final_url);
  pthread_mutex_unlock(&h->lock);
}

wasp_status http_read(fetch *f, uint8_t *buf, size_t cap, size_t *out_len) {
  http *h = f->http;
  wasp_status s = WASP_OK;
  pthread_mutex_lock(&h->lock);
  if (h->body_len > 0) {
    size_t n = h->body_len < cap ? h->body_len : cap;
    memcpy(buf, h->body, n);
    memmove(h->body, h->body + n, h->body_len - n);
    h->body_len -= n;
    f->consumed += n;
    *out_len = n;
    pthread_cond_signal(&h->room);
  } else if (h->state == WASP_FETCH_DONE) {
    s = WASP_ERR_END_OF_STREAM;
  } else if (h->state == WASP_FETCH_FAILED) {
    s = h->error ? h->error : WASP_ERR_IO;
  } else {
    s = WASP_ERR_WOULD_BLOCK;
  }
  pthread_mutex_unlock(&h->lock);
  return s;
}

void http_stop(fetch *f) {
  http *h = f->http;
  if (h == NULL) return;
  pthread_mutex_lock(&h->lock);
  h->stop = 1;
  pthread_cond_broadcast(&h->room);
  pthread_mutex_unlock(&h->lock);
  /* The worker leaves at its next read at the latest (bounded by its timeout). */
  pthread_join(h->thread, NULL);
  pthread_mutex_destroy(&h->lock);
  pthread_cond_destroy(&h->room);
  free(h->body);
  free(h);
  f->http = NULL;
}
