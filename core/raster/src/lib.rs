//! The reference rasteriser of the wasp graphics plane.
//!
//! A player module draws its UI as draw lists (`gfx_draw`, [`wasp_abi::gfx`]) onto a
//! graphics plane that the device shows over the video plane. The draw list's meaning
//! is exact, and this crate is that meaning in code: a software port renders with it
//! and so shows the same pixels as every other port; a port that draws with its own
//! hardware is compared against it. `docs/raster.md` states every rule for such ports.
//!
//! Layers, top to bottom:
//!
//! * [`render`] / [`render_list`]: a draw list executed in order on a [`Canvas`],
//!   images looked up through [`Images`];
//! * [`Canvas`]: the plane (RGBA8888 premultiplied) with its clip, and one method per
//!   command ([`Canvas::clear`], [`Canvas::fill_rect`], [`Canvas::draw_image`],
//!   [`Canvas::draw_glyphs`], [`Canvas::set_clip`], [`Canvas::reset_clip`]);
//! * the arithmetic: [`source_index`] (nearest-neighbour sampling), [`tint`],
//!   [`blend`], [`div255`];
//! * [`compose`]: the display picture, I420 video ([`yuv_to_rgb`], BT.709) under the
//!   plane.
//!
//! ```
//! use wasp_abi::gfx::{rgba, Rect};
//! use wasp_raster::{Canvas, Image};
//!
//! let mut plane = [255u8; 4 * 4 * 4]; // 4x4, opaque white
//! let mut canvas = Canvas::new(&mut plane, 4, 4, 16).unwrap();
//! // Half-transparent black over white: 0 + round(255 * 127 / 255) = 127.
//! canvas.fill_rect(&Rect { x: -1, y: -1, w: 2, h: 2 }, rgba(0, 0, 0, 128));
//! assert_eq!(canvas.pixel(0, 0), Some([127, 127, 127, 255]));
//! assert_eq!(canvas.pixel(1, 1), Some([255; 4]));
//!
//! // A port renders a checked list: `render(&mut canvas, list.commands(), &images)`.
//! let images: [Image<'_>; 0] = [];
//! let drawn = wasp_raster::render(&mut canvas, [], &images);
//! assert_eq!(drawn, 0);
//! ```
//!
//! Promise: once a [`Canvas`] is built, no input makes any function here panic, and
//! each command's work is bounded by the pixels of its clipped destination.
//! Integer-only and `no_std` without allocation, so every target computes the same
//! bytes.
#![no_std]
#![deny(unsafe_code)]

#[cfg(test)]
extern crate std;

mod canvas;
mod compose;
mod draw;
mod image;
mod pixel;
mod sample;

pub use canvas::{Canvas, CanvasError};
pub use compose::{compose, yuv_to_rgb, ComposeError, OutputFormat, VideoFrame};
pub use draw::{render, render_list};
pub use image::{Image, Images};
pub use pixel::{blend, div255, mul, rgb565, tint, Pixel};
pub use sample::source_index;
