"""What the page cache must never do: store something of one visitor's, be
filled by bots, or serve a page a change has made stale; and the add-to-cart
form that works on cached pages without a per-visitor token.

See test_page_cache.py for why changes run inside `commit()`.
"""

import re

import pytest
from django.contrib import messages
from django.test import Client
from wagtail import hooks
from wagtail.models import PageViewRestriction

from gallery.models import PaintingPage
from pagecache import store
from shop.models import SaleState
from shop.sale_status import SaleStatus
from tests.helpers import is_hit, stored_pages

pytestmark = pytest.mark.django_db


# -- never stored ---------------------------------------------------------------


def never_stored(url, **headers):
    """Two visits, neither from the cache, and nothing stored."""
    for _ in range(2):
        response = Client().get(url, **headers)
        assert not is_hit(response)
        assert "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
    assert stored_pages() == 0
    return response


def test_a_page_that_sets_a_cookie_is_never_stored(shop):
    # A password-protected page answers with a form: a CSRF token, and its cookie.
    painting = shop.paintings[0]
    PageViewRestriction.objects.create(
        page=painting, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    response = never_stored(painting.url)
    assert response.status_code == 200 and "csrftoken" in response.cookies
    # Even for a visitor whose CSRF cookie is already set.
    never_stored(painting.url, HTTP_COOKIE="csrftoken=" + "a" * 32)


@pytest.mark.parametrize(
    "does",
    [
        pytest.param(lambda request: messages.info(request, "Hello"), id="shows-a-message"),
        pytest.param(lambda request: request.session.__setitem__("x", 1), id="saves-a-session"),
        pytest.param(lambda request: request.user.is_authenticated, id="reads-the-user"),
        pytest.param(lambda request: str(request.csp_nonce), id="uses-a-csp-nonce"),
    ],
)
def test_a_page_that_touches_the_visitor_is_never_stored(shop, does):
    def serve_hook(page, request, serve_args, serve_kwargs):
        does(request)

    with hooks.register_temporarily("before_serve_page", serve_hook):
        never_stored(shop.paintings[0].url)


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page_with_it(shop):
    url = shop.paintings[0].url
    Client().get(url)
    assert stored_pages() == 1
    client = Client()
    client.post(f"/cart/add/{shop.paintings[1].pk}/", HTTP_REFERER="http://testserver" + url)
    response = client.get(url)
    assert not is_hit(response)
    assert "is in your cart" in response.content.decode()


def test_a_page_with_a_form_is_never_stored(shop, commit):
    from tests.factories import ContactPageFactory

    with commit():
        contact = ContactPageFactory(parent=shop.home)
    never_stored(contact.url)


# -- what bots and odd requests can do ------------------------------------------


def test_tracking_parameters_are_answered_from_the_cache_and_never_stored(shop):
    url = shop.paintings[0].url
    Client().get(url)
    for n in range(30):
        response = Client().get(f"{url}?utm_source=bot{n}&fbclid={n}")
        assert is_hit(response)
    # Any other query is a fresh page, never stored.
    for n in range(5):
        response = Client().get(f"{url}?x={n}")
        assert not is_hit(response) and response["Cache-Control"] == "private"
    assert stored_pages() == 1


def test_nul_bytes_long_paths_and_head_requests(shop):
    assert Client().get("/gallery/%00/").status_code == 400
    long_path = "/" + "a" * 2000 + "/"
    for _ in range(2):
        response = Client().get(long_path)
        assert response.status_code == 404 and not is_hit(response)
    url = shop.paintings[0].url
    head = Client().head(url)
    assert head.status_code == 200 and not is_hit(head)
    assert stored_pages() == 0  # HEAD never stores (it would store no body)
    Client().get(url)
    head = Client().head(url)
    assert is_hit(head) and head.status_code == 200


def test_session_cookies_an_empty_one_is_no_session(shop):
    url = shop.paintings[0].url
    Client().get(url)
    assert is_hit(Client().get(url, HTTP_COOKIE="sessionid="))
    fresh = Client().get(url, HTTP_COOKIE="sessionid=" + "x" * 32)
    assert not is_hit(fresh) and fresh["Cache-Control"] == "private"


def test_a_change_committed_during_a_render_is_never_hidden_by_it(shop, commit):
    """Two requests racing a change: the render that started before it is stored
    under the generation it read first, which the change replaced."""
    painting = shop.paintings[0]
    url = painting.url

    def change_meanwhile(page, request, serve_args, serve_kwargs):
        with commit():
            fresh = PaintingPage.objects.get(pk=painting.pk)
            fresh.title = "Renamed meanwhile"
            fresh.save_revision().publish()

    with hooks.register_temporarily("before_serve_page", change_meanwhile):
        stale = Client().get(url).content.decode()
    assert "Renamed meanwhile" not in stale  # rendered from the page routed before
    response = Client().get(url)
    assert not is_hit(response)
    assert "Renamed meanwhile" in response.content.decode()


# -- the buy box: the same for everyone, and a token-free add-to-cart ------------


def test_the_painting_page_holds_nothing_of_the_visitor(shop):
    client = Client()
    client.post(f"/cart/add/{shop.paintings[0].pk}/")
    page = client.get(shop.paintings[0].url).content.decode()
    assert "csrfmiddlewaretoken" not in page
    assert "In your cart" not in page
    assert "Sign out" not in page
    assert 'href="/account/">Account</a>' in page
    assert re.search(r'<form method="post" action="/cart/add/\d+/">', page)


@pytest.mark.parametrize(
    "status, price_shown",
    [
        (SaleStatus.AVAILABLE, True),
        (SaleStatus.RESERVED, True),
        (SaleStatus.SOLD, False),
        (SaleStatus.NOT_FOR_SALE, False),
    ],
)
def test_the_price_shows_only_while_the_painting_can_be_bought_or_is_reserved(
    shop, status, price_shown
):
    painting = shop.paintings[0]
    if status == SaleStatus.NOT_FOR_SALE:
        painting.for_sale = False
        painting.save_revision().publish()
    elif status == SaleStatus.RESERVED:
        from django.utils import timezone

        SaleState.objects.create(
            painting=painting,
            status=status,
            reserved_until=timezone.now() + timezone.timedelta(minutes=30),
        )
    elif status == SaleStatus.SOLD:
        SaleState.objects.create(painting=painting, status=status)
    page = Client().get(painting.url).content.decode()
    assert ('class="price"' in page) is price_shown
    assert f"sale-status--{status}" in page


def post_add(painting, **headers):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/cart/add/{painting.pk}/", **headers)
    return client, response


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"HTTP_ORIGIN": "https://evil.example"}, id="cross-site-origin"),
        pytest.param({}, id="neither-origin-nor-referer"),
        pytest.param({"HTTP_ORIGIN": "null"}, id="null-origin"),
        pytest.param({"HTTP_REFERER": "https://evil.example/page/"}, id="cross-site-referer"),
        pytest.param(
            {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "cross-site"},
            id="sec-fetch-site-cross-site",
        ),
        pytest.param({"HTTP_ORIGIN": "https://testserver"}, id="other-scheme"),
    ],
)
def test_add_to_cart_from_another_site_is_refused_and_adds_nothing(shop, headers):
    client, response = post_add(shop.paintings[0], **headers)
    assert response.status_code == 403
    assert "did not come from a page of this site" in response.content.decode()
    assert "cart" not in client.session
    assert "cart_count" not in response.cookies


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"HTTP_ORIGIN": "http://testserver"}, id="origin"),
        pytest.param({"HTTP_REFERER": "http://testserver/gallery/"}, id="referer-only"),
        pytest.param(
            {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"},
            id="sec-fetch-site-same-origin",
        ),
        pytest.param({"HTTP_ORIGIN": "https://www.example.com"}, id="trusted-origin"),
    ],
)
def test_add_to_cart_from_this_site_works_without_a_token_or_javascript(shop, settings, headers):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.example.com"]
    painting = shop.paintings[0]
    client, response = post_add(painting, **headers)
    assert response.status_code == 302
    assert client.session["cart"] == [painting.pk]
    assert response.cookies["cart_count"].value == "1"
    assert not response.cookies["cart_count"]["httponly"]


