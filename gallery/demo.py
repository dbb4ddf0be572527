"""Demo content: a believable gallery built from code, for development and tests.

`build_demo_site()` makes the whole tree (home, collections of paintings,
journal, standard pages, contact form), the site settings and shipping rates.
Every picture is painted here with Pillow from a seeded random generator, so
two runs give the same site, and saved through Django's default storage, so it
works the same on local files and on S3.

For large demo sites (`paintings=1000`) a small pool of pictures is shared
between paintings, and paintings are added without revisions or per-page
validation: nothing in a demo needs their history, and it keeps 1,000
paintings well under a minute. Search and reference indexes are filled in
bulk at the end rather than on every save.
"""

import io
import math
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from modelcluster.models import get_all_child_relations
from PIL import Image as PILImage
from PIL import ImageChops, ImageDraw, ImageFilter
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, ReferenceIndex, Site
from wagtail.search.backends import get_search_backends
from wagtail.search.index import get_indexed_models
from wagtail.search.signal_handlers import post_save_signal_handler
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.utils.file import hash_filelike

from shop.models import ShippingRate, ShopSettings

from .models import (
    ArticlePage,
    CollectionPage,
    ContactFormField,
    ContactPage,
    GalleryIndexPage,
    GallerySettings,
    HomePage,
    HomePageFeaturedPainting,
    JournalIndexPage,
    Medium,
    PaintingGalleryImage,
    PaintingPage,
    StandardPage,
)

IMAGE_COLLECTION_NAME = "Demo content"
MEDIA_NAMES = ["Oil", "Acrylic", "Watercolour", "Gouache", "Mixed media"]
ARTIST_NAME = "Paula G. Pérez"
ARTIST_EMAIL = "studio@paulagperez.example"

# Up to this many paintings, each gets its own full-size pictures; beyond it
# they share a smaller pool, which keeps 1,000 paintings well under a minute.
UNIQUE_IMAGES_UP_TO = 48
POOL_SIZE = 24
FULL_LONG_SIDE = 1600
POOL_LONG_SIDE = 900
PAINTINGS_PER_EXTRA_COLLECTION = 50
ROMAN_NUMERALS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
JPEG_QUALITY = 85


# --- Painting pictures -------------------------------------------------------


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


def _sketch_motif(rng, canvas, palette, horizon):
    w, h = canvas.size
    c = palette.colours
    draw = ImageDraw.Draw(canvas, "RGBA")
    unit = max(w, h) / 100
    if palette.motif == "city":
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
    elif palette.motif == "garden":
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
    elif palette.motif == "still_life":
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
    elif palette.motif == "portrait":
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
    elif palette.motif == "abstract":
        for _ in range(rng.randint(2, 4)):
            bw, bh = rng.uniform(0.4, 0.9) * w, rng.uniform(0.15, 0.4) * h
            x, y = rng.uniform(0, w - bw), rng.uniform(0, h - bh)
            colour = _jitter(rng, rng.choice(c[2:]), 20) + (rng.randint(150, 220),)
            draw.rounded_rectangle((x, y, x + bw, y + bh), radius=unit * 2, fill=colour)


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


WALL_COLOURS = [(236, 232, 224), (222, 226, 222), (232, 224, 214), (214, 220, 226)]
FLOOR_COLOUR = (150, 118, 88)


def make_wall_image(painting, width_cm, height_cm, seed, long_side=FULL_LONG_SIDE):
    """The painting hung on a plain wall, to show its size: a 'view in a room' mock-up."""
    rng = random.Random(seed)
    view_w, view_h = long_side, round(long_side * 0.68)
    wall_colour = rng.choice(WALL_COLOURS)
    room = _vertical_gradient((view_w, view_h), wall_colour, _mix(wall_colour, (0, 0, 0), 0.12))
    draw = ImageDraw.Draw(room)
    floor_y = round(view_h * 0.86)
    draw.rectangle((0, floor_y, view_w, view_h), fill=FLOOR_COLOUR)
    skirting = (0, floor_y - view_h * 0.02, view_w, floor_y)
    draw.rectangle(skirting, fill=_mix(wall_colour, (255, 255, 255), 0.5))
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
    ratio = float(width_cm) / float(height_cm)
    if ratio >= 1:
        return long_side, max(1, round(long_side / ratio))
    return max(1, round(long_side * ratio)), long_side


# --- What the demo says --------------------------------------------------------


@dataclass(frozen=True)
class Series:
    title: str
    intro: str
    palette: Palette
    tags: tuple
    extra_tags: tuple
    painting_titles: tuple
    media: tuple
    years: tuple
    notes: tuple = field(default=())


