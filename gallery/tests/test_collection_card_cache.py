"""The gallery index's collection cards, kept by cached_collection_card
(gallery/templatetags/card_cache.py), never show what has changed."""

import pytest
from django.test import Client

from gallery.models import CollectionPage
from gallery.templatetags import card_cache
from tests.factories import CollectionPageFactory, ImageFactory, shop_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    tree = shop_tree()
    tree.gallery = tree.collection.get_parent()
    CollectionPage.objects.filter(pk=tree.collection.pk).update(cover_image=ImageFactory())
    Client().get(tree.gallery.url)  # makes the renditions
    card_cache.CARDS.clear()
    return tree


def index(shop):
    return Client().get(shop.gallery.url).content.decode()


def test_collection_cards_are_kept_and_reused(shop):
    first = index(shop)
    assert len(card_cache.CARDS) == 1
    assert index(shop) == first
    assert len(card_cache.CARDS) == 1


def test_a_card_follows_a_new_title_years_and_cover(shop):
    index(shop)
    collection = CollectionPage.objects.get(pk=shop.collection.pk)
    collection.title, collection.year_start, collection.year_end = "Harbours", 2019, 2021
    collection.save_revision().publish()
    page = index(shop)
    assert ">Harbours</a>" in page and "2019–2021" in page
    cover = ImageFactory(title="New cover", file__width=90, file__height=60)
    collection.cover_image = cover
    collection.save_revision().publish()
    index(shop)  # its renditions are made on this first view
    assert f"images/{cover.file.name.split('/')[-1].rsplit('.', 1)[0]}" in index(shop)


def test_a_new_collection_gets_its_own_card(shop):
    index(shop)
    CollectionPageFactory(parent=shop.gallery, title="Woods")
    page = index(shop)
    assert ">Woods</a>" in page and ">Sea</a>" in page
