"""The Pillow painter: painting-like pictures from a palette and a seed.

Pure Pillow, no Django: colour fields, a motif sketched over them (sea,
garden, city, still life, portrait or abstract), brush strokes and canvas
grain; a close-up detail of a painting; the painting hung on a wall to show
its size; and JPEG encoding with a per-process cache, since the same
arguments always give the same bytes.
"""

import io
import math
import random
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image as PILImage
from PIL import ImageChops, ImageDraw, ImageFilter

FULL_LONG_SIDE = 1600
JPEG_QUALITY = 85
WALL_COLOURS = [(236, 232, 224), (222, 226, 222), (232, 224, 214), (214, 220, 226)]
FLOOR_COLOUR = (150, 118, 88)


@dataclass(frozen=True)
class Palette:
    """Colours of a series: sky/top, ground/bottom, deep, then accents.

    `motif` picks what is sketched over the colour fields: "sea", "garden",
    "city", "still_life", "portrait" or "abstract" (or "" for colour only).
    """

    name: str
    colours: tuple
    motif: str = ""


def _mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _jitter(rng, colour, amount):
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in colour)


def _vertical_gradient(size, top, bottom):
    mask = PILImage.linear_gradient("L").resize(size)
    top_colour, bottom_colour = PILImage.new("RGB", size, top), PILImage.new("RGB", size, bottom)
    return PILImage.composite(bottom_colour, top_colour, mask)


def _underpainting(rng, size, palette):
    """Large soft colour fields; painted small, so enlarging blurs them like wet paint."""
    w, h = size
    c = palette.colours
    canvas = _vertical_gradient(size, c[0], c[1])
    horizon = None
    if palette.motif == "sea":
        horizon = round(h * rng.uniform(0.35, 0.55))
        canvas.paste(_vertical_gradient((w, h - horizon), c[1], c[2]), (0, horizon))
    elif palette.motif == "still_life":
        horizon = round(h * rng.uniform(0.55, 0.7))
        table = _vertical_gradient((w, h - horizon), c[2], _mix(c[2], (0, 0, 0), 0.3))
        canvas.paste(table, (0, horizon))
    draw = ImageDraw.Draw(canvas, "RGBA")
    for _ in range(rng.randint(5, 9)):
        colour = _jitter(rng, rng.choice(c), 16)
        fw, fh = rng.uniform(0.25, 0.8) * w, rng.uniform(0.12, 0.45) * h
        x, y = rng.uniform(-0.2 * w, w - fw / 2), rng.uniform(-0.2 * h, h - fh / 2)
        if horizon:
            # Keep fields flat and on one side of the horizon.
            fh *= 0.35
            y = rng.uniform(0, horizon - fh) if rng.random() < 0.5 else rng.uniform(horizon, h)
        draw.ellipse((x, y, x + fw, y + fh), fill=colour + (rng.randint(50, 120),))
    return canvas.filter(ImageFilter.GaussianBlur(max(1.0, min(w, h) / 25))), horizon


# --- Motifs: each draws on (w, h) with colours c, in units of 1% of the long side.


def _city(rng, draw, w, h, c, unit, horizon):
    x = -rng.uniform(0, 4) * unit
    while x < w:
        bw = rng.uniform(6, 16) * unit
        top = h * rng.uniform(0.25, 0.7)
        draw.rectangle((x, top, x + bw, h), fill=_mix(c[1], c[2], rng.random()) + (230,))
        for wy in range(int(top + unit), int(h - unit), max(1, int(2.2 * unit))):
            for wx in range(int(x + unit), int(x + bw - unit), max(1, int(2 * unit))):
                if rng.random() < 0.35:
                    lit = _jitter(rng, rng.choice(c[3:]), 20) + (rng.randint(120, 220),)
                    draw.rectangle((wx, wy, wx + 0.9 * unit, wy + 1.1 * unit), fill=lit)
        x += bw + rng.uniform(0, 2) * unit


def _garden(rng, draw, w, h, c, unit, horizon):
    for _ in range(rng.randint(60, 110)):
        r = rng.uniform(2, 9) * unit
        x, y = rng.uniform(-r, w), h * rng.uniform(0.3, 1.05)
        colour = _jitter(rng, rng.choice(c[1:3]), 25) + (rng.randint(70, 150),)
        draw.ellipse((x - r, y - r, x + r, y + r * 0.8), fill=colour)
    for _ in range(rng.randint(30, 80)):
        r = rng.uniform(0.5, 1.4) * unit
        x, y = rng.uniform(0, w), h * rng.uniform(0.4, 0.95)
        colour = _jitter(rng, rng.choice(c[3:]), 25) + (rng.randint(150, 230),)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _still_life(rng, draw, w, h, c, unit, horizon):
    x = w * rng.uniform(0.1, 0.25)
    for _ in range(rng.randint(2, 4)):
        ow, oh = rng.uniform(10, 22) * unit, rng.uniform(10, 35) * unit
        base = horizon + rng.uniform(1, 6) * unit
        colour = _jitter(rng, rng.choice(c[3:]), 20) + (235,)
        shadow = (x + ow * 0.1, base - unit, x + ow * 1.3, base + 2 * unit)
        draw.ellipse(shadow, fill=(0, 0, 0, 60))
        if rng.random() < 0.5:
            draw.ellipse((x, base - oh, x + ow, base), fill=colour)
        else:
            draw.rounded_rectangle((x, base - oh, x + ow, base), radius=ow / 3, fill=colour)
        highlight = (x + ow * 0.2, base - oh * 0.85, x + ow * 0.4, base - oh * 0.6)
        draw.ellipse(highlight, fill=(255, 250, 235, 70))
        x += ow * rng.uniform(0.7, 1.1)


