/*
 * Decoders: libavcodec in software, or V4L2 M2M (v4l2.c). The media clock and
 * presentation are in clock.c.
 *
 * A unit's life, as on the emulator (shims/emulator/src/decoder.rs), without the
 * emulated decode time: submitted into a bounded queue (bytes copied) -> sent to
 * libavcodec when the decoder's output pool has room, every frame it gives out
 * collected -> presented when the media clock reaches its pts, smallest first.
 * Pictures are logged (framemd5) when shown; audio samples are played (WAV sink)
 * as the clock passes them, and the clock never passes the end of the decoded
 * audio. Nothing is dropped except pre-roll (before the position the clock was
 * anchored at), SAMPLE_DECODE_ONLY units and what libavcodec never gives out.
 *
 * Bit-exactness: single-threaded decoding, pictures packed as ffmpeg's framemd5
 * hashes them (av_image_copy_to_buffer, align 1; FINDINGS.md), audio converted
 * to s16 as libswresample does (float: lrintf(x * 32768) saturated; s32: the high
 * half).
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/imgutils.h>

#include "media.h"

int64_t media_end_of(const wasp_sample_info *i) {
  return i->pts_us + (i->duration_us > 0 ? i->duration_us : 0);
}

void media_output_free(output *o) {
  free(o->packed);
  free(o->samples);
  memset(o, 0, sizeof *o);
}

static decoder *find(wasp_linux *d, uint32_t id) {
  for (int i = 0; i < MAX_DECODERS; i++) {
    if (d->decoders[i] != NULL && d->decoders[i]->id == id) return d->decoders[i];
  }
  return NULL;
}

/* ------------------------------------------------------------------ logs */

static void log_open(wasp_linux *d, log_file *log, const char *path) {
  if (path == NULL) return;
  log->f = fopen(path, "w");
  if (log->f == NULL) dev_log(d, WASP_LOG_ERROR, "%s: cannot create", path);
}

/* us in 1/|den| s (den <= 10^8), rounded to nearest, halves away from zero (as
 * av_rescale). Integers only, split so no product overflows 64 bits: the logs
 * are the same on every target (a long double is 64, 80 or 128 bits). */
static int64_t rescale(int64_t us, int64_t den) {
  int64_t whole = us / 1000000, part = (us % 1000000) * den; /* |part| < 10^14 */
  int64_t rounded = part >= 0 ? (part + 500000) / 1000000 : (part - 500000) / 1000000;
  return whole * den + rounded;
}

void media_log_picture(wasp_linux *d, decoder *dec, const output *o) {
  char md5[33];
  int64_t den = d->config.frame_timebase, pts, duration;
  log_file *log = &d->frame_log;
  d->pictures++;
  if (log->f == NULL) return;
  if (!log->header_written) {
    fprintf(log->f,
            "#format: frame checksums\n#version: 2\n#hash: MD5\n#tb 0: 1/%" PRId64
            "\n#media_type 0: video\n#codec_id 0: rawvideo\n#dimensions 0: %ux%u\n"
            "#sar 0: 1/1\n#stream#, dts,        pts, duration,     size, hash\n",
            den, (unsigned)dec->config.width, (unsigned)dec->config.height);
    log->header_written = 1;
  }
  md5_hex(o->packed, o->packed_len, md5);
  pts = rescale(o->info.pts_us, den);
  if (o->info.duration_us > 0) {
    duration = rescale(o->info.duration_us, den);
  } else if (dec->config.framerate_milli > 0) {
    /* No duration (MPEG-TS carries none): one frame period, as ffmpeg writes. */
    duration = (den * 1000 + dec->config.framerate_milli / 2) / dec->config.framerate_milli;
  } else {
    duration = 0;
  }
  fprintf(log->f, "0, %10" PRId64 ", %10" PRId64 ", %8" PRId64 ", %8zu, %s\n", pts,
          pts, duration, o->packed_len, md5);
}

