"""Concurrent buyers against a live, multi-threaded server, on SQLite and on PostgreSQL.

Each buyer is its own browser (cookies, CSRF token) talking HTTP to Django's
live server, so every request has its own thread and database connection, as
under `make run` or gunicorn. Prints the figures it measures.
"""

import re
import threading

import pytest
import requests
from django.db import connection

from shop.models import Order, SaleState
from shop.sale_status import SaleStatus
from tests.factories import shop_tree

# serialized_rollback restores the root page and locale that migrations create.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_checkout_limit"),
]

BUYERS = 20
ROUNDS = 5


class Browser:
    """A buyer's browser: a cookie jar, and forms submitted with the fields the page shows."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.http = requests.Session()

    def get(self, path):
        return self.http.get(self.base_url + path, timeout=60)

    def submit(self, path, page_html, extra=None):
        # As a browser does: the form's CSRF token if it has one (add-to-cart,
        # on cached pages, has none), and the page's origin.
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_html)
        data = {**({"csrfmiddlewaretoken": token[1]} if token else {}), **(extra or {})}
        return self.http.post(
            self.base_url + path,
            data=data,
            headers={"Origin": self.base_url},
            allow_redirects=False,
            timeout=60,
        )

    def add_to_cart(self, painting):
        page = self.get(painting.url).text
        assert self.submit(f"/cart/add/{painting.pk}/", page).status_code == 302

    def checkout_form(self, country="FR"):
        """What pressing "Checkout" on the cart page posts, once `country` is chosen there."""
        cart = self.get("/cart/").text
        assert self.submit("/cart/destination/", cart, {"country": country}).status_code == 302
        html = self.get("/cart/").text
        form = re.search(r'<form method="post" action="/checkout/".*?</form>', html, re.S)[0]
        return form, {
            "painting": re.findall(r'name="painting" value="(\d+)"', form),
            "print": re.findall(r'name="print" value="([\w-]+)"', form),
            "country": re.search(r'name="country" value="([A-Z]{2})"', form)[1],
        }


def run_at_once(jobs):
    """Runs each job in its own thread, released together."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # reported by the assertions below
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def ready_to_pay(live_server, *paintings):
    """A browser with the paintings in its cart, and the checkout form it would post."""
    browser = Browser(live_server.url)
    for painting in paintings:
        browser.add_to_cart(painting)
    form, fields = browser.checkout_form()
    return lambda: browser.submit("/checkout/", form, fields), browser


def reset(paintings):
    SaleState.objects.filter(painting__in=paintings).update(
        status=SaleStatus.AVAILABLE, order=None, reserved_until=None
    )


def test_twenty_concurrent_checkouts_reserve_a_painting_once(live_server, live_standin):
    painting = shop_tree(prices=("900.00",)).paintings[0]
    refusals = 0
    for round_number in range(ROUNDS):
        reset([painting])
        sessions_before = live_standin.create_count
        buyers = [ready_to_pay(live_server, painting) for _ in range(BUYERS)]

        responses = run_at_once([press for press, _ in buyers])

        assert not [r for r in responses if isinstance(r, Exception)], responses
        assert not [r for r in responses if r.status_code >= 500], "server errors"
        to_stripe = [r for r in responses if r.status_code == 303]
        refused = [r for r in responses if r.status_code == 302]
        assert len(to_stripe) == 1, f"round {round_number}: {len(to_stripe)} sessions"
        assert len(refused) == BUYERS - 1
        assert live_standin.create_count - sessions_before == 1
        state = SaleState.objects.get(painting=painting)
        holder = Order.objects.get(pk=state.order_id)
        assert state.status == SaleStatus.RESERVED
        assert holder.stripe_session_id and to_stripe[0].headers["Location"].endswith(
            holder.stripe_session_id
        )
        for (_, browser), response in zip(buyers, responses, strict=True):
            if response.status_code == 302:
                assert "reserved in another checkout" in browser.get("/cart/").text
                refusals += 1
    assert Order.objects.filter(stripe_session_id__isnull=False).count() == ROUNDS
    print(
        f"\nrace on {connection.vendor}: {ROUNDS} rounds x {BUYERS} buyers -> "
        f"{live_standin.create_count} sessions, {refusals} refused with 'reserved', "
        "0 server errors"
    )


def test_two_carts_in_opposite_orders_do_not_deadlock(live_server, live_standin):
    first, second = shop_tree(prices=("300.00", "400.00")).paintings
    for _ in range(ROUNDS):
        reset([first, second])
        a, _ = ready_to_pay(live_server, first, second)
        b, _ = ready_to_pay(live_server, second, first)

        responses = run_at_once([a, b])

        assert not [r for r in responses if isinstance(r, Exception)], responses
        assert sorted(r.status_code for r in responses) == [302, 303]
        states = SaleState.objects.filter(painting__in=[first, second])
        assert {s.status for s in states} == {SaleStatus.RESERVED}
        assert len({s.order_id for s in states}) == 1  # one buyer holds both
