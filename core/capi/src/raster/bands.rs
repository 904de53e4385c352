//! Banded rasters (`wasp_raster_new_banded`): no plane, the frame's draw lists kept
//! in a record buffer of fixed size, rendered into one band buffer a band at a time
//! when the port presents (`wasp_raster_present_bands`).
//!
//! Exactness rests on [`Canvas::band`]: a band canvas changes its rows exactly as a
//! whole-plane canvas changes the same rows, with the plane's coordinates and clip.
//! Each band starts transparent and replays every list of the frame in order on one
//! canvas, so the clip carries from list to list as it does on a plane
//! (docs/raster.md, "The clip").
//!
//! Record buffer layout: for each kept list, its length as a little-endian `u32`
//! (`WASP_RASTER_RECORD_OVERHEAD` bytes), then its bytes.

use alloc::vec::Vec;

use wasp_raster::{render_list, Canvas, Image, Images};

use super::{create, put, with, zeroed, Library, Target, MAX_SIDE};
use crate::sys;

/// Bytes of the length before each kept list.
const OVERHEAD: usize = sys::WASP_RASTER_RECORD_OVERHEAD as usize;

/// The band state of a banded raster.
pub(super) struct Bands {
    /// Rows per band.
    rows: u32,
    /// `rows` rows of `width * 4` bytes.
    band: Vec<u8>,
    /// The frame's kept lists; its capacity is the budget and never grows.
    records: Vec<u8>,
    /// The most bytes `records` has held.
    high_water: usize,
}

/// The images as the list kept at `offset` saw them: those freed after it was
/// drawn still resolve.
struct Before<'a> {
    library: &'a Library,
    offset: usize,
}

impl Images for Before<'_> {
    fn image(&self, id: u32) -> Option<Image<'_>> {
        self.library
            .0
            .get(&id)
            .filter(|s| s.freed_at.is_none_or(|at| at > self.offset))
            .map(|s| Image {
                desc: s.desc,
                pixels: &s.pixels,
            })
    }
}

/// The kept lists of `records` with the offset each starts at. A length that does
/// not fit (never written so) ends the walk.
fn lists(records: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut at = 0;
    core::iter::from_fn(move || {
        let head = records.get(at..at + OVERHEAD)?;
        let mut len = [0u8; OVERHEAD];
        len.copy_from_slice(head);
        let start = at;
        let body = at + OVERHEAD;
        let list = records.get(body..body + u32::from_le_bytes(len) as usize)?;
        at = body + list.len();
        Some((start, list))
    })
}

impl Bands {
    /// Bytes of records the frame keeps.
    pub(super) fn kept(&self) -> usize {
        self.records.len()
    }

    /// Drops the frame's records.
    pub(super) fn clear(&mut self) {
        self.records.clear();
    }

    /// Checks `list` as a plane's draw would and keeps it; returns its command count.
    pub(super) fn keep(
        &mut self,
        width: u32,
        height: u32,
        list: &[u8],
        images: &Library,
    ) -> Result<usize, sys::wasp_status> {
        // A band of no rows: the list is decoded whole (a malformed record refuses
        // it) and its commands counted, no pixel touched.
        let mut none = [0u8; 0];
        let mut canvas = Canvas::band(&mut none, width, height, width * 4, 0, 0)
            .map_err(|_| sys::WASP_ERR_INTERNAL)?;
        let count =
            render_list(&mut canvas, list, images).map_err(|_| sys::WASP_ERR_INVALID_ARGUMENT)?;
        if list.is_empty() {
            return Ok(count);
        }
        let len = u32::try_from(list.len()).map_err(|_| sys::WASP_ERR_BUDGET_EXCEEDED)?;
        let room = self.records.capacity() - self.records.len();
        if list
            .len()
            .checked_add(OVERHEAD)
            .is_none_or(|need| need > room)
        {
            return Err(sys::WASP_ERR_BUDGET_EXCEEDED);
        }
        // Within the capacity reserved at creation: no allocation.
        self.records.extend_from_slice(&len.to_le_bytes());
        self.records.extend_from_slice(list);
        self.high_water = self.high_water.max(self.records.len());
        Ok(count)
    }