/* One decoded audio frame in the stream's own channels, s16le, as
 * `ffmpeg -c:a pcm_s16le -f framemd5` writes it (time base 1/rate). */
static void log_audio(wasp_linux *d, int64_t pts_us, const int16_t *s, size_t frames,
                      uint32_t channels, uint32_t rate) {
  char md5[33];
  log_file *log = &d->audio_log;
  size_t bytes = frames * channels * 2;
  uint8_t *le;
  d->audio_frames++;
  if (log->f == NULL) return;
  if (!log->header_written) {
    fprintf(log->f,
            "#format: frame checksums\n#version: 2\n#hash: MD5\n#tb 0: 1/%u\n"
            "#media_type 0: audio\n#codec_id 0: pcm_s16le\n#sample_rate 0: %u\n"
            "#channel_layout_name 0: %s\n"
            "#stream#, dts,        pts, duration,     size, hash\n",
            (unsigned)rate, (unsigned)rate, channels == 1 ? "mono" : "stereo");
    log->header_written = 1;
  }
  le = (uint8_t *)malloc(bytes ? bytes : 1);
  if (le == NULL) return;
  for (size_t i = 0; i < frames * channels; i++) {
    le[2 * i] = (uint8_t)((uint16_t)s[i] & 0xff);
    le[2 * i + 1] = (uint8_t)((uint16_t)s[i] >> 8);
  }
  md5_hex(le, bytes, md5);
  free(le);
  {
    int64_t pts = rescale(pts_us, rate);
    fprintf(log->f, "0, %10" PRId64 ", %10" PRId64 ", %8zu, %8zu, %s\n", pts, pts,
            frames, bytes, md5);
  }
}

/* --------------------------------------------------------------- libavcodec */

static enum AVCodecID codec_id(uint32_t codec) {
  switch (codec) {
    case ABI_CODEC_H264: return AV_CODEC_ID_H264;
    case ABI_CODEC_H265: return AV_CODEC_ID_HEVC;
    case ABI_CODEC_AAC: return AV_CODEC_ID_AAC;
    case ABI_CODEC_MP3: return AV_CODEC_ID_MP3;
    case ABI_CODEC_AC3: return AV_CODEC_ID_AC3;
    case ABI_CODEC_EAC3: return AV_CODEC_ID_EAC3;
    case ABI_CODEC_OPUS: return AV_CODEC_ID_OPUS;
    default: return AV_CODEC_ID_NONE;
  }
}

static uint32_t kind_of(uint32_t codec) {
  if (codec == ABI_CODEC_H264 || codec == ABI_CODEC_H265) return ABI_KIND_VIDEO;
  if (codec_id(codec) != AV_CODEC_ID_NONE) return ABI_KIND_AUDIO;
  return 0;
}

static int16_t f_to_s16(double x) {
  double v = x * 32768.0;
  if (isnan(v)) return 0;
  v = nearbyint(v); /* round half to even in the default rounding mode */
  if (v > 32767.0) return 32767;
  if (v < -32768.0) return -32768;
  return (int16_t)v;
}

/* The frame's samples as interleaved s16 in its own channels; NULL if the
 * format is not one the decoders produce. */
