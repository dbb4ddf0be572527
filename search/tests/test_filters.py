"""Painting filters and sort orders, on the search page and on collection pages,
and pagination that keeps them."""

import html
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from wagtail.contrib.search_promotions.models import Query

from gallery.filters import PaintingFilterForm, filter_paintings
from gallery.models import (
    PaintingPage,
)
from tests.factories import PaintingPageFactory
from tests.helpers import SEARCH_URL, search_for, shop_settings, titles

# --- filters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"medium": "oil"}, {"Harbour at Dawn", "Quiet Harbour", "Red Boats", "Olive Grove"}),
        ({"collection": "city"}, {"Night Market", "Blue Shutters", "Green Door"}),
        # Sold, reserved (until later), unpriced and not-for-sale are left out;
        # a reservation that has run out counts as available.
        ({"available": "on"}, {"Harbour at Dawn", "Dawn Chorus", "Night Market", "Green Door"}),
        (
            {"min_price": "500", "max_price": "1200"},
            {"Harbour at Dawn", "Red Boats", "Green Door", "Olive Grove"},
        ),
        ({"min_price": "2000"}, {"Night Market"}),
        ({"max_price": "450"}, {"Dawn Chorus", "Blue Shutters"}),
        ({"size": "small"}, {"Dawn Chorus", "Blue Shutters", "Green Door"}),
        ({"size": "medium"}, {"Harbour at Dawn", "Quiet Harbour", "Red Boats", "Olive Grove"}),
        ({"size": "large"}, {"Night Market"}),
        ({"orientation": "square"}, {"Dawn Chorus", "Quiet Harbour", "Olive Grove"}),
        ({"orientation": "portrait"}, {"Night Market", "Blue Shutters", "Green Door"}),
        ({"orientation": "landscape"}, {"Harbour at Dawn", "Red Boats"}),
        (
            {"medium": "oil", "collection": "coast", "size": "medium", "orientation": "landscape"},
            {"Harbour at Dawn", "Red Boats"},
        ),
        ({"medium": "oil", "available": "on"}, {"Harbour at Dawn"}),
        ({"collection": "city", "available": "on", "max_price": "1000"}, {"Green Door"}),
        ({"q": "harbour", "available": "on"}, {"Harbour at Dawn"}),
        ({"q": "dawn", "orientation": "square"}, {"Dawn Chorus"}),
        ({"q": "harbour", "medium": "watercolour"}, set()),
    ],
)
def test_filters_and_their_combinations(client, corpus, params, expected):
    lookups = {
        "oil": corpus.oil.pk,
        "watercolour": corpus.watercolour.pk,
        "city": corpus.city.pk,
        "coast": corpus.coast.pk,
    }
    params = {key: lookups.get(value, value) for key, value in params.items()}
    response = search_for(client, **params)
    assert set(titles(response)) == expected
    assert response.context["paintings"].paginator.count == len(expected)


def test_size_limits_come_from_the_shop_settings(client, corpus):
    settings = shop_settings()
    settings.small_max_cm = 30
    settings.medium_max_cm = 60
    settings.save()
    assert set(titles(search_for(client, size="small"))) == {"Dawn Chorus", "Blue Shutters"}
    assert set(titles(search_for(client, size="large"))) == {"Night Market", "Quiet Harbour"}
    assert "Small (up to 30 cm)" in search_for(client, size="small").content.decode()


