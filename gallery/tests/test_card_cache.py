"""Painting cards kept by cached_card (gallery/templatetags/card_cache.py) never show
what has changed: each change below is a new key. The page cache is off here
(the test settings' default), so every visit renders and reads the card cache."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from gallery.models import PaintingPage
from gallery.templatetags import card_cache
from shop import services
from shop.models import Order, SaleState
from tests.factories import shop_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    tree = shop_tree()
    Client().get(tree.collection.url)  # makes the renditions (not kept: they were not prefetched)
    card_cache.CARDS.clear()
    return tree


def card_of(page, title):
    """The markup of the card whose heading links `title`."""
    start = page.index(f">{title}</a>")
    return page[page.rindex("<article", 0, start) : page.index("</article>", start)]


def collection_card(shop, title):
    return card_of(Client().get(shop.collection.url).content.decode(), title)


def reserve(painting):
    return services.reserve_for_checkout(
        [painting.pk], reservation_minutes=30, currency="EUR", session_key="k" * 32
    )


def test_cards_are_kept_and_reused(shop):
    first = Client().get(shop.collection.url).content
    kept = dict(card_cache.CARDS)
    assert len(kept) == len(shop.paintings)
    assert Client().get(shop.collection.url).content == first
    assert kept == card_cache.CARDS


def test_a_card_follows_reserve_release_sell_and_make_available_again(shop):
    painting = shop.paintings[0]
    assert "badge--" not in collection_card(shop, "Painting 1")
    order = reserve(painting)
    assert "Reserved" in collection_card(shop, "Painting 1")
    services.release_order(order.pk, status=Order.Status.CANCELLED)
    assert "badge--" not in collection_card(shop, "Painting 1")
    order = reserve(painting)
    services.fulfil_order(order.pk, amount_total_minor=50000, details={})
    assert "Sold" in collection_card(shop, "Painting 1")
    services.make_available_again(painting.pk)
    assert "badge--" not in collection_card(shop, "Painting 1")


def test_a_card_shows_no_reservation_once_it_lapses(shop):
    painting = shop.paintings[0]
    reserve(painting)
    assert "Reserved" in collection_card(shop, "Painting 1")
    SaleState.objects.filter(painting=painting).update(
        reserved_until=timezone.now() - timedelta(seconds=1)
    )
    assert "badge--" not in collection_card(shop, "Painting 1")


def test_a_card_follows_a_republished_title_and_price(shop):
    painting = PaintingPage.objects.get(pk=shop.paintings[0].pk)
    assert "€500" in collection_card(shop, "Painting 1")
    painting.title = "Harbour at dusk"
    painting.price = Decimal("640.00")
    painting.save_revision().publish()
    card = collection_card(shop, "Harbour at dusk")
    assert "€640" in card and "€500" not in card
    assert "Painting 1" not in Client().get(shop.collection.url).content.decode()
