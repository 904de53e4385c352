/*
 * The reference rasteriser through wasp_raster.h: pixels worked out by hand
 * (docs/raster.md), then every entry point with hostile arguments (NULL, short
 * buffers, bad strides and formats, unknown ids, garbage and destroyed handles):
 * an error each time, nothing written, never a crash; a banded raster's bands
 * against the full plane, and its hostile calls.
 * Usage: raster [ignored]
 */
#include <stdint.h>

#include "common.h"
#include "wasp_raster.h"

/* ABI values (docs/abi.md): pixel formats and draw opcodes. */
enum { FMT_RGBA = 1, FMT_A8 = 2, FMT_RGB565 = 3, FMT_I420 = 16 };
enum { OP_CLEAR = 1, OP_FILL_RECT = 2, OP_IMAGE = 3, OP_CLIP = 5 };

typedef struct list {
  uint8_t bytes[512];
  size_t len;
} list;

static void put_u32(list *l, uint32_t v) {
  for (int i = 0; i < 4; i++) l->bytes[l->len++] = (uint8_t)(v >> (8 * i));
}

static void put_header(list *l, uint16_t kind, uint16_t len) {
  l->bytes[l->len++] = (uint8_t)kind;
  l->bytes[l->len++] = (uint8_t)(kind >> 8);
  l->bytes[l->len++] = (uint8_t)len;
  l->bytes[l->len++] = (uint8_t)(len >> 8);
}

static void put_rect(list *l, int32_t x, int32_t y, uint32_t w, uint32_t h) {
  put_u32(l, (uint32_t)x);
  put_u32(l, (uint32_t)y);
  put_u32(l, w);
  put_u32(l, h);
}

/* Colour as the ABI's u32: little-endian bytes R, G, B, A (premultiplied). */
static uint32_t color(uint8_t r, uint8_t g, uint8_t b, uint8_t a) {
  return (uint32_t)r | (uint32_t)g << 8 | (uint32_t)b << 16 | (uint32_t)a << 24;
}

static void clear(list *l, uint32_t c) {
  put_header(l, OP_CLEAR, 4);
  put_u32(l, c);
}

static void fill(list *l, int32_t x, int32_t y, uint32_t w, uint32_t h, uint32_t c) {
  put_header(l, OP_FILL_RECT, 20);
  put_rect(l, x, y, w, h);
  put_u32(l, c);
}

static void image(list *l, uint32_t id, uint32_t sw, uint32_t sh, uint32_t dw,
                  uint32_t dh) {
  put_header(l, OP_IMAGE, 40);
  put_rect(l, 0, 0, sw, sh);
  put_rect(l, 0, 0, dw, dh);
  put_u32(l, id);
  put_u32(l, 0xFFFFFFFFu);
}

static const uint8_t *pixel(wasp_raster *r, uint32_t x, uint32_t y) {
  const uint8_t *plane = NULL;
  size_t len = 0;
  uint32_t w = 0, h = 0;
  if (wasp_raster_plane(r, &plane, &len) != WASP_OK) return NULL;
  if (wasp_raster_size(r, &w, &h) != WASP_OK || x >= w || y >= h) return NULL;
  return plane + ((size_t)y * w + x) * 4;
}

static int pixel_is(wasp_raster *r, uint32_t x, uint32_t y, uint8_t cr, uint8_t cg,
                    uint8_t cb, uint8_t ca) {
  const uint8_t *p = pixel(r, x, y);
  if (p == NULL) return 0;
  if (p[0] == cr && p[1] == cg && p[2] == cb && p[3] == ca) return 1;
  fprintf(stderr, "pixel %u,%u = %u %u %u %u, want %u %u %u %u\n", (unsigned)x,
          (unsigned)y, p[0], p[1], p[2], p[3], cr, cg, cb, ca);
  return 0;
}

/* An I420 frame over the given planes (chroma rows `uv_stride` apart). */
static wasp_video_frame frame_of(const uint8_t *y, size_t y_len, const uint8_t *u,
                                 const uint8_t *v, size_t uv_len, uint32_t width,
                                 uint32_t height, uint32_t uv_stride) {
  wasp_video_frame f;
  f.y = y;
  f.u = u;
  f.v = v;
  f.y_len = y_len;
  f.u_len = uv_len;
  f.v_len = uv_len;
  f.width = width;
  f.height = height;
  f.y_stride = width;
  f.uv_stride = uv_stride;
  return f;
}