def test_every_other_form_keeps_its_csrf_token(shop):
    client = Client(enforce_csrf_checks=True)
    same_site = {"HTTP_ORIGIN": "http://testserver"}
    assert client.post("/checkout/", **same_site).status_code == 403
    assert client.post(f"/cart/remove/{shop.paintings[0].pk}/", **same_site).status_code == 403


def test_adding_twice_goes_to_the_cart_and_the_count_cookie_follows_the_cart(shop):
    painting = shop.paintings[0]
    client = Client()
    client.post(f"/cart/add/{painting.pk}/")
    again = client.post(f"/cart/add/{painting.pk}/", follow=True)
    assert again.redirect_chain[-1][0] == "/cart/"
    assert "already in your cart" in again.content.decode()
    assert client.session["cart"] == [painting.pk]
    assert client.cookies["cart_count"].value == "1"
    client.post(f"/cart/add/{shop.paintings[2].pk}/")
    assert client.cookies["cart_count"].value == "2"
    client.post(f"/cart/remove/{painting.pk}/")
    client.post(f"/cart/remove/{shop.paintings[2].pk}/")
    assert client.cookies["cart_count"].value == ""  # deleted


def test_variants_of_one_host_share_one_entry(shop, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    painting = shop.paintings[0]
    assert not is_hit(Client().get(painting.url, HTTP_HOST="localhost"))
    for variant in ("LOCALHOST", "LocalHost.", "localhost."):
        assert is_hit(Client().get(painting.url, HTTP_HOST=variant)), variant
    assert stored_pages() == 1


def test_a_page_rendered_across_a_change_is_neither_stored_nor_offered_to_a_cdn(shop):
    """A change that commits while the page renders has already purged the CDN."""
    painting = shop.paintings[0]

    def change_meanwhile(page, request, serve_args, serve_kwargs):
        store.bump()  # what a sale committing mid-render does

    with hooks.register_temporarily("before_serve_page", change_meanwhile):
        response = Client().get(painting.url)
    assert response.status_code == 200
    assert "public" not in response["Cache-Control"] and "s-maxage" not in response["Cache-Control"]
    assert stored_pages() == 0


def test_a_hit_varies_by_cookie_as_the_page_it_was_stored_from(shop):
    """A CDN must not hand the stored page to a visitor whose cookie (a session, a
    message waiting) gets another one here."""
    url = shop.paintings[0].url
    miss = Client().get(url)
    hit = Client().get(url)
    assert miss["X-Page-Cache"] == "miss" and is_hit(hit)
    assert "Cookie" in miss["Vary"]
    assert hit["Vary"] == miss["Vary"]


def test_only_the_sites_own_ports_are_stored(shop, settings, commit):
    """Django's host check ignores the port: one entry per port would let a bot
    fill the cache (the page's absolute URLs repeat the port)."""
    url = shop.paintings[0].url
    for port in ("1", "8001", "65535"):
        for _ in range(2):
            response = Client().get(url, HTTP_HOST=f"localhost:{port}")
            assert response.status_code == 200 and not is_hit(response)
            assert response["Cache-Control"] == "private"
    assert stored_pages() == 0
    # None, the scheme's own, the one the server listens on, and the Site's.
    for host, server_port in [("localhost", "80"), ("localhost:80", "80"),
                              ("localhost:8001", "8001")]:  # fmt: skip
        for _ in range(2):
            response = Client().get(url, HTTP_HOST=host, SERVER_PORT=server_port)
        assert is_hit(response), host
    assert stored_pages() == 3
    shop.site.port = 8002
    with commit():  # as in production: the change replaces the generation
        shop.site.save()
    Client().get(url, HTTP_HOST="localhost:8002")
    assert is_hit(Client().get(url, HTTP_HOST="localhost:8002"))


def test_a_host_only_a_wildcard_allows_is_not_stored(shop, settings):
    settings.ALLOWED_HOSTS = [".example.com", "localhost"]
    url = shop.paintings[0].url
    for n in range(3):
        response = Client().get(url, HTTP_HOST=f"bot{n}.example.com")
        assert response.status_code == 200 and not is_hit(response)
    assert stored_pages() == 0
