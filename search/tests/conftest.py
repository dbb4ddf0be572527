"""The search tests' corpus: a small real page tree, indexed by Wagtail's own signal handlers.

Pages are created the way the admin does (add_child, then a publish-style
save), so the search index is filled as it would be on the site.
"""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from gallery.models import Medium
from shop.sale_status import SaleStatus
from tests.factories import (
    ArticlePageFactory,
    CollectionPageFactory,
    GalleryIndexPageFactory,
    HomePageFactory,
    JournalIndexPageFactory,
    PaintingPageFactory,
    SaleStateFactory,
    StandardPageFactory,
)

# --- building the corpus ----------------------------------------------------


@pytest.fixture
def site_tree(db):
    home = HomePageFactory(site__hostname="testserver", site__port=80)
    gallery = GalleryIndexPageFactory(parent=home)
    return SimpleNamespace(
        home=home,
        gallery=gallery,
        journal=JournalIndexPageFactory(parent=home),
        coast=CollectionPageFactory(parent=gallery, title="Coastal Light", slug="coast"),
        city=CollectionPageFactory(parent=gallery, title="City Nights", slug="city"),
        oil=Medium.objects.create(name="Oil"),
        watercolour=Medium.objects.create(name="Watercolour"),
        acrylic=Medium.objects.create(name="Acrylic"),
    )


@pytest.fixture
def corpus(site_tree):
    t = site_tree
    now = timezone.now()
    paintings = SimpleNamespace(
        harbour_dawn=PaintingPageFactory(
            parent=t.coast,
            title="Harbour at Dawn",
            width_cm=60,
            height_cm=40,
            medium=t.oil,
            year=2021,
            price=Decimal("1200"),
            description="<p>A quiet morning in the harbour.</p>",
            tags=["boats"],
        ),
        dawn_chorus=PaintingPageFactory(
            parent=t.coast,
            title="Dawn Chorus",
            width_cm=30,
            height_cm=30,
            medium=t.watercolour,
            year=2023,
            price=Decimal("300"),
            support="paper",
        ),
        night_market=PaintingPageFactory(
            parent=t.city,
            title="Night Market",
            width_cm=80,
            height_cm=120,
            medium=t.acrylic,
            year=2019,
            price=Decimal("2500"),
            tags=["lanterns"],
        ),
        quiet_harbour=PaintingPageFactory(
            parent=t.coast,
            title="Quiet Harbour",
            width_cm=100,
            height_cm=96,
            medium=t.oil,
            year=2020,
            price=None,
        ),
        blue_shutters=PaintingPageFactory(
            parent=t.city,
            title="Blue Shutters",
            width_cm=20,
            height_cm=30,
            medium=t.watercolour,
            year=2022,
            price=Decimal("450"),
        ),
        red_boats=PaintingPageFactory(
            parent=t.coast,
            title="Red Boats",
            width_cm=45,
            height_cm=35,
            medium=t.oil,
            year=2018,
            price=Decimal("800"),
        ),
        green_door=PaintingPageFactory(
            parent=t.city,
            title="Green Door",
            width_cm=30,
            height_cm=40,
            medium=t.acrylic,
            year=2017,
            price=Decimal("600"),
        ),
        olive_grove=PaintingPageFactory(
            parent=t.coast,
            title="Olive Grove",
            width_cm=50,
            height_cm=50,
            medium=t.oil,
            year=2016,
            price=Decimal("900"),
            for_sale=False,
        ),
    )
    SaleStateFactory(painting=paintings.blue_shutters, status=SaleStatus.SOLD)
    reserved = SaleStatus.RESERVED
    SaleStateFactory(
        painting=paintings.red_boats, status=reserved, reserved_until=now + timedelta(minutes=20)
    )
    SaleStateFactory(
        painting=paintings.green_door, status=reserved, reserved_until=now - timedelta(minutes=5)
    )
    ArticlePageFactory(
        parent=t.journal,
        title="Painting the harbour at dawn",
        date=now.date(),
        intro="Notes from a cold morning by the water.",
    )
    StandardPageFactory(
        parent=t.home, title="About the studio", slug="about", intro="Where I paint."
    )
    t.paintings = paintings
    return t
