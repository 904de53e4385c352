/*
 * Video decoding through a V4L2 memory-to-memory stateful decoder (the
 * interface of Amlogic, Rockchip, Raspberry Pi and most SoC decoders): the
 * kernel's "Memory-to-Memory Stateful Video Decoder Interface"
 * (Documentation/userspace-api/media/v4l/dev-decoder.rst), multi-planar API,
 * MMAP buffers, everything non-blocking.
 *
 *  - Initialization: QUERYCAP (M2M multi-planar + streaming), the coded format
 *    on the OUTPUT queue (H.264 or HEVC with start codes), OUTPUT buffers
 *    requested and mapped, SOURCE_CHANGE subscribed, OUTPUT streaming.
 *  - Capture setup on SOURCE_CHANGE: the decoded format (NV12 or YUV420, single
 *    or multi-planar), V4L2_CID_MIN_BUFFERS_FOR_CAPTURE + 4 buffers, mapped and
 *    queued, CAPTURE streaming; a later SOURCE_CHANGE (a resolution change)
 *    reallocates them.
 *  - Decoding: each access unit goes into one OUTPUT buffer as Annex B (length-
 *    prefixed NAL units are rewritten with start codes, the avcC/hvcC parameter
 *    sets sent first); its timestamp field carries a sequence number that maps
 *    back to the unit's pts when the picture comes out.
 *  - Drain: V4L2_DEC_CMD_STOP; the buffer flagged V4L2_BUF_FLAG_LAST ends it.
 *  - Seek: STREAMOFF/STREAMON of both queues drops everything queued.
 *
 * Pictures are converted to packed I420 (what the frame log hashes and the
 * compositor takes).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "v4l2.h"

#define OUT_BUFS 8
#define OUT_SIZE (2u << 20)
#define CAP_BUFS_MAX 32
#define SEQ_SLOTS 64

typedef struct mapping {
  void *addr;
  size_t len;
} mapping;

struct v4l2_dec {
  int fd;
  uint32_t fourcc;
  int annexb;
  size_t length_size;
  uint8_t params[1024]; /* parameter sets, Annex B */
  size_t params_len;
  int params_sent;
  mapping out[OUT_BUFS];
  int out_busy[OUT_BUFS];
  mapping cap[CAP_BUFS_MAX][2];
  uint32_t cap_count, cap_planes, cap_fourcc;
  uint32_t width, height, coded_width, coded_height, stride[2];
  int capture_on;
  uint64_t seq;
  int64_t pts_of[SEQ_SLOTS];
};

static int xioctl(int fd, unsigned long request, void *arg) {
  int r;
  do {
    r = ioctl(fd, request, arg);
  } while (r == -1 && errno == EINTR);
  return r;
}

static void why_set(char *why, size_t cap, const char *text) {
  if (cap > 0) {
    strncpy(why, text, cap - 1);
    why[cap - 1] = '\0';
  }
}

static int put_params(v4l2_dec *v, const uint8_t *nal, size_t len) {
  static const uint8_t start[4] = {0, 0, 0, 1};
  if (v->params_len + 4 + len > sizeof v->params) return 0;
  memcpy(v->params + v->params_len, start, 4);
  memcpy(v->params + v->params_len + 4, nal, len);
  v->params_len += 4 + len;
  return 1;
}

/* |count| NAL units, each after a 16-bit length, from |b| at |*at|; 0 when one
 * runs past |n| or the parameter-set buffer is full. */
static int take_nals(v4l2_dec *v, const uint8_t *b, size_t n, size_t *at, unsigned count) {
  for (unsigned i = 0; i < count; i++) {
    size_t len;
    if (*at + 2 > n) return 0;
    len = (size_t)b[*at] << 8 | b[*at + 1];
    if (*at + 2 + len > n || !put_params(v, b + *at + 2, len)) return 0;
    *at += 2 + len;
  }
  return 1;
}

/* The parameter sets of an avcC (ISO/IEC 14496-15 §5.3.3.1) or hvcC (§8.3.3.1)
 * record as Annex B, and the NAL length size; 0 when malformed. */
