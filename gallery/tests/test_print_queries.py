"""Prints cost public pages no query per edition, number or painting."""

import pytest

from gallery.models import PaintingPage
from gallery.tests.test_query_budget import BUDGET, add_paintings, count_queries, site_tree
from shop.sale_status import SaleStatus
from tests.factories import add_edition

from .prints import hold

pytestmark = pytest.mark.django_db

__all__ = ["site_tree"]  # the fixture, shared with the query budget's tests


def report(name, counts):
    print(f"\nSQL queries, {name}:", counts)


def test_a_painting_page_costs_the_same_with_one_edition_or_three_many_sold(site_tree):
    home, collection = site_tree
    painting = add_paintings(home, collection, 5)
    counts = {"no edition": count_queries(painting.url)}

    first = add_edition(painting, size=30, proofs=3, offer_proofs=True, proof_price="400")
    counts["1 edition"] = count_queries(painting.url)

    second = add_edition(painting, size=500, process="Screen print")
    third = add_edition(painting, size=20, proofs=2)
    hold(first, 25)
    hold(first, 2, SaleStatus.RESERVED)
    hold(first, 1, proof=True)
    hold(second, 300)
    hold(second, 100, SaleStatus.RESERVED)
    hold(second, 50, SaleStatus.RESERVED, minutes=-5)  # lapsed
    hold(third, 20)  # sold out
    counts["3 editions, 500 numbers held"] = count_queries(painting.url)

    report("painting page", {name: count for name, (count, _) in counts.items()})
    (one, _), (three, queries) = counts["1 edition"], counts["3 editions, 500 numbers held"]
    assert one == three, queries
    assert three <= BUDGET, "\n".join(queries)
    assert "Only 1 left" not in "".join(queries)  # sanity: queries, not HTML
    assert PaintingPage.objects.get(pk=painting.pk).get_editions()[2].sold_out


def test_a_collection_page_with_prints_costs_the_same_whatever_its_size(site_tree):
    home, collection = site_tree
    add_paintings(home, collection, 5)
    for painting in PaintingPage.objects.child_of(collection)[:2]:
        add_edition(painting)
    few, _ = count_queries(collection.url)

    add_paintings(home, collection, 19, start=5)
    for index, painting in enumerate(PaintingPage.objects.child_of(collection)[2:20]):
        edition = add_edition(painting, size=10, price=f"{100 + index}.00")
        add_edition(painting, size=5, process="Screen print")
        hold(edition, 10 if index % 3 == 0 else 4)
    many, queries = count_queries(collection.url)

    report("collection page", {"2 with prints": few, "20 with prints, 38 editions": many})
    assert few == many, queries
    assert many <= BUDGET, "\n".join(queries)


def test_a_search_for_prints_costs_the_same_whatever_the_results(site_tree):
    home, collection = site_tree
    add_paintings(home, collection, 3)
    for painting in PaintingPage.objects.child_of(collection):
        add_edition(painting)
    few, _ = count_queries("/search/?q=Painting&prints=on")
    add_paintings(home, collection, 20, start=3)
    for painting in PaintingPage.objects.child_of(collection)[3:]:
        add_edition(painting)
    many, queries = count_queries("/search/?q=Painting&prints=on")
    report("search page", {"3 results": few, "23 results": many})
    assert few == many, queries
    assert many <= BUDGET, "\n".join(queries)
