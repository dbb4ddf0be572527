"""Every page type renders in the site's design, with the metadata sharing and
search engines need, and images that are responsive and described."""

import json
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone
from django.views.defaults import server_error

from gallery.demo import ARTIST_NAME, build_demo_site, delete_demo_site
from gallery.models import CollectionPage, PaintingPage
from shop.models import SaleState
from shop.sale_status import SaleStatus
from tests.wagtail_tree import ensure_wagtail_tree

pytestmark = pytest.mark.django_db


class PageMarkup(HTMLParser):
    """Start tags with their attributes, and the text of <title> and JSON-LD scripts."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.title = ""
        self.json_ld = []
        self._capture = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "title":
            self._capture = "title"
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._capture = "json_ld"
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag in ("title", "script"):
            self._capture = None

    def handle_data(self, data):
        if self._capture == "title":
            self.title += data
        elif self._capture == "json_ld":
            self.json_ld[-1] += data

    def find_all(self, tag, **attrs):
        return [
            found
            for name, found in self.tags
            if name == tag
            and all(key in found and found[key] == value for key, value in attrs.items())
        ]

    def meta(self, **attrs):
        found = self.find_all("meta", **attrs)
        assert found, f"no <meta {attrs}>"
        return found[0]["content"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One small demo site for the module; each test's changes roll back after it.

    Rendering every page once here creates the renditions up front, so the
    tests do not each pay for resizing the same pictures.
    """
    with django_db_blocker.unblock():
        site = build_demo_site(paintings=6, with_revisions=False)
        client = Client()
        for page in page_types(site).values():
            assert client.get(page.url).status_code == 200
        yield site
        delete_demo_site()
        # The demo replaced Wagtail's welcome page and site; later tests expect them.
        ensure_wagtail_tree()


def get_markup(client, page, query=""):
    response = client.get(page.url + query)
    assert response.status_code == 200, page.url
    return PageMarkup(response.content.decode())


def page_types(demo):
    return {
        "home": demo.home,
        "gallery index": demo.gallery_index,
        "collection": demo.collections[0],
        "painting": demo.paintings[0],
        "journal index": demo.journal,
        "article": demo.articles[0],
        "standard page": demo.standard_pages[0],
        "contact": demo.contact,
    }


def test_every_page_type_has_title_description_canonical_and_share_image(client, demo):
    for kind, page in page_types(demo).items():
        page = page.specific
        markup = get_markup(client, page)

        assert markup.title.strip() == (page.seo_title or f"{page.title} — {ARTIST_NAME}"), kind
        assert page.get_meta_description(), f"{kind}: the demo gives every page a description"
        assert markup.meta(name="description") == page.get_meta_description(), kind
        assert markup.find_all("link", rel="canonical")[0]["href"] == page.full_url, kind
        share_image = markup.meta(property="og:image")
        assert share_image.startswith("http://"), kind
        assert markup.meta(name="twitter:image") == share_image, kind
        assert markup.meta(name="twitter:card") == "summary_large_image", kind
        assert markup.find_all("a", href="#main"), f"{kind}: no skip link"
        assert markup.find_all("main", id="main"), kind
        assert markup.find_all("html")[0]["lang"] == "en"


def test_pages_with_their_own_image_share_a_1200x630_rendition_of_it(client, demo):
    painting = demo.paintings[0]
    markup = get_markup(client, painting)

    share_image = markup.meta(property="og:image")
    assert share_image.endswith(".jpg")
    assert "fill-1200x630" in share_image
    assert markup.meta(property="og:image:width") == "1200"
    assert markup.meta(property="og:image:height") == "630"


def test_content_images_are_responsive_sized_and_described(client, demo):
    for page in (demo.home, demo.collections[0], demo.paintings[0], demo.articles[0]):
        markup = get_markup(client, page)
        images = markup.find_all("img")
        assert images, page.url
        for img in images:
            assert int(img["width"]) > 0 and int(img["height"]) > 0, img
            assert img.get("alt"), img
            assert "srcset" in img and "sizes" in img, img
            assert img.get("loading") in ("lazy", "eager"), img
        assert all(
            source["type"] == "image/webp" and source.get("sizes")
            for source in markup.find_all("source")
        )
        assert markup.find_all("source"), f"{page.url}: no WebP sources"


