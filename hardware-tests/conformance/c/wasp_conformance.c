/*
 * The port conformance suite (wasp_conformance.h). Each check is a function of
 * the run's context returning PASS, FAIL (with the reason in `c->why`) or SKIP.
 * Codec, pixel-format and state numbers are the ABI's (docs/abi.md, crate
 * wasp-abi); the key-value and fetch semantics are those of wasp_port.h. Sizes are
 * printed as %lu: the printf of newlib-nano on microcontrollers has no %zu.
 */
#include "wasp_conformance.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { PASS = 0, FAIL = 1, SKIP = 2 };

/* ABI values used below (wasp-abi: media.rs, decoder.rs, fetch.rs). */
enum {
  CODEC_UNKNOWN = 0,
  CODEC_H264 = 1,
  CODEC_H265 = 2,
  CODEC_AAC = 16,
  CODEC_MP3 = 17,
  CODEC_AC3 = 18,
  CODEC_EAC3 = 19,
  CODEC_OPUS = 20,
  FORMAT_RGBA8888_PREMUL = 1,
  FORMAT_RGB565 = 3,
  DECODER_FAILED = 3,
  SAMPLE_KEYFRAME = 1
};

static const uint32_t CODECS[] = {CODEC_H264, CODEC_H265, CODEC_AAC, CODEC_MP3,
                                  CODEC_AC3,  CODEC_EAC3, CODEC_OPUS};
#define CODEC_COUNT (sizeof CODECS / sizeof CODECS[0])

typedef struct ctx {
  wasp_port *port;
  const wasp_conformance_harness *h;
  char why[512];
} ctx;

/* A callback the port offers: inside its `struct_size` and not NULL. */
#define HAS(c, f)                                                              \
  (offsetof(wasp_port, f) + sizeof((c)->port->f) <= (c)->port->struct_size && \
   (c)->port->f != NULL)

static int fail(ctx *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->why, sizeof c->why, fmt, ap);
  va_end(ap);
  return FAIL;
}

static int skip(ctx *c, const char *why) {
  snprintf(c->why, sizeof c->why, "%s", why);
  return SKIP;
}

#define ENSURE(c, cond, ...)               \
  do {                                     \
    if (!(cond)) return fail(c, __VA_ARGS__); \
  } while (0)

/* ------------------------------------------------ the port, NULLs answered */

static int64_t now_us(ctx *c) { return c->port->now_us(c->port->user); }

static void wait_us(ctx *c, int64_t us) { c->h->wait(c->h->user, us); }

static uint64_t features(ctx *c) {
  return HAS(c, features) ? c->port->features(c->port->user) : 0;
}

static wasp_decoding_info decoding_info(ctx *c, const wasp_decoding_query *q) {
  wasp_decoding_info out;
  memset(&out, 0, sizeof out);
  if (HAS(c, decoding_info)) c->port->decoding_info(c->port->user, q, "", 0, &out);
  return out;
}

static wasp_status decoder_open(ctx *c, const wasp_decoder_config *config,
                                const uint8_t *extra, size_t extra_len, uint32_t *id) {
  if (!HAS(c, decoder_open)) return WASP_ERR_UNSUPPORTED;
  return c->port->decoder_open(c->port->user, config, extra, extra_len, id);
}

static void decoder_close(ctx *c, uint32_t id) {
  if (HAS(c, decoder_close)) c->port->decoder_close(c->port->user, id);
}

static wasp_decoder_stats decoder_info(ctx *c, uint32_t id) {
  wasp_decoder_stats out;
  memset(&out, 0, sizeof out);
  if (HAS(c, decoder_info)) c->port->decoder_info(c->port->user, id, &out);
  return out;
}

static wasp_status decoder_submit(ctx *c, uint32_t id, const wasp_sample_info *s,
                                  const wasp_slice *pieces, size_t count) {
  if (!HAS(c, decoder_submit)) return WASP_ERR_UNSUPPORTED;
  return c->port->decoder_submit(c->port->user, id, s, pieces, count, NULL, NULL, 0);
}

