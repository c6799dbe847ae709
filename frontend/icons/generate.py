#!/usr/bin/env python3
"""Writes the PWA icons (frontend/icons/*.png) once: a white water drop on the
brand blue. Plain Python (zlib + struct), no image library. Run from anywhere:
    python3 frontend/icons/generate.py
"""
import math
import os
import struct
import zlib

BLUE = (0x0B, 0x53, 0x94)
LIGHT = (0x6F, 0xB6, 0xF2)
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 4  # per axis, for smooth edges


def inside_drop(x, y, scale):
    """A drop centred on (0, 0) in [-1, 1] coordinates, tip up."""
    cx, cy, r = 0.0, 0.22 * scale, 0.42 * scale
    tip = -0.62 * scale
    if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
        return True
    d = cy - tip
    a = math.asin(r / d)
    length = math.sqrt(d * d - r * r)
    if tip <= y <= tip + length * math.cos(a):
        return abs(x) <= (y - tip) * math.tan(a)
    return False


def inside_highlight(x, y, scale):
    """A thin crescent along the drop's lower left edge."""
    cy, r = 0.22 * scale, 0.30 * scale
    in_a = x * x + (y - cy) ** 2 <= r * r
    bx, by = 0.07 * scale, cy - 0.06 * scale
    in_b = (x - bx) ** 2 + (y - by) ** 2 <= r * r
    return in_a and not in_b and x < 0 and y > cy - 0.1 * scale


def inside_rounded_square(x, y, radius):
    ax, ay = abs(x), abs(y)
    inner = 1.0 - radius
    if ax <= inner or ay <= inner:
        return ax <= 1.0 and ay <= 1.0
    return (ax - inner) ** 2 + (ay - inner) ** 2 <= radius * radius


def pixel(x, y, maskable):
    """RGBA of one sample point."""
    if maskable:
        background = True  # full bleed; the drop stays in the safe zone
        scale = 0.62
    else:
        background = inside_rounded_square(x, y, 0.36)
        scale = 0.86
    if not background:
        return (0, 0, 0, 0)
    if inside_drop(x, y, scale):
        return LIGHT + (255,) if inside_highlight(x, y, scale) else WHITE + (255,)
    return BLUE + (255,)


def render(size, maskable):
    rows = []
    for py in range(size):
        row = bytearray([0])  # filter: none
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = ((px + (sx + 0.5) / SAMPLES) / size) * 2 - 1
                    y = ((py + (sy + 0.5) / SAMPLES) / size) * 2 - 1
                    r, g, b, a = pixel(x, y, maskable)
                    acc[0] += r * a
                    acc[1] += g * a
                    acc[2] += b * a
                    acc[3] += a
            n = SAMPLES * SAMPLES
            alpha = acc[3] / n
            if acc[3]:
                row += bytes(round(c / acc[3]) for c in acc[:3])
            else:
                row += bytes(3)
            row.append(round(alpha))
        rows.append(bytes(row))
    return png(size, b"".join(rows))


def png(size, raw):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    out = os.path.dirname(os.path.abspath(__file__))
    for name, size, maskable in [
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
        ("apple-touch-icon.png", 180, True),
    ]:
        with open(os.path.join(out, name), "wb") as f:
            f.write(render(size, maskable))
        print("wrote", name)


if __name__ == "__main__":
    main()
