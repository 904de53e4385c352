/*
 * The display: the graphics plane drawn by libwasp's reference rasteriser
 * (wasp_raster.h), composed over the picture on screen at every present and
 * every new picture, and shown through DRM/KMS (drm.c) or, when that cannot be
 * set up, fbdev. When the fbdev path is a regular file, the composed RGB888
 * picture is written at its start (headless runs and tests). The screen log gets
 * a line per composed picture: the pts in µs of the video picture on it (`-` when
 * there is none) and the md5 of its RGB888 rows, as wasp-emu's `screens.txt`.
 */
#define _POSIX_C_SOURCE 200809L
/* 64-bit file offsets on 32-bit targets (armv7): large files, DRM map offsets. */
#define _FILE_OFFSET_BITS 64

#include <fcntl.h>
#include <linux/fb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static int fbdev_open(wasp_linux *d, const char *path) {
  struct stat st;
  struct fb_var_screeninfo var;
  struct fb_fix_screeninfo fix;
  d->fb_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (d->fb_fd < 0 || fstat(d->fb_fd, &st) != 0) {
    dev_log(d, WASP_LOG_ERROR, "%s: cannot open the framebuffer", path);
    return 0;
  }
  if (S_ISREG(st.st_mode)) {
    d->fb_is_file = 1;
    return 1;
  }
  if (ioctl(d->fb_fd, FBIOGET_VSCREENINFO, &var) != 0 ||
      ioctl(d->fb_fd, FBIOGET_FSCREENINFO, &fix) != 0 ||
      (var.bits_per_pixel != 32 && var.bits_per_pixel != 16)) {
    dev_log(d, WASP_LOG_ERROR, "%s: not a 16 or 32 bpp framebuffer", path);
    return 0;
  }
  d->fb_bpp = var.bits_per_pixel;
  d->fb_stride = fix.line_length;
  d->fb_width = var.xres;
  d->fb_height = var.yres;
  d->fb_red = var.red.offset;
  d->fb_green = var.green.offset;
  d->fb_blue = var.blue.offset;
  d->fb_map_len = (size_t)fix.line_length * var.yres_virtual;
  d->fb_map = (uint8_t *)mmap(NULL, d->fb_map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
                              d->fb_fd, 0);
  if (d->fb_map == MAP_FAILED) {
    d->fb_map = NULL;
    dev_log(d, WASP_LOG_ERROR, "%s: cannot map the framebuffer", path);
    return 0;
  }
  return 1;
}

/* Opens the output: DRM/KMS, else fbdev. */
static int output_open(wasp_linux *d) {
  const char *drm = d->config.drm_path, *fb = d->config.fbdev_path;
  if (drm != NULL) {
    if (drm_open(d, drm)) return 1;
    if (fb == NULL) {
      dev_log(d, WASP_LOG_ERROR, "%s: cannot set a DRM/KMS mode", drm);
      return 0;
    }
    dev_log(d, WASP_LOG_WARN, "%s: no DRM/KMS output, falling back to %s", drm, fb);
  }
  return fb == NULL || fbdev_open(d, fb);
}

int display_init(wasp_linux *d) {
  wasp_status s;
  if (!output_open(d)) return 0;
  if (d->config.width == 0 || d->config.height == 0) {
    /* The device's own size, else 720p. */
    d->config.width = d->fb_map != NULL ? d->fb_width : 1280;
    d->config.height = d->fb_map != NULL ? d->fb_height : 720;
  }
  s = wasp_raster_new(d->config.width, d->config.height, &d->raster);
  if (s != WASP_OK) return 0;
  d->screen_len = (size_t)d->config.width * d->config.height * 3;
  d->screen = (uint8_t *)malloc(d->screen_len);
  if (d->screen == NULL) return 0;
  if (d->config.screen_log_path != NULL) {
    d->screen_log.f = fopen(d->config.screen_log_path, "w");
    if (d->screen_log.f == NULL) return 0;
  }
  return 1;
}