static wasp_status fetch_open(ctx *c, const char *url, uint32_t *id) {
  wasp_fetch_request req;
  memset(&req, 0, sizeof req);
  req.range_end = UINT64_MAX; /* the whole resource (the ABI's RANGE_TO_END) */
  req.method = WASP_METHOD_GET;
  if (!HAS(c, fetch_open)) return WASP_ERR_UNSUPPORTED;
  return c->port->fetch_open(c->port->user, &req, url, strlen(url), "", 0, id);
}

static wasp_status fetch_read(ctx *c, uint32_t id, uint8_t *buf, size_t cap, size_t *n) {
  *n = 0;
  if (!HAS(c, fetch_read)) return WASP_ERR_UNSUPPORTED;
  return c->port->fetch_read(c->port->user, id, buf, cap, n);
}

static wasp_fetch_info fetch_info(ctx *c, uint32_t id) {
  wasp_fetch_info out;
  memset(&out, 0, sizeof out);
  if (HAS(c, fetch_info)) c->port->fetch_info(c->port->user, id, &out);
  return out;
}

static void fetch_close(ctx *c, uint32_t id) {
  if (HAS(c, fetch_close)) c->port->fetch_close(c->port->user, id);
}

static wasp_status kv_get(ctx *c, const char *key, uint8_t *out, size_t cap, size_t *n) {
  *n = 0;
  if (!HAS(c, kv_get)) return WASP_ERR_UNSUPPORTED;
  return c->port->kv_get(c->port->user, (const uint8_t *)key, strlen(key), out, cap, n);
}

static wasp_status kv_set(ctx *c, const char *key, const char *value) {
  if (!HAS(c, kv_set)) return WASP_ERR_UNSUPPORTED;
  return c->port->kv_set(c->port->user, (const uint8_t *)key, strlen(key),
                         (const uint8_t *)value, strlen(value));
}

static wasp_status kv_delete(ctx *c, const char *key) {
  if (!HAS(c, kv_delete)) return WASP_ERR_UNSUPPORTED;
  return c->port->kv_delete(c->port->user, (const uint8_t *)key, strlen(key));
}

static wasp_media_clock_info media_clock(ctx *c) {
  wasp_media_clock_info out;
  memset(&out, 0, sizeof out);
  if (HAS(c, media_clock)) c->port->media_clock(c->port->user, &out);
  return out;
}

static wasp_status decrypt(ctx *c, uint32_t mode, const uint8_t key[16],
                           const uint8_t iv[16], uint8_t *data, size_t len, size_t *n) {
  *n = 0;
  if (!HAS(c, decrypt)) return WASP_ERR_UNSUPPORTED;
  return c->port->decrypt(c->port->user, mode, key, iv, data, len, n);
}

/* ------------------------------------------------------------- decoders */

static int is_video(uint32_t codec) { return codec == CODEC_H264 || codec == CODEC_H265; }

static wasp_decoder_config small_config(uint32_t codec) {
  wasp_decoder_config c;
  memset(&c, 0, sizeof c);
  c.codec = codec;
  if (is_video(codec)) {
    c.width = 640;
    c.height = 360;
    c.framerate_milli = 25000;
  } else {
    c.sample_rate = 48000;
    c.channels = 2;
  }
  c.bitrate_bps = 1000000;
  return c;
}

static wasp_decoding_query query_of(const wasp_decoder_config *c) {
  wasp_decoding_query q;
  memset(&q, 0, sizeof q);
  q.codec = c->codec;
  q.width = c->width;
  q.height = c->height;
  q.framerate_milli = c->framerate_milli;
  q.bitrate_bps = c->bitrate_bps;
  q.channels = c->channels;
  q.sample_rate = c->sample_rate;
  return q;
}

/* A configuration record good enough to open a decoder of `codec`. */
static const uint8_t *config_bytes(uint32_t codec, size_t *len) {
  /* avcC: version 1, High profile, level 3.0, 4-byte lengths, no parameter sets. */
  static const uint8_t avcc[] = {1, 0x64, 0, 0x1e, 0xff, 0xe0, 0};
  /* AudioSpecificConfig: AAC-LC, 48 kHz, stereo. */
  static const uint8_t asc[] = {0x11, 0x90};
  switch (codec) {
    case CODEC_H264: *len = sizeof avcc; return avcc;
    case CODEC_AAC: *len = sizeof asc; return asc;
    default: *len = 0; return NULL;
  }
}