SEA = Palette(
    "blues and greys",
    ((200, 216, 228), (96, 132, 166), (26, 58, 96), (236, 230, 214), (150, 182, 196)),
    "sea",
)
GARDEN = Palette(
    "greens with flowers",
    (
        (222, 230, 200),
        (86, 128, 70),
        (36, 76, 48),
        (232, 196, 92),
        (196, 84, 104),
        (240, 236, 226),
    ),
    "garden",
)
CITY = Palette(
    "dark blues and ambers",
    ((34, 44, 86), (18, 22, 44), (30, 36, 66), (240, 176, 76), (214, 120, 50), (250, 220, 150)),
    "city",
)
STILL_LIFE = Palette(
    "ochres and terracotta",
    (
        (226, 210, 180),
        (196, 170, 130),
        (120, 84, 56),
        (200, 90, 50),
        (230, 180, 70),
        (110, 130, 90),
    ),
    "still_life",
)
PORTRAIT = Palette(
    "muted greens and warm skin tones",
    ((120, 132, 120), (80, 92, 84), (52, 58, 70), (214, 172, 140), (70, 44, 34)),
    "portrait",
)
ABSTRACT = Palette(
    "warm reds with a band of blue",
    ((236, 220, 196), (220, 120, 80), (180, 60, 60), (60, 90, 150), (240, 190, 60)),
    "abstract",
)

SERIES = [
    Series(
        title="Tides and Light",
        intro="Seascapes from the Atlantic coast, painted outdoors in all weathers.",
        palette=SEA,
        tags=("sea", "blue"),
        extra_tags=("landscape", "abstract"),
        painting_titles=(
            "Morning Tide",
            "Grey Swell at Noon",
            "Low Water, Cantabria",
            "The Long Horizon",
            "Squall Coming In",
            "Salt Light",
            "Winter Breakwater",
            "After the Storm",
        ),
        media=("Oil", "Oil", "Acrylic", "Watercolour"),
        years=(2019, 2022),
        notes=(
            "Painted on the beach over three mornings, with the tide deciding when to stop.",
            "The horizon sits low so the sky can do most of the talking.",
            "Thin glazes of blue over a warm ground give the water its depth.",
        ),
    ),
    Series(
        title="The Walled Garden",
        intro="A year in a small garden behind the studio: roses, fig leaves and long shadows.",
        palette=GARDEN,
        tags=("garden", "landscape"),
        extra_tags=("still life", "blue"),
        painting_titles=(
            "Fig Leaves in June",
            "Roses on the Wall",
            "The Gardener's Chair",
            "Lavender Path",
            "Late Afternoon Shade",
            "Quince and Ivy",
            "Rain on the Lemon Tree",
            "Summer Borders",
        ),
        media=("Oil", "Gouache", "Watercolour", "Mixed media"),
        years=(2021, 2023),
        notes=(
            "Started en plein air and finished in the studio from small gouache notes.",
            "The greens are mixed from ultramarine and cadmium yellow, never from the tube.",
            "Flowers are suggested with a few loaded strokes rather than drawn.",
        ),
    ),
    Series(
        title="City After Dark",
        intro="Streets, windows and reflections in Valencia and Lisbon after the sun goes down.",
        palette=CITY,
        tags=("city", "night"),
        extra_tags=("blue", "abstract", "landscape"),
        painting_titles=(
            "Lit Windows, Ruzafa",
            "Tram Stop at Midnight",
            "Rain on the Avenida",
            "Blue Hour Rooftops",
            "Late Bar",
            "Harbour Cranes",
            "Night Market",
            "The Last Bus Home",
        ),
        media=("Oil", "Acrylic", "Mixed media"),
        years=(2023, 2025),
        notes=(
            "Worked from small sketches made on the spot and a memory of the colour.",
            "The ambers are laid in last, thickly, so they catch real light on the canvas.",
            "A dark blue ground keeps even the brightest windows inside the night.",
        ),
    ),
    Series(
        title="Kitchen Table",
        intro="Still lifes of everyday things: bowls, lemons, bread and the morning light.",
        palette=STILL_LIFE,
        tags=("still life",),
        extra_tags=("garden", "abstract"),
        painting_titles=(
            "Three Lemons",
            "Bread and Knife",
            "Blue Bowl",
            "Quinces on a Cloth",
            "Coffee Pot",
            "Pears in October",
            "Glass Jug",
            "Onions",
        ),
        media=("Oil", "Gouache"),
        years=(2018, 2020),
        notes=(
            "Set up on the kitchen table and painted in a single sitting.",
            "The shadows are as carefully mixed as the objects that cast them.",
        ),
    ),
    Series(
        title="Faces",
        intro="Portraits of friends, neighbours and fellow painters.",
        palette=PORTRAIT,
        tags=("portrait",),
        extra_tags=("city", "night"),
        painting_titles=(
            "Marta Reading",
            "The Fisherman",
            "Self-portrait in Grey",
            "Inés",
            "Young Man in Blue",
            "The Neighbour",
            "Carmen at the Window",
            "Old Friend",
        ),
        media=("Oil", "Acrylic", "Mixed media"),
        years=(2017, 2024),
        notes=(
            "Painted from life over several sittings.",
            "The background is kept quiet so the face can carry the painting.",
        ),
    ),
    Series(
        title="Open Fields",
        intro="Abstract paintings about land, weather and colour.",
        palette=ABSTRACT,
        tags=("abstract",),
        extra_tags=("landscape", "sea"),
        painting_titles=(
            "Red Field",
            "Band of Blue",
            "Heat",
            "Field Notes I",
            "Ochre Ground",
            "Dry Season",
            "Horizon Study",
            "Field Notes II",
        ),
        media=("Acrylic", "Mixed media", "Oil"),
        years=(2020, 2025),
        notes=(
            "Built up in many thin layers, some scraped back to the ground.",
            "The colour is the subject; the landscape is only remembered.",
        ),
    ),
]