static int parse_config(v4l2_dec *v, int hevc, const uint8_t *b, size_t n) {
  size_t at;
  if (!hevc) {
    if (n < 7 || b[0] != 1) return 0;
    v->length_size = (size_t)(b[4] & 3) + 1;
    at = 6;
    /* numOfSequenceParameterSets (5 bits), then the PPS list (may be absent). */
    if (!take_nals(v, b, n, &at, b[5] & 0x1f)) return 0;
    if (at >= n) return 1;
    at++;
    return take_nals(v, b, n, &at, b[at - 1]);
  }
  if (n < 23 || b[0] != 1) return 0;
  v->length_size = (size_t)(b[21] & 3) + 1;
  at = 23;
  for (unsigned a = 0; a < b[22]; a++) {
    unsigned count;
    if (at + 3 > n) return 0;
    count = (unsigned)b[at + 1] << 8 | b[at + 2];
    at += 3;
    if (!take_nals(v, b, n, &at, count)) return 0;
  }
  return 1;
}

static void unmap_capture(v4l2_dec *v) {
  struct v4l2_requestbuffers req;
  for (uint32_t i = 0; i < v->cap_count; i++) {
    for (uint32_t p = 0; p < v->cap_planes; p++) {
      if (v->cap[i][p].addr != NULL) munmap(v->cap[i][p].addr, v->cap[i][p].len);
      v->cap[i][p].addr = NULL;
    }
  }
  v->cap_count = 0;
  memset(&req, 0, sizeof req);
  req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
  req.memory = V4L2_MEMORY_MMAP;
  xioctl(v->fd, VIDIOC_REQBUFS, &req);
}

/* A buffer description for QUERYBUF/QBUF/DQBUF: |planes| (|count| of them)
 * zeroed and attached. */
static void describe(struct v4l2_buffer *buf, struct v4l2_plane *planes, uint32_t type,
                     uint32_t index, uint32_t count) {
  memset(buf, 0, sizeof *buf);
  memset(planes, 0, count * sizeof *planes);
  buf->type = type;
  buf->memory = V4L2_MEMORY_MMAP;
  buf->index = index;
  buf->length = count;
  buf->m.planes = planes;
}

static int queue_capture(v4l2_dec *v, uint32_t index) {
  struct v4l2_buffer buf;
  struct v4l2_plane planes[2];
  describe(&buf, planes, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, index, v->cap_planes);
  return xioctl(v->fd, VIDIOC_QBUF, &buf) == 0;
}

/* (Re)allocates the CAPTURE queue for the decoded format (SOURCE_CHANGE). */
static int setup_capture(v4l2_dec *v) {
  struct v4l2_format fmt;
  struct v4l2_control ctrl;
  struct v4l2_requestbuffers req;
  struct v4l2_selection sel;
  int type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
  if (v->capture_on) {
    xioctl(v->fd, VIDIOC_STREAMOFF, &type);
    v->capture_on = 0;
  }
  unmap_capture(v);
  memset(&fmt, 0, sizeof fmt);
  fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
  if (xioctl(v->fd, VIDIOC_G_FMT, &fmt) != 0) return 0;
  if (fmt.fmt.pix_mp.pixelformat != V4L2_PIX_FMT_NV12 &&
      fmt.fmt.pix_mp.pixelformat != V4L2_PIX_FMT_NV12M &&
      fmt.fmt.pix_mp.pixelformat != V4L2_PIX_FMT_YUV420 &&
      fmt.fmt.pix_mp.pixelformat != V4L2_PIX_FMT_YUV420M) {
    fmt.fmt.pix_mp.pixelformat = V4L2_PIX_FMT_NV12;
    if (xioctl(v->fd, VIDIOC_S_FMT, &fmt) != 0 ||
        fmt.fmt.pix_mp.pixelformat != V4L2_PIX_FMT_NV12) {
      return 0;
    }
  }
  v->cap_fourcc = fmt.fmt.pix_mp.pixelformat;
  v->cap_planes = fmt.fmt.pix_mp.num_planes;
  if (v->cap_planes == 0 || v->cap_planes > 2) return 0;
  v->coded_width = fmt.fmt.pix_mp.width;
  v->coded_height = fmt.fmt.pix_mp.height;
  v->stride[0] = fmt.fmt.pix_mp.plane_fmt[0].bytesperline;
  v->stride[1] = v->cap_planes > 1 ? fmt.fmt.pix_mp.plane_fmt[1].bytesperline : v->stride[0];
  v->width = v->coded_width;
  v->height = v->coded_height;
  /* The visible rectangle (e.g. 1920x1080 of a 1920x1088 coded picture). */
  memset(&sel, 0, sizeof sel);
  sel.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  sel.target = V4L2_SEL_TGT_COMPOSE;
  if (xioctl(v->fd, VIDIOC_G_SELECTION, &sel) == 0 && sel.r.width > 0 &&
      sel.r.width <= v->coded_width && sel.r.height <= v->coded_height) {
    v->width = sel.r.width;
    v->height = sel.r.height;
  }
  memset(&ctrl, 0, sizeof ctrl);
  ctrl.id = V4L2_CID_MIN_BUFFERS_FOR_CAPTURE;
  if (xioctl(v->fd, VIDIOC_G_CTRL, &ctrl) != 0 || ctrl.value < 1) ctrl.value = 4;
  memset(&req, 0, sizeof req);
  req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
  req.memory = V4L2_MEMORY_MMAP;
  req.count = (uint32_t)ctrl.value + 4 > CAP_BUFS_MAX ? CAP_BUFS_MAX : (uint32_t)ctrl.value + 4;
  if (xioctl(v->fd, VIDIOC_REQBUFS, &req) != 0 || req.count == 0) return 0;
  v->cap_count = req.count > CAP_BUFS_MAX ? CAP_BUFS_MAX : req.count;
  for (uint32_t i = 0; i < v->cap_count; i++) {
    struct v4l2_buffer buf;
    struct v4l2_plane planes[2];
    describe(&buf, planes, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, i, v->cap_planes);
    if (xioctl(v->fd, VIDIOC_QUERYBUF, &buf) != 0) return 0;
    for (uint32_t p = 0; p < v->cap_planes; p++) {
      void *addr = mmap(NULL, planes[p].length, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd,
                        (off_t)planes[p].m.mem_offset);
      if (addr == MAP_FAILED) return 0;
      v->cap[i][p].addr = addr;
      v->cap[i][p].len = planes[p].length;
    }
    if (!queue_capture(v, i)) return 0;
  }
  if (xioctl(v->fd, VIDIOC_STREAMON, &type) != 0) return 0;
  v->capture_on = 1;
  return 1;
}

