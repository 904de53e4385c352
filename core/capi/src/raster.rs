//! The exports of `wasp_raster.h`: the reference rasteriser ([`wasp_raster`]) for
//! ports written in C.
//!
//! A `wasp_raster` owns a graphics plane, the frame's clip and the images a port
//! forwards from its `image_*` callbacks, so a draw list's image ids resolve
//! without calling back into C. Handles are checked against a registry before
//! they are dereferenced (as runtimes are), every call runs inside
//! the panic guard, and every size taken from the caller is checked and allocated
//! fallibly. A banded raster ([`bands`]) keeps the frame's draw lists instead of a
//! plane and renders them band by band at present.
//!
//! # Safety (every function)
//! Pointers are NULL or valid as `wasp_raster.h` states for the call: inputs
//! readable for their lengths, outputs writable. NULL is answered with an error.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use wasp_abi::gfx::{ImageDesc, Rect};
use wasp_raster::{compose, render_list, Canvas, Image, Images, OutputFormat, VideoFrame};

use crate::api::bytes;
use crate::conv::Conv;
use crate::registry::{contain, Registry};
use crate::sys;

mod bands;

use bands::Bands;
pub use bands::{
    wasp_raster_new_banded, wasp_raster_present_bands, wasp_raster_records_high_water,
};

/// "wasp-ra\0" as a little-endian `u64`, cleared on destroy.
const MAGIC: u64 = u64::from_le_bytes(*b"wasp-ra\0");

/// Largest plane side accepted by `wasp_raster_new` (16K: a 1 GiB plane).
const MAX_SIDE: u32 = 16_384;

/// Live rasters.
static RASTERS: Registry = Registry::new();

/// An image as the raster keeps it.
struct Stored {
    desc: ImageDesc,
    pixels: Vec<u8>,
    /// Banded rasters: freed during the frame, when the frame's records were this
    /// many bytes long; lists kept before then still read it (as a full raster drew
    /// them before the free). Released when the frame ends.
    freed_at: Option<usize>,
}

impl Stored {
    fn live(&self) -> bool {
        self.freed_at.is_none()
    }
}

/// The images of one raster, by id.
#[derive(Default)]
struct Library(BTreeMap<u32, Stored>);

impl Library {
    /// A live (not freed) image.
    fn live_mut(&mut self, id: u32) -> Option<&mut Stored> {
        self.0.get_mut(&id).filter(|s| s.live())
    }

    /// Drops the images freed during the frame.
    fn release_freed(&mut self) {
        self.0.retain(|_, s| s.live());
        if self.0.is_empty() {
            // An emptied map keeps its last node (~360 B): give it back, so a firmware
            // sees its heap return to where it was once a module's images are gone.
            *self = Library::default();
        }
    }
}

impl Images for Library {
    fn image(&self, id: u32) -> Option<Image<'_>> {
        self.0.get(&id).filter(|s| s.live()).map(|s| Image {
            desc: s.desc,
            pixels: &s.pixels,
        })
    }
}

/// Where a raster draws.
enum Target {
    /// `height` rows of `width * 4` bytes, RGBA8888 premultiplied.
    Plane(Vec<u8>),
    /// No plane: the frame's records, rendered band by band at present.
    Bands(Bands),
}

/// What a `wasp_raster*` points to.
struct Raster {
    magic: u64,
    width: u32,
    height: u32,
    target: Target,
    /// The clip of the frame being built.
    clip: Rect,
    images: Library,
    next_id: u32,
}

impl Raster {
    fn whole(&self) -> Rect {
        Rect {
            x: 0,
            y: 0,
            w: self.width,
            h: self.height,
        }
    }

