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
 * Banded rasters (API minor 2), for a port without RAM for a plane (a
 * microcontroller driving an SPI panel): `wasp_raster_new_banded` keeps no plane.
 * `wasp_raster_draw` checks each list and keeps its bytes (the frame's draw
 * records, in a buffer of a size the port states), and at `present` the port calls
 * `wasp_raster_present_bands`: the frame is rendered into one band buffer of
 * `band_rows` rows at a time, top to bottom, each band handed to a callback (which
 * sends it to the panel), and the frame ends. The rows a band holds are byte for
 * byte the same rows of a full raster that drew the same lists from a transparent
 * plane. Memory, all taken when the raster is made (nothing is allocated per
 * frame): the band buffer `width x band_rows x 4` bytes, the record buffer
 * `record_bytes`, about 100 bytes of raster, and the images. A 240x240 panel in
 * 8-row bands with 4 KiB of records needs 11.5 KiB instead of a 225 KiB plane.
 * The callbacks of a banded port:
 *
 *   image_*      -> wasp_raster_image_*          (as above)
 *   draw         -> wasp_raster_draw             (the list is checked and kept)
 *   present      -> wasp_raster_present_bands    (render, hand out, end the frame)
 *
 * Differences from a full raster: each frame starts fully transparent (the ABI
 * promises nothing about a new frame's pixels, docs/raster.md "The clip"; modules
 * begin a frame with CLEAR); there is no video under the bands (`_compose` and
 * `_plane` answer WASP_ERR_UNSUPPORTED): over black, a premultiplied pixel's R, G, B
 * are the colour shown. An image freed after a draw of the frame stays readable by
 * that frame's earlier lists (its memory is returned when the frame ends), as the
 * full raster drew them before the free; an image updated between a draw and the
 * present is drawn with its new pixels by the whole frame.
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

/** Largest record buffer `wasp_raster_new_banded` accepts: 16 MiB. */
#define WASP_RASTER_MAX_RECORD_BYTES (16u * 1024u * 1024u)
/** Bytes a kept draw list costs in the record buffer beyond its own bytes. */
#define WASP_RASTER_RECORD_OVERHEAD 4u

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

/**
 * Receives one band of a banded raster's frame (`wasp_raster_present_bands`).
 * Runs on the thread that called `wasp_raster_present_bands`, inside that call;
 * calls on the same raster from here answer WASP_ERR_INVALID_STATE.
 * |user|: the pointer given to `wasp_raster_present_bands`.
 * |y0|, |rows|: the band is plane rows `y0 .. y0 + rows - 1` (`rows` is
 *               `band_rows`, less for the last band when `band_rows` does not
 *               divide the height). Bands come top to bottom, each row once.
 * |pixels|: `rows` rows of `width` pixels, RGBA8888 premultiplied, `stride` bytes
 *           apart (`stride == width * 4`). The port may overwrite them (narrow them
 *           to RGB565 in place for the panel, say); they are not read again after the
 *           callback returns, and the buffer is reused for the next band, so a port
 *           that sends it by DMA waits for the transfer before returning.
 * Returns WASP_OK to go on; any other status stops the frame (no further bands)
 * and is what `wasp_raster_present_bands` returns.
 */
typedef wasp_status (*wasp_raster_band_fn)(void *user, uint32_t y0, uint32_t rows,
                                           uint8_t *pixels, size_t stride);

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
 * Creates a banded raster (see the overview): no plane, a band buffer of
 * `width x band_rows x 4` bytes and a record buffer of `record_bytes`, both
 * allocated now, no images.
 * |width|, |height|: 1 to 16384 each.
 * |band_rows|: 1 to `height`: the rows rendered and handed out at a time.
 * |record_bytes|: 1 to WASP_RASTER_MAX_RECORD_BYTES: the most bytes of draw lists
 *                 one frame may keep, each list costing its length plus
 *                 WASP_RASTER_RECORD_OVERHEAD (`wasp_raster_records_high_water`
 *                 tells what a module used).
 * |out|: must not be NULL; receives the raster on WASP_OK.
 * Errors: WASP_ERR_INVALID_ARGUMENT (NULL, a size out of its range),
 * WASP_ERR_NOT_INITIALIZED (no std: before `wasp_platform_init`),
 * WASP_ERR_BUDGET_EXCEEDED (the buffers cannot be allocated).
 */
wasp_status wasp_raster_new_banded(uint32_t width, uint32_t height,
                                   uint32_t band_rows, size_t record_bytes,
                                   wasp_raster **out);

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
 * A banded raster checks the list the same way and keeps a copy of it for
 * `wasp_raster_present_bands` instead of drawing it.
 * Errors: WASP_ERR_INVALID_ARGUMENT (NULL, a malformed record: then nothing is
 * drawn), WASP_ERR_BUDGET_EXCEEDED (banded: the frame's records would exceed
 * `record_bytes`; this list is not kept, the frame keeps the lists before it),
 * handle errors.
 */
wasp_status wasp_raster_draw(wasp_raster *raster, const uint8_t *records,
                             size_t len, uint32_t *out_commands);

/**
 * Ends the frame (call after showing it, in the port's `present`): the next draw
 * starts with the whole plane as its clip. The plane keeps its pixels. A banded
 * raster drops the frame's records instead (a frame the port does not show);
 * `wasp_raster_present_bands` ends the frame itself.
 * Errors: handle errors.
 */
wasp_status wasp_raster_end_frame(wasp_raster *raster);

/**
 * The plane's pixels, for a port that shows the plane itself (a hardware overlay):
 * `height` rows of `width * 4` bytes. The pointer stays valid until the next call
 * on this raster other than `wasp_raster_plane`, `_compose` and `_size`.
 * |out_pixels|, |out_len|: must not be NULL.
 * Errors: WASP_ERR_INVALID_ARGUMENT, WASP_ERR_UNSUPPORTED (a banded raster),
 * handle errors.
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
 * (`cap` too small), WASP_ERR_UNSUPPORTED (a banded raster), handle errors.
 * Nothing is written on error.
 */
wasp_status wasp_raster_compose(wasp_raster *raster,
                                const wasp_video_frame *video, uint32_t format,
                                uint8_t *out, size_t cap);

/**
 * Shows a banded raster's frame (the port's `present`): renders the frame's kept
 * records into the band buffer `band_rows` rows at a time, top to bottom, calls
 * |band| with each band, then ends the frame (records dropped, the next frame
 * starts transparent and unclipped, images freed during the frame released). The
 * frame ends also when |band| stops it. A frame with no records is handed out
 * transparent.
 * |band|: must not be NULL; see `wasp_raster_band_fn`.
 * |user|: passed to |band| as is; may be NULL.
 * Errors: WASP_ERR_INVALID_ARGUMENT (NULL |band|), WASP_ERR_UNSUPPORTED (a full
 * raster: it has `wasp_raster_plane`), handle errors, or the status |band|
 * returned to stop.
 */
wasp_status wasp_raster_present_bands(wasp_raster *raster,
                                      wasp_raster_band_fn band, void *user);

/**
 * The most bytes of records any frame of a banded raster has kept so far (each
 * list's length plus WASP_RASTER_RECORD_OVERHEAD): what to size `record_bytes`
 * from, with a margin, once a module has run.
 * |out_bytes|: must not be NULL.
 * Errors: WASP_ERR_INVALID_ARGUMENT, WASP_ERR_UNSUPPORTED (a full raster), handle
 * errors.
 */
wasp_status wasp_raster_records_high_water(wasp_raster *raster,
                                           size_t *out_bytes);

#ifdef __cplusplus
}
#endif

#endif /* WASP_RASTER_H_ */