v4l2_dec *v4l2_open(const char *path, int hevc, int annexb, const uint8_t *extra,
                    size_t extra_len, char *why, size_t why_cap) {
  struct v4l2_capability cap;
  struct v4l2_format fmt;
  struct v4l2_requestbuffers req;
  struct v4l2_event_subscription sub;
  struct v4l2_fmtdesc desc;
  uint32_t caps;
  int type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, found = 0;
  v4l2_dec *v = (v4l2_dec *)calloc(1, sizeof *v);
  if (v == NULL) {
    why_set(why, why_cap, "out of memory");
    return NULL;
  }
  v->fd = -1;
  v->fourcc = hevc ? V4L2_PIX_FMT_HEVC : V4L2_PIX_FMT_H264;
  v->annexb = annexb;
  v->length_size = 4;
  if (extra_len > 0 && !parse_config(v, hevc, extra, extra_len) && !annexb) {
    why_set(why, why_cap, "malformed codec configuration");
    goto fail;
  }
  v->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (v->fd < 0) {
    why_set(why, why_cap, "cannot open the device");
    goto fail;
  }
  memset(&cap, 0, sizeof cap);
  if (xioctl(v->fd, VIDIOC_QUERYCAP, &cap) != 0) {
    why_set(why, why_cap, "not a V4L2 device");
    goto fail;
  }
  caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
  if (!(caps & V4L2_CAP_VIDEO_M2M_MPLANE) || !(caps & V4L2_CAP_STREAMING)) {
    why_set(why, why_cap, "not a multi-planar memory-to-memory device");
    goto fail;
  }
  for (uint32_t i = 0; i < 64 && !found; i++) {
    memset(&desc, 0, sizeof desc);
    desc.index = i;
    desc.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
    if (xioctl(v->fd, VIDIOC_ENUM_FMT, &desc) != 0) break;
    found = desc.pixelformat == v->fourcc;
  }
  if (!found) {
    why_set(why, why_cap, "the codec is not among the device's coded formats");
    goto fail;
  }
  memset(&fmt, 0, sizeof fmt);
  fmt.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
  fmt.fmt.pix_mp.pixelformat = v->fourcc;
  fmt.fmt.pix_mp.num_planes = 1;
  fmt.fmt.pix_mp.plane_fmt[0].sizeimage = OUT_SIZE;
  memset(&req, 0, sizeof req);
  req.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
  req.memory = V4L2_MEMORY_MMAP;
  req.count = OUT_BUFS;
  if (xioctl(v->fd, VIDIOC_S_FMT, &fmt) != 0 || xioctl(v->fd, VIDIOC_REQBUFS, &req) != 0 ||
      req.count == 0) {
    why_set(why, why_cap, "OUTPUT queue refused");
    goto fail;
  }
  for (uint32_t i = 0; i < req.count && i < OUT_BUFS; i++) {
    struct v4l2_buffer buf;
    struct v4l2_plane plane;
    describe(&buf, &plane, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, i, 1);
    if (xioctl(v->fd, VIDIOC_QUERYBUF, &buf) != 0) break;
    v->out[i].addr = mmap(NULL, plane.length, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd,
                          (off_t)plane.m.mem_offset);
    if (v->out[i].addr == MAP_FAILED) {
      v->out[i].addr = NULL;
      break;
    }
    v->out[i].len = plane.length;
  }
  if (v->out[0].addr == NULL) {
    why_set(why, why_cap, "cannot map OUTPUT buffers");
    goto fail;
  }
  memset(&sub, 0, sizeof sub);
  sub.type = V4L2_EVENT_SOURCE_CHANGE;
  if (xioctl(v->fd, VIDIOC_SUBSCRIBE_EVENT, &sub) != 0 ||
      xioctl(v->fd, VIDIOC_STREAMON, &type) != 0) {
    why_set(why, why_cap, "cannot start the OUTPUT queue");
    goto fail;
  }
  return v;
fail:
  v4l2_close(v);
  return NULL;
}