    /// The whole plane's canvas; `WASP_ERR_UNSUPPORTED` for a banded raster.
    fn canvas(&mut self) -> Result<Canvas<'_>, sys::wasp_status> {
        let Target::Plane(plane) = &mut self.target else {
            return Err(sys::WASP_ERR_UNSUPPORTED);
        };
        plane_canvas(plane, self.width, self.height)
    }

    /// The band state; `WASP_ERR_UNSUPPORTED` for a full raster.
    fn bands(&mut self) -> Result<&mut Bands, sys::wasp_status> {
        match &mut self.target {
            Target::Bands(bands) => Ok(bands),
            Target::Plane(_) => Err(sys::WASP_ERR_UNSUPPORTED),
        }
    }

    /// Ends the frame: unclipped; a banded raster drops its records and releases
    /// the images freed during the frame.
    fn end_frame(&mut self) {
        self.clip = self.whole();
        if let Target::Bands(bands) = &mut self.target {
            bands.clear();
            self.images.release_freed();
        }
    }

    /// A free id: counts up from 1, skipping 0 and ids in use.
    fn allocate_id(&mut self) -> Result<u32, sys::wasp_status> {
        if self.images.0.len() >= sys::WASP_RASTER_MAX_IMAGES as usize {
            return Err(sys::WASP_ERR_TOO_MANY_HANDLES);
        }
        loop {
            let id = self.next_id;
            self.next_id = self.next_id.wrapping_add(1);
            if id != 0 && !self.images.0.contains_key(&id) {
                return Ok(id);
            }
        }
    }
}

/// The canvas over a raster's whole plane.
fn plane_canvas(plane: &mut [u8], width: u32, height: u32) -> Result<Canvas<'_>, sys::wasp_status> {
    // The plane was allocated for exactly these sizes: cannot fail.
    Canvas::new(plane, width, height, width * 4).map_err(|_| sys::WASP_ERR_INTERNAL)
}

/// A zeroed buffer of `len` bytes, or `WASP_ERR_BUDGET_EXCEEDED`.
fn zeroed(len: u64) -> Result<Vec<u8>, sys::wasp_status> {
    let len = usize::try_from(len).map_err(|_| sys::WASP_ERR_BUDGET_EXCEEDED)?;
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| sys::WASP_ERR_BUDGET_EXCEEDED)?;
    v.resize(len, 0);
    Ok(v)
}

/// Bytes per pixel of an image format the rasteriser reads.
fn bytes_per_pixel(desc: &ImageDesc) -> Result<u64, sys::wasp_status> {
    use wasp_abi::media::PixelFormat;
    match desc.format {
        PixelFormat::Rgba8888Premul | PixelFormat::A8 | PixelFormat::Rgb565 => desc
            .format
            .bytes_per_pixel()
            .map(u64::from)
            .ok_or(sys::WASP_ERR_INVALID_ARGUMENT),
        _ => Err(sys::WASP_ERR_INVALID_ARGUMENT),
    }
}

/// Runs `f` on a live raster inside the panic guard.
fn with(
    raster: *mut sys::wasp_raster,
    f: impl FnOnce(&mut Raster) -> Result<(), sys::wasp_status>,
) -> sys::wasp_status {
    let address = raster as usize;
    if let Err(code) = RASTERS.acquire(address) {
        return code;
    }
    // SAFETY: the address is registered, so it is a `Box<Raster>` from
    // `wasp_raster_new` not yet destroyed; it is marked busy until `release`, so
    // this is the only reference.
    let r = unsafe { &mut *raster.cast::<Raster>() };
    let code = if r.magic != MAGIC {
        sys::WASP_ERR_BAD_HANDLE
    } else {
        match contain(|| f(r)) {
            Some(Ok(())) => sys::WASP_OK,
            Some(Err(code)) => code,
            None => sys::WASP_ERR_INTERNAL,
        }
    };
    RASTERS.release(address);
    code
}

/// Writes `value` to `out` (checked non-NULL by the caller).
///
/// # Safety
/// `out` is writable.
unsafe fn put<T>(out: *mut T, value: T) {
    // SAFETY: per the caller.
    unsafe { out.write(value) };
}

/// Creates a raster. See `wasp_raster.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_raster_new(
    width: u32,
    height: u32,
    out: *mut *mut sys::wasp_raster,
) -> sys::wasp_status {
    if width > MAX_SIDE || height > MAX_SIDE {
        return sys::WASP_ERR_INVALID_ARGUMENT;
    }
    // SAFETY: per this function's contract.
    unsafe {
        create(width, height, out, || {
            zeroed(u64::from(width) * u64::from(height) * 4).map(Target::Plane)
        })
    }
}

