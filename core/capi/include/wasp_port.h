/*
 * wasp_port.h — the port a device implements for the wasp runtime.
 *
 * Module overview
 * ---------------
 * A device gives the runtime one `wasp_port`: a versioned struct of function
 * pointers plus a `user` pointer handed back to every callback. The runtime calls
 * the port on behalf of the player module after checking everything the module
 * passed: a port never sees a guest pointer, a forged id or an unknown enum value.
 *
 * Contract (applies to every callback):
 *  - Threading: every callback runs on the thread that called the `wasp_runtime_*`
 *    function that caused it (in practice `wasp_runtime_tick`, `_load`, `_verify`,
 *    `_new`). None may block for long: fetch and decode are asynchronous and report
 *    progress through `poll_event`.
 *  - Ownership: every pointer passed *to* a callback (strings, byte buffers,
 *    structs) is valid only until the callback returns; copy what you keep.
 *    Strings are UTF-8 and NOT NUL-terminated: they come with a length.
 *  - Outputs: a callback writes its `out` parameters only when it returns
 *    WASP_OK; lengths it reports are checked by the runtime (a length larger than
 *    the buffer is treated as WASP_ERR_INTERNAL).
 *  - Ids (`uint32_t id`) are the port's own; the runtime closes every id it opened
 *    when a module stops, faults or restarts.
 *  - Reentrancy: a callback must not call any `wasp_runtime_*` function on the
 *    runtime that called it (such a call returns WASP_ERR_INVALID_STATE).
 *  - Required callbacks: `now_us` and `log`. Every other callback may be NULL,
 *    meaning "unsupported": fallible calls answer WASP_ERR_UNSUPPORTED (the header
 *    lookup answers WASP_ERR_NOT_FOUND), queries answer zeroed structs, and
 *    notifications are dropped.
 *
 * Versioning: `struct_size` is `sizeof(wasp_port)` of the header the port was
 * compiled with. Fields are only ever appended; a runtime treats fields past
 * `struct_size` as NULL. `version` is WASP_PORT_VERSION_MAJOR; a different major
 * is rejected with WASP_ERR_VERSION.
 *
 * The record layouts (draw lists) and the meaning of each enum value are those of
 * the wasp ABI (crate wasp-abi, docs/abi.md); the structs below mirror the ABI's
 * structs field for field.
 */
#ifndef WASP_PORT_H_
#define WASP_PORT_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- Constants */

/** Major version of the port contract; a change breaks existing ports. */
#define WASP_PORT_VERSION_MAJOR 1
/** Minor version: callbacks appended to `wasp_port`. */
#define WASP_PORT_VERSION_MINOR 0

/**
 * Status codes (`wasp_status`). 0 is success; -1..-99 mirror the ABI's `Status`
 * (same values, same meaning); -100..-199 are the C API's own.
 */
#define WASP_OK 0
#define WASP_ERR_INVALID_ARGUMENT (-1)
#define WASP_ERR_OUT_OF_BOUNDS (-2)
#define WASP_ERR_BAD_HANDLE (-3)
#define WASP_ERR_TOO_MANY_HANDLES (-4)
#define WASP_ERR_BUDGET_EXCEEDED (-5)
#define WASP_ERR_UNSUPPORTED (-6)
#define WASP_ERR_NOT_FOUND (-7)
#define WASP_ERR_WOULD_BLOCK (-8)
#define WASP_ERR_END_OF_STREAM (-9)
#define WASP_ERR_INVALID_STATE (-10)
#define WASP_ERR_IO (-11)
#define WASP_ERR_TIMEOUT (-12)
#define WASP_ERR_HTTP_ERROR (-13)
#define WASP_ERR_DECODE_ERROR (-14)
#define WASP_ERR_INTERNAL (-15)
/** A struct's `struct_size` or `version` is not one this library accepts. */
#define WASP_ERR_VERSION (-100)
/** The module was rejected (size, validation, ABI section, imports); see the last error. */
#define WASP_ERR_LOAD (-101)
/** The module faulted (trap, fuel, memory); see the last error; restart or load another. */
#define WASP_ERR_FAULTED (-102)
/** No module is loaded. */
#define WASP_ERR_NOT_LOADED (-103)
/**
 * A freestanding build (no operating system) has no heap yet: call
 * `wasp_platform_init` (wasp.h) first.
 */
#define WASP_ERR_NOT_INITIALIZED (-104)

