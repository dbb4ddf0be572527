"""Prints beside the originals: how many are left, the painting page's offers and
their forms, "Prints from" on cards and in search, and the JSON-LD."""

import json
import re

import pytest
from django.test import Client

from gallery.models import PaintingPage, PrintEdition
from shop.models import PrintNumber
from shop.sale_status import SaleStatus
from tests.factories import SaleStateFactory, add_edition, shop_tree

from .prints import hold, print_forms

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return shop_tree(prices=("2400.00", "900.00", "300.00"))


@pytest.fixture
def painting(tree):
    return tree.paintings[0]


def editions_of(painting):
    return {
        edition.pk: edition for edition in PaintingPage.objects.get(pk=painting.pk).get_editions()
    }


def page_html(painting):
    response = Client().get(painting.url)
    assert response.status_code == 200
    return response.content.decode()


# -- How many are left ---------------------------------------------------------------


def test_numbers_left_count_free_numbers_and_lapsed_reservations(painting):
    edition = add_edition(painting, size=30, proofs=3, offer_proofs=True, proof_price="400")
    hold(edition, 5)
    hold(edition, 3, SaleStatus.RESERVED)
    hold(edition, 2, SaleStatus.RESERVED, minutes=-1)  # lapsed: free again
    # A reservation without an end (a checkout that never set one) counts as free too.
    lost = hold(edition, 1, SaleStatus.RESERVED)
    PrintNumber.objects.filter(order=lost).update(reserved_until=None)
    hold(edition, 1, proof=True)

    edition = editions_of(painting)[edition.pk]
    assert (edition.numbers_left, edition.proofs_left) == (22, 2)
    assert edition.left_label == "22 of 30 left"
    assert edition.proofs_left_label == "2 of 3 left"
    assert not edition.sold_out and edition.proofs_available
    assert list(edition.quantity_choices) == [1, 2, 3, 4, 5]


def test_labels_from_a_full_edition_of_500_to_sold_out(painting):
    edition = add_edition(painting, size=500)
    assert editions_of(painting)[edition.pk].left_label == "500 of 500 left"
    hold(edition, 497)
    edition = editions_of(painting)[edition.pk]
    assert edition.left_label == "3 of 500 left"
    assert list(edition.quantity_choices) == [1, 2, 3]
    hold(edition, 2)
    edition = editions_of(painting)[edition.pk]
    assert edition.left_label == "Only 1 left" and list(edition.quantity_choices) == [1]
    hold(edition, 1)
    edition = editions_of(painting)[edition.pk]
    assert edition.left_label == "Sold out" and edition.sold_out
    assert list(edition.quantity_choices) == []


def test_get_editions_lists_the_offered_ones_in_order_in_one_query(
    painting, django_assert_num_queries
):
    first = add_edition(painting, process="Screen print")
    withdrawn = add_edition(painting, for_sale=False)
    second = add_edition(painting, price="90.00")
    for order, edition in enumerate([withdrawn, second, first]):  # as the artist dragged them
        PrintEdition.objects.filter(pk=edition.pk).update(sort_order=order)
    hold(first, 30)
    painting = PaintingPage.objects.get(pk=painting.pk)
    with django_assert_num_queries(1):
        editions = painting.get_editions()
        labels = [(e.process.name, e.left_label) for e in editions]
    assert [e.pk for e in editions] == [second.pk, first.pk]
    assert withdrawn.pk not in [e.pk for e in editions]
    assert labels == [("Giclée", "30 of 30 left"), ("Screen print", "Sold out")]


# -- The painting page ------------------------------------------------------------------


