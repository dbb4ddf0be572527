"""The home page's selection does not repeat what stands above it (the hero, the
featured series) and does not put two paintings of one collection side by side
where another can stand between them; otherwise it keeps the artist's order."""

import pytest
from django.test import Client

from gallery.models import HomePageFeaturedPainting
from tests.factories import (
    CollectionPageFactory,
    GalleryIndexPageFactory,
    HomePageFactory,
    ImageFactory,
    PaintingPageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """Three collections (sea, garden, city); the artist features sea, sea, garden,
    garden, city, city in that order, and the sea series is the featured one."""
    home = HomePageFactory(site=True)
    index = GalleryIndexPageFactory(parent=home)
    collections = {
        name: CollectionPageFactory(parent=index, title=name.title(), slug=name)
        for name in ("sea", "garden", "city")
    }
    featured = []
    for name in ("sea", "garden", "city"):
        for number in (1, 2):
            featured.append(
                PaintingPageFactory(
                    parent=collections[name],
                    title=f"{name} {number}",
                    slug=f"{name}-{number}",
                    image=ImageFactory(title=f"{name} {number}"),
                )
            )
    for order, painting in enumerate(featured):
        HomePageFeaturedPainting.objects.create(page=home, painting=painting, sort_order=order)
    home.featured_collection = collections["sea"]
    home.save()
    return home, collections, featured


def selected_titles(home):
    home.refresh_from_db()
    return [
        p.title
        for p in home.vary_selection(home.get_featured_paintings(), home.get_featured_collection())
    ]


def test_the_featured_series_goes_last_and_collections_alternate(tree):
    home, _, _ = tree
    assert selected_titles(home) == ["garden 1", "city 1", "garden 2", "city 2", "sea 1", "sea 2"]


def test_a_hero_that_is_a_selected_painting_sends_its_series_and_itself_last(tree):
    home, collections, featured = tree
    home.featured_collection = None
    home.hero_image = featured[4].image  # "city 1"
    home.save()
    assert selected_titles(home) == ["sea 1", "garden 1", "sea 2", "garden 2", "city 2", "city 1"]


def test_the_home_page_shows_the_varied_order(tree):
    home, _, _ = tree
    html = Client().get(home.url).content.decode()
    selection = html[html.index('id="featured-paintings-heading"') :]
    positions = [selection.index(f">{title}<") for title in ("garden 1", "city 1", "sea 1")]
    assert positions == sorted(positions)


def test_one_collection_alone_keeps_the_artists_order(tree):
    home, collections, featured = tree
    HomePageFeaturedPainting.objects.filter(painting__in=featured[2:]).delete()
    home.featured_collection = None
    home.save()
    assert selected_titles(home) == ["sea 1", "sea 2"]
