/* A V4L2 memory-to-memory stateful video decoder (v4l2.c). */
#ifndef WASP_LINUX_V4L2_H_
#define WASP_LINUX_V4L2_H_

#include <stddef.h>
#include <stdint.h>

typedef struct v4l2_dec v4l2_dec;

/* A decoded picture, packed I420 (malloc'd; the caller frees `packed`). */
typedef struct v4l2_picture {
  uint8_t *packed;
  size_t packed_len;
  uint32_t width, height;
  int64_t pts_us;
  int corrupt;
} v4l2_picture;

/* Opens |path| as an H.264 (or HEVC when |hevc|) decoder; |annexb|: the units
 * carry start codes, else NAL lengths as the avcC/hvcC |extra| says. NULL when
 * the device cannot decode this (the reason in |why|). */
v4l2_dec *v4l2_open(const char *path, int hevc, int annexb, const uint8_t *extra,
                    size_t extra_len, char *why, size_t why_cap);
/* Queues one access unit: 0 queued, 1 no free buffer yet (try again), -1 error. */
int v4l2_send(v4l2_dec *v, const uint8_t *data, size_t len, int64_t pts_us);
/* Starts the drain (V4L2_DEC_CMD_STOP). */
void v4l2_send_end(v4l2_dec *v);
/* The next picture: 1 a picture, 3 a picture that is the last, 2 drained (no
 * picture), 0 nothing yet, -1 error. */
int v4l2_receive(v4l2_dec *v, v4l2_picture *out);
/* Drops everything queued (a seek). */
void v4l2_flush(v4l2_dec *v);
void v4l2_close(v4l2_dec *v);

#endif /* WASP_LINUX_V4L2_H_ */
