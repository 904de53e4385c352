/*
 * The Linux port's V4L2 decoder (shims/linux/c/v4l2.c, included whole) against a
 * scripted stateful H.264 decoder: open, ioctl, mmap, munmap and close are
 * replaced by a fake device that behaves as Documentation/userspace-api/media/
 * v4l/dev-decoder.rst describes (SOURCE_CHANGE after the first OUTPUT buffer,
 * CAPTURE set up by the client, one picture per access unit, V4L2_BUF_FLAG_LAST
 * after V4L2_DEC_CMD_STOP, EPIPE after it) and prints one line per call: the
 * transcript the test compares with v4l2-h264.transcript. NOT HARDWARE-VERIFIED:
 * the device's answers are the documentation's, not recorded on a SoC.
 * Prints "v4l2_fake: failures 0" when the pictures came out as sent.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static int fake_open(const char *path, int flags, ...);
static int fake_ioctl(int fd, unsigned long request, ...);
static void *fake_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
static int fake_munmap(void *addr, size_t len);
static int fake_close(int fd);

#define open fake_open
#define ioctl fake_ioctl
#define mmap fake_mmap
#define munmap fake_munmap
#define close fake_close
#include "../../../shims/linux/c/v4l2.c"
#undef open
#undef ioctl
#undef mmap
#undef munmap
#undef close

#define FAKE_FD 42
#define OUT_LEN 4096u
#define WIDTH 64u
#define CODED_HEIGHT 48u
#define HEIGHT 36u
#define MIN_CAPTURE 2

static struct {
  uint32_t out_count, cap_count;
  int out_on, cap_on, event, draining, last_sent;
  uint32_t done[64], done_n;          /* OUTPUT buffers consumed, to dequeue */
  uint64_t pictures[64];              /* sequence numbers of pending pictures */
  uint32_t pictures_n;
  int cap_queued[CAP_BUFS_MAX];
  uint8_t *cap_mem[CAP_BUFS_MAX][2];
  uint8_t *out_mem[OUT_BUFS];
} dev;

static int failures = 0;

/* Counts and names a failed expectation of the client's results. */
static void expect(int ok, const char *what, int line) {
  if (ok) return;
  fprintf(stderr, "v4l2_fake.c:%d: expected %s\n", line, what);
  failures++;
}
#define CHECK(cond) expect((cond) != 0, #cond, __LINE__)

static const char *queue(uint32_t type) {
  return type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE    ? "OUTPUT"
         : type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE ? "CAPTURE"
         : type == V4L2_BUF_TYPE_VIDEO_CAPTURE        ? "CAPTURE(single)"
                                                      : "?";
}

static int fail(int e) {
  errno = e;
  return -1;
}

static int fake_open(const char *path, int flags, ...) {
  printf("open %s%s\n", path, (flags & O_NONBLOCK) ? " O_NONBLOCK" : "");
  return FAKE_FD;
}

static int fake_close(int fd) {
  printf("close\n");
  return fd == FAKE_FD ? 0 : -1;
}

static void *fake_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset) {
  uint32_t index = (uint32_t)(offset >> 16), plane = (uint32_t)(offset & 0xffff);
  (void)addr, (void)prot, (void)flags;
  printf("mmap %zu offset=0x%lx\n", len, (unsigned long)offset);
  if (fd != FAKE_FD) return MAP_FAILED;
  if (offset >= 0x1000000) { /* CAPTURE buffers live at 16 MiB and up */
    index = (uint32_t)((offset - 0x1000000) >> 16);
    if (index >= CAP_BUFS_MAX || plane > 1) return MAP_FAILED;
    dev.cap_mem[index][plane] = (uint8_t *)calloc(1, len);
    return dev.cap_mem[index][plane];
  }
  if (index >= OUT_BUFS) return MAP_FAILED;
  dev.out_mem[index] = (uint8_t *)calloc(1, len);
  return dev.out_mem[index];
}

static int fake_munmap(void *addr, size_t len) {
  printf("munmap %zu\n", len);
  free(addr);
  return 0;
}