static int supported(ctx *c, uint32_t codec) {
  wasp_decoder_config config = small_config(codec);
  wasp_decoding_query q = query_of(&config);
  return decoding_info(c, &q).supported != 0;
}

/* The first codec the port says it decodes, or CODEC_UNKNOWN. */
static uint32_t first_supported(ctx *c) {
  for (size_t i = 0; i < CODEC_COUNT; i++) {
    if (supported(c, CODECS[i])) return CODECS[i];
  }
  return CODEC_UNKNOWN;
}

static wasp_status open_codec(ctx *c, uint32_t codec, uint32_t *id) {
  wasp_decoder_config config = small_config(codec);
  size_t len;
  const uint8_t *extra = config_bytes(codec, &len);
  return decoder_open(c, &config, extra, len, id);
}

/* Opens a decoder of the first codec the port says it decodes: PASS with `*id`,
 * SKIP without any decoder, FAIL when it does not open. */
static int open_first_supported(ctx *c, uint32_t *id) {
  uint32_t codec = first_supported(c);
  if (codec == CODEC_UNKNOWN) return skip(c, "no decoder");
  wasp_status st = open_codec(c, codec, id);
  ENSURE(c, st == WASP_OK, "open codec %u: %d", codec, st);
  return PASS;
}

/* ---------------------------------------------------------------- checks */

static int clock_is_monotonic(ctx *c) {
  int64_t last = now_us(c);
  ENSURE(c, last >= 0, "now_us is negative: %lld", (long long)last);
  for (int i = 0; i < 20; i++) {
    wait_us(c, 1000);
    int64_t now = now_us(c);
    ENSURE(c, now >= last, "time went back from %lld to %lld", (long long)last, (long long)now);
    last = now;
  }
  int64_t start = now_us(c);
  wait_us(c, 50000);
  int64_t elapsed = now_us(c) - start;
  ENSURE(c, elapsed >= 50000, "50 ms of waiting advanced the clock by %lld us",
         (long long)elapsed);
  return PASS;
}

static int random_bytes_vary(ctx *c) {
  uint8_t a[32], b[32], zero[32];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  memset(zero, 0, sizeof zero);
  ENSURE(c, HAS(c, random_fill), "random_fill is NULL (the port fills zeros)");
  c->port->random_fill(c->port->user, a, sizeof a);
  c->port->random_fill(c->port->user, b, sizeof b);
  ENSURE(c, memcmp(a, b, sizeof a) != 0, "two random fills returned the same 32 bytes");
  ENSURE(c, memcmp(a, zero, sizeof a) != 0, "random_fill returned zeros");
  return PASS;
}

static int display_answers_are_usable(ctx *c) {
  if ((features(c) & WASP_FEATURE_GRAPHICS) == 0) return skip(c, "no graphics plane");
  wasp_display_info d;
  memset(&d, 0, sizeof d);
  ENSURE(c, HAS(c, display_info), "graphics offered but display_info is NULL");
  c->port->display_info(c->port->user, &d);
  ENSURE(c, d.width > 0 && d.height > 0, "display is %ux%u", d.width, d.height);
  ENSURE(c, d.format == FORMAT_RGBA8888_PREMUL || d.format == FORMAT_RGB565,
         "graphics plane format %u is not a plane format", d.format);
  ENSURE(c, (uint64_t)d.safe_left + d.safe_right < d.width &&
                (uint64_t)d.safe_top + d.safe_bottom < d.height,
         "safe-area insets leave no area");
  ENSURE(c, d.refresh_millihz > 0, "refresh rate is 0");
  return PASS;
}

