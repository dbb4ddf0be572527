"""The header menu and routing, found through indexes (gallery/query.py child_paths,
HomePage.route): the same pages as the tree says, whatever lies below them."""

import pytest
from django.db import connection
from django.test import Client
from wagtail.models import Page

from gallery.context_processors import Navigation, navigation_pages
from gallery.models import PaintingPage
from gallery.query import all_pages, child_of, child_path_bounds
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
        found = list(Page.objects.filter(child_of(parent)).values_list("path", flat=True))
        assert sorted(found) == expected, parent


def test_the_menu_is_the_roots_live_children_marked_for_menus(tree):
    home, gallery, hidden, about, _ = tree
    assert [page.title for page in Navigation(home, {}).menu] == ["Gallery", "About"]
    page = Client().get("/").content.decode()
    assert ">Gallery<" in page and ">About<" in page
    assert ">Deep<" not in page and ">Hidden<" not in page


def test_pages_for_buyers_are_found_wherever_they_are(tree):
    home, gallery, hidden, about, _ = tree
    deep = Page.objects.get(slug="deep")
    hidden.unpublish()
    roles = {"privacy": deep.pk, "contact": about.pk, "shipping_returns": hidden.pk}
    nav = Navigation(home, roles)
    found = {role: page and page.pk for role, page in nav.buyer_pages.items()}
    assert found == {"privacy": deep.pk, "contact": about.pk, "shipping_returns": None}
    assert [page.title for page in nav.menu] == ["Gallery", "About"]


def scans_of(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from scans_of(child)


def add_raw_pages_below(parent, count):
    """`count` more pages under `parent`, copies of its first child made in one
    statement (factories would take minutes), and fresh planner statistics."""
    table = Page._meta.db_table
    copied = [
        f.column
        for f in Page._meta.concrete_fields
        if f.column not in ("id", "path", "translation_key", "slug", "url_path")
    ]
    columns = ", ".join(copied)
    first_child = parent.get_children().first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (path, translation_key, slug, url_path, {columns})"  # noqa: S608 - names from the model
            f" SELECT %s || LPAD(UPPER(TO_HEX(n + 4096)), 4, '0'), gen_random_uuid(),"
            f" 'copy-' || n, url_path || n || '/', {columns}"
            f" FROM {table}, generate_series(1, %s) AS n WHERE id = %s",
            [parent.path, count, first_child.pk],
        )
        cursor.execute(f"ANALYZE {table}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own query plans")
def test_the_menu_query_finds_pages_through_the_index_whatever_the_gallery_size(tree):
    """`path IN children OR id IN buyer pages` read every page (1.5 ms at 10,000
    paintings, on every page view): each page is now found by an index condition."""
    home, gallery, *_ = tree
    add_raw_pages_below(gallery, 10_000)
    queryset = navigation_pages(*child_path_bounds(home.path), home.pk, 0, 0)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]["Plan"]
    page_scans = [
        node for node in scans_of(plan) if node.get("Relation Name") == Page._meta.db_table
    ]
    assert page_scans
    assert all("Index Cond" in node for node in page_scans), page_scans
    assert [page.title for page in queryset] == ["Home", "Gallery", "About"]


def test_routing_finds_pages_by_address_and_refuses_others(tree):
    home, gallery, _, _, collections = tree
    painting = PaintingPage.objects.child_of(collections[2]).order_by("path").last()
    assert Client().get(painting.url).status_code == 200
    assert Client().get(f"{collections[0].url}{painting.slug}x/").status_code == 404
    assert Client().get(f"{gallery.url}no-such-series/{painting.slug}/").status_code == 404
    collections[2].unpublish()
    assert Client().get(painting.url).status_code == 404
    assert all_pages().reachable().filter(pk=painting.pk).count() == 0