# Canvas formats in cm (width, height), landscape, portrait and square.
FORMATS = [
    (100, 70),
    (40, 50),
    (60, 60),
    (81, 65),
    (30, 40),
    (120, 80),
    (50, 70),
    (46, 38),
]
SUPPORTS_BY_MEDIUM = {
    "Oil": ("canvas", "linen", "panel"),
    "Acrylic": ("canvas", "board"),
    "Watercolour": ("paper",),
    "Gouache": ("paper", "board"),
    "Mixed media": ("board", "paper", "canvas"),
}
# EUR per square centimetre: works on paper cost less than oils.
PRICE_PER_CM2 = {
    "Oil": Decimal("0.50"),
    "Acrylic": Decimal("0.40"),
    "Mixed media": Decimal("0.35"),
    "Gouache": Decimal("0.16"),
    "Watercolour": Decimal("0.12"),
}
DEPTH_BY_SUPPORT = {"canvas": "2.0", "linen": "3.0", "panel": "1.8", "board": "0.5"}

GENERAL_NOTES = (
    "Signed on the back and sent with a certificate of authenticity.",
    "Ready to hang; the sides are painted, so no frame is needed.",
    "Varnished with a removable matt varnish.",
)


def _paragraphs(*texts):
    return "".join(f"<p>{escape(text)}</p>" for text in texts)


# --- Building ----------------------------------------------------------------


@dataclass
class DemoSite:
    """What build_demo_site made; tests use it to find their way around."""

    home: HomePage
    gallery_index: GalleryIndexPage
    collections: list
    paintings: list
    journal: JournalIndexPage
    articles: list
    standard_pages: list
    contact: ContactPage
    images: list
    seconds: float = 0.0

    @property
    def pages(self):
        return [
            self.home,
            self.gallery_index,
            *self.collections,
            *self.paintings,
            self.journal,
            *self.articles,
            *self.standard_pages,
            self.contact,
        ]

    def summary(self):
        return (
            f"{len(self.pages)} pages ({len(self.collections)} collections, "
            f"{len(self.paintings)} paintings, {len(self.articles)} articles), "
            f"{len(self.images)} images in {self.seconds:.1f} s"
        )


def demo_site_exists():
    return HomePage.objects.exists()


def _demo_image_collection():
    collection = Collection.objects.filter(name=IMAGE_COLLECTION_NAME, depth=2).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=IMAGE_COLLECTION_NAME)
    return collection


@dataclass(frozen=True)
class _Jpeg:
    data: bytes
    width: int
    height: int


def _encode(picture):
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return _Jpeg(buffer.getvalue(), picture.width, picture.height)


# Painting is the slow part of a build and always gives the same bytes, so a
# process paints each picture once: tests that build the demo again and
# again only pay for the database and storage writes.
@lru_cache(maxsize=32)
def _single_picture(width_px, height_px, palette, seed):
    return _encode(make_painting_image(width_px, height_px, palette, seed))


@lru_cache(maxsize=64)
def _painting_pictures(width_cm, height_cm, long_side, palette, seed):
    """The painting, a detail of it, and the painting on a wall."""
    painting = make_painting_image(*scaled_size(width_cm, height_cm, long_side), palette, seed)
    return (
        _encode(painting),
        _encode(make_detail_image(painting, seed)),
        _encode(make_wall_image(painting, width_cm, height_cm, seed, long_side)),
    )


