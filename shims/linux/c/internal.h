/* The Linux port's internals: the device and the parts it is made of. */
#ifndef WASP_LINUX_INTERNAL_H_
#define WASP_LINUX_INTERNAL_H_

#include <stdio.h>

#include "wasp_linux.h"
#include "wasp_raster.h"

/* ABI values the port uses (docs/abi.md; wasp_port.h mirrors the rest). */
#define ABI_CODEC_H264 1u
#define ABI_CODEC_H265 2u
#define ABI_CODEC_AAC 16u
#define ABI_CODEC_MP3 17u
#define ABI_CODEC_AC3 18u
#define ABI_CODEC_EAC3 19u
#define ABI_CODEC_OPUS 20u
#define ABI_KIND_VIDEO 1u
#define ABI_KIND_AUDIO 2u
#define ABI_DECODER_IDLE 0u
#define ABI_DECODER_RUNNING 1u
#define ABI_DECODER_DRAINED 2u
#define ABI_SAMPLE_DECODE_ONLY (1u << 2)
#define ABI_SAMPLE_END_OF_STREAM (1u << 3)
#define ABI_PIXEL_RGBA8888_PREMUL 1u
#define ABI_BITSTREAM_ANNEX_B 1u

#define MAX_EVENTS 256
#define MAX_FETCHES 32
#define MAX_DECODERS 8

struct fetch;
struct decoder;

/* The media clock (docs/abi.md `media_clock`): position moves with device time
 * times the rate while running; it stops where the decoded audio ends. */
typedef struct media_clock {
  int64_t position_us;
  int64_t carry;           /* thousandths of a us not yet added */
  uint32_t rate_milli;
  int running;
  int position_set;        /* media_set_position was called */
} media_clock;

/* The played-audio sinks: a WAV file and an ALSA PCM. */
typedef struct audio_sink {
  FILE *wav;
  void *pcm;               /* snd_pcm_t * when ALSA is open */
  uint64_t pcm_frames;     /* frames written to ALSA */
  uint64_t pcm_dropped;    /* frames ALSA had no room for */
  uint32_t channels;
  uint32_t sample_rate;    /* of the first audio written */
  uint64_t data_bytes;
} audio_sink;

/* A text log file (frame, audio or screen). */
typedef struct log_file {
  FILE *f;
  int header_written;
} log_file;

struct wasp_linux {
  wasp_linux_config config;
  char *paths[11];         /* owned copies of the config's strings */
  char *file_root;         /* realpath of config.file_root, or NULL */
  int64_t virtual_now;     /* virtual clock, us */
  int64_t settled_at;      /* device time the media was last brought to */
  uint64_t random_state;
  uint32_t state;          /* last on_state */
  uint32_t next_id;

  wasp_host_event events[MAX_EVENTS];
  size_t event_head, event_count;

  /* display */
  wasp_raster *raster;
  uint8_t *screen;         /* composed RGB888, width * height * 3 */
  size_t screen_len;
  int fb_fd;
  int fb_is_file;
  uint8_t *fb_map;         /* fbdev or DRM dumb buffer mapping */
  int drm_fd;
  uint32_t drm_fb, drm_handle;
  size_t fb_map_len;
  uint32_t fb_bpp, fb_stride, fb_width, fb_height;
  uint32_t fb_red, fb_green, fb_blue; /* bit offsets */
  int picture_changed;     /* a new picture is on the video plane */
  uint64_t screens;        /* display pictures composed */

  /* input */
  int input_fd;
  int wake_fd;             /* eventfd: HTTP workers wake the loop's wait */

  /* media */
  media_clock clock;
  struct decoder *decoders[MAX_DECODERS];
  audio_sink audio;
  log_file frame_log, audio_log, screen_log;
  uint64_t pictures, audio_frames;

  /* fetch */
  struct fetch *fetches[MAX_FETCHES];

  /* key-value store */
  struct kv_store *kv;
};