/* Takes back the OUTPUT buffers the driver has consumed. */
static void reclaim_output(v4l2_dec *v) {
  for (;;) {
    struct v4l2_buffer buf;
    struct v4l2_plane plane;
    describe(&buf, &plane, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, 0, 1);
    if (xioctl(v->fd, VIDIOC_DQBUF, &buf) != 0 || buf.index >= OUT_BUFS) return;
    v->out_busy[buf.index] = 0;
  }
}

/* Writes a unit as Annex B; its length, or 0 when it does not fit. */
static size_t to_annexb(v4l2_dec *v, const uint8_t *data, size_t len, uint8_t *out,
                        size_t cap) {
  size_t n = 0;
  if (!v->params_sent && v->params_len > 0) {
    if (v->params_len > cap) return 0;
    memcpy(out, v->params, v->params_len);
    n = v->params_len;
  }
  if (v->annexb) {
    if (n + len > cap) return 0;
    memcpy(out + n, data, len);
    return n + len;
  }
  for (size_t at = 0; at < len;) {
    size_t nal = 0;
    if (at + v->length_size > len) return 0;
    for (size_t i = 0; i < v->length_size; i++) nal = nal << 8 | data[at + i];
    at += v->length_size;
    if (nal > len - at || n + 4 + nal > cap) return 0;
    out[n] = out[n + 1] = out[n + 2] = 0;
    out[n + 3] = 1;
    memcpy(out + n + 4, data + at, nal);
    n += 4 + nal;
    at += nal;
  }
  return n;
}

int v4l2_send(v4l2_dec *v, const uint8_t *data, size_t len, int64_t pts_us) {
  struct v4l2_buffer buf;
  struct v4l2_plane plane;
  size_t n;
  int index = -1;
  reclaim_output(v);
  for (int i = 0; i < OUT_BUFS && index < 0; i++) {
    if (v->out[i].addr != NULL && !v->out_busy[i]) index = i;
  }
  if (index < 0) return 1;
  n = to_annexb(v, data, len, (uint8_t *)v->out[index].addr, v->out[index].len);
  if (n == 0) return -1;
  describe(&buf, &plane, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, (uint32_t)index, 1);
  plane.bytesused = (uint32_t)n;
  /* The timestamp carries a sequence number: the driver copies it to the
   * picture decoded from this buffer. */
  v->seq++;
  buf.timestamp.tv_sec = (time_t)(v->seq / 1000000);
  buf.timestamp.tv_usec = (suseconds_t)(v->seq % 1000000);
  v->pts_of[v->seq % SEQ_SLOTS] = pts_us;
  if (xioctl(v->fd, VIDIOC_QBUF, &buf) != 0) return -1;
  v->out_busy[index] = 1;
  v->params_sent = 1;
  return 0;
}

void v4l2_send_end(v4l2_dec *v) {
  struct v4l2_decoder_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.cmd = V4L2_DEC_CMD_STOP;
  xioctl(v->fd, VIDIOC_DECODER_CMD, &cmd);
}