def test_only_the_first_image_is_loaded_eagerly_with_high_priority(client, demo):
    for page in (demo.home, demo.paintings[0]):
        images = get_markup(client, page).find_all("img")
        assert images[0]["loading"] == "eager"
        assert images[0]["fetchpriority"] == "high"
        assert all(img["loading"] == "lazy" for img in images[1:]), page.url


def test_painting_cards_show_size_price_and_sale_status(client, demo):
    collection = demo.collections[0]
    sold, available = collection.get_children().specific()[:2]
    SaleState.objects.update_or_create(painting=sold, defaults={"status": SaleStatus.SOLD})

    html = client.get(collection.url).content.decode()

    assert available.size_cm in html
    assert f'class="badge badge--sold">{sold.sale_status_label}<' in html
    assert f'href="{available.url}"' in html


def painting_json_ld(client, painting):
    scripts = get_markup(client, painting).json_ld
    assert len(scripts) == 1
    return json.loads(scripts[0])


def for_sale_painting(demo):
    """An original for sale, without print editions (test_print_offers has those)."""
    return next(
        p for p in demo.paintings if p.for_sale and p.price is not None and not p.editions.exists()
    )


def test_painting_page_describes_the_work_in_json_ld(client, demo, settings):
    painting = for_sale_painting(demo)
    PaintingPage.objects.filter(pk=painting.pk).update(depth_cm=3)
    painting.refresh_from_db()

    data = painting_json_ld(client, painting)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "VisualArtwork"
    assert data["name"] == painting.title
    assert data["url"] == painting.full_url
    assert data["creator"] == {"@type": "Person", "name": ARTIST_NAME}
    assert data["width"] == {
        "@type": "QuantitativeValue",
        "value": float(painting.width_cm),
        "unitCode": "CMT",
    }
    assert data["height"]["value"] == float(painting.height_cm)
    assert data["depth"]["value"] == 3.0
    assert data["image"].startswith("http://")
    assert data["offers"] == {
        "@type": "Offer",
        "price": f"{painting.price:.2f}",
        "priceCurrency": "EUR",
        "availability": "https://schema.org/InStock",
        "url": painting.full_url,
    }


@pytest.mark.parametrize(
    ("status", "availability"),
    [
        (SaleStatus.SOLD, "https://schema.org/SoldOut"),
        (SaleStatus.RESERVED, "https://schema.org/LimitedAvailability"),
    ],
)
def test_json_ld_offer_follows_the_sale_state(client, demo, status, availability):
    painting = for_sale_painting(demo)
    SaleState.objects.update_or_create(
        painting=painting,
        defaults={"status": status, "reserved_until": timezone.now() + timedelta(minutes=30)},
    )

    assert painting_json_ld(client, painting)["offers"]["availability"] == availability


def test_json_ld_has_no_offer_for_a_painting_not_for_sale(client, demo):
    painting = for_sale_painting(demo)
    PaintingPage.objects.filter(pk=painting.pk).update(for_sale=False)

    assert "offers" not in painting_json_ld(client, painting)


def test_json_ld_cannot_be_broken_out_of_by_a_title(client, demo):
    painting = for_sale_painting(demo)
    PaintingPage.objects.filter(pk=painting.pk).update(title="</script><b>Dusk & dawn")

    response = client.get(painting.url).content.decode()

    assert "</script><b>" not in response
    assert painting_json_ld(client, painting)["name"] == "</script><b>Dusk & dawn"


