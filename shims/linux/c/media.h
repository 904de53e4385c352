/*
 * The Linux port's decoders, shared by media.c (units into libavcodec or V4L2,
 * frames out into the output pool) and clock.c (the media clock and presentation).
 * Private to shims/linux/c.
 */
#ifndef WASP_LINUX_MEDIA_H_
#define WASP_LINUX_MEDIA_H_

#include <libavcodec/avcodec.h>

#include "internal.h"
#include "v4l2.h"

#define QUEUE_MAX 512
#define POOL_VIDEO 16
#define POOL_AUDIO 64
#define PENDING_MAX 64

typedef struct unit {
  wasp_sample_info info;
  uint8_t *data;
  size_t len;
} unit;

typedef struct output {
  wasp_sample_info info;
  uint8_t *packed;   /* video: I420 packed, Y then U then V */
  size_t packed_len;
  uint32_t width, height;
  int16_t *samples;  /* audio: interleaved at the output's channel count */
  size_t frames;
  uint32_t rate;
  size_t done;       /* audio frames played or skipped */
} output;

typedef struct decoder {
  uint32_t id;
  uint32_t kind;
  wasp_decoder_config config;
  AVCodecContext *ctx;
  AVPacket *pkt;
  AVFrame *frame;
  unit queue[QUEUE_MAX];
  size_t q_head, q_count, queued_bytes;
  wasp_sample_info pending[PENDING_MAX];
  size_t pending_count;
  output *pool;      /* sorted by pts; `pool_size` entries allocated */
  size_t pool_count, pool_size;
  size_t pool_cap;   /* decoding waits while the pool holds this many */
  output playing;
  int has_playing;
  int64_t anchor_us;
  int64_t last_end_us, held_end_us;
  int has_last_end, has_held_end;
  int eos, drained_reported;
  uint32_t state, decoded, dropped, corrupt;
  int64_t last_pts_us;
  output current;    /* the picture on screen (video) */
  int has_current;
  v4l2_dec *hw;      /* a V4L2 decoder instead of libavcodec (video) */
  int hw_draining;
} decoder;

/* Where a unit's (or frame's) presentation ends: pts plus its duration, if any. */
int64_t media_end_of(const wasp_sample_info *i);
/* Where the audio of |o| ends at its sample rate. */
int64_t media_audio_end(const output *o);
/* Frees an output's buffers and zeroes it. */
void media_output_free(output *o);
/* Logs a picture as it is shown (framemd5 line). */
void media_log_picture(wasp_linux *d, decoder *dec, const output *o);
/* Moves what the V4L2 decoder gave out into the output pool. */
void media_collect_hw(decoder *dec);
/* Sends the next queued unit to the decoder and collects its frames; 1 when it did. */
int media_decode_one(wasp_linux *d, decoder *dec);

#endif /* WASP_LINUX_MEDIA_H_ */
