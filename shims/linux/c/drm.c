/*
 * Display through DRM/KMS dumb buffers, with raw ioctls from the kernel's uapi
 * headers (drm.h, drm_mode.h; no libdrm library): find the first connected
 * connector, take its preferred mode, find a CRTC its encoder can drive, create a
 * 32 bpp dumb buffer, add it as a framebuffer, map it and set the CRTC
 * (FINDINGS.md: the sequence measured on virtio-gpu). Compiled only when the
 * headers are found (WASP_LINUX_HAVE_DRM); otherwise drm_open fails and the
 * display falls back to fbdev.
 */
#define _POSIX_C_SOURCE 200809L
/* 64-bit file offsets on 32-bit targets (armv7): large files, DRM map offsets. */
#define _FILE_OFFSET_BITS 64

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#if defined(WASP_LINUX_HAVE_DRM)
#include <drm.h>
#include <drm_mode.h>

static int xioctl(int fd, unsigned long request, void *arg) {
  int r;
  do {
    r = ioctl(fd, request, arg);
  } while (r == -1 && (errno == EINTR || errno == EAGAIN));
  return r;
}

/* The first connected connector with a mode: its id, preferred mode, encoder. */
static int find_connector(int fd, uint32_t *out_connector, struct drm_mode_modeinfo *out_mode,
                          uint32_t *out_encoder) {
  struct drm_mode_card_res res;
  uint32_t connectors[16];
  memset(&res, 0, sizeof res);
  if (xioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res) != 0 || res.count_connectors == 0) {
    return 0;
  }
  if (res.count_connectors > 16) res.count_connectors = 16;
  res.count_fbs = res.count_crtcs = res.count_encoders = 0;
  res.connector_id_ptr = (uint64_t)(uintptr_t)connectors;
  if (xioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res) != 0) return 0;
  for (uint32_t i = 0; i < res.count_connectors && i < 16; i++) {
    struct drm_mode_get_connector conn;
    struct drm_mode_modeinfo modes[64];
    memset(&conn, 0, sizeof conn);
    conn.connector_id = connectors[i];
    if (xioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &conn) != 0) continue;
    if (conn.connection != 1 || conn.count_modes == 0) continue; /* 1: connected */
    if (conn.count_modes > 64) conn.count_modes = 64;
    conn.count_props = conn.count_encoders = 0;
    conn.modes_ptr = (uint64_t)(uintptr_t)modes;
    if (xioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &conn) != 0 || conn.count_modes == 0) continue;
    *out_connector = connectors[i];
    *out_mode = modes[0];
    for (uint32_t m = 0; m < conn.count_modes && m < 64; m++) {
      if (modes[m].type & DRM_MODE_TYPE_PREFERRED) {
        *out_mode = modes[m];
        break;
      }
    }
    *out_encoder = conn.encoder_id;
    return 1;
  }
  return 0;
}

