"""Twenty shoppers check out the last three prints of an edition at the same instant,
against a live, multi-threaded server, on SQLite and on PostgreSQL.

Each shopper is its own browser (cookie jar, CSRF token) talking HTTP, as in
test_race.py, whose harness this reuses. Prints the figures it measures.
"""

from collections import Counter

import pytest
from django.db import connection

from shop.models import Order, PrintNumber
from shop.sale_status import SaleStatus
from shop.tests.test_race import Browser, run_at_once
from tests.factories import add_edition, shop_tree

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_checkout_limit"),
]

SHOPPERS = 20
ROUNDS = 10
LEFT = 3
EDITION_SIZE = 30


def with_last_numbers_free(edition):
    """All numbers sold but the last three, which are free again."""
    numbers = PrintNumber.objects.filter(edition=edition, proof=False)
    numbers.update(status=SaleStatus.AVAILABLE, order=None, reserved_until=None)
    numbers.filter(number__lte=EDITION_SIZE - LEFT).update(status=SaleStatus.SOLD)


def ready_to_pay(live_server, painting, edition):
    """A shopper with one print of the edition in the cart, and the checkout press ready."""
    browser = Browser(live_server.url)
    page = browser.get(painting.url).text
    added = browser.submit(f"/cart/add-print/{edition.pk}/", page, {"quantity": "1"})
    assert added.status_code == 302
    form, fields = browser.checkout_form()
    assert fields["print"] == [str(edition.pk)]
    return lambda: browser.submit("/checkout/", form, fields), browser


def test_twenty_shoppers_three_prints_left(live_server, live_standin):
    painting = shop_tree(prices=("2400.00",)).paintings[0]
    edition = add_edition(painting, size=EDITION_SIZE, proofs=0)
    refusals = sessions = 0
    for round_number in range(ROUNDS):
        with_last_numbers_free(edition)
        sessions_before = live_standin.create_count
        shoppers = [ready_to_pay(live_server, painting, edition) for _ in range(SHOPPERS)]

        responses = run_at_once([press for press, _ in shoppers])

        assert not [r for r in responses if isinstance(r, Exception)], responses
        assert not [r for r in responses if r.status_code >= 500], "server errors"
        to_stripe = [r for r in responses if r.status_code == 303]
        refused = [r for r in responses if r.status_code == 302]
        assert len(to_stripe) == LEFT, f"round {round_number}: {len(to_stripe)} sessions"
        assert len(refused) == SHOPPERS - LEFT
        assert live_standin.create_count - sessions_before == LEFT
        sessions += LEFT

        reserved = PrintNumber.objects.filter(edition=edition, status=SaleStatus.RESERVED)
        holders = Counter(reserved.values_list("order_id", flat=True))
        assert sorted(reserved.values_list("number", flat=True)) == [28, 29, 30]
        assert len(holders) == LEFT and set(holders.values()) == {1}
        urls = {r.headers["Location"] for r in to_stripe}
        for order in Order.objects.filter(pk__in=holders):
            assert order.stripe_session_id and any(
                u.endswith(order.stripe_session_id) for u in urls
            )
            assert order.lines.get().title.endswith(f"/{EDITION_SIZE}")
        for (_, browser), response in zip(shoppers, responses, strict=True):
            if response.status_code == 302:
                cart = browser.get("/cart/").text
                assert "Sorry, these can&#x27;t be bought right now" in cart
                assert "none left" in cart
                refusals += 1
    assert refusals == ROUNDS * (SHOPPERS - LEFT)
    print(
        f"\nprint race on {connection.vendor}: {ROUNDS} rounds x {SHOPPERS} shoppers, "
        f"{LEFT} left -> {sessions} sessions, {LEFT} distinct numbers a round, {refusals} refused "
        "with 'none left', 0 server errors"
    )
