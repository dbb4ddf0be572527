"""One visitor cannot reserve the whole gallery: checkouts are counted per
client address and per account, in the cache every worker shares."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from shop.models import Order, SaleState
from tests.factories import shop_tree
from tests.gunicorn_server import WebClient, start_gunicorn
from tests.helpers import start_checkout

pytestmark = pytest.mark.django_db

LIMITED = "paused checkout"


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def gallery(db):
    return shop_tree(prices=("100.00",) * 16)


def checkout_from(address, painting, user=None):
    client = Client(REMOTE_ADDR=address)
    if user is not None:
        client.force_login(user)
    response = start_checkout(client, painting)
    return response, client


@pytest.fixture
def only_the_rate(settings):
    settings.SHOP_OPEN_CHECKOUTS_PER_ADDRESS = 0


def test_the_eleventh_checkout_in_an_hour_from_one_address_is_refused(
    gallery, standin, settings, only_the_rate
):
    settings.SHOP_CHECKOUT_RATE = "10/h"
    paintings = gallery.paintings
    for painting in paintings[:10]:
        assert checkout_from("203.0.113.9", painting)[0].status_code == 303

    response, client = checkout_from("203.0.113.9", paintings[10])

    assert response.status_code == 302
    assert any(LIMITED in m for m in messages_of(client.get("/cart/")))
    assert not SaleState.objects.filter(painting=paintings[10]).exists()
    assert Order.objects.count() == 10
    # Another visitor is not held up by it.
    assert checkout_from("198.51.100.4", paintings[11])[0].status_code == 303


def test_an_account_is_limited_whatever_address_it_uses(
    gallery, standin, settings, django_user_model, only_the_rate
):
    settings.SHOP_CHECKOUT_RATE = "3/h"
    user = django_user_model.objects.create_user("ada", "ada@example.com", "long-password-1")
    for index, painting in enumerate(gallery.paintings[:3]):
        assert checkout_from(f"203.0.113.{index}", painting, user)[0].status_code == 303
    response, _ = checkout_from("203.0.113.99", gallery.paintings[3], user)
    assert response.status_code == 302
    # Each checkout was of other paintings: none ended another.
    assert Order.objects.filter(status=Order.Status.PENDING).count() == 3


def test_a_rate_of_0_turns_the_per_address_limits_off(gallery, standin, settings):
    settings.SHOP_CHECKOUT_RATE = "0"
    for painting in gallery.paintings[:12]:
        assert checkout_from("203.0.113.9", painting)[0].status_code == 303


def test_one_checkout_holds_at_most_five_paintings(gallery, standin, settings):
    settings.SHOP_MAX_PAINTINGS_PER_CHECKOUT = 5
    client = Client()
    response = start_checkout(client, *gallery.paintings[:6])
    assert response.status_code == 302
    assert any("at most 5 paintings" in m for m in messages_of(client.get("/cart/")))
    assert not SaleState.objects.exists()
    client.post(f"/cart/remove/{gallery.paintings[5].pk}/")
    assert start_checkout(client).status_code == 303
    assert SaleState.objects.filter(status="reserved").count() == 5


def test_one_address_holds_at_most_two_open_checkouts_at_once(gallery, standin, settings):
    settings.SHOP_OPEN_CHECKOUTS_PER_ADDRESS = 2
    first, _ = checkout_from("203.0.113.9", gallery.paintings[0])
    second, _ = checkout_from("203.0.113.9", gallery.paintings[1])
    third, client = checkout_from("203.0.113.9", gallery.paintings[2])

    assert (first.status_code, second.status_code, third.status_code) == (303, 303, 302)
    assert any(
        "already reserved in other checkouts" in m for m in messages_of(client.get("/cart/"))
    )
    assert not SaleState.objects.filter(painting=gallery.paintings[2]).exists()
    # Someone else is not held up, and a finished checkout frees a place.
    assert checkout_from("198.51.100.4", gallery.paintings[3])[0].status_code == 303
    Order.objects.filter(status="pending").update(reserved_until=timezone.now())
    assert checkout_from("203.0.113.9", gallery.paintings[2])[0].status_code == 303


# -- against gunicorn: two workers, recycled, sharing the database cache -----------------


def _csrf(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def checkouts_from_fresh_sessions(base_url, paintings, forwarded_for=lambda index: None):
    """Each painting checked out by a new browser session, as a script would."""
    answers = []
    for index, painting in enumerate(paintings):
        address = forwarded_for(index)
        browser = WebClient(base_url, headers={"X-Forwarded-For": address} if address else {})
        browser.get(painting.url)
        # The button is on a cached page without a token: the browser's Origin vouches.
        browser.post(f"/cart/add/{painting.pk}/", {}, headers={"Origin": base_url})
        cart = browser.get("/cart/").text
        form = {"csrfmiddlewaretoken": _csrf(cart), "painting": painting.pk, "country": "FR"}
        answers.append(browser.post("/checkout/", form).status_code)
    return answers


@pytest.fixture
def served_gallery(transactional_db, standin):
    return shop_tree(prices=("100.00",) * 16), {"STRIPE_API_BASE": standin.url}


@pytest.mark.postgres  # real processes are slow to start: the PostgreSQL pass is enough
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifteen_checkouts_from_one_address_are_not_all_accepted_by_gunicorn(served_gallery):
    gallery, env = served_gallery
    env = {**env, "SHOP_OPEN_CHECKOUTS_PER_ADDRESS": "0"}  # the rate alone
    # Workers recycled every 4 requests: a limit kept in a worker's memory would reset.
    with start_gunicorn(env, workers=2, max_requests=4) as base_url:
        answers = checkouts_from_fresh_sessions(base_url, gallery.paintings[:15])
    assert answers.count(303) == 10, answers
    assert answers.count(302) == 5
    assert Order.objects.count() == 10


@pytest.mark.postgres  # real processes are slow to start: the PostgreSQL pass is enough
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_shop_checkout_rate_0_lets_all_fifteen_through_gunicorn(served_gallery):
    gallery, env = served_gallery
    with start_gunicorn({**env, "SHOP_CHECKOUT_RATE": "0"}, workers=2) as base_url:
        answers = checkouts_from_fresh_sessions(base_url, gallery.paintings[:15])
    assert answers == [303] * 15


@pytest.mark.postgres  # real processes are slow to start: the PostgreSQL pass is enough
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_by_default_one_address_cannot_hold_many_paintings_through_gunicorn(served_gallery):
    gallery, env = served_gallery
    with start_gunicorn(env, workers=2) as base_url:
        answers = checkouts_from_fresh_sessions(base_url, gallery.paintings[:15])
    assert answers.count(303) == 2, answers
    assert SaleState.objects.filter(status="reserved").count() == 2


@pytest.mark.postgres  # real processes are slow to start: the PostgreSQL pass is enough
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_behind_a_router_each_visitor_counts_apart_and_cannot_spoof(served_gallery):
    gallery, env = served_gallery
    env = {
        **env,
        "TRUSTED_PROXY_COUNT": "1",
        "SHOP_CHECKOUT_RATE": "3/h",
        "SHOP_OPEN_CHECKOUTS_PER_ADDRESS": "0",
    }
    with start_gunicorn(env, workers=2) as base_url:
        # Twelve visitors behind the platform's router: the router appends each one's address.
        visitors = checkouts_from_fresh_sessions(
            base_url, gallery.paintings[:12], lambda index: f"198.51.100.{index + 1}"
        )
        # One script inventing a new address each time in front of the router's entry.
        script = checkouts_from_fresh_sessions(
            base_url, gallery.paintings[12:16], lambda index: f"10.9.9.{index}, 203.0.113.66"
        )
    assert visitors == [303] * 12
    assert script == [303, 303, 303, 302]