/* device.c */
void dev_log(wasp_linux *d, uint32_t level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
int dev_push_event(wasp_linux *d, const wasp_host_event *event);
uint32_t dev_new_id(wasp_linux *d);
int64_t dev_now(wasp_linux *d);

/* media.c: decoders, the media clock, presentation */
int media_init(wasp_linux *d);
void media_free(wasp_linux *d);
void media_settle(wasp_linux *d);
void media_decoding_info(void *user, const wasp_decoding_query *query,
                         const char *codecs, size_t codecs_len,
                         wasp_decoding_info *out);
wasp_status media_decoder_open(void *user, const wasp_decoder_config *config,
                               const uint8_t *extra, size_t extra_len,
                               uint32_t *out_id);
wasp_status media_decoder_submit(void *user, uint32_t id,
                                 const wasp_sample_info *sample,
                                 const wasp_slice *pieces, size_t piece_count,
                                 const wasp_encryption_info *encryption,
                                 const wasp_subsample *subsamples,
                                 size_t subsample_count);
void media_decoder_info(void *user, uint32_t id, wasp_decoder_stats *out);
void media_decoder_flush(void *user, uint32_t id);
void media_decoder_close(void *user, uint32_t id);
void media_clock_info(void *user, wasp_media_clock_info *out);
void media_set_rate(void *user, uint32_t rate_milli);
void media_set_position(void *user, int64_t pts_us);
/* The picture on screen (I420) and its pts in µs, or 0 when none. */
int media_current_picture(wasp_linux *d, wasp_video_frame *out, int64_t *pts_us);

/* md5.c: hashes through libavutil */
void md5_hex(const uint8_t *data, size_t len, char out[33]);

/* display.c */
int display_init(wasp_linux *d);
void display_free(wasp_linux *d);
void display_info(void *user, wasp_display_info *out);
wasp_status display_image_create(void *user, const wasp_image_desc *desc,
                                 const uint8_t *pixels, size_t len,
                                 uint32_t *out_id);
void display_image_update(void *user, uint32_t id, const wasp_rect *rect,
                          const uint8_t *pixels, size_t len);
void display_image_free(void *user, uint32_t id);
void display_draw(void *user, const uint8_t *records, size_t len);
void display_present(void *user);
/* Composes the video plane and the graphics plane and shows the result. */
void display_show(wasp_linux *d);

/* drm.c: DRM/KMS dumb buffers (fills the fb_* fields) */
int drm_open(wasp_linux *d, const char *path);
void drm_close(wasp_linux *d);
/* Tells the driver the whole framebuffer changed (DIRTYFB): drivers that keep a
 * copy of the buffer (virtio-gpu, USB displays) show new pixels only then. */
void drm_flush(wasp_linux *d);

/* input.c */
int input_init(wasp_linux *d);
void input_free(wasp_linux *d);
/* Reads pending events; waits up to |timeout_ms| for the first input or a
 * worker's wake-up (0: no wait). */
void input_pump(wasp_linux *d, int timeout_ms);
/* The remote key (ABI `Key`) of a Linux key code, or 0. */
uint32_t input_key_of(uint16_t code);

/* audio.c */
int audio_init(wasp_linux *d);
void audio_play(wasp_linux *d, uint32_t sample_rate, const int16_t *samples,
                size_t count);
void audio_finish(wasp_linux *d);
void audio_close(wasp_linux *d);
void audio_info(void *user, wasp_audio_output_info *out);

/* fetch.c */
void fetch_free_all(wasp_linux *d);
void fetch_pump(wasp_linux *d);
wasp_status fetch_open(void *user, const wasp_fetch_request *request,
                       const char *url, size_t url_len, const char *headers,
                       size_t headers_len, uint32_t *out_id);
void fetch_info(void *user, uint32_t id, wasp_fetch_info *out);
wasp_status fetch_read(void *user, uint32_t id, uint8_t *buf, size_t cap,
                       size_t *out_len);
wasp_status fetch_header(void *user, uint32_t id, const char *name,
                         size_t name_len, uint8_t *out, size_t cap,
                         size_t *out_len);
wasp_status fetch_url(void *user, uint32_t id, uint8_t *out, size_t cap,
                      size_t *out_len);
void fetch_close(void *user, uint32_t id);

/* kv.c */
struct kv_store;
struct kv_store *kv_open(const char *path);
void kv_close(struct kv_store *kv);
wasp_status kv_get(void *user, const uint8_t *key, size_t key_len, uint8_t *out,
                   size_t cap, size_t *out_len);
wasp_status kv_set(void *user, const uint8_t *key, size_t key_len,
                   const uint8_t *value, size_t value_len);
wasp_status kv_delete(void *user, const uint8_t *key, size_t key_len);

#endif /* WASP_LINUX_INTERNAL_H_ */