/** Log levels (`wasp_log_level`). */
#define WASP_LOG_ERROR 0u
#define WASP_LOG_WARN 1u
#define WASP_LOG_INFO 2u
#define WASP_LOG_DEBUG 3u
#define WASP_LOG_TRACE 4u

/** Player states (`wasp_player_state`). */
#define WASP_STATE_IDLE 0u
#define WASP_STATE_LOADING 1u
#define WASP_STATE_BUFFERING 2u
#define WASP_STATE_PLAYING 3u
#define WASP_STATE_PAUSED 4u
#define WASP_STATE_SEEKING 5u
#define WASP_STATE_ENDED 6u
#define WASP_STATE_ERROR 7u

/** Why a state was entered (`wasp_state_reason`). */
#define WASP_REASON_NONE 0u
#define WASP_REASON_COMMAND 1u
#define WASP_REASON_KEY 2u
#define WASP_REASON_BUFFER 3u
#define WASP_REASON_END_OF_STREAM 4u
#define WASP_REASON_NETWORK 5u
#define WASP_REASON_UNSUPPORTED 6u
#define WASP_REASON_DECODER 7u
#define WASP_REASON_MALFORMED 8u
#define WASP_REASON_DEVICE 9u

/** Report kinds (`on_report`). */
#define WASP_REPORT_QOE 0u
#define WASP_REPORT_EVENT 1u
#define WASP_REPORT_ERROR 2u
#define WASP_REPORT_METADATA 3u

/** Event kinds (`wasp_host_event.kind`). */
#define WASP_EVENT_NONE 0u
#define WASP_EVENT_KEY 1u
#define WASP_EVENT_COMMAND 2u
#define WASP_EVENT_FETCH 3u
#define WASP_EVENT_DECODER 4u
#define WASP_EVENT_DEVICE 5u

/** Key actions. Key codes are the ABI's `Key` values (docs/abi.md). */
#define WASP_KEY_DOWN 0u
#define WASP_KEY_UP 1u
#define WASP_KEY_REPEAT 2u

/** Fetch states (`wasp_fetch_info.state`, `wasp_fetch_event.state`). */
#define WASP_FETCH_PENDING 0u
#define WASP_FETCH_RECEIVING 1u
#define WASP_FETCH_DONE 2u
#define WASP_FETCH_FAILED 3u

/** Fetch methods (`wasp_fetch_request.method`). */
#define WASP_METHOD_GET 0u
#define WASP_METHOD_HEAD 1u

/** Cipher modes (`decrypt`). */
#define WASP_CIPHER_CBC_PKCS7 0u
#define WASP_CIPHER_CBC 1u
#define WASP_CIPHER_CTR 2u

/** Device event kinds (`wasp_device_event.what`). */
#define WASP_DEVICE_SUSPEND 0u
#define WASP_DEVICE_RESUME 1u
#define WASP_DEVICE_OUTPUT_CHANGED 2u
#define WASP_DEVICE_LOW_MEMORY 3u
#define WASP_DEVICE_VOLUME 4u
#define WASP_DEVICE_NETWORK_DOWN 5u
#define WASP_DEVICE_NETWORK_UP 6u

/** Feature bits (`features`, and what a module may require; the ABI's `feature`). */
#define WASP_FEATURE_VIDEO_DECODE (1u << 0)
#define WASP_FEATURE_AUDIO_DECODE (1u << 1)
#define WASP_FEATURE_GRAPHICS (1u << 2)
#define WASP_FEATURE_FETCH (1u << 3)
#define WASP_FEATURE_INPUT (1u << 4)
#define WASP_FEATURE_KV_STORE (1u << 5)
#define WASP_FEATURE_CRYPTO (1u << 6)

/** Decoder event kinds (`wasp_decoder_event.what`). */
#define WASP_DECODER_QUEUE_LOW 0u
#define WASP_DECODER_UNDERFLOW 1u
#define WASP_DECODER_DRAINED 2u
#define WASP_DECODER_FAILED 3u
#define WASP_DECODER_LOST 4u

/* -------------------------------------------------------------------- Types */

/** A status: WASP_OK or a negative WASP_ERR_* code. */
typedef int32_t wasp_status;

/** A codec question (ABI `DecodingQuery`); zero means "any". `codec` is an ABI `Codec`. */
typedef struct wasp_decoding_query {
  uint32_t codec;
  uint32_t width;
  uint32_t height;
  uint32_t framerate_milli;
  uint32_t bitrate_bps;
  uint32_t channels;
  uint32_t sample_rate;
  uint32_t bit_depth;
} wasp_decoding_query;