static int decoder_answers_match_decoder_open(ctx *c) {
  for (size_t i = 0; i < CODEC_COUNT; i++) {
    uint32_t codec = CODECS[i], id = 0;
    int said = supported(c, codec);
    wasp_status st = open_codec(c, codec, &id);
    if (st == WASP_OK) decoder_close(c, id);
    ENSURE(c, !(said && st != WASP_OK), "codec %u: said supported, open failed with %d",
           codec, st);
    ENSURE(c, !(!said && st == WASP_OK), "codec %u: said unsupported, yet opened", codec);
    ENSURE(c, said || st == WASP_ERR_UNSUPPORTED,
           "codec %u: unsupported must be WASP_ERR_UNSUPPORTED, got %d", codec, st);
  }
  return PASS;
}

static int decoder_lifecycle_queues_flushes_and_closes(ctx *c) {
  uint32_t id = 0;
  int opened = open_first_supported(c, &id);
  if (opened != PASS) return opened;
  wasp_status st;
  uint8_t payload[64];
  memset(payload, 0, sizeof payload);
  wasp_sample_info s = {0, 0, 40000, SAMPLE_KEYFRAME, 64};
  wasp_slice pieces[2] = {{payload, 32}, {payload + 32, 32}};
  st = decoder_submit(c, id, &s, pieces, 2);
  if (st != WASP_OK) {
    decoder_close(c, id);
    return fail(c, "submit: %d", st);
  }
  wasp_decoder_stats stats = decoder_info(c, id);
  uint64_t accounted = (uint64_t)stats.queued_units + stats.decoded + stats.dropped + stats.corrupt;
  if (HAS(c, decoder_flush)) c->port->decoder_flush(c->port->user, id);
  wait_us(c, 10000);
  wasp_decoder_stats after = decoder_info(c, id);
  decoder_close(c, id);
  ENSURE(c, accounted >= 1, "a submitted unit is neither queued nor decoded");
  ENSURE(c, stats.queue_capacity > 0, "the queue capacity is 0");
  ENSURE(c, after.queued_units == 0 && after.queued_bytes == 0,
         "flush left %u units, %llu bytes queued", after.queued_units,
         (unsigned long long)after.queued_bytes);
  ENSURE(c, after.state != DECODER_FAILED, "flush failed the decoder");
  return PASS;
}

static int decoder_queue_pushes_back(ctx *c) {
  uint32_t id = 0;
  int opened = open_first_supported(c, &id);
  if (opened != PASS) return opened;
  wasp_status st;
  uint64_t capacity = decoder_info(c, id).queue_capacity;
  static uint8_t unit[16 * 1024];
  uint64_t limit = capacity / sizeof unit + 64;
  int result = fail(c, "%llu units of 16 KiB never filled a %llu-byte queue",
                    (unsigned long long)limit, (unsigned long long)capacity);
  for (uint64_t i = 0; i < limit; i++) {
    wasp_sample_info s = {(int64_t)i * 40000, (int64_t)i * 40000, 40000, 0, sizeof unit};
    wasp_slice piece = {unit, sizeof unit};
    st = decoder_submit(c, id, &s, &piece, 1);
    if (st == WASP_OK) continue;
    if (st == WASP_ERR_WOULD_BLOCK) {
      uint64_t queued = decoder_info(c, id).queued_bytes;
      result = queued <= capacity ? PASS
                                  : fail(c, "queued %llu bytes over a capacity of %llu",
                                         (unsigned long long)queued,
                                         (unsigned long long)capacity);
    } else {
      result = fail(c, "a full queue must answer WASP_ERR_WOULD_BLOCK, got %d", st);
    }
    break;
  }
  decoder_close(c, id);
  return result;
}