def _portrait(rng, draw, w, h, c, unit, horizon):
    cx = w * rng.uniform(0.4, 0.6)
    head_w, head_h = w * 0.22, w * 0.29
    top = h * 0.18
    skin = _jitter(rng, c[3], 10) + (245,)
    draw.ellipse(
        (cx - w * 0.38, top + head_h * 1.05, cx + w * 0.38, h * 1.6),
        fill=_jitter(rng, c[2], 15) + (240,),
    )
    neck = (cx - head_w * 0.22, top + head_h * 0.8, cx + head_w * 0.22, top + head_h * 1.2)
    draw.rectangle(neck, fill=skin)
    draw.ellipse((cx - head_w / 2, top, cx + head_w / 2, top + head_h), fill=skin)
    hair = (cx - head_w * 0.56, top - head_h * 0.08, cx + head_w * 0.56, top + head_h * 0.75)
    draw.chord(hair, 180, 360, fill=_jitter(rng, c[4], 10) + (240,))


def _abstract(rng, draw, w, h, c, unit, horizon):
    for _ in range(rng.randint(2, 4)):
        bw, bh = rng.uniform(0.4, 0.9) * w, rng.uniform(0.15, 0.4) * h
        x, y = rng.uniform(0, w - bw), rng.uniform(0, h - bh)
        colour = _jitter(rng, rng.choice(c[2:]), 20) + (rng.randint(150, 220),)
        draw.rounded_rectangle((x, y, x + bw, y + bh), radius=unit * 2, fill=colour)


MOTIFS = {
    "city": _city,
    "garden": _garden,
    "still_life": _still_life,
    "portrait": _portrait,
    "abstract": _abstract,
}


def _sketch_motif(rng, canvas, palette, horizon):
    sketch = MOTIFS.get(palette.motif)
    if sketch is not None:
        w, h = canvas.size
        draw = ImageDraw.Draw(canvas, "RGBA")
        sketch(rng, draw, w, h, palette.colours, max(w, h) / 100, horizon)


def _brushwork(rng, canvas, palette, horizon):
    """Short strokes in the colour already underneath: texture, not new shapes."""
    w, h = canvas.size
    draw = ImageDraw.Draw(canvas, "RGBA")
    pixel = canvas.load()
    unit = max(w, h) / 1600
    flow = rng.uniform(-0.6, 0.6)
    # The hot loop of the whole demo build: plain random() calls, no helpers.
    rand, gauss = rng.random, rng.gauss
    for _ in range(round(w * h / 1e6 * 1600)):
        x, y = rand() * (w - 1), rand() * (h - 1)
        r, g, b = pixel[int(x), int(y)]
        if rand() < 0.06:
            r, g, b = _mix((r, g, b), palette.colours[int(rand() * len(palette.colours))], 0.25)
        colour = (
            min(255, max(0, int(r + rand() * 18 - 9))),
            min(255, max(0, int(g + rand() * 18 - 9))),
            min(255, max(0, int(b + rand() * 18 - 9))),
            70 + int(rand() * 90),
        )
        length = (20 + rand() * 60) * unit
        # Water is painted in level strokes; everything else follows one loose flow.
        angle = gauss(0, 0.05) if horizon is not None and y > horizon else gauss(flow, 0.3)
        x2, y2 = x + math.cos(angle) * length, y + math.sin(angle) * length
        width = max(2, round((6 + rand() * 14) * unit))
        draw.line((x, y, x2, y2), fill=colour, width=width)
        radius = width / 2
        draw.ellipse((x2 - radius, y2 - radius, x2 + radius, y2 + radius), fill=colour)


