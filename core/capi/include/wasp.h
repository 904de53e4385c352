/*
 * wasp.h — the embedding API of the wasp runtime, for device firmware.
 *
 * Module overview
 * ---------------
 * Firmware creates one runtime per player with a port (wasp_port.h) and a
 * configuration, loads a player module (WebAssembly bytes), then calls
 * `wasp_runtime_tick` whenever the module asked to run (the `next_us` it returns)
 * or an event arrived. Input (keys, commands, device events) is queued with the
 * `wasp_runtime_key` / `_command` / `_device_event` calls and delivered on the
 * next tick. The module reports its state and QoE through the port's `on_state`
 * and `on_report`; the latest values can also be read back here.
 *
 * Threading: a runtime is single-threaded. All calls on one runtime must come from
 * one thread at a time (not checked), and every port callback runs on the calling
 * thread, inside the call that caused it. Separate runtimes may live on separate
 * threads. No call blocks on its own; `_new`, `_verify`, `_load` and `_tick` run
 * port callbacks, so they block as long as those do. `_verify` and `_load`
 * validate the whole module (milliseconds to tens of milliseconds per MiB).
 *
 * Errors: every function returns a `wasp_status` (WASP_OK or a negative
 * WASP_ERR_*, defined in wasp_port.h). Outputs are written only on WASP_OK.
 * A failing call on a runtime records text for `wasp_runtime_last_error`.
 * NULL pointers, wrong struct sizes and versions, destroyed or unknown handles
 * are answered with an error, never a crash (see docs/capi.md for the limits of
 * handle checks). A panic inside the library never crosses into C: the call
 * returns WASP_ERR_INTERNAL and the runtime answers WASP_ERR_INTERNAL from then
 * on, except `wasp_runtime_destroy` (needs unwinding: not in panic=abort builds).
 */
#ifndef WASP_H_
#define WASP_H_

#include "wasp_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- Constants */

/** Major version of this API: a change breaks existing callers. */
#define WASP_API_VERSION_MAJOR 1
/** Minor version: functions and appended struct fields only. */
#define WASP_API_VERSION_MINOR 2

#if WASP_PORT_VERSION_MAJOR != WASP_API_VERSION_MAJOR
#error "wasp.h and wasp_port.h come from different major versions"
#endif
#if defined(WASP_REQUIRE_API_MINOR) && WASP_REQUIRE_API_MINOR > WASP_API_VERSION_MINOR
#error "this wasp.h is older than the API minor version the firmware requires"
#endif

/** Commands for `wasp_runtime_command` (the ABI's `Command`). */
#define WASP_COMMAND_LOAD 0u
#define WASP_COMMAND_PLAY 1u
#define WASP_COMMAND_PAUSE 2u
#define WASP_COMMAND_SEEK 3u
#define WASP_COMMAND_SEEK_RELATIVE 4u
#define WASP_COMMAND_STOP 5u
#define WASP_COMMAND_SELECT_AUDIO 6u
#define WASP_COMMAND_SELECT_SUBTITLE 7u
#define WASP_COMMAND_SET_QUALITY 8u

/** Longest command argument (a URL or a language tag), bytes. */
#define WASP_MAX_ARGUMENT 2048u

/** Limit presets (`wasp_config.limits_preset`). */
#define WASP_LIMITS_TV 0u
#define WASP_LIMITS_SMALL 1u

/* -------------------------------------------------------------------- Types */

/** A runtime: opaque, created by `wasp_runtime_new`, freed by `wasp_runtime_destroy`. */
typedef struct wasp_runtime wasp_runtime;

/**
 * How to create a runtime. Set `struct_size` to sizeof(wasp_config); fields are
 * only ever appended. A zero limit field keeps the preset's value.
 */
typedef struct wasp_config {
  /** sizeof(wasp_config) as compiled by the caller. */
  uint32_t struct_size;
  /** WASP_LIMITS_TV (a 1080p TV stick) or WASP_LIMITS_SMALL (a microcontroller). */
  uint32_t limits_preset;
  /** The module's configuration, `key=value` lines (copied); may be NULL if `_len` is 0. */
  const char *module_config;
  /** Bytes in `module_config`. */
  size_t module_config_len;
  /** Largest module accepted, bytes (0: preset). */
  uint64_t max_module_bytes;
  /** Guest linear memory cap, bytes (0: preset). */
  uint64_t guest_memory_bytes;
  /** Interpreter fuel per tick (0: preset). */
  uint64_t fuel_per_tick;
  /** Media-store budget, bytes (0: preset). */
  uint64_t media_store_bytes;
  /* --- API 1.1 --- */
  /** Interpreter fuel for the module's `wasp_init` (0: preset). */
  uint64_t init_fuel;
  /** Bytes of images the module may upload (0: preset). */
  uint64_t image_bytes;
} wasp_config;

