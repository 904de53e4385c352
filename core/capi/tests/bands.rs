#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
#![allow(unsafe_code)] // calls the C API
//! Banded rasters through `wasp_raster.h`, called from Rust as a C port calls them:
//! a frame presented in bands, concatenated, equals byte for byte the plane of a
//! full raster that drew the same lists (band heights 1, 7, 8 and the whole
//! height, on a plane whose height none of 7 and 8 divides); then every entry point
//! with hostile arguments: an error code each time, never a crash.

use std::ffi::c_void;
use std::ptr::{null, null_mut};

use wasp::raster::*;
use wasp::sys;
use wasp_abi::gfx::{op, rgba, GlyphQuad, Rect};
use wasp_abi::wire::put_record;

/// The plane: 37 x 23, so bands of 7 and 8 rows end with a shorter one.
const W: u32 = 37;
const H: u32 = 23;
/// Record buffer of the banded rasters under test.
const RECORDS: usize = 4096;

const fn rect(x: i32, y: i32, w: u32, h: u32) -> Rect {
    Rect { x, y, w, h }
}

/// A draw list (the TLV records `gfx_draw` hands a port).
fn list(records: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut out = vec![0u8; records.iter().map(|(_, p)| 4 + p.len()).sum()];
    let mut pos = 0;
    for (kind, payload) in records {
        assert!(put_record(&mut out, &mut pos, *kind, payload));
    }
    out
}

fn clear(color: u32) -> (u16, Vec<u8>) {
    (op::CLEAR, color.to_le_bytes().to_vec())
}

fn fill(r: Rect, color: u32) -> (u16, Vec<u8>) {
    let fill = wasp_abi::gfx::FillRect { rect: r, color };
    (op::FILL_RECT, fill.to_bytes().to_vec())
}

fn image(id: u32, src: Rect, dst: Rect, tint: u32) -> (u16, Vec<u8>) {
    let draw = wasp_abi::gfx::DrawImage {
        src,
        dst,
        image: id,
        tint,
    };
    (op::IMAGE, draw.to_bytes().to_vec())
}

fn glyphs(id: u32, color: u32, quads: &[(u16, u16, u16, u16, i32, i32)]) -> (u16, Vec<u8>) {
    let mut payload = wasp_abi::gfx::Glyphs { image: id, color }
        .to_bytes()
        .to_vec();
    for &(sx, sy, w, h, dx, dy) in quads {
        let q = GlyphQuad {
            sx,
            sy,
            w,
            h,
            dx,
            dy,
        };
        payload.extend_from_slice(&q.to_bytes());
    }
    (op::GLYPHS, payload)
}

fn clip(r: Rect) -> (u16, Vec<u8>) {
    (op::CLIP, r.to_bytes().to_vec())
}

fn reset_clip() -> (u16, Vec<u8>) {
    (op::RESET_CLIP, Vec::new())
}

/// The images every scene uploads, in order (ids 1, 2, 3 in a fresh raster):
/// RGBA premultiplied 6x5 with row padding, A8 9x7, RGB565 5x4.
fn upload(raster: *mut sys::wasp_raster) -> [u32; 3] {
    let rgba_pixels: Vec<u8> = (0..5u32)
        .flat_map(|y| {
            let mut row: Vec<u8> = (0..6u32)
                .flat_map(|x| {
                    let a = (41 * x + 67 * y + 30) & 255;
                    [(30 * x).min(a), (50 * y).min(a), (20 * (x + y)).min(a), a].map(|v| v as u8)
                })
                .collect();
            row.extend_from_slice(&[0xEE; 4]);
            row
        })
        .collect();
    let a8: Vec<u8> = (0..63u32).map(|i| ((i * 37) & 255) as u8).collect();
    let rgb565: Vec<u8> = (0..20u32)
        .flat_map(|i| (((i * 2731 + 999) & 0xFFFF) as u16).to_le_bytes())
        .collect();
    let descs = [
        (6, 5, 28, 1, rgba_pixels),
        (9, 7, 9, 2, a8),
        (5, 4, 10, 3, rgb565),
    ];
    descs.map(|(width, height, stride, format, pixels)| {
        let desc = sys::wasp_image_desc {
            width,
            height,
            stride,
            format,
        };
        let mut id = 0;
        let s = unsafe {
            wasp_raster_image_create(raster, &desc, pixels.as_ptr(), pixels.len(), &mut id)
        };
        assert_eq!(s, sys::WASP_OK);
        id
    })
}