class _ImageMaker:
    """Stores JPEGs through the default storage as Wagtail images in the demo collection."""

    def __init__(self):
        self.collection = _demo_image_collection()
        self.images = []

    def save(self, jpeg, title, filename):
        buffer = io.BytesIO(jpeg.data)
        # Size, byte count and hash are known here; given up front, Wagtail
        # does not reopen the stored file to find them.
        image = get_image_model()(
            title=title,
            collection=self.collection,
            file=ImageFile(buffer, name=filename),
            width=jpeg.width,
            height=jpeg.height,
            file_size=len(jpeg.data),
            file_hash=hash_filelike(buffer),
        )
        image.save()
        self.images.append(image)
        return image


@dataclass
class _PaintingPictures:
    main: object
    detail: object
    wall: object


def _slugify_file(text):
    return slugify(text)[:60]


def delete_demo_site():
    """Remove the demo tree, its pictures, media and shipping rates."""
    homes = Page.objects.type(HomePage)
    root = Page.get_first_root_node()
    # A Site's root page is deleted with it; point sites elsewhere first so
    # the Site (and its settings) survive for the rebuild.
    Site.objects.filter(root_page__in=homes).update(root_page=root)
    for home in homes.order_by("-depth"):
        home.delete()
    image_collection = Collection.objects.filter(name=IMAGE_COLLECTION_NAME, depth=2).first()
    if image_collection is not None:
        for image in get_image_model().objects.filter(collection=image_collection):
            image.delete()
        image_collection.delete()
    Medium.objects.filter(name__in=MEDIA_NAMES, paintings__isnull=True).delete()
    ShippingRate.objects.filter(name__in=[rate["name"] for rate in SHIPPING_RATES]).delete()


SHIPPING_RATES = [
    {
        "name": "Insured courier – Europe",
        "amount": Decimal("45.00"),
        "countries": "FR, DE, NL, BE, LU, IT, ES, PT, AT, IE, DK, SE, FI",
        "min_days": 2,
        "max_days": 5,
        "sort_order": 1,
    },
    {
        "name": "Insured courier – worldwide",
        "amount": Decimal("120.00"),
        "countries": "GB, CH, US",
        "min_days": 5,
        "max_days": 12,
        "sort_order": 2,
    },
    {
        "name": "Collect from the studio",
        "amount": Decimal("0.00"),
        "countries": "ES",
        "min_days": 1,
        "max_days": 3,
        "sort_order": 3,
    },
]