def test_square_means_sides_within_five_percent(site_tree):
    for width, height in [("100", "95"), ("95", "100"), ("100", "94.9"), ("94.9", "100")]:
        PaintingPageFactory(
            parent=site_tree.coast, title=f"{width} x {height}", width_cm=width, height_cm=height
        )
    settings = shop_settings()

    def oriented(orientation):
        paintings = filter_paintings(
            PaintingPage.objects.all(), {"orientation": orientation}, settings
        )
        return sorted(paintings.values_list("title", flat=True))

    assert oriented("square") == ["100 x 95", "95 x 100"]
    assert oriented("landscape") == ["100 x 94.9"]
    assert oriented("portrait") == ["94.9 x 100"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "price_asc",
            [
                "Dawn Chorus",
                "Blue Shutters",
                "Green Door",
                "Red Boats",
                "Olive Grove",
                "Harbour at Dawn",
                "Night Market",
                "Quiet Harbour",
            ],
        ),
        (
            "price_desc",
            [
                "Night Market",
                "Harbour at Dawn",
                "Olive Grove",
                "Red Boats",
                "Green Door",
                "Blue Shutters",
                "Dawn Chorus",
                "Quiet Harbour",
            ],
        ),
        (
            "newest",
            [
                "Dawn Chorus",
                "Blue Shutters",
                "Harbour at Dawn",
                "Quiet Harbour",
                "Night Market",
                "Red Boats",
                "Green Door",
                "Olive Grove",
            ],
        ),
    ],
)
def test_sort_orders_with_and_without_a_query(client, corpus, sort, expected):
    assert titles(search_for(client, sort=sort)) == expected
    oil = titles(search_for(client, q="oil", sort=sort))
    assert oil == [
        title
        for title in expected
        if title in {"Harbour at Dawn", "Quiet Harbour", "Red Boats", "Olive Grove"}
    ]


def test_browsing_without_query_or_filters_lists_nothing_yet(client, corpus):
    response = search_for(client)
    assert response.context["paintings"] is None
    assert "choose filters to browse" in response.content.decode()
    # "Show paintings" with nothing chosen sends empty fields: every painting.
    empty_form = {name: "" for name in ("medium", "collection", "size", "sort")}
    assert search_for(client, **empty_form).context["paintings"].paginator.count == 8


def test_collection_browsing_keeps_the_artists_order(corpus):
    form = PaintingFilterForm({"available": "on"}, default_sort_label="Artist's order")
    paintings = filter_paintings(corpus.coast.get_paintings(), form.filters, shop_settings())
    assert [p.title for p in paintings] == ["Harbour at Dawn", "Dawn Chorus"]
    assert "collection" not in form.fields
    assert form.fields["sort"].choices[0] == ("relevance", "Artist's order")

    unfiltered = filter_paintings(
        corpus.coast.get_paintings(), PaintingFilterForm().filters, shop_settings()
    )
    assert len(unfiltered) == 5


# --- pagination -------------------------------------------------------------


def next_link(response):
    match = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
    return html.unescape(match.group(1)) if match else None


@pytest.mark.parametrize("query", ["", "study"])
def test_pagination_keeps_query_and_filters(client, site_tree, query):
    for number in range(30):
        PaintingPageFactory(
            parent=site_tree.city,
            title=f"Study {number}",
            width_cm=30,
            medium=site_tree.oil,
            price=Decimal(100 + number),
        )
    PaintingPageFactory(
        parent=site_tree.city,
        title="Study in watercolour",
        width_cm=30,
        medium=site_tree.watercolour,
    )
    params = {
        "medium": site_tree.oil.pk,
        "orientation": "portrait",
        "sort": "price_desc",
        "min_price": "100",
    }
    if query:
        params["q"] = query

    first = search_for(client, **params)
    assert first.context["paintings"].paginator.count == 30
    assert len(titles(first)) == 24
    assert titles(first)[0] == "Study 29"

    link = next_link(first)
    assert link is not None
    sent = parse_qs(urlsplit(link).query)
    assert sent["page"] == ["2"]
    for key, value in params.items():
        assert sent[key] == [str(value)]
    assert 'aria-label="Next page, page 2"' in first.content.decode()

    second = client.get(SEARCH_URL + link)
    assert second.status_code == 200
    assert titles(second) == [f"Study {number}" for number in range(5, -1, -1)]
    assert next_link(second) is None
    assert 'aria-label="Previous page, page 1"' in second.content.decode()
    if query:
        assert Query.get(query).hits == 1  # turning the page is not a new search
