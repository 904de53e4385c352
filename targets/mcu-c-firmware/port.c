/* port.c — the board's wasp port in C (port.h). Every callback runs on the main
 * loop, inside the runtime call that caused it (wasp.h, "Threading"). */
#include "port.h"

#include <string.h>

#include "board.h"
#include "semihost.h"

/* ABI values the headers leave to the ABI's own tables (core/abi: media.rs
 * `Codec::Mp3`, `PixelFormat::Rgba8888Premul`, `TrackKind::Audio`; decoder.rs
 * `DecoderState`, `SAMPLE_END_OF_STREAM`). */
#define CODEC_MP3 17u
#define FORMAT_RGBA8888_PREMUL 1u
#define TRACK_AUDIO 2u
#define DECODER_RUNNING 1u
#define DECODER_DRAINED 2u
#define SAMPLE_END_OF_STREAM (1u << 3)
/** The chip's rate before a stream says its own: 128 kbit/s. */
#define DEFAULT_BYTE_RATE 16000u

static board_port *self(void *user) { return (board_port *)user; }

static uint64_t uptime(void) { return board_uptime_us(); }

static int64_t now_us(void *user) { return self(user)->epoch_us + (int64_t)uptime(); }

static uint32_t new_id(board_port *p) {
  uint32_t id = p->next_id;
  p->next_id = p->next_id + 1 ? p->next_id + 1 : 1;
  return id;
}

static void log_line(void *user, uint32_t level, const char *line, size_t len) {
  static const char *const LEVELS[] = {"ERROR", "WARN ", "INFO ", "DEBUG", "TRACE"};
  board_port *p = self(user);
  p->lines++;
  if (p->quiet) return;
  board_log("%s module: %.*s", LEVELS[level < 5 ? level : 4], (int)len, line);
}

static void on_state(void *user, uint32_t state, uint32_t reason) {
  static const char *const NAMES[] = {"idle", "loading", "buffering", "playing", "paused", "seeking", "ended", "error"};
  (void)reason;
  board_port *p = self(user);
  if (state != p->state) board_log("INFO  state %s", NAMES[state < 8 ? state : 7]);
  p->state = state;
}

/* QEMU's mps2 boards have no random-number generator: xorshift64* (Vigna 2016)
 * seeded from the uptime on first use. Not for keys; a real part fills from its
 * TRNG here. */
static void random_fill(void *user, uint8_t *buf, size_t len) {
  board_port *p = self(user);
  if (p->random == 0) p->random = 0x9E3779B97F4A7C15ull ^ uptime();
  for (size_t i = 0; i < len; i++) {
    p->random ^= p->random >> 12;
    p->random ^= p->random << 25;
    p->random ^= p->random >> 27;
    buf[i] = (uint8_t)((p->random * 0x2545F4914F6CDD1Dull) >> 56);
  }
}

/* --------------------------------------------------------------- capabilities */

static void decoding_info(void *user, const wasp_decoding_query *query, const char *codecs, size_t codecs_len,
                          wasp_decoding_info *out) {
  (void)user, (void)codecs, (void)codecs_len;
  uint32_t yes = query->codec == CODEC_MP3;
  *out = (wasp_decoding_info){yes, yes, yes, yes};
}

static void display_info(void *user, wasp_display_info *out) {
  (void)user;
  *out = (wasp_display_info){.width = PORT_WIDTH, .height = PORT_HEIGHT, .refresh_millihz = 30000,
                             .format = FORMAT_RGBA8888_PREMUL};
}

static void audio_info(void *user, wasp_audio_output_info *out) {
  (void)user;
  *out = (wasp_audio_output_info){.channels = 2, .sample_rate = 48000, .latency_us = 50000};
}

static uint64_t features(void *user) {
  (void)user;
  return WASP_FEATURE_GRAPHICS | WASP_FEATURE_FETCH | WASP_FEATURE_INPUT | WASP_FEATURE_AUDIO_DECODE;
}

/* ---------------------------------------------------------------------- fetch */