/// What a scene does between draws.
enum Step {
    Draw(Vec<u8>),
    /// Frees the test image with this index.
    Free(usize),
}

/// The golden scenes: frames of several lists each.
fn scenes(ids: [u32; 3]) -> Vec<(&'static str, Vec<Step>)> {
    let [rgba_id, a8_id, rgb565_id] = ids;
    // The RGB565 image over 20 x 23 pixels from column `x`.
    let stretched = |x| {
        list(&[image(
            rgb565_id,
            rect(0, 0, 5, 4),
            rect(x, 0, 20, 23),
            u32::MAX,
        )])
    };
    vec![
        (
            "fills over a clear",
            vec![Step::Draw(list(&[
                clear(rgba(20, 40, 60, 255)),
                fill(rect(-4, -3, 15, 11), rgba(200, 30, 40, 180)),
                fill(rect(5, 6, 40, 9), rgba(20, 130, 240, 90)),
                fill(rect(30, 15, 7, 8), rgba(255, 255, 255, 255)),
                fill(rect(0, 22, 37, 1), rgba(0, 0, 0, 1)),
            ]))],
        ),
        (
            "images of every format, scaled and tinted",
            vec![
                Step::Draw(list(&[
                    image(rgba_id, rect(0, 0, 6, 5), rect(-3, 2, 23, 17), u32::MAX),
                    image(
                        a8_id,
                        rect(0, 0, 9, 7),
                        rect(10, 1, 27, 21),
                        rgba(255, 200, 0, 255),
                    ),
                ])),
                Step::Draw(list(&[
                    image(rgb565_id, rect(-1, -1, 7, 6), rect(20, 9, 17, 14), u32::MAX),
                    image(
                        rgba_id,
                        rect(1, 1, 4, 3),
                        rect(2, 14, 9, 9),
                        rgba(255, 128, 64, 200),
                    ),
                ])),
            ],
        ),
        (
            "glyphs",
            vec![Step::Draw(list(&[
                clear(rgba(0, 0, 40, 255)),
                glyphs(
                    a8_id,
                    rgba(250, 250, 250, 255),
                    &[
                        (0, 0, 3, 5, 1, 1),
                        (3, 0, 4, 7, 4, 6),
                        (1, 2, 8, 5, 30, 19),
                        (0, 0, 9, 7, -4, 20),
                    ],
                ),
            ]))],
        ),
        (
            "the clip carries from list to list",
            vec![
                Step::Draw(list(&[clip(rect(3, 5, 20, 13))])),
                Step::Draw(list(&[fill(rect(0, 0, W, H), rgba(255, 0, 0, 100))])),
                Step::Draw(list(&[
                    clip(rect(10, 9, 100, 6)),
                    image(rgba_id, rect(0, 0, 6, 5), rect(0, 0, W, H), u32::MAX),
                ])),
                Step::Draw(list(&[
                    reset_clip(),
                    fill(rect(0, 20, W, 3), rgba(0, 255, 0, 60)),
                ])),
            ],
        ),
        (
            "an image freed between lists",
            vec![
                Step::Draw(stretched(0)),
                Step::Free(2),
                Step::Draw(stretched(17)),
                Step::Free(0),
                Step::Draw(list(&[fill(rect(8, 8, 20, 6), rgba(9, 9, 9, 200))])),
            ],
        ),
    ]
}

/// Draws `l` on `raster`.
fn draw(raster: *mut sys::wasp_raster, l: &[u8]) -> sys::wasp_status {
    unsafe { wasp_raster_draw(raster, l.as_ptr(), l.len(), null_mut()) }
}

/// The raster's record high-water.
fn high_water(raster: *mut sys::wasp_raster) -> usize {
    let mut high = usize::MAX;
    assert_eq!(
        unsafe { wasp_raster_records_high_water(raster, &mut high) },
        sys::WASP_OK
    );
    high
}

/// Runs a scene's steps on `raster`.
fn play(raster: *mut sys::wasp_raster, steps: &[Step], ids: [u32; 3]) {
    for step in steps {
        let s = match step {
            Step::Draw(l) => draw(raster, l),
            Step::Free(i) => unsafe { wasp_raster_image_free(raster, ids[*i]) },
        };
        assert_eq!(s, sys::WASP_OK);
    }
}

/// What the band callback saw.
#[derive(Default)]
struct Shown {
    /// The bands' pixels, concatenated in the order they came.
    pixels: Vec<u8>,
    /// (y0, rows) of each band.
    bands: Vec<(u32, u32)>,
    /// Status to answer from the band with this index on.
    stop_at: Option<(usize, sys::wasp_status)>,
    /// The raster, to call it back from inside the callback.
    raster: Option<*mut sys::wasp_raster>,
    /// What that call answered.
    reentered: Option<sys::wasp_status>,
}