static int16_t *frame_pcm(const AVFrame *f, size_t *out_frames, uint32_t *out_ch) {
  int channels = f->ch_layout.nb_channels;
  int planar = av_sample_fmt_is_planar((enum AVSampleFormat)f->format);
  enum AVSampleFormat packed = av_get_packed_sample_fmt((enum AVSampleFormat)f->format);
  size_t count = (size_t)f->nb_samples;
  int16_t *out;
  if (channels <= 0 || channels > 8 || f->nb_samples <= 0 || f->sample_rate <= 0) return NULL;
  if (packed != AV_SAMPLE_FMT_S16 && packed != AV_SAMPLE_FMT_S32 &&
      packed != AV_SAMPLE_FMT_FLT && packed != AV_SAMPLE_FMT_DBL) {
    return NULL;
  }
  out = (int16_t *)malloc(count * (size_t)channels * sizeof *out);
  if (out == NULL) return NULL;
  for (size_t i = 0; i < count; i++) {
    for (int c = 0; c < channels; c++) {
      const uint8_t *plane = f->extended_data[planar ? c : 0];
      size_t index = planar ? i : i * (size_t)channels + (size_t)c;
      int16_t s;
      switch (packed) {
        case AV_SAMPLE_FMT_S16: s = ((const int16_t *)(const void *)plane)[index]; break;
        case AV_SAMPLE_FMT_S32:
          s = (int16_t)(((const int32_t *)(const void *)plane)[index] >> 16);
          break;
        case AV_SAMPLE_FMT_FLT:
          s = f_to_s16((double)((const float *)(const void *)plane)[index]);
          break;
        default: s = f_to_s16(((const double *)(const void *)plane)[index]); break;
      }
      out[i * (size_t)channels + (size_t)c] = s;
    }
  }
  *out_frames = count;
  *out_ch = (uint32_t)channels;
  return out;
}

/* The unit a frame of timestamp |pts| came from (by pts, else the oldest). */
static int take_pending(decoder *dec, int64_t pts, int has_pts, wasp_sample_info *out) {
  size_t at = 0;
  if (dec->pending_count == 0) return 0;
  if (has_pts) {
    for (size_t i = 0; i < dec->pending_count; i++) {
      if (dec->pending[i].pts_us == pts) {
        at = i;
        break;
      }
    }
  }
  *out = dec->pending[at];
  memmove(&dec->pending[at], &dec->pending[at + 1],
          (dec->pending_count - at - 1) * sizeof dec->pending[0]);
  dec->pending_count--;
  return 1;
}

/* Pools an output in pts order; 0 when memory ran out (the output is freed).
 * A drain can give out more than `pool_cap` frames at once: the pool grows. */
static int pool_insert(decoder *dec, output *o) {
  size_t at = dec->pool_count;
  if (dec->pool_count == dec->pool_size) {
    size_t size = dec->pool_size * 2;
    output *grown = (output *)realloc(dec->pool, size * sizeof *grown);
    if (grown == NULL) {
      media_output_free(o);
      return 0;
    }
    dec->pool = grown;
    dec->pool_size = size;
  }
  while (at > 0 && dec->pool[at - 1].info.pts_us > o->info.pts_us) at--;
  memmove(&dec->pool[at + 1], &dec->pool[at], (dec->pool_count - at) * sizeof *o);
  dec->pool[at] = *o;
  dec->pool_count++;
  return 1;
}

int64_t media_audio_end(const output *o) {
  return o->info.pts_us + (o->rate ? (int64_t)o->frames * 1000000 / o->rate : 0);
}

static void accept(decoder *dec, output *o);