/* Fills CAPTURE buffer |i| with the picture of sequence number |seq|: NV12M,
 * luma 0x40 + seq, chroma U 0x60 + seq, V 0xA0 + seq. */
static void decode_into(uint32_t i, uint64_t seq) {
  memset(dev.cap_mem[i][0], (int)(0x40 + seq), WIDTH * CODED_HEIGHT);
  for (uint32_t k = 0; k < WIDTH * CODED_HEIGHT / 2; k += 2) {
    dev.cap_mem[i][1][k] = (uint8_t)(0x60 + seq);
    dev.cap_mem[i][1][k + 1] = (uint8_t)(0xA0 + seq);
  }
}

static int dqbuf(struct v4l2_buffer *b) {
  if (b->type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE) {
    if (dev.done_n == 0) {
      printf("DQBUF OUTPUT -> EAGAIN\n");
      return fail(EAGAIN);
    }
    b->index = dev.done[0];
    memmove(dev.done, dev.done + 1, --dev.done_n * sizeof dev.done[0]);
    printf("DQBUF OUTPUT -> index=%u\n", b->index);
    return 0;
  }
  if (!dev.cap_on) {
    printf("DQBUF CAPTURE -> EINVAL (not streaming)\n");
    return fail(EINVAL);
  }
  for (uint32_t i = 0; i < dev.cap_count; i++) {
    if (!dev.cap_queued[i]) continue;
    if (dev.pictures_n > 0) {
      uint64_t seq = dev.pictures[0];
      memmove(dev.pictures, dev.pictures + 1, --dev.pictures_n * sizeof dev.pictures[0]);
      decode_into(i, seq);
      dev.cap_queued[i] = 0;
      b->index = i;
      b->m.planes[0].bytesused = WIDTH * CODED_HEIGHT;
      b->m.planes[1].bytesused = WIDTH * CODED_HEIGHT / 2;
      b->timestamp.tv_sec = (time_t)(seq / 1000000);
      b->timestamp.tv_usec = (suseconds_t)(seq % 1000000);
      b->flags = 0;
      printf("DQBUF CAPTURE -> index=%u seq=%llu\n", i, (unsigned long long)seq);
      return 0;
    }
    if (dev.draining && !dev.last_sent) {
      dev.cap_queued[i] = 0;
      dev.last_sent = 1;
      b->index = i;
      b->m.planes[0].bytesused = 0;
      b->flags = V4L2_BUF_FLAG_LAST;
      printf("DQBUF CAPTURE -> index=%u LAST (empty)\n", i);
      return 0;
    }
    break;
  }
  if (dev.last_sent) {
    printf("DQBUF CAPTURE -> EPIPE\n");
    return fail(EPIPE);
  }
  printf("DQBUF CAPTURE -> EAGAIN\n");
  return fail(EAGAIN);
}

