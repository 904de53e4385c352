/* chip.h — a stand-in for a VS1053-class MP3 decoder chip and the firmware's queue
 * in front of it. The chip has a 2048-byte stream buffer that it plays at the
 * stream's byte rate on the board's clock; its data-request line (DREQ) is high
 * while at least 32 bytes are free (VS1053b datasheet v1.31 §7.4, §10.5), and the
 * firmware writes 32 bytes at most per DREQ check. Every byte written to the chip's
 * SDI goes into an md5: the log's proof of what the chip was given. */
#ifndef CHIP_H_
#define CHIP_H_

#include <stddef.h>
#include <stdint.h>

#include "md5.h"

/** The chip's stream buffer, bytes. */
#define CHIP_BUFFER 2048u
/** The firmware's queue of compressed bytes ahead of the chip. */
#define CHIP_QUEUE 4096u
/** Bytes DREQ promises room for, and the most written per check. */
#define CHIP_CHUNK 32u

typedef struct chip {
  uint8_t queue[CHIP_QUEUE];
  size_t head, queued;
  /* The chip's buffer level and its playing rate. */
  uint32_t level;
  uint32_t byte_rate;
  int64_t at_us;
  uint64_t fraction; /* played bytes x 1e6 not yet whole */
  int finished;      /* the stream's end was queued */
  md5_ctx stream;    /* every SDI byte */
  uint64_t written;
  uint32_t overruns; /* writes beyond the room DREQ promised (must stay 0) */
} chip;

void chip_init(chip *c, uint32_t byte_rate, int64_t now_us);
/** Queues `len` bytes of a unit, all or nothing; 0 when the queue lacks room. */
int chip_push(chip *c, const uint8_t *data, size_t len);
/** Room in the queue. */
size_t chip_room(const chip *c);
/** Plays the chip up to `now_us`, then writes while DREQ is high; bytes written. */
size_t chip_pump(chip *c, int64_t now_us);
/** The stream's bitrate changed (bytes per second; 0 keeps the current one). */
void chip_set_rate(chip *c, uint32_t byte_rate, int64_t now_us);
/** Bytes in the chip's buffer, played up to `now_us`. */
uint32_t chip_level(chip *c, int64_t now_us);
/** Drops what is queued and what the chip holds (a flush or cancel). */
void chip_cancel(chip *c);

#endif /* CHIP_H_ */