int drm_open(wasp_linux *d, const char *path) {
  uint32_t connector = 0, encoder_id = 0, crtc = 0;
  struct drm_mode_modeinfo mode;
  struct drm_mode_get_encoder enc;
  struct drm_mode_create_dumb create;
  struct drm_mode_fb_cmd fb;
  struct drm_mode_map_dumb map;
  struct drm_mode_crtc set;
  d->drm_fd = open(path, O_RDWR | O_CLOEXEC);
  if (d->drm_fd < 0) return 0;
  if (!find_connector(d->drm_fd, &connector, &mode, &encoder_id)) goto fail;
  memset(&enc, 0, sizeof enc);
  enc.encoder_id = encoder_id;
  if (encoder_id != 0 && xioctl(d->drm_fd, DRM_IOCTL_MODE_GETENCODER, &enc) == 0) {
    crtc = enc.crtc_id;
  }
  if (crtc == 0) {
    struct drm_mode_card_res res;
    uint32_t crtcs[16];
    memset(&res, 0, sizeof res);
    if (xioctl(d->drm_fd, DRM_IOCTL_MODE_GETRESOURCES, &res) != 0 || res.count_crtcs == 0) {
      goto fail;
    }
    res.count_fbs = res.count_connectors = res.count_encoders = 0;
    if (res.count_crtcs > 16) res.count_crtcs = 16;
    res.crtc_id_ptr = (uint64_t)(uintptr_t)crtcs;
    if (xioctl(d->drm_fd, DRM_IOCTL_MODE_GETRESOURCES, &res) != 0) goto fail;
    crtc = crtcs[0];
  }
  memset(&create, 0, sizeof create);
  create.width = mode.hdisplay;
  create.height = mode.vdisplay;
  create.bpp = 32;
  if (xioctl(d->drm_fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) != 0) goto fail;
  d->drm_handle = create.handle;
  memset(&fb, 0, sizeof fb);
  fb.width = create.width;
  fb.height = create.height;
  fb.pitch = create.pitch;
  fb.bpp = 32;
  fb.depth = 24;
  fb.handle = create.handle;
  if (xioctl(d->drm_fd, DRM_IOCTL_MODE_ADDFB, &fb) != 0) goto fail;
  d->drm_fb = fb.fb_id;
  memset(&map, 0, sizeof map);
  map.handle = create.handle;
  if (xioctl(d->drm_fd, DRM_IOCTL_MODE_MAP_DUMB, &map) != 0) goto fail;
  d->fb_map = (uint8_t *)mmap(NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED,
                              d->drm_fd, (off_t)map.offset);
  if (d->fb_map == MAP_FAILED) {
    d->fb_map = NULL;
    goto fail;
  }
  d->fb_map_len = create.size;
  memset(d->fb_map, 0, d->fb_map_len);
  memset(&set, 0, sizeof set);
  set.crtc_id = crtc;
  set.fb_id = fb.fb_id;
  set.set_connectors_ptr = (uint64_t)(uintptr_t)&connector;
  set.count_connectors = 1;
  set.mode = mode;
  set.mode_valid = 1;
  if (xioctl(d->drm_fd, DRM_IOCTL_MODE_SETCRTC, &set) != 0) goto fail;
  /* XRGB8888: a little-endian word with red in bits 16..23. */
  d->fb_bpp = 32;
  d->fb_stride = create.pitch;
  d->fb_width = create.width;
  d->fb_height = create.height;
  d->fb_red = 16;
  d->fb_green = 8;
  d->fb_blue = 0;
  dev_log(d, WASP_LOG_INFO, "%s: %ux%u on CRTC %u", path, (unsigned)create.width,
          (unsigned)create.height, (unsigned)crtc);
  return 1;
fail:
  drm_close(d);
  return 0;
}

void drm_flush(wasp_linux *d) {
  struct drm_mode_fb_dirty_cmd dirty;
  if (d->drm_fd < 0 || d->drm_fb == 0) return;
  memset(&dirty, 0, sizeof dirty);
  dirty.fb_id = d->drm_fb; /* no clip rectangles: all of it */
  /* Drivers that scan the buffer out directly answer ENOSYS: nothing to do. */
  (void)xioctl(d->drm_fd, DRM_IOCTL_MODE_DIRTYFB, &dirty);
}

void drm_close(wasp_linux *d) {
  if (d->drm_fd < 0) return;
  if (d->fb_map != NULL) munmap(d->fb_map, d->fb_map_len);
  d->fb_map = NULL;
  if (d->drm_fb != 0) {
    uint32_t id = d->drm_fb;
    xioctl(d->drm_fd, DRM_IOCTL_MODE_RMFB, &id);
  }
  if (d->drm_handle != 0) {
    struct drm_mode_destroy_dumb destroy;
    destroy.handle = d->drm_handle;
    xioctl(d->drm_fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
  }
  close(d->drm_fd);
  d->drm_fd = -1;
  d->drm_fb = d->drm_handle = 0;
}

#else

int drm_open(wasp_linux *d, const char *path) {
  dev_log(d, WASP_LOG_WARN, "%s: built without DRM/KMS headers", path);
  return 0;
}

void drm_close(wasp_linux *d) { (void)d; }
void drm_flush(wasp_linux *d) { (void)d; }

#endif
