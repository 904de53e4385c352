/*
 * wasp_raster.h — the reference rasteriser for ports written in C.
 *
 * Module overview
 * ---------------
 * A port's `draw` callback receives checked draw records (the ABI's TLV list) and
 * its `present` callback asks it to show the frame. A software port must produce
 * exactly the pixels docs/raster.md defines; this header exports the reference
 * rasteriser (crate wasp-raster) so it does not reimplement it.
 *
 * A `wasp_raster` is one graphics plane owned by libwasp: `width x height` pixels of
 * RGBA8888 premultiplied (bytes R, G, B, A; rows `width * 4` bytes apart; starts
 * fully transparent), the frame's clip, and the images the module uploaded. A port
 * forwards its callbacks one to one:
 *
 *   image_create -> wasp_raster_image_create   (the id it returns is the port's id)
 *   image_update -> wasp_raster_image_update
 *   image_free   -> wasp_raster_image_free
 *   draw         -> wasp_raster_draw            (onto the plane, the clip carried)
 *   present      -> wasp_raster_compose         (video under the plane, to RGB/RGBA)
 *                   then wasp_raster_end_frame  (the next frame starts unclipped)
 *
 * Keeping the images inside the raster is what makes the ids in a draw list
 * resolvable without a callback into the port: the ids the runtime checks a list
 * against are exactly the ids this raster handed out.
 *
 * Threading: a raster is used by one thread at a time (the thread running the
 * runtime's callbacks); a second concurrent call on the same raster returns
 * WASP_ERR_INVALID_STATE. No call blocks. Separate rasters are independent.
 *
 * Errors: every function returns a `wasp_status` (wasp_port.h). Outputs are written
 * only on WASP_OK. NULL pointers, unknown or destroyed handles, sizes that do not
 * describe their buffers, and unknown formats are answered with an error, never a
 * crash. Memory is allocated fallibly: a size the allocator refuses is
 * WASP_ERR_BUDGET_EXCEEDED. A panic inside the library never crosses into C
 * (WASP_ERR_INTERNAL).
 */
#ifndef WASP_RASTER_H_
#define WASP_RASTER_H_

#include "wasp_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- Constants */

/** `wasp_raster_compose` output: packed rows of bytes R, G, B. */
#define WASP_RASTER_RGB888 0u
/** `wasp_raster_compose` output: packed rows of bytes R, G, B, A (A = 255). */
#define WASP_RASTER_RGBA8888 1u

/** Most images one raster holds at a time. */
#define WASP_RASTER_MAX_IMAGES 4096u

/* -------------------------------------------------------------------- Types */

/** A graphics plane with its images: opaque, `wasp_raster_new` / `_destroy`. */
typedef struct wasp_raster wasp_raster;

/**
 * A decoded picture, I420: full-size Y, and Cb, Cr at `(width + 1) / 2 x
 * (height + 1) / 2`, 8 bits each. Borrowed for the call.
 */
typedef struct wasp_video_frame {
  /** Luma rows, `y_stride` bytes apart; `y_len` bytes readable. */
  const uint8_t *y;
  /** Cb rows, `uv_stride` bytes apart; `u_len` bytes readable. */
  const uint8_t *u;
  /** Cr rows, `uv_stride` bytes apart; `v_len` bytes readable. */
  const uint8_t *v;
  size_t y_len;
  size_t u_len;
  size_t v_len;
  /** Width and height in pixels (0 x 0: no picture, the display is black). */
  uint32_t width;
  uint32_t height;
  /** Bytes from one luma row to the next (at least `width`). */
  uint32_t y_stride;
  /** Bytes from one chroma row to the next (at least `(width + 1) / 2`). */
  uint32_t uv_stride;
} wasp_video_frame;

/* ---------------------------------------------------------------- Functions */

/**
 * Creates a raster: a `width x height` plane, fully transparent, no images.
 * |width|, |height|: at most 16384 each (0 is allowed: nothing is ever drawn).
 * |out|: must not be NULL; receives the raster on WASP_OK.
 * Errors: WASP_ERR_INVALID_ARGUMENT (NULL, size too large),
 * WASP_ERR_BUDGET_EXCEEDED (the plane cannot be allocated).
 */
wasp_status wasp_raster_new(uint32_t width, uint32_t height, wasp_raster **out);

/**
 * Frees a raster with its images. A second destroy, or a handle never created,
 * returns WASP_ERR_BAD_HANDLE.
 * Errors: WASP_ERR_INVALID_ARGUMENT (NULL), WASP_ERR_BAD_HANDLE,
 * WASP_ERR_INVALID_STATE (in use by another thread).
 */