static int fetch_delivers_the_exact_body(ctx *c) {
  const char *url = c->h->fetchable_url;
  if (url == NULL) return skip(c, "no fetchable resource");
  uint32_t id = 0;
  wasp_status st = fetch_open(c, url, &id);
  ENSURE(c, st == WASP_OK, "open %s: %d", url, st);
  size_t got = 0, n = 0;
  int result = fail(c, "%s: no end of stream after 10 s", url);
  uint8_t buf[1000];
  for (int i = 0; i < 10000; i++) {
    st = fetch_read(c, id, buf, sizeof buf, &n);
    if (st == WASP_OK) {
      if (n > sizeof buf) {
        result = fail(c, "%s: read reported %lu bytes into %lu", url, (unsigned long)n,
                      (unsigned long)sizeof buf);
        break;
      }
      if (got + n > c->h->fetchable_len ||
          memcmp(buf, c->h->fetchable_body + got, n) != 0) {
        result = fail(c, "%s: bytes %lu..%lu differ from the body", url,
                      (unsigned long)got, (unsigned long)(got + n));
        break;
      }
      got += n;
    } else if (st == WASP_ERR_WOULD_BLOCK) {
      wait_us(c, 1000);
    } else if (st == WASP_ERR_END_OF_STREAM) {
      wasp_fetch_info info = fetch_info(c, id);
      if (got != c->h->fetchable_len) {
        result = fail(c, "%s: got %lu bytes, expected %lu", url, (unsigned long)got,
                      (unsigned long)c->h->fetchable_len);
      } else if (info.state != WASP_FETCH_DONE || info.received != got) {
        result = fail(c, "%s: after the end, state %u and %llu bytes received", url,
                      info.state, (unsigned long long)info.received);
      } else if (fetch_read(c, id, buf, sizeof buf, &n) != WASP_ERR_END_OF_STREAM) {
        result = fail(c, "%s: a read after the end must be WASP_ERR_END_OF_STREAM again", url);
      } else {
        result = PASS;
      }
      break;
    } else {
      result = fail(c, "%s: read failed with %d", url, st);
      break;
    }
  }
  fetch_close(c, id);
  return result;
}

static int fetch_of_a_missing_resource_fails_cleanly(ctx *c) {
  if ((features(c) & WASP_FEATURE_FETCH) == 0) return skip(c, "no fetch");
  const char *url = c->h->missing_url;
  if (url == NULL) return skip(c, "no missing URL given");
  uint32_t id = 0;
  if (fetch_open(c, url, &id) != WASP_OK) return PASS; /* refused at once: fine */
  uint8_t buf[64];
  size_t n;
  for (int i = 0; i < 10000; i++) {
    wasp_status st = fetch_read(c, id, buf, sizeof buf, &n);
    if (st == WASP_ERR_WOULD_BLOCK) {
      wait_us(c, 1000);
      continue;
    }
    wasp_fetch_info info = fetch_info(c, id);
    fetch_close(c, id);
    ENSURE(c, st == WASP_ERR_HTTP_ERROR || st == WASP_ERR_NOT_FOUND || st == WASP_ERR_IO,
           "%s: a missing resource read as %d", url, st);
    ENSURE(c, info.state == WASP_FETCH_FAILED, "%s: failed read but state %u", url, info.state);
    ENSURE(c, info.error != 0, "%s: a failed fetch must say why", url);
    return PASS;
  }
  fetch_close(c, id);
  return fail(c, "%s: never failed", url);
}

static int kv_store_round_trips(ctx *c) {
  if ((features(c) & WASP_FEATURE_KV_STORE) == 0) return skip(c, "no key-value store");
  const char *key = "wasp-conformance";
  uint8_t out[16];
  size_t n;
  ENSURE(c, kv_set(c, key, "first") == WASP_OK, "set failed");
  ENSURE(c, kv_set(c, key, "second") == WASP_OK, "overwrite failed");
  ENSURE(c, kv_get(c, key, out, sizeof out, &n) == WASP_OK && n == 6 &&
                memcmp(out, "second", 6) == 0,
         "get did not return the last value");
  ENSURE(c, kv_delete(c, key) == WASP_OK, "delete failed");
  ENSURE(c, kv_get(c, key, out, sizeof out, &n) == WASP_ERR_NOT_FOUND,
         "a deleted key must be WASP_ERR_NOT_FOUND");
  ENSURE(c, kv_delete(c, key) == WASP_ERR_NOT_FOUND, "deleting twice must be WASP_ERR_NOT_FOUND");
  return PASS;
}

