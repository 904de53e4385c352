//! Graphics-plane imports: images, draw lists, present.

use core::mem::take;
use wasmi::Caller;
use wasp_abi::gfx::{ImageDesc, Rect};
use wasp_abi::media::PixelFormat;
use wasp_abi::Status;

use crate::draw::{check, checked, ImageEntry};
use crate::host::{call, Host};
use crate::port::Port;

/// Largest image side in pixels.
const MAX_SIDE: u32 = 8192;

fn bytes_per_pixel(format: PixelFormat) -> Result<u32, Status> {
    match format {
        PixelFormat::Rgba8888Premul | PixelFormat::A8 => {
            format.bytes_per_pixel().ok_or(Status::Internal)
        }
        _ => Err(Status::Unsupported),
    }
}

pub fn gfx_image_create<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    desc: i32,
    desc_len: i32,
    pixels: i32,
    pixels_len: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let d: ImageDesc = m.read(desc, desc_len)?;
        let bpp = bytes_per_pixel(d.format)?;
        if d.width == 0
            || d.height == 0
            || d.width > MAX_SIDE
            || d.height > MAX_SIDE
            || d.stride < d.width * bpp
        {
            return Err(Status::InvalidArgument);
        }
        let expected = u64::from(d.stride) * u64::from(d.height);
        let pixels = m.bytes(pixels, pixels_len)?;
        if pixels.len() as u64 != expected {
            return Err(Status::InvalidArgument);
        }
        let cost = (d.width * d.height * bpp) as usize;
        if h.image_bytes.saturating_add(cost) > h.limits.image_bytes {
            return Err(Status::BudgetExceeded);
        }
        if h.images.len() >= h.limits.max_images {
            return Err(Status::TooManyHandles);
        }
        let id = h.port.image_create(&d, pixels)?;
        let handle = h
            .images
            .insert(ImageEntry {
                id,
                desc: d,
                bytes: cost,
            })
            .inspect_err(|_| h.port.image_free(id))?;
        h.image_bytes += cost;
        Ok(handle as i32)
    })
}

pub fn gfx_image_update<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    image: i32,
    rect: i32,
    rect_len: i32,
    pixels: i32,
    pixels_len: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let entry = h.images.get(image as u32)?;
        let (id, d) = (entry.id, entry.desc);
        let r: Rect = m.read(rect, rect_len)?;
        let fits = |pos: i32, len: u32, size: u32| {
            pos >= 0 && pos as u64 + u64::from(len) <= u64::from(size)
        };
        if r.w == 0 || r.h == 0 || !fits(r.x, r.w, d.width) || !fits(r.y, r.h, d.height) {
            return Err(Status::InvalidArgument);
        }
        let expected = u64::from(r.w) * u64::from(r.h) * u64::from(bytes_per_pixel(d.format)?);
        let pixels = m.bytes(pixels, pixels_len)?;
        if pixels.len() as u64 != expected {
            return Err(Status::InvalidArgument);
        }
        h.port.image_update(id, &r, pixels);
        Ok(0)
    })
}

pub fn gfx_image_free<P: Port + 'static>(mut c: Caller<'_, Host<P>>, image: i32) -> i32 {
    call(&mut c, |_, h| {
        let entry = h.images.remove(image as u32)?;
        h.image_bytes -= entry.bytes;
        h.port.image_free(entry.id);
        Ok(0)
    })
}

pub fn gfx_draw<P: Port + 'static>(mut c: Caller<'_, Host<P>>, list: i32, len: i32) -> i32 {
    call(&mut c, |m, h| {
        if len as u32 as usize > h.limits.max_draw_bytes {
            return Err(Status::InvalidArgument);
        }
        let list = m.bytes(list, len)?;
        let mut out = take(&mut h.draw_list);
        let result = check(list, &h.images, &mut out);
        if let Ok(n) = result {
            if n > 0 {
                h.port.draw(&checked(&out));
            }
        }
        h.draw_list = out;
        result.map(|n| n as i32)
    })
}

pub fn gfx_present<P: Port + 'static>(mut c: Caller<'_, Host<P>>) -> i32 {
    call(&mut c, |_, h| {
        h.port.present();
        Ok(0)
    })
}