def test_painting_page_links_to_full_size_image_and_back_to_its_collection(client, demo):
    painting = demo.paintings[0]
    markup = get_markup(client, painting)

    full_size_links = markup.find_all("a", **{"data-lightbox": None})
    assert full_size_links
    assert full_size_links[0]["href"].endswith(".jpg")
    assert "max-2000x2000" in full_size_links[0]["href"]
    assert markup.find_all("a", href=painting.get_parent().url)


def test_menu_marks_the_current_page(client, demo):
    markup = get_markup(client, demo.gallery_index)

    current = [a for _, a in markup.tags if a.get("aria-current") == "page"]
    assert [a["href"] for a in current] == [demo.gallery_index.url]


def test_collection_pagination_keeps_other_query_parameters(client, demo, monkeypatch):
    monkeypatch.setattr(CollectionPage, "paintings_per_page", 1)
    collection = demo.collections[0]
    assert collection.get_children().live().count() == 2

    first = get_markup(client, collection, "?view=wall")
    assert first.find_all("a", rel="next", href="?view=wall&page=2")
    assert not first.find_all("a", rel="prev")

    second = get_markup(client, collection, "?page=2&view=wall")
    assert second.find_all("a", rel="prev", href="?page=1&view=wall")
    assert not second.find_all("a", rel="next")


def test_journal_tag_links_filter_the_index(client, demo):
    article = demo.articles[0]
    tag = article.tags.first()
    markup = get_markup(client, article)
    assert markup.find_all("a", href=f"{demo.journal.url}?tag={tag.slug}")

    filtered = get_markup(client, demo.journal, f"?tag={tag.slug}")
    assert filtered.find_all(
        "a", href=f"{demo.journal.url}?tag={tag.slug}", **{"aria-current": "page"}
    )
    tagged = {a.url for a in demo.articles if tag in a.tags.all()}
    listed = {a["href"] for a in filtered.find_all("a", **{"class": "card__link"})}
    assert listed == tagged


def test_contact_form_labels_every_field_and_hides_the_honeypot_off_screen(client, demo):
    response = client.get(demo.contact.url)
    html = response.content.decode()
    markup = PageMarkup(html)

    labelled = {label["for"] for label in markup.find_all("label") if "for" in label}
    inputs = [
        attrs
        for tag, attrs in markup.tags
        if tag in ("input", "textarea", "select")
        and attrs.get("type") not in ("hidden", "submit")
        and attrs.get("name") not in (None, "q", "csrfmiddlewaretoken")
    ]
    assert inputs
    assert all(field["id"] in labelled for field in inputs)
    assert markup.find_all("div", **{"class": "visually-hidden-field", "aria-hidden": "true"})
    assert markup.find_all("input", name="website")


def test_contact_form_shows_errors_beside_fields_and_thanks_after_sending(client, demo):
    contact = demo.contact
    names = {field.label: field.clean_name for field in contact.get_form_fields()}

    invalid = client.post(contact.url, {})
    assert invalid.status_code == 200
    markup = PageMarkup(invalid.content.decode())
    assert markup.find_all("ul", **{"class": "errorlist"})
    assert markup.find_all(
        "div", **{"class": "form__field form__field--error form__field--required"}
    )

    sent = client.post(
        contact.url,
        {
            names["Your name"]: "Ana",
            names["Your e-mail"]: "ana@example.com",
            names["Message"]: "A sea painting, please.",
        },
    )
    assert sent.status_code == 200
    assert "Thank you for your message." in sent.content.decode()
    assert PageMarkup(sent.content.decode()).title.strip().startswith(contact.title)


def test_not_found_page_is_in_the_design(client, demo, settings):
    assert settings.DEBUG is False
    response = client.get("/no-such-painting/")

    assert response.status_code == 404
    html = response.content.decode()
    markup = PageMarkup(html)
    assert "<style>@font-face" in html and "--paper:" in html  # site.css, inlined
    assert markup.title.strip() == f"Page not found — {ARTIST_NAME}"
    assert "This page is not on the wall" in html
    assert markup.find_all("nav", **{"aria-label": "Main"})


def test_server_error_page_needs_no_database_or_request_context(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "/static/css/site.css" in html