static port_fetch *find_fetch(board_port *p, uint32_t id) {
  for (size_t i = 0; i < PORT_FETCHES; i++)
    if (p->fetches[i].fd >= 0 && p->fetches[i].id == id) return &p->fetches[i];
  return NULL;
}

static wasp_status fetch_open(void *user, const wasp_fetch_request *request, const char *url, size_t url_len,
                              const char *headers, size_t headers_len, uint32_t *out_id) {
  (void)request, (void)headers, (void)headers_len;
  static const char SCHEME[] = "file:///";
  const size_t scheme = sizeof SCHEME - 1;
  char path[256];
  if (url_len <= scheme || memcmp(url, SCHEME, scheme) != 0) return WASP_ERR_UNSUPPORTED;
  if (url_len - scheme + sizeof ".headers" > sizeof path) return WASP_ERR_INVALID_ARGUMENT;
  board_port *p = self(user);
  port_fetch *f = NULL;
  for (size_t i = 0; i < PORT_FETCHES && !f; i++)
    if (p->fetches[i].fd < 0) f = &p->fetches[i];
  if (!f) return WASP_ERR_TOO_MANY_HANDLES;
  memcpy(path, url + scheme, url_len - scheme);
  path[url_len - scheme] = 0;
  int fd = semihost_open(path);
  if (fd < 0) return WASP_ERR_NOT_FOUND;
  long size = semihost_length(fd);
  if (size < 0) {
    semihost_close(fd);
    return WASP_ERR_IO;
  }
  memset(f->headers, 0, sizeof f->headers);
  strcat(path, ".headers");
  int sidecar = semihost_open(path);
  if (sidecar >= 0) {
    long n = semihost_read_at(sidecar, 0, f->headers, sizeof f->headers - 1);
    if (n < 0) f->headers[0] = 0;
    semihost_close(sidecar);
  }
  f->fd = fd;
  f->size = (uint32_t)size;
  f->offset = 0;
  f->id = new_id(p);
  *out_id = f->id;
  return WASP_OK;
}

static void fetch_info(void *user, uint32_t id, wasp_fetch_info *out) {
  port_fetch *f = find_fetch(self(user), id);
  if (!f) return; /* zeroed by the runtime */
  *out = (wasp_fetch_info){.content_length = f->size, .received = f->size, .consumed = f->offset,
                           .state = WASP_FETCH_DONE, .http_status = 200};
}

