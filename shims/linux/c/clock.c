/*
 * The media clock and presentation (docs/abi.md `media_clock`): the clock moves
 * with device time at the module's rate while every decoder is fed, never passes
 * the end of the decoded audio, and shows each picture (plays each sample) it
 * reaches; starved decoders raise UNDERFLOW, finished ones DRAINED. The decoders
 * themselves are in media.c.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <string.h>

#include "media.h"

/* ------------------------------------------------------------ the clock */

static int64_t audio_horizon(const decoder *dec, int *has) {
  int64_t h = INT64_MIN;
  *has = 0;
  for (size_t i = 0; i < dec->pool_count; i++) {
    int64_t e = media_audio_end(&dec->pool[i]);
    if (e > h) h = e;
    *has = 1;
  }
  if (dec->has_playing && media_audio_end(&dec->playing) > h) h = media_audio_end(&dec->playing), *has = 1;
  if (dec->has_last_end && dec->last_end_us > h) h = dec->last_end_us, *has = 1;
  return h;
}

/* Where the clock must stop for want of data from this decoder. */
static int stall_at(const decoder *dec, int64_t *at) {
  int has;
  int64_t out = INT64_MIN;
  if (dec->kind == ABI_KIND_AUDIO) {
    *at = audio_horizon(dec, &has);
    return has;
  }
  if (!dec->has_held_end) return 0;
  if (dec->q_count > 0) {
    *at = dec->held_end_us;
    return 1;
  }
  has = 0;
  for (size_t i = 0; i < dec->pool_count; i++) {
    if (media_end_of(&dec->pool[i].info) > out) out = media_end_of(&dec->pool[i].info), has = 1;
  }
  if (dec->has_last_end && dec->last_end_us > out) out = dec->last_end_us, has = 1;
  if (!has) return 0;
  *at = out < dec->held_end_us ? out : dec->held_end_us;
  return 1;
}

static int starved(const decoder *dec, int64_t position) {
  int64_t at = 0; /* set by stall_at when it returns nonzero */
  if (dec->eos) return 0;
  return !stall_at(dec, &at) || position >= at;
}

static int ready(const decoder *dec, int64_t position) {
  return dec->eos || (dec->has_last_end && dec->last_end_us > position) ||
         (dec->has_playing && media_audio_end(&dec->playing) > position) || dec->pool_count > 0;
}

static void run_clock(wasp_linux *d, int64_t dt) {
  media_clock *c = &d->clock;
  int64_t total, position, cap = INT64_MAX;
  int capped = 0;
  if (!c->running || dt <= 0) return;
  total = c->carry + dt * (int64_t)c->rate_milli;
  position = c->position_us + total / 1000;
  c->carry = total % 1000;
  for (int i = 0; i < MAX_DECODERS; i++) {
    decoder *dec = d->decoders[i];
    int has;
    int64_t h;
    if (dec == NULL || dec->kind != ABI_KIND_AUDIO || dec->eos) continue;
    h = audio_horizon(dec, &has);
    if (!has) h = INT64_MIN;
    if (h < cap) cap = h;
    capped = 1;
  }
  if (capped && position >= cap) {
    position = cap > c->position_us ? cap : c->position_us;
    c->carry = 0;
  }
  c->position_us = position;
}

/* Sample frames of |o| that start before |position|: ceil(ahead * rate / 10^6),
 * in integers split as in rescale. */
static int64_t frames_before(const output *o, int64_t position) {
  int64_t ahead = position - o->info.pts_us, n;
  if (ahead <= 0) return 0;
  n = ahead / 1000000 * (int64_t)o->rate +
      ((ahead % 1000000) * (int64_t)o->rate + 999999) / 1000000;
  return n > (int64_t)o->frames ? (int64_t)o->frames : n;
}

/* Shows the pictures (plays the audio) the clock reached. */
static int present(wasp_linux *d, decoder *dec, int64_t position) {
  int any = 0;
  for (;;) {
    if (dec->has_playing) {
      output *p = &dec->playing;
      size_t upto = (size_t)frames_before(p, position);
      if (upto > p->done) {
        audio_play(d, p->rate, p->samples + p->done * d->audio.channels,
                   (upto - p->done) * d->audio.channels);
        p->done = upto;
        any = 1;
      }
      if (p->done < p->frames) break;
      dec->last_end_us = media_audio_end(p);
      dec->has_last_end = 1;
      media_output_free(p);
      dec->has_playing = 0;
    }
    if (dec->pool_count == 0 || dec->pool[0].info.pts_us > position) break;
    {
      output o = dec->pool[0];
      memmove(&dec->pool[0], &dec->pool[1], (dec->pool_count - 1) * sizeof o);
      dec->pool_count--;
      any = 1;
      dec->last_pts_us = o.info.pts_us;
      if (dec->kind == ABI_KIND_VIDEO) {
        media_log_picture(d, dec, &o);
        dec->last_end_us = media_end_of(&o.info);
        dec->has_last_end = 1;
        media_output_free(&dec->current);
        dec->current = o;
        dec->has_current = 1;
        d->picture_changed = 1;
      } else {
        o.done = (size_t)frames_before(&o, dec->anchor_us);
        dec->playing = o;
        dec->has_playing = 1;
      }
    }
  }
  return any;
}

