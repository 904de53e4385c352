/*
 * wasp_linux.h — the wasp port for embedded Linux (TV sticks, set-top boxes).
 *
 * Module overview
 * ---------------
 * `wasp_linux` implements `wasp_port` (wasp_port.h) on Linux device interfaces:
 *  - video/audio decode: libavcodec in software (bit-exact with `ffmpeg`), or
 *    video through a V4L2 memory-to-memory stateful decoder when one is named
 *    (falling back to software when it cannot decode the stream);
 *  - display: DRM/KMS dumb buffers (`/dev/dri/card0`) with an fbdev fallback
 *    (`/dev/fb0`); when the fbdev path is a regular file, the composed RGB888
 *    picture is written there on every new picture and present (headless tests);
 *    the graphics plane is drawn by libwasp's reference rasteriser (wasp_raster.h);
 *  - input: evdev (`struct input_event` records from a device or a file), keys
 *    mapped to the remote's;
 *  - audio: ALSA (when built with alsa-lib) and a WAV file sink (headless);
 *  - fetch: local files (`file://` URLs and plain paths, confined to a folder)
 *    and HTTP/1.1 over sockets
 *    (GET, Range, Content-Length or chunked bodies, up to 5 redirects, timeouts), one
 *    worker thread per HTTP fetch so no callback blocks;
 *  - key-value store: one file, replaced atomically (temp file, fsync, rename,
 *    fsync of the directory), bounded;
 *  - clock: CLOCK_MONOTONIC, or a virtual clock (starts at 2^32 us and moves only
 *    when the main loop advances it) for deterministic, faster-than-real-time runs.
 * Every device path is configurable, so tests point them at files.
 *
 * Logs for tests: a frame log (one ffmpeg `framemd5` line per picture shown), an
 * audio log (one `framemd5` line per decoded audio frame, s16 interleaved) and a
 * screen log (md5 of every composed picture).
 *
 * Threading: one device is used by one thread (the one running its runtime); HTTP
 * workers are internal. Ownership: the device copies the configuration's strings.
 */
#ifndef WASP_LINUX_H_
#define WASP_LINUX_H_

#include <stdint.h>

#include "wasp_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- Constants */

/** Start of the virtual clock, us (2^32: far from 0 so no code assumes 0). */
#define WASP_LINUX_VIRTUAL_EPOCH_US 4294967296LL

/* -------------------------------------------------------------------- Types */

/** A device: opaque, `wasp_linux_new` / `wasp_linux_free`. */
typedef struct wasp_linux wasp_linux;

/**
 * How to build a device. Zero it, then set what you need: a NULL path turns that
 * interface off; zero numbers take the defaults named.
 */
typedef struct wasp_linux_config {
  /** fbdev device (`/dev/fb0`) or a regular file that receives RGB888 pictures. */
  const char *fbdev_path;
  /** evdev device (`/dev/input/event0`) or a file of `struct input_event`s. */
  const char *evdev_path;
  /** WAV file the played audio is written to. */
  const char *wav_path;
  /** Key-value store file (its directory must exist). */
  const char *kv_path;
  /** Frame log: one framemd5 line per picture shown (with ffmpeg's header). */
  const char *frame_log_path;
  /** Audio log: one framemd5 line per decoded audio frame. */
  const char *audio_log_path;
  /** Screen log: md5 of each composed display picture, one per present. */
  const char *screen_log_path;
  /** Display size (default: the DRM mode's or the framebuffer's, else 1280 x 720). */
  uint32_t width;
  uint32_t height;
  /** Time base of the frame log, 1/N s (default 90000). */
  uint32_t frame_timebase;
  /** 1: virtual clock (deterministic); 0: CLOCK_MONOTONIC. */
  uint32_t virtual_clock;
  /** Compressed bytes a decoder queues (default 4 MiB). */
  uint32_t decoder_queue_bytes;
  /** Minimum log level printed to stderr (WASP_LOG_*; default WASP_LOG_INFO). */
  uint32_t log_level;
  /** DRM/KMS device (`/dev/dri/card0`); when it cannot be set up, the display
   * falls back to `fbdev_path` (an error when that is NULL too). */
  const char *drm_path;
  /** ALSA PCM name (`default`, `hw:0,0`, `null`); NULL: no sound card. Needs
   * a build with alsa-lib (otherwise wasp_linux_new fails with WASP_ERR_IO). */
  const char *alsa_device;
  /** V4L2 memory-to-memory decoder (`/dev/video10`) for H.264/H.265; NULL:
   * software only. A decoder it cannot open falls back to software (logged). */
  const char *v4l2_path;
  /** The folder local fetches are confined to (`file://` URLs and plain
   * paths): a path that resolves outside it (`..`, symbolic links) is not found.
   * NULL: any readable file (development only: the module is untrusted). */
  const char *file_root;
} wasp_linux_config;

/* ---------------------------------------------------------------- Functions */

/**
 * Creates a device and opens its configured interfaces.
 * |config|: must not be NULL; copied. |out|: receives the device on WASP_OK.
 * Errors: WASP_ERR_INVALID_ARGUMENT (NULL, sizes over 8192), WASP_ERR_IO (a path
 * that cannot be opened; the message goes to stderr), WASP_ERR_BUDGET_EXCEEDED.
 */
wasp_status wasp_linux_new(const wasp_linux_config *config, wasp_linux **out);

/** Closes everything the device opened and frees it. NULL is ignored. */
void wasp_linux_free(wasp_linux *device);

/**
 * Fills |out| with the device's port (every callback set, `user` = the device).
 * The port is valid until `wasp_linux_free`.
 */
void wasp_linux_port(wasp_linux *device, wasp_port *out);

/** The device's time now, us (the port's `now_us`). */
int64_t wasp_linux_now(wasp_linux *device);

/**
 * Waits until |until_us| (device time) or until input arrives, whichever is first,
 * then reads pending input into the event queue and brings decoders, the media
 * clock and presentation to the new time. With the virtual clock the time simply
 * moves to |until_us| (never backwards), at most |max_step_us| ahead when that is
 * positive. Returns the device time after the wait.
 */
int64_t wasp_linux_wait(wasp_linux *device, int64_t until_us, int64_t max_step_us);

/** Whether the port has events queued for the module (tick without waiting). */
int wasp_linux_has_events(wasp_linux *device);

/**
 * The module's last reported state (WASP_STATE_*), as seen through `on_state`;
 * WASP_STATE_IDLE before any report.
 */
uint32_t wasp_linux_state(wasp_linux *device);

/**
 * Pictures shown, audio frames decoded, and sample frames played on ALSA so far.
 * Any output may be NULL.
 */
void wasp_linux_counts(wasp_linux *device, uint64_t *out_pictures,
                       uint64_t *out_audio_frames, uint64_t *out_alsa_frames);

/** Flushes the logs and the WAV file (called by `wasp_linux_free` too). */
void wasp_linux_flush(wasp_linux *device);

#ifdef __cplusplus
}
#endif

#endif /* WASP_LINUX_H_ */
