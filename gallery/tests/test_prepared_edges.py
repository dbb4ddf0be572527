"""Edges of the statements compiled once per process (gallery/prepared.py), found by
a hostile review, and the collection page that chooses between them and filter_paintings()."""

import threading
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from gallery.context_processors import NAVIGATION_PAGES, navigation_pages
from gallery.models import PaintingPage
from gallery.models.collections import LISTED_PAINTINGS, paintings_under
from gallery.models.home import ROUTED_PAGES, routed_pages
from gallery.prepared import PreparedQuery
from gallery.query import PATH_CEILING, child_path_bounds
from shop.models import SaleState
from shop.sale_status import SaleStatus
from tests.factories import CollectionPageFactory, PaintingPageFactory, shop_tree


def listed_titles(url):
    page = Client().get(url).content.decode()
    return {
        title for title in ("Painting 1", "Painting 2", "Painting 3", "No price") if title in page
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Nothing costs 0 or less: no painting is listed.
        ("max_price=0", set()),
        # A painting without a price is not "from 0 up".
        ("min_price=0", {"Painting 1", "Painting 2", "Painting 3"}),
        ("min_price=0.00&max_price=0.00", set()),
    ],
)
def test_a_zero_price_filter_is_applied(query, expected):
    """listed_paintings() takes the unfiltered, prepared statement when no filter
    value is truthy: a price of 0 (Decimal("0"), falsy) is a filter all the same,
    which filter_paintings() applies (`is not None`)."""
    tree = shop_tree()
    PaintingPageFactory(parent=tree.collection, title="No price", price=None, image=None)
    assert listed_titles(f"{tree.collection.url}?{query}") == expected


def bounds(collection, now):
    return {
        "path": collection.path,
        "end": collection.path + PATH_CEILING,
        "depth": collection.depth + 1,
        "now": now,
    }


def cards(paintings):
    return [(p.pk, p.title, p.sale_status, p.prints_from) for p in paintings]


@pytest.mark.django_db
def test_values_equal_to_each_other_to_a_depth_or_to_none_keep_their_places():
    """Real values that collide (an id equal to a depth or to another id, a path
    that is also a slug, a None id, LIKE wildcards) are swapped by position."""
    tree = shop_tree()
    root = tree.home
    path, end, length = child_path_bounds(root.path)
    for ids in [(length, length, length), (None, 0, None), (tree.paintings[0].pk,) * 3]:
        values = dict(zip(("shipping_returns_id", "privacy_id", "contact_id"), ids, strict=True))
        values |= {"path": path, "end": end, "length": length}
        assert [p.pk for p in NAVIGATION_PAGES(**values)] == [
            p.pk for p in navigation_pages(**values)
        ]
    for slug in ("%", "_", "sea%", tree.collection.slug):
        values = {
            "parent_path": tree.collection.url_path,
            "url_path": tree.collection.url_path,
            "parent_slug": slug,
            "slug": slug,
        }
        assert sorted(p.pk for p in ROUTED_PAGES(**values)) == sorted(
            p.pk for p in routed_pages(**values)
        )


@pytest.mark.django_db
def test_a_reservation_lapses_at_its_exact_moment():
    tree = shop_tree()
    until = timezone.now().replace(microsecond=0) + timedelta(minutes=5)
    SaleState.objects.create(
        painting=tree.paintings[0], status=SaleStatus.RESERVED, reserved_until=until
    )
    for now in (until - timedelta(microseconds=1), until, until + timedelta(microseconds=1)):
        values = bounds(tree.collection, now)
        assert cards(LISTED_PAINTINGS(**values)) == cards(paintings_under(**values))
    assert LISTED_PAINTINGS(**bounds(tree.collection, until))[0].sale_status == "available"


@pytest.mark.django_db(transaction=True)
def test_threads_share_the_statement_and_each_get_their_own_values():
    """gthread workers: one compiled statement, each thread its own connection and
    values, at the same time."""
    if connection.vendor == "sqlite":
        pytest.skip("the test database is in memory: threads do not share it")
    tree = shop_tree()
    other = CollectionPageFactory(parent=tree.collection.get_parent(), title="Other")
    for index in range(4):
        PaintingPageFactory(parent=other, title=f"Other {index}", price=Decimal("10"))
    collections = [tree.collection, other]
    expected = {c.pk: cards(paintings_under(**bounds(c, timezone.now()))) for c in collections}
    failures = []

    def read(collection):
        try:
            for _ in range(20):
                got = cards(LISTED_PAINTINGS(**bounds(collection, timezone.now())))
                if got != expected[collection.pk]:
                    failures.append((collection.title, got))
        finally:
            connection.close()

    threads = [threading.Thread(target=read, args=(collections[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert PaintingPage.objects.count() == 7


@pytest.mark.django_db
@pytest.mark.parametrize("hide", ["unpublished", "password", None])
def test_a_collection_deeper_than_the_indexed_ancestors_lists_only_visible_paintings(hide):
    """Below INDEXED_ANCESTOR_DEPTH the condition falls back to a prefix search:
    the long path is swapped into the same statement, and a hidden ancestor at
    depth 13 still hides the paintings at depth 16."""
    tree = shop_tree()
    parent = tree.collection.get_parent()
    hidden = None
    while parent.depth < 14:
        parent = parent.add_child(instance=Page(title=f"Level {parent.depth + 1}"))
        if parent.depth == 13:
            hidden = parent
    deep = CollectionPageFactory(parent=parent, title="Deep")
    for index in range(2):
        PaintingPageFactory(parent=deep, title=f"Deep {index}", price=Decimal("10"))
    if hide == "unpublished":
        hidden.unpublish()
    elif hide == "password":
        PageViewRestriction.objects.create(
            page=hidden, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
    LISTED_PAINTINGS(**bounds(tree.collection, timezone.now()))  # compiled for a short path
    values = bounds(deep, timezone.now())
    assert len(values["path"]) > 4 * 12
    listed = cards(LISTED_PAINTINGS(**values))
    assert listed == cards(paintings_under(**values))
    assert len(listed) == (0 if hide else 2)
    assert LISTED_PAINTINGS.count(**values) == len(listed)


@pytest.mark.django_db
def test_a_query_prepared_with_use_tz_off_answers_as_its_queryset(settings):
    """The datetime probes are aware: with USE_TZ off, SQLite refuses them while
    compiling, so preparing fails where the plain queryset (a naive now) works."""
    tree = shop_tree()
    settings.USE_TZ = False
    listed = PreparedQuery(paintings_under, path=str, end=str, depth=int, now=datetime)
    values = bounds(tree.collection, timezone.now())
    assert cards(listed(**values)) == cards(paintings_under(**values))