def make_painting_image(width_px, height_px, palette, seed):
    """A painting-like picture: colour fields, a motif, brush strokes, canvas grain.

    The same arguments always give the same picture.
    """
    rng = random.Random(seed)
    small = (max(16, width_px // 6), max(16, height_px // 6))
    canvas, horizon = _underpainting(rng, small, palette)
    _sketch_motif(rng, canvas, palette, horizon)
    canvas = canvas.filter(ImageFilter.GaussianBlur(0.8)).resize(
        (width_px, height_px), PILImage.Resampling.BICUBIC
    )
    _brushwork(rng, canvas, palette, None if horizon is None else horizon * height_px / small[1])
    # effect_noise is not seeded by rng; a fixed seed keeps the grain reproducible too.
    grain_rng = random.Random(seed + 1)
    grain = PILImage.frombytes(
        "L", (width_px, height_px), grain_rng.randbytes(width_px * height_px)
    ).point(lambda v: 236 + v * 19 // 255)
    return ImageChops.multiply(canvas, PILImage.merge("RGB", (grain, grain, grain)))


def make_detail_image(painting, seed, zoom=2.5):
    """A close-up of one part of the painting, as a photographer would crop it."""
    rng = random.Random(seed)
    w, h = painting.size
    crop_w, crop_h = round(w / zoom), round(h / zoom)
    left, top = rng.randint(0, w - crop_w), rng.randint(0, h - crop_h)
    detail = painting.crop((left, top, left + crop_w, top + crop_h))
    return detail.resize((w, h), PILImage.Resampling.BICUBIC)


def _room(rng, view_w, view_h):
    """A plain wall over a wooden floor; returns the room and the floor's top edge."""
    wall_colour = rng.choice(WALL_COLOURS)
    room = _vertical_gradient((view_w, view_h), wall_colour, _mix(wall_colour, (0, 0, 0), 0.12))
    draw = ImageDraw.Draw(room)
    floor_y = round(view_h * 0.86)
    draw.rectangle((0, floor_y, view_w, view_h), fill=FLOOR_COLOUR)
    skirting = (0, floor_y - view_h * 0.02, view_w, floor_y)
    draw.rectangle(skirting, fill=_mix(wall_colour, (255, 255, 255), 0.5))
    return room, floor_y


def make_wall_image(painting, width_cm, height_cm, seed, long_side=FULL_LONG_SIDE):
    """The painting hung on a plain wall, to show its size: a 'view in a room' mock-up."""
    rng = random.Random(seed)
    view_w, view_h = long_side, round(long_side * 0.68)
    room, floor_y = _room(rng, view_w, view_h)
    # The view shows 2 m of wall, so every painting appears at the same scale.
    px_per_cm = view_w / 200
    pw = round(float(width_cm) * px_per_cm)
    ph = round(float(height_cm) * px_per_cm)
    if ph > floor_y * 0.85:
        pw, ph = round(pw * floor_y * 0.85 / ph), round(floor_y * 0.85)
    left = (view_w - pw) // 2
    top = max(round(view_h * 0.06), round(floor_y * 0.48 - ph / 2))
    shadow = PILImage.new("L", (view_w, view_h), 0)
    offset = max(4, pw // 40)
    ImageDraw.Draw(shadow).rectangle(
        (left + offset, top + offset, left + pw + offset, top + ph + offset), fill=110
    )
    shadow = shadow.filter(ImageFilter.GaussianBlur(offset))
    room = PILImage.composite(PILImage.new("RGB", room.size, (40, 36, 32)), room, shadow)
    hung = painting.resize((max(1, pw), max(1, ph)), PILImage.Resampling.BICUBIC, reducing_gap=2.0)
    room.paste(hung, (left, top))
    return room


def scaled_size(width_cm, height_cm, long_side):
    """Pixel size of a width_cm × height_cm painting whose longer side is long_side."""
    ratio = float(width_cm) / float(height_cm)
    if ratio >= 1:
        return long_side, max(1, round(long_side / ratio))
    return max(1, round(long_side * ratio)), long_side


# --- Encoded and cached ----------------------------------------------------------


@dataclass(frozen=True)
class Jpeg:
    """An encoded picture and its size, ready to be stored."""

    data: bytes
    width: int
    height: int


def encode(picture):
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return Jpeg(buffer.getvalue(), picture.width, picture.height)


# Painting is the slow part of a build and always gives the same bytes, so a
# process paints each picture once: tests that build the demo again and
# again only pay for the database and storage writes.
@lru_cache(maxsize=32)
def single_picture(width_px, height_px, palette, seed):
    """One painting as a JPEG (a hero, a journal cover, a portrait)."""
    return encode(make_painting_image(width_px, height_px, palette, seed))


@lru_cache(maxsize=64)
def painting_pictures(width_cm, height_cm, long_side, palette, seed):
    """The painting, a detail of it, and the painting on a wall, as JPEGs."""
    painting = make_painting_image(*scaled_size(width_cm, height_cm, long_side), palette, seed)
    return (
        encode(painting),
        encode(make_detail_image(painting, seed)),
        encode(make_wall_image(painting, width_cm, height_cm, seed, long_side)),
    )
