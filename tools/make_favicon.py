"""Draw favicon.ico, the icon browsers and feed readers ask for at /favicon.ico, to match favicon.svg.

The SVG is the icon modern browsers use; this writes the same design, a white ring on a rounded blue
square, as 16 and 32 px PNG images inside one ICO file. Run it after changing the design:

    python tools/make_favicon.py
"""

import struct
import zlib
from pathlib import Path

ICON = Path(__file__).resolve().parent.parent / "theme" / "favicon.ico"
BLUE = (0x0B, 0x55, 0xB5)
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 4  # per pixel side: 16 samples smooth the edges


def colour_at(x, y):
    """The design on a 32-unit square: None outside the rounded square, else its colour."""
    corner_radius = 6
    nearest_x = min(max(x, corner_radius), 32 - corner_radius)
    nearest_y = min(max(y, corner_radius), 32 - corner_radius)
    if (x - nearest_x) ** 2 + (y - nearest_y) ** 2 > corner_radius**2:
        return None
    distance_from_centre = ((x - 16) ** 2 + (y - 16) ** 2) ** 0.5
    return WHITE if 6 <= distance_from_centre <= 10 else BLUE


def pixel(column, row, size):
    """Average the design over one pixel; RGBA."""
    covered, totals = 0, [0, 0, 0]
    for sample_y in range(SAMPLES):
        for sample_x in range(SAMPLES):
            scale = 32 / size
            colour = colour_at(
                (column + (sample_x + 0.5) / SAMPLES) * scale, (row + (sample_y + 0.5) / SAMPLES) * scale
            )
            if colour:
                covered += 1
                totals = [total + channel for total, channel in zip(totals, colour, strict=True)]
    if not covered:
        return (0, 0, 0, 0)
    return (*(round(total / covered) for total in totals), round(255 * covered / SAMPLES**2))


def png(size):
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(column, row, size)) for column in range(size)) for row in range(size)
    )

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def ico(images):
    """An ICO file holding PNG images, which every current browser reads."""
    directory = struct.pack("<HHH", 0, 1, len(images))
    offset = len(directory) + 16 * len(images)
    entries, data = b"", b""
    for size, image in images:
        entries += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(image), offset + len(data))
        data += image
    return directory + entries + data


if __name__ == "__main__":
    ICON.write_bytes(ico([(size, png(size)) for size in (16, 32)]))
    print(f"Wrote {ICON}")
