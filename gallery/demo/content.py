"""What the demo paintings are: the artist, the series, their palettes and formats.

Pure data, no Django: six series of paintings (titles, notes, media, years,
tags and the palette each is painted in, kept in `series.toml`), the canvas
formats and supports, what a painting costs per square centimetre, and the
shipping rates. The builder turns these into pages; `texts` holds the words
of the other pages.
"""

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .pictures import Palette

ARTIST_NAME = "Paula G. Pérez"
ARTIST_EMAIL = "studio@paulagperez.example"
# Who bought the demo's sold prints and original (its orders go with the demo).
DEMO_COLLECTOR = {"name": "Marta Ruiz", "email": "marta.ruiz@collector.example", "country": "ES"}
MEDIA_NAMES = ["Oil", "Acrylic", "Watercolour", "Gouache", "Mixed media"]
ROMAN_NUMERALS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


@dataclass(frozen=True)
class Series:
    """A body of work: one collection page, and the paintings in it."""

    title: str
    intro: str
    palette: Palette
    tags: tuple
    extra_tags: tuple
    painting_titles: tuple
    media: tuple
    years: tuple
    notes: tuple = field(default=())


def _load_series(path):
    """Palettes and series from the TOML file, as hashable values (they key caches)."""
    with path.open("rb") as file:
        data = tomllib.load(file)
    palettes = {
        motif: Palette(palette["name"], tuple(map(tuple, palette["colours"])), motif)
        for motif, palette in data["palettes"].items()
    }
    series = [
        Series(
            **{
                key: tuple(value) if isinstance(value, list) else value
                for key, value in entry.items()
            }
            | {"palette": palettes[entry["palette"]]}
        )
        for entry in data["series"]
    ]
    editions = [
        DemoEdition(
            **{
                key: Decimal(value) if key.endswith("price") else value
                for key, value in entry.items()
            }
        )
        for entry in data.get("editions", [])
    ]
    return palettes, series, editions


@dataclass(frozen=True)
class DemoEdition:
    """A print edition of the demo painting titled `painting`, and its past sales."""

    painting: str
    process: str
    support: str
    long_side: int
    margin: int
    edition_size: int
    price: Decimal
    artist_proofs: int = 0
    proof_price: Decimal | None = None
    sold: int = 0
    proofs_sold: int = 0
    notes: str = ""
    original_sold: bool = False


PALETTES, SERIES, EDITIONS = _load_series(Path(__file__).with_name("series.toml"))
SEA, GARDEN, CITY = PALETTES["sea"], PALETTES["garden"], PALETTES["city"]
STILL_LIFE, PORTRAIT, ABSTRACT = PALETTES["still_life"], PALETTES["portrait"], PALETTES["abstract"]

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


SHIPPING_RATES = [
    {
        "name": "Insured courier – Europe",
        "amount": Decimal("45.00"),
        "countries": ["FR", "DE", "NL", "BE", "LU", "IT", "ES", "PT", "AT", "IE", "DK", "SE", "FI"],
        "min_days": 2,
        "max_days": 5,
        "sort_order": 1,
    },
    {
        "name": "Insured courier – worldwide",
        "amount": Decimal("120.00"),
        "countries": ["GB", "CH", "US"],
        "min_days": 5,
        "max_days": 12,
        "sort_order": 2,
    },
    {
        "name": "Collect from the studio",
        "amount": Decimal("0.00"),
        "countries": ["ES"],
        "min_days": 1,
        "max_days": 3,
        "sort_order": 3,
    },
    {
        "name": "Tracked post, rolled in a tube",
        "amount": Decimal("15.00"),
        "countries": [],
        "applies_to": "prints",
        "min_days": 3,
        "max_days": 8,
        "sort_order": 4,
    },
]