unsafe extern "C" fn collect(
    user: *mut c_void,
    y0: u32,
    rows: u32,
    pixels: *mut u8,
    stride: usize,
) -> sys::wasp_status {
    let shown = unsafe { &mut *user.cast::<Shown>() };
    assert_eq!(stride, W as usize * 4);
    let band = unsafe { std::slice::from_raw_parts_mut(pixels, stride * rows as usize) };
    shown.pixels.extend_from_slice(band);
    // The port may overwrite the band (narrow it in place, say).
    band.fill(0xA5);
    shown.bands.push((y0, rows));
    if let Some(r) = shown.raster {
        let mut id = 0;
        let desc = sys::wasp_image_desc::default();
        shown.reentered = Some(unsafe { wasp_raster_image_create(r, &desc, null(), 0, &mut id) });
    }
    match shown.stop_at {
        Some((at, code)) if shown.bands.len() > at => code,
        _ => sys::WASP_OK,
    }
}

fn present(raster: *mut sys::wasp_raster, shown: &mut Shown) -> sys::wasp_status {
    unsafe { wasp_raster_present_bands(raster, Some(collect), (shown as *mut Shown).cast()) }
}

fn full() -> *mut sys::wasp_raster {
    let mut r = null_mut();
    assert_eq!(unsafe { wasp_raster_new(W, H, &mut r) }, sys::WASP_OK);
    r
}

fn banded(rows: u32, records: usize) -> *mut sys::wasp_raster {
    let mut r = null_mut();
    assert_eq!(
        unsafe { wasp_raster_new_banded(W, H, rows, records, &mut r) },
        sys::WASP_OK
    );
    r
}

fn plane(raster: *mut sys::wasp_raster) -> Vec<u8> {
    let (mut p, mut len) = (null(), 0);
    assert_eq!(
        unsafe { wasp_raster_plane(raster, &mut p, &mut len) },
        sys::WASP_OK
    );
    unsafe { std::slice::from_raw_parts(p, len) }.to_vec()
}

fn destroy(raster: *mut sys::wasp_raster) {
    assert_eq!(unsafe { wasp_raster_destroy(raster) }, sys::WASP_OK);
}

#[test]
fn bands_concatenated_equal_the_full_plane_for_every_band_height() {
    let reference = full();
    let ids = upload(reference);
    for (name, steps) in scenes(ids) {
        let whole = full();
        assert_eq!(upload(whole), ids);
        play(whole, &steps, ids);
        let want = plane(whole);
        destroy(whole);
        assert!(
            want.iter().any(|&b| b != 0),
            "{name}: the scene draws something"
        );
        for rows in [1, 7, 8, H] {
            let r = banded(rows, RECORDS);
            assert_eq!(upload(r), ids);
            play(r, &steps, ids);
            let mut shown = Shown::default();
            assert_eq!(present(r, &mut shown), sys::WASP_OK, "{name}, {rows} rows");
            assert!(
                shown.pixels == want,
                "{name}: bands of {rows} rows differ from the plane"
            );
            let expected: Vec<(u32, u32)> = (0..H)
                .step_by(rows as usize)
                .map(|y| (y, rows.min(H - y)))
                .collect();
            assert_eq!(
                shown.bands, expected,
                "{name}: bands top to bottom, each row once"
            );
            destroy(r);
        }
    }
    destroy(reference);
}

#[test]
fn each_frame_starts_transparent_and_unclipped() {
    let r = banded(8, RECORDS);
    let first = list(&[clip(rect(0, 0, 4, 4)), clear(rgba(255, 255, 255, 255))]);
    let second = list(&[fill(rect(30, 20, 7, 3), rgba(0, 0, 255, 255))]);
    for l in [&first, &second] {
        assert_eq!(draw(r, l), sys::WASP_OK);
        let mut shown = Shown::default();
        assert_eq!(present(r, &mut shown), sys::WASP_OK);
        // The same list alone on a fresh full raster.
        let fresh = full();
        assert_eq!(draw(fresh, l), sys::WASP_OK);
        assert!(shown.pixels == plane(fresh));
        destroy(fresh);
    }
    // A frame with no records is handed out transparent, every band.
    let mut shown = Shown::default();
    assert_eq!(present(r, &mut shown), sys::WASP_OK);
    assert_eq!(shown.bands.len(), 3);
    assert!(shown.pixels.iter().all(|&b| b == 0));
    destroy(r);
}