static wasp_status fetch_read(void *user, uint32_t id, uint8_t *buf, size_t cap, size_t *out_len) {
  port_fetch *f = find_fetch(self(user), id);
  if (!f) return WASP_ERR_INVALID_ARGUMENT;
  if (cap > 0 && f->offset >= f->size) return WASP_ERR_END_OF_STREAM;
  long n = semihost_read_at(f->fd, f->offset, buf, cap);
  if (n < 0) return WASP_ERR_IO;
  f->offset += (uint32_t)n;
  *out_len = (size_t)n;
  return WASP_OK;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* A header of the sidecar: names compared without regard to case (RFC 9110 §5.1),
 * values trimmed. */
static wasp_status fetch_header(void *user, uint32_t id, const char *name, size_t name_len, uint8_t *out, size_t cap,
                                size_t *out_len) {
  port_fetch *f = find_fetch(self(user), id);
  if (!f) return WASP_ERR_INVALID_ARGUMENT;
  for (const char *line = f->headers; *line;) {
    const char *end = strchr(line, '\n');
    if (!end) end = line + strlen(line);
    const char *colon = memchr(line, ':', (size_t)(end - line));
    if (colon) {
      const char *k = line, *kend = colon;
      while (k < kend && (*k == ' ' || *k == '\t')) k++;
      while (kend > k && (kend[-1] == ' ' || kend[-1] == '\t')) kend--;
      int same = (size_t)(kend - k) == name_len;
      for (size_t i = 0; same && i < name_len; i++) same = lower(k[i]) == lower(name[i]);
      if (same) {
        const char *v = colon + 1, *vend = end;
        while (v < vend && (*v == ' ' || *v == '\t')) v++;
        while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t' || vend[-1] == '\r')) vend--;
        size_t len = (size_t)(vend - v);
        if (len <= cap) memcpy(out, v, len);
        *out_len = len;
        return WASP_OK;
      }
    }
    line = *end ? end + 1 : end;
  }
  return WASP_ERR_NOT_FOUND;
}

static void fetch_close(void *user, uint32_t id) {
  port_fetch *f = find_fetch(self(user), id);
  if (!f) return;
  semihost_close(f->fd);
  f->fd = -1;
}

/* ------------------------------------------------------------------- decoder */

static wasp_status decoder_open(void *user, const wasp_decoder_config *config, const uint8_t *extra, size_t extra_len,
                                uint32_t *out_id) {
  (void)extra, (void)extra_len;
  board_port *p = self(user);
  if (config->codec != CODEC_MP3) return WASP_ERR_UNSUPPORTED;
  if (p->decoder_open) return WASP_ERR_BUDGET_EXCEEDED;
  p->decoder_open = 1;
  p->end_of_stream = 0;
  *out_id = new_id(p);
  return WASP_OK;
}

void port_pump(board_port *p) { chip_pump(&p->chip, (int64_t)uptime()); }

static wasp_status decoder_submit(void *user, uint32_t id, const wasp_sample_info *sample, const wasp_slice *pieces,
                                  size_t piece_count, const wasp_encryption_info *encryption,
                                  const wasp_subsample *subsamples, size_t subsample_count) {
  (void)id, (void)encryption, (void)subsamples, (void)subsample_count;
  board_port *p = self(user);
  if (sample->flags & SAMPLE_END_OF_STREAM) {
    p->end_of_stream = 1;
    p->chip.finished = 1;
    return WASP_OK;
  }
  size_t size = 0;
  for (size_t i = 0; i < piece_count; i++) size += pieces[i].len;
  if (size > chip_room(&p->chip)) {
    port_pump(p);
    return WASP_ERR_WOULD_BLOCK;
  }
  for (size_t i = 0; i < piece_count; i++) chip_push(&p->chip, pieces[i].data, pieces[i].len);
  if (sample->duration_us > 0)
    chip_set_rate(&p->chip, (uint32_t)((uint64_t)size * 1000000u / (uint64_t)sample->duration_us),
                  (int64_t)uptime());
  p->units++;
  port_pump(p);
  return WASP_OK;
}

int port_drained(board_port *p) {
  return p->end_of_stream && p->chip.queued == 0 && chip_level(&p->chip, (int64_t)uptime()) == 0;
}

static void decoder_info(void *user, uint32_t id, wasp_decoder_stats *out) {
  (void)id;
  board_port *p = self(user);
  uint32_t level = chip_level(&p->chip, (int64_t)uptime());
  *out = (wasp_decoder_stats){.queued_bytes = p->chip.queued + level,
                              .queue_capacity = CHIP_QUEUE + CHIP_BUFFER,
                              .decoded = p->units,
                              .state = port_drained(p) ? DECODER_DRAINED : DECODER_RUNNING,
                              .kind = TRACK_AUDIO};
}

static void decoder_flush(void *user, uint32_t id) {
  (void)id;
  board_port *p = self(user);
  chip_cancel(&p->chip);
  p->end_of_stream = 0;
}

static void decoder_close(void *user, uint32_t id) {
  board_port *p = self(user);
  if (!p->end_of_stream) decoder_flush(user, id);
  p->decoder_open = 0;
}

/* --------------------------------------------------------------- media clock */

static int64_t clock_position(const board_port *p, uint64_t now) {
  int64_t elapsed = (int64_t)(now - p->clock_at_us);
  return p->clock_position_us + elapsed * (int64_t)p->clock_rate_milli / 1000;
}

static void media_clock(void *user, wasp_media_clock_info *out) {
  board_port *p = self(user);
  *out = (wasp_media_clock_info){clock_position(p, uptime()), p->clock_rate_milli, p->clock_rate_milli > 0};
}

static void media_set_rate(void *user, uint32_t rate_milli) {
  board_port *p = self(user);
  uint64_t now = uptime();
  p->clock_position_us = clock_position(p, now);
  p->clock_at_us = now;
  p->clock_rate_milli = rate_milli;
}

static void media_set_position(void *user, int64_t pts_us) {
  board_port *p = self(user);
  p->clock_position_us = pts_us;
  p->clock_at_us = uptime();
}

/* ------------------------------------------------------------------ graphics */

static wasp_status image_create(void *user, const wasp_image_desc *desc, const uint8_t *pixels, size_t len,
                                uint32_t *out_id) {
  return wasp_raster_image_create(self(user)->raster, desc, pixels, len, out_id);
}

static void image_update(void *user, uint32_t id, const wasp_rect *rect, const uint8_t *pixels, size_t len) {
  wasp_status s = wasp_raster_image_update(self(user)->raster, id, rect, pixels, len);
  if (s != WASP_OK) board_log("ERROR image %lu not updated: %s", (unsigned long)id, wasp_status_name(s));
}

static void image_free(void *user, uint32_t id) { (void)wasp_raster_image_free(self(user)->raster, id); }

static void draw(void *user, const uint8_t *records, size_t len) {
  uint64_t start = uptime();
  wasp_status s = wasp_raster_draw(self(user)->raster, records, len, NULL);
  if (s != WASP_OK) board_log("ERROR draw list refused: %s", wasp_status_name(s));
  self(user)->drawing_us += uptime() - start;
}

/* One band of the frame, top to bottom (wasp_raster_band_fn): where a board with a
 * panel sends the rows over SPI, this one hashes them. The bands' rows are packed
 * (stride == width * 4), so their md5 in order is the md5 of the whole plane. */
static wasp_status band(void *user, uint32_t y0, uint32_t rows, uint8_t *pixels, size_t stride) {
  (void)y0;
  md5_update(user, pixels, (size_t)rows * stride);
  return WASP_OK;
}

static void present(void *user) {
  board_port *p = self(user);
  uint64_t start = uptime();
  md5_ctx md5;
  md5_init(&md5);
  wasp_status s = wasp_raster_present_bands(p->raster, band, &md5);
  if (s != WASP_OK) {
    board_log("ERROR display: frame not shown: %s", wasp_status_name(s));
    return;
  }
  md5_final(&md5, p->last_plane);
  char hex[33];
  md5_hex(p->last_plane, hex);
  p->frames++;
  board_log("INFO  frame %lu: graphics %s", (unsigned long)p->frames, hex);
  p->drawing_us += uptime() - start;
}

/* ---------------------------------------------------------------------------- */

wasp_status port_init(board_port *p, wasp_port *vt, int64_t epoch_us) {
  memset(p, 0, sizeof *p);
  p->epoch_us = epoch_us;
  p->next_id = 1;
  for (size_t i = 0; i < PORT_FETCHES; i++) p->fetches[i].fd = -1;
  chip_init(&p->chip, DEFAULT_BYTE_RATE, (int64_t)uptime());
  *vt = (wasp_port){
      .struct_size = sizeof(wasp_port),
      .version = WASP_PORT_VERSION_MAJOR,
      .user = p,
      .now_us = now_us,
      .log = log_line,
      .random_fill = random_fill,
      .on_state = on_state,
      .decoding_info = decoding_info,
      .display_info = display_info,
      .audio_info = audio_info,
      .features = features,
      .fetch_open = fetch_open,
      .fetch_info = fetch_info,
      .fetch_read = fetch_read,
      .fetch_header = fetch_header,
      .fetch_close = fetch_close,
      .decoder_open = decoder_open,
      .decoder_submit = decoder_submit,
      .decoder_info = decoder_info,
      .decoder_flush = decoder_flush,
      .decoder_close = decoder_close,
      .media_clock = media_clock,
      .media_set_rate = media_set_rate,
      .media_set_position = media_set_position,
      .image_create = image_create,
      .image_update = image_update,
      .image_free = image_free,
      .draw = draw,
      .present = present,
  };
  return wasp_raster_new_banded(PORT_WIDTH, PORT_HEIGHT, PORT_BAND_ROWS, PORT_RECORD_BYTES, &p->raster);
}