static int kv_outputs_only_when_they_fit(ctx *c) {
  if ((features(c) & WASP_FEATURE_KV_STORE) == 0) return skip(c, "no key-value store");
  const char *key = "wasp-conformance-fit";
  ENSURE(c, kv_set(c, key, "0123456789") == WASP_OK, "set failed");
  uint8_t small[4], untouched[4];
  memset(small, 0xAA, sizeof small);
  memset(untouched, 0xAA, sizeof untouched);
  size_t n = 0;
  wasp_status st = kv_get(c, key, small, sizeof small, &n);
  kv_delete(c, key);
  ENSURE(c, st == WASP_OK && n == 10, "a short buffer must get the full length: %d, %lu", st,
         (unsigned long)n);
  ENSURE(c, memcmp(small, untouched, sizeof small) == 0, "a short buffer must be left untouched");
  return PASS;
}

static int kv_survives_a_crash(ctx *c) {
  if ((features(c) & WASP_FEATURE_KV_STORE) == 0) return skip(c, "no key-value store");
  if (c->h->crash == NULL) return skip(c, "the harness cannot simulate a crash");
  const char *kept = "wasp-conformance-durable", *gone = "wasp-conformance-deleted";
  ENSURE(c, kv_set(c, kept, "before") == WASP_OK, "set failed");
  ENSURE(c, kv_set(c, kept, "after the crash") == WASP_OK, "overwrite failed");
  ENSURE(c, kv_set(c, gone, "x") == WASP_OK, "set failed");
  ENSURE(c, kv_delete(c, gone) == WASP_OK, "delete failed");
  if (!c->h->crash(c->h->user, &c->port)) return skip(c, "the harness cannot simulate a crash");
  ENSURE(c, c->port != NULL, "the harness gave no port after the crash");
  uint8_t out[32];
  size_t n = 0;
  wasp_status st = kv_get(c, kept, out, sizeof out, &n);
  ENSURE(c, st == WASP_OK, "a value set before the crash reads as %d", st);
  ENSURE(c, n == 15 && memcmp(out, "after the crash", 15) == 0,
         "a value set before the crash reads back as %lu other bytes", (unsigned long)n);
  ENSURE(c, kv_get(c, gone, out, sizeof out, &n) == WASP_ERR_NOT_FOUND,
         "a key deleted before the crash is back");
  kv_delete(c, kept);
  return PASS;
}

static int images_upload_update_and_present(ctx *c) {
  if ((features(c) & WASP_FEATURE_GRAPHICS) == 0) return skip(c, "no graphics plane");
  ENSURE(c, HAS(c, image_create) && HAS(c, image_free) && HAS(c, present),
         "graphics offered but image_create, image_free or present is NULL");
  wasp_image_desc desc = {2, 2, 8, FORMAT_RGBA8888_PREMUL};
  uint8_t white[16], clear[4] = {0, 0, 0, 0};
  memset(white, 0xFF, sizeof white);
  uint32_t id = 0;
  wasp_status st = c->port->image_create(c->port->user, &desc, white, sizeof white, &id);
  ENSURE(c, st == WASP_OK, "create: %d", st);
  wasp_rect rect = {1, 1, 1, 1};
  if (HAS(c, image_update)) c->port->image_update(c->port->user, id, &rect, clear, sizeof clear);
  if (HAS(c, draw)) c->port->draw(c->port->user, clear, 0); /* an empty list */
  c->port->present(c->port->user);
  c->port->image_free(c->port->user, id);
  st = c->port->image_create(c->port->user, &desc, white, sizeof white, &id);
  if (st == WASP_OK) c->port->image_free(c->port->user, id);
  ENSURE(c, st == WASP_OK, "an image could not be created again after a free: %d", st);
  c->port->present(c->port->user);
  return PASS;
}