/// Makes a raster drawing into what `target` allocates and hands it out.
///
/// # Safety
/// `out` is NULL or writable.
unsafe fn create(
    width: u32,
    height: u32,
    out: *mut *mut sys::wasp_raster,
    target: impl FnOnce() -> Result<Target, sys::wasp_status>,
) -> sys::wasp_status {
    if out.is_null() {
        return sys::WASP_ERR_INVALID_ARGUMENT;
    }
    if let Err(code) = crate::platform::ready() {
        return code;
    }
    let made = contain(|| -> Result<*mut Raster, sys::wasp_status> {
        let mut raster = Box::new(Raster {
            magic: MAGIC,
            width,
            height,
            target: target()?,
            clip: Rect::default(),
            images: Library::default(),
            next_id: 1,
        });
        raster.clip = raster.whole();
        Ok(Box::into_raw(raster))
    });
    match made {
        Some(Ok(ptr)) => {
            if let Err(code) = RASTERS.insert(ptr as usize) {
                // SAFETY: `ptr` came from `Box::into_raw` above and was never shared.
                drop(unsafe { Box::from_raw(ptr) });
                return code;
            }
            // SAFETY: `out` is non-NULL and writable per the contract.
            unsafe { put(out, ptr.cast()) };
            sys::WASP_OK
        }
        Some(Err(code)) => code,
        None => sys::WASP_ERR_INTERNAL,
    }
}

/// Frees a raster. See `wasp_raster.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_raster_destroy(raster: *mut sys::wasp_raster) -> sys::wasp_status {
    if let Err(code) = RASTERS.remove(raster as usize) {
        return code;
    }
    // SAFETY: the address was registered (a `Box<Raster>` from `wasp_raster_new`)
    // and was just removed, so no other call can reach it again.
    let mut boxed = unsafe { Box::from_raw(raster.cast::<Raster>()) };
    boxed.magic = 0;
    match contain(move || drop(boxed)) {
        Some(()) => sys::WASP_OK,
        None => sys::WASP_ERR_INTERNAL,
    }
}

/// Copies an image in. See `wasp_raster.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_raster_image_create(
    raster: *mut sys::wasp_raster,
    desc: *const sys::wasp_image_desc,
    pixels: *const u8,
    len: usize,
    out_id: *mut u32,
) -> sys::wasp_status {
    if desc.is_null() || out_id.is_null() {
        return sys::WASP_ERR_INVALID_ARGUMENT;
    }
    // SAFETY: non-NULL; readable per the contract.
    let desc = unsafe { desc.read_unaligned() };
    // SAFETY: `pixels` is NULL or readable for `len` bytes.
    let pixels = match unsafe { bytes(pixels, len) } {
        Ok(p) => p,
        Err(f) => return f.code,
    };
    with(raster, |r| {
        let desc = desc.to_abi().map_err(|_| sys::WASP_ERR_INVALID_ARGUMENT)?;
        let bpp = bytes_per_pixel(&desc)?;
        let stride = u64::from(desc.stride);
        if stride < u64::from(desc.width) * bpp
            || stride * u64::from(desc.height) != pixels.len() as u64
        {
            return Err(sys::WASP_ERR_INVALID_ARGUMENT);
        }
        let id = r.allocate_id()?;
        let mut copy = zeroed(0)?;
        copy.try_reserve_exact(pixels.len())
            .map_err(|_| sys::WASP_ERR_BUDGET_EXCEEDED)?;
        copy.extend_from_slice(pixels);
        r.images.0.insert(
            id,
            Stored {
                desc,
                pixels: copy,
                freed_at: None,
            },
        );
        // SAFETY: non-NULL, writable per the contract.
        unsafe { put(out_id, id) };
        Ok(())
    })
}

/// Replaces a rectangle of an image. See `wasp_raster.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_raster_image_update(
    raster: *mut sys::wasp_raster,
    id: u32,
    rect: *const sys::wasp_rect,
    pixels: *const u8,
    len: usize,
) -> sys::wasp_status {
    if rect.is_null() {
        return sys::WASP_ERR_INVALID_ARGUMENT;
    }
    // SAFETY: non-NULL; readable per the contract.
    let rect = unsafe { rect.read_unaligned() };
    // SAFETY: `pixels` is NULL or readable for `len` bytes.
    let pixels = match unsafe { bytes(pixels, len) } {
        Ok(p) => p,
        Err(f) => return f.code,
    };
    with(raster, |r| {
        let image = r.images.live_mut(id).ok_or(sys::WASP_ERR_NOT_FOUND)?;
        let bpp = bytes_per_pixel(&image.desc)?;
        let row = u64::from(rect.w) * bpp;
        if row.checked_mul(u64::from(rect.h)) != Some(pixels.len() as u64) {
            return Err(sys::WASP_ERR_INVALID_ARGUMENT);
        }
        let inside = |at: i32, size: u32, limit: u32| {
            at >= 0 && at as u64 + u64::from(size) <= u64::from(limit)
        };
        if !inside(rect.x, rect.w, image.desc.width) || !inside(rect.y, rect.h, image.desc.height) {
            return Err(sys::WASP_ERR_OUT_OF_BOUNDS);
        }
        // Inside the image, whose bytes are `stride * height`: every index below
        // is in bounds; `get` keeps it checked anyway.
        let (row, stride) = (row as usize, image.desc.stride as usize);
        for (y, src) in (rect.y as usize..).zip(pixels.chunks_exact(row.max(1))) {
            let start = y * stride + rect.x as usize * bpp as usize;
            if let Some(dst) = image.pixels.get_mut(start..start + row) {
                dst.copy_from_slice(src);
            }
        }
        Ok(())
    })
}