static void reference_pixels(void) {
  wasp_raster *r = NULL;
  list l = {{0}, 0};
  uint32_t n = 99, id = 0;
  /* A 2x1 RGBA image: opaque red, then 50% black (0, 0, 0, 128). */
  static const uint8_t img[8] = {255, 0, 0, 255, 0, 0, 0, 128};
  wasp_image_desc desc = {2, 1, 8, FMT_RGBA};
  CHECK_STATUS(wasp_raster_new(8, 4, &r), WASP_OK);
  if (r == NULL) return;
  CHECK(pixel_is(r, 0, 0, 0, 0, 0, 0)); /* starts transparent */
  CHECK_STATUS(wasp_raster_image_create(r, &desc, img, sizeof img, &id), WASP_OK);
  CHECK(id != 0);

  clear(&l, color(255, 255, 255, 255));
  /* rgba(255, 0, 0, 128) = (128, 0, 0, 128) over white: 128 + div255(255 * 127)
   * = 255 for red, div255(255 * 127) = 127 for green and blue. */
  fill(&l, 0, 0, 1, 1, color(128, 0, 0, 128));
  /* 2 -> 4 samples 0, 0, 1, 1: red, red, then 50% black over white = 127. */
  image(&l, id, 2, 1, 4, 1);
  CHECK_STATUS(wasp_raster_draw(r, l.bytes, l.len, &n), WASP_OK);
  CHECK(n == 3);
  CHECK(pixel_is(r, 0, 0, 255, 0, 0, 255));
  CHECK(pixel_is(r, 1, 0, 255, 0, 0, 255));
  CHECK(pixel_is(r, 2, 0, 127, 127, 127, 255));
  CHECK(pixel_is(r, 3, 0, 127, 127, 127, 255));
  CHECK(pixel_is(r, 4, 0, 255, 255, 255, 255));

  /* An update replaces the image's first pixel: green. */
  {
    static const uint8_t green[4] = {0, 255, 0, 255};
    wasp_rect rect = {0, 0, 1, 1};
    CHECK_STATUS(wasp_raster_image_update(r, id, &rect, green, 4), WASP_OK);
  }
  /* The clip carries from one draw to the next until the frame ends. */
  l.len = 0;
  put_header(&l, OP_CLIP, 16);
  put_rect(&l, 0, 1, 8, 1);
  CHECK_STATUS(wasp_raster_draw(r, l.bytes, l.len, NULL), WASP_OK);
  l.len = 0;
  image(&l, id, 2, 1, 2, 4);
  CHECK_STATUS(wasp_raster_draw(r, l.bytes, l.len, NULL), WASP_OK);
  CHECK(pixel_is(r, 0, 0, 255, 0, 0, 255)); /* row 0 clipped out */
  CHECK(pixel_is(r, 0, 1, 0, 255, 0, 255));
  CHECK(pixel_is(r, 0, 2, 255, 255, 255, 255)); /* row 2 clipped out */
  CHECK_STATUS(wasp_raster_end_frame(r), WASP_OK);
  CHECK_STATUS(wasp_raster_draw(r, l.bytes, l.len, NULL), WASP_OK);
  CHECK(pixel_is(r, 0, 0, 0, 255, 0, 255)); /* unclipped again */

  /* Compose over video: BT.709 white (235, 128, 128) is (255, 255, 255); a
   * transparent plane shows it, the plane's opaque pixels cover it. */
  {
    uint8_t y[8 * 4], u[4 * 2], v[4 * 2], out[8 * 4 * 4];
    wasp_video_frame frame;
    memset(y, 235, sizeof y);
    memset(u, 128, sizeof u);
    memset(v, 128, sizeof v);
    frame = frame_of(y, sizeof y, u, v, sizeof u, 8, 4, 4);
    l.len = 0;
    clear(&l, 0);
    fill(&l, 0, 0, 1, 1, color(0, 0, 0, 128));
    CHECK_STATUS(wasp_raster_draw(r, l.bytes, l.len, NULL), WASP_OK);
    CHECK_STATUS(wasp_raster_compose(r, &frame, WASP_RASTER_RGBA8888, out, sizeof out),
                 WASP_OK);
    /* 50% black over white: div255(255 * 127) = 127; A is 255. */
    CHECK(out[0] == 127 && out[1] == 127 && out[2] == 127 && out[3] == 255);
    CHECK(out[4] == 255 && out[5] == 255 && out[6] == 255 && out[7] == 255);
    /* No video: black under the plane. RGB888 rows are packed. */
    CHECK_STATUS(wasp_raster_compose(r, NULL, WASP_RASTER_RGB888, out, 8 * 4 * 3),
                 WASP_OK);
    CHECK(out[0] == 0 && out[3] == 0 && out[8 * 4 * 3 - 1] == 0);
  }
  CHECK_STATUS(wasp_raster_image_free(r, id), WASP_OK);
  CHECK_STATUS(wasp_raster_image_free(r, id), WASP_ERR_NOT_FOUND);
  CHECK_STATUS(wasp_raster_destroy(r), WASP_OK);
}