static void finish_frame(wasp_linux *d, decoder *dec, const AVFrame *f) {
  output o;
  int64_t ts = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
  int has_ts = ts != AV_NOPTS_VALUE;
  memset(&o, 0, sizeof o);
  if (!take_pending(dec, ts, has_ts, &o.info)) {
    o.info.pts_us = has_ts ? ts : d->clock.position_us;
    o.info.dts_us = o.info.pts_us;
  }
  if (dec->kind == ABI_KIND_VIDEO) {
    int size;
    if ((f->format != AV_PIX_FMT_YUV420P && f->format != AV_PIX_FMT_YUVJ420P) ||
        f->width <= 0 || f->height <= 0) {
      dec->corrupt++;
      return;
    }
    size = av_image_get_buffer_size((enum AVPixelFormat)f->format, f->width, f->height, 1);
    o.packed = (uint8_t *)malloc(size > 0 ? (size_t)size : 1);
    if (o.packed == NULL ||
        av_image_copy_to_buffer(o.packed, size, (const uint8_t *const *)f->data,
                                f->linesize, (enum AVPixelFormat)f->format, f->width,
                                f->height, 1) != size) {
      free(o.packed);
      dec->corrupt++;
      return;
    }
    o.packed_len = (size_t)size;
    o.width = (uint32_t)f->width;
    o.height = (uint32_t)f->height;
    if (f->flags & AV_FRAME_FLAG_CORRUPT) dec->corrupt++;
  } else {
    uint32_t ch = 0, out_ch = d->audio.channels;
    size_t frames = 0;
    int16_t *pcm = frame_pcm(f, &frames, &ch);
    if (pcm == NULL) {
      dec->corrupt++;
      return;
    }
    log_audio(d, o.info.pts_us, pcm, frames, ch, (uint32_t)f->sample_rate);
    /* Mono plays on every output channel; channels beyond the output's are left
     * out (no downmix), as on the emulator. */
    o.samples = (int16_t *)malloc(frames * out_ch * sizeof(int16_t) + 1);
    if (o.samples == NULL) {
      free(pcm);
      return;
    }
    for (size_t i = 0; i < frames; i++) {
      for (uint32_t c = 0; c < out_ch; c++) {
        o.samples[i * out_ch + c] = pcm[i * ch + (c < ch ? c : 0)];
      }
    }
    free(pcm);
    o.frames = frames;
    o.rate = (uint32_t)f->sample_rate;
  }
  accept(dec, &o);
}

/* Pools a decoded output, or drops it: decode-only units and pre-roll. */
static void accept(decoder *dec, output *o) {
  if ((o->info.flags & ABI_SAMPLE_DECODE_ONLY) ||
      (dec->kind == ABI_KIND_VIDEO ? o->info.pts_us < dec->anchor_us
                                   : media_audio_end(o) <= dec->anchor_us)) {
    media_output_free(o);
    dec->dropped++;
    return;
  }
  if (pool_insert(dec, o)) {
    dec->decoded++;
  } else {
    dec->dropped++;
  }
}

static void collect(wasp_linux *d, decoder *dec) {
  for (int i = 0; i < 64; i++) {
    int ret = avcodec_receive_frame(dec->ctx, dec->frame);
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) break;
    if (ret < 0) {
      dec->corrupt++;
      continue;
    }
    finish_frame(d, dec, dec->frame);
    av_frame_unref(dec->frame);
  }
}

/* Remembers a unit sent to the decoder until its frame comes out. */
static void remember(decoder *dec, const wasp_sample_info *info) {
  if (dec->pending_count == PENDING_MAX) {
    /* A decoder holding this many units without output never gives them. */
    memmove(&dec->pending[0], &dec->pending[1], (PENDING_MAX - 1) * sizeof dec->pending[0]);
    dec->pending_count--;
    dec->dropped++;
  }
  dec->pending[dec->pending_count++] = *info;
}

/* Pictures from the V4L2 decoder; the drain ends at its last buffer. */
void media_collect_hw(decoder *dec) {
  /* Pictures stay in the driver's buffers while the pool is full. */
  for (int i = 0; i < 64 && dec->pool_count < dec->pool_cap; i++) {
    v4l2_picture pic;
    output o;
    int r = v4l2_receive(dec->hw, &pic);
    if (r == 0) break;
    if (r < 0) {
      dec->corrupt++;
      break;
    }
    if (r == 1 || r == 3) {
      memset(&o, 0, sizeof o);
      if (!take_pending(dec, pic.pts_us, 1, &o.info)) {
        o.info.pts_us = o.info.dts_us = pic.pts_us;
      }
      o.packed = pic.packed;
      o.packed_len = pic.packed_len;
      o.width = pic.width;
      o.height = pic.height;
      if (pic.corrupt) dec->corrupt++;
      accept(dec, &o);
    }
    if (r >= 2 && dec->hw_draining) {
      dec->dropped += (uint32_t)dec->pending_count;
      dec->pending_count = 0;
      dec->eos = 1;
      dec->hw_draining = 0;
      break;
    }
  }
}