void display_free(wasp_linux *d) {
  drm_close(d);
  if (d->fb_map != NULL) munmap(d->fb_map, d->fb_map_len);
  if (d->fb_fd >= 0) close(d->fb_fd);
  if (d->screen_log.f) fclose(d->screen_log.f);
  wasp_raster_destroy(d->raster);
  free(d->screen);
}

void display_info(void *user, wasp_display_info *out) {
  wasp_linux *d = (wasp_linux *)user;
  memset(out, 0, sizeof *out);
  out->width = d->config.width;
  out->height = d->config.height;
  out->refresh_millihz = 60000;
  out->format = ABI_PIXEL_RGBA8888_PREMUL;
  out->video_max_width = 1920;
  out->video_max_height = 1080;
}

wasp_status display_image_create(void *user, const wasp_image_desc *desc,
                                 const uint8_t *pixels, size_t len, uint32_t *out_id) {
  return wasp_raster_image_create(((wasp_linux *)user)->raster, desc, pixels, len, out_id);
}

void display_image_update(void *user, uint32_t id, const wasp_rect *rect,
                          const uint8_t *pixels, size_t len) {
  wasp_raster_image_update(((wasp_linux *)user)->raster, id, rect, pixels, len);
}

void display_image_free(void *user, uint32_t id) {
  wasp_raster_image_free(((wasp_linux *)user)->raster, id);
}

void display_draw(void *user, const uint8_t *records, size_t len) {
  wasp_raster_draw(((wasp_linux *)user)->raster, records, len, NULL);
}

/* Copies the RGB888 screen into the mapped framebuffer in its pixel format. */
static void fbdev_show(wasp_linux *d) {
  uint32_t w = d->config.width < d->fb_width ? d->config.width : d->fb_width;
  uint32_t h = d->config.height < d->fb_height ? d->config.height : d->fb_height;
  for (uint32_t y = 0; y < h; y++) {
    const uint8_t *src = d->screen + (size_t)y * d->config.width * 3;
    uint8_t *row = d->fb_map + (size_t)y * d->fb_stride;
    for (uint32_t x = 0; x < w; x++, src += 3) {
      if (d->fb_bpp == 32) {
        uint32_t px = (uint32_t)src[0] << d->fb_red | (uint32_t)src[1] << d->fb_green |
                      (uint32_t)src[2] << d->fb_blue;
        memcpy(row + (size_t)x * 4, &px, 4);
      } else {
        uint16_t px = (uint16_t)((src[0] >> 3) << 11 | (src[1] >> 2) << 5 | src[2] >> 3);
        memcpy(row + (size_t)x * 2, &px, 2);
      }
    }
  }
}

void display_show(wasp_linux *d) {
  wasp_video_frame video;
  int64_t pts_us = 0;
  int has_video;
  d->picture_changed = 0;
  if (!d->fb_is_file && d->fb_map == NULL && d->screen_log.f == NULL) return;
  has_video = media_current_picture(d, &video, &pts_us);
  if (wasp_raster_compose(d->raster, has_video ? &video : NULL, WASP_RASTER_RGB888,
                          d->screen, d->screen_len) != WASP_OK) {
    return;
  }
  d->screens++;
  if (d->screen_log.f != NULL) {
    char md5[33];
    md5_hex(d->screen, d->screen_len, md5);
    if (has_video) {
      fprintf(d->screen_log.f, "%lld %s\n", (long long)pts_us, md5);
    } else {
      fprintf(d->screen_log.f, "- %s\n", md5);
    }
  }
  if (d->fb_is_file) {
    if (pwrite(d->fb_fd, d->screen, d->screen_len, 0) != (ssize_t)d->screen_len) {
      dev_log(d, WASP_LOG_WARN, "framebuffer file: short write");
    }
  } else if (d->fb_map != NULL) {
    fbdev_show(d);
    drm_flush(d);
  }
}

/* The module finished a frame of the graphics plane: show it over the video. */
void display_present(void *user) {
  wasp_linux *d = (wasp_linux *)user;
  media_settle(d);
  display_show(d);
  wasp_raster_end_frame(d->raster);
}
