/* port.h — the board's wasp port, in C against wasp_port.h and wasp_raster.h:
 *   fetch    `file:///path` URLs are host files read through semihosting; a file's
 *            response headers are its sidecar `<path>.headers` (`Name: value`
 *            lines), so an ICY capture plays as the radio stream it came from;
 *   clock    port time = an epoch plus SysTick uptime;
 *   audio    MP3 units to the decoder-chip stand-in (chip.h), fed while DREQ is high;
 *   display  240x240 with no plane in RAM: a banded raster (wasp_raster.h) keeps
 *            each frame's draw lists and renders them 8 rows at a time at present,
 *            where a panel would get the rows over SPI; the frame's md5 over its
 *            bands, in order (the md5 of the whole plane), logged for each frame. */
#ifndef PORT_H_
#define PORT_H_

#include <stdint.h>

#include "chip.h"
#include "wasp.h"
#include "wasp_raster.h"

#define PORT_WIDTH 240u
#define PORT_HEIGHT 240u
/** Rows per band: the band buffer is 240 x 8 x 4 = 7 680 bytes. */
#define PORT_BAND_ROWS 8u
/** The most bytes of draw lists one frame keeps (each list + 4 bytes): the audio
 *  module's frames keep at most 824 (expected.log, "draw records high-water"), so
 *  4 KiB leaves room for longer station names and titles. */
#define PORT_RECORD_BYTES (4u * 1024u)
#define PORT_FETCHES 4u
#define PORT_SIDECAR 512u

typedef struct port_fetch {
  int fd; /* -1: free */
  uint32_t id;
  uint32_t size, offset;
  char headers[PORT_SIDECAR];
} port_fetch;

typedef struct board_port {
  int64_t epoch_us;
  uint32_t next_id;
  uint32_t state;       /* the module's last state (WASP_STATE_*) */
  int quiet;            /* count log lines without printing them */
  uint32_t lines, frames, units;
  uint64_t random; /* the random_fill state */
  uint64_t drawing_us; /* time inside draw and present (checking, rendering, hashing), summed */
  port_fetch fetches[PORT_FETCHES];
  int decoder_open, end_of_stream;
  chip chip;
  int64_t clock_position_us;
  uint64_t clock_at_us;
  uint32_t clock_rate_milli;
  wasp_raster *raster;
  uint8_t last_plane[16];
} board_port;

/** Fills `vt` with the port's callbacks on `p` (which must outlive the runtime),
 *  then creates the raster: WASP_OK or wasp_raster_new's error. */
wasp_status port_init(board_port *p, wasp_port *vt, int64_t epoch_us);
/** Feeds the chip what it can take now. */
void port_pump(board_port *p);
/** Whether the stream ended and the chip played all of it. */
int port_drained(board_port *p);

#endif /* PORT_H_ */