static int fake_ioctl(int fd, unsigned long request, ...) {
  va_list ap;
  void *arg;
  va_start(ap, request);
  arg = va_arg(ap, void *);
  va_end(ap);
  if (fd != FAKE_FD) return fail(EBADF);
  switch (request) {
    case VIDIOC_QUERYCAP: {
      struct v4l2_capability *c = (struct v4l2_capability *)arg;
      c->capabilities = V4L2_CAP_DEVICE_CAPS | V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_STREAMING;
      c->device_caps = V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_STREAMING;
      printf("QUERYCAP -> M2M_MPLANE STREAMING\n");
      return 0;
    }
    case VIDIOC_ENUM_FMT: {
      struct v4l2_fmtdesc *d = (struct v4l2_fmtdesc *)arg;
      static const uint32_t coded[] = {V4L2_PIX_FMT_MPEG2, V4L2_PIX_FMT_H264};
      if (d->index >= 2) {
        printf("ENUM_FMT %s index=%u -> EINVAL\n", queue(d->type), d->index);
        return fail(EINVAL);
      }
      d->pixelformat = coded[d->index];
      printf("ENUM_FMT %s index=%u -> %.4s\n", queue(d->type), d->index,
             (const char *)&d->pixelformat);
      return 0;
    }
    case VIDIOC_S_FMT:
    case VIDIOC_G_FMT: {
      struct v4l2_format *f = (struct v4l2_format *)arg;
      if (request == VIDIOC_S_FMT) {
        printf("S_FMT %s %.4s planes=%u sizeimage=%u\n", queue(f->type),
               (const char *)&f->fmt.pix_mp.pixelformat, f->fmt.pix_mp.num_planes,
               f->fmt.pix_mp.plane_fmt[0].sizeimage);
        return 0;
      }
      f->fmt.pix_mp.pixelformat = V4L2_PIX_FMT_NV12M;
      f->fmt.pix_mp.num_planes = 2;
      f->fmt.pix_mp.width = WIDTH;
      f->fmt.pix_mp.height = CODED_HEIGHT;
      f->fmt.pix_mp.plane_fmt[0].bytesperline = WIDTH;
      f->fmt.pix_mp.plane_fmt[1].bytesperline = WIDTH;
      printf("G_FMT %s -> NM12 %ux%u planes=2\n", queue(f->type), WIDTH, CODED_HEIGHT);
      return 0;
    }
    case VIDIOC_G_SELECTION: {
      struct v4l2_selection *s = (struct v4l2_selection *)arg;
      s->r.width = WIDTH;
      s->r.height = HEIGHT;
      printf("G_SELECTION %s COMPOSE -> %ux%u\n", queue(s->type), WIDTH, HEIGHT);
      return 0;
    }
    case VIDIOC_G_CTRL: {
      struct v4l2_control *c = (struct v4l2_control *)arg;
      c->value = MIN_CAPTURE;
      printf("G_CTRL MIN_BUFFERS_FOR_CAPTURE -> %d\n", MIN_CAPTURE);
      return c->id == V4L2_CID_MIN_BUFFERS_FOR_CAPTURE ? 0 : fail(EINVAL);
    }
    case VIDIOC_REQBUFS: {
      struct v4l2_requestbuffers *r = (struct v4l2_requestbuffers *)arg;
      printf("REQBUFS %s count=%u\n", queue(r->type), r->count);
      if (r->type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE) {
        dev.out_count = r->count;
      } else {
        dev.cap_count = r->count;
        memset(dev.cap_queued, 0, sizeof dev.cap_queued);
      }
      return 0;
    }
    case VIDIOC_QUERYBUF: {
      struct v4l2_buffer *b = (struct v4l2_buffer *)arg;
      printf("QUERYBUF %s index=%u planes=%u\n", queue(b->type), b->index, b->length);
      if (b->type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE) {
        b->m.planes[0].length = OUT_LEN;
        b->m.planes[0].m.mem_offset = b->index << 16;
      } else {
        b->m.planes[0].length = WIDTH * CODED_HEIGHT;
        b->m.planes[0].m.mem_offset = 0x1000000 + (b->index << 16);
        b->m.planes[1].length = WIDTH * CODED_HEIGHT / 2;
        b->m.planes[1].m.mem_offset = 0x1000000 + (b->index << 16) + 1;
      }
      return 0;
    }
    case VIDIOC_SUBSCRIBE_EVENT: {
      struct v4l2_event_subscription *s = (struct v4l2_event_subscription *)arg;
      printf("SUBSCRIBE_EVENT %s\n", s->type == V4L2_EVENT_SOURCE_CHANGE ? "SOURCE_CHANGE" : "?");
      return 0;
    }
    case VIDIOC_STREAMON:
    case VIDIOC_STREAMOFF: {
      uint32_t type = (uint32_t)*(int *)arg;
      int on = request == VIDIOC_STREAMON;
      printf("%s %s\n", on ? "STREAMON" : "STREAMOFF", queue(type));
      if (type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE) {
        dev.out_on = on;
        if (!on) dev.done_n = dev.pictures_n = 0; /* a seek drops everything */
      } else {
        dev.cap_on = on;
        if (!on) memset(dev.cap_queued, 0, sizeof dev.cap_queued);
      }
      return 0;
    }
    case VIDIOC_QBUF: {
      struct v4l2_buffer *b = (struct v4l2_buffer *)arg;
      if (b->type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE) {
        uint64_t seq = (uint64_t)b->timestamp.tv_sec * 1000000 + (uint64_t)b->timestamp.tv_usec;
        const uint8_t *p = dev.out_mem[b->index];
        printf("QBUF OUTPUT index=%u bytesused=%u seq=%llu starts %02x%02x%02x%02x%02x\n",
               b->index, b->m.planes[0].bytesused, (unsigned long long)seq, p[0], p[1], p[2],
               p[3], p[4]);
        if (!dev.out_on) return fail(EINVAL);
        /* Consumed at once: one picture per unit, the first announces the format. */
        dev.done[dev.done_n++] = b->index;
        dev.pictures[dev.pictures_n++] = seq;
        if (dev.cap_count == 0) dev.event = 1;
        return 0;
      }
      printf("QBUF CAPTURE index=%u\n", b->index);
      if (b->index >= dev.cap_count) return fail(EINVAL);
      dev.cap_queued[b->index] = 1;
      return 0;
    }
    case VIDIOC_DQBUF:
      return dqbuf((struct v4l2_buffer *)arg);
    case VIDIOC_DQEVENT: {
      struct v4l2_event *e = (struct v4l2_event *)arg;
      if (!dev.event) return fail(ENOENT);
      dev.event = 0;
      e->type = V4L2_EVENT_SOURCE_CHANGE;
      printf("DQEVENT -> SOURCE_CHANGE\n");
      return 0;
    }
    case VIDIOC_DECODER_CMD: {
      struct v4l2_decoder_cmd *c = (struct v4l2_decoder_cmd *)arg;
      printf("DECODER_CMD %s\n", c->cmd == V4L2_DEC_CMD_STOP ? "STOP" : "?");
      dev.draining = 1;
      return 0;
    }
    default:
      printf("ioctl 0x%lx -> ENOTTY\n", request);
      return fail(ENOTTY);
  }
}

