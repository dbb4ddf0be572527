"""Every public URL answers hostile query values without a server error.

The URLs are the ones a bot finds: the sitemap's, plus the cart, the checkout
returns, the search and the account pages, signed in and out. Each parameter
a page reads (and one it does not) gets each hostile value in turn, in a raw
query string so that NUL bytes and invalid UTF-8 really reach the server.
Run on PostgreSQL too: it refuses a NUL byte in any string, SQLite does not.
"""

import datetime
import re
import sys
import traceback
from decimal import Decimal

import pytest
from django.core.signals import got_request_exception
from django.test import Client
from taggit.models import Tag

from gallery.models import (
    ContactFormField,
    Medium,
    PaintingPage,
)
from tests.factories import (
    ArticlePageFactory,
    CollectionPageFactory,
    ContactPageFactory,
    GalleryIndexPageFactory,
    HomePageFactory,
    ImageFactory,
    JournalIndexPageFactory,
    PaintingPageFactory,
    StandardPageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE_VALUES = [
    "%00",
    "a%00b",
    "x" * 10_000,
    "%ff%fe",  # not UTF-8
    "%c0%af",  # an overlong encoding of "/"
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
]
# What the painting filters read, on a collection page and in the search.
FILTERS = ["medium", "available", "min_price", "max_price", "size", "orientation", "sort"]
UNKNOWN = "utm_source"


def hostile_paths():
    """Values captured from the path itself (a page slug, an order number)."""
    for value in HOSTILE_VALUES:
        yield from (f"/gallery/sea/{value}/", f"/journal/{value}/", f"/account/orders/{value}/")


def hostile_query_strings(names):
    for name in [*names, UNKNOWN]:
        for value in HOSTILE_VALUES:
            yield f"{name}={value}"
        yield f"{name}=1&{name}=%00&{name}=-1"  # repeated keys
    yield "%00=1&%ff%fe=2&" + "k" * 10_000 + "=3&=4&&=&"  # hostile names


@pytest.fixture
def site():
    home = HomePageFactory(site__hostname="testserver", site__port=80)
    collection = CollectionPageFactory(
        parent=GalleryIndexPageFactory(parent=home), cover_image=ImageFactory(title="Cover")
    )
    oil = Medium.objects.create(name="Oil")
    for index in range(3):
        PaintingPageFactory(
            parent=collection,
            title=f"Harbour {index}",
            height_cm=30 + 10 * index,
            price=Decimal("400") if index else None,
            medium=oil,
            image=ImageFactory(title=f"Harbour {index}"),
        )
    article = ArticlePageFactory(
        parent=JournalIndexPageFactory(parent=home),
        title="Studio notes",
        slug="notes",
        date=datetime.date(2026, 1, 5),
    )
    article.tags.add(Tag.objects.get_or_create(slug="sea", defaults={"name": "Sea"})[0])
    article.save()
    StandardPageFactory(parent=home)
    ContactPageFactory(
        parent=home,
        to_address="a@example.com",
        form_fields=[ContactFormField(label="Message", field_type="multiline")],
    )


@pytest.fixture
def buyer():
    return UserFactory(email="buyer@example.com", verified=True)


def urls_with_parameters(client):
    """Path → the parameters it reads, starting from what a crawler finds."""
    sitemap = client.get("/sitemap.xml").content.decode()
    urls = {loc: [] for loc in re.findall(r"<loc>http://testserver(/[^<]*)</loc>", sitemap)}
    assert {"/gallery/sea/", "/gallery/sea/harbour-1/", "/journal/notes/"} <= set(urls)
    urls["/gallery/sea/"] = [*FILTERS, "page"]
    urls["/journal/"] = ["tag", "page"]
    urls.update(
        {
            "/sitemap.xml": ["p"],
            "/search/": ["q", "collection", *FILTERS, "page"],
            "/cart/": [],
            "/checkout/success/": ["session_id", "order"],
            "/checkout/cancel/": ["session_id", "order"],
            "/accounts/login/": ["next"],
            "/accounts/signup/": ["next"],
            "/accounts/password/reset/": [],
            "/account/": ["next"],
            "/account/orders/": ["next"],
        }
    )
    return urls


@pytest.fixture
def server_errors():
    """Where each exception a request raised came from: the last line of the
    project's own code, and the error."""
    errors = []

    def record(sender, request, **kwargs):
        error = sys.exception()
        frames = traceback.extract_tb(error.__traceback__)
        ours = [f for f in frames if "site-packages" not in f.filename] or frames
        where = f"{ours[-1].filename}:{ours[-1].lineno} {ours[-1].line}"
        errors.append(f"{where}: {type(error).__name__}: {error}")

    got_request_exception.connect(record)
    yield errors
    got_request_exception.disconnect(record)


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "buyer"])
def test_no_url_answers_hostile_parameters_with_a_server_error(
    site, buyer, server_errors, signed_in
):
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(buyer, backend="django.contrib.auth.backends.ModelBackend")
    client.post(f"/cart/add/{PaintingPage.objects.last().pk}/")  # a cart to show
    failures = []
    for path, names in urls_with_parameters(client).items():
        for query_string in hostile_query_strings(names):
            response = client.get(f"{path}?{query_string}")
            if response.status_code >= 500:
                cause = server_errors[-1] if server_errors else ""
                failures.append(f"{response.status_code} {path}?{query_string[:40]}  {cause}")
    for path in hostile_paths():
        response = client.get(path)
        if response.status_code >= 500:
            cause = server_errors[-1] if server_errors else ""
            failures.append(f"{response.status_code} {path[:60]}  {cause}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "url", ["/journal/?tag=%00", "/search/?q=a%00b", "/?%00=1", "/account/orders/%00/"]
)
def test_a_nul_byte_in_the_url_answers_a_plain_bad_request(site, client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert '<h1 class="page-title">Bad request</h1>' in response.content.decode()


def test_a_journal_tag_that_is_not_a_slug_is_ignored(site, client):
    for tag in ["sea", "no such tag!", "x" * 101]:
        response = client.get("/journal/", {"tag": tag})
        assert response.status_code == 200
        assert "/journal/notes/" in response.content.decode()
    assert client.get("/journal/", {"tag": "unknown"}).context["articles"].paginator.count == 0


@pytest.mark.parametrize("path", ["/", "/cart/", "/accounts/login/"])
def test_a_nul_byte_in_the_session_cookie_answers_a_plain_bad_request(site, client, path):
    # The session store would look it up; PostgreSQL refuses NUL in a string.
    response = client.get(path, HTTP_COOKIE="sessionid=abcdefgh\x00ijklmnop")
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/cart/add/", "/cart/remove/"])
def test_an_id_too_big_for_the_database_is_not_found(site, client, path):
    # SQLite cannot bind an integer over 64 bits: this was a 500.
    assert client.post(f"{path}{'9' * 30}/").status_code == 404