/** A QoE snapshot (the ABI's `QoeReport`), the module's latest. */
typedef struct wasp_qoe {
  int64_t position_us;
  int64_t duration_us;
  int64_t buffered_us;
  int64_t startup_us;
  int64_t rebuffer_us;
  uint32_t rebuffer_count;
  uint32_t bitrate_bps;
  uint32_t switch_count;
  uint32_t dropped_frames;
  uint32_t throughput_bps;
  uint32_t width;
  uint32_t height;
  uint32_t state;
} wasp_qoe;

/**
 * Called by a freestanding build when the library hits a bug (a Rust panic, or
 * its heap arena exhausted). |message|: UTF-8, `message_len` bytes, not
 * NUL-terminated, static. Runs on the thread that was inside the library. If it
 * returns, the library executes an undefined instruction (`udf`: a HardFault on
 * Cortex-M), so the firmware's fault handler decides (log, reset).
 */
typedef void (*wasp_panic_fn)(void *user, const char *message,
                              size_t message_len);

/**
 * The memory and the panic hook of a freestanding build (API 1.1), for
 * `wasp_platform_init`. Set `struct_size` to sizeof(wasp_platform).
 */
typedef struct wasp_platform {
  /** sizeof(wasp_platform) as compiled by the caller. */
  uint32_t struct_size;
  /** Bytes at `heap`: every allocation of the library comes from there. */
  uint32_t heap_len;
  /** The heap arena, owned by the library from `wasp_platform_init` on (never
   *  given back); at least 8-byte aligned. */
  void *heap;
  /** Called on a panic (may be NULL: the library then stops at once). */
  wasp_panic_fn panic;
  /** Passed to `panic`. */
  void *user;
} wasp_platform;

/** Heap figures of a freestanding build (`wasp_platform_heap`). */
typedef struct wasp_heap_stats {
  /** Bytes of the arena the allocator manages. */
  uint32_t arena_bytes;
  /** Bytes allocated now (as requested, without the allocator's overhead). */
  uint32_t in_use;
  /** The most `in_use` has been since `wasp_platform_init`. */
  uint32_t high_water;
  /** Allocations the arena could not satisfy. */
  uint32_t failed;
} wasp_heap_stats;

/* ---------------------------------------------------------------- Functions */

/**
 * Gives a freestanding build (built without `std`, docs/mcu-c.md) its heap and
 * panic hook. Call once, before any other call that creates something; until
 * then `wasp_runtime_new` and `wasp_raster_new` answer
 * WASP_ERR_NOT_INITIALIZED. Not safe from an interrupt.
 * |platform|: must not be NULL; copied.
 * Errors: WASP_ERR_INVALID_ARGUMENT (NULL, no heap, heap_len below 64 bytes),
 * WASP_ERR_VERSION, WASP_ERR_INVALID_STATE (called twice),
 * WASP_ERR_UNSUPPORTED (a build with `std`: it uses the system allocator).
 */
wasp_status wasp_platform_init(const wasp_platform *platform);

/**
 * The heap figures of a freestanding build.
 * |out|: must not be NULL. Errors: WASP_ERR_INVALID_ARGUMENT,
 * WASP_ERR_NOT_INITIALIZED, WASP_ERR_UNSUPPORTED (a build with `std`).
 */
wasp_status wasp_platform_heap(wasp_heap_stats *out);


/** The library version, `major << 16 | minor << 8 | patch`. Thread-safe. */
uint32_t wasp_version(void);

/** A static, NUL-terminated name for a status (never NULL). Thread-safe. */
const char *wasp_status_name(wasp_status status);

/**
 * Creates a runtime with no module.
 * |port|: must not be NULL; `struct_size`/`version` checked; `now_us` and `log`
 *         required. Copied: the struct may be freed after the call; `port->user`
 *         must stay valid until `wasp_runtime_destroy`.
 * |config|: NULL for WASP_LIMITS_TV and no module configuration; copied.
 * |out|: must not be NULL; receives the runtime on WASP_OK.
 * Errors: WASP_ERR_INVALID_ARGUMENT (NULL, missing required callback, unknown
 * preset, module_config NULL with a length), WASP_ERR_VERSION.
 */
wasp_status wasp_runtime_new(const wasp_port *port, const wasp_config *config,
                             wasp_runtime **out);

/**
 * Destroys a runtime: stops its module and closes every port id it opened (port
 * callbacks run). The handle must not be used afterwards; a second destroy of the
 * same handle, or a handle never created, returns WASP_ERR_BAD_HANDLE.
 * |runtime|: a runtime from `wasp_runtime_new`.
 * Errors: WASP_ERR_INVALID_ARGUMENT (NULL), WASP_ERR_BAD_HANDLE,
 * WASP_ERR_INVALID_STATE (called from one of its own port callbacks).
 */
wasp_status wasp_runtime_destroy(wasp_runtime *runtime);

/**
 * Fully checks a module without running it (call when a module is installed).
 * |bytes|: `len` bytes of WebAssembly, borrowed for the call.
 * Errors: WASP_ERR_INVALID_ARGUMENT, WASP_ERR_BAD_HANDLE, WASP_ERR_LOAD (the
 * last error says what the firmware engineer must change).
 */