/* Sends the queue's first unit to the V4L2 decoder; 0 when it has no room. */
static int send_hw(decoder *dec, const unit *u) {
  int r;
  if (u->info.flags & ABI_SAMPLE_END_OF_STREAM) {
    v4l2_send_end(dec->hw);
    dec->hw_draining = 1;
    return 1;
  }
  r = v4l2_send(dec->hw, u->data, u->len, u->info.pts_us);
  if (r == 1) return 0;
  if (r < 0) {
    dec->corrupt++;
  } else {
    remember(dec, &u->info);
  }
  return 1;
}

/* Sends a unit to libavcodec and collects what comes out. */
static void send_av(wasp_linux *d, decoder *dec, const unit *u) {
  if (u->info.flags & ABI_SAMPLE_END_OF_STREAM) {
    avcodec_send_packet(dec->ctx, NULL);
    collect(d, dec);
    dec->dropped += (uint32_t)dec->pending_count;
    dec->pending_count = 0;
    dec->eos = 1;
  } else if (av_new_packet(dec->pkt, (int)u->len) == 0) {
    memcpy(dec->pkt->data, u->data, u->len);
    dec->pkt->pts = u->info.pts_us;
    dec->pkt->dts = u->info.dts_us;
    if (avcodec_send_packet(dec->ctx, dec->pkt) < 0) {
      dec->corrupt++;
    } else {
      remember(dec, &u->info);
    }
    av_packet_unref(dec->pkt);
    collect(d, dec);
  } else {
    dec->corrupt++;
  }
}

/* Sends the queue's first unit to the decoder; 0 when the decoder had no room
 * (the unit stays queued). */
int media_decode_one(wasp_linux *d, decoder *dec) {
  unit u = dec->queue[dec->q_head];
  if (dec->hw != NULL) {
    if (!send_hw(dec, &u)) return 0;
  } else {
    send_av(d, dec, &u);
  }
  dec->q_head = (dec->q_head + 1) % QUEUE_MAX;
  dec->q_count--;
  dec->queued_bytes -= u.len;
  free(u.data);
  return 1;
}

/* ------------------------------------------------------------- callbacks */

int media_init(wasp_linux *d) {
  av_log_set_level(AV_LOG_QUIET);
  log_open(d, &d->frame_log, d->config.frame_log_path);
  log_open(d, &d->audio_log, d->config.audio_log_path);
  return (d->config.frame_log_path == NULL || d->frame_log.f != NULL) &&
         (d->config.audio_log_path == NULL || d->audio_log.f != NULL);
}

static void decoder_clear(decoder *dec) {
  while (dec->q_count > 0) {
    free(dec->queue[dec->q_head].data);
    dec->q_head = (dec->q_head + 1) % QUEUE_MAX;
    dec->q_count--;
  }
  dec->queued_bytes = 0;
  for (size_t i = 0; i < dec->pool_count; i++) media_output_free(&dec->pool[i]);
  dec->pool_count = 0;
  dec->pending_count = 0;
  if (dec->has_playing) media_output_free(&dec->playing);
  dec->has_playing = 0;
}

static void decoder_destroy(decoder *dec) {
  decoder_clear(dec);
  v4l2_close(dec->hw);
  media_output_free(&dec->current);
  free(dec->pool);
  avcodec_free_context(&dec->ctx);
  av_packet_free(&dec->pkt);
  av_frame_free(&dec->frame);
  free(dec);
}

void media_free(wasp_linux *d) {
  for (int i = 0; i < MAX_DECODERS; i++) {
    if (d->decoders[i] != NULL) decoder_destroy(d->decoders[i]);
    d->decoders[i] = NULL;
  }
  if (d->frame_log.f) fclose(d->frame_log.f);
  if (d->audio_log.f) fclose(d->audio_log.f);
  d->frame_log.f = d->audio_log.f = NULL;
}