/* Copies a decoded picture into packed I420. */
static uint8_t *to_i420(const v4l2_dec *v, uint32_t index, size_t *out_len) {
  size_t w = v->width, h = v->height, cw = (w + 1) / 2, ch = (h + 1) / 2;
  const uint8_t *y = (const uint8_t *)v->cap[index][0].addr, *c;
  size_t c_stride = v->stride[1];
  uint8_t *out = (uint8_t *)malloc(w * h + 2 * cw * ch);
  if (out == NULL) return NULL;
  if (v->cap_planes > 1) {
    c = (const uint8_t *)v->cap[index][1].addr;
  } else {
    c = y + (size_t)v->stride[0] * v->coded_height;
    if (v->cap_fourcc == V4L2_PIX_FMT_YUV420) c_stride = v->stride[0] / 2;
  }
  for (size_t r = 0; r < h; r++) memcpy(out + r * w, y + r * v->stride[0], w);
  for (size_t r = 0; r < ch; r++) {
    uint8_t *u = out + w * h + r * cw, *vv = out + w * h + cw * ch + r * cw;
    if (v->cap_fourcc == V4L2_PIX_FMT_NV12 || v->cap_fourcc == V4L2_PIX_FMT_NV12M) {
      const uint8_t *row = c + r * c_stride;
      for (size_t x = 0; x < cw; x++) {
        u[x] = row[2 * x];
        vv[x] = row[2 * x + 1];
      }
    } else {
      const uint8_t *cb = c + r * c_stride;
      const uint8_t *cr = c + (size_t)c_stride * ((v->coded_height + 1) / 2) + r * c_stride;
      memcpy(u, cb, cw);
      memcpy(vv, cr, cw);
    }
  }
  *out_len = w * h + 2 * cw * ch;
  return out;
}

int v4l2_receive(v4l2_dec *v, v4l2_picture *out) {
  struct v4l2_event ev;
  struct v4l2_buffer buf;
  struct v4l2_plane planes[2];
  memset(&ev, 0, sizeof ev);
  while (xioctl(v->fd, VIDIOC_DQEVENT, &ev) == 0) {
    if (ev.type == V4L2_EVENT_SOURCE_CHANGE && !setup_capture(v)) return -1;
  }
  if (!v->capture_on) return 0;
  describe(&buf, planes, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, 0, v->cap_planes);
  if (xioctl(v->fd, VIDIOC_DQBUF, &buf) != 0) {
    /* EPIPE: the last buffer was already dequeued (drained). */
    return errno == EPIPE ? 2 : (errno == EAGAIN ? 0 : -1);
  }
  if (buf.index >= v->cap_count) return -1;
  memset(out, 0, sizeof *out);
  if ((buf.flags & V4L2_BUF_FLAG_LAST) && planes[0].bytesused == 0) {
    queue_capture(v, buf.index);
    return 2;
  }
  {
    uint64_t seq = (uint64_t)buf.timestamp.tv_sec * 1000000 + (uint64_t)buf.timestamp.tv_usec;
    out->pts_us = v->pts_of[seq % SEQ_SLOTS];
  }
  out->width = v->width;
  out->height = v->height;
  out->corrupt = (buf.flags & V4L2_BUF_FLAG_ERROR) != 0;
  out->packed = to_i420(v, buf.index, &out->packed_len);
  queue_capture(v, buf.index);
  if (out->packed == NULL) return -1;
  return (buf.flags & V4L2_BUF_FLAG_LAST) ? 3 : 1;
}

void v4l2_flush(v4l2_dec *v) {
  int out_type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
  int cap_type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
  /* STREAMOFF returns every queued buffer to the application. */
  xioctl(v->fd, VIDIOC_STREAMOFF, &out_type);
  memset(v->out_busy, 0, sizeof v->out_busy);
  xioctl(v->fd, VIDIOC_STREAMON, &out_type);
  if (v->capture_on) {
    xioctl(v->fd, VIDIOC_STREAMOFF, &cap_type);
    for (uint32_t i = 0; i < v->cap_count; i++) queue_capture(v, i);
    xioctl(v->fd, VIDIOC_STREAMON, &cap_type);
  }
  v->params_sent = 0;
}

void v4l2_close(v4l2_dec *v) {
  if (v == NULL) return;
  if (v->fd >= 0) {
    int out_type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
    int cap_type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
    xioctl(v->fd, VIDIOC_STREAMOFF, &out_type);
    if (v->capture_on) xioctl(v->fd, VIDIOC_STREAMOFF, &cap_type);
    unmap_capture(v);
    for (int i = 0; i < OUT_BUFS; i++) {
      if (v->out[i].addr != NULL) munmap(v->out[i].addr, v->out[i].len);
    }
    close(v->fd);
  }
  free(v);
}
