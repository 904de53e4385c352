/*
 * A complete stub port: every callback of wasp_port, each answering "unsupported"
 * or an empty value. A starting point for a device's port, and a check that every
 * callback type in the header is implementable in strict C11.
 * Usage: stub_port <module.wasm>
 */
#include "common.h"

static int64_t stub_clock = 0;

static int64_t s_now_us(void *u) { (void)u; return stub_clock; }
static void s_log(void *u, uint32_t level, const char *line, size_t len) {
  (void)u;
  printf("log[%u] %.*s\n", (unsigned)level, (int)len, line);
}
static void s_random_fill(void *u, uint8_t *buf, size_t len) { (void)u; memset(buf, 0x5a, len); }
static int32_t s_poll_event(void *u, wasp_host_event *out) { (void)u; (void)out; return 0; }
static void s_on_state(void *u, uint32_t state, uint32_t reason) {
  (void)u;
  printf("state %u reason %u\n", (unsigned)state, (unsigned)reason);
}
static void s_on_report(void *u, uint32_t kind, const uint8_t *p, size_t len) { (void)u; (void)kind; (void)p; (void)len; }
static void s_fatal(void *u, const char *m, size_t len) { (void)u; fprintf(stderr, "fatal: %.*s\n", (int)len, m); }
static void s_decoding_info(void *u, const wasp_decoding_query *q, const char *codecs, size_t codecs_len, wasp_decoding_info *out) {
  (void)u; (void)q; (void)codecs; (void)codecs_len;
  memset(out, 0, sizeof *out); /* nothing decodes */
}
static void s_display_info(void *u, wasp_display_info *out) {
  (void)u;
  memset(out, 0, sizeof *out);
  out->width = 320;
  out->height = 240;
}
static void s_audio_info(void *u, wasp_audio_output_info *out) { (void)u; memset(out, 0, sizeof *out); }
static uint64_t s_features(void *u) { (void)u; return WASP_FEATURE_GRAPHICS | WASP_FEATURE_FETCH | WASP_FEATURE_INPUT; }
static wasp_status s_fetch_open(void *u, const wasp_fetch_request *r, const char *url, size_t url_len, const char *h, size_t h_len, uint32_t *out_id) {
  (void)u; (void)r; (void)url; (void)url_len; (void)h; (void)h_len; (void)out_id;
  return WASP_ERR_UNSUPPORTED;
}
static void s_fetch_info(void *u, uint32_t id, wasp_fetch_info *out) { (void)u; (void)id; memset(out, 0, sizeof *out); }
static wasp_status s_fetch_read(void *u, uint32_t id, uint8_t *buf, size_t cap, size_t *n) { (void)u; (void)id; (void)buf; (void)cap; (void)n; return WASP_ERR_BAD_HANDLE; }
static wasp_status s_fetch_header(void *u, uint32_t id, const char *name, size_t name_len, uint8_t *out, size_t cap, size_t *n) {
  (void)u; (void)id; (void)name; (void)name_len; (void)out; (void)cap; (void)n;
  return WASP_ERR_NOT_FOUND;
}
static wasp_status s_fetch_url(void *u, uint32_t id, uint8_t *out, size_t cap, size_t *n) { (void)u; (void)id; (void)out; (void)cap; (void)n; return WASP_ERR_UNSUPPORTED; }
static void s_fetch_close(void *u, uint32_t id) { (void)u; (void)id; }
static wasp_status s_decrypt(void *u, uint32_t mode, const uint8_t key[16], const uint8_t iv[16], uint8_t *data, size_t len, size_t *n) {
  (void)u; (void)mode; (void)key; (void)iv; (void)data; (void)len; (void)n;
  return WASP_ERR_UNSUPPORTED;
}
static wasp_status s_decoder_open(void *u, const wasp_decoder_config *c, const uint8_t *extra, size_t extra_len, uint32_t *out_id) {
  (void)u; (void)c; (void)extra; (void)extra_len; (void)out_id;
  return WASP_ERR_UNSUPPORTED;
}
static wasp_status s_decoder_submit(void *u, uint32_t id, const wasp_sample_info *s, const wasp_slice *pieces, size_t count, const wasp_encryption_info *e, const wasp_subsample *subs, size_t sub_count) {
  (void)u; (void)id; (void)s; (void)pieces; (void)count; (void)e; (void)subs; (void)sub_count;
  return WASP_ERR_BAD_HANDLE;
}
static void s_decoder_info(void *u, uint32_t id, wasp_decoder_stats *out) { (void)u; (void)id; memset(out, 0, sizeof *out); }
static void s_decoder_flush(void *u, uint32_t id) { (void)u; (void)id; }
static void s_decoder_close(void *u, uint32_t id) { (void)u; (void)id; }
static void s_media_clock(void *u, wasp_media_clock_info *out) { (void)u; memset(out, 0, sizeof *out); }
static void s_media_set_rate(void *u, uint32_t rate) { (void)u; (void)rate; }
static void s_media_set_position(void *u, int64_t pts) { (void)u; (void)pts; }
static wasp_status s_image_create(void *u, const wasp_image_desc *d, const uint8_t *px, size_t len, uint32_t *out_id) {
  (void)u; (void)d; (void)px; (void)len; (void)out_id;
  return WASP_ERR_UNSUPPORTED;
}
static void s_image_update(void *u, uint32_t id, const wasp_rect *r, const uint8_t *px, size_t len) { (void)u; (void)id; (void)r; (void)px; (void)len; }
static void s_image_free(void *u, uint32_t id) { (void)u; (void)id; }
static unsigned draws = 0;
static void s_draw(void *u, const uint8_t *records, size_t len) { (void)u; (void)records; (void)len; draws++; }
static unsigned presents = 0;
static void s_present(void *u) { (void)u; presents++; }
static wasp_status s_kv_get(void *u, const uint8_t *k, size_t kl, uint8_t *out, size_t cap, size_t *n) { (void)u; (void)k; (void)kl; (void)out; (void)cap; (void)n; return WASP_ERR_UNSUPPORTED; }
static wasp_status s_kv_set(void *u, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl) { (void)u; (void)k; (void)kl; (void)v; (void)vl; return WASP_ERR_UNSUPPORTED; }
static wasp_status s_kv_delete(void *u, const uint8_t *k, size_t kl) { (void)u; (void)k; (void)kl; return WASP_ERR_UNSUPPORTED; }

