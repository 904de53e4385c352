/*
 * The V4L2 decoder's bitstream preparation, without a device (v4l2.c is
 * included whole): the avcC of the CMAF sample's init segment gives its SPS and
 * PPS as Annex B; length-prefixed units become start-code units with the
 * parameter sets before the first only; malformed records and units are refused.
 * Usage: v4l2_bitstream <init-0.m4s>
 */
#include "../../c/v4l2.c"

#include <stdio.h>

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                              \
    }                                                                          \
  } while (0)

/* The payload of the first `avcC` box in |b|, or NULL. */
static const uint8_t *find_avcc(const uint8_t *b, size_t n, size_t *len) {
  for (size_t i = 4; i + 4 <= n; i++) {
    if (memcmp(b + i, "avcC", 4) == 0) {
      size_t size = (size_t)b[i - 4] << 24 | (size_t)b[i - 3] << 16 | (size_t)b[i - 2] << 8 |
                    b[i - 1];
      if (size < 8 || i - 4 + size > n) return NULL;
      *len = size - 8;
      return b + i + 4;
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  static uint8_t init[4096];
  size_t n = 0, avcc_len = 0;
  const uint8_t *avcc;
  FILE *f;
  v4l2_dec v;
  if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) return 2;
  n = fread(init, 1, sizeof init, f);
  fclose(f);
  avcc = find_avcc(init, n, &avcc_len);
  CHECK(avcc != NULL);
  if (avcc == NULL) return 1;

  memset(&v, 0, sizeof v);
  CHECK(parse_config(&v, 0, avcc, avcc_len));
  CHECK(v.length_size == 4);
  /* SPS (NAL type 7) first, then the PPS (type 8), each after a start code. */
  CHECK(v.params_len > 8 && memcmp(v.params, "\0\0\0\1", 4) == 0 && (v.params[4] & 0x1f) == 7);
  {
    int pps = 0;
    for (size_t i = 4; i + 4 < v.params_len; i++) {
      if (memcmp(v.params + i, "\0\0\0\1", 4) == 0 && (v.params[i + 4] & 0x1f) == 8) pps = 1;
    }
    CHECK(pps);
  }

  /* Two length-prefixed NAL units -> start codes, parameter sets first once. */
  {
    static const uint8_t unit[] = {0, 0, 0, 2, 0x65, 0xAA, 0, 0, 0, 1, 0x41};
    uint8_t out[2048];
    size_t len = to_annexb(&v, unit, sizeof unit, out, sizeof out);
    CHECK(len == v.params_len + 6 + 5);
    CHECK(memcmp(out, v.params, v.params_len) == 0);
    CHECK(memcmp(out + v.params_len, "\0\0\0\1\x65\xAA\0\0\0\1\x41", 11) == 0);
    v.params_sent = 1;
    len = to_annexb(&v, unit, sizeof unit, out, sizeof out);
    CHECK(len == 11 && memcmp(out, "\0\0\0\1\x65\xAA", 6) == 0);
    /* A length past the unit, a truncated length, a buffer too small: refused. */
    {
      static const uint8_t over[] = {0, 0, 0, 9, 0x65};
      static const uint8_t short_len[] = {0, 0};
      CHECK(to_annexb(&v, over, sizeof over, out, sizeof out) == 0);
      CHECK(to_annexb(&v, short_len, sizeof short_len, out, sizeof out) == 0);
      CHECK(to_annexb(&v, unit, sizeof unit, out, 10) == 0);
    }
    /* Annex B input passes through. */
    v.annexb = 1;
    len = to_annexb(&v, unit, sizeof unit, out, sizeof out);
    CHECK(len == sizeof unit && memcmp(out, unit, len) == 0);
  }

  /* Malformed records are refused. */
  {
    v4l2_dec w;
    static const uint8_t bad_version[] = {2, 0x64, 0, 0x1e, 0xff, 0xe1, 0, 1, 0x67};
    static const uint8_t truncated[] = {1, 0x64, 0, 0x1e, 0xff, 0xe1, 0, 9, 0x67};
    memset(&w, 0, sizeof w);
    CHECK(!parse_config(&w, 0, bad_version, sizeof bad_version));
    memset(&w, 0, sizeof w);
    CHECK(!parse_config(&w, 0, truncated, sizeof truncated));
    memset(&w, 0, sizeof w);
    CHECK(!parse_config(&w, 1, avcc, 10)); /* too short for an hvcC */
  }
  /* No such device: the reason says so. */
  {
    char why[128];
    CHECK(v4l2_open("/nonexistent/video10", 0, 1, NULL, 0, why, sizeof why) == NULL);
    CHECK(strcmp(why, "cannot open the device") == 0);
    CHECK(v4l2_open("/dev/null", 0, 1, NULL, 0, why, sizeof why) == NULL);
    CHECK(strcmp(why, "not a V4L2 device") == 0);
  }
  printf("v4l2_bitstream: failures %d\n", failures);
  return failures == 0 ? 0 : 1;
}