/** The answer to a `wasp_decoding_query` (ABI `DecodingInfo`); booleans are 0 or 1. */
typedef struct wasp_decoding_info {
  uint32_t supported;
  uint32_t smooth;
  uint32_t power_efficient;
  uint32_t max_instances;
} wasp_decoding_info;

/** The graphics plane and display (ABI `DisplayInfo`); `format` is an ABI `PixelFormat`. */
typedef struct wasp_display_info {
  uint32_t width;
  uint32_t height;
  uint32_t refresh_millihz;
  uint32_t format;
  uint32_t safe_left;
  uint32_t safe_top;
  uint32_t safe_right;
  uint32_t safe_bottom;
  uint32_t video_max_width;
  uint32_t video_max_height;
} wasp_display_info;

/** The audio output (ABI `AudioOutputInfo`). */
typedef struct wasp_audio_output_info {
  uint32_t channels;
  uint32_t sample_rate;
  uint32_t latency_us;
  uint32_t passthrough;
} wasp_audio_output_info;

/**
 * A fetch request (ABI `FetchRequest`): bytes `range_start` to `range_end`
 * inclusive; `range_end` = UINT64_MAX (ABI `RANGE_TO_END`) means "to the end", and
 * 0..UINT64_MAX is the whole resource (no Range header).
 */
typedef struct wasp_fetch_request {
  uint64_t range_start;
  uint64_t range_end;
  uint32_t method;
  uint32_t timeout_ms;
} wasp_fetch_request;

/** Progress of a fetch (ABI `FetchInfo`); `content_length` is -1 when unknown. */
typedef struct wasp_fetch_info {
  int64_t content_length;
  uint64_t received;
  uint64_t consumed;
  uint32_t state;
  uint32_t http_status;
  uint32_t error;
  uint32_t first_byte_us;
} wasp_fetch_info;

/** A decoder's configuration (ABI `DecoderConfig`). */
typedef struct wasp_decoder_config {
  uint32_t codec;
  uint32_t width;
  uint32_t height;
  uint32_t framerate_milli;
  uint32_t sample_rate;
  uint32_t channels;
  uint32_t bitrate_bps;
  uint32_t bit_depth;
  uint32_t bitstream;
} wasp_decoder_config;

/** One access unit's timing (ABI `SampleInfo`). */
typedef struct wasp_sample_info {
  int64_t pts_us;
  int64_t dts_us;
  int64_t duration_us;
  uint32_t flags;
  uint32_t size;
} wasp_sample_info;

/** Encryption of one access unit (ABI `EncryptionInfo`). */
typedef struct wasp_encryption_info {
  uint8_t key_id[16];
  uint8_t iv[16];
  uint32_t scheme;
  uint32_t iv_size;
  uint32_t crypt_blocks;
  uint32_t skip_blocks;
  uint32_t subsample_count;
} wasp_encryption_info;

/** A clear/protected byte run (ABI `Subsample`). */
typedef struct wasp_subsample {
  uint32_t clear;
  uint32_t protected_bytes;
} wasp_subsample;

/** Queue levels and statistics of a decoder (ABI `DecoderStats`). */
typedef struct wasp_decoder_stats {
  int64_t last_pts_us;
  uint64_t queued_bytes;
  uint64_t queue_capacity;
  uint32_t queued_units;
  uint32_t decoded;
  uint32_t dropped;
  uint32_t corrupt;
  uint32_t state;
  uint32_t kind;
} wasp_decoder_stats;

/** The media clock (ABI `MediaClockInfo`). */
typedef struct wasp_media_clock_info {
  int64_t position_us;
  uint32_t rate_milli;
  uint32_t running;
} wasp_media_clock_info;

/** An image (ABI `ImageDesc`); `format` is an ABI `PixelFormat`. */
typedef struct wasp_image_desc {
  uint32_t width;
  uint32_t height;
  uint32_t stride;
  uint32_t format;
} wasp_image_desc;

/** A rectangle (ABI `Rect`). */
typedef struct wasp_rect {
  int32_t x;
  int32_t y;
  uint32_t w;
  uint32_t h;
} wasp_rect;

/** A borrowed byte range. */
typedef struct wasp_slice {
  const uint8_t *data;
  size_t len;
} wasp_slice;

