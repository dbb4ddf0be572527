"""The search tests' corpus: a small real page tree, indexed by Wagtail's own signal handlers.

Pages are created the way the admin does (add_child, then a publish-style
save), so the search index is filled as it would be on the site.
"""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site

from gallery.models import (
    ArticlePage,
    CollectionPage,
    GalleryIndexPage,
    HomePage,
    JournalIndexPage,
    Medium,
    PaintingPage,
    StandardPage,
)
from shop.models import SaleState, ShopSettings
from shop.sale_status import SaleStatus

SEARCH_URL = reverse("search")


# --- building the corpus ----------------------------------------------------


@pytest.fixture
def site_tree(db):
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Home", slug="search-home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "testserver", "port": 80, "root_page": home},
    )
    gallery = home.add_child(instance=GalleryIndexPage(title="Gallery", slug="gallery"))
    journal = home.add_child(instance=JournalIndexPage(title="Journal", slug="journal"))
    return SimpleNamespace(
        home=home,
        gallery=gallery,
        journal=journal,
        coast=gallery.add_child(instance=CollectionPage(title="Coastal Light", slug="coast")),
        city=gallery.add_child(instance=CollectionPage(title="City Nights", slug="city")),
        oil=Medium.objects.create(name="Oil"),
        watercolour=Medium.objects.create(name="Watercolour"),
        acrylic=Medium.objects.create(name="Acrylic"),
    )


def add_painting(collection, title, *, width, height, tags=(), **fields):
    fields.setdefault("price", Decimal("1000"))
    fields.setdefault("support", "canvas")
    painting = PaintingPage(
        title=title, width_cm=Decimal(width), height_cm=Decimal(height), **fields
    )
    painting.tags.add(*tags)
    collection.add_child(instance=painting)
    if tags:
        # Tags are written just after the page row, so the first index entry
        # misses them; the admin's next save (the revision) indexes them.
        painting.save_revision().publish()
    return painting


def sale_state(painting, status, reserved_until=None):
    SaleState.objects.create(painting=painting, status=status, reserved_until=reserved_until)


@pytest.fixture
def corpus(site_tree):
    t = site_tree
    now = timezone.now()
    paintings = SimpleNamespace(
        harbour_dawn=add_painting(
            t.coast,
            "Harbour at Dawn",
            width=60,
            height=40,
            medium=t.oil,
            year=2021,
            price=Decimal("1200"),
            description="<p>A quiet morning in the harbour.</p>",
            tags=["boats"],
        ),
        dawn_chorus=add_painting(
            t.coast,
            "Dawn Chorus",
            width=30,
            height=30,
            medium=t.watercolour,
            year=2023,
            price=Decimal("300"),
            support="paper",
        ),
        night_market=add_painting(
            t.city,
            "Night Market",
            width=80,
            height=120,
            medium=t.acrylic,
            year=2019,
            price=Decimal("2500"),
            tags=["lanterns"],
        ),
        quiet_harbour=add_painting(
            t.coast,
            "Quiet Harbour",
            width=100,
            height=96,
            medium=t.oil,
            year=2020,
            price=None,
        ),
        blue_shutters=add_painting(
            t.city,
            "Blue Shutters",
            width=20,
            height=30,
            medium=t.watercolour,
            year=2022,
            price=Decimal("450"),
        ),
        red_boats=add_painting(
            t.coast,
            "Red Boats",
            width=45,
            height=35,
            medium=t.oil,
            year=2018,
            price=Decimal("800"),
        ),
        green_door=add_painting(
            t.city,
            "Green Door",
            width=30,
            height=40,
            medium=t.acrylic,
            year=2017,
            price=Decimal("600"),
        ),
        olive_grove=add_painting(
            t.coast,
            "Olive Grove",
            width=50,
            height=50,
            medium=t.oil,
            year=2016,
            price=Decimal("900"),
            for_sale=False,
        ),
    )
    sale_state(paintings.blue_shutters, SaleStatus.SOLD)
    sale_state(paintings.red_boats, SaleStatus.RESERVED, now + timedelta(minutes=20))
    sale_state(paintings.green_door, SaleStatus.RESERVED, now - timedelta(minutes=5))
    t.journal.add_child(
        instance=ArticlePage(
            title="Painting the harbour at dawn",
            date=now.date(),
            intro="Notes from a cold morning by the water.",
        )
    )
    t.home.add_child(
        instance=StandardPage(title="About the studio", slug="about", intro="Where I paint.")
    )
    t.paintings = paintings
    return t


def default_settings():
    return ShopSettings.for_site(Site.objects.get(is_default_site=True))


def titles(response):
    return [painting.title for painting in response.context["paintings"]]


def get(client, **params):
    response = client.get(SEARCH_URL, params)
    assert response.status_code == 200
    return response