static int media_clock_follows_rate_and_position(ctx *c) {
  ENSURE(c, HAS(c, media_set_rate) && HAS(c, media_set_position) && HAS(c, media_clock),
         "media_clock, media_set_rate or media_set_position is NULL");
  c->port->media_set_rate(c->port->user, 0);
  c->port->media_set_position(c->port->user, 5000000);
  wasp_media_clock_info paused = media_clock(c);
  wait_us(c, 100000);
  wasp_media_clock_info still = media_clock(c);
  ENSURE(c, paused.running == 0 && paused.rate_milli == 0, "rate 0 must pause: running %u rate %u",
         paused.running, paused.rate_milli);
  ENSURE(c, still.position_us == paused.position_us, "a paused clock moved from %lld to %lld",
         (long long)paused.position_us, (long long)still.position_us);
  c->port->media_set_rate(c->port->user, 1000);
  uint32_t rate = media_clock(c).rate_milli;
  c->port->media_set_rate(c->port->user, 0);
  ENSURE(c, rate == 1000, "rate 1000 reads back as %u", rate);
  return PASS;
}

static int decrypt_matches_the_aes_test_vector(ctx *c) {
  /* NIST SP 800-38A, F.2.2 (CBC-AES128.Decrypt), first block. */
  static const uint8_t key[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                  0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
  static const uint8_t iv[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  static const uint8_t plain[16] = {0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
                                    0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a};
  uint8_t data[16] = {0x76, 0x49, 0xab, 0xac, 0x81, 0x19, 0xb2, 0x46,
                      0xce, 0xe9, 0x8e, 0x9b, 0x12, 0xe9, 0x19, 0x7d};
  int offered = (features(c) & WASP_FEATURE_CRYPTO) != 0;
  size_t n = 0;
  wasp_status st = decrypt(c, WASP_CIPHER_CBC, key, iv, data, sizeof data, &n);
  if (!offered && st == WASP_ERR_UNSUPPORTED) return skip(c, "no bulk crypto");
  ENSURE(c, st == WASP_OK, "decrypt: %d (crypto %s)", st, offered ? "offered" : "not offered");
  ENSURE(c, n == 16 && memcmp(data, plain, 16) == 0, "decrypt gave %lu bytes, not the plaintext",
         (unsigned long)n);
  return PASS;
}

static int bad_arguments_get_error_codes(ctx *c) {
  /* Values the runtime passes through unchecked: a codec the ABI knows as
   * "unknown", a URL of a scheme no port fetches, a header a response lacks,
   * a key never set, a CBC input that is not whole blocks. */
  /* (A query's codec 0 means "any codec", wasp_port.h: only opening is checked.) */
  wasp_decoder_config config = small_config(CODEC_UNKNOWN);
  uint32_t id = 0;
  wasp_status st = decoder_open(c, &config, NULL, 0, &id);
  if (st == WASP_OK) decoder_close(c, id);
  ENSURE(c, st == WASP_ERR_UNSUPPORTED, "decoder_open of codec 0 must be WASP_ERR_UNSUPPORTED, got %d",
         st);
  if (features(c) & WASP_FEATURE_FETCH) {
    const char *url = "gopher://example.invalid/wasp";
    st = fetch_open(c, url, &id);
    if (st == WASP_OK) {
      uint8_t buf[16];
      size_t n;
      int i = 0;
      while ((st = fetch_read(c, id, buf, sizeof buf, &n)) == WASP_ERR_WOULD_BLOCK && i++ < 10000) {
        wait_us(c, 1000);
      }
      wasp_fetch_info info = fetch_info(c, id);
      fetch_close(c, id);
      ENSURE(c, st != WASP_OK && st != WASP_ERR_END_OF_STREAM && st != WASP_ERR_WOULD_BLOCK,
             "%s: read as %d, not an error", url, st);
      ENSURE(c, info.state == WASP_FETCH_FAILED && info.error != 0,
             "%s: failed but state %u, error %u", url, info.state, info.error);
    } else {
      ENSURE(c, st == WASP_ERR_UNSUPPORTED || st == WASP_ERR_INVALID_ARGUMENT || st == WASP_ERR_NOT_FOUND,
             "%s: refused with %d, not UNSUPPORTED, INVALID_ARGUMENT or NOT_FOUND", url, st);
    }
  }
  if (c->h->fetchable_url != NULL && HAS(c, fetch_header) &&
      fetch_open(c, c->h->fetchable_url, &id) == WASP_OK) {
    uint8_t out[8];
    size_t n = 0;
    const char *name = "X-Wasp-Never-Sent";
    for (int i = 0; i < 10000; i++) {
      st = c->port->fetch_header(c->port->user, id, name, strlen(name), out, sizeof out, &n);
      if (st != WASP_ERR_WOULD_BLOCK) break;
      wait_us(c, 1000);
    }
    fetch_close(c, id);
    ENSURE(c, st == WASP_ERR_NOT_FOUND, "a header the response lacks must be WASP_ERR_NOT_FOUND, got %d",
           st);
  }
  if (features(c) & WASP_FEATURE_KV_STORE) {
    uint8_t out[4];
    size_t n;
    st = kv_get(c, "wasp-conformance-never-set", out, sizeof out, &n);
    ENSURE(c, st == WASP_ERR_NOT_FOUND, "a key never set must be WASP_ERR_NOT_FOUND, got %d", st);
  }
  if (features(c) & WASP_FEATURE_CRYPTO) {
    static const uint8_t key[16], iv[16];
    uint8_t data[15];
    size_t n;
    memset(data, 0, sizeof data);
    st = decrypt(c, WASP_CIPHER_CBC, key, iv, data, sizeof data, &n);
    ENSURE(c, st == WASP_ERR_INVALID_ARGUMENT, "CBC over 15 bytes must be WASP_ERR_INVALID_ARGUMENT, got %d",
           st);
  }
  return PASS;
}

/* ------------------------------------------------------------------ run */

typedef struct check {
  const char *name;
  int (*run)(ctx *c);
} check;

#define CHECK(f) {#f, f}
static const check CHECKS[] = {
    CHECK(clock_is_monotonic),
    CHECK(random_bytes_vary),
    CHECK(display_answers_are_usable),
    CHECK(decoder_answers_match_decoder_open),
    CHECK(decoder_lifecycle_queues_flushes_and_closes),
    CHECK(decoder_queue_pushes_back),
    CHECK(fetch_delivers_the_exact_body),
    CHECK(fetch_of_a_missing_resource_fails_cleanly),
    CHECK(kv_store_round_trips),
    CHECK(kv_outputs_only_when_they_fit),
    CHECK(kv_survives_a_crash),
    CHECK(images_upload_update_and_present),
    CHECK(media_clock_follows_rate_and_position),
    CHECK(decrypt_matches_the_aes_test_vector),
    CHECK(bad_arguments_get_error_codes),
};
#define CHECK_COUNT (sizeof CHECKS / sizeof CHECKS[0])

size_t wasp_conformance_check_count(void) { return CHECK_COUNT; }

const char *wasp_conformance_check_name(size_t index) {
  return index < CHECK_COUNT ? CHECKS[index].name : NULL;
}

static void print(const wasp_conformance_harness *h, const char *line) {
  if (h->print != NULL) {
    h->print(h->user, line);
  } else {
    printf("%s\n", line);
    fflush(stdout);
  }
}

int wasp_conformance_run(wasp_port **port, const wasp_conformance_harness *harness) {
  if (port == NULL || *port == NULL || harness == NULL || harness->wait == NULL) return -1;
  if ((*port)->struct_size < offsetof(wasp_port, log) + sizeof((*port)->log) ||
      (*port)->now_us == NULL || (*port)->log == NULL) {
    return -1;
  }
  ctx c;
  memset(&c, 0, sizeof c);
  c.port = *port;
  c.h = harness;
  int failed = 0, skipped = 0;
  char line[640];
  for (size_t i = 0; i < CHECK_COUNT; i++) {
    c.why[0] = '\0';
    int outcome = CHECKS[i].run(&c);
    if (outcome == PASS) {
      snprintf(line, sizeof line, "PASS %s", CHECKS[i].name);
    } else {
      snprintf(line, sizeof line, "%s %s: %s", outcome == FAIL ? "FAIL" : "SKIP", CHECKS[i].name,
               c.why);
      failed += outcome == FAIL;
      skipped += outcome == SKIP;
    }
    print(harness, line);
  }
  *port = c.port;
  snprintf(line, sizeof line, "%lu checks, %d failed, %d skipped", (unsigned long)CHECK_COUNT,
           failed, skipped);
  print(harness, line);
  return failed;
}
