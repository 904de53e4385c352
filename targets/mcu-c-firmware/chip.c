/* chip.c — the decoder-chip stand-in (chip.h). */
#include "chip.h"

#include <string.h>

void chip_init(chip *c, uint32_t byte_rate, int64_t now_us) {
  memset(c, 0, sizeof *c);
  c->byte_rate = byte_rate;
  c->at_us = now_us;
  md5_init(&c->stream);
}

size_t chip_room(const chip *c) { return CHIP_QUEUE - c->queued; }

int chip_push(chip *c, const uint8_t *data, size_t len) {
  if (len > chip_room(c)) return 0;
  for (size_t i = 0; i < len; i++) c->queue[(c->head + c->queued + i) % CHIP_QUEUE] = data[i];
  c->queued += len;
  return 1;
}

/* Plays the buffer at the byte rate from `at_us` to `now_us`. */
static void advance(chip *c, int64_t now_us) {
  if (now_us <= c->at_us) return;
  uint64_t played = (uint64_t)(now_us - c->at_us) * c->byte_rate + c->fraction;
  c->at_us = now_us;
  c->fraction = played % 1000000u;
  played /= 1000000u;
  if (played >= c->level) {
    c->level = 0;
    c->fraction = 0;
  } else {
    c->level -= (uint32_t)played;
  }
}

uint32_t chip_level(chip *c, int64_t now_us) {
  advance(c, now_us);
  return c->level;
}

size_t chip_pump(chip *c, int64_t now_us) {
  advance(c, now_us);
  size_t sent = 0;
  /* DREQ high: at least CHIP_CHUNK bytes free in the chip's buffer. */
  while (c->queued > 0 && CHIP_BUFFER - c->level >= CHIP_CHUNK) {
    uint8_t chunk[CHIP_CHUNK];
    size_t n = c->queued < CHIP_CHUNK ? c->queued : CHIP_CHUNK;
    for (size_t i = 0; i < n; i++) chunk[i] = c->queue[(c->head + i) % CHIP_QUEUE];
    c->head = (c->head + n) % CHIP_QUEUE;
    c->queued -= n;
    if (c->level + n > CHIP_BUFFER) c->overruns++;
    c->level += (uint32_t)n;
    md5_update(&c->stream, chunk, n);
    c->written += n;
    sent += n;
  }
  return sent;
}

void chip_set_rate(chip *c, uint32_t byte_rate, int64_t now_us) {
  if (byte_rate == 0) return;
  advance(c, now_us);
  c->byte_rate = byte_rate;
}

void chip_cancel(chip *c) {
  c->head = 0;
  c->queued = 0;
  c->level = 0;
  c->fraction = 0;
  c->finished = 0;
}
