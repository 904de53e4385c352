/* The device: configuration, the port's vtable, system callbacks, the wait. */
#define _DEFAULT_SOURCE /* realpath */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static const char *const kLevels[] = {"error", "warn", "info", "debug", "trace"};

void dev_log(wasp_linux *d, uint32_t level, const char *fmt, ...) {
  va_list args;
  if (level > d->config.log_level || level > WASP_LOG_TRACE) return;
  fprintf(stderr, "wasp-linux %s: ", kLevels[level]);
  va_start(args, fmt);
  vfprintf(stderr, fmt, args);
  va_end(args);
  fputc('\n', stderr);
}

int dev_push_event(wasp_linux *d, const wasp_host_event *event) {
  if (d->event_count == MAX_EVENTS) return 0;
  d->events[(d->event_head + d->event_count) % MAX_EVENTS] = *event;
  d->event_count++;
  return 1;
}

uint32_t dev_new_id(wasp_linux *d) {
  d->next_id++;
  if (d->next_id == 0) d->next_id = 1;
  return d->next_id;
}

int64_t dev_now(wasp_linux *d) {
  struct timespec ts;
  if (d->config.virtual_clock) return d->virtual_now;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ------------------------------------------------------------ system calls */

static int64_t port_now(void *user) { return dev_now((wasp_linux *)user); }

static void port_log(void *user, uint32_t level, const char *line, size_t len) {
  wasp_linux *d = (wasp_linux *)user;
  if (level > d->config.log_level || level > WASP_LOG_TRACE) return;
  fprintf(stderr, "module %s: %.*s\n", kLevels[level], (int)len, line);
}

/* xorshift64*: deterministic under the virtual clock, seeded from the OS
 * otherwise. */
static void port_random_fill(void *user, uint8_t *buf, size_t len) {
  wasp_linux *d = (wasp_linux *)user;
  for (size_t i = 0; i < len; i++) {
    uint64_t x = d->random_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    d->random_state = x;
    buf[i] = (uint8_t)((x * 0x2545F4914F6CDD1DULL) >> 56);
  }
}

static int32_t port_poll_event(void *user, wasp_host_event *out) {
  wasp_linux *d = (wasp_linux *)user;
  if (d->event_count == 0) {
    fetch_pump(d);
    media_settle(d);
  }
  if (d->event_count == 0) return 0;
  *out = d->events[d->event_head];
  d->event_head = (d->event_head + 1) % MAX_EVENTS;
  d->event_count--;
  return 1;
}

static void port_on_state(void *user, uint32_t state, uint32_t reason) {
  wasp_linux *d = (wasp_linux *)user;
  d->state = state;
  dev_log(d, WASP_LOG_DEBUG, "state %u reason %u", (unsigned)state, (unsigned)reason);
}

static void port_on_report(void *user, uint32_t kind, const uint8_t *payload,
                           size_t len) {
  (void)user;
  (void)kind;
  (void)payload;
  (void)len;
}

static void port_fatal(void *user, const char *message, size_t len) {
  wasp_linux *d = (wasp_linux *)user;
  dev_log(d, WASP_LOG_ERROR, "fatal: %.*s", (int)len, message);
}

static uint64_t port_features(void *user) {
  wasp_linux *d = (wasp_linux *)user;
  uint64_t f = WASP_FEATURE_VIDEO_DECODE | WASP_FEATURE_AUDIO_DECODE |
               WASP_FEATURE_GRAPHICS | WASP_FEATURE_FETCH;
  if (d->input_fd >= 0) f |= WASP_FEATURE_INPUT;
  if (d->kv != NULL) f |= WASP_FEATURE_KV_STORE;
  return f;
}

/* --------------------------------------------------------------- lifecycle */

static char *copy_path(const char *s) {
  char *c;
  if (s == NULL) return NULL;
  c = (char *)malloc(strlen(s) + 1);
  if (c != NULL) strcpy(c, s);
  return c;
}

wasp_status wasp_linux_new(const wasp_linux_config *config, wasp_linux **out) {
  wasp_linux *d;
  const char **fields[11];
  if (config == NULL || out == NULL || config->width > 8192 ||
      config->height > 8192) {
    return WASP_ERR_INVALID_ARGUMENT;
  }
  d = (wasp_linux *)calloc(1, sizeof *d);
  if (d == NULL) return WASP_ERR_BUDGET_EXCEEDED;
  d->config = *config;
  if (d->config.frame_timebase == 0) d->config.frame_timebase = 90000;
  if (d->config.decoder_queue_bytes == 0) d->config.decoder_queue_bytes = 4u << 20;
  if (d->config.log_level == 0) d->config.log_level = WASP_LOG_INFO;
  fields[0] = &d->config.fbdev_path;
  fields[1] = &d->config.evdev_path;
  fields[2] = &d->config.wav_path;
  fields[3] = &d->config.kv_path;
  fields[4] = &d->config.frame_log_path;
  fields[5] = &d->config.audio_log_path;
  fields[6] = &d->config.screen_log_path;
  fields[7] = &d->config.drm_path;
  fields[8] = &d->config.alsa_device;
  fields[9] = &d->config.v4l2_path;
  fields[10] = &d->config.file_root;
  for (int i = 0; i < 11; i++) {
    d->paths[i] = copy_path(*fields[i]);
    if (*fields[i] != NULL && d->paths[i] == NULL) {
      wasp_linux_free(d);
      return WASP_ERR_BUDGET_EXCEEDED;
    }
    *fields[i] = d->paths[i];
  }
  if (d->config.file_root != NULL &&
      (d->file_root = realpath(d->config.file_root, NULL)) == NULL) {
    dev_log(d, WASP_LOG_ERROR, "%s: not a folder", d->config.file_root);
    wasp_linux_free(d);
    return WASP_ERR_IO;
  }
  d->virtual_now = WASP_LINUX_VIRTUAL_EPOCH_US;
  d->settled_at = dev_now(d);
  d->random_state = 0x9E3779B97F4A7C15ULL;
  if (!d->config.virtual_clock) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    d->random_state ^= (uint64_t)ts.tv_nsec << 20 ^ (uint64_t)ts.tv_sec;
  }
  d->fb_fd = -1;
  d->drm_fd = -1;
  d->input_fd = -1;
  d->wake_fd = -1;
  if (!display_init(d) || !input_init(d) || !audio_init(d) || !media_init(d)) {
    wasp_linux_free(d);
    return WASP_ERR_IO;
  }
  if (d->config.kv_path != NULL) {
    d->kv = kv_open(d->config.kv_path);
    if (d->kv == NULL) {
      dev_log(d, WASP_LOG_ERROR, "%s: cannot open the key-value store",
              d->config.kv_path);
      wasp_linux_free(d);
      return WASP_ERR_IO;
    }
  }
  *out = d;
  return WASP_OK;
}