    /// Renders the frame band by band, top to bottom, handing each to `hand`; stops
    /// at the first status other than `WASP_OK`, which it returns.
    fn present(
        &mut self,
        width: u32,
        height: u32,
        images: &Library,
        mut hand: impl FnMut(u32, u32, &mut [u8]) -> sys::wasp_status,
    ) -> Result<(), sys::wasp_status> {
        let row_bytes = width as usize * 4;
        let mut y0 = 0;
        while y0 < height {
            let rows = self.rows.min(height - y0);
            let band = self
                .band
                .get_mut(..rows as usize * row_bytes)
                .ok_or(sys::WASP_ERR_INTERNAL)?;
            band.fill(0);
            let mut canvas = Canvas::band(band, width, height, width * 4, y0, rows)
                .map_err(|_| sys::WASP_ERR_INTERNAL)?;
            for (offset, list) in lists(&self.records) {
                let images = Before {
                    library: images,
                    offset,
                };
                // Checked when kept: cannot be refused here.
                let _ = render_list(&mut canvas, list, &images);
            }
            let code = hand(y0, rows, band);
            if code != sys::WASP_OK {
                return Err(code);
            }
            y0 += rows;
        }
        Ok(())
    }
}

/// Creates a banded raster. See `wasp_raster.h`.
///
/// # Safety
/// See the module documentation of [`super`].
#[no_mangle]
pub unsafe extern "C" fn wasp_raster_new_banded(
    width: u32,
    height: u32,
    band_rows: u32,
    record_bytes: usize,
    out: *mut *mut sys::wasp_raster,
) -> sys::wasp_status {
    let sides = 1..=MAX_SIDE;
    if !sides.contains(&width)
        || !sides.contains(&height)
        || !(1..=height).contains(&band_rows)
        || !(1..=sys::WASP_RASTER_MAX_RECORD_BYTES as usize).contains(&record_bytes)
    {
        return sys::WASP_ERR_INVALID_ARGUMENT;
    }
    // SAFETY: per this function's contract.
    unsafe {
        create(width, height, out, || {
            let band = zeroed(u64::from(width) * u64::from(band_rows) * 4)?;
            let mut records = Vec::new();
            records
                .try_reserve_exact(record_bytes)
                .map_err(|_| sys::WASP_ERR_BUDGET_EXCEEDED)?;
            Ok(Target::Bands(Bands {
                rows: band_rows,
                band,
                records,
                high_water: 0,
            }))
        })
    }
}

/// Renders and hands out a banded raster's frame. See `wasp_raster.h`.
///
/// # Safety
/// See the module documentation of [`super`]; `band`, when not NULL, is callable
/// with `user` as `wasp_raster.h` states.
#[no_mangle]
pub unsafe extern "C" fn wasp_raster_present_bands(
    raster: *mut sys::wasp_raster,
    band: sys::wasp_raster_band_fn,
    user: *mut core::ffi::c_void,
) -> sys::wasp_status {
    let Some(band) = band else {
        return sys::WASP_ERR_INVALID_ARGUMENT;
    };
    with(raster, |r| {
        let (width, height) = (r.width, r.height);
        let Target::Bands(bands) = &mut r.target else {
            return Err(sys::WASP_ERR_UNSUPPORTED);
        };
        let shown = bands.present(width, height, &r.images, |y0, rows, pixels| {
            // SAFETY: the port's callback, with its own `user`; `pixels` is the band
            // buffer, writable for `rows * width * 4` bytes for the call.
            unsafe { band(user, y0, rows, pixels.as_mut_ptr(), width as usize * 4) }
        });
        r.end_frame();
        shown
    })
}

/// The record high-water of a banded raster. See `wasp_raster.h`.
///
/// # Safety
/// See the module documentation of [`super`].
#[no_mangle]
pub unsafe extern "C" fn wasp_raster_records_high_water(
    raster: *mut sys::wasp_raster,
    out_bytes: *mut usize,
) -> sys::wasp_status {
    if out_bytes.is_null() {
        return sys::WASP_ERR_INVALID_ARGUMENT;
    }
    with(raster, |r| {
        let high_water = r.bands()?.high_water;
        // SAFETY: non-NULL, writable per the contract.
        unsafe { put(out_bytes, high_water) };
        Ok(())
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code
mod tests {
    use super::*;

    #[test]
    fn kept_lists_walk_back_in_order_with_their_offsets() {
        let mut records = Vec::new();
        for list in [&b"abc"[..], b"", b"de"] {
            records.extend_from_slice(&(list.len() as u32).to_le_bytes());
            records.extend_from_slice(list);
        }
        let walked: Vec<(usize, &[u8])> = lists(&records).collect();
        assert_eq!(walked, [(0, &b"abc"[..]), (7, b""), (11, b"de")]);
        // A length running past the end stops the walk.
        records.extend_from_slice(&9u32.to_le_bytes());
        assert_eq!(lists(&records).count(), 3);
    }
}