/** A remote-control key (ABI `KeyEvent`): `key` an ABI `Key`, `action` WASP_KEY_*. */
typedef struct wasp_key_event {
  int64_t time_us;
  uint32_t key;
  uint32_t action;
} wasp_key_event;

/** An embedder command (ABI `CommandEvent`): `command` a WASP_COMMAND_* (wasp.h). */
typedef struct wasp_command_event {
  int64_t position_us;
  uint32_t command;
  uint32_t flags;
} wasp_command_event;

/** Fetch progress (ABI `FetchEvent`); `handle` is the port's fetch id. */
typedef struct wasp_fetch_event {
  uint32_t handle;
  uint32_t state;
} wasp_fetch_event;

/** A decoder event (ABI `DecoderEvent`); `handle` is the port's decoder id. */
typedef struct wasp_decoder_event {
  uint32_t handle;
  uint32_t what;
} wasp_decoder_event;

/** A device event (ABI `DeviceEvent`). */
typedef struct wasp_device_event {
  int64_t value;
  uint32_t what;
  uint32_t reserved;
} wasp_device_event;

/**
 * One event from the port (`poll_event`). `kind` (WASP_EVENT_*) says which member
 * is meant; the others are ignored. For WASP_EVENT_COMMAND, `argument` (UTF-8,
 * `argument_len` bytes, may be NULL when the length is 0) must stay valid until
 * the next callback on this port: the runtime copies it right after `poll_event`
 * returns.
 */
typedef struct wasp_host_event {
  uint32_t kind;
  uint32_t reserved;
  wasp_key_event key;
  wasp_command_event command;
  const char *argument;
  size_t argument_len;
  wasp_fetch_event fetch;
  wasp_decoder_event decoder;
  wasp_device_event device;
} wasp_host_event;

/**
 * The port. Every callback receives `user` first. Buffers and strings passed to a
 * callback are valid only during the call. See the module overview for the rules.
 */
