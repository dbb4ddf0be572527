"""Site search through real HTTP requests on the test DB: relevance, odd input,
the artist's picks and the query log, and a query count that does not grow."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import PageViewRestriction

from tests.factories import CollectionPageFactory, ImageFactory, PaintingPageFactory
from tests.helpers import SEARCH_URL, search_for, titles

# --- relevance ----------------------------------------------------------------


def test_exact_title_match_ranks_first(client, corpus):
    # "Harbour at Dawn" has both words in its description; the exact title wins.
    response = search_for(client, q="Quiet Harbour")
    assert titles(response) == ["Quiet Harbour", "Harbour at Dawn"]


def test_finds_a_painting_by_a_word_in_its_medium_or_tags(client, corpus):
    assert sorted(titles(search_for(client, q="watercolour"))) == ["Blue Shutters", "Dawn Chorus"]
    assert titles(search_for(client, q="lanterns")) == ["Night Market"]
    assert sorted(titles(search_for(client, q="boats"))) == ["Harbour at Dawn", "Red Boats"]


def test_results_show_paintings_articles_and_pages_in_their_sections(client, corpus):
    response = search_for(client, q="harbour")
    content = response.content.decode()
    assert [article.title for article in response.context["articles"]["items"]] == [
        "Painting the harbour at dawn"
    ]
    assert 'id="paintings-heading"' in content
    assert 'id="articles-heading"' in content
    assert "Painting the harbour at dawn" in content
    assert 'role="status"' in content
    assert "Found 2 paintings, 1 journal article and 0 other pages" in " ".join(content.split())

    response = search_for(client, q="studio")
    assert [page.title for page in response.context["other_pages"]["items"]] == ["About the studio"]
    assert 'id="pages-heading"' in response.content.decode()


def test_drafts_and_private_sections_stay_out_of_the_results(client, corpus):
    corpus.paintings.night_market.unpublish()
    PageViewRestriction.objects.create(
        page=corpus.coast, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert titles(search_for(client, q="market")) == []
    assert titles(search_for(client, q="harbour")) == []
    assert titles(search_for(client, medium=corpus.oil.pk)) == []
    assert titles(search_for(client, q="shutters")) == ["Blue Shutters"]
    assert "Coastal Light" not in search_for(client, q="shutters").content.decode()


def test_page_renders_accessibly(client, corpus):
    content = search_for(client, q="harbour", medium=corpus.oil.pk).content.decode()
    assert re.search(r"<title>Search: harbour — ", content)
    assert '<meta name="description"' in content
    assert '<fieldset class="painting-filters__group">' in content
    assert "<legend" in content
    for field in (
        "id_medium",
        "id_collection",
        "id_min_price",
        "id_max_price",
        "id_size",
        "id_orientation",
        "id_sort",
        "id_available",
    ):
        assert f'for="{field}"' in content, field
    assert 'type="hidden" name="q" value="harbour"' in content


# --- bad input ----------------------------------------------------------------


BAD_QUERIES = [
    "x" * 10_000,
    "' OR 1=1 --",
    '"; DROP TABLE wagtailcore_page; --',
    '"unbalanced',
    "NEAR(harbour dawn)",
    "harbour AND OR NOT",
    "* ^ - + : ( )",
    "🎨🖌️ harbour",
    "Ölbild Straße 日本画 لوحة",
    "harbour\x01dawn",
    "\x1f\t",
    "   ",
    "%",
    "_",
    "\\",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_odd_queries_answer_200(client, corpus, query):
    response = search_for(client, q=query)
    assert b"Search" in response.content


def test_control_characters_in_the_raw_url_are_dropped(client, corpus):
    response = client.get(SEARCH_URL + "?q=harbour%01dawn&min_price=1%01&sort=new%1fest")
    assert response.status_code == 200
    assert response.context["search_query"] == "harbour dawn"
    assert titles(response)[0] == "Harbour at Dawn"


def test_long_query_is_shortened_with_a_notice(client, corpus):
    response = search_for(client, q="harbour " + "x" * 10_000)
    assert len(response.context["search_query"]) == 200
    assert "only its first 200 characters were used" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message", "expected_count"),
    [
        ({"min_price": "-5"}, "The lowest price cannot be negative", 8),
        ({"max_price": "cheap"}, "The highest price must be a number", 8),
        ({"min_price": "NaN"}, "The lowest price must be a number", 8),
        ({"max_price": "1e999"}, "The highest price is too large", 8),
        ({"min_price": "1000", "max_price": "10"}, "The highest price is below the lowest", 2),
        ({"sort": "price; DROP TABLE"}, "Unknown sort order", 8),
        ({"size": "huge"}, "Unknown size", 8),
        ({"orientation": "diagonal"}, "Unknown orientation", 8),
        ({"medium": "abc"}, "That medium does not exist", 8),
        ({"medium": "99999999999999999999"}, "That medium does not exist", 8),
        ({"collection": "-1"}, "That collection does not exist", 8),
    ],
)
def test_bad_filter_values_are_ignored_with_a_message(
    client, corpus, params, message, expected_count
):
    # The count shows which values were applied: all 8 paintings when ignored.
    response = search_for(client, sort=params.pop("sort", "newest"), **params)
    content = html.unescape(response.content.decode())
    assert message in content
    assert response.context["paintings"].paginator.count == expected_count


@pytest.mark.parametrize("page", ["-1", "0", "abc", str(10**9), "1.5", "", "%00"])
def test_odd_page_numbers_answer_a_real_page(client, corpus, page):
    response = client.get(SEARCH_URL, {"q": "harbour", "page": page})
    assert response.status_code == 200
    assert response.context["paintings"].number == 1
    assert len(titles(response)) == 2


def test_no_results_suggest_live_collections(client, corpus):
    draft = CollectionPageFactory(parent=corpus.gallery, title="Secret Series", live=False)
    response = search_for(client, q="zeppelin")
    content = response.content.decode()
    assert response.context["found_nothing"]
    assert "Nothing found" in content
    assert f'href="{corpus.coast.url}"' in content
    assert f'href="{corpus.city.url}"' in content
    assert draft.title not in content


# --- promotions and the query log ----------------------------------------------


def test_artists_picks_come_first_and_queries_are_logged(client, corpus):
    query = Query.get("harbour")
    SearchPromotion.objects.create(
        query=query,
        page=corpus.paintings.night_market,
        sort_order=0,
        description="My favourite evening piece.",
    )
    SearchPromotion.objects.create(
        query=query,
        external_link_url="https://example.com/show",
        external_link_text="The harbour show",
        sort_order=1,
    )
    content = search_for(client, q="Harbour").content.decode()
    picks = content.index('id="picks-heading"')
    assert picks < content.index('id="paintings-heading"')
    assert content.index("Night Market", picks) < content.index("The harbour show", picks)
    assert "My favourite evening piece." in content

    search_for(client, q="harbour ")
    assert Query.get("harbour").hits == 2
    search_for(client, q="zeppelin")
    assert Query.get("zeppelin").hits == 1
    search_for(client, q="   ")
    assert not Query.objects.filter(query_string="").exists()


# --- query count ----------------------------------------------------------------


def count_search_queries(client, params):
    client.get(SEARCH_URL, params)  # warm-up: renditions, today's hit row
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH_URL, params)
    assert response.status_code == 200
    return len(queries), response


def add_seascapes(site_tree, numbers):
    for number in numbers:
        PaintingPageFactory(
            parent=site_tree.coast,
            title=f"Seascape {number}",
            medium=site_tree.oil,
            image=ImageFactory(
                title=f"Picture {number}",
                file__width=60,
                file__height=40,
                file__color=(number % 255, 90, 120),
            ),
        )


def test_query_count_does_not_grow_with_the_number_of_paintings(client, site_tree):
    params = {"q": "seascape", "medium": site_tree.oil.pk, "sort": "relevance"}
    add_seascapes(site_tree, range(10))
    ten, response = count_search_queries(client, params)
    assert response.context["paintings"].paginator.count == 10
    assert response.content.decode().count("<picture") == 10

    add_seascapes(site_tree, range(10, 100))
    hundred, response = count_search_queries(client, params)
    assert response.context["paintings"].paginator.count == 100
    assert len(titles(response)) == 24

    assert ten == hundred
    assert hundred <= 15
