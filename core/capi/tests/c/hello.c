/*
 * Runs the hello module through the C API with a C port: load, a Load command
 * served from memory, pause/play/stop, QoE, last error, destroy.
 * Usage: hello <module.wasm>
 */
#include "common.h"

int main(int argc, char **argv) {
  test_port tp;
  wasp_port port;
  wasp_config config;
  wasp_runtime *rt = NULL;
  uint8_t *module;
  size_t module_len = 0;
  static const char kConfig[] = "title=C port\n";
  uint32_t state = 99, reason = 99;
  wasp_qoe qoe;
  char text[256];
  size_t text_len = 0;

  if (argc != 2) return 2;
  module = read_file(argv[1], &module_len);
  if (module == NULL) return 2;

  memset(&tp, 0, sizeof tp);
  tp.now_us = 1000000;
  port = make_port(&tp);
  memset(&config, 0, sizeof config);
  config.struct_size = sizeof config;
  config.limits_preset = WASP_LIMITS_TV;
  config.module_config = kConfig;
  config.module_config_len = strlen(kConfig);

  CHECK(wasp_version() == 0x000100u);
  CHECK_STATUS(wasp_runtime_new(&port, &config, &rt), WASP_OK);
  CHECK(rt != NULL);
  if (rt == NULL) return 1;
  CHECK_STATUS(wasp_runtime_tick(rt, tp.now_us, NULL), WASP_ERR_NOT_LOADED);
  CHECK_STATUS(wasp_runtime_verify(rt, module, module_len), WASP_OK);
  CHECK_STATUS(wasp_runtime_load(rt, module, module_len), WASP_OK);
  if (failures) PRINT_LAST_ERROR(rt);
  free(module); /* the runtime keeps its own form */

  CHECK_STATUS(wasp_runtime_state(rt, &state, &reason), WASP_OK);
  CHECK(state == WASP_STATE_IDLE && reason == WASP_REASON_NONE);
  CHECK(logged(&tp, "hello: wasp 1.0"));
  CHECK(logged(&tp, "hello: display 1280x720"));

  CHECK_STATUS(wasp_runtime_load_url(rt, kFileUrl, strlen(kFileUrl), 0), WASP_OK);
  CHECK(tick_until(rt, &tp, WASP_STATE_PLAYING, 20));
  CHECK(logged(&tp, "hello: fetched 24 bytes: wasp over C"));
  CHECK(tp.fetch_open == 0); /* the module closed its fetch */

  CHECK_STATUS(wasp_runtime_pause(rt), WASP_OK);
  CHECK(tick_until(rt, &tp, WASP_STATE_PAUSED, 3));
  CHECK_STATUS(wasp_runtime_play(rt), WASP_OK);
  CHECK(tick_until(rt, &tp, WASP_STATE_PLAYING, 3));
  /* A second of ticks: the module reports QoE once per second. */
  for (int i = 0; i < 60; i++) {
    tp.now_us += 20000;
    CHECK_STATUS(wasp_runtime_tick(rt, tp.now_us, NULL), WASP_OK);
  }
  CHECK_STATUS(wasp_runtime_qoe(rt, &qoe), WASP_OK);
  CHECK(qoe.state == WASP_STATE_PLAYING);
  CHECK(qoe.position_us > 0);
  CHECK(tp.reports > 0);
  CHECK_STATUS(wasp_runtime_stop(rt), WASP_OK);
  CHECK(tick_until(rt, &tp, WASP_STATE_IDLE, 3));

  /* The state sequence the port saw, with reasons. */
  {
    static const uint32_t want_states[] = {
        WASP_STATE_IDLE,    WASP_STATE_LOADING, WASP_STATE_BUFFERING,
        WASP_STATE_PLAYING, WASP_STATE_PAUSED,  WASP_STATE_PLAYING,
        WASP_STATE_IDLE};
    static const uint32_t want_reasons[] = {
        WASP_REASON_NONE,    WASP_REASON_COMMAND, WASP_REASON_COMMAND,
        WASP_REASON_COMMAND, WASP_REASON_COMMAND, WASP_REASON_COMMAND,
        WASP_REASON_COMMAND};
    size_t n = sizeof want_states / sizeof want_states[0];
    CHECK(tp.state_count == n);
    for (size_t i = 0; i < n && i < tp.state_count; i++) {
      CHECK(tp.states[i] == want_states[i]);
      CHECK(tp.reasons[i] == want_reasons[i]);
    }
  }

  /* A rejected module: WASP_ERR_LOAD with text, and no module afterwards. */
  {
    static const uint8_t junk[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 0xff};
    CHECK_STATUS(wasp_runtime_load(rt, junk, sizeof junk), WASP_ERR_LOAD);
    CHECK_STATUS(wasp_runtime_last_error(rt, NULL, 0, &text_len), WASP_OK);
    CHECK(text_len > 0);
    CHECK_STATUS(wasp_runtime_last_error(rt, text, sizeof text, &text_len), WASP_OK);
    CHECK(strlen(text) == text_len);
    printf("last error: %s\n", text);
    CHECK_STATUS(wasp_runtime_tick(rt, tp.now_us, NULL), WASP_ERR_NOT_LOADED);
  }

  CHECK_STATUS(wasp_runtime_destroy(rt), WASP_OK);
  CHECK_STATUS(wasp_runtime_destroy(rt), WASP_ERR_BAD_HANDLE);
  printf("states %u, logs %u, failures %d\n", (unsigned)tp.state_count,
         (unsigned)tp.log_count, failures);
  return failures == 0 ? 0 : 1;
}