/// Frees an image. See `wasp_raster.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_raster_image_free(
    raster: *mut sys::wasp_raster,
    id: u32,
) -> sys::wasp_status {
    with(raster, |r| {
        let kept = match &r.target {
            Target::Bands(bands) => bands.kept(),
            Target::Plane(_) => 0,
        };
        let image = r.images.live_mut(id).ok_or(sys::WASP_ERR_NOT_FOUND)?;
        // A full raster has drawn every list already; so has a banded one whose
        // frame keeps no records.
        image.freed_at = Some(kept);
        if kept == 0 {
            r.images.release_freed();
        }
        Ok(())
    })
}

/// Draws a list of records. See `wasp_raster.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_raster_draw(
    raster: *mut sys::wasp_raster,
    records: *const u8,
    len: usize,
    out_commands: *mut u32,
) -> sys::wasp_status {
    // SAFETY: `records` is NULL or readable for `len` bytes.
    let list = match unsafe { bytes(records, len) } {
        Ok(l) => l,
        Err(f) => return f.code,
    };
    with(raster, |r| {
        let count = match &mut r.target {
            Target::Bands(bands) => bands.keep(r.width, r.height, list, &r.images)?,
            Target::Plane(plane) => {
                let mut canvas = plane_canvas(plane, r.width, r.height)?;
                canvas.set_clip(&r.clip);
                let count = render_list(&mut canvas, list, &r.images)
                    .map_err(|_| sys::WASP_ERR_INVALID_ARGUMENT)?;
                r.clip = canvas.clip();
                count
            }
        };
        if !out_commands.is_null() {
            // SAFETY: non-NULL, writable per the contract.
            unsafe { put(out_commands, u32::try_from(count).unwrap_or(u32::MAX)) };
        }
        Ok(())
    })
}

/// Ends the frame. See `wasp_raster.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_raster_end_frame(raster: *mut sys::wasp_raster) -> sys::wasp_status {
    with(raster, |r| {
        r.end_frame();
        Ok(())
    })
}

/// The plane's pixels. See `wasp_raster.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_raster_plane(
    raster: *mut sys::wasp_raster,
    out_pixels: *mut *const u8,
    out_len: *mut usize,
) -> sys::wasp_status {
    if out_pixels.is_null() || out_len.is_null() {
        return sys::WASP_ERR_INVALID_ARGUMENT;
    }
    with(raster, |r| {
        let Target::Plane(plane) = &r.target else {
            return Err(sys::WASP_ERR_UNSUPPORTED);
        };
        // SAFETY: both non-NULL, writable per the contract; the plane lives in
        // the raster's heap until it is destroyed.
        unsafe {
            put(out_pixels, plane.as_ptr());
            put(out_len, plane.len());
        }
        Ok(())
    })
}

/// The plane's size. See `wasp_raster.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_raster_size(
    raster: *mut sys::wasp_raster,
    out_width: *mut u32,
    out_height: *mut u32,
) -> sys::wasp_status {
    if out_width.is_null() || out_height.is_null() {
        return sys::WASP_ERR_INVALID_ARGUMENT;
    }
    with(raster, |r| {
        // SAFETY: both non-NULL, writable per the contract.
        unsafe {
            put(out_width, r.width);
            put(out_height, r.height);
        }
        Ok(())
    })
}