wasp_status wasp_raster_destroy(wasp_raster *raster);

/**
 * Copies an image into the raster (the port's `image_create`).
 * |desc|: must not be NULL; `format` WASP-ABI `Rgba8888Premul` (1), `A8` (2) or
 *         `Rgb565` (3); `stride >= width * bytes_per_pixel`.
 * |pixels|: `len` bytes, `len == desc->stride * desc->height` (copied); may be NULL
 *           only when `len` is 0.
 * |out_id|: must not be NULL; receives a non-zero id, unique in this raster.
 * Errors: WASP_ERR_INVALID_ARGUMENT (NULL, unknown format, stride or length that
 * does not match), WASP_ERR_TOO_MANY_HANDLES (WASP_RASTER_MAX_IMAGES held),
 * WASP_ERR_BUDGET_EXCEEDED, handle errors.
 */
wasp_status wasp_raster_image_create(wasp_raster *raster,
                                     const wasp_image_desc *desc,
                                     const uint8_t *pixels, size_t len,
                                     uint32_t *out_id);

/**
 * Replaces a rectangle of an image (the port's `image_update`).
 * |rect|: must not be NULL and lie inside the image.
 * |pixels|: rows of `rect->w * bytes_per_pixel` bytes, packed; `len` must be that
 *           times `rect->h` (copied).
 * Errors: WASP_ERR_INVALID_ARGUMENT (NULL, wrong length), WASP_ERR_OUT_OF_BOUNDS
 * (rectangle outside the image), WASP_ERR_NOT_FOUND (no such image), handle errors.
 */
wasp_status wasp_raster_image_update(wasp_raster *raster, uint32_t id,
                                     const wasp_rect *rect,
                                     const uint8_t *pixels, size_t len);

/**
 * Frees an image; later draw records naming it draw nothing.
 * Errors: WASP_ERR_NOT_FOUND, handle errors.
 */
wasp_status wasp_raster_image_free(wasp_raster *raster, uint32_t id);

/**
 * Draws a list of ABI draw records (the port's `draw`) onto the plane with the
 * frame's clip, exactly as docs/raster.md defines. Unknown opcodes are skipped;
 * an image id the raster does not hold draws nothing.
 * |records|: `len` bytes, borrowed; may be NULL only when `len` is 0.
 * |out_commands|: may be NULL; on WASP_OK receives the number of commands drawn.
 * Errors: WASP_ERR_INVALID_ARGUMENT (NULL, a malformed record: then nothing is
 * drawn), handle errors.
 */
wasp_status wasp_raster_draw(wasp_raster *raster, const uint8_t *records,
                             size_t len, uint32_t *out_commands);

/**
 * Ends the frame (call after showing it, in the port's `present`): the next draw
 * starts with the whole plane as its clip. The plane keeps its pixels.
 * Errors: handle errors.
 */
wasp_status wasp_raster_end_frame(wasp_raster *raster);

/**
 * The plane's pixels, for a port that shows the plane itself (a hardware overlay):
 * `height` rows of `width * 4` bytes. The pointer stays valid until the next call
 * on this raster other than `wasp_raster_plane`, `_compose` and `_size`.
 * |out_pixels|, |out_len|: must not be NULL.
 * Errors: WASP_ERR_INVALID_ARGUMENT, handle errors.
 */
wasp_status wasp_raster_plane(wasp_raster *raster, const uint8_t **out_pixels,
                              size_t *out_len);

/**
 * The plane's size. |out_width|, |out_height|: must not be NULL.
 * Errors: WASP_ERR_INVALID_ARGUMENT, handle errors.
 */
wasp_status wasp_raster_size(wasp_raster *raster, uint32_t *out_width,
                             uint32_t *out_height);

/**
 * Writes the display picture: |video| (NULL: none, black) stretched to the plane's
 * size, BT.709 limited range to RGB, the plane blended over it (docs/raster.md,
 * "The display picture").
 * |format|: WASP_RASTER_RGB888 or WASP_RASTER_RGBA8888.
 * |out|: `cap` bytes; at least `width * height * bytes_per_pixel` are written,
 *        packed rows.
 * Errors: WASP_ERR_INVALID_ARGUMENT (NULL, unknown format, video planes shorter
 * than their sizes or strides below their widths), WASP_ERR_BUDGET_EXCEEDED
 * (`cap` too small), handle errors. Nothing is written on error.
 */
wasp_status wasp_raster_compose(wasp_raster *raster,
                                const wasp_video_frame *video, uint32_t format,
                                uint8_t *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* WASP_RASTER_H_ */
