"""Queries compiled once per process (gallery/prepared.py) give what the querysets
they stand for give, with each call's own values: the time now (a reservation
lapses), the page. Counts and values, never timings."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gallery.context_processors import NAVIGATION_PAGES
from gallery.models import HomePageFeaturedPainting, PaintingPage
from gallery.models.collections import LISTED_PAINTINGS, paintings_under
from gallery.models.home import (
    FEATURED_PAINTINGS,
    LATEST_ARTICLES,
    ROUTED_PAGES,
    VISIBLE_COLLECTION,
    featured_paintings,
)
from gallery.models.paintings import (
    OFFERED_EDITIONS,
    PAINTING_DETAILS,
    offered_editions,
    painting_details,
)
from gallery.prepared import PreparedQuery
from gallery.query import PATH_CEILING
from gallery.tests.prints import hold
from shop.models import SaleState
from shop.sale_status import SaleStatus
from tests.factories import (
    ArticlePageFactory,
    CollectionPageFactory,
    JournalIndexPageFactory,
    PaintingPageFactory,
    SaleStateFactory,
    add_edition,
    shop_tree,
)

pytestmark = pytest.mark.django_db

PREPARED = (
    NAVIGATION_PAGES,
    ROUTED_PAGES,
    LISTED_PAINTINGS,
    FEATURED_PAINTINGS,
    VISIBLE_COLLECTION,
    LATEST_ARTICLES,
    PAINTING_DETAILS,
    OFFERED_EDITIONS,
)


@pytest.fixture
def gallery():
    """Paintings in every sale state, some featured on the home page, one with prints."""
    tree = shop_tree(prices=("500.00", "1200.00", "80.00", "90.00", "95.00"))
    available, reserved, sold, not_for_sale, unpublished = tree.paintings
    soon = timezone.now() + timedelta(minutes=10)
    SaleStateFactory(painting=reserved, status=SaleStatus.RESERVED, reserved_until=soon)
    SaleStateFactory(painting=sold)
    PaintingPage.objects.filter(pk=not_for_sale.pk).update(for_sale=False)
    unpublished.unpublish()
    edition = add_edition(available, size=3, price="120.00")
    hold(edition, 2)
    for order, painting in enumerate(tree.paintings):
        HomePageFeaturedPainting.objects.create(page=tree.home, painting=painting, sort_order=order)
    tree.home.featured_collection = tree.collection
    tree.home.save()
    tree.reserved_until, tree.edition = soon, edition
    return tree


def cards(paintings):
    return [(p.pk, p.title, p.sale_status, p.prints_from) for p in paintings]


def test_every_page_query_is_prepared(gallery):
    """None of them falls back to building its queryset on every request."""
    for url in (gallery.home.url, gallery.collection.url, gallery.paintings[0].url):
        assert Client().get(url).status_code == 200
    for query in PREPARED:
        assert query.statement() is not None, query.build.__name__


@pytest.mark.parametrize("minutes", [0, 11])
def test_lists_are_what_their_querysets_give_at_each_moment(gallery, minutes):
    """Eleven minutes on, the reservation has lapsed: the statement compiled
    earlier answers with the new moment, not the one it was compiled with."""
    now = timezone.now() + timedelta(minutes=minutes)
    collection = gallery.collection
    listed = {
        "path": collection.path,
        "end": collection.path + PATH_CEILING,
        "depth": collection.depth + 1,
        "now": now,
    }
    LISTED_PAINTINGS(**listed)  # compiled at another moment than the one compared
    assert cards(LISTED_PAINTINGS(**listed)) == cards(paintings_under(**listed))
    assert LISTED_PAINTINGS.count(**listed) == paintings_under(**listed).count() == 4
    assert cards(LISTED_PAINTINGS.slice(1, 3, **listed)) == cards(paintings_under(**listed)[1:3])

    featured = {"home_id": gallery.home.pk, "now": now}
    assert cards(FEATURED_PAINTINGS(**featured)) == cards(featured_paintings(**featured))

    statuses = [p.sale_status for p in LISTED_PAINTINGS(**listed)]
    reserved = SaleStatus.AVAILABLE if minutes else SaleStatus.RESERVED
    expected = [SaleStatus.AVAILABLE, reserved, SaleStatus.SOLD, SaleStatus.NOT_FOR_SALE]
    assert statuses == expected
    assert LISTED_PAINTINGS(**listed)[0].prints_from == Decimal("120.00")


def test_a_painting_and_its_editions_are_what_their_querysets_give(gallery):
    painting = gallery.paintings[1]
    for now in (timezone.now(), gallery.reserved_until + timedelta(seconds=1)):
        (prepared,) = PAINTING_DETAILS(pk=painting.pk, now=now)
        (built,) = painting_details(pk=painting.pk, now=now)
        assert (prepared.pk, prepared.sale_status) == (built.pk, built.sale_status)
        assert prepared.sale_state == built.sale_state  # select_related kept
    assert PAINTING_DETAILS(pk=painting.pk, now=timezone.now())[0].sale_status == "reserved"

    hold(gallery.edition, 1, status=SaleStatus.RESERVED, minutes=5)
    values = {"page_id": gallery.paintings[0].pk}
    for now in (timezone.now(), timezone.now() + timedelta(minutes=6)):
        prepared = OFFERED_EDITIONS(now=now, **values)
        built = list(offered_editions(now=now, **values))
        assert [(e.pk, e.numbers_left, e.process.name) for e in prepared] == [
            (e.pk, e.numbers_left, e.process.name) for e in built
        ]
    assert [e.numbers_left for e in OFFERED_EDITIONS(now=timezone.now(), **values)] == [0]


def test_the_home_page_shows_its_series_and_notes_while_visible(gallery):
    journal = JournalIndexPageFactory(parent=gallery.home)
    ArticlePageFactory(parent=journal, title="Studio notes", date=datetime.date(2026, 1, 1))
    page = Client().get(gallery.home.url).content.decode()
    assert "featured-collection-heading" in page and "Studio notes" in page
    gallery.collection.unpublish()
    journal.unpublish()
    page = Client().get(gallery.home.url).content.decode()
    assert "featured-collection-heading" not in page and "Studio notes" not in page


def test_a_query_whose_values_shape_its_sql_is_built_each_time():
    """A value Django turns into something else (a LIKE pattern) cannot be swapped
    in: the query is not prepared, and still answers."""
    tree = shop_tree()
    by_prefix = PreparedQuery(
        lambda prefix: PaintingPage.objects.filter(title__startswith=prefix).order_by("pk"),
        prefix=str,
    )
    assert [p.title for p in by_prefix(prefix="Painting 2")] == ["Painting 2"]
    assert by_prefix.statement() is None
    assert by_prefix.count(prefix="Painting") == len(tree.paintings)


def test_a_query_shaped_by_a_values_length_is_built_each_time():
    """SQL that inlines something of a value (here its length) fits one length only."""
    tree = shop_tree()

    def under(path):
        matches = RawSQL(f"SUBSTR(path, 1, {len(path)}) = %s", (path,), BooleanField())  # noqa: S611 - the test's own SQL
        return PaintingPage.objects.annotate(under=matches).filter(under=True)

    by_path = PreparedQuery(under, path=str)
    assert by_path.count(path=tree.collection.path) == len(tree.paintings)
    assert by_path.statement() is None
    assert len(by_path(path=tree.home.path)) == len(tree.paintings)


def test_pages_show_each_change_of_sale_state_and_a_new_painting(gallery):
    """The pages that use the prepared statements, through changes made after
    they were compiled."""
    client = Client()
    assert "Painting 3" in client.get(gallery.collection.url).content.decode()
    SaleState.objects.filter(painting=gallery.paintings[2]).delete()
    page = client.get(gallery.collection.url).content.decode()
    start = page.index(">Painting 3</a>")
    assert "badge--sold" not in page[start : page.index("</article>", start)]

    other = CollectionPageFactory(parent=gallery.collection.get_parent(), title="Other")
    PaintingPageFactory(parent=other, title="Elsewhere", price=Decimal("10"))
    assert "Elsewhere" in client.get(other.url).content.decode()
    assert "Elsewhere" not in client.get(gallery.collection.url).content.decode()


def test_a_prepared_list_costs_the_same_statements(gallery):
    """Preparing saves compiling, not queries: the count and the page, as before."""
    Client().get(gallery.collection.url)
    with CaptureQueriesContext(connection) as queries:
        Client().get(gallery.collection.url)
    listing = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
    assert len(listing) == 1
