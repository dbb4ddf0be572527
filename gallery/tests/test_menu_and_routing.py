"""The header menu and routing, found through indexes (gallery/query.py child_paths,
HomePage.route): the same pages as the tree says, whatever lies below them."""

import pytest
from django.test import Client
from wagtail.models import Page

from gallery.context_processors import Navigation
from gallery.models import PaintingPage
from gallery.query import all_pages, child_paths
from tests.factories import (
    CollectionPageFactory,
    GalleryIndexPageFactory,
    HomePageFactory,
    PaintingPageFactory,
    StandardPageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    home = HomePageFactory(site=True)
    gallery = GalleryIndexPageFactory(parent=home, title="Gallery", show_in_menus=True)
    hidden = StandardPageFactory(parent=home, title="Hidden", slug="hidden", show_in_menus=False)
    about = StandardPageFactory(parent=home, title="About", slug="about", show_in_menus=True)
    collections = [
        CollectionPageFactory(parent=gallery, title=f"Series {n}", slug=f"series-{n}")
        for n in range(3)
    ]
    for collection in collections:
        for n in range(3):
            PaintingPageFactory(parent=collection, title=f"{collection.title} {n}")
    # In a menu by its flag, but not a child of the root: never in the header.
    StandardPageFactory(parent=gallery, title="Deep", slug="deep", show_in_menus=True)
    return home, gallery, hidden, about, collections


def test_child_paths_are_the_children_whatever_is_below_them(tree):
    home, gallery, hidden, about, collections = tree
    for parent in (home, gallery, collections[1], about):
        expected = list(parent.get_children().values_list("path", flat=True))
        found = list(
            Page.objects.filter(path__in=child_paths(parent)).values_list("path", flat=True)
        )
        assert sorted(found) == expected, parent


def test_the_menu_is_the_roots_live_children_marked_for_menus(tree):
    home, gallery, hidden, about, _ = tree
    assert [page.title for page in Navigation(home, {}).menu] == ["Gallery", "About"]
    page = Client().get("/").content.decode()
    assert ">Gallery<" in page and ">About<" in page
    assert ">Deep<" not in page and ">Hidden<" not in page


def test_routing_finds_pages_by_address_and_refuses_others(tree):
    home, gallery, _, _, collections = tree
    painting = PaintingPage.objects.child_of(collections[2]).order_by("path").last()
    assert Client().get(painting.url).status_code == 200
    assert Client().get(f"{collections[0].url}{painting.slug}x/").status_code == 404
    assert Client().get(f"{gallery.url}no-such-series/{painting.slug}/").status_code == 404
    collections[2].unpublish()
    assert Client().get(painting.url).status_code == 404
    assert all_pages().reachable().filter(pk=painting.pk).count() == 0
