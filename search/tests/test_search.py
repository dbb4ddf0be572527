"""Site search and painting filters, through real HTTP requests on the test DB.

Pages are created the way the admin does (add_child, then a publish-style
save), so the search index is filled by Wagtail's own signal handlers.
"""

import html
import io
import re
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.images.models import Image
from wagtail.models import Page, PageViewRestriction, Site

from gallery.models import (
    ArticlePage,
    CollectionPage,
    GalleryIndexPage,
    HomePage,
    JournalIndexPage,
    Medium,
    PaintingPage,
    StandardPage,
)
from search.filters import PaintingFilterForm, filter_paintings
from shop.models import SaleState, ShopSettings

SEARCH_URL = reverse("search")


# --- building the corpus ----------------------------------------------------


@pytest.fixture
def site_tree(db):
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Home", slug="search-home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "testserver", "port": 80, "root_page": home},
    )
    gallery = home.add_child(instance=GalleryIndexPage(title="Gallery", slug="gallery"))
    journal = home.add_child(instance=JournalIndexPage(title="Journal", slug="journal"))
    return SimpleNamespace(
        home=home,
        gallery=gallery,
        journal=journal,
        coast=gallery.add_child(instance=CollectionPage(title="Coastal Light", slug="coast")),
        city=gallery.add_child(instance=CollectionPage(title="City Nights", slug="city")),
        oil=Medium.objects.create(name="Oil"),
        watercolour=Medium.objects.create(name="Watercolour"),
        acrylic=Medium.objects.create(name="Acrylic"),
    )


def add_painting(collection, title, *, width, height, tags=(), **fields):
    fields.setdefault("price", Decimal("1000"))
    fields.setdefault("support", "canvas")
    painting = PaintingPage(
        title=title, width_cm=Decimal(width), height_cm=Decimal(height), **fields
    )
    painting.tags.add(*tags)
    collection.add_child(instance=painting)
    if tags:
        # Tags are written just after the page row, so the first index entry
        # misses them; the admin's next save (the revision) indexes them.
        painting.save_revision().publish()
    return painting


def sale_state(painting, status, reserved_until=None):
    SaleState.objects.create(painting=painting, status=status, reserved_until=reserved_until)


@pytest.fixture
def corpus(site_tree):
    t = site_tree
    now = timezone.now()
    paintings = SimpleNamespace(
        harbour_dawn=add_painting(
            t.coast,
            "Harbour at Dawn",
            width=60,
            height=40,
            medium=t.oil,
            year=2021,
            price=Decimal("1200"),
            description="<p>A quiet morning in the harbour.</p>",
            tags=["boats"],
        ),
        dawn_chorus=add_painting(
            t.coast,
            "Dawn Chorus",
            width=30,
            height=30,
            medium=t.watercolour,
            year=2023,
            price=Decimal("300"),
            support="paper",
        ),
        night_market=add_painting(
            t.city,
            "Night Market",
            width=80,
            height=120,
            medium=t.acrylic,
            year=2019,
            price=Decimal("2500"),
            tags=["lanterns"],
        ),
        quiet_harbour=add_painting(
            t.coast,
            "Quiet Harbour",
            width=100,
            height=96,
            medium=t.oil,
            year=2020,
            price=None,
        ),
        blue_shutters=add_painting(
            t.city,
            "Blue Shutters",
            width=20,
            height=30,
            medium=t.watercolour,
            year=2022,
            price=Decimal("450"),
        ),
        red_boats=add_painting(
            t.coast,
            "Red Boats",
            width=45,
            height=35,
            medium=t.oil,
            year=2018,
            price=Decimal("800"),
        ),
        green_door=add_painting(
            t.city,
            "Green Door",
            width=30,
            height=40,
            medium=t.acrylic,
            year=2017,
            price=Decimal("600"),
        ),
        olive_grove=add_painting(
            t.coast,
            "Olive Grove",
            width=50,
            height=50,
            medium=t.oil,
            year=2016,
            price=Decimal("900"),
            for_sale=False,
        ),
    )
    sale_state(paintings.blue_shutters, SaleState.SOLD)
    sale_state(paintings.red_boats, SaleState.RESERVED, now + timedelta(minutes=20))
    sale_state(paintings.green_door, SaleState.RESERVED, now - timedelta(minutes=5))
    t.journal.add_child(
        instance=ArticlePage(
            title="Painting the harbour at dawn",
            date=now.date(),
            intro="Notes from a cold morning by the water.",
        )
    )
    t.home.add_child(
        instance=StandardPage(title="About the studio", slug="about", intro="Where I paint.")
    )
    t.paintings = paintings
    return t