typedef struct wasp_port {
  /** sizeof(wasp_port) as compiled by the port. */
  uint32_t struct_size;
  /** WASP_PORT_VERSION_MAJOR. */
  uint32_t version;
  /** Handed back to every callback; the runtime never dereferences it. */
  void *user;

  /* --- system (v1.0) --- */
  /** Required. Monotonic time in microseconds. */
  int64_t (*now_us)(void *user);
  /** Required. One log line (`level` a WASP_LOG_*), `len` bytes of UTF-8, at most 1 KiB. */
  void (*log)(void *user, uint32_t level, const char *line, size_t len);
  /** Fills `buf[0..len)` with random bytes (deterministic under test). NULL: zeroes. */
  void (*random_fill)(void *user, uint8_t *buf, size_t len);
  /**
   * Writes the next pending event to `*out` and returns 1, or returns 0 when none
   * is pending (then `*out` is ignored). Called a bounded number of times per tick.
   */
  int32_t (*poll_event)(void *user, wasp_host_event *out);
  /** The module reported its player state (WASP_STATE_*, WASP_REASON_*). */
  void (*on_state)(void *user, uint32_t state, uint32_t reason);
  /** The module sent a report (`kind` a WASP_REPORT_*), `len` <= 4 KiB bytes. */
  void (*on_report)(void *user, uint32_t kind, const uint8_t *payload, size_t len);
  /** The runtime failed in a way it could not contain; the message is UTF-8. */
  void (*fatal)(void *user, const char *message, size_t len);

  /* --- capabilities --- */
  /** Can the device decode this? `codecs` is the RFC 6381 string (may be empty). */
  void (*decoding_info)(void *user, const wasp_decoding_query *query,
                        const char *codecs, size_t codecs_len,
                        wasp_decoding_info *out);
  /** The graphics plane and display. */
  void (*display_info)(void *user, wasp_display_info *out);
  /** The audio output. */
  void (*audio_info)(void *user, wasp_audio_output_info *out);
  /** The ABI feature bits the device offers. */
  uint64_t (*features)(void *user);

  /* --- fetch --- */
  /** Starts a fetch; `headers` are `Name: value` lines separated by `\n`. */
  wasp_status (*fetch_open)(void *user, const wasp_fetch_request *request,
                            const char *url, size_t url_len, const char *headers,
                            size_t headers_len, uint32_t *out_id);
  /** Progress of a fetch. */
  void (*fetch_info)(void *user, uint32_t id, wasp_fetch_info *out);
  /**
   * Copies up to `cap` received body bytes into `buf`, count in `*out_len`.
   * WASP_ERR_WOULD_BLOCK when nothing is there yet, WASP_ERR_END_OF_STREAM after
   * the last byte.
   */
  wasp_status (*fetch_read)(void *user, uint32_t id, uint8_t *buf, size_t cap,
                            size_t *out_len);
  /**
   * A response header: its full length in `*out_len`, the value in `out` only
   * when it fits in `cap`. WASP_ERR_NOT_FOUND, WASP_ERR_WOULD_BLOCK.
   */
  wasp_status (*fetch_header)(void *user, uint32_t id, const char *name,
                              size_t name_len, uint8_t *out, size_t cap,
                              size_t *out_len);
  /** The final URL after redirects, as `fetch_header`. */
  wasp_status (*fetch_url)(void *user, uint32_t id, uint8_t *out, size_t cap,
                           size_t *out_len);
  /** Cancels and forgets a fetch. */
  void (*fetch_close)(void *user, uint32_t id);

  /* --- crypto --- */
  /**
   * AES-128 decrypts `data[0..len)` in place (`mode` a WASP_CIPHER_*); the
   * plaintext length (padding removed) in `*out_len`.
   */
  wasp_status (*decrypt)(void *user, uint32_t mode, const uint8_t key[16],
                         const uint8_t iv[16], uint8_t *data, size_t len,
                         size_t *out_len);

  /* --- decoders --- */
  /** Opens a decoder with its codec configuration bytes. */
  wasp_status (*decoder_open)(void *user, const wasp_decoder_config *config,
                              const uint8_t *extra, size_t extra_len,
                              uint32_t *out_id);
  /**
   * Queues one access unit given as `piece_count` pieces in order. `encryption`
   * is NULL for clear units; otherwise `subsamples` has `subsample_count` runs.
   * WASP_ERR_WOULD_BLOCK when the queue is full (nothing taken).
   */
  wasp_status (*decoder_submit)(void *user, uint32_t id,
                                const wasp_sample_info *sample,
                                const wasp_slice *pieces, size_t piece_count,
                                const wasp_encryption_info *encryption,
                                const wasp_subsample *subsamples,
                                size_t subsample_count);
  /** Queue levels and statistics. */
  void (*decoder_info)(void *user, uint32_t id, wasp_decoder_stats *out);
  /** Drops queued and pending frames. */
  void (*decoder_flush)(void *user, uint32_t id);
  /** Closes a decoder. */
  void (*decoder_close)(void *user, uint32_t id);

  /* --- media clock --- */
  /** The media clock. */
  void (*media_clock)(void *user, wasp_media_clock_info *out);
  /** Sets the play rate in thousandths (0 = paused). */
  void (*media_set_rate)(void *user, uint32_t rate_milli);
  /** Re-anchors the clock after a flush. */
  void (*media_set_position)(void *user, int64_t pts_us);

  /* --- graphics --- */
  /** Uploads an image; `len` is `desc->stride * desc->height`, checked. */
  wasp_status (*image_create)(void *user, const wasp_image_desc *desc,
                              const uint8_t *pixels, size_t len,
                              uint32_t *out_id);
  /** Replaces a rectangle (checked to lie inside the image). */
  void (*image_update)(void *user, uint32_t id, const wasp_rect *rect,
                       const uint8_t *pixels, size_t len);
  /** Frees an image. */
  void (*image_free)(void *user, uint32_t id);
  /**
   * Draws a checked list: ABI draw records (TLV), every record decodes and every
   * image id is the port's.
   */
  void (*draw)(void *user, const uint8_t *records, size_t len);
  /** Shows the frame drawn since the last present. */
  void (*present)(void *user);

  /* --- key-value store --- */
  /** A value: full length in `*out_len`, bytes in `out` only when it fits. */
  wasp_status (*kv_get)(void *user, const uint8_t *key, size_t key_len,
                        uint8_t *out, size_t cap, size_t *out_len);
  /** Stores a value durably. */
  wasp_status (*kv_set)(void *user, const uint8_t *key, size_t key_len,
                        const uint8_t *value, size_t value_len);
  /** Removes a key. */
  wasp_status (*kv_delete)(void *user, const uint8_t *key, size_t key_len);
} wasp_port;

#ifdef __cplusplus
}
#endif

#endif /* WASP_PORT_H_ */