/// Composes video and plane. See `wasp_raster.h`.
///
/// # Safety
/// See the module documentation.
#[no_mangle]
pub unsafe extern "C" fn wasp_raster_compose(
    raster: *mut sys::wasp_raster,
    video: *const sys::wasp_video_frame,
    format: u32,
    out: *mut u8,
    cap: usize,
) -> sys::wasp_status {
    let format = match format {
        sys::WASP_RASTER_RGB888 => OutputFormat::Rgb888,
        sys::WASP_RASTER_RGBA8888 => OutputFormat::Rgba8888,
        _ => return sys::WASP_ERR_INVALID_ARGUMENT,
    };
    if out.is_null() && cap > 0 || cap > isize::MAX as usize {
        return sys::WASP_ERR_INVALID_ARGUMENT;
    }
    let frame = if video.is_null() {
        None
    } else {
        // SAFETY: non-NULL; readable per the contract.
        let v = unsafe { video.read_unaligned() };
        // SAFETY: each plane pointer is NULL or readable for its length.
        let planes = unsafe {
            (
                bytes(v.y, v.y_len),
                bytes(v.u, v.u_len),
                bytes(v.v, v.v_len),
            )
        };
        let (Ok(y), Ok(u), Ok(vv)) = planes else {
            return sys::WASP_ERR_INVALID_ARGUMENT;
        };
        Some(VideoFrame {
            y,
            u,
            v: vv,
            width: v.width,
            height: v.height,
            y_stride: v.y_stride,
            uv_stride: v.uv_stride,
        })
    };
    let out: &mut [u8] = if cap == 0 {
        &mut []
    } else {
        // SAFETY: non-NULL, at most isize::MAX, writable for `cap` bytes per the
        // contract.
        unsafe { core::slice::from_raw_parts_mut(out, cap) }
    };
    with(raster, |r| {
        let canvas = r.canvas()?;
        compose(frame.as_ref(), &canvas, out, format).map_err(|e| match e {
            wasp_raster::ComposeError::OutputTooShort => sys::WASP_ERR_BUDGET_EXCEEDED,
            wasp_raster::ComposeError::BadVideo => sys::WASP_ERR_INVALID_ARGUMENT,
        })
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
mod tests {
    use super::*;
    use wasp_abi::gfx::{op, rgba, FillRect};
    use wasp_abi::wire::put_record;

    fn new_raster(w: u32, h: u32) -> *mut sys::wasp_raster {
        let mut r = core::ptr::null_mut();
        // SAFETY: `r` is writable.
        assert_eq!(unsafe { wasp_raster_new(w, h, &mut r) }, sys::WASP_OK);
        r
    }

    #[test]
    fn a_fill_then_compose_gives_the_reference_pixels() {
        let r = new_raster(4, 2);
        let mut bytes = [0u8; 64];
        let mut pos = 0;
        assert!(put_record(
            &mut bytes,
            &mut pos,
            op::CLEAR,
            &0u32.to_le_bytes()
        ));
        let fill = FillRect {
            rect: Rect {
                x: 1,
                y: 0,
                w: 2,
                h: 1,
            },
            color: rgba(255, 0, 0, 128),
        };
        assert!(put_record(
            &mut bytes,
            &mut pos,
            op::FILL_RECT,
            &fill.to_bytes()
        ));
        let bytes = &bytes[..pos];
        let mut n = 0;
        // SAFETY: valid buffers.
        unsafe {
            assert_eq!(
                wasp_raster_draw(r, bytes.as_ptr(), bytes.len(), &mut n),
                sys::WASP_OK
            );
        }
        assert_eq!(n, 2);
        let mut out = [9u8; 4 * 2 * 3];
        // SAFETY: valid buffers.
        unsafe {
            assert_eq!(
                wasp_raster_compose(
                    r,
                    core::ptr::null(),
                    sys::WASP_RASTER_RGB888,
                    out.as_mut_ptr(),
                    out.len()
                ),
                sys::WASP_OK
            );
        }
        // rgba(255, 0, 0, 128) is (128, 0, 0, 128); over black it is (128, 0, 0).
        assert_eq!(&out[..12], &[0, 0, 0, 128, 0, 0, 128, 0, 0, 0, 0, 0]);
        // SAFETY: live handle.
        unsafe {
            assert_eq!(wasp_raster_destroy(r), sys::WASP_OK);
            assert_eq!(wasp_raster_destroy(r), sys::WASP_ERR_BAD_HANDLE);
        }
    }
}