class _Builder:
    def __init__(self, paintings, stdout, with_revisions):
        self.painting_count = paintings
        self.stdout = stdout
        self.with_revisions = with_revisions
        self.now = timezone.now()
        self.images = _ImageMaker()
        self.media = {}
        self.bulk_pages = []
        self.tag_cache = {}

    def say(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    def add(self, parent, page, bulk=False, revision=True):
        """Add a live page with a published revision, as if published in the admin.

        In bulk, pages get no revision and skip Page.full_clean() (a handful
        of queries each, to check data made right here): they are saved as
        drafts, which Wagtail checks only for title and slug, and go live
        together in one UPDATE at the end of the build.
        """
        page.live = not bulk
        page.has_unpublished_changes = False
        page.first_published_at = page.last_published_at = self.now
        # Given here, slug and locale cost no look-ups of their own.
        page.slug = page.slug or slugify(page.title)
        page.locale_id = parent.locale_id
        parent.add_child(instance=page)
        if bulk:
            self.bulk_pages.append(page)
        elif revision and self.with_revisions:
            self.publish_revision(page)
        return page

    def publish_bulk_pages(self):
        Page.objects.filter(pk__in=[page.pk for page in self.bulk_pages]).update(live=True)
        for page in self.bulk_pages:
            page.live = True

    def tags(self, *names):
        """Tag objects, looked up once: the tag manager then needs no query per name."""
        for name in names:
            if name not in self.tag_cache:
                self.tag_cache[name] = Tag.objects.get_or_create(name=name)[0]
        return [self.tag_cache[name] for name in names]

    def publish_revision(self, page):
        # What Revision.publish() leaves behind, without re-saving the page.
        revision = page.save_revision(changed=False, clean=False)
        Page.objects.filter(pk=page.pk).update(live_revision=revision)
        page.live_revision = revision

    # -- Structure --

    def site(self):
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site(hostname="localhost", port=80, is_default_site=True)
        return site

    def build(self):
        started = time.monotonic()
        root = Page.get_first_root_node()
        site = self.site()
        self.media = {name: Medium.objects.get_or_create(name=name)[0] for name in MEDIA_NAMES}

        hero = self.images.save(
            _single_picture(FULL_LONG_SIDE, 800, SEA, seed=1),
            "Wide seascape in blues and greys under a pale sky, from the series Tides and Light",
            "hero-tides-and-light.jpg",
        )
        # Wagtail's welcome page holds the slug "home"; move it aside, then remove it
        # once the new home page is the site's root.
        welcome_pages = list(
            Page.objects.filter(
                depth=2, numchild=0, content_type=ContentType.objects.get_for_model(Page)
            )
        )
        for page in welcome_pages:
            Page.objects.filter(pk=page.pk).update(slug=f"{page.slug}-welcome-{page.pk}")
        home = self.add(
            root,
            HomePage(
                title="Home",
                slug="home",
                seo_title=f"{ARTIST_NAME} — paintings of sea, gardens and cities at night",
                search_description=(
                    f"Original paintings by {ARTIST_NAME}: seascapes, gardens and city "
                    "nights in oil, acrylic and watercolour. Buy originals online."
                ),
                hero_image=hero,
                hero_heading="Paintings of the sea, gardens and the city at night",
                hero_text=(
                    "Original oils, acrylics and watercolours, painted in a small studio "
                    "in Valencia and shipped insured across Europe and beyond."
                ),
                hero_cta_text="Browse the gallery",
            ),
            revision=False,  # published below, once its links and features are set
        )
        site.root_page = home
        site.save()
        for page in welcome_pages:
            page.delete()

        gallery_index = self.add(
            home,
            GalleryIndexPage(
                title="Gallery",
                slug="gallery",
                show_in_menus=True,
                intro=_paragraphs("Every painting on this site is an original, one of a kind."),
                search_description=(
                    f"All collections by {ARTIST_NAME}: seascapes, gardens, city nights "
                    "and more. Original paintings for sale."
                ),
            ),
        )
        collections, paintings = self.build_collections(gallery_index)
        journal, articles = self.build_journal(home, paintings)
        standard_pages = self.build_standard_pages(home)
        contact = self.build_contact(home)

        home.hero_cta_page = gallery_index
        home.featured_collection = collections[0]
        step = max(1, len(paintings) // 6)
        for order, painting in enumerate(paintings[::step][:6]):
            home.featured_paintings.add(
                HomePageFeaturedPainting(painting=painting, sort_order=order)
            )
        home.save(clean=False)
        if self.with_revisions:
            self.publish_revision(home)

        self.publish_bulk_pages()
        self.build_settings(site)
        return DemoSite(
            home=home,
            gallery_index=gallery_index,
            collections=collections,
            paintings=paintings,
            journal=journal,
            articles=articles,
            standard_pages=standard_pages,
            contact=contact,
            images=self.images.images,
            seconds=time.monotonic() - started,
        )

    # -- Gallery --

    def collection_plan(self):
        """How many paintings each collection gets, and which series it follows."""
        count = max(
            min(3, self.painting_count),
            math.ceil(self.painting_count / PAINTINGS_PER_EXTRA_COLLECTION),
        )
        share, extra = divmod(self.painting_count, count)
        sizes = [share + (i < extra) for i in range(count)]
        return [(SERIES[i % len(SERIES)], i // len(SERIES), size) for i, size in enumerate(sizes)]

    def build_pictures(self, plan):
        """One set of pictures per (series, format) slot; shared when building in bulk."""
        unique = self.painting_count <= UNIQUE_IMAGES_UP_TO
        long_side = FULL_LONG_SIDE if unique else POOL_LONG_SIDE
        series_used = list(dict.fromkeys(series for series, _, _ in plan))
        if unique:
            slots = min(len(FORMATS), max(size for _, _, size in plan))
        else:
            slots = max(1, POOL_SIZE // len(series_used))
        started = time.monotonic()
        pictures = {}
        for series_index, series in enumerate(series_used):
            for slot in range(slots):
                width_cm, height_cm = FORMATS[slot]
                main, detail, wall = _painting_pictures(
                    width_cm, height_cm, long_side, series.palette, 1000 + series_index * 100 + slot
                )
                name = series.painting_titles[slot]
                if unique:
                    subject = f"“{name}”, a painting in {series.palette.name}"
                else:
                    subject = f"A painting in {series.palette.name} from the series {series.title}"
                stem = _slugify_file(f"{series.title}-{slot + 1}")
                pictures[series, slot] = _PaintingPictures(
                    main=self.images.save(main, subject, f"{stem}.jpg"),
                    detail=self.images.save(
                        detail,
                        f"Detail of the brushwork in {subject}",
                        f"{stem}-detail.jpg",
                    ),
                    wall=self.images.save(
                        wall,
                        f"{subject[0].upper()}{subject[1:]}, hung on a plain wall to show its size",
                        f"{stem}-on-the-wall.jpg",
                    ),
                )
        self.say(f"Painted {len(pictures) * 3} pictures in {time.monotonic() - started:.1f} s.")
        return pictures, slots

    def build_collections(self, gallery_index):
        plan = self.collection_plan()
        pictures, slots = self.build_pictures(plan)
        started = time.monotonic()
        collections, paintings = [], []
        number = 0
        for index, (series, repeat, size) in enumerate(plan):
            rng = random.Random(index)
            title = series.title
            if repeat:
                title += (
                    f" {ROMAN_NUMERALS[repeat] if repeat < len(ROMAN_NUMERALS) else repeat + 1}"
                )
            collection = self.add(
                gallery_index,
                CollectionPage(
                    title=title,
                    intro=_paragraphs(series.intro),
                    cover_image=pictures[series, 0].main,
                    year_start=series.years[0],
                    year_end=series.years[1],
                    search_description=f"{title}: {series.intro}",
                ),
            )
            collections.append(collection)
            for position in range(size):
                slot = position % slots
                painting = self.build_painting(
                    collection, series, position, pictures[series, slot], FORMATS[slot], rng, number
                )
                paintings.append(painting)
                number += 1
        self.say(
            f"Added {len(paintings)} paintings in {len(collections)} collections "
            f"in {time.monotonic() - started:.1f} s."
        )
        return collections, paintings

    def build_painting(self, collection, series, position, pictures, size, rng, number):
        name = series.painting_titles[position % len(series.painting_titles)]
        cycle = position // len(series.painting_titles)
        title = name if cycle == 0 else f"{name}, study {cycle + 1}"
        medium_name = series.media[position % len(series.media)]
        support = rng.choice(SUPPORTS_BY_MEDIUM[medium_name])
        width_cm, height_cm = size
        depth = DEPTH_BY_SUPPORT.get(support)
        price = Decimal(
            min(4800, max(180, round(width_cm * height_cm * PRICE_PER_CM2[medium_name], -1)))
        )
        year = rng.randint(*series.years)
        support_label = dict(PaintingPage.SUPPORT_CHOICES)[support].lower()
        medium_label = f"{medium_name.lower()} on {support_label}"
        painting = PaintingPage(
            title=title,
            image=pictures.main,
            year=year,
            medium=self.media[medium_name],
            support=support,
            width_cm=Decimal(width_cm),
            height_cm=Decimal(height_cm),
            depth_cm=Decimal(depth) if depth else None,
            framed=support == "paper",
            signed=True,
            # One painting in the default site has no price ("price on request"),
            # and about one in eight is shown but not offered for sale.
            price=None if number % 50 == 10 else price,
            for_sale=position % 8 != 5,
            description=_paragraphs(
                rng.choice(series.notes),
                f"{title} ({year}), {medium_label}, {width_cm} × {height_cm} cm. "
                + rng.choice(GENERAL_NOTES),
            ),
            search_description=(
                f"{title} ({year}) by {ARTIST_NAME}: {medium_label}, "
                f"{width_cm} × {height_cm} cm, from the series {series.title}."
            ),
        )
        painting.tags.add(*self.tags(*series.tags, rng.choice(series.extra_tags)))
        painting.gallery_images.add(
            PaintingGalleryImage(
                image=pictures.detail, caption="Detail: the brushwork up close", sort_order=0
            )
        )
        if position % 3 != 2:
            painting.gallery_images.add(
                PaintingGalleryImage(
                    image=pictures.wall,
                    caption=f"On the wall, to show the size ({width_cm} × {height_cm} cm)",
                    sort_order=1,
                )
            )
        return self.add(collection, painting, bulk=self.painting_count > UNIQUE_IMAGES_UP_TO)

    # -- Journal --

    def build_journal(self, home, paintings):
        journal = self.add(
            home,
            JournalIndexPage(
                title="Journal",
                slug="journal",
                show_in_menus=True,
                intro=_paragraphs(
                    "Notes from the studio: work in progress, materials, exhibitions."
                ),
                search_description=(
                    f"The studio journal of {ARTIST_NAME}: how the paintings are made, "
                    "materials, travels and exhibitions."
                ),
            ),
        )
        covers = [
            (SEA, "A grey Atlantic morning, painted on the beach", "journal-atlantic.jpg"),
            (STILL_LIFE, "Brushes and paint tubes on the studio table", "journal-studio.jpg"),
            (GARDEN, "The garden behind the studio in early summer", "journal-garden.jpg"),
            (CITY, "Lisbon rooftops at dusk", "journal-lisbon.jpg"),
        ]
        cover_images = [
            self.images.save(
                _single_picture(FULL_LONG_SIDE, 1000, palette, seed=500 + i), title, name
            )
            for i, (palette, title, name) in enumerate(covers)
        ]
        texts = [
            (
                "Painting the Atlantic in winter",
                "Why I carry an easel to the beach in January, and what cold does to oil paint.",
                ["sea", "process"],
            ),
            (
                "Inside the studio: the materials I trust",
                "Linen or cotton, which whites, and the three brushes I would save in a fire.",
                ["studio", "materials"],
            ),
            (
                "How a garden series began",
                "A borrowed key, a neglected garden and a year of painting the same wall.",
                ["garden", "process"],
            ),
            (
                "Notes from an exhibition in Lisbon",
                "Twelve paintings, one small gallery by the river, and what the visitors said.",
                ["city", "exhibition"],
            ),
        ]
        articles = []
        start = date(2025, 1, 18)
        for index, (title, intro, tags) in enumerate(texts):
            cover = cover_images[index]
            featured = paintings[(index * 7) % len(paintings)]
            article = ArticlePage(
                title=title,
                date=start + timedelta(days=index * 41),
                intro=intro,
                cover_image=cover,
                search_description=intro,
                body=self.article_body(cover, featured),
            )
            article.tags.add(*self.tags(*tags))
            articles.append(self.add(journal, article))
        return journal, articles

    def article_body(self, cover, painting):
        """Every block type except embed (the demo never touches the network)."""
        return [
            (
                "paragraph",
                _paragraphs(
                    "Most of my paintings start outdoors, with a small board and a limited "
                    "palette, and end months later in the studio.",
                    "This is a short note on how that happens, and what I learned this time.",
                ),
            ),
            ("heading", {"text": "Starting outside", "level": "h2"}),
            (
                "paragraph",
                _paragraphs(
                    "Light changes every few minutes, so the first hour is about big shapes "
                    "and the relation between a few colours, not detail."
                ),
            ),
            ("image", {"image": cover, "caption": cover.title}),
            (
                "quote",
                {
                    "text": "Paint what you see, not what you know is there.",
                    "attribution": "Advice from my first teacher",
                },
            ),
            ("heading", {"text": "Finishing in the studio", "level": "h3"}),
            (
                "paragraph",
                _paragraphs(
                    "Back in the studio the painting has to stand on its own. The one below "
                    "came out of this process and is in the gallery now."
                ),
            ),
            ("painting", {"painting": painting}),
        ]

    # -- Standard and contact pages --

    def build_standard_pages(self, home):
        studio = self.images.save(
            _single_picture(1200, FULL_LONG_SIDE, PORTRAIT, seed=900),
            f"Portrait of {ARTIST_NAME} in the studio, painted in muted greens",
            "about-portrait.jpg",
        )
        pages = [
            StandardPage(
                title="About",
                slug="about",
                show_in_menus=True,
                intro=f"{ARTIST_NAME} paints the sea, gardens and cities at night.",
                search_description=(
                    f"About {ARTIST_NAME}, painter in Valencia: training, exhibitions and "
                    "how to commission a painting."
                ),
                body=[
                    (
                        "paragraph",
                        _paragraphs(
                            f"{ARTIST_NAME} studied fine art in Valencia and has painted full "
                            "time since 2015. Her work is in private collections in Spain, "
                            "Portugal, France and the United Kingdom."
                        ),
                    ),
                    ("image", {"image": studio, "caption": "Self-portrait in the studio"}),
                    ("heading", {"text": "Commissions", "level": "h2"}),
                    (
                        "paragraph",
                        _paragraphs(
                            "I take a few commissions each year, usually of places that "
                            "matter to the people who ask. Write to me through the contact page."
                        ),
                    ),
                ],
            ),
            StandardPage(
                title="Shipping & returns",
                slug="shipping-returns",
                intro="How paintings travel, what it costs, and how to return one.",
                search_description=(
                    "Shipping costs and times for original paintings, insurance, and the "
                    "14-day return policy."
                ),
                body=[
                    ("heading", {"text": "Shipping", "level": "h2"}),
                    (
                        "paragraph",
                        _paragraphs(
                            "Every painting is wrapped in acid-free paper, boxed with corner "
                            "protectors and sent by insured courier within three working days.",
                            "Europe: 45 EUR. Worldwide: 120 EUR. You can also collect it from "
                            "the studio in Valencia for free.",
                        ),
                    ),
                    ("heading", {"text": "Returns", "level": "h2"}),
                    (
                        "paragraph",
                        _paragraphs(
                            "If a painting is not right for you, send it back within 14 days "
                            "of delivery in its original packaging for a full refund of the "
                            "painting's price."
                        ),
                    ),
                ],
            ),
            StandardPage(
                title="Privacy",
                slug="privacy",
                intro="What this site stores about you, and why.",
                search_description=(
                    "Privacy policy: what personal data the gallery keeps for orders and "
                    "enquiries, and how to have it deleted."
                ),
                body=[
                    (
                        "paragraph",
                        _paragraphs(
                            "When you buy a painting we keep your name, e-mail and delivery "
                            "address to send it and for our accounts. Payments are handled by "
                            "Stripe; card details never reach this site.",
                            "Messages sent through the contact form are kept for one year. "
                            "Write to us to see or delete what we hold about you.",
                        ),
                    ),
                ],
            ),
        ]
        return [self.add(home, page) for page in pages]

    def build_contact(self, home):
        contact = ContactPage(
            title="Commissions & contact",
            slug="contact",
            show_in_menus=True,
            intro=_paragraphs(
                "Ask about a painting, a commission or a studio visit. I answer within a few days."
            ),
            thank_you_text=_paragraphs(
                "Thank you for your message. I will reply within a few days."
            ),
            to_address=ARTIST_EMAIL,
            from_address=ARTIST_EMAIL,
            subject="New message from the gallery website",
            search_description=(
                f"Contact {ARTIST_NAME} about a painting, a commission or a studio visit."
            ),
        )
        fields = [
            ("Your name", "singleline", True, ""),
            ("Your e-mail", "email", True, ""),
            ("Message", "multiline", True, ""),
            (
                "Budget",
                "dropdown",
                False,
                "Under €500\n€500 to €1,500\n€1,500 to €3,000\nOver €3,000\nNot sure yet",
            ),
        ]
        for order, (label, field_type, required, choices) in enumerate(fields):
            contact.form_fields.add(
                ContactFormField(
                    label=label,
                    field_type=field_type,
                    required=required,
                    choices=choices,
                    sort_order=order,
                )
            )
        return self.add(home, contact)

    def build_settings(self, site):
        gallery_settings = GallerySettings.for_site(site)
        gallery_settings.artist_name = ARTIST_NAME
        gallery_settings.tagline = "Paintings of the sea, gardens and the city at night"
        gallery_settings.contact_email = ARTIST_EMAIL
        gallery_settings.instagram_url = "https://www.instagram.com/paulagperez.studio/"
        gallery_settings.facebook_url = "https://www.facebook.com/paulagperez.studio"
        gallery_settings.pinterest_url = "https://www.pinterest.com/paulagperez/"
        gallery_settings.footer_text = (
            f"All paintings and images © {ARTIST_NAME}. Please ask before reproducing them."
        )
        gallery_settings.save()
        ShopSettings.for_site(site)
        for rate in SHIPPING_RATES:
            ShippingRate.objects.update_or_create(name=rate["name"], defaults=rate)


@contextmanager
def _per_save_indexing_off():
    """Skip the search and reference index updates that each save would run.

    They cost more than the save itself (two queries and a full-text insert);
    the builder indexes everything it made in bulk at the end instead.
    """
    models = get_indexed_models()
    disconnected = [m for m in models if post_save.disconnect(post_save_signal_handler, sender=m)]
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in disconnected:
            post_save.connect(post_save_signal_handler, sender=model)


def _index_in_bulk(objects):
    by_model = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(obj.pk)
    backends = list(get_search_backends(with_auto_update=True))
    for model, pks in by_model.items():
        # The reference index reads every child relation (gallery images,
        # tags, form fields…): fetched together, not once per page.
        child_relations = [
            relation.get_accessor_name() for relation in get_all_child_relations(model)
        ]
        instances = list(
            model.get_indexed_objects().filter(pk__in=pks).prefetch_related(*child_relations)
        )
        for backend in backends:
            backend.add_bulk(model, instances)
        for instance in instances:
            ReferenceIndex.create_or_update_for_object(instance)


def build_demo_site(paintings=24, stdout=None, with_revisions=True):
    """Build the demo site in one transaction and return what was made.

    Pages get a published revision, as if the artist had published them in
    the admin; paintings too, unless there are more than UNIQUE_IMAGES_UP_TO.
    Call only when demo_site_exists() is False (or after delete_demo_site()).
    """
    if paintings < 1:
        raise ValueError("The demo needs at least one painting.")
    started = time.monotonic()
    builder = _Builder(paintings, stdout, with_revisions)
    with transaction.atomic():
        with _per_save_indexing_off():
            demo = builder.build()
        indexing_started = time.monotonic()
        _index_in_bulk([*demo.pages, *demo.images])
        builder.say(f"Indexed for search in {time.monotonic() - indexing_started:.1f} s.")
    demo.seconds = time.monotonic() - started
    return demo