static void push_decoder_event(wasp_linux *d, uint32_t id, uint32_t what) {
  wasp_host_event e;
  memset(&e, 0, sizeof e);
  e.kind = WASP_EVENT_DECODER;
  e.decoder.handle = id;
  e.decoder.what = what;
  dev_push_event(d, &e);
}

static int settle_decoder(wasp_linux *d, decoder *dec) {
  int progress = 1, any = 0;
  while (progress) {
    if (dec->hw != NULL) media_collect_hw(dec);
    progress = present(d, dec, d->clock.position_us);
    if (dec->q_count > 0 && dec->pool_count < dec->pool_cap) {
      progress |= media_decode_one(d, dec);
    }
    any |= progress;
  }
  if (dec->eos && dec->q_count == 0 && dec->pool_count == 0 && !dec->has_playing &&
      dec->state == ABI_DECODER_RUNNING) {
    dec->state = ABI_DECODER_DRAINED;
    if (!dec->drained_reported) push_decoder_event(d, dec->id, WASP_DECODER_DRAINED);
    dec->drained_reported = 1;
  }
  return any;
}

void media_settle(wasp_linux *d) {
  int64_t now = dev_now(d);
  media_clock *c = &d->clock;
  if (now > d->settled_at) {
    run_clock(d, now - d->settled_at);
    d->settled_at = now;
  }
  for (int round = 0; round < 4; round++) {
    int fed = 1, all_ready = 1, was = c->running, running;
    for (int i = 0; i < MAX_DECODERS; i++) {
      if (d->decoders[i] != NULL) settle_decoder(d, d->decoders[i]);
    }
    for (int i = 0; i < MAX_DECODERS; i++) {
      decoder *dec = d->decoders[i];
      if (dec == NULL) continue;
      fed &= !starved(dec, c->position_us);
      all_ready &= ready(dec, c->position_us);
    }
    running = c->rate_milli > 0 && c->position_set && fed && (was || all_ready);
    c->running = running;
    if (was && !running && !fed) {
      for (int i = 0; i < MAX_DECODERS; i++) {
        decoder *dec = d->decoders[i];
        if (dec != NULL && starved(dec, c->position_us)) {
          push_decoder_event(d, dec->id, WASP_DECODER_UNDERFLOW);
        }
      }
    }
    if (running == was) break;
  }
}

void media_clock_info(void *user, wasp_media_clock_info *out) {
  wasp_linux *d = (wasp_linux *)user;
  media_settle(d);
  memset(out, 0, sizeof *out);
  out->position_us = d->clock.position_us;
  out->rate_milli = d->clock.rate_milli;
  out->running = (uint32_t)d->clock.running;
}

void media_set_rate(void *user, uint32_t rate_milli) {
  wasp_linux *d = (wasp_linux *)user;
  media_settle(d);
  d->clock.rate_milli = rate_milli;
  media_settle(d);
}

void media_set_position(void *user, int64_t pts_us) {
  wasp_linux *d = (wasp_linux *)user;
  media_settle(d);
  d->clock.position_us = pts_us;
  d->clock.carry = 0;
  d->clock.position_set = 1;
  for (int i = 0; i < MAX_DECODERS; i++) {
    decoder *dec = d->decoders[i];
    size_t kept = 0;
    if (dec == NULL) continue;
    dec->anchor_us = pts_us;
    dec->has_last_end = 0;
    if (dec->has_playing && media_audio_end(&dec->playing) > pts_us) {
      int64_t skip = frames_before(&dec->playing, pts_us);
      if ((size_t)skip > dec->playing.done) dec->playing.done = (size_t)skip;
    } else if (dec->has_playing) {
      media_output_free(&dec->playing);
      dec->has_playing = 0;
    }
    /* What lies before the new position is pre-roll: dropped. */
    for (size_t k = 0; k < dec->pool_count; k++) {
      output *o = &dec->pool[k];
      int early = dec->kind == ABI_KIND_AUDIO ? media_audio_end(o) <= pts_us
                                              : o->info.pts_us < pts_us;
      if (early) {
        media_output_free(o);
        dec->decoded--;
        dec->dropped++;
      } else {
        dec->pool[kept++] = *o;
      }
    }
    dec->pool_count = kept;
  }
  media_settle(d);
}

int media_current_picture(wasp_linux *d, wasp_video_frame *out, int64_t *pts_us) {
  const decoder *best = NULL;
  for (int i = 0; i < MAX_DECODERS; i++) {
    const decoder *dec = d->decoders[i];
    if (dec != NULL && dec->kind == ABI_KIND_VIDEO && dec->has_current) best = dec;
  }
  if (best == NULL) return 0;
  {
    const output *o = &best->current;
    size_t w = o->width, h = o->height, cw = (w + 1) / 2, ch = (h + 1) / 2;
    memset(out, 0, sizeof *out);
    out->y = o->packed;
    out->u = o->packed + w * h;
    out->v = o->packed + w * h + cw * ch;
    out->y_len = w * h;
    out->u_len = out->v_len = cw * ch;
    out->width = o->width;
    out->height = o->height;
    out->y_stride = o->width;
    out->uv_stride = (uint32_t)cw;
    *pts_us = o->info.pts_us;
  }
  return 1;
}