wasp_status wasp_runtime_verify(wasp_runtime *runtime, const uint8_t *bytes,
                                size_t len);

/**
 * Checks and starts a module (runs its `wasp_init`), replacing any current one.
 * |bytes|: `len` bytes, borrowed for the call (the runtime keeps its own form).
 * Errors: as `wasp_runtime_verify`; after WASP_ERR_LOAD no module is loaded.
 */
wasp_status wasp_runtime_load(wasp_runtime *runtime, const uint8_t *bytes,
                              size_t len);

/**
 * Restarts the loaded module from scratch (after WASP_ERR_FAULTED).
 * Errors: WASP_ERR_NOT_LOADED, WASP_ERR_LOAD, and the handle errors.
 */
wasp_status wasp_runtime_restart(wasp_runtime *runtime);

/**
 * Runs the module for one tick at port time `now_us`: delivers queued events,
 * runs (or resumes) `wasp_tick` within this tick's fuel.
 * |out_next_us|: may be NULL; on WASP_OK receives the port time at which to tick
 *                again (`now_us` itself when the module was suspended for fuel
 *                and should resume at once).
 * Errors: WASP_ERR_NOT_LOADED, WASP_ERR_FAULTED (the device keeps running: call
 * `wasp_runtime_restart` or load another module), and the handle errors.
 */
wasp_status wasp_runtime_tick(wasp_runtime *runtime, int64_t now_us,
                              int64_t *out_next_us);

/**
 * Queues a remote-control key for the next tick.
 * |key|: an ABI `Key` value; |action|: WASP_KEY_*; |time_us|: port time.
 * Errors: WASP_ERR_INVALID_ARGUMENT (unknown key or action),
 * WASP_ERR_WOULD_BLOCK (queue full: tick, then retry), handle errors.
 */
wasp_status wasp_runtime_key(wasp_runtime *runtime, uint32_t key,
                             uint32_t action, int64_t time_us);

/**
 * Queues a command for the module.
 * |command|: WASP_COMMAND_*; |value|: position, offset or value, as the command
 * says; |argument|: UTF-8, `argument_len` <= WASP_MAX_ARGUMENT bytes (copied), may
 * be NULL when the length is 0.
 * Errors: WASP_ERR_INVALID_ARGUMENT (unknown command, not UTF-8, too long, NULL
 * with a length), WASP_ERR_WOULD_BLOCK, handle errors.
 */
wasp_status wasp_runtime_command(wasp_runtime *runtime, uint32_t command,
                                 int64_t value, const char *argument,
                                 size_t argument_len);

/** `wasp_runtime_command(WASP_COMMAND_LOAD, start_us, url, url_len)`. */
wasp_status wasp_runtime_load_url(wasp_runtime *runtime, const char *url,
                                  size_t url_len, int64_t start_us);
/** `wasp_runtime_command(WASP_COMMAND_PLAY, 0, NULL, 0)`. */
wasp_status wasp_runtime_play(wasp_runtime *runtime);
/** `wasp_runtime_command(WASP_COMMAND_PAUSE, 0, NULL, 0)`. */
wasp_status wasp_runtime_pause(wasp_runtime *runtime);
/** `wasp_runtime_command(WASP_COMMAND_SEEK, position_us, NULL, 0)`. */
wasp_status wasp_runtime_seek(wasp_runtime *runtime, int64_t position_us);
/** `wasp_runtime_command(WASP_COMMAND_STOP, 0, NULL, 0)`. */
wasp_status wasp_runtime_stop(wasp_runtime *runtime);

/**
 * Queues a device event (|what| a WASP_DEVICE_*, |value| as the kind says).
 * Errors: WASP_ERR_INVALID_ARGUMENT, WASP_ERR_WOULD_BLOCK, handle errors.
 */
wasp_status wasp_runtime_device_event(wasp_runtime *runtime, uint32_t what,
                                      int64_t value);

/**
 * The module's latest reported state.
 * |out_state|, |out_reason|: must not be NULL; WASP_STATE_*, WASP_REASON_*.
 */
wasp_status wasp_runtime_state(wasp_runtime *runtime, uint32_t *out_state,
                               uint32_t *out_reason);

/**
 * The module's latest QoE snapshot.
 * |out|: must not be NULL. Errors: WASP_ERR_NOT_FOUND before the first report.
 */
wasp_status wasp_runtime_qoe(wasp_runtime *runtime, wasp_qoe *out);

/**
 * The text of the last failure on this runtime (empty when none).
 * |buf|: receives the text, NUL-terminated, when `len + 1 <= cap`; may be NULL
 *        when |cap| is 0 (a length query).
 * |out_len|: must not be NULL; receives the text's length without the NUL.
 * Errors: WASP_ERR_BUDGET_EXCEEDED when |cap| is non-zero and too small (nothing
 * written), WASP_ERR_INVALID_ARGUMENT, handle errors.
 */
wasp_status wasp_runtime_last_error(wasp_runtime *runtime, char *buf,
                                    size_t cap, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* WASP_H_ */