int main(void) {
  static const uint8_t unit[] = {0, 0, 0, 1, 0x65, 0x88, 0x84, 0x00};
  char why[128] = "";
  v4l2_picture pic;
  int r, got = 0;
  v4l2_dec *v = v4l2_open("/dev/video10", 0, 1, NULL, 0, why, sizeof why);
  CHECK(v != NULL);
  if (v == NULL) {
    fprintf(stderr, "v4l2_open: %s\n", why);
    return 1;
  }
  printf("-- three access units (Annex B), pts 0, 40000, 80000\n");
  for (int i = 0; i < 3; i++) CHECK(v4l2_send(v, unit, sizeof unit, 40000 * i) == 0);
  printf("-- pictures\n");
  while ((r = v4l2_receive(v, &pic)) == 1) {
    CHECK(pic.width == WIDTH && pic.height == HEIGHT);
    CHECK(pic.pts_us == 40000 * got);
    CHECK(pic.packed_len == WIDTH * HEIGHT * 3 / 2);
    if (pic.packed_len == WIDTH * HEIGHT * 3 / 2) {
      size_t c = WIDTH * HEIGHT, q = c / 4;
      CHECK(pic.packed[0] == 0x40 + got + 1 && pic.packed[c - 1] == 0x40 + got + 1);
      CHECK(pic.packed[c] == 0x60 + got + 1 && pic.packed[c + q - 1] == 0x60 + got + 1);
      CHECK(pic.packed[c + q] == 0xA0 + got + 1 && pic.packed[c + 2 * q - 1] == 0xA0 + got + 1);
    }
    free(pic.packed);
    got++;
  }
  CHECK(r == 0 && got == 3);
  printf("-- drain\n");
  v4l2_send_end(v);
  CHECK(v4l2_receive(v, &pic) == 2);
  CHECK(v4l2_receive(v, &pic) == 2);
  printf("-- seek\n");
  v4l2_flush(v);
  printf("-- close\n");
  v4l2_close(v);
  printf("v4l2_fake: failures %d\n", failures);
  return failures == 0 ? 0 : 1;
}
