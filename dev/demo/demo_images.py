"""Logos and banners of the demo collectivités, drawn here as PNG files.

No image library: a 5x7 pixel font for the initials, a shield, stripes, and
PNG encoding with zlib. The pictures are simple on purpose; they only have to
tell the collectivités apart.
"""

from __future__ import annotations

import struct
import zlib

# 5x7 glyphs of the capitals the demo needs (one string of 5 bits per row).
FONT = {
    "A": ["01110", "10001", "10001", "11111", "10001", "10001", "10001"],
    "B": ["11110", "10001", "10001", "11110", "10001", "10001", "11110"],
    "C": ["01111", "10000", "10000", "10000", "10000", "10000", "01111"],
    "D": ["11110", "10001", "10001", "10001", "10001", "10001", "11110"],
    "E": ["11111", "10000", "10000", "11110", "10000", "10000", "11111"],
    "G": ["01111", "10000", "10000", "10111", "10001", "10001", "01111"],
    "H": ["10001", "10001", "10001", "11111", "10001", "10001", "10001"],
    "L": ["10000", "10000", "10000", "10000", "10000", "10000", "11111"],
    "O": ["01110", "10001", "10001", "10001", "10001", "10001", "01110"],
    "Q": ["01110", "10001", "10001", "10001", "10101", "10010", "01101"],
    "R": ["11110", "10001", "10001", "11110", "10100", "10010", "10001"],
    "S": ["01111", "10000", "10000", "01110", "00001", "00001", "11110"],
    "T": ["11111", "00100", "00100", "00100", "00100", "00100", "00100"],
    "V": ["10001", "10001", "10001", "10001", "10001", "01010", "00100"],
}

RGB = tuple[int, int, int]


def _rgb(color: str) -> RGB:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _png(width: int, height: int, pixels: list[list[RGB]]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def initials(title: str) -> str:
    """Up to three initials of a name, skipping "de", "la"..."""
    words = [w for w in title.replace("-", " ").replace("'", " ").split() if len(w) > 2]
    letters = "".join(w[0] for w in words).upper()
    letters = letters.replace("É", "E").replace("È", "E")
    return "".join(c for c in letters if c in FONT)[:3] or "C"


def logo(title: str, primary: str, secondary: str, size: int = 160) -> bytes:
    """A shield in the primary colour, the initials in the secondary one."""
    p, s, white = _rgb(primary), _rgb(secondary), (255, 255, 255)
    pixels = [[white] * size for _ in range(size)]
    margin = size // 10
    for y in range(margin, size - margin):
        # Straight sides, then a pointed bottom.
        depth = (y - size * 0.6) / (size * 0.3 - margin) if y > size * 0.6 else 0
        inset = int(margin + max(0.0, depth) * (size / 2 - margin))
        for x in range(inset, size - inset):
            pixels[y][x] = p
    text = initials(title)
    scale = max(2, (size - 4 * margin) // (6 * len(text)))
    width = len(text) * 6 * scale - scale
    left, top = (size - width) // 2, int(size * 0.4) - (7 * scale) // 2
    for i, letter in enumerate(text):
        for row, bits in enumerate(FONT[letter]):
            for col, bit in enumerate(bits):
                if bit == "1":
                    for dy in range(scale):
                        for dx in range(scale):
                            pixels[top + row * scale + dy][
                                left + (i * 6 + col) * scale + dx
                            ] = s
    return _png(size, size, pixels)


def banner(primary: str, secondary: str, width: int = 1200, height: int = 150) -> bytes:
    """Diagonal stripes of the two colours, fading to white on the right."""
    p, s = _rgb(primary), _rgb(secondary)
    pixels = []
    for y in range(height):
        row = []
        for x in range(width):
            base = p if ((x + y) // 40) % 2 == 0 else s
            fade = x / width * 0.6
            row.append(tuple(round(c + (255 - c) * fade) for c in base))
        pixels.append(row)
    return _png(width, height, pixels)