def test_the_page_offers_each_edition_with_a_form_per_the_contract(painting):
    edition = add_edition(
        painting, size=30, proofs=3, offer_proofs=True, proof_price="400.00", notes="Deckle edge"
    )
    sold_out = add_edition(painting, size=10, process="Screen print", price="250.00")
    withdrawn = add_edition(painting, size=10, for_sale=False, support="Japanese washi")
    hold(edition, 27)
    hold(edition, 1, proof=True)
    hold(sold_out, 10)

    html = page_html(painting)
    assert "csrfmiddlewaretoken" not in html  # the page is cached for everyone
    assert "Giclée on cotton rag" in html and "Deckle edge" in html
    assert "50 × 35 cm" in html and "19.7 × 13.8 in" in html and "60 × 45 cm" in html
    assert "signed and numbered" in html
    assert "3 of 30 left" in html and "Sold out" in html
    assert "Artist's proof — €400, 2 of 3 left" in html
    assert "Japanese washi" not in html and str(withdrawn.pk) not in re.findall(
        r'id="edition-(\d+)"', html
    )

    regular, proof = print_forms(html)  # none for the sold-out edition
    for form in (regular, proof):
        assert form["fields"]["next"] == painting.url
        assert form["button"]["type"] == "submit"
        select_id = form["fields"]["quantity"]
        assert select_id in form["labels"]  # the quantity is labelled
    assert regular["options"]["quantity"] == ["1", "2", "3"]
    assert "proof" not in regular["fields"]
    assert proof["fields"]["proof"] == "1" and proof["options"]["quantity"] == ["1", "2"]
    assert ">Add print to cart</button>" in html
    # Before the cart's view exists the form still renders (and posts nowhere harmful).
    assert regular["action"] == proof["action"]


def test_a_sold_original_with_prints_reads_as_a_shop_for_the_prints(painting):
    add_edition(painting)
    SaleStateFactory(painting=painting, status=SaleStatus.SOLD)
    html = page_html(painting)
    assert 'Original sold</span> — <a href="#prints">prints available</a>' in html
    assert html.index('class="painting__figure"') < html.index("Original sold")
    assert html.index("Original sold") < html.index('id="prints"')
    assert "Add to cart</button>" not in html and len(print_forms(html)) == 1


def test_an_original_for_sale_keeps_its_buy_box_and_no_editions_no_prints(tree):
    with_prints, without = tree.paintings[0], tree.paintings[1]
    add_edition(with_prints)
    html = page_html(with_prints)
    assert "Add to cart</button>" in html and "prints available" not in html
    assert html.index("Add to cart</button>") < html.index('id="prints"')
    html = page_html(without)
    assert 'id="prints"' not in html and not print_forms(html)


def test_an_unpublished_painting_with_editions_is_not_served(painting):
    add_edition(painting)
    painting.unpublish()
    assert Client().get(painting.url).status_code == 404


# -- JSON-LD ----------------------------------------------------------------------------


def json_ld(html):
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(script)


def test_the_json_ld_offers_the_original_and_each_edition(painting):
    edition = add_edition(painting, size=30, proofs=3, offer_proofs=True, proof_price="400.00")
    sold_out = add_edition(painting, size=5, process="Screen print", price="250.00")
    add_edition(painting, size=5, for_sale=False)
    hold(sold_out, 5)

    offers = json_ld(page_html(painting))["offers"]
    assert [(o["price"], o["availability"]) for o in offers] == [
        ("2400.00", "https://schema.org/InStock"),
        ("180.00", "https://schema.org/InStock"),
        ("400.00", "https://schema.org/InStock"),
        ("250.00", "https://schema.org/SoldOut"),
    ]
    assert all(o["priceCurrency"] == "EUR" and o["url"].endswith(painting.url) for o in offers)
    item = offers[1]["itemOffered"]
    assert item["@type"] == "VisualArtwork" and item["artform"] == "Print"
    assert (item["artEdition"], item["artMedium"], item["artworkSurface"]) == (
        30,
        "Giclée",
        "cotton rag",
    )
    assert item["width"]["value"] == 50.0 and item["height"]["unitCode"] == "CMT"
    assert offers[2]["itemOffered"]["artEdition"] == 3
    assert edition.label in offers[1]["name"]


