//! The draw commands: what each does to the canvas.
//!
//! Every command is clipped to the current clip, which lies inside the plane, so a
//! command touches at most every pixel of the plane once (a glyph run, once per
//! quad) whatever its coordinates. Rectangles are computed in `i64`, where no `i32`
//! position plus `u32` size overflows.

use wasp_abi::gfx::{draw_commands, glyph_quads, Color, DrawCommand, Rect};
use wasp_abi::Status;

use crate::canvas::{Area, Canvas};
use crate::image::{Format, Image, Images, Read, Rgb565, Rgba, Source, A8};
use crate::pixel::{blend_into, tint, Pixel};
use crate::sample::{inside, Stepper};

impl Canvas<'_> {
    /// `op::CLEAR`: every pixel of the clip becomes `color`, replacing (not
    /// blending) what was there. Outside the clip nothing changes.
    pub fn clear(&mut self, color: Color) {
        let area = self.clip_area();
        self.fill(area, color.to_le_bytes());
    }

    /// `op::FILL_RECT`: blends `color` over every pixel of `rect` inside the clip.
    pub fn fill_rect(&mut self, rect: &Rect, color: Color) {
        let c = color.to_le_bytes();
        let area = self.clip_area().intersect(&Area::of(rect));
        match c[3] {
            // Opaque: blending replaces.
            255 => self.fill(area, c),
            // Transparent black: blending keeps.
            0 if c == [0; 4] => {}
            _ => {
                for y in area.y0..area.y1 {
                    for d in self.span_mut(y, area.x0, area.x1).unwrap_or_default() {
                        blend_into(d, c);
                    }
                }
            }
        }
    }

    fn fill(&mut self, area: Area, c: Pixel) {
        for y in area.y0..area.y1 {
            self.span_mut(y, area.x0, area.x1)
                .unwrap_or_default()
                .fill(c);
        }
    }

    /// `op::IMAGE`: draws the `src` part of `image` onto `dst`, scaled
    /// nearest-neighbour ([`crate::source_index`] in each axis), each sample multiplied
    /// by `tint` ([`crate::tint`]) and blended ([`crate::blend`]), inside the clip.
    ///
    /// A `src` reaching outside the image keeps its scale: the samples that fall
    /// outside are transparent (nothing is drawn there). An empty `src` or `dst`, or
    /// an image that cannot be drawn ([`Image::pixel`]), draws nothing.
    pub fn draw_image(&mut self, image: &Image<'_>, src: &Rect, dst: &Rect, tint: Color) {
        if let Some(source) = Source::new(image) {
            self.draw_source(&source, src, dst, tint.to_le_bytes());
        }
    }

    /// `op::GLYPHS`: each quad is its atlas cell drawn unscaled at `(dx, dy)`, tinted
    /// by `color`: exactly [`Canvas::draw_image`] with `src = (sx, sy, w, h)`,
    /// `dst = (dx, dy, w, h)`. With an A8 atlas a cell's coverage `k` gives
    /// `color * k / 255` per channel.
    pub fn draw_glyphs(&mut self, atlas: &Image<'_>, color: Color, quads: &[u8]) {
        let Some(source) = Source::new(atlas) else {
            return;
        };
        for q in glyph_quads(quads) {
            let (w, h) = (u32::from(q.w), u32::from(q.h));
            let src = Rect {
                x: q.sx.into(),
                y: q.sy.into(),
                w,
                h,
            };
            let dst = Rect {
                x: q.dx,
                y: q.dy,
                w,
                h,
            };
            self.draw_source(&source, &src, &dst, color.to_le_bytes());
        }
    }

    /// Executes one command; a command naming an image `images` does not have draws
    /// nothing.
    pub fn execute<I: Images + ?Sized>(&mut self, command: &DrawCommand<'_>, images: &I) {
        match command {
            DrawCommand::Clear(c) => self.clear(c.color),
            DrawCommand::FillRect(f) => self.fill_rect(&f.rect, f.color),
            DrawCommand::Image(d) => {
                if let Some(image) = images.image(d.image) {
                    self.draw_image(&image, &d.src, &d.dst, d.tint);
                }
            }
            DrawCommand::Glyphs(g, quads) => {
                if let Some(atlas) = images.image(g.image) {
                    self.draw_glyphs(&atlas, g.color, quads);
                }
            }
            DrawCommand::Clip(rect) => self.set_clip(rect),
            DrawCommand::ResetClip => self.reset_clip(),
        }
    }

    fn draw_source(&mut self, source: &Source<'_>, src: &Rect, dst: &Rect, t: Pixel) {
        // One loop per format and tint kind, so reads and tints are inlined, not
        // matched per pixel.
        match (source.format, t == [255; 4]) {
            (Format::Rgba, true) => self.blit::<Rgba, true>(source, src, dst, t),
            (Format::Rgba, false) => self.blit::<Rgba, false>(source, src, dst, t),
            (Format::A8, true) => self.blit::<A8, true>(source, src, dst, t),
            (Format::A8, false) => self.blit::<A8, false>(source, src, dst, t),
            (Format::Rgb565, true) => self.blit::<Rgb565, true>(source, src, dst, t),
            (Format::Rgb565, false) => self.blit::<Rgb565, false>(source, src, dst, t),
        }
    }

    fn blit<R: Read, const WHITE: bool>(
        &mut self,
        source: &Source<'_>,
        src: &Rect,
        dst: &Rect,
        t: Pixel,
    ) {
        let area = self.clip_area().intersect(&Area::of(dst));
        if src.w == 0 || src.h == 0 || area.is_empty() {
            return;
        }
        let (dx, dy) = (i64::from(dst.x), i64::from(dst.y));
        let (sx, sy) = (i64::from(src.x), i64::from(src.y));
        // The visible pixels' indices inside `dst` (area lies inside dst: all in
        // 0..dst.w and 0..dst.h), narrowed to those whose samples are in the image.
        let (x0, x1) = (area.x0 - dx, area.x1 - dx);
        let (y0, y1) = (area.y0 - dy, area.y1 - dy);
        let (i0, i1) = inside(
            x0.unsigned_abs(),
            x1.unsigned_abs(),
            sx,
            src.w,
            dst.w,
            source.width(),
        );
        let (j0, j1) = inside(
            y0.unsigned_abs(),
            y1.unsigned_abs(),
            sy,
            src.h,
            dst.h,
            source.height(),
        );
        if i0 >= i1 {
            return;
        }
        // i0..i1 and j0..j1 are below 2^32: the i64 sums below cannot overflow.
        let (i0, i1, j0, j1) = (i0 as i64, i1 as i64, j0 as i64, j1 as i64);
        let columns = Stepper::new(i0.unsigned_abs(), src.w, dst.w);
        let mut rows = Stepper::new(j0.unsigned_abs(), src.h, dst.h);
        let unscaled = src.w == dst.w;
        let pixel = |p: Pixel| if WHITE { p } else { tint(p, t) };
        for j in j0..j1 {
            let row = source.row(sy + rows.get() as i64);
            rows.advance();
            let (Some(row), Some(span)) = (row, self.span_mut(dy + j, dx + i0, dx + i1)) else {
                continue;
            };
            if unscaled {
                // Source columns sx + i0.. follow one another: walk both rows together.
                let start = usize::try_from(sx + i0)
                    .unwrap_or(usize::MAX)
                    .saturating_mul(R::BPP);
                let bytes = row.get(start..).unwrap_or_default();
                for (d, s) in span.iter_mut().zip(bytes.chunks_exact(R::BPP)) {
                    blend_into(d, pixel(R::read(s)));
                }
            } else {
                let mut xs = columns;
                for d in span {
                    // In 0..width by `inside`.
                    let x = (sx + xs.get() as i64) as usize;
                    xs.advance();
                    if let Some(p) = R::at(row, x) {
                        blend_into(d, pixel(p));
                    }
                }
            }
        }
    }
}

/// Executes `commands` in order on `canvas` (the clip carries from one command to
/// the next and stays set afterwards); returns how many there were.
///
/// Every command is safe to execute whatever its values: coordinates and sizes are
/// clipped, missing images draw nothing, nothing panics.
pub fn render<'c, I: Images + ?Sized>(
    canvas: &mut Canvas<'_>,
    commands: impl IntoIterator<Item = DrawCommand<'c>>,
    images: &I,
) -> usize {
    let mut count = 0;
    for command in commands {
        canvas.execute(&command, images);
        count += 1;
    }
    count
}

/// Decodes a draw list (TLV records, `gfx_draw`'s bytes) and, if every record
/// decodes, renders it; unknown opcodes are skipped. Returns the number of commands.
///
/// # Errors
/// [`Status::InvalidArgument`] when a record is malformed; then nothing is drawn (as
/// `gfx_draw` checks the whole list before drawing any of it).
pub fn render_list<I: Images + ?Sized>(
    canvas: &mut Canvas<'_>,
    list: &[u8],
    images: &I,
) -> Result<usize, Status> {
    for command in draw_commands(list) {
        command?;
    }
    Ok(render(
        canvas,
        draw_commands(list).filter_map(Result::ok),
        images,
    ))
}