void media_decoding_info(void *user, const wasp_decoding_query *query,
                         const char *codecs, size_t codecs_len,
                         wasp_decoding_info *out) {
  wasp_linux *d = (wasp_linux *)user;
  enum AVCodecID id = codec_id(query->codec);
  (void)codecs;
  (void)codecs_len;
  memset(out, 0, sizeof *out);
  if (query->codec == 0 || (id != AV_CODEC_ID_NONE && avcodec_find_decoder(id) != NULL)) {
    /* Software decoding: up to 1080p is smooth on the sticks this targets. */
    int big = query->width > 1920 || query->height > 1088;
    out->supported = 1;
    out->smooth = !big;
    out->power_efficient = 0;
    out->max_instances = 4;
  }
  (void)d;
}

wasp_status media_decoder_open(void *user, const wasp_decoder_config *config,
                               const uint8_t *extra, size_t extra_len,
                               uint32_t *out_id) {
  wasp_linux *d = (wasp_linux *)user;
  const AVCodec *codec;
  decoder *dec;
  int slot = -1;
  enum AVCodecID id = codec_id(config->codec);
  if (id == AV_CODEC_ID_NONE || (codec = avcodec_find_decoder(id)) == NULL) {
    return WASP_ERR_UNSUPPORTED;
  }
  for (int i = 0; i < MAX_DECODERS; i++) {
    if (d->decoders[i] == NULL) {
      slot = i;
      break;
    }
  }
  if (slot < 0 || extra_len > (1u << 20)) return WASP_ERR_TOO_MANY_HANDLES;
  dec = (decoder *)calloc(1, sizeof *dec);
  if (dec == NULL) return WASP_ERR_BUDGET_EXCEEDED;
  dec->kind = kind_of(config->codec);
  dec->config = *config;
  dec->pool_cap = dec->kind == ABI_KIND_VIDEO ? POOL_VIDEO : POOL_AUDIO;
  dec->pool_size = dec->pool_cap;
  dec->pool = (output *)calloc(dec->pool_size, sizeof(output));
  dec->ctx = avcodec_alloc_context3(codec);
  dec->pkt = av_packet_alloc();
  dec->frame = av_frame_alloc();
  dec->anchor_us = INT64_MIN;
  dec->last_pts_us = INT64_MIN;
  if (dec->pool == NULL || dec->ctx == NULL || dec->pkt == NULL || dec->frame == NULL) {
    decoder_destroy(dec);
    return WASP_ERR_BUDGET_EXCEEDED;
  }
  if (dec->kind == ABI_KIND_VIDEO && d->config.v4l2_path != NULL) {
    char why[128] = "";
    dec->hw = v4l2_open(d->config.v4l2_path, config->codec == ABI_CODEC_H265,
                        config->bitstream == ABI_BITSTREAM_ANNEX_B, extra, extra_len, why,
                        sizeof why);
    if (dec->hw == NULL) {
      dev_log(d, WASP_LOG_WARN, "%s: %s; decoding in software", d->config.v4l2_path, why);
    }
  }
  dec->ctx->thread_count = 1;
  dec->ctx->pkt_timebase = (AVRational){1, 1000000};
  if (config->sample_rate > 0 && config->sample_rate <= 384000) {
    dec->ctx->sample_rate = (int)config->sample_rate;
  }
  if (config->channels > 0 && config->channels <= 8) {
    av_channel_layout_default(&dec->ctx->ch_layout, (int)config->channels);
  }
  if (extra_len > 0) {
    dec->ctx->extradata = (uint8_t *)av_mallocz(extra_len + AV_INPUT_BUFFER_PADDING_SIZE);
    if (dec->ctx->extradata == NULL) {
      decoder_destroy(dec);
      return WASP_ERR_BUDGET_EXCEEDED;
    }
    memcpy(dec->ctx->extradata, extra, extra_len);
    dec->ctx->extradata_size = (int)extra_len;
  }
  if (dec->hw == NULL && avcodec_open2(dec->ctx, codec, NULL) < 0) {
    decoder_destroy(dec);
    return WASP_ERR_UNSUPPORTED;
  }
  dec->id = dev_new_id(d);
  dec->state = ABI_DECODER_IDLE;
  d->decoders[slot] = dec;
  *out_id = dec->id;
  return WASP_OK;
}