#[test]
fn records_beyond_the_budget_are_refused_and_the_frame_keeps_the_lists_before() {
    let first = list(&[clear(rgba(10, 20, 30, 255))]); // 8 bytes, 12 kept
    let second = list(&[fill(rect(0, 0, 5, 5), rgba(255, 0, 0, 255))]); // 24 bytes, 28 kept
    let r = banded(H, 12 + 28);
    let mut n = 0;
    assert_eq!(
        unsafe { wasp_raster_draw(r, first.as_ptr(), first.len(), &mut n) },
        sys::WASP_OK
    );
    assert_eq!(n, 1);
    assert_eq!(draw(r, &second), sys::WASP_OK);
    assert_eq!(high_water(r), 40);
    // The budget is full: not one more byte.
    let empty_clip = list(&[reset_clip()]);
    assert_eq!(draw(r, &empty_clip), sys::WASP_ERR_BUDGET_EXCEEDED);
    assert_eq!(draw(r, &first), sys::WASP_ERR_BUDGET_EXCEEDED);
    assert_eq!(high_water(r), 40);
    let mut shown = Shown::default();
    assert_eq!(present(r, &mut shown), sys::WASP_OK);
    let at = |x: usize, y: usize| &shown.pixels[(y * W as usize + x) * 4..][..4];
    assert_eq!(at(4, 4), [255, 0, 0, 255]);
    assert_eq!(at(5, 4), [10, 20, 30, 255]);
    assert_eq!(at(36, 22), [10, 20, 30, 255]);
    // The next frame has the whole budget again.
    assert_eq!(draw(r, &second), sys::WASP_OK);
    assert_eq!(draw(r, &first), sys::WASP_OK);
    let mut shown = Shown::default();
    assert_eq!(present(r, &mut shown), sys::WASP_OK);
    assert!(shown.pixels.chunks(4).all(|p| p == [10, 20, 30, 255]));
    destroy(r);
}

#[test]
fn a_malformed_list_is_refused_and_not_kept() {
    let r = banded(8, RECORDS);
    // A record header claiming 20 payload bytes with 2 present.
    let bad = [op::FILL_RECT as u8, 0, 20, 0, 1, 2];
    assert_eq!(draw(r, &bad), sys::WASP_ERR_INVALID_ARGUMENT);
    assert_eq!(
        unsafe { wasp_raster_draw(r, null(), 4, null_mut()) },
        sys::WASP_ERR_INVALID_ARGUMENT
    );
    assert_eq!(high_water(r), 0);
    destroy(r);
}

#[test]
fn a_band_callback_that_fails_stops_the_frame_and_its_status_is_returned() {
    let r = banded(7, RECORDS);
    let l = list(&[clear(rgba(1, 2, 3, 255))]);
    assert_eq!(draw(r, &l), sys::WASP_OK);
    let mut shown = Shown {
        stop_at: Some((1, sys::WASP_ERR_IO)),
        raster: Some(r),
        ..Shown::default()
    };
    assert_eq!(present(r, &mut shown), sys::WASP_ERR_IO);
    assert_eq!(shown.bands, [(0, 7), (7, 7)]);
    // Calling the raster from its own callback is refused, not aliased.
    assert_eq!(shown.reentered, Some(sys::WASP_ERR_INVALID_STATE));
    // The frame ended anyway: the next one starts transparent.
    let mut shown = Shown::default();
    assert_eq!(present(r, &mut shown), sys::WASP_OK);
    assert!(shown.pixels.iter().all(|&b| b == 0));
    destroy(r);
}

