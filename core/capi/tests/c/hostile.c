/*
 * Hostile use of the C API: NULL pointers, wrong struct sizes and versions, missing
 * callbacks, garbage and destroyed handles, oversize and malformed inputs, re-entry
 * from a callback, a port that lies about lengths. Every call must return its error.
 * Usage: hostile <module.wasm>
 */
#include "common.h"

static wasp_runtime *g_reentry_rt = NULL;
static wasp_status g_reentry_status = WASP_OK;
static int g_reentry_calls = 0;

/* A log callback that calls back into its own runtime. */
static void reentrant_log(void *user, uint32_t level, const char *line,
                          size_t len) {
  uint32_t s, r;
  tp_log(user, level, line, len);
  if (g_reentry_rt != NULL) {
    g_reentry_status = wasp_runtime_state(g_reentry_rt, &s, &r);
    g_reentry_calls++;
    if (wasp_runtime_destroy(g_reentry_rt) != WASP_ERR_INVALID_STATE) {
      g_reentry_status = WASP_ERR_INTERNAL;
    }
  }
}

int main(int argc, char **argv) {
  test_port tp;
  wasp_port port;
  wasp_config config;
  wasp_runtime *rt = NULL;
  uint8_t *module;
  size_t module_len = 0;
  uint32_t s = 0, r = 0;
  size_t len = 0;
  char small[4];
  wasp_qoe qoe;

  if (argc != 2) return 2;
  module = read_file(argv[1], &module_len);
  if (module == NULL) return 2;
  memset(&tp, 0, sizeof tp);
  port = make_port(&tp);
  memset(&config, 0, sizeof config);
  config.struct_size = sizeof config;

  /* Names exist for every code, known or not. */
  CHECK(strcmp(wasp_status_name(WASP_ERR_BAD_HANDLE), "bad or stale handle") == 0);
  CHECK(strcmp(wasp_status_name(12345), "unknown status") == 0);
  CHECK(strcmp(wasp_status_name(-99), "unknown status") == 0);

  /* wasp_runtime_new: NULLs, sizes, versions, required callbacks, presets. */
  CHECK_STATUS(wasp_runtime_new(NULL, NULL, &rt), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_runtime_new(&port, NULL, NULL), WASP_ERR_INVALID_ARGUMENT);
  CHECK(rt == NULL);
  {
    wasp_port p = port;
    p.struct_size = 8;
    CHECK_STATUS(wasp_runtime_new(&p, NULL, &rt), WASP_ERR_VERSION);
    p.struct_size = sizeof p - 3; /* not whole fields */
    CHECK_STATUS(wasp_runtime_new(&p, NULL, &rt), WASP_ERR_VERSION);
    p = port;
    p.version = WASP_PORT_VERSION_MAJOR + 1;
    CHECK_STATUS(wasp_runtime_new(&p, NULL, &rt), WASP_ERR_VERSION);
    p = port;
    p.version = 0;
    CHECK_STATUS(wasp_runtime_new(&p, NULL, &rt), WASP_ERR_VERSION);
    p = port;
    p.now_us = NULL;
    CHECK_STATUS(wasp_runtime_new(&p, NULL, &rt), WASP_ERR_INVALID_ARGUMENT);
    p = port;
    p.log = NULL;
    CHECK_STATUS(wasp_runtime_new(&p, NULL, &rt), WASP_ERR_INVALID_ARGUMENT);
    CHECK(rt == NULL);
  }
  {
    wasp_config c = config;
    c.struct_size = 4;
    CHECK_STATUS(wasp_runtime_new(&port, &c, &rt), WASP_ERR_VERSION);
    c = config;
    c.limits_preset = 7;
    CHECK_STATUS(wasp_runtime_new(&port, &c, &rt), WASP_ERR_INVALID_ARGUMENT);
    c = config;
    c.module_config = NULL;
    c.module_config_len = 10;
    CHECK_STATUS(wasp_runtime_new(&port, &c, &rt), WASP_ERR_INVALID_ARGUMENT);
    CHECK(rt == NULL);
  }

  /* NULL and garbage handles, before any runtime exists. */
  {
    uint64_t garbage[16];
    memset(garbage, 0xAB, sizeof garbage);
    wasp_runtime *fake = (wasp_runtime *)(void *)garbage;
    CHECK_STATUS(wasp_runtime_destroy(NULL), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_runtime_tick(NULL, 0, NULL), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_runtime_load(NULL, module, module_len), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_runtime_tick(fake, 0, NULL), WASP_ERR_BAD_HANDLE);
    CHECK_STATUS(wasp_runtime_state(fake, &s, &r), WASP_ERR_BAD_HANDLE);
    CHECK_STATUS(wasp_runtime_destroy(fake), WASP_ERR_BAD_HANDLE);
    CHECK_STATUS(wasp_runtime_play(fake), WASP_ERR_BAD_HANDLE);
  }

  /* A runtime with a small (v1.0-sized) port and the SMALL preset. */
  config.limits_preset = WASP_LIMITS_SMALL;
  CHECK_STATUS(wasp_runtime_new(&port, &config, &rt), WASP_OK);
  if (rt == NULL) return 1;

  /* NULL outputs and inputs on a live runtime. */
  CHECK_STATUS(wasp_runtime_state(rt, NULL, &r), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_runtime_state(rt, &s, NULL), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_runtime_qoe(rt, NULL), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_runtime_qoe(rt, &qoe), WASP_ERR_NOT_FOUND);
  CHECK_STATUS(wasp_runtime_load(rt, NULL, 100), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_runtime_load(rt, NULL, 0), WASP_ERR_LOAD);
  CHECK_STATUS(wasp_runtime_verify(rt, module, module_len / 2), WASP_ERR_LOAD);
  CHECK_STATUS(wasp_runtime_last_error(rt, NULL, 0, NULL), WASP_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(wasp_runtime_last_error(rt, NULL, 8, &len), WASP_ERR_INVALID_ARGUMENT);
  len = 12345;
  CHECK_STATUS(wasp_runtime_last_error(rt, small, sizeof small, &len), WASP_ERR_BUDGET_EXCEEDED);
  CHECK(len == 12345); /* outputs written only on success */
  CHECK_STATUS(wasp_runtime_restart(rt), WASP_ERR_NOT_LOADED);
  CHECK_STATUS(wasp_runtime_tick(rt, 0, NULL), WASP_ERR_NOT_LOADED);

  /* Malformed input events. */
  {
    static char big[WASP_MAX_ARGUMENT + 1];
    static const char not_utf8[] = {'\xff', '\xfe', 'a'};
    memset(big, 'a', sizeof big);
    CHECK_STATUS(wasp_runtime_command(rt, 99, 0, NULL, 0), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_runtime_command(rt, WASP_COMMAND_LOAD, 0, NULL, 5), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_runtime_command(rt, WASP_COMMAND_LOAD, 0, big, sizeof big), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_runtime_command(rt, WASP_COMMAND_LOAD, 0, big, sizeof big - 1), WASP_OK);
    CHECK_STATUS(wasp_runtime_load_url(rt, not_utf8, sizeof not_utf8, 0), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_runtime_key(rt, 0, WASP_KEY_DOWN, 0), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_runtime_key(rt, 18, 9, 0), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_runtime_key(rt, 0xFFFFFFFFu, WASP_KEY_DOWN, 0), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_runtime_device_event(rt, 1000, 0), WASP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(wasp_runtime_key(rt, 18 /* Left */, WASP_KEY_DOWN, 0), WASP_OK);
    /* The queue is bounded (16 for SMALL): it fills, then WOULD_BLOCK. */
    {
      int accepted = 2, blocked = 0;
      for (int i = 0; i < 40; i++) {
        wasp_status st = wasp_runtime_seek(rt, i);
        if (st == WASP_OK) accepted++;
        if (st == WASP_ERR_WOULD_BLOCK) blocked++;
      }
      CHECK(accepted == 16);
      CHECK(blocked == 42 - 16);
    }
  }

  /* A port that lies about a read length: the module sees an error, no overrun. */
  CHECK_STATUS(wasp_runtime_destroy(rt), WASP_OK);
  rt = NULL;
  CHECK_STATUS(wasp_runtime_new(&port, NULL, &rt), WASP_OK);
  if (rt == NULL) return 1;
  tp.lie_about_length = 1;
  CHECK_STATUS(wasp_runtime_load(rt, module, module_len), WASP_OK);
  CHECK_STATUS(wasp_runtime_load_url(rt, kFileUrl, strlen(kFileUrl), 0), WASP_OK);
  CHECK(tick_until(rt, &tp, WASP_STATE_ERROR, 10));
  CHECK_STATUS(wasp_runtime_state(rt, &s, &r), WASP_OK);
  CHECK(s == WASP_STATE_ERROR && r == WASP_REASON_NETWORK);
  CHECK(logged(&tp, "internal error"));

  /* Destroy, then every call on the old handle is refused. */
  CHECK_STATUS(wasp_runtime_destroy(rt), WASP_OK);
  CHECK_STATUS(wasp_runtime_destroy(rt), WASP_ERR_BAD_HANDLE);
  CHECK_STATUS(wasp_runtime_tick(rt, 0, NULL), WASP_ERR_BAD_HANDLE);
  CHECK_STATUS(wasp_runtime_state(rt, &s, &r), WASP_ERR_BAD_HANDLE);
  CHECK_STATUS(wasp_runtime_load(rt, module, module_len), WASP_ERR_BAD_HANDLE);

  /* Re-entry from a callback is refused, the outer call completes. */
  memset(&tp, 0, sizeof tp);
  port = make_port(&tp);
  port.log = reentrant_log;
  rt = NULL;
  CHECK_STATUS(wasp_runtime_new(&port, NULL, &rt), WASP_OK);
  g_reentry_rt = rt;
  CHECK_STATUS(wasp_runtime_load(rt, module, module_len), WASP_OK);
  CHECK(g_reentry_calls > 0);
  CHECK_STATUS(g_reentry_status, WASP_ERR_INVALID_STATE);
  g_reentry_rt = NULL;
  CHECK_STATUS(wasp_runtime_state(rt, &s, &r), WASP_OK);
  CHECK_STATUS(wasp_runtime_destroy(rt), WASP_OK);

  free(module);
  printf("hostile: failures %d\n", failures);
  return failures == 0 ? 0 : 1;
}