def test_without_editions_the_json_ld_keeps_its_one_offer(tree):
    offers = json_ld(page_html(tree.paintings[1]))["offers"]
    assert offers["@type"] == "Offer" and offers["price"] == "900.00"


def test_the_sitemap_does_not_change_with_editions(tree, painting):
    before = Client().get("/sitemap.xml").content.decode()
    edition = PrintEdition.objects.create(
        page=painting,
        process=add_edition(tree.paintings[2]).process,
        support="paper",
        image_width_cm=10,
        image_height_cm=10,
        sheet_width_cm=12,
        sheet_height_cm=12,
        edition_size=5,
        price=50,
    )
    PrintNumber.objects.create(edition=edition, number=1, status=SaleStatus.SOLD)
    after = Client().get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", after)
    assert re.sub(r"<lastmod>[^<]+</lastmod>", "", before) == re.sub(
        r"<lastmod>[^<]+</lastmod>", "", after
    )
    assert not any("print" in location for location in locations)


# -- Cards and search -----------------------------------------------------------------


def cards(html):
    return re.findall(r'<article class="card painting-card">(.*?)</article>', html, re.S)


def card_of(html, title):
    (card,) = [card for card in cards(html) if f">{title}</a>" in card]
    return " ".join(re.sub(r"<[^>]+>", " ", card).split())


def test_cards_show_prints_from_the_lowest_price_left(tree):
    first, second, third = tree.paintings
    cheap = add_edition(first, price="120.00")
    add_edition(first, price="180.00")
    add_edition(first, price="60.00", for_sale=False)  # withdrawn: not offered
    hold(cheap, 30)  # sold out: the next one is the lowest left
    add_edition(second, price="95.00")
    SaleStateFactory(painting=second, status=SaleStatus.SOLD)
    sold_out = add_edition(third, size=2)
    hold(sold_out, 1)
    hold(sold_out, 1, SaleStatus.RESERVED)

    painting = PaintingPage.objects.with_card_data().get(pk=first.pk)
    assert painting.prints_from == 180
    html = Client().get(tree.collection.url).content.decode()
    assert "€2,400 · Prints from €180" in card_of(html, "Painting 1")
    assert "Sold · Prints from €95" in card_of(html, "Painting 2")
    assert "Prints from" not in card_of(html, "Painting 3")

    # A lapsed reservation frees its number: prints are on sale again.
    PrintNumber.objects.filter(edition=sold_out, status=SaleStatus.RESERVED).update(
        reserved_until=painting.first_published_at
    )
    html = Client().get(tree.collection.url).content.decode()
    assert "Prints from €180" in card_of(html, "Painting 3")


def search_titles(params):
    html = Client().get("/search/", params).content.decode()
    return sorted(re.findall(r'class="card__link" href="[^"]+">([^<]+)</a>', html)), html


@pytest.mark.parametrize("query", [None, "Painting"])
def test_search_filters_originals_and_prints(tree, query):
    first, second, third = tree.paintings
    add_edition(first)
    add_edition(second, price="75.00")
    SaleStateFactory(painting=second, status=SaleStatus.SOLD)
    sold_out = add_edition(third, size=1)
    hold(sold_out, 1)
    base = {"q": query} if query else {}

    titles, html = search_titles({**base, "prints": "on"})
    assert titles == ["Painting 1", "Painting 2"]
    assert "Prints from €75" in card_of(html, "Painting 2")
    assert re.search(r"Filter[^<]*<span[^>]*>\(1", html)
    titles, _ = search_titles({**base, "available": "on"})
    assert titles == ["Painting 1", "Painting 3"]
    titles, _ = search_titles({**base, "available": "on", "prints": "on"})
    assert titles == ["Painting 1", "Painting 2", "Painting 3"]
    titles, html = search_titles({**base, "prints": "yes please"})  # any value ticks it
    assert titles == ["Painting 1", "Painting 2"]
    assert 'name="prints"' in html and "Prints available" in html and "Original for sale" in html