def default_settings():
    return ShopSettings.for_site(Site.objects.get(is_default_site=True))


def titles(response):
    return [painting.title for painting in response.context["paintings"]]


def get(client, **params):
    response = client.get(SEARCH_URL, params)
    assert response.status_code == 200
    return response


# --- relevance ----------------------------------------------------------------


def test_exact_title_match_ranks_first(client, corpus):
    # "Harbour at Dawn" has both words in its description; the exact title wins.
    response = get(client, q="Quiet Harbour")
    assert titles(response) == ["Quiet Harbour", "Harbour at Dawn"]


def test_finds_a_painting_by_a_word_in_its_medium_or_tags(client, corpus):
    assert sorted(titles(get(client, q="watercolour"))) == ["Blue Shutters", "Dawn Chorus"]
    assert titles(get(client, q="lanterns")) == ["Night Market"]
    assert sorted(titles(get(client, q="boats"))) == ["Harbour at Dawn", "Red Boats"]


def test_results_show_paintings_articles_and_pages_in_their_sections(client, corpus):
    response = get(client, q="harbour")
    content = response.content.decode()
    assert [article.title for article in response.context["articles"]["items"]] == [
        "Painting the harbour at dawn"
    ]
    assert 'id="paintings-heading"' in content
    assert 'id="articles-heading"' in content
    assert "Painting the harbour at dawn" in content
    assert 'role="status"' in content
    assert "Found 2 paintings, 1 journal article and 0 other pages" in " ".join(content.split())

    response = get(client, q="studio")
    assert [page.title for page in response.context["other_pages"]["items"]] == ["About the studio"]
    assert 'id="pages-heading"' in response.content.decode()