void wasp_linux_flush(wasp_linux *d) {
  if (d == NULL) return;
  audio_finish(d);
  if (d->frame_log.f) fflush(d->frame_log.f);
  if (d->audio_log.f) fflush(d->audio_log.f);
  if (d->screen_log.f) fflush(d->screen_log.f);
}

void wasp_linux_free(wasp_linux *d) {
  if (d == NULL) return;
  fetch_free_all(d);
  media_free(d);
  wasp_linux_flush(d);
  audio_close(d);
  display_free(d);
  input_free(d);
  kv_close(d->kv);
  for (int i = 0; i < 11; i++) free(d->paths[i]);
  free(d->file_root);
  free(d);
}

void wasp_linux_port(wasp_linux *d, wasp_port *p) {
  memset(p, 0, sizeof *p);
  p->struct_size = sizeof *p;
  p->version = WASP_PORT_VERSION_MAJOR;
  p->user = d;
  p->now_us = port_now;
  p->log = port_log;
  p->random_fill = port_random_fill;
  p->poll_event = port_poll_event;
  p->on_state = port_on_state;
  p->on_report = port_on_report;
  p->fatal = port_fatal;
  p->decoding_info = media_decoding_info;
  p->display_info = display_info;
  p->audio_info = audio_info;
  p->features = port_features;
  p->fetch_open = fetch_open;
  p->fetch_info = fetch_info;
  p->fetch_read = fetch_read;
  p->fetch_header = fetch_header;
  p->fetch_url = fetch_url;
  p->fetch_close = fetch_close;
  p->decoder_open = media_decoder_open;
  p->decoder_submit = media_decoder_submit;
  p->decoder_info = media_decoder_info;
  p->decoder_flush = media_decoder_flush;
  p->decoder_close = media_decoder_close;
  p->media_clock = media_clock_info;
  p->media_set_rate = media_set_rate;
  p->media_set_position = media_set_position;
  p->image_create = display_image_create;
  p->image_update = display_image_update;
  p->image_free = display_image_free;
  p->draw = display_draw;
  p->present = display_present;
  if (d->kv != NULL) {
    p->kv_get = kv_get;
    p->kv_set = kv_set;
    p->kv_delete = kv_delete;
  }
}

int64_t wasp_linux_now(wasp_linux *d) { return dev_now(d); }

int wasp_linux_has_events(wasp_linux *d) {
  fetch_pump(d);
  media_settle(d);
  return d->event_count > 0;
}

int64_t wasp_linux_wait(wasp_linux *d, int64_t until_us, int64_t max_step_us) {
  int64_t now = dev_now(d);
  if (d->config.virtual_clock) {
    int64_t target = until_us;
    if (max_step_us > 0 && target - now > max_step_us) target = now + max_step_us;
    if (target > now) d->virtual_now = target;
    input_pump(d, 0);
  } else if (until_us > now) {
    int64_t ms = (until_us - now + 999) / 1000;
    input_pump(d, ms > 1000 ? 1000 : (int)ms);
  } else {
    input_pump(d, 0);
  }
  fetch_pump(d);
  media_settle(d);
  /* Between ticks the graphics plane holds a whole frame: a new picture is
   * shown under it now. */
  if (d->picture_changed) display_show(d);
  return dev_now(d);
}

uint32_t wasp_linux_state(wasp_linux *d) { return d->state; }

void wasp_linux_counts(wasp_linux *d, uint64_t *out_pictures,
                       uint64_t *out_audio_frames, uint64_t *out_alsa_frames) {
  if (out_pictures) *out_pictures = d->pictures;
  if (out_audio_frames) *out_audio_frames = d->audio_frames;
  if (out_alsa_frames) *out_alsa_frames = d->audio.pcm_frames;
}
