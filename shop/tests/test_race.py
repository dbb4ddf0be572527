"""Concurrent buyers on PostgreSQL: each checkout on its own connection.

Prints the figures it measures (sessions created, reservations, refusals).
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from shop.models import Order, SaleState

from .factories import build_shop

# serialized_rollback restores the root page and locale that migrations create.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BUYERS = 20
ROUNDS = 10


def run_at_once(jobs):
    """Runs each job in its own thread (and so its own DB connection), released together."""
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


def buyer_with(*paintings):
    client = Client()
    for painting in paintings:
        client.post(f"/cart/add/{painting.pk}/")
    return client


def reset(paintings):
    SaleState.objects.filter(painting__in=paintings).update(
        status=SaleState.AVAILABLE, order=None, reserved_until=None
    )


def test_twenty_concurrent_checkouts_reserve_a_painting_once(standin):
    painting = build_shop(prices=("900.00",)).paintings[0]
    refusals = 0
    for round_number in range(ROUNDS):
        reset([painting])
        sessions_before = standin.create_count
        buyers = [buyer_with(painting) for _ in range(BUYERS)]

        responses = run_at_once([lambda b=b: b.post("/checkout/") for b in buyers])

        assert not [r for r in responses if isinstance(r, Exception)], responses
        to_stripe = [r for r in responses if r.status_code == 303]
        refused = [r for r in responses if r.status_code == 302]
        assert len(to_stripe) == 1, f"round {round_number}: {len(to_stripe)} sessions"
        assert len(refused) == BUYERS - 1
        assert standin.create_count - sessions_before == 1
        state = SaleState.objects.get(painting=painting)
        holder = Order.objects.get(pk=state.order_id)
        assert state.status == SaleState.RESERVED
        assert holder.stripe_session_id and to_stripe[0]["Location"].endswith(
            holder.stripe_session_id
        )
        for buyer, response in zip(buyers, responses, strict=True):
            if response.status_code == 302:
                text = buyer.get("/cart/").content.decode()
                assert "reserved in another checkout" in text
                refusals += 1
    assert Order.objects.filter(stripe_session_id__isnull=False).count() == ROUNDS
    print(
        f"\nrace: {ROUNDS} rounds x {BUYERS} buyers -> {standin.create_count} sessions, "
        f"{ROUNDS} reservations, {refusals} refused with 'reserved'"
    )


def test_two_carts_in_opposite_orders_do_not_deadlock(standin):
    first, second = build_shop(prices=("300.00", "400.00")).paintings
    for _ in range(ROUNDS):
        reset([first, second])
        a, b = buyer_with(first, second), buyer_with(second, first)

        responses = run_at_once(
            [lambda a=a: a.post("/checkout/"), lambda b=b: b.post("/checkout/")]
        )

        assert not [r for r in responses if isinstance(r, Exception)], responses
        assert sorted(r.status_code for r in responses) == [302, 303]
        states = SaleState.objects.filter(painting__in=[first, second])
        assert {s.status for s in states} == {SaleState.RESERVED}
        assert len({s.order_id for s in states}) == 1  # one buyer holds both