def test_drafts_and_private_sections_stay_out_of_the_results(client, corpus):
    corpus.paintings.night_market.unpublish()
    PageViewRestriction.objects.create(
        page=corpus.coast, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert titles(get(client, q="market")) == []
    assert titles(get(client, q="harbour")) == []
    assert titles(get(client, medium=corpus.oil.pk)) == []
    assert titles(get(client, q="shutters")) == ["Blue Shutters"]
    assert "Coastal Light" not in get(client, q="shutters").content.decode()


def test_page_renders_accessibly(client, corpus):
    content = get(client, q="harbour", medium=corpus.oil.pk).content.decode()
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
    response = get(client, **params)
    assert set(titles(response)) == expected
    assert response.context["paintings"].paginator.count == len(expected)


def test_size_limits_come_from_the_shop_settings(client, corpus):
    settings = default_settings()
    settings.small_max_cm = 30
    settings.medium_max_cm = 60
    settings.save()
    assert set(titles(get(client, size="small"))) == {"Dawn Chorus", "Blue Shutters"}
    assert set(titles(get(client, size="large"))) == {"Night Market", "Quiet Harbour"}
    assert "Small (up to 30 cm)" in get(client, size="small").content.decode()


def test_square_means_sides_within_five_percent(site_tree):
    for width, height in [("100", "95"), ("95", "100"), ("100", "94.9"), ("94.9", "100")]:
        add_painting(site_tree.coast, f"{width} x {height}", width=width, height=height)
    shop_settings = default_settings()

    def oriented(orientation):
        paintings = filter_paintings(
            PaintingPage.objects.all(), {"orientation": orientation}, shop_settings
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
    assert titles(get(client, sort=sort)) == expected
    oil = titles(get(client, q="oil", sort=sort))
    assert oil == [
        title
        for title in expected
        if title in {"Harbour at Dawn", "Quiet Harbour", "Red Boats", "Olive Grove"}
    ]


def test_browsing_without_query_or_filters_lists_nothing_yet(client, corpus):
    response = get(client)
    assert response.context["paintings"] is None
    assert "choose filters to browse" in response.content.decode()
    # "Show paintings" with nothing chosen sends empty fields: every painting.
    empty_form = {name: "" for name in ("medium", "collection", "size", "sort")}
    assert get(client, **empty_form).context["paintings"].paginator.count == 8


def test_collection_browsing_keeps_the_artists_order(corpus):
    form = PaintingFilterForm({"available": "on"}, default_sort_label="Artist's order")
    paintings = filter_paintings(corpus.coast.get_paintings(), form.filters, default_settings())
    assert [p.title for p in paintings] == ["Harbour at Dawn", "Dawn Chorus"]
    assert "collection" not in form.fields
    assert form.fields["sort"].choices[0] == ("relevance", "Artist's order")

    unfiltered = filter_paintings(
        corpus.coast.get_paintings(), PaintingFilterForm().filters, default_settings()
    )
    assert len(unfiltered) == 5


# --- pagination -------------------------------------------------------------


def next_link(response):
    match = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
    return html.unescape(match.group(1)) if match else None


@pytest.mark.parametrize("query", ["", "study"])
def test_pagination_keeps_query_and_filters(client, site_tree, query):
    for number in range(30):
        add_painting(
            site_tree.city,
            f"Study {number}",
            width=30,
            height=40,
            medium=site_tree.oil,
            price=Decimal(100 + number),
        )
    add_painting(
        site_tree.city, "Study in watercolour", width=30, height=40, medium=site_tree.watercolour
    )
    params = {
        "medium": site_tree.oil.pk,
        "orientation": "portrait",
        "sort": "price_desc",
        "min_price": "100",
    }
    if query:
        params["q"] = query

    first = get(client, **params)
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
    response = get(client, q=query)
    assert b"Search" in response.content


def test_control_characters_in_the_raw_url_are_dropped(client, corpus):
    response = client.get(SEARCH_URL + "?q=harbour%01dawn&min_price=1%01&sort=new%1fest")
    assert response.status_code == 200
    assert response.context["search_query"] == "harbour dawn"
    assert titles(response)[0] == "Harbour at Dawn"


def test_long_query_is_shortened_with_a_notice(client, corpus):
    response = get(client, q="harbour " + "x" * 10_000)
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
    response = get(client, sort=params.pop("sort", "newest"), **params)
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
    draft = corpus.gallery.add_child(instance=CollectionPage(title="Secret Series", live=False))
    response = get(client, q="zeppelin")
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
    content = get(client, q="Harbour").content.decode()
    picks = content.index('id="picks-heading"')
    assert picks < content.index('id="paintings-heading"')
    assert content.index("Night Market", picks) < content.index("The harbour show", picks)
    assert "My favourite evening piece." in content

    get(client, q="harbour ")
    assert Query.get("harbour").hits == 2
    get(client, q="zeppelin")
    assert Query.get("zeppelin").hits == 1
    get(client, q="   ")
    assert not Query.objects.filter(query_string="").exists()


# --- query count ----------------------------------------------------------------


def make_image(number):
    buffer = io.BytesIO()
    PILImage.new("RGB", (60, 40), (number % 255, 90, 120)).save(buffer, "PNG")
    return Image.objects.create(
        title=f"Picture {number}", file=ImageFile(buffer, name=f"search-test-{number}.png")
    )


def count_search_queries(client, params):
    client.get(SEARCH_URL, params)  # warm-up: renditions, today's hit row
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH_URL, params)
    assert response.status_code == 200
    return len(queries), response


def test_query_count_does_not_grow_with_the_number_of_paintings(client, site_tree):
    params = {"q": "seascape", "medium": site_tree.oil.pk, "sort": "relevance"}
    for number in range(10):
        add_painting(
            site_tree.coast,
            f"Seascape {number}",
            width=50,
            height=40,
            medium=site_tree.oil,
            image=make_image(number),
        )
    ten, response = count_search_queries(client, params)
    assert response.context["paintings"].paginator.count == 10
    assert response.content.decode().count("<picture") == 10

    for number in range(10, 100):
        add_painting(
            site_tree.coast,
            f"Seascape {number}",
            width=50,
            height=40,
            medium=site_tree.oil,
            image=make_image(number),
        )
    hundred, response = count_search_queries(client, params)
    assert response.context["paintings"].paginator.count == 100
    assert len(titles(response)) == 24

    assert ten == hundred
    assert hundred <= 15