#[test]
fn hostile_sizes_and_pointers_are_refused_with_error_codes() {
    let mut r = null_mut();
    let max = sys::WASP_RASTER_MAX_RECORD_BYTES as usize;
    for (w, h, rows, records) in [
        (0, H, 1, RECORDS),
        (W, 0, 1, RECORDS),
        (W, H, 0, RECORDS),
        (W, H, H + 1, RECORDS),
        (W, H, 1, 0),
        (W, H, 1, max + 1),
        (16_385, H, 1, RECORDS),
        (W, 16_385, 1, RECORDS),
        (W, H, u32::MAX, usize::MAX),
    ] {
        assert_eq!(
            unsafe { wasp_raster_new_banded(w, h, rows, records, &mut r) },
            sys::WASP_ERR_INVALID_ARGUMENT,
            "{w}x{h}, {rows} rows, {records} B"
        );
        assert!(r.is_null());
    }
    assert_eq!(
        unsafe { wasp_raster_new_banded(W, H, 8, RECORDS, null_mut()) },
        sys::WASP_ERR_INVALID_ARGUMENT
    );
    // The largest accepted sides with a one-row band: a 64 KiB band buffer.
    let big = {
        let mut b = null_mut();
        assert_eq!(
            unsafe { wasp_raster_new_banded(16_384, 16_384, 1, 1, &mut b) },
            sys::WASP_OK
        );
        b
    };
    destroy(big);

    let b = banded(8, RECORDS);
    let f = full();
    let mut shown = Shown::default();
    assert_eq!(
        unsafe { wasp_raster_present_bands(b, None, null_mut()) },
        sys::WASP_ERR_INVALID_ARGUMENT
    );
    assert_eq!(present(f, &mut shown), sys::WASP_ERR_UNSUPPORTED);
    assert!(shown.bands.is_empty());
    let mut high = 0;
    assert_eq!(
        unsafe { wasp_raster_records_high_water(f, &mut high) },
        sys::WASP_ERR_UNSUPPORTED
    );
    assert_eq!(
        unsafe { wasp_raster_records_high_water(b, null_mut()) },
        sys::WASP_ERR_INVALID_ARGUMENT
    );
    let (mut p, mut len) = (null(), 0);
    assert_eq!(
        unsafe { wasp_raster_plane(b, &mut p, &mut len) },
        sys::WASP_ERR_UNSUPPORTED
    );
    let mut out = [0u8; (W * H * 4) as usize];
    assert_eq!(
        unsafe {
            wasp_raster_compose(
                b,
                null(),
                sys::WASP_RASTER_RGBA8888,
                out.as_mut_ptr(),
                out.len(),
            )
        },
        sys::WASP_ERR_UNSUPPORTED
    );
    let (mut w, mut h) = (0, 0);
    assert_eq!(unsafe { wasp_raster_size(b, &mut w, &mut h) }, sys::WASP_OK);
    assert_eq!((w, h), (W, H));
    destroy(f);
    destroy(b);
    // Destroyed and never-made handles.
    assert_eq!(present(b, &mut shown), sys::WASP_ERR_BAD_HANDLE);
    assert_eq!(
        unsafe { wasp_raster_records_high_water(b, &mut high) },
        sys::WASP_ERR_BAD_HANDLE
    );
    let garbage = 0x1000 as *mut sys::wasp_raster;
    assert_eq!(present(garbage, &mut shown), sys::WASP_ERR_BAD_HANDLE);
    assert!(shown.bands.is_empty());
}

#[test]
fn an_image_freed_during_a_frame_is_released_when_the_frame_ends() {
    let r = banded(8, RECORDS);
    let ids = upload(r);
    let l = list(&[image(ids[0], rect(0, 0, 6, 5), rect(0, 0, 6, 5), u32::MAX)]);
    assert_eq!(draw(r, &l), sys::WASP_OK);
    assert_eq!(unsafe { wasp_raster_image_free(r, ids[0]) }, sys::WASP_OK);
    // Gone for the port at once: a second free or an update is not found.
    assert_eq!(
        unsafe { wasp_raster_image_free(r, ids[0]) },
        sys::WASP_ERR_NOT_FOUND
    );
    let whole = sys::wasp_rect {
        x: 0,
        y: 0,
        w: 1,
        h: 1,
    };
    let px = [0u8; 4];
    assert_eq!(
        unsafe { wasp_raster_image_update(r, ids[0], &whole, px.as_ptr(), 4) },
        sys::WASP_ERR_NOT_FOUND
    );
    // The new ids never reuse it while the frame may read it.
    let desc = sys::wasp_image_desc {
        width: 1,
        height: 1,
        stride: 4,
        format: 1,
    };
    let mut id = 0;
    assert_eq!(
        unsafe { wasp_raster_image_create(r, &desc, px.as_ptr(), 4, &mut id) },
        sys::WASP_OK
    );
    assert!(!ids.contains(&id));
    // The frame still draws it (the list came before the free).
    let mut shown = Shown::default();
    assert_eq!(present(r, &mut shown), sys::WASP_OK);
    assert!(shown.pixels.iter().any(|&b| b != 0));
    // The next frame does not.
    assert_eq!(draw(r, &l), sys::WASP_OK);
    let mut shown = Shown::default();
    assert_eq!(present(r, &mut shown), sys::WASP_OK);
    assert!(shown.pixels.iter().all(|&b| b == 0));
    destroy(r);
}
