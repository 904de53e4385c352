#!/usr/bin/env python3
"""An independent model of docs/raster.md, written pixel by pixel from the text:
draws the golden scenes of commands.rs and compose.rs and prints their md5s (paste
into their GOLDEN constants).

    python3 core/raster/tests/golden.py
"""
import hashlib

W, H = 16, 12


def div255(x):
    return (x + 127) // 255  # round to nearest; x / 255 is never a half


def premul(r, g, b, a):
    return [(c * a + 127) // 255 for c in (r, g, b)] + [a]


def blend(d, s):
    return [min(255, s[i] + div255(d[i] * (255 - s[3]))) for i in range(4)]


def tint(p, t):
    return [div255(p[i] * t[i]) for i in range(4)]


def sample(i, src_len, dst_len):
    return (2 * i + 1) * src_len // (2 * dst_len)


def rgb565(v):
    r, g, b = (v >> 11) & 31, (v >> 5) & 63, v & 31
    return [(r << 3) | (r >> 2), (g << 2) | (g >> 4), (b << 3) | (b >> 2), 255]


def image_rgba(x, y):
    a = (37 * x + 91 * y + 50) & 255
    return [min(40 * x, a), min(60 * y, a), min(25 * (x + y), a), a]


def image_a8(x, y):
    k = (x * 50 + y * 30) & 255
    return [k, k, k, k]


def image_565(x, y):
    return rgb565((x * 1234 + y * 4321 + 777) & 0xFFFF)


IMAGES = [(5, 4, image_rgba), (8, 8, image_a8), (6, 5, image_565)]
WHITE = [255, 255, 255, 255]


class Canvas:
    def __init__(self, base):
        self.px = [[list(base) for _ in range(W)] for _ in range(H)]
        self.reset_clip()

    def reset_clip(self):
        self.clip = (0, 0, W, H)

    def set_clip(self, x, y, w, h):
        self.clip = (max(0, x), max(0, y), min(W, x + w), min(H, y + h))

    def pixels(self, x, y, w, h):
        x0, y0, x1, y1 = self.clip
        for py in range(max(y0, y), min(y1, y + h)):
            for px in range(max(x0, x), min(x1, x + w)):
                yield px, py

    def clear(self, c):
        x0, y0, x1, y1 = self.clip
        for px, py in self.pixels(x0, y0, x1 - x0, y1 - y0):
            self.px[py][px] = list(c)

    def fill(self, r, c):
        for px, py in self.pixels(*r):
            self.px[py][px] = blend(self.px[py][px], c)

    def image(self, n, src, dst, t):
        iw, ih, f = IMAGES[n]
        sx, sy, sw, sh = src
        dx, dy, dw, dh = dst
        if sw == 0 or sh == 0:
            return
        for px, py in self.pixels(*dst):
            x = sx + sample(px - dx, sw, dw)
            y = sy + sample(py - dy, sh, dh)
            if 0 <= x < iw and 0 <= y < ih:
                self.px[py][px] = blend(self.px[py][px], tint(f(x, y), t))

    def glyphs(self, n, c, quads):
        for sx, sy, w, h, dx, dy in quads:
            self.image(n, (sx, sy, w, h), (dx, dy, w, h), c)

    def md5(self):
        return hashlib.md5(bytes(b for row in self.px for p in row for b in p)).hexdigest()


def scenes():
    c = Canvas([30, 30, 30, 255])
    c.clear([20, 40, 60, 255]); c.set_clip(4, -3, 9, 8); c.clear([0, 0, 0, 0]); c.reset_clip()
    c.set_clip(10, 9, 100, 100); c.clear(premul(10, 200, 30, 77))
    yield "clear", c
    c = Canvas([30, 30, 30, 255])
    c.fill((-3, -2, 9, 7), premul(200, 30, 40, 180)); c.fill((4, 3, 20, 4), premul(20, 130, 240, 90))
    c.fill((1, 8, 3, 3), WHITE); c.fill((12, 1, 0, 5), [255, 0, 0, 255]); c.fill((9, 0, 5, 12), premul(0, 0, 0, 1))
    yield "fill_rect", c
    c = Canvas([30, 30, 30, 255])
    c.image(0, (0, 0, 5, 4), (-2, 3, 11, 7), WHITE); c.image(0, (1, 1, 3, 3), (9, 0, 7, 5), premul(255, 128, 64, 200))
    c.image(0, (0, 0, 5, 4), (10, 6, 3, 2), premul(0, 255, 255, 255))
    yield "image_rgba", c
    c = Canvas([30, 30, 30, 255])
    c.image(1, (0, 0, 8, 8), (0, 0, 16, 12), premul(255, 200, 0, 255)); c.image(1, (2, 1, 5, 6), (3, 4, 3, 4), premul(10, 20, 250, 128))
    yield "image_a8", c
    c = Canvas([30, 30, 30, 255])
    c.image(2, (0, 0, 6, 5), (1, 1, 13, 10), WHITE); c.image(2, (0, 0, 6, 5), (0, 0, 4, 3), premul(255, 255, 255, 100))
    c.image(2, (-2, -1, 9, 7), (12, 7, 4, 5), WHITE)
    yield "image_rgb565", c
    c = Canvas([30, 30, 30, 255])
    c.glyphs(1, premul(250, 250, 250, 255), [(0, 0, 3, 5, 1, 1), (3, 0, 4, 5, 4, 1), (1, 2, 7, 6, 10, 7), (0, 0, 8, 8, -4, 8)])
    c.glyphs(0, premul(255, 255, 255, 128), [(0, 0, 5, 4, 12, -1)])
    yield "glyphs", c
    c = Canvas([30, 30, 30, 255])
    c.set_clip(2, 2, 8, 6); c.fill((0, 0, 16, 12), premul(255, 0, 0, 100)); c.set_clip(6, 5, 100, 3)
    c.image(0, (0, 0, 5, 4), (0, 0, 16, 12), WHITE); c.reset_clip(); c.fill((0, 10, 16, 2), premul(0, 255, 0, 60))
    yield "clip", c


def yuv_to_rgb(y, u, v):
    c, d, e = y - 16, u - 128, v - 128
    clamp = lambda x: max(0, min(255, x))
    return [clamp((76309 * c + 117489 * e + 32768) >> 16),
            clamp((76309 * c - 13975 * d - 34925 * e + 32768) >> 16),
            clamp((76309 * c + 138438 * d + 32768) >> 16)]


def compose_golden():
    """compose.rs `video_and_ui_golden`: 4x4 I420 quadrants under a 16x12 plane."""
    cells = [[(63, 102, 240), (173, 42, 26)], [(32, 240, 118), (235, 128, 128)]]
    W2, H2 = 16, 12
    plane = [[[0, 0, 0, 0] for _ in range(W2)] for _ in range(H2)]
    for y in range(8, 12):
        for x in range(W2):
            plane[y][x] = blend(plane[y][x], premul(0, 0, 0, 160))
    for y in range(9, 11):
        for x in range(2, 5):
            plane[y][x] = blend(plane[y][x], premul(250, 250, 250, 255))
    out = []
    for y in range(H2):
        for x in range(W2):
            lx, ly = sample(x, 4, W2), sample(y, 4, H2)
            cy, cx = ly // 2, lx // 2  # chroma cell = quadrant here
            luma = cells[ly // 2][lx // 2][0]
            _, u, v = cells[cy][cx]
            video = yuv_to_rgb(luma, u, v)
            g = plane[y][x]
            out += [min(255, g[i] + div255(video[i] * (255 - g[3]))) for i in range(3)]
    return hashlib.md5(bytes(out)).hexdigest()


if __name__ == "__main__":
    for name, canvas in scenes():
        print(f'    ("{name}", "{canvas.md5()}"),')
    print(f'compose.rs GOLDEN: "{compose_golden()}"')