static void hostile_calls(void) {
  wasp_raster *r = NULL;
  uint32_t id = 0, n = 0, w = 0, h = 0;
  const uint8_t *plane = NULL;
  size_t len = 0;
  uint8_t px[64];
  uint64_t garbage[8];
  wasp_raster *fake = (wasp_raster *)(void *)garbage;
  memset(px, 0x5a, sizeof px);
  memset(garbage, 0, sizeof garbage);

  /* new */
  CHECK_STATUS(wasp_raster_new(4, 4, NULL), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_raster_new(16385, 4, &r), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_raster_new(4, 0xFFFFFFFFu, &r), WASP_ERR_INVALID_ARGUMENT);
  CHECK(r == NULL); /* outputs only on success */
  CHECK_STATUS(wasp_raster_new(4, 4, &r), WASP_OK);
  if (r == NULL) return;

  /* NULL and garbage handles, everywhere */
  CHECK_STATUS(wasp_raster_destroy(NULL), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_raster_destroy(fake), WASP_ERR_BAD_HANDLE);
  CHECK_STATUS(wasp_raster_draw(NULL, NULL, 0, &n), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_raster_draw(fake, NULL, 0, &n), WASP_ERR_BAD_HANDLE);
  CHECK_STATUS(wasp_raster_end_frame(fake), WASP_ERR_BAD_HANDLE);
  CHECK_STATUS(wasp_raster_size(fake, &w, &h), WASP_ERR_BAD_HANDLE);
  CHECK_STATUS(wasp_raster_image_free(fake, 1), WASP_ERR_BAD_HANDLE);

  /* image_create */
  {
    wasp_image_desc ok = {2, 2, 8, FMT_RGBA};
    wasp_image_desc d = ok;
    CHECK_STATUS(wasp_raster_image_create(r, NULL, px, 16, &id), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_raster_image_create(r, &ok, px, 16, NULL), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_raster_image_create(r, &ok, NULL, 16, &id), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_raster_image_create(r, &ok, px, 15, &id), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_raster_image_create(r, &ok, px, 17, &id), WASP_ERR_INVALID_ARGUMENT);
    d.stride = 7; /* below width * 4 */
    CHECK_STATUS(wasp_raster_image_create(r, &d, px, 14, &id), WASP_ERR_INVALID_ARGUMENT);
    d = ok;
    d.format = FMT_I420; /* a video format, not an image format */
    CHECK_STATUS(wasp_raster_image_create(r, &d, px, 16, &id), WASP_ERR_INVALID_ARGUMENT);
    d.format = 0;
    CHECK_STATUS(wasp_raster_image_create(r, &d, px, 16, &id), WASP_ERR_INVALID_ARGUMENT);
    d.format = 99;
    CHECK_STATUS(wasp_raster_image_create(r, &d, px, 16, &id), WASP_ERR_INVALID_ARGUMENT);
    d = ok;
    d.stride = 0xFFFFFFFFu;
    d.height = 0xFFFFFFFFu;
    CHECK_STATUS(wasp_raster_image_create(r, &d, px, 16, &id), WASP_ERR_INVALID_ARGUMENT);
    CHECK(id == 0);
    CHECK_STATUS(wasp_raster_image_create(fake, &ok, px, 16, &id), WASP_ERR_BAD_HANDLE);
    d = ok;
    d.format = FMT_A8;
    d.stride = 2;
    CHECK_STATUS(wasp_raster_image_create(r, &d, px, 4, &id), WASP_OK);
    CHECK_STATUS(wasp_raster_image_free(r, id), WASP_OK);
    d.format = FMT_RGB565;
    d.stride = 4;
    CHECK_STATUS(wasp_raster_image_create(r, &d, px, 8, &id), WASP_OK);
  }

  /* image_update */
  {
    wasp_rect rect = {0, 0, 2, 2};
    wasp_rect out_left = {-1, 0, 1, 1};
    wasp_rect too_wide = {1, 0, 2, 1};
    wasp_rect huge = {0x7FFFFFFF, 0x7FFFFFFF, 0xFFFFFFFFu, 0xFFFFFFFFu};
    CHECK_STATUS(wasp_raster_image_update(r, id, NULL, px, 8), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_raster_image_update(r, id, &rect, NULL, 8), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_raster_image_update(r, id, &rect, px, 7), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_raster_image_update(r, id, &out_left, px, 2), WASP_ERR_OUT_OF_BOUNDS);
    CHECK_STATUS(wasp_raster_image_update(r, id, &too_wide, px, 4), WASP_ERR_OUT_OF_BOUNDS);
    CHECK_STATUS(wasp_raster_image_update(r, id, &huge, px, 8), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_raster_image_update(r, id + 1000, &rect, px, 8), WASP_ERR_NOT_FOUND);
    CHECK_STATUS(wasp_raster_image_update(r, id, &rect, px, 8), WASP_OK);
  }

  /* draw: a malformed list draws nothing */
  {
    list l = {{0}, 0};
    uint8_t before[4 * 4 * 4];
    CHECK_STATUS(wasp_raster_draw(r, NULL, 4, &n), WASP_ERR_INVALID_ARGUMENT);
    n = 77;
    CHECK_STATUS(wasp_raster_draw(r, NULL, 0, &n), WASP_OK);
    CHECK(n == 0);
    CHECK_STATUS(wasp_raster_plane(r, &plane, &len), WASP_OK);
    CHECK(len == sizeof before);
    memcpy(before, plane, sizeof before);
    clear(&l, color(9, 9, 9, 9));
    put_header(&l, OP_FILL_RECT, 8); /* a short payload */
    put_u32(&l, 0);
    put_u32(&l, 0);
    n = 77;
    CHECK_STATUS(wasp_raster_draw(r, l.bytes, l.len, &n), WASP_ERR_INVALID_ARGUMENT);
    CHECK(n == 77);
    CHECK_STATUS(wasp_raster_draw(r, l.bytes, l.len - 3, &n), WASP_ERR_INVALID_ARGUMENT);
    CHECK(memcmp(before, plane, sizeof before) == 0);
    /* Unknown opcode skipped, unknown image draws nothing. */
    l.len = 0;
    put_header(&l, 999, 2);
    l.bytes[l.len++] = 1;
    l.bytes[l.len++] = 2;
    image(&l, 12345, 2, 2, 4, 4);
    CHECK_STATUS(wasp_raster_draw(r, l.bytes, l.len, &n), WASP_OK);
    CHECK(n == 1);
    CHECK(memcmp(before, plane, sizeof before) == 0);
  }

  /* plane, size */
  CHECK_STATUS(wasp_raster_plane(r, NULL, &len), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_raster_plane(r, &plane, NULL), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_raster_size(r, NULL, &h), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_raster_size(r, &w, &h), WASP_OK);
  CHECK(w == 4 && h == 4);

  /* compose: short output, bad format, bad video; nothing written on error */
  {
    uint8_t out[4 * 4 * 4 + 1];
    uint8_t y[16], uv[4];
    wasp_video_frame f;
    memset(y, 16, sizeof y);
    memset(uv, 128, sizeof uv);
    f = frame_of(y, sizeof y, uv, uv, sizeof uv, 4, 4, 2);
    memset(out, 0xEE, sizeof out);
    CHECK_STATUS(wasp_raster_compose(r, &f, WASP_RASTER_RGB888, out, 47),
                 WASP_ERR_BUDGET_EXCEEDED);
    CHECK_STATUS(wasp_raster_compose(r, &f, 2, out, sizeof out), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_raster_compose(r, &f, WASP_RASTER_RGB888, NULL, 48),
                 WASP_ERR_INVALID_ARGUMENT);
    f.y_stride = 3; /* below the width */
    CHECK_STATUS(wasp_raster_compose(r, &f, WASP_RASTER_RGB888, out, sizeof out),
                 WASP_ERR_INVALID_ARGUMENT);
    f.y_stride = 4;
    f.y_len = 15; /* one byte short of its rows */
    CHECK_STATUS(wasp_raster_compose(r, &f, WASP_RASTER_RGB888, out, sizeof out),
                 WASP_ERR_INVALID_ARGUMENT);
    f.y_len = 16;
    f.u_len = 3;
    CHECK_STATUS(wasp_raster_compose(r, &f, WASP_RASTER_RGB888, out, sizeof out),
                 WASP_ERR_INVALID_ARGUMENT);
    f.u_len = 4;
    f.v = NULL; /* NULL with a length */
    CHECK_STATUS(wasp_raster_compose(r, &f, WASP_RASTER_RGB888, out, sizeof out),
                 WASP_ERR_INVALID_ARGUMENT);
    f.v = uv;
    f.uv_stride = 0xFFFFFFFFu;
    CHECK_STATUS(wasp_raster_compose(r, &f, WASP_RASTER_RGB888, out, sizeof out),
                 WASP_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < sizeof out; i++) CHECK(out[i] == 0xEE);
    f.uv_stride = 2;
    CHECK_STATUS(wasp_raster_compose(r, &f, WASP_RASTER_RGB888, out, sizeof out), WASP_OK);
    CHECK(out[48] == 0xEE); /* exactly width * height * 3 written */
  }

  /* destroyed handle */
  CHECK_STATUS(wasp_raster_destroy(r), WASP_OK);
  CHECK_STATUS(wasp_raster_destroy(r), WASP_ERR_BAD_HANDLE);
  CHECK_STATUS(wasp_raster_draw(r, NULL, 0, &n), WASP_ERR_BAD_HANDLE);
  CHECK_STATUS(wasp_raster_image_free(r, id), WASP_ERR_BAD_HANDLE);
  CHECK_STATUS(wasp_raster_compose(r, NULL, WASP_RASTER_RGB888, px, sizeof px),
               WASP_ERR_BAD_HANDLE);

  /* A zero-size plane is valid and draws nothing. */
  CHECK_STATUS(wasp_raster_new(0, 0, &r), WASP_OK);
  {
    list l = {{0}, 0};
    clear(&l, color(1, 1, 1, 1));
    CHECK_STATUS(wasp_raster_draw(r, l.bytes, l.len, &n), WASP_OK);
    CHECK_STATUS(wasp_raster_compose(r, NULL, WASP_RASTER_RGB888, NULL, 0), WASP_OK);
  }
  CHECK_STATUS(wasp_raster_destroy(r), WASP_OK);
}