wasp_status media_decoder_submit(void *user, uint32_t id,
                                 const wasp_sample_info *sample,
                                 const wasp_slice *pieces, size_t piece_count,
                                 const wasp_encryption_info *encryption,
                                 const wasp_subsample *subsamples,
                                 size_t subsample_count) {
  wasp_linux *d = (wasp_linux *)user;
  decoder *dec = find(d, id);
  size_t total = 0, at = 0;
  unit u;
  (void)subsamples;
  (void)subsample_count;
  if (dec == NULL) return WASP_ERR_BAD_HANDLE;
  if (encryption != NULL) return WASP_ERR_UNSUPPORTED;
  for (size_t i = 0; i < piece_count; i++) {
    if (pieces[i].len > INT32_MAX - total) return WASP_ERR_INVALID_ARGUMENT;
    total += pieces[i].len;
  }
  if (dec->q_count == QUEUE_MAX ||
      (dec->q_count > 0 && dec->queued_bytes + total > d->config.decoder_queue_bytes)) {
    return WASP_ERR_WOULD_BLOCK;
  }
  u.info = *sample;
  u.len = total;
  u.data = (uint8_t *)malloc(total ? total : 1);
  if (u.data == NULL) return WASP_ERR_BUDGET_EXCEEDED;
  for (size_t i = 0; i < piece_count; i++) {
    if (pieces[i].len) memcpy(u.data + at, pieces[i].data, pieces[i].len);
    at += pieces[i].len;
  }
  if (dec->state == ABI_DECODER_IDLE || dec->state == ABI_DECODER_DRAINED) {
    dec->state = ABI_DECODER_RUNNING;
  }
  if (!(sample->flags & (ABI_SAMPLE_END_OF_STREAM | ABI_SAMPLE_DECODE_ONLY))) {
    int64_t e = media_end_of(sample);
    if (!dec->has_held_end || e > dec->held_end_us) dec->held_end_us = e;
    dec->has_held_end = 1;
  }
  dec->queue[(dec->q_head + dec->q_count) % QUEUE_MAX] = u;
  dec->q_count++;
  dec->queued_bytes += total;
  return WASP_OK;
}

void media_decoder_info(void *user, uint32_t id, wasp_decoder_stats *out) {
  wasp_linux *d = (wasp_linux *)user;
  decoder *dec;
  media_settle(d);
  dec = find(d, id);
  memset(out, 0, sizeof *out);
  if (dec == NULL) return;
  out->last_pts_us = dec->last_pts_us;
  out->queued_bytes = dec->queued_bytes;
  out->queue_capacity = d->config.decoder_queue_bytes;
  out->queued_units = (uint32_t)dec->q_count;
  out->decoded = dec->decoded;
  out->dropped = dec->dropped;
  out->corrupt = dec->corrupt;
  out->state = dec->state;
  out->kind = dec->kind;
}

void media_decoder_flush(void *user, uint32_t id) {
  wasp_linux *d = (wasp_linux *)user;
  decoder *dec = find(d, id);
  if (dec == NULL) return;
  decoder_clear(dec);
  if (dec->hw != NULL) {
    v4l2_flush(dec->hw);
  } else {
    avcodec_flush_buffers(dec->ctx);
  }
  dec->hw_draining = 0;
  dec->has_last_end = dec->has_held_end = 0;
  dec->eos = dec->drained_reported = 0;
  dec->state = ABI_DECODER_IDLE;
}

void media_decoder_close(void *user, uint32_t id) {
  wasp_linux *d = (wasp_linux *)user;
  for (int i = 0; i < MAX_DECODERS; i++) {
    if (d->decoders[i] != NULL && d->decoders[i]->id == id) {
      decoder_destroy(d->decoders[i]);
      d->decoders[i] = NULL;
    }
  }
}