int main(int argc, char **argv) {
  static const wasp_port port = {
      sizeof(wasp_port), WASP_PORT_VERSION_MAJOR, NULL,
      s_now_us, s_log, s_random_fill, s_poll_event, s_on_state, s_on_report, s_fatal,
      s_decoding_info, s_display_info, s_audio_info, s_features,
      s_fetch_open, s_fetch_info, s_fetch_read, s_fetch_header, s_fetch_url, s_fetch_close,
      s_decrypt,
      s_decoder_open, s_decoder_submit, s_decoder_info, s_decoder_flush, s_decoder_close,
      s_media_clock, s_media_set_rate, s_media_set_position,
      s_image_create, s_image_update, s_image_free, s_draw, s_present,
      s_kv_get, s_kv_set, s_kv_delete};
  wasp_runtime *rt = NULL;
  size_t len = 0;
  uint8_t *module;
  uint32_t state = 99, reason = 99;

  if (argc != 2) return 2;
  module = read_file(argv[1], &len);
  if (module == NULL) return 2;
  CHECK_STATUS(wasp_runtime_new(&port, NULL, &rt), WASP_OK);
  if (rt == NULL) return 1;
  CHECK_STATUS(wasp_runtime_load(rt, module, len), WASP_OK);
  free(module);
  for (int i = 0; i < 5; i++) {
    stub_clock += 100000;
    CHECK_STATUS(wasp_runtime_tick(rt, stub_clock, NULL), WASP_OK);
  }
  /* A fetch the device cannot make: Error, reason Network. */
  CHECK_STATUS(wasp_runtime_load_url(rt, "https://a/b", 11, 0), WASP_OK);
  stub_clock += 100000;
  CHECK_STATUS(wasp_runtime_tick(rt, stub_clock, NULL), WASP_OK);
  CHECK_STATUS(wasp_runtime_state(rt, &state, &reason), WASP_OK);
  CHECK(state == WASP_STATE_ERROR && reason == WASP_REASON_NETWORK);
  CHECK(draws > 0 && presents == draws);
  CHECK_STATUS(wasp_runtime_destroy(rt), WASP_OK);
  printf("stub: draws %u, failures %d\n", draws, failures);
  return failures == 0 ? 0 : 1;
}