/* What a banded raster handed out: the bands' bytes in order and their rows. */
typedef struct bands_seen {
  uint8_t pixels[7 * 5 * 4];
  size_t len;
  uint32_t next_y, calls;
  wasp_status answer; /* what the callback returns */
} bands_seen;

static wasp_status take_band(void *user, uint32_t y0, uint32_t rows, uint8_t *pixels,
                             size_t stride) {
  bands_seen *seen = user;
  size_t bytes = (size_t)rows * stride;
  if (y0 != seen->next_y || stride != 7 * 4 || seen->len + bytes > sizeof seen->pixels) {
    fprintf(stderr, "band y0 %u rows %u stride %u unexpected\n", (unsigned)y0,
            (unsigned)rows, (unsigned)stride);
    failures++;
    return WASP_ERR_INTERNAL;
  }
  memcpy(seen->pixels + seen->len, pixels, bytes);
  memset(pixels, 0x5A, bytes); /* the port may narrow the band in place */
  seen->len += bytes;
  seen->next_y = y0 + rows;
  seen->calls++;
  return seen->answer;
}

/* A banded raster (API 1.2) from C: 7x5 in bands of 2 rows equals the full plane
 * byte for byte; then its hostile calls. */
static void banded(void) {
  wasp_raster *full = NULL, *b = NULL;
  uint32_t n = 0;
  list l = {{0}, 0};
  clear(&l, color(0, 0, 40, 255));
  fill(&l, 2, 1, 4, 3, color(128, 0, 0, 128));
  CHECK_STATUS(wasp_raster_new(7, 5, &full), WASP_OK);
  CHECK_STATUS(wasp_raster_new_banded(7, 5, 2, 256, &b), WASP_OK);
  CHECK_STATUS(wasp_raster_draw(full, l.bytes, l.len, &n), WASP_OK);
  CHECK_STATUS(wasp_raster_draw(b, l.bytes, l.len, &n), WASP_OK);
  CHECK(n == 2);
  bands_seen seen;
  memset(&seen, 0, sizeof seen);
  CHECK_STATUS(wasp_raster_present_bands(b, take_band, &seen), WASP_OK);
  const uint8_t *plane = NULL;
  size_t len = 0;
  CHECK_STATUS(wasp_raster_plane(full, &plane, &len), WASP_OK);
  CHECK(seen.calls == 3 && seen.len == len && len == sizeof seen.pixels);
  CHECK(plane != NULL && memcmp(seen.pixels, plane, len) == 0);
  size_t high = 0;
  CHECK_STATUS(wasp_raster_records_high_water(b, &high), WASP_OK);
  CHECK(high == l.len + WASP_RASTER_RECORD_OVERHEAD);

  /* A callback's error stops the frame and comes back. */
  memset(&seen, 0, sizeof seen);
  seen.answer = WASP_ERR_IO;
  CHECK_STATUS(wasp_raster_draw(b, l.bytes, l.len, NULL), WASP_OK);
  CHECK_STATUS(wasp_raster_present_bands(b, take_band, &seen), WASP_ERR_IO);
  CHECK(seen.calls == 1);

  /* Hostile: sizes, NULLs, budget, the other kind of raster. */
  wasp_raster *none = NULL;
  CHECK_STATUS(wasp_raster_new_banded(0, 5, 1, 256, &none), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_raster_new_banded(7, 0, 1, 256, &none), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_raster_new_banded(7, 5, 0, 256, &none), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_raster_new_banded(7, 5, 6, 256, &none), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_raster_new_banded(7, 5, 1, 0, &none), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_raster_new_banded(7, 5, 1, (size_t)WASP_RASTER_MAX_RECORD_BYTES + 1, &none),
               WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_raster_new_banded(7, 5, 1, 256, NULL), WASP_ERR_INVALID_ARGUMENT);
  CHECK(none == NULL);
  CHECK_STATUS(wasp_raster_present_bands(b, NULL, &seen), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_raster_present_bands(full, take_band, &seen), WASP_ERR_UNSUPPORTED);
  CHECK_STATUS(wasp_raster_plane(b, &plane, &len), WASP_ERR_UNSUPPORTED);
  CHECK_STATUS(wasp_raster_records_high_water(b, NULL), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_raster_destroy(b), WASP_OK);
  CHECK_STATUS(wasp_raster_new_banded(7, 5, 5, 8, &b), WASP_OK);
  CHECK_STATUS(wasp_raster_draw(b, l.bytes, l.len, NULL), WASP_ERR_BUDGET_EXCEEDED);
  CHECK_STATUS(wasp_raster_destroy(b), WASP_OK);
  CHECK_STATUS(wasp_raster_present_bands(b, take_band, &seen), WASP_ERR_BAD_HANDLE);
  CHECK_STATUS(wasp_raster_destroy(full), WASP_OK);
}

int main(void) {
  reference_pixels();
  hostile_calls();
  banded();
  printf("raster: failures %d\n", failures);
  return failures == 0 ? 0 : 1;
}
